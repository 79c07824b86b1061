"""The API under load: anonymous clients are throttled by their real address, and lists answer
conditional requests so a CDN or browser can revalidate them cheaply."""
import pytest
import redis
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from registry import throttles
from registry.cache import redis_client
from registry.throttles import PublicRateThrottle

pytestmark = pytest.mark.django_db
LIST = "/api/v1/channels/"


@pytest.fixture
def low_rates(monkeypatch):
    # DRF binds the rates when its throttle classes are imported; lower them for the test.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "5/min"})


def test_anonymous_clients_get_429_with_retry_after(client, low_rates):
    assert [client.get(LIST).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(LIST)
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60


def test_without_trusted_proxies_a_forged_forwarded_for_buys_nothing(client, low_rates, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    codes = [client.get(LIST, headers={"x-forwarded-for": f"203.0.113.{n}"}).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]


def test_behind_one_proxy_each_real_client_has_its_own_allowance(client, low_rates, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    first = [client.get(LIST, headers={"x-forwarded-for": "198.51.100.7"}).status_code for _ in range(4)]
    other = client.get(LIST, headers={"x-forwarded-for": "198.51.100.8"}).status_code
    assert (first, other) == ([200, 200, 200, 429], 200)


def test_lists_answer_conditional_requests(client, make_channel):
    make_channel()
    first = client.get(LIST)
    assert first.status_code == 200 and first["ETag"]
    again = client.get(LIST, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    make_channel()  # the register changed: the old tag no longer matches
    assert client.get(LIST, headers={"if-none-match": first["ETag"]}).status_code == 200


@pytest.fixture
def without_redis(settings):
    """Development without REDIS_URL: the limits count in Django's own cache."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert redis_client() is None


def ask(rf, address: str = "192.0.2.10", now: list[float] | None = None) -> tuple[bool, float]:
    """Whether the limit lets one more request from `address` through, and if not the seconds to wait."""
    throttle = PublicRateThrottle()
    if now is not None:
        throttle.timer = lambda: now[0]
    request = rf.get(LIST, REMOTE_ADDR=address)
    request.user = AnonymousUser()
    allowed = throttle.allow_request(request, None)
    return allowed, (0.0 if allowed else throttle.wait())


def test_a_window_opens_with_the_first_request_and_reopens_after_its_duration(rf, low_rates, without_redis):
    now = [1000.0]
    assert [ask(rf, now=now)[0] for _ in range(3)] == [True, True, True]
    now[0] += 20
    assert ask(rf, now=now) == (False, 40.0)  # the minute that opened at the first request has 40 s left
    now[0] += 40
    assert ask(rf, now=now) == (True, 0.0)  # a new window


def test_a_list_left_by_drfs_throttle_under_the_old_key_is_no_error(client, low_rates):
    """Deploying the windowed limit over a cache holding DRF's lists must not break a request."""
    cache.set("throttle_anon_127.0.0.1", [1.0, 2.0, 3.0])
    cache.set("window:throttle_anon_127.0.0.1", [1.0, 2.0, 3.0])
    assert client.get(LIST).status_code == 200


def test_under_redis_a_window_is_a_count_that_redis_expires(rf, low_rates, redis_url):
    client = redis_client()
    assert [ask(rf)[0] for _ in range(3)] == [True, True, True]
    (key,) = client.keys("*count:throttle_anon_192.0.2.10")
    opened_with = client.pttl(key)
    assert 0 < opened_with <= 60_000
    allowed, wait = ask(rf)
    assert not allowed and 0 < wait <= 60
    assert client.pttl(key) <= opened_with  # the window ends when it was due to, refusals or not
    assert ask(rf, "192.0.2.11")[0]  # another address, another count
    client.delete(key)  # the window's end
    assert ask(rf) == (True, 0.0)


def test_a_limit_redis_cannot_count_lets_the_request_through(rf, low_rates, redis_url, monkeypatch):
    """As every cache call in a Redis outage (registry/cache.py): limits forget, pages keep answering."""
    nobody = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=1)  # nothing listens there
    monkeypatch.setattr(throttles, "redis_client", lambda: nobody)
    assert [ask(rf)[0] for _ in range(5)] == [True] * 5
