"""Logging in and out: password, one-time code (TOTP), enrolment of an authenticator app,
password reset, the lockout page, and API tokens.

A user with a confirmed authenticator app is not logged in by the password alone: the password
step remembers them in the session as *pending*, and only the right code logs them in, with the
session marked as verified (`django_otp.login`). Reviewers and admins without an app are logged
in and sent to enrol one before the review area or the admin opens (registry.middleware).
"""
from __future__ import annotations

import math
import time
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import (
    authenticate,
    login as auth_login,
    logout as auth_logout,
    user_logged_in,
    views as auth_views,
)
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status as http
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.api import PARSERS, ErrorSerializer
from registry.authentication import (
    ApiTokenAuthentication,
    api_token_issue,
    api_token_revoke,
    confirmed_totp_device,
    needs_second_factor,
)
from registry.forms import LoginForm, OneTimeCodeForm, ResetRequestForm
from registry.models import User

# The session key of a login that passed the password and waits for the one-time code.
PENDING_LOGIN_KEY = "registry_login_pending"
PENDING_LOGIN_SECONDS = 5 * 60


# --- Where to go next ----------------------------------------------------------------------------

def _next_url(request: HttpRequest) -> str:
    """The `next` the request carries, if it points into this site; else after-login's default."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}" if next_url else reverse(url_name)


# --- Password -------------------------------------------------------------------------------------

class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"

    def form_valid(self, form):
        user = form.get_user()
        if confirmed_totp_device(user) is None:
            return super().form_valid(form)  # logged in; reviewers are sent to enrol by the middleware
        if self.request.user.is_authenticated:
            auth_logout(self.request)  # whoever was logged in here is not, while another waits for a code
        self.request.session[PENDING_LOGIN_KEY] = {"user": user.pk, "backend": user.backend, "at": time.time()}
        return HttpResponseRedirect(_with_next("two_factor_verify", self.get_redirect_url()))


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """GET asks to confirm; only a POST logs out (a link or an image cannot end a session)."""
    if request.method == "POST":
        auth_logout(request)  # flushes the session, the second factor with it
        return redirect(settings.LOGOUT_REDIRECT_URL)
    return render(request, "auth/logout.html")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        self.extra_email_context = {
            "site_url": settings.SITE_URL.rstrip("/"),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever proved they own the mailbox need not sit out a lockout their forgotten password caused.
        AxesProxyHandler.reset_attempts(username=self.user.get_username().lower())
        return response


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What django-axes answers to a locked-out login (settings.AXES_LOCKOUT_CALLABLE): 429, and a
    sentence saying how long to wait; JSON for the API."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60))
    detail = _(
        "Too many failed logins for this account from your network. Wait %(minutes)s minutes, then try "
        "again, or reset your password."
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "locked_out", "detail": detail}, status=http.HTTP_429_TOO_MANY_REQUESTS)
    else:
        response = render(request, "auth/locked_out.html", {"minutes": minutes},
                          status=http.HTTP_429_TOO_MANY_REQUESTS)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


# --- The one-time code ------------------------------------------------------------------------------

def _pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING_LOGIN_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_LOGIN_SECONDS:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def _throttle_wait(device) -> int:
    """Seconds until the device accepts another code after wrong ones (django-otp throttling); 0 if now."""
    allowed, details = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (details or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


def _throttled_error(seconds: int) -> str:
    return _("Too many wrong codes. Wait %(seconds)s seconds, then enter the code your app shows.") % {
        "seconds": seconds
    }


def _mark_verified(request: HttpRequest, device) -> None:
    django_otp.login(request, device)
    request.session.cycle_key()  # a new session id for the stronger login


@never_cache
@csrf_protect
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    # Either the password step of a login waits for its code, or a logged-in user's session has not
    # passed the code yet (the middleware sent them here).
    user = _pending_user(request)
    pending = user is not None
    if not pending:
        request.session.pop(PENDING_LOGIN_KEY, None)  # nobody half logged in, or it was too long ago
        if not request.user.is_authenticated:
            return HttpResponseRedirect(_with_next("login", next_url))
        if request.user.is_verified():
            return HttpResponseRedirect(next_url)
        user = request.user
    device = confirmed_totp_device(user)
    if device is None:
        if pending:  # the app was removed between the two steps: start again
            request.session.pop(PENDING_LOGIN_KEY, None)
            return HttpResponseRedirect(_with_next("login", next_url))
        return HttpResponseRedirect(_with_next("two_factor_setup", next_url))

    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = _throttle_wait(device)
        if wait:
            form.add_error("code", _throttled_error(wait))
        else:
            verified = django_otp.verify_token(user, device.persistent_id, form.cleaned_data["code"])
            if verified is None:
                form.add_error("code", _("That code is not right. Enter the code your app shows now."))
            else:
                if pending:
                    del request.session[PENDING_LOGIN_KEY]
                    auth_login(request, user, backend=user.backend)
                _mark_verified(request, verified)
                return HttpResponseRedirect(next_url)
    return render(request, "auth/two_factor_verify.html", {"form": form, "next": next_url, "email": user.email})


def _qr_code_svg(data: str) -> str:
    """The QR code of `data` as inline SVG, drawn on the server (no image requests, no script)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, border=2)
    svg = image.to_string(encoding="unicode")
    label = _("QR code to scan with your authenticator app")
    return mark_safe(svg.replace("<svg ", format_html('<svg role="img" aria-label="{}" ', label), 1))


