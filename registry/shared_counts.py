"""Rate-limit counts kept by each process and added to Redis in the background.

The public's limits (verify, the API's anonymous callers) are per client address and shared by
every worker, so they live in Redis. Asked on every request, that was one round trip each: at a
rush, the largest part of what a replayed answer costs (docs/performance.md). Instead, with
`RATE_LIMIT_SYNC_SECONDS` above 0 (production), each process counts its own requests at once, in
memory, and decides from its own count plus the other processes' count as Redis last told it. A
thread of the process adds what it counted to Redis every `RATE_LIMIT_SYNC_SECONDS` (one
pipelined round trip for every key counted since, with the radar's counts of the same requests)
and learns the shared totals back.

The price: a caller can go over its limit by what it sends to the *other* processes between two
reconciliations (a twentieth of a second by default), and to a process that has not counted it
yet in this window (which learns the shared count at its first reconciliation after). Once a
process knows the shared count is over, it refuses without asking Redis. A single process (tests,
`make run`) counts exactly. Without Redis, or with the setting at 0, the throttles count as
before (registry/throttles.py).
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from redis.exceptions import RedisError

from registry.cache import HashCount, redis_client

log = logging.getLogger(__name__)


@dataclass
class _Window:
    """One key's window as this process knows it."""

    opened: float  # when it opened (this process's clock; Redis's window once reconciled)
    duration: int
    ours: int = 0  # requests this process counted in it
    sent: int = 0  # of those, added to Redis already
    others: int = 0  # the other processes' count at the last reconciliation

    def ended(self, now: float) -> bool:
        return now - self.opened >= self.duration


# KEYS[1], ARGV[1], ARGV[2]: the window's count, what to add, its seconds. Returns the count, the
# window's milliseconds left, and 1 if this addition opened the window (the key did not exist); a
# count without an expiry (new, or its expiry lost) gets one.
_ADD = """
local opened = redis.call('EXISTS', KEYS[1]) == 0 and 1 or 0
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    left = tonumber(ARGV[2]) * 1000
end
return {count, left, opened}
"""

# Keys (client addresses) one process holds windows for at most: beyond, a request is counted in
# Redis at once, as without this module, so that addresses made up by the thousand cost Redis's
# memory (bounded by its own settings), not the workers'.
MAX_WINDOWS = 50_000
# A shared window that opened this much later than the one this process sent into is another one.
RESTART_SECONDS = 1.0
# The radar's counts waiting for Redis at most, while Redis refuses them: beyond, they are dropped
# (a count of questions, not a record).
MAX_WAITING_EXTRAS = 10_000


class SharedCounts:
    """This process's counts (see the module docstring). `count` decides; `reconcile` talks to Redis."""

    def __init__(self):
        self._lock = threading.Lock()
        self._windows: dict[str, _Window] = {}
        self._extras: Counter[HashCount] = Counter()  # the radar's counts of allowed requests, not yet sent
        self._thread_pid: int | None = None
        self._script = None
        # A process forked while the thread held the lock would wait for it for ever: the child starts
        # afresh (its parent's counts are the parent's to send).
        os.register_at_fork(after_in_child=self._start_afresh)

    def _start_afresh(self) -> None:
        self._lock = threading.Lock()
        self._windows, self._extras = {}, Counter()
        self._thread_pid = None

    def count(self, key: str, duration: int, limit: int, *, and_count: HashCount | None = None,
              now: float | None = None) -> tuple[bool, float] | None:
        """Count one request under `key`: whether it is within `limit` in its window, and when the
        window opened. `and_count` is added (later, with the key) if it is. None: this process holds
        MAX_WINDOWS windows already; count the request in Redis at once."""
        self._ensure_thread()
        now = time.time() if now is None else now
        with self._lock:
            window = self._windows.get(key)
            if window is None or window.ended(now):
                if window is None and len(self._windows) >= MAX_WINDOWS:
                    return None
                window = self._windows[key] = _Window(opened=now, duration=duration)
            window.ours += 1  # refused requests count too, as in Redis: the window ends all the same
            allowed = window.others + window.ours <= limit
            if allowed and and_count is not None:
                self._extras[and_count] += 1
            opened = window.opened
        return allowed, opened

    def reconcile(self, client=None, *, now: float | None = None) -> None:
        """Add to Redis what was counted since the last time, in one round trip, and learn the
        shared totals back. Windows that ended are forgotten."""
        client = client or redis_client()
        now = time.time() if now is None else now
        with self._lock:
            for key in [key for key, window in self._windows.items() if window.ended(now)]:
                del self._windows[key]
            # Each with the window it was counted in: a window that ends meanwhile is not credited.
            sending = {key: (window, window.ours - window.sent) for key, window in self._windows.items()
                       if window.ours > window.sent}
            extras, self._extras = self._extras, Counter()
        if client is None or not (sending or extras):
            return
        try:
            if self._script is None:
                self._script = client.register_script(_ADD)
            pipe = client.pipeline(transaction=False)
            for key, (window, added) in sending.items():
                self._script(keys=[key], args=[added, window.duration], client=pipe)
            for count, added in extras.items():
                pipe.hincrby(count.key, count.field, added).expire(count.key, count.seconds)
            answers = pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("rate limits not added to Redis, kept for the next time: %s", exc)
            with self._lock:
                if len(self._extras) + len(extras) <= MAX_WAITING_EXTRAS:
                    self._extras.update(extras)
            return
        with self._lock:
            for (key, (window, added)), (total, left_ms, opened) in zip(sending.items(), answers, strict=False):
                if self._windows.get(key) is not window:
                    continue  # its window ended while the counts were on their way
                shared_opened = now + left_ms / 1000 - window.duration
                if opened or (window.sent and shared_opened > window.opened + RESTART_SECONDS):
                    # Redis's window opened again since this process last sent (with this batch, or
                    # with another process's: it ended sooner than this process thought, or was
                    # evicted): what was sent before belongs to the window that ended.
                    window.ours -= window.sent
                    window.sent = 0
                window.sent += added
                window.others = max(0, total - window.sent)
                window.opened = shared_opened

    def forget(self) -> None:
        with self._lock:
            self._windows.clear()
            self._extras.clear()

    def _ensure_thread(self) -> None:
        pid = os.getpid()
        if self._thread_pid == pid or not settings.RATE_LIMIT_SYNC_SECONDS:
            return
        with self._lock:
            if self._thread_pid == pid:
                return
            if self._thread_pid is not None:
                # Forked from a process that counted (gunicorn's workers, from a preloading master):
                # the parent's counts are the parent's to send.
                self._windows.clear()
                self._extras.clear()
            self._thread_pid = pid
        threading.Thread(target=self._run, name="rate-limit-counts", daemon=True).start()

    def _run(self) -> None:
        pid = os.getpid()
        while self._thread_pid == pid and settings.RATE_LIMIT_SYNC_SECONDS:
            time.sleep(settings.RATE_LIMIT_SYNC_SECONDS)
            try:
                self.reconcile()
            except Exception:  # the thread must outlive any one failure; the next round tries again
                log.exception("rate limit counts not reconciled")
        with self._lock:
            if self._thread_pid == pid:
                self._thread_pid = None  # turned off: the next count starts the thread again


shared_counts = SharedCounts()
