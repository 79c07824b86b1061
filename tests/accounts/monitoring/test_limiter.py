"""The per-platform call budget: shared by every limiter on one Redis, refused calls not counted,
blocks only ever extended, and an outage waited out. A fake clock and sleep keep it instant."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import redis

from accounts.monitoring.limiter import CallLimiter
from accounts.platforms.api import FailureKind, PlatformError


class Clock:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture(params=["redis", "in-process"])
def make_limiter(request):
    """Limiters over the real Redis of REDIS_URL (cleared first), or in this process without one."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        redis.Redis.from_url(url).flushdb()
    else:
        url = ""
    clock = Clock()

    def make(calls: int = 3, window: int = 60, platform: str = "x") -> CallLimiter:
        return CallLimiter(platform, calls, window, redis_url=url, clock=clock, sleep=clock.sleep)

    make.clock = clock
    return make


def test_workers_share_one_budget_and_refused_calls_are_not_counted(make_limiter):
    one, two = make_limiter(), make_limiter()
    assert [one.wait_time(), two.wait_time(), one.wait_time()] == [0, 0, 0]
    clock = make_limiter.clock
    window_end = (int(clock.now // 60) + 1) * 60
    for _ in range(5):  # refused: each says how long until the next window, and takes nothing
        assert two.wait_time() == pytest.approx(window_end - clock.now)
    clock.now = window_end
    assert [one.wait_time() for _ in range(3)] == [0, 0, 0]  # the new window's whole budget
    assert two.wait_time() > 0


def test_budgets_are_per_platform(make_limiter):
    x, youtube = make_limiter(calls=1, platform="x"), make_limiter(calls=1, platform="youtube")
    assert (x.wait_time(), youtube.wait_time()) == (0, 0)
    assert x.wait_time() > 0 and youtube.wait_time() > 0


def test_a_block_is_only_ever_extended(make_limiter):
    limiter = make_limiter(calls=100)
    clock = make_limiter.clock
    limiter.block_until(datetime.fromtimestamp(clock.now + 86_400, tz=UTC))  # a day's quota
    limiter.block_until(datetime.fromtimestamp(clock.now + 60, tz=UTC))  # a later, shorter Retry-After
    assert make_limiter().wait_time() == pytest.approx(86_400)


def test_acquire_waits_within_its_patience_then_says_when(make_limiter):
    limiter = make_limiter(calls=1, window=10)
    clock = make_limiter.clock
    limiter.acquire(max_wait=30)
    limiter.acquire(max_wait=30)  # waits for the next window
    assert 0 < sum(clock.slept) <= 10.25
    limiter.block_until(datetime.fromtimestamp(clock.now + 900, tz=UTC))
    with pytest.raises(PlatformError) as refused:
        limiter.acquire(max_wait=30)
    assert refused.value.failure.kind == FailureKind.RATE_LIMITED
    assert refused.value.failure.retry_at.timestamp() == pytest.approx(clock.now + 900)


def test_an_unreachable_redis_is_waited_for_then_refused():
    clock = Clock()
    limiter = CallLimiter("x", 10, 60, redis_url="redis://127.0.0.1:1/0", clock=clock, sleep=clock.sleep,
                          outage_patience=20)
    with pytest.raises(PlatformError) as refused:
        limiter.acquire(max_wait=30)
    assert refused.value.failure.kind == FailureKind.UNAVAILABLE
    assert 20 <= sum(clock.slept) <= 30 and clock.slept == sorted(clock.slept)  # growing pauses
