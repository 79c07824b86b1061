"""The public's answers replayed: an anonymous GET that the whole site answered once at this
register version is answered again from the shared cache, byte for byte and header for header,
without running the site's middleware, DRF or the view.

What may be replayed is decided by the views (`replayable(response, ...)`): public pages, verify's
answers and the public API's lists, all the same for every anonymous caller. The replay still does
what must happen on every request: it reads the register's version (so nothing stale is ever
replayed), applies the caller's rate limit (anonymous API callers, the verify page's questions)
and counts look-alike questions for the impostor radar. Anything it is unsure of (a cookie other
than the language's, credentials, a redirect to HTTPS due, an unknown host, the database away) goes
the whole way through the site instead.

What a replay costs, in production: the version from memory (accounts/public/version_listener.py),
the answer from this process's copy of it (`_Copies`; its key names the version, so a copy cannot
be stale) or else one cache read, and one Redis round trip for the caller's rate limit with the
radar's count added to it.
"""
from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import Error as DatabaseFailure
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from accounts.public.cache import ANSWER_SECONDS, register_version, request_version
from accounts.radar.services import count_sighting, pending_count
from registry.cache import redis_client
from registry.throttles import PublicRateThrottle, VerifyPageThrottle

log = logging.getLogger(__name__)

# The rate limit a replayed answer stays under: the API's anonymous one, or the verify page's.
API_LIMIT, VERIFY_PAGE_LIMIT = "api", "verify_page"
_THROTTLES = {API_LIMIT: PublicRateThrottle, VERIFY_PAGE_LIMIT: VerifyPageThrottle}
# Cookies that do not change a public answer (the language is part of the key).
_HARMLESS_COOKIES = frozenset({settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME})
# Headers the answer depends on besides its URL (Accept-Language for the API's sentences).
_KEYED_HEADERS = ("HTTP_ACCEPT_LANGUAGE", "HTTP_ACCEPT", "HTTP_X_FORWARDED_PROTO")


def replayable(response: HttpResponse, *, limit: str | None = None, sighting: tuple | None = None) -> HttpResponse:
    """Mark a public answer as the same for every anonymous caller: the replay may serve it again at
    this register version, under `limit`, counting `sighting` (see accounts/radar) each time."""
    response.replay = {"limit": limit, "sighting": sighting}
    return response


class PublicReplayMiddleware:
    """First of the site's middleware (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        key = self._key(request)
        if key is None:
            return self.get_response(request)
        try:
            version = register_version()
        except DatabaseFailure:
            return self.get_response(request)  # the site's own outage answer
        versioned = f"{key}:{version}"
        entry = copies.get(versioned)
        if entry is None:
            entry = cache.get(versioned)
            if entry is not None:
                copies.keep(versioned, entry)
        if entry is not None and self._within_limit(request, entry):
            return _replay(request, entry)
        token = request_version.set(version)  # the view's cached answers use the same version
        try:
            response = self.get_response(request)
        finally:
            request_version.reset(token)
        replay = getattr(response, "replay", None)
        if replay is not None and _same_for_everyone(response):
            cache.set(versioned, {**replay, "status": response.status_code, "content": response.content,
                                  "headers": list(response.headers.items())}, ANSWER_SECONDS)
        return response

    @staticmethod
    def _key(request: HttpRequest) -> str | None:
        if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
            return None
        if set(request.COOKIES) - _HARMLESS_COOKIES:
            return None  # a session, messages...: the whole site decides
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return None  # SecurityMiddleware redirects it
        try:
            host = request.get_host()
        except DisallowedHost:
            return None
        parts = [host, request.get_full_path(), request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")]
        parts += [request.META.get(name, "") for name in _KEYED_HEADERS]
        return "replay:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    @staticmethod
    def _within_limit(request: HttpRequest, entry: dict) -> bool:
        """Whether the caller may have this answer now (counting it, as the site would, and the radar's
        question with it); if not, the whole site answers, with its 429 page or error."""
        throttle, sighting = _THROTTLES.get(entry["limit"]), entry["sighting"]
        # Under Redis the radar's count rides on the limit's round trip; without, it is written apart.
        counted = pending_count(*sighting) if sighting is not None and redis_client() is not None else None
        if throttle is None:
            allowed = True
        else:
            if entry["limit"] == API_LIMIT:
                request.user = AnonymousUser()  # what DRF's throttle asks; only anonymous callers get here
            allowed = throttle().allow_request(request, None, and_count=counted)
        if allowed and sighting is not None and (counted is None or throttle is None):
            count_sighting(*sighting)
        return allowed


class _Copies:
    """The answers this process has read from the shared cache, by versioned key, for at most
    settings.REPLAY_COPY_SECONDS (0: none kept) and COPY_BYTES in all. A key names the register's
    version, so a copy is never stale; the short life only bounds how long a cleared shared cache
    (an operator's `cache.clear()`) goes on being answered from here. Oldest copies go first."""

    COPY_BYTES = 8 * 2**20
    ENTRY_BYTES = 1024  # headers and bookkeeping, besides the content

    def __init__(self):
        self._kept: dict[str, tuple[float, dict, int]] = {}
        self._bytes = 0

    def get(self, versioned: str) -> dict | None:
        kept = self._kept.get(versioned)
        if kept is None or kept[0] < time.monotonic():
            return None
        return kept[1]

    def keep(self, versioned: str, entry: dict) -> None:
        seconds = settings.REPLAY_COPY_SECONDS
        size = len(entry["content"]) + self.ENTRY_BYTES
        if not seconds or size > self.COPY_BYTES // 16:
            return
        self.forget(versioned)
        self._kept[versioned] = (time.monotonic() + seconds, entry, size)
        self._bytes += size
        while self._bytes > self.COPY_BYTES and self._kept:
            self.forget(next(iter(self._kept)))

    def forget(self, versioned: str | None = None) -> None:
        """Drop the copy of `versioned`, or every copy."""
        if versioned is None:
            self._kept, self._bytes = {}, 0
            return
        kept = self._kept.pop(versioned, None)
        if kept is not None:
            self._bytes -= kept[2]


copies = _Copies()


def _same_for_everyone(response: HttpResponse) -> bool:
    control = response.get("Cache-Control", "")
    return (response.status_code == 200 and not response.streaming and not response.cookies
            and "private" not in control and "no-store" not in control)


def _replay(request: HttpRequest, entry: dict) -> HttpResponse:
    headers = dict(entry["headers"])
    etag = headers.get("ETag")
    if etag and request.META.get("HTTP_IF_NONE_MATCH") == etag:
        response = HttpResponseNotModified()
        for name in ("ETag", "Cache-Control", "Vary", "Content-Language"):
            if name in headers:
                response[name] = headers[name]
        return response
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    return response
