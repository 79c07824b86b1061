"""The doors every request passes: a login's absolute lifetime, and the second factor before any power."""
from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from registry.authentication import confirmed_totp_device, lacks_second_factor

# The session key holding when the login began (seconds since the epoch).
LOGIN_STARTED_KEY = "registry_login_started"

# URL namespaces of the areas behind a login: a user who lacks their second factor is sent to it.
LOGGED_IN_AREAS = frozenset({"staff", "review", "report", "admin"})
# The pages that complete a login (or end one): open to a user who has not passed the second factor yet.
COMPLETING_A_LOGIN = frozenset({
    "login", "logout", "two_factor_verify", "two_factor_setup", "two_factor_enrol", "admin:logout",
    "password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete",
})


def _anonymous() -> AnonymousUser:
    user = AnonymousUser()
    user.is_verified = lambda: False  # as django_otp's middleware gives every user
    return user


class SessionLifetimeMiddleware:
    """End a login SESSION_MAX_HOURS after it began, however active it has been since.

    SESSION_COOKIE_AGE ends idle sessions; this bounds the busy ones, so a session cookie taken from
    a shared computer opens nothing the next day. Runs after the messages middleware, to say why.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        # Only requests that carry a session cookie: reading the session of the others would add
        # `Vary: Cookie` to the public pages and cost their shared caching.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            now = time.time()
            started = request.session.get(LOGIN_STARTED_KEY)
            if started is None:
                request.session[LOGIN_STARTED_KEY] = now
            elif now - started > settings.SESSION_MAX_HOURS * 3600:
                auth_logout(request)
                request.user = _anonymous()
                messages.info(request, _("You were logged out because your login began more than %(hours)s hours "
                                         "ago. Log in again to continue.") % {"hours": settings.SESSION_MAX_HOURS},
                              fail_silently=True)
        return self.get_response(request)


class SecondFactorMiddleware:
    """No power for a login that lacks its second factor.

    A reviewer or admin whose session has not passed the one-time code is sent to enter it (or,
    with no authenticator app yet, to the enrolment page, which opens only with an enrolment link)
    from any page of the staff area, the review area, the report and the admin. Everywhere else but
    the pages that complete a login, the request goes on as anonymous: public pages stay public,
    and the API (whose session authentication reads this user) sees no one.

    Runs after django_otp's OTPMiddleware (which installs `user.is_verified()`). Whether someone
    may use a page at all stays the page's business. The admin's own password-only login page is
    replaced by the site's login.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        if match.view_name == "admin:login":
            return self._redirect("login", request.GET.get("next") or reverse("admin:index"))
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None  # no login to judge; reading the session would add `Vary: Cookie` to public pages
        if not lacks_second_factor(request) or match.view_name in COMPLETING_A_LOGIN:
            return None
        if LOGGED_IN_AREAS.intersection(match.namespaces):
            step = "two_factor_verify" if confirmed_totp_device(request.user) else "two_factor_setup"
            return self._redirect(step, request.get_full_path())
        request.user = _anonymous()
        return None

    @staticmethod
    def _redirect(url_name: str, next_url: str) -> HttpResponseRedirect:
        return HttpResponseRedirect(f"{reverse(url_name)}?{urlencode({'next': next_url})}")
