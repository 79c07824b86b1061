"""The register's version held in memory: told of every change committed elsewhere by PostgreSQL, exact
at once in the process that writes, and read from the database whenever the listener is not listening.

These tests commit for real (a notification is only delivered at commit) and talk to the real server."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import LookalikeSighting
from accounts.public import version_listener
from accounts.public.cache import register_version
from accounts.public.version_listener import CHANNEL, listener
from entities.models import Entity

pytestmark = pytest.mark.django_db(transaction=True)


def eventually(condition: Callable[[], object], seconds: float = 10) -> None:
    """Wait for `condition` (the listener's thread works on its own time); fail if it never holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.01)


def listening_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = %s",
                       [f"LISTEN {CHANNEL}"])
        return [pid for (pid,) in cursor.fetchall()]


def from_the_database() -> str:
    """The version as a request without the listener reads it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT number, changed_at FROM accounts_registerversion WHERE id = 1")
        number, changed_at = cursor.fetchone()
    return f"{number}.{changed_at.timestamp()}"


def queries_of(read: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        read()
    return len(queries)


def connect(dbname: str | None = None) -> psycopg.Connection:
    """A connection of its own to the test database (or to `dbname` on the same server)."""
    params = {**connection.get_connection_params(), "autocommit": True}
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**{**params, "dbname": dbname or params["dbname"]})


def elsewhere(sql: str, params: list) -> None:
    """A write committed by another process (another worker, a Celery task, psql)."""
    with connect() as other:
        other.execute(sql, params)


def new_connections(allowed: bool) -> None:
    """Let the test database take new connections or not (done from the server's maintenance database)."""
    with connect("postgres") as admin:
        admin.execute(f'ALTER DATABASE "{connection.settings_dict["NAME"]}" ALLOW_CONNECTIONS {allowed}')


def read_in_another_thread() -> str:
    """The version as another request of this process (a threaded server) reads it, on its own connection."""
    read = []

    def request():
        try:
            read.append(register_version())
        finally:
            connection.close()

    thread = threading.Thread(target=request)
    thread.start()
    thread.join()
    return read[0]


@pytest.fixture
def listening(settings):
    settings.REGISTER_VERSION_LISTENER = True
    register_version()  # the first read starts the process's listener
    eventually(lambda: listener.listening)
    yield
    listener.stop()


@pytest.fixture
def deaf(settings, monkeypatch):
    """A listener on a channel nobody notifies: what it gets right, it gets right without being told."""
    monkeypatch.setattr(version_listener, "CHANNEL", "accounts_register_version_unheard")
    settings.REGISTER_VERSION_LISTENER = True
    register_version()
    eventually(lambda: listener.listening)
    yield
    listener.stop()


@pytest.fixture
def entity(make_entity):
    return make_entity(slug="listened", name_en="Ministry of Listening", name_ar="وزارة الإصغاء")


def test_the_version_is_held_until_another_process_commits_a_change(listening, entity):
    held = register_version()  # read once more, now that the listener listens
    assert queries_of(register_version) == 0
    assert register_version() == held == from_the_database()

    elsewhere("UPDATE entities_entity SET name_en = 'Ministry of Hearing' WHERE id = %s", [entity.pk])
    eventually(lambda: register_version() != held)
    assert register_version() == from_the_database()
    assert queries_of(register_version) == 0  # held again


def test_a_write_of_this_process_is_seen_by_its_very_next_read(deaf, entity):
    held = register_version()
    Entity.objects.filter(pk=entity.pk).update(name_en="Ministry of Hearing")
    assert register_version() == from_the_database() != held

    held = register_version()
    with transaction.atomic():
        Entity.objects.filter(pk=entity.pk).update(name_en="Ministry of Echoes")
        assert register_version() == from_the_database()  # the transaction's own: the database is asked
        read_meanwhile = read_in_another_thread()
    assert read_meanwhile == held  # rightly: the change was not committed yet
    assert register_version() == from_the_database() != held


def test_a_write_the_public_does_not_see_costs_one_read(deaf, entity):
    register_version()
    LookalikeSighting.objects.create(platform="x", handle="M0FA", handle_key="m0fa", day="2026-11-30", count=1)
    assert queries_of(register_version) == 1  # no notification comes: this process asks once
    assert queries_of(register_version) == 0


def test_a_lost_listener_reads_from_the_database_and_comes_back(listening, entity):
    (first,) = listening_backends()
    other = connect()
    new_connections(False)  # the listener cannot come back before the test has looked
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [first])
        eventually(lambda: not listener.listening)
        # What commits while nobody listens is never told: every read asks the database.
        other.execute("UPDATE entities_entity SET name_en = 'Ministry of Silence' WHERE id = %s", [entity.pk])
        assert queries_of(register_version) == 1
        assert register_version() == from_the_database()
    finally:
        other.close()
        new_connections(True)

    eventually(lambda: listener.listening)
    assert listening_backends() not in ([], [first])
    assert register_version() == from_the_database()
    assert queries_of(register_version) == 0


def test_off_there_is_no_listener_and_every_read_asks_the_database(settings, entity):
    settings.REGISTER_VERSION_LISTENER = False
    register_version()
    assert queries_of(register_version) == 1
    assert not listener.listening and listening_backends() == []
