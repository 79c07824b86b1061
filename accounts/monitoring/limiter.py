"""A per-platform call budget shared by every worker through Redis.

Each platform allows so many calls per window to the registry's one set of credentials (X:
300 per 15 minutes). Workers count their calls in one Redis key per platform and window, so
together they stay inside it; when a platform says to wait (a 429 with a reset time, a used-up
daily quota), a "blocked until" mark makes every worker wait until then.

Without REDIS_URL (development, jobs inline) the count is kept in this process. While Redis is
unreachable, a caller waits for it with growing pauses rather than calling blind: the refresh
resumes where it was once Redis is back.
"""
from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from redis import Redis
from redis.exceptions import RedisError

from accounts.platforms.api import Failure, FailureKind, PlatformError

_local_counts: dict[str, int] = {}


# Atomic in Redis, so two workers never both take the budget's last call.
_TAKE = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return 0 end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 1
"""


_EXTEND_BLOCK = """
local blocked = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > blocked then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1
"""


_local_lock = threading.Lock()


class CallLimiter:
    def __init__(self, platform: str, calls: int, window: int, *, redis_url: str | None = None,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep,
                 outage_patience: float = 240.0):
        self.platform, self.calls, self.window = platform, calls, window
        url = settings.REDIS_URL if redis_url is None else redis_url
        self.redis = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2) if url else None
        self.clock, self.sleep, self.outage_patience = clock, sleep, outage_patience

    def _key(self, suffix: str) -> str:
        return f"registry:limit:{self.platform}:{suffix}"

    def wait_time(self) -> float:
        """Count one call and return 0 when it may be made now; else the seconds to wait (a refused
        call is not counted, so waiting workers do not use up the next window between them)."""
        now = self.clock()
        blocked = self._get(self._key("blocked"))
        if blocked and float(blocked) > now:
            return float(blocked) - now
        window = int(now // self.window)
        if self._take(self._key(str(window))):
            return 0.0
        return (window + 1) * self.window - now

    def block_until(self, until: datetime) -> None:
        """Every worker waits until `until` before calling this platform again."""
        seconds = until.timestamp() - self.clock()
        if seconds <= 0:
            return
        # Only ever later: a 60-second Retry-After must not cut short a day-long quota block.
        if self.redis is None:
            with _local_lock:
                key = self._key("blocked")
                _local_counts[key] = max(_local_counts.get(key, 0), int(until.timestamp()))
            return
        self._with_redis(lambda: self.redis.eval(
            _EXTEND_BLOCK, 1, self._key("blocked"), until.timestamp(), int(seconds * 1000)))

    def acquire(self, max_wait: float) -> None:
        """Return when a call may be made, sleeping up to `max_wait` seconds for the budget; past
        that, raise PlatformError(rate limited) saying when to try again."""
        waited = 0.0
        while True:
            wait = self.wait_time()
            if wait <= 0:
                return
            if waited + wait > max_wait:
                retry_at = datetime.fromtimestamp(self.clock() + wait, tz=UTC)
                raise PlatformError(Failure(FailureKind.RATE_LIMITED, "the shared call budget is spent", retry_at))
            pause = wait + random.uniform(0, 0.25)  # jitter: workers waiting together do not stampede
            self.sleep(pause)
            waited += pause

    # --- Redis, or this process without it ---------------------------------------------------

    def _get(self, key: str) -> str | None:
        if self.redis is None:
            with _local_lock:
                value = _local_counts.get(key)
            return None if value is None else str(value)
        return self._with_redis(lambda: self.redis.get(key))

    def _take(self, key: str) -> bool:
        """Count a call in this window if the budget has room; False (and nothing counted) if not."""
        if self.redis is None:
            with _local_lock:
                if _local_counts.get(key, 0) >= self.calls:
                    return False
                _local_counts[key] = _local_counts.get(key, 0) + 1
                return True
        return bool(self._with_redis(lambda: self.redis.eval(_TAKE, 1, key, self.calls, self.window + 60)))

    def _with_redis(self, call):
        """Run a Redis call, waiting out an outage with growing pauses, up to `outage_patience`
        (well inside a batch task's 10-minute soft limit, so a long outage ends the batch as a
        retryable failure, not a killed task)."""
        pause, waited = 0.25, 0.0
        while True:
            try:
                return call()
            except (RedisError, OSError) as exc:
                if waited >= self.outage_patience:
                    raise PlatformError(Failure(FailureKind.UNAVAILABLE, f"Redis unreachable: {exc}")) from exc
                self.sleep(pause)
                waited += pause
                pause = min(pause * 2, 5.0)


def forget_local_budgets() -> None:
    """Forget this process's counts and blocks (used without Redis): each test starts afresh."""
    with _local_lock:
        _local_counts.clear()


def limiter_for(adapter_class, **options) -> CallLimiter:
    calls, window = getattr(adapter_class, "calls", (60, 60))
    return CallLimiter(adapter_class.platform.value, calls, window, **options)
