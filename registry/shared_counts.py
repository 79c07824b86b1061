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
reconciliations (a twentieth of a second by default); once its shared count is known to be over,
every process refuses it without asking Redis. A single process (tests, `make run`) counts
exactly. Without Redis, or with the setting at 0, the throttles count as before (registry/throttles.py).
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


# KEYS[1], ARGV[1], ARGV[2]: the window's count, what to add, its seconds. Returns the count and the
# window's milliseconds left; a count without an expiry (new, or its expiry lost) gets one.
_ADD = """
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    left = tonumber(ARGV[2]) * 1000
end
return {count, left}
"""


class SharedCounts:
    """This process's counts (see the module docstring). `count` decides; `reconcile` talks to Redis."""

    def __init__(self):
        self._lock = threading.Lock()
        self._windows: dict[str, _Window] = {}
        self._extras: Counter[HashCount] = Counter()  # the radar's counts of allowed requests, not yet sent
        self._thread_pid: int | None = None
        self._script = None

    def count(self, key: str, duration: int, limit: int, *, and_count: HashCount | None = None,
              now: float | None = None) -> tuple[bool, float]:
        """Count one request under `key`: whether it is within `limit` in its window, and when the
        window opened. `and_count` is added (later, with the key) if it is."""
        self._ensure_thread()
        now = time.time() if now is None else now
        with self._lock:
            window = self._windows.get(key)
            if window is None or window.ended(now):
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
            sending = {key: window.ours - window.sent for key, window in self._windows.items()
                       if window.ours > window.sent}
            durations = {key: self._windows[key].duration for key in sending}
            extras, self._extras = self._extras, Counter()
        if client is None or not (sending or extras):
            return
        try:
            if self._script is None:
                self._script = client.register_script(_ADD)
            pipe = client.pipeline(transaction=False)
            for key, added in sending.items():
                self._script(keys=[key], args=[added, durations[key]], client=pipe)
            for count, added in extras.items():
                pipe.hincrby(count.key, count.field, added).expire(count.key, count.seconds)
            answers = pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("rate limits not added to Redis, kept for the next time: %s", exc)
            with self._lock:
                self._extras.update(extras)
            return
        with self._lock:
            for (key, added), (total, left_ms) in zip(sending.items(), answers, strict=False):
                window = self._windows.get(key)
                if window is None:
                    continue
                if total < window.sent + added:
                    # Redis's window ended and opened again with this batch: what this process had
                    # sent before belongs to the window that ended.
                    window.ours -= window.sent
                    window.sent = 0
                window.sent += added
                window.others = total - window.sent
                window.opened = now + left_ms / 1000 - window.duration

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


shared_counts = SharedCounts()
