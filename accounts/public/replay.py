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
"""
from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import Error as DatabaseFailure
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from accounts.public.cache import ANSWER_SECONDS, register_version, request_version
from accounts.radar.services import count_sighting
from registry.throttles import PublicRateThrottle, VerifyPageThrottle

log = logging.getLogger(__name__)

# The rate limit a replayed answer stays under: the API's anonymous one, or the verify page's.
API_LIMIT, VERIFY_PAGE_LIMIT = "api", "verify_page"

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
            versioned = f"{key}:{version}"
            entry = cache.get(versioned)
        except DatabaseFailure:
            return self.get_response(request)  # the site's own outage answer
        if entry is not None and self._within_limit(request, entry["limit"]):
            if entry["sighting"] is not None:
                count_sighting(*entry["sighting"])
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
    def _within_limit(request: HttpRequest, limit: str | None) -> bool:
        """Whether the caller may have this answer now (counting it, as the site would); if not, the
        whole site answers, with its 429 page or error."""
        if limit == API_LIMIT:
            request.user = AnonymousUser()  # what DRF's throttle asks; only anonymous callers get here
            return PublicRateThrottle().allow_request(request, None)
        if limit == VERIFY_PAGE_LIMIT:
            return VerifyPageThrottle().allow_request(request, None)
        return True


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
