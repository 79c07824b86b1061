"""Rate limits counted by each process and added to a real Redis in the background: exact within one
process, over the limit across processes by no more than one reconciliation's worth, refused
everywhere once the shared count is known, and nothing lost when Redis refuses a round trip."""
from __future__ import annotations

import os
import time

import pytest
import redis
from django.core.cache import cache
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle

from registry.cache import HashCount, redis_client
from registry.shared_counts import SharedCounts, shared_counts

pytestmark = pytest.mark.django_db

KEY = "test:count:verify:198.51.100.7"
NOW = 1_800_000_000.0


@pytest.fixture
def client(redis_url, settings):
    """A real Redis, emptied of the test's keys; the background thread left off unless a test starts it."""
    settings.RATE_LIMIT_SYNC_SECONDS = 0
    connection = redis.Redis.from_url(redis_url)
    connection.delete(KEY, "test:radar")
    yield connection
    connection.delete(KEY, "test:radar")


def test_one_process_counts_exactly_and_asks_redis_nothing(client):
    counts = SharedCounts()

    decisions = [counts.count(KEY, 60, 3, now=NOW)[0] for _ in range(5)]

    assert decisions == [True, True, True, False, False]
    assert client.get(KEY) is None  # nothing sent yet: no round trip on the request's path


def test_reconciling_adds_what_was_counted_in_one_round_trip(client):
    counts = SharedCounts()
    for _ in range(4):
        counts.count(KEY, 60, 3, now=NOW)

    counts.reconcile(client, now=NOW)
    counts.reconcile(client, now=NOW)  # nothing new: nothing added twice

    assert int(client.get(KEY)) == 4
    assert 0 < client.ttl(KEY) <= 60


def test_across_processes_a_caller_goes_over_by_one_reconciliation_at_most(client):
    first, second = SharedCounts(), SharedCounts()
    assert [first.count(KEY, 60, 3, now=NOW)[0] for _ in range(2)] == [True, True]
    first.reconcile(client, now=NOW)

    # The second process has not heard of the first's two yet: its own request is allowed.
    assert second.count(KEY, 60, 3, now=NOW)[0] is True
    second.reconcile(client, now=NOW)  # and learns the shared three
    assert second.count(KEY, 60, 3, now=NOW)[0] is False

    # The first still knows only its own two: one more goes through (the bounded overshoot)...
    assert first.count(KEY, 60, 3, now=NOW)[0] is True
    first.reconcile(client, now=NOW)
    # ...and once it has heard the total, it refuses too, without asking Redis again.
    assert first.count(KEY, 60, 3, now=NOW)[0] is False
    assert int(client.get(KEY)) == 4  # the refused request of the second not yet sent


def test_the_window_is_redis_once_reconciled_and_ends_for_everyone(client):
    counts = SharedCounts()
    for _ in range(3):
        counts.count(KEY, 60, 3, now=NOW)
    client.set(KEY, 0, ex=10)  # another process opened the shared window 50 s ago
    counts.reconcile(client, now=NOW)

    allowed, opened = counts.count(KEY, 60, 3, now=NOW)
    assert allowed is False and opened == pytest.approx(NOW + 10 - 60, abs=1)
    # When Redis's window ends, so does this process's: a new one opens with the next request.
    assert counts.count(KEY, 60, 3, now=NOW + 11)[0] is True


def test_a_window_redis_opened_again_counts_only_what_was_sent_into_it(client):
    counts = SharedCounts()
    for _ in range(2):
        counts.count(KEY, 60, 3, now=NOW)
    counts.reconcile(client, now=NOW)
    client.delete(KEY)  # Redis's window ended before this process's clock says so

    counts.count(KEY, 60, 3, now=NOW + 1)
    counts.reconcile(client, now=NOW + 1)

    assert int(client.get(KEY)) == 1
    # Its own earlier two belonged to the window that ended: two more are allowed, not none.
    assert [counts.count(KEY, 60, 3, now=NOW + 1)[0] for _ in range(3)] == [True, True, False]


def test_the_radar_counts_only_allowed_requests_and_rides_along(client):
    counts = SharedCounts()
    question = HashCount(key="test:radar", field="x|mofauae_dem0", seconds=3600)
    for _ in range(4):
        counts.count(KEY, 60, 3, and_count=question, now=NOW)

    assert client.hget("test:radar", "x|mofauae_dem0") is None
    counts.reconcile(client, now=NOW)

    assert int(client.hget("test:radar", "x|mofauae_dem0")) == 3  # the fourth was refused
    assert 0 < client.ttl("test:radar") <= 3600


