"""Rate limits of the site's pages (the API's are DRF's own), and the one 429 page that answers them.

The limits reuse DRF's `SimpleRateThrottle`: a history of request times per key in the cache, and
`wait()` for the seconds until the oldest one leaves the window. Rates are read from settings
when a throttle is made, so tests and operators can change them.
"""
from __future__ import annotations

import hashlib
import logging
import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from redis.commands.core import Script
from redis.exceptions import RedisError
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from registry.authentication import client_ip
from registry.cache import HashCount, redis_client
from registry.shared_counts import shared_counts

log = logging.getLogger(__name__)


class WindowedRateThrottle(SimpleRateThrottle):
    """A count per window that opens with the caller's first request, instead of DRF's list of every
    request time: the public's limits are read on every verify (replayed answers included), and a
    busy address would make that list long, read and written whole each time. The price: up to
    twice the rate across the end of one window and the start of the next.

    Under Redis the count is Redis's own (a script: INCR, and an expiry set at the window's opening),
    one round trip a request, which may also count something else for an allowed request (`and_count`,
    the radar's questions); in production each process counts first and adds its counts to Redis in
    the background instead (RATE_LIMIT_SYNC_SECONDS, registry/shared_counts.py).
    Elsewhere (development without Redis) it is a (opened, count) pair in
    Django's cache, read and written back."""

    def allow_request(self, request, view, *, and_count: HashCount | None = None) -> bool:
        """Whether the request is within the limit (counting it). `and_count` (under Redis only) is
        added in the same round trip if it is."""
        self.key = self.get_cache_key(request, view) if self.rate is not None else None
        client = redis_client()
        if self.key is None:
            if and_count is not None:
                _add_surviving(and_count, client)
            return True
        self.now = self.timer()
        if client is not None and settings.RATE_LIMIT_SYNC_SECONDS:
            # Counted in this process, added to Redis in the background (registry/shared_counts.py).
            counted = shared_counts.count(self.cache.make_key(f"count:{self.key}"), self.duration,
                                          self.num_requests, and_count=and_count, now=self.now)
            if counted is not None:
                allowed, self.opened = counted
                return allowed
        if client is not None:
            return self._counted_in_redis(client, and_count)
        self.key = f"window:{self.key}"  # apart from DRF's lists of request times under the plain key
        kept = self.cache.get(self.key)
        opened, count = kept if isinstance(kept, tuple) and len(kept) == 2 else (self.now, 0)
        if self.now - opened >= self.duration:
            opened, count = self.now, 0
        self.opened = opened
        if count >= self.num_requests:
            return False
        self.cache.set(self.key, (opened, count + 1), max(1, int(opened + self.duration - self.now) + 1))
        return True

    def _counted_in_redis(self, client, and_count: HashCount | None) -> bool:
        # Under a key of its own: an INCR over the pickled pairs of the other way would fail.
        keys, args = [self.cache.make_key(f"count:{self.key}")], [self.duration, self.num_requests]
        if and_count is not None:
            keys.append(and_count.key)
            args += [and_count.field, and_count.seconds]
        try:
            count, left_ms = _count_script(client)(keys, args, client=client)
        except (RedisError, OSError) as exc:
            log.warning("rate limit not counted, Redis refused it: %s", exc)  # as the cache's misses
            return True
        self.opened = self.now + left_ms / 1000 - self.duration
        return count <= self.num_requests  # refused requests are counted too; the window ends all the same

    def wait(self) -> float:
        return max(0.0, self.opened + self.duration - self.now)


# KEYS[1], ARGV[1], ARGV[2]: the window's count, its seconds, the limit. KEYS[2], ARGV[3], ARGV[4], if given:
# a hash, the field to add one to if the request is within the limit, the hash's seconds (HashCount).
# Returns the count and the window's milliseconds left. A count without an expiry (its expiry was
# lost) gets one, so no window lasts for ever.
_COUNT = """
local count = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
    left = tonumber(ARGV[1]) * 1000
end
if KEYS[2] and count <= tonumber(ARGV[2]) then
    redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
    redis.call('EXPIRE', KEYS[2], ARGV[4])
end
return {count, left}
"""
_scripts: dict[int, Script] = {}


