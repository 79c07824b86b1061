"""When PostgreSQL cannot be reached: the public keeps its answers (the last good copies kept by
accounts/public/cache.py), everything else gets a 503 in both languages, never a bare 500."""
from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _, gettext_noop

from accounts.public.cache import PAGE, last_good, page_key

log = logging.getLogger(__name__)


RETRY_AFTER_SECONDS = 30


def _in(language: str, text: str) -> str:
    with translation.override(language):
        return str(_(text))  # noqa: INT001 -- marked with gettext_noop below


OUTAGE_HEADING = gettext_noop("The register is unavailable for a moment")
OUTAGE_TEXT = gettext_noop("The register's database cannot be reached just now. Try again in a minute; anything "
                           "you sent now has not been saved.")
STALE_NOTICE = gettext_noop("The register cannot be reached just now: this is its answer as of %(when)s. Check "
                            "again in a few minutes.")


class DatabaseOutageMiddleware:
    """While PostgreSQL is away, the public keeps its answers: a public page (verify's included) is
    served from its last good copy (accounts/public/cache.py), saying as of when; anything else
    gets a 503 in both languages (the API: its JSON error) with Retry-After, never a bare 500.
    Django drops a broken connection at the end of each request, so the site recovers by itself
    as soon as the database is back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.error("database unavailable for %s %s: %s", request.method, request.path, exception)
        if request.method in ("GET", "HEAD"):
            kept = last_good(PAGE, page_key(request))
            if kept is not None:
                return _stale_copy(*kept)
        return _unavailable(request)


def _stale_copy(when, response) -> HttpResponse:
    notice = STALE_NOTICE_TEMPLATE.format(text=escape(_(STALE_NOTICE) % {
        "when": date_format(timezone.localtime(when), "DATETIME_FORMAT")}))
    content = response.content.replace(b'<main id="main">', b'<main id="main">' + notice.encode(), 1)
    copy = HttpResponse(content, status=response.status_code, content_type=response.get("Content-Type"))
    copy["X-Register-As-Of"] = when.isoformat()
    add_never_cache_headers(copy)  # a copy for now: no cache may keep it as the answer
    return copy


STALE_NOTICE_TEMPLATE = '<p class="stale-notice" role="status" data-stale>{text}</p>'


def _unavailable(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "unavailable", "detail": _(OUTAGE_TEXT)}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {
            "heading_ar": _in("ar", OUTAGE_HEADING), "text_ar": _in("ar", OUTAGE_TEXT),
            "heading_en": _in("en", OUTAGE_HEADING), "text_en": _in("en", OUTAGE_TEXT),
        }), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
