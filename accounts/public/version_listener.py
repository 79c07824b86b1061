"""The register's version held in each process's memory, kept exact by PostgreSQL telling every change
(LISTEN/NOTIFY), so that a replayed public answer costs no database round trip.

Every bump of `RegisterVersion` notifies the channel `accounts_register_version` when its transaction
commits (accounts/migrations/0012_register_version_notify.py). Each process (a gunicorn worker after
the fork, a Celery worker) starts one listener thread, on a connection of its own, the first time it
reads the version (accounts/public/cache.py register_version()); the version itself is still read from
the database, by a request, and then held until anything could have changed it. Off unless
settings.REGISTER_VERSION_LISTENER (on by default in production, off under DJANGO_DEBUG=1 and in tests).

How exact it is. The held version is trusted only while all of these hold, else the database is asked:
- the listener was connected and listening before the read that gave it (a reconnection forgets it:
  what was committed while the listener was away was never told);
- nothing has arrived on the listener's connection since: the listener forgets the version as soon as
  its socket has something to read, before reading it, and a request that finds the socket readable
  asks the database without waiting for the listener thread to be scheduled;
- this process has not written since: every statement other than a read forgets it, and a write inside
  a transaction forgets it again when the transaction commits. So the process that committed a
  decision answers the very next request at the new version;
- the request is not inside a transaction (the database's answer there may be the transaction's own).
What is left, across processes: the time PostgreSQL takes to deliver the notification to the other
processes' sockets after the commit (it signals the listening backends at commit, and each sends it
at once, well under a millisecond on one machine). A request that starts within that window in
another process may still be answered at the old version; none can after it. A listener whose
server vanished without closing the connection (a network cut) is noticed by TCP keepalives and a
ping every PING_SECONDS; a database that cannot be reached cannot commit a change either.

The listener needs a session of its own on the server: behind a pooler in transaction mode (PgBouncer's
`pool_mode = transaction`), which hands the session that ran LISTEN to other clients, notifications
never arrive, so turn REGISTER_VERSION_LISTENER off there (compose talks to PostgreSQL directly).
"""
from __future__ import annotations

import itertools
import logging
import os
import select
import threading

import psycopg
from django.conf import settings
from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.dispatch import receiver

log = logging.getLogger(__name__)

CHANNEL = "accounts_register_version"  # as in accounts/migrations/0012_register_version_notify.py
PING_SECONDS = 30
FIRST_RETRY_SECONDS, LAST_RETRY_SECONDS = 0.1, 5.0
# A connection to a server that vanished is given up within about a minute, not TCP's hours.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 20, "keepalives_interval": 5, "keepalives_count": 4}
# Statements that write nothing (a read may lock rows; it still changes nothing the public sees).
_READS = ("SELECT", "SAVEPOINT", "RELEASE", "SHOW")