def _count_script(client) -> Script:
    """The script, registered once per client (redis-py sends it again if Redis lost it)."""
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_COUNT)
    return script


def _add_surviving(count: HashCount, client) -> None:
    if client is None:
        return
    try:
        count.add(client)
    except (RedisError, OSError) as exc:
        log.warning("%s not counted, Redis refused it: %s", count.key, exc)


class PublicRateThrottle(WindowedRateThrottle, AnonRateThrottle):
    """The API's limit for anonymous callers, by address (AnonRateThrottle's key and rate)."""


class StaffRateThrottle(UserRateThrottle):
    """The API's limit per account. DRF's would also count anonymous callers, by address, under the
    same key as AnonRateThrottle's stricter limit: two cache round trips a request for nothing."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # AnonRateThrottle limits them
        return super().get_cache_key(request, view)


class _PageThrottle(SimpleRateThrottle):
    """A DRF throttle for a Django view: `rate_setting` names the setting holding its rate."""

    rate_setting: str = ""

    def get_rate(self) -> str | None:
        return getattr(settings, self.rate_setting) or None  # empty: no limit

    def get_cache_key(self, request, view) -> str | None:
        ident = self.get_ident_of(request)
        return self.cache_format % {"scope": self.scope, "ident": ident} if ident else None

    def get_ident_of(self, request) -> str | None:
        raise NotImplementedError


class _ByClientAddress(_PageThrottle):
    def get_ident_of(self, request) -> str | None:
        # The address behind TRUSTED_PROXY_COUNT proxies, as the login lockout and the API see it.
        return client_ip(request)


class VerifyPageThrottle(WindowedRateThrottle, _ByClientAddress):
    """Answers of the verify page (/<lang>/verify/?q=...), per client address: the page asks the
    database what the API's verify asks, so it is limited like the API's anonymous clients."""

    scope = "verify_page"
    rate_setting = "VERIFY_PAGE_THROTTLE"


class PasswordResetAddressThrottle(_ByClientAddress):
    """Password-reset emails asked for from one client address, whatever the email addresses."""

    scope = "password_reset_address"
    rate_setting = "PASSWORD_RESET_THROTTLE"


class PasswordResetEmailThrottle(_PageThrottle):
    """Password-reset emails asked for one email address, from anywhere: a mailbox cannot be flooded
    from many addresses. Counted for any address typed, whether an account has it or not, so the
    limit says nothing about who has an account."""

    scope = "password_reset_email"
    rate_setting = "PASSWORD_RESET_EMAIL_THROTTLE"

    def get_ident_of(self, request) -> str | None:
        email = request.POST.get("email", "").strip().lower()
        # Hashed: the key stays short and free of characters caches refuse, and Redis holds no addresses.
        return hashlib.sha256(email.encode()).hexdigest() if email else None


def seconds_to_wait(request: HttpRequest, *throttles: SimpleRateThrottle) -> int | None:
    """Seconds to wait if one of `throttles` refuses the request (each allowed one counts it), else None."""
    for throttle in throttles:
        if not throttle.allow_request(request, None):
            return max(1, math.ceil(throttle.wait() or throttle.duration))
    return None


def too_many_requests(request: HttpRequest, *, wait: int, reason: str, retry_template: str = "",
                      context: dict | None = None) -> HttpResponse:
    """The site's 429 page: what was limited (`reason`, a sentence), how long to wait, and
    `retry_template` (e.g. the verify box, filled in with what the person typed) to try again from."""
    response = render(request, "429.html", {
        "reason": reason,
        "wait_seconds": wait,
        "wait_minutes": math.ceil(wait / 60),
        "retry_template": retry_template,
        **(context or {}),
    }, status=429)
    response["Retry-After"] = str(wait)
    add_never_cache_headers(response)  # a refusal is this client's, for now: no cache may keep it
    return response