def test_what_redis_refuses_is_kept_for_the_next_round(client, caplog):
    counts = SharedCounts()
    question = HashCount(key="test:radar", field="x|uaegov0", seconds=3600)
    for _ in range(2):
        counts.count(KEY, 60, 3, and_count=question, now=NOW)
    gone = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)

    counts.reconcile(gone, now=NOW)
    assert "kept for the next time" in caplog.text
    counts.reconcile(client, now=NOW)

    assert int(client.get(KEY)) == 2 and int(client.hget("test:radar", "x|uaegov0")) == 2


def test_the_background_thread_adds_the_counts_of_requests(client, settings, redis_url, monkeypatch):
    """Through the API's anonymous limit, with the thread running: answers are decided at once and
    reach Redis shortly after, under the key the Redis-only way uses."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url,
                                   "KEY_PREFIX": "shared-counts-test"}}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "5/min"})
    settings.RATE_LIMIT_SYNC_SECONDS = 0.05
    shared_counts.forget()
    cache.clear()

    codes = [Client().get("/api/v1/channels/").status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    key = cache.make_key("count:throttle_anon_127.0.0.1")
    deadline = time.monotonic() + 5
    counted = shared_counts._windows[key].ours  # the refused one may be counted twice: the replay, then the view
    assert counted >= 4
    while int(redis_client().get(key) or 0) < counted and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # and nothing is sent twice
    assert int(redis_client().get(key)) == counted
    settings.RATE_LIMIT_SYNC_SECONDS = 0  # the thread stops at its next round
    cache.clear()


def test_a_window_another_process_opened_again_is_told_apart_from_the_one_sent_into(client):
    first, second = SharedCounts(), SharedCounts()
    for _ in range(2):
        first.count(KEY, 60, 3, now=NOW)
    first.reconcile(client, now=NOW)
    client.delete(KEY)  # evicted, or ended early: the shared window is gone
    second.count(KEY, 60, 3, now=NOW + 5)
    second.reconcile(client, now=NOW + 5)  # the second opens a new one, 5 s later

    first.count(KEY, 60, 3, now=NOW + 6)
    first.reconcile(client, now=NOW + 6)

    # The first's two belong to the window that ended: in the new one it has one, the second one.
    assert int(client.get(KEY)) == 2
    assert [first.count(KEY, 60, 3, now=NOW + 6)[0] for _ in range(2)] == [True, False]


def test_counts_of_a_window_that_ended_on_their_way_are_not_credited_to_the_next(client):
    counts = SharedCounts()
    counts.count(KEY, 60, 3, now=NOW)
    real = counts._windows[KEY]

    class Racing:
        """Redis's answer arrives after the window ended and a new one opened in this process."""

        def __getattr__(self, name):
            return getattr(client, name)

        def pipeline(self, **kwargs):
            pipe = client.pipeline(**kwargs)
            execute = pipe.execute

            def late():
                answers = execute()
                counts.count(KEY, 60, 3, now=NOW + 61)
                return answers
            pipe.execute = late
            return pipe

    counts.reconcile(Racing(), now=NOW)

    assert counts._windows[KEY] is not real and counts._windows[KEY].sent == 0
    counts.reconcile(client, now=NOW + 61)
    assert int(client.get(KEY)) == 2  # the new window's request was sent, not taken as already sent


def test_beyond_its_share_of_addresses_a_process_leaves_the_count_to_redis(client, monkeypatch):
    monkeypatch.setattr("registry.shared_counts.MAX_WINDOWS", 2)
    counts = SharedCounts()

    assert counts.count("test:a", 60, 3, now=NOW) is not None
    assert counts.count("test:b", 60, 3, now=NOW) is not None
    assert counts.count(KEY, 60, 3, now=NOW) is None  # the throttle counts it in Redis at once
    assert counts.count("test:a", 60, 3, now=NOW) is not None  # known addresses still counted here


def test_a_process_forked_while_the_counts_were_locked_starts_afresh(client):
    counts = SharedCounts()
    counts.count(KEY, 60, 3, now=NOW)
    counts._lock.acquire()  # as if the reconciling thread held it at the fork
    try:
        child = os.fork()
        if child == 0:  # the child: its own lock, no counts of the parent's
            try:
                ok = counts.count(KEY, 60, 1, now=NOW) == (True, NOW) and counts._windows[KEY].ours == 1
            finally:
                os._exit(0 if ok else 1)
    finally:
        counts._lock.release()
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