class VersionListener:
    """One per process (`listener` below). `held()` on the request's path; the rest is the thread's."""

    def __init__(self):
        self._starting = threading.Lock()
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # a fork has none of its parent's threads

    def _reset(self) -> None:
        self._thread: threading.Thread | None = None
        self._wake: tuple[int, int] | None = None  # a pipe that ends the thread's wait (stop())
        self._changes = itertools.count()
        self._change = next(self._changes)  # moves on whenever the held version may be stale
        self._known: tuple[int, str] | None = None  # (the change it was read at, the version)
        self._socket: int | None = None  # the listening connection's, while it listens

    @property
    def listening(self) -> bool:
        return self._socket is not None

    # --- The request's side ----------------------------------------------------------------------

    def held(self) -> str | None:
        """The version held in memory if it is still the database's (see the module docstring), else None."""
        known, socket = self._known, self._socket
        if known is None or known[0] != self._change or socket is None:
            return None
        if connection.in_atomic_block or _has_input(socket):
            return None
        return known[1]

    def before_read(self) -> int | None:
        """To call before reading the version from the database: a mark for `learn`, or None if what is
        read now may not be held (the listener is off, or the read is inside a transaction)."""
        if not settings.REGISTER_VERSION_LISTENER or connection.in_atomic_block:
            return None
        if self._thread is None:
            self._start()
        return self._change

    def learn(self, mark: int | None, version: str) -> None:
        """Hold `version`, read from the database after `before_read()` gave `mark`, unless anything
        happened meanwhile (the mark is kept with it: a change after this check still counts)."""
        if mark is not None and mark == self._change and self._socket is not None:
            self._known = (mark, version)

    def forget(self) -> None:
        """Something may have changed the register: the next read asks the database."""
        self._change = next(self._changes)

    def written(self, written_on) -> None:
        """A statement that may write ran on the connection `written_on`: forget now, and again when
        its transaction commits (until then, other requests rightly read the old version)."""
        self.forget()
        if written_on.in_atomic_block and not any(entry[1] == self.forget for entry in written_on.run_on_commit):
            written_on.on_commit(self.forget)

    # --- The listener thread ---------------------------------------------------------------------

    def _start(self) -> None:
        with self._starting:
            if self._thread is not None:
                return
            params = {**connection.get_connection_params(), "autocommit": True}
            params.pop("cursor_factory", None)  # Django's, for its own connections
            params.pop("context", None)
            params = {**KEEPALIVES, **params}
            watch_writes(connection)  # this thread's connection, if it was made before the listener was on
            self._wake = os.pipe()
            self._thread = threading.Thread(target=self._listen, args=(params, self._wake[0]), daemon=True,
                                            name="register-version-listener")
            self._thread.start()

    def stop(self) -> None:
        """End the thread and its connection (tests; a process's own end needs nothing)."""
        thread, wake = self._thread, self._wake
        if thread is None:
            return
        os.write(wake[1], b"x")
        thread.join()
        for end in wake:
            os.close(end)
        for each in connections.all(initialized_only=True):
            if _forgetting_writes in each.execute_wrappers:
                each.execute_wrappers.remove(_forgetting_writes)
        self._reset()

    def _listen(self, params: dict, wake: int) -> None:
        wait = FIRST_RETRY_SECONDS
        while True:
            try:
                with psycopg.connect(**params) as listening:
                    listening.execute(f"LISTEN {CHANNEL}")
                    self.forget()  # what was committed before this LISTEN was never told
                    self._socket = listening.pgconn.socket
                    wait = FIRST_RETRY_SECONDS
                    if self._follow(listening, wake):
                        return
            except psycopg.Error as exc:
                log.warning("register version listener: %s; reading the version from the database meanwhile", exc)
            finally:
                self._socket = None
                self.forget()
            if _readable(wake, wait):
                return
            wait = min(wait * 2, LAST_RETRY_SECONDS)

    def _follow(self, listening: psycopg.Connection, wake: int) -> bool:
        """Forget the held version whenever the connection has something to say; True when stopped."""
        poller = select.poll()
        poller.register(listening.pgconn.socket, select.POLLIN)
        poller.register(wake, select.POLLIN)
        while True:
            ready = {fd for fd, _ in poller.poll(PING_SECONDS * 1000)}
            if wake in ready:
                return True
            self.forget()  # first: from now until the read below, requests ask the database
            if ready:
                listening.pgconn.consume_input()  # raises when the connection is lost
                while listening.pgconn.notifies() is not None:
                    pass  # which change it was does not matter: the next read asks the database
                if listening.pgconn.status != psycopg.pq.ConnStatus.OK:
                    raise psycopg.OperationalError("the listening connection was closed")
            else:
                listening.execute("SELECT 1")  # a sign of life, or an error if the server is gone


def _readable(fd: int, seconds: float) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(seconds * 1000))


def _has_input(socket: int) -> bool:
    try:
        return _readable(socket, 0)
    except (OSError, ValueError):
        return True  # closed under us: the listener is going, ask the database


listener = VersionListener()


def _forgetting_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if not (isinstance(sql, str) and sql.lstrip()[:9].upper().startswith(_READS)):
        listener.written(context["connection"])
    return result


def watch_writes(watched) -> None:
    """Make every statement that may write on the connection `watched` forget the held version."""
    if _forgetting_writes not in watched.execute_wrappers:
        watched.execute_wrappers.append(_forgetting_writes)


@receiver(connection_created)
def _watch_new_connection(sender, connection, **kwargs):
    if settings.REGISTER_VERSION_LISTENER:
        watch_writes(connection)