@login_required
@never_cache
@csrf_protect
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a code."""
    next_url = _next_url(request)
    user = request.user
    if confirmed_totp_device(user) is not None:
        if not user.is_verified():
            # A new app would bypass the one already there: prove that one first.
            return HttpResponseRedirect(_with_next("two_factor_verify", next_url))
        return render(request, "auth/two_factor_setup.html", {"already_enrolled": True, "next": next_url})

    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)

    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = _throttle_wait(device)
        if wait:
            form.add_error("code", _throttled_error(wait))
        else:
            with transaction.atomic():
                device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
                confirmed = device.verify_token(form.cleaned_data["code"])
                if confirmed:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
            if confirmed:
                _mark_verified(request, device)
                return HttpResponseRedirect(next_url)
            form.add_error("code", _(
                "That code is not right. Check that the app was set up with the key below and enter the code "
                "it shows now."
            ))
    secret = b32encode(device.bin_key).decode()
    return render(request, "auth/two_factor_setup.html", {
        "form": form,
        "next": next_url,
        "qr_svg": _qr_code_svg(device.config_url),
        "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
        "issuer": settings.OTP_TOTP_ISSUER,
        "email": user.email,
    })


# --- API tokens ------------------------------------------------------------------------------------

def _error(status: int, code: str, detail: str, **extra) -> Response:
    return Response({"code": code, "detail": detail, **extra}, status=status)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(help_text=gettext_lazy("The account's email address."))
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        required=False, allow_blank=True,
        help_text=gettext_lazy("The current code of the authenticator app, for accounts that have one."),
    )


def _documented(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


class ApiTokenView(APIView):
    """POST: exchange email, password (and the one-time code) for a token. DELETE: revoke the token used."""

    permission_classes = [permissions.AllowAny]
    parser_classes = PARSERS  # with the API's body size limit
    throttle_classes: list = []  # django-axes limits guessing, per username and address

    def get_authenticators(self):
        # Asking for a token takes credentials in the body only; revoking takes the token itself.
        return [] if getattr(self.request, "method", None) == "POST" else [ApiTokenAuthentication()]

    def get_permissions(self):
        if getattr(self.request, "method", None) == "DELETE":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(
        auth=[],
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("Token", {
                "token": serializers.CharField(), "expires_at": serializers.DateTimeField(allow_null=True),
                "second_factor": serializers.BooleanField(),
            }),
            400: _documented("`invalid`: username or password missing (field messages under `errors`)."),
            401: _documented("`invalid_credentials` (the same whether the account exists or not); "
                             "`otp_required`: the account has an authenticator app, send its code as `otp`; "
                             "`invalid_otp`."),
            429: _documented("`locked_out`: too many failed logins for this username from this address, "
                             "wait the seconds in Retry-After; `otp_throttled`: wrong codes, wait likewise."),
        },
        summary="Get an API token",
        description="Exchange email (`username`), `password` and, for accounts with an authenticator app, its "
                    "current code (`otp`) for a token to send as `Authorization: Token <token>`. The token is "
                    "shown only here. `second_factor` says whether it was issued with a code: reviewers' "
                    "decisions need a token that was.",
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        if not serializer.is_valid():
            return _error(http.HTTP_400_BAD_REQUEST, "invalid", _("Send username, password and, if you use an "
                          "authenticator app, otp."), errors=serializer.errors)
        data = serializer.validated_data
        locked = _error(http.HTTP_429_TOO_MANY_REQUESTS, "locked_out", _(
            "Too many failed logins for this account from your network. Wait %(minutes)s minutes and try again."
        ) % {"minutes": math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)})
        locked["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))

        if not AxesProxyHandler.is_allowed(request, {"username": data["username"]}):
            return locked
        user = authenticate(request=request, username=data["username"], password=data["password"])
        if user is None:  # axes counted the failure
            if getattr(request, "axes_locked_out", False):
                return locked
            return _error(http.HTTP_401_UNAUTHORIZED, "invalid_credentials",
                          _("That email address and password do not match an account."))

        device = confirmed_totp_device(user)
        second_factor = False
        if device is not None:
            code = "".join((data.get("otp") or "").split())
            if not code:
                return _error(http.HTTP_401_UNAUTHORIZED, "otp_required",
                              _("This account uses an authenticator app: send its current code as otp."))
            wait = _throttle_wait(device)
            if wait:
                response = _error(http.HTTP_429_TOO_MANY_REQUESTS, "otp_throttled", _throttled_error(wait))
                response["Retry-After"] = str(wait)
                return response
            if django_otp.verify_token(user, device.persistent_id, code) is None:
                return _error(http.HTTP_401_UNAUTHORIZED, "invalid_otp",
                              _("That code is not right. Send the code the app shows now."))
            second_factor = True

        token, key = api_token_issue(user=user, second_factor=second_factor)
        # A token is a login: axes clears the failures (AXES_RESET_ON_SUCCESS), last_login is set.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        body = {"token": key, "expires_at": token.expires_at, "second_factor": second_factor}
        if not second_factor and needs_second_factor(user):
            body["detail"] = _(
                "This token cannot be used for reviewers' decisions: set up an authenticator app (%(url)s), "
                "then ask for a new token with its code."
            ) % {"url": request.build_absolute_uri(reverse("two_factor_setup"))}
        response = Response(body, status=http.HTTP_200_OK)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        request=None, summary="Revoke the API token",
        description="Revokes the token this request is authenticated with.",
        responses={204: OpenApiResponse(description="Revoked."), 401: _documented("No valid token was sent.")},
    )
    def delete(self, request):
        api_token_revoke(token=request.auth)
        return Response(status=http.HTTP_204_NO_CONTENT)

