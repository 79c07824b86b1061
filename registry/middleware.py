"""The second factor at the doors of the review area and the admin."""
from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from registry.authentication import confirmed_totp_device, needs_second_factor

# URL namespaces whose pages need a login confirmed with the one-time code, for reviewers and admins.
SECOND_FACTOR_AREAS = frozenset({"review", "report", "admin"})


class SecondFactorMiddleware:
    """Send a reviewer or admin whose session has not passed the one-time code to enter it (or, with
    no authenticator app yet, to enrol one) before the review area or the admin opens.

    Runs after django_otp's OTPMiddleware (which installs `user.is_verified()`). Whether someone
    may use a page at all stays the page's business: editors are refused by the review views,
    not here. The admin's own password-only login page is replaced by the site's login.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not SECOND_FACTOR_AREAS.intersection(match.namespaces):
            return None
        if match.view_name == "admin:login":
            return self._redirect("login", request.GET.get("next") or reverse("admin:index"))
        user = request.user
        if not needs_second_factor(user) or user.is_verified():
            return None
        if match.view_name == "admin:logout":
            return None  # leaving needs no code
        step = "two_factor_verify" if confirmed_totp_device(user) else "two_factor_setup"
        return self._redirect(step, request.get_full_path())

    @staticmethod
    def _redirect(url_name: str, next_url: str) -> HttpResponseRedirect:
        return HttpResponseRedirect(f"{reverse(url_name)}?{urlencode({'next': next_url})}")
