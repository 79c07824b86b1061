"""Cross-origin reads of the public API: another site's script may call verify, the lists, the
figures, the change feed and the downloads (settings.CORS_URLS_REGEX), from any origin.

django-cors-headers answers the preflight; this subclass narrows it to what the register means by
"public read": GET and HEAD (and their preflight), never a request carrying an API token, and never
credentials. It also answers `Access-Control-Allow-Origin: *` whether or not the request named an
origin, so an answer is the same for every caller: a shared cache (or the replay, which keys no
answer by Origin) may give it to anyone, and no `Vary: Origin` is needed.
"""
from __future__ import annotations

from corsheaders.conf import conf
from corsheaders.middleware import (
    ACCESS_CONTROL_ALLOW_HEADERS,
    ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS,
    ACCESS_CONTROL_MAX_AGE,
    CorsMiddleware,
)
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.http.response import HttpResponseBase

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class PublicReadCorsMiddleware(CorsMiddleware):
    """First in settings.MIDDLEWARE, outside the replay (accounts/public/replay.py): a replayed
    answer passes through here as one the site drew does."""

    def __init__(self, get_response):
        if conf.CORS_ALLOW_CREDENTIALS or not conf.CORS_ALLOW_ALL_ORIGINS:
            # The headers below are right only for "any origin, no credentials".
            raise ImproperlyConfigured("The public read API is open to any origin and never with credentials.")
        super().__init__(get_response)

    def is_enabled(self, request: HttpRequest) -> bool:
        if request.method not in READ_METHODS or "authorization" in request.headers:
            return False  # a write, or a staff member's token: this site's pages only
        return super().is_enabled(request)

    def add_response_headers(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        enabled = getattr(request, "_cors_enabled", None)
        if enabled is None:
            enabled = self.is_enabled(request)
        if not enabled:
            return response
        response[ACCESS_CONTROL_ALLOW_ORIGIN] = "*"
        if conf.CORS_EXPOSE_HEADERS:
            response[ACCESS_CONTROL_EXPOSE_HEADERS] = ", ".join(conf.CORS_EXPOSE_HEADERS)
        if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
            response[ACCESS_CONTROL_ALLOW_HEADERS] = ", ".join(conf.CORS_ALLOW_HEADERS)
            response[ACCESS_CONTROL_ALLOW_METHODS] = ", ".join(conf.CORS_ALLOW_METHODS)
            if conf.CORS_PREFLIGHT_MAX_AGE:
                response[ACCESS_CONTROL_MAX_AGE] = str(conf.CORS_PREFLIGHT_MAX_AGE)
        return response
