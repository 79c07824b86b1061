"""Response headers that depend on who asked and what answered: no-store for logins, the API docs' CSP."""
from __future__ import annotations

from csp.constants import NONCE, SELF
from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

# What a page may add to the site's Content-Security-Policy (settings.CONTENT_SECURITY_POLICY), by URL
# name. Everything else gets the strict policy alone.
CSP_ADDITIONS: dict[str, dict[str, list]] = {
    # Swagger UI (drf-spectacular-sidecar's files, served from 'self') starts from an inline script
    # holding the schema URL and this request's CSRF token, so it cannot be hashed: it carries this
    # response's nonce (templates/drf_spectacular/swagger_ui.html). Its stylesheet draws its icons
    # with data: URLs.
    "api-docs": {"script-src": [SELF, NONCE], "img-src": [SELF, "data:"]},
}


def _logged_in(request: HttpRequest) -> bool:
    """Whether a login (session, or an API token or session DRF authenticated) is behind the request."""
    user = getattr(request, "user", None)
    if user is None:
        return False
    # DRF puts the user it authenticated (by token, too) on the Django request; until then the user
    # is the session's, read lazily. Without a session cookie nobody is logged in, and reading the
    # session would add `Vary: Cookie` to every public page, which shared caches then keep apart.
    if isinstance(user, SimpleLazyObject) and settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return bool(user.is_authenticated)


class ResponseHeadersMiddleware:
    """`Cache-Control: private, no-store` on every answer to a logged-in request, whatever the view
    said (a public page may show the user's name; staff, review and API answers hold non-public data);
    and the CSP additions above for the pages that need them.

    Listed after AuthenticationMiddleware, ConditionalGetMiddleware and CSPMiddleware in settings.MIDDLEWARE:
    the user is known, and its headers are set before those two read them on the way out (no ETag for an
    answer that must not be stored; the CSP built with the additions).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if _logged_in(request):
            response["Cache-Control"] = "private, no-store"  # in place of e.g. a public page's max-age
        match = getattr(request, "resolver_match", None)
        additions = CSP_ADDITIONS.get(match.view_name) if match is not None else None
        if additions is not None:
            response._csp_update = additions
        return response
