"""Logging in and out: password, one-time code (TOTP) or backup code, enrolment of an authenticator
app by enrolment link, backup codes, password change and reset, the lockout page, and API tokens.

A user with a confirmed authenticator app is not logged in by the password alone: the password
step remembers them in the session as *pending*, and only the right code logs them in, with the
session marked as verified (`django_otp.login`). Reviewers and admins without an app are logged
in with no power (registry.middleware) until they enrol one, which only the single-use enrolment
link an administrator sends them opens (registry/second_factor.py).
"""
from __future__ import annotations

import logging
import math
import time
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import (
    authenticate,
    login as auth_login,
    logout as auth_logout,
    user_logged_in,
    user_login_failed,
    views as auth_views,
)
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _, gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status as http
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.workflow import is_reviewer
from registry.api import PARSERS, ErrorSerializer
from registry.authentication import (
    ApiTokenAuthentication,
    api_token_issue,
    api_token_revoke,
    confirmed_totp_device,
    needs_second_factor,
)
from registry.errors import RegistryError
from registry.forms import LoginForm, OneTimeCodeForm, ResetRequestForm
from registry.models import EnrolmentLink, User
from registry.second_factor import (
    api_tokens_revoke,
    authenticator_enrol,
    backup_codes_left,
    backup_codes_regenerate,
    code_check,
    enrolment_link_find,
    pending_totp_device,
    throttle_wait,
)
from registry.throttles import (
    PasswordResetAddressThrottle,
    PasswordResetEmailThrottle,
    seconds_to_wait,
    too_many_requests,
)

log = logging.getLogger("registry.security")


# The session key of a login that passed the password and waits for the one-time code.
PENDING_LOGIN_KEY = "registry_login_pending"


PENDING_LOGIN_SECONDS = 5 * 60


# The session key of the enrolment link opened in this browser: {"link": id, "user": id}.
ENROLMENT_KEY = "registry_enrolment"


# --- Where to go next ----------------------------------------------------------------------------

def _asked_next(request: HttpRequest) -> str:
    """The `next` the request carries, if it points into this site; else ""."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _next_url(request: HttpRequest) -> str:
    """The `next` the request carries, if it points into this site; else after-login's default."""
    return _asked_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL)


def _landing_url(user: User) -> str:
    """Where a login that passed the code lands when no page sent it: a reviewer on the review queue
    (what waits for them), anyone else where every login lands (the staff area's home)."""
    return reverse("review:queue") if is_reviewer(user) else resolve_url(settings.LOGIN_REDIRECT_URL)


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
        # Limited by address, then by email (any email typed, account or not): a refusal sends nothing,
        # and reads the same whoever the email belongs to.
        wait = seconds_to_wait(self.request, PasswordResetAddressThrottle(), PasswordResetEmailThrottle())
        if wait is not None:
            return too_many_requests(self.request, wait=wait, reason=_(
                "Too many password reset emails have been asked for, from your network or for this email address."
            ))
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
        api_tokens_revoke(user=self.user, reason="password reset")
        log.info("password reset by email link, user %s", self.user.pk)
        return response


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What django-axes answers to a locked-out login (settings.AXES_LOCKOUT_CALLABLE): 429, and a
    sentence saying how long to wait; JSON for the API."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60))
    detail = ngettext(
        "Too many failed logins for this account from your network. Wait %(minutes)s minute, then try "
        "again, or reset your password.",
        "Too many failed logins for this account from your network. Wait %(minutes)s minutes, then try "
        "again, or reset your password.",
        minutes,
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


def _throttled_error(seconds: int) -> str:
    """Why the code was not even looked at, and when the next one will be. django-otp makes each
    wrong code's wait twice the last (1, 2, 4... seconds): the defence stays, said in plain words."""
    if seconds <= 1:
        return _("After a wrong code the next one is checked only after a short wait. Try again in a moment "
                 "with the code your app shows.")
    return ngettext(
        "After wrong codes the next one is checked only after a wait that grows with each wrong code. Wait "
        "%(seconds)s second, then enter the code your app shows.",
        "After wrong codes the next one is checked only after a wait that grows with each wrong code. Wait "
        "%(seconds)s seconds, then enter the code your app shows.",
        seconds,
    ) % {"seconds": seconds}


def _check_code(form: OneTimeCodeForm, user: User):
    """The device the form's code matched, or None with the reason added to the form."""
    check = code_check(user, form.cleaned_data["code"])
    if check.wait:
        form.add_error("code", _throttled_error(check.wait))
    elif check.device is None:
        form.add_error("code", _("That code is not right. Enter the code your app shows now, or one of your "
                                 "backup codes."))
    return check.device


def _mark_verified(request: HttpRequest, device) -> None:
    django_otp.login(request, device)
    request.session.cycle_key()  # a new session id for the stronger login


@never_cache
@csrf_protect
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    next_url = _asked_next(request)  # "" when no page sent the login here: then it lands by role
    # Either the password step of a login waits for its code, or a logged-in user's session has not
    # passed the code yet (the middleware sent them here).
    user = _pending_user(request)
    pending = user is not None
    if not pending:
        request.session.pop(PENDING_LOGIN_KEY, None)  # nobody half logged in, or it was too long ago
        if not request.user.is_authenticated:
            return HttpResponseRedirect(_with_next("login", next_url))
        if request.user.is_verified():
            return HttpResponseRedirect(next_url or _landing_url(request.user))
        user = request.user
    app = confirmed_totp_device(user)
    if app is None:
        if pending:  # the app was removed between the two steps: start again
            request.session.pop(PENDING_LOGIN_KEY, None)
            return HttpResponseRedirect(_with_next("login", next_url))
        return HttpResponseRedirect(_with_next("two_factor_setup", next_url))

    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _check_code(form, user)
        if device is not None:
            if pending:
                del request.session[PENDING_LOGIN_KEY]
                auth_login(request, user, backend=user.backend)
            _mark_verified(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(request, _(
                    "You logged in with a backup code. %(left)s backup codes are left: if you have lost your "
                    "phone, ask a GCO administrator to reset your authenticator app."
                ) % {"left": backup_codes_left(user)})
            return HttpResponseRedirect(next_url or _landing_url(user))
    # A wrong or refused code leaves the password step pending (until PENDING_LOGIN_SECONDS): the page
    # asks only for the next code.
    return render(request, "auth/two_factor_verify.html", {
        "form": form, "next": next_url, "email": user.email, "code_seconds": app.step,
    })


def _qr_code_svg(data: str) -> str:
    """The QR code of `data` as inline SVG, drawn on the server (no image requests, no script)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, border=2)
    svg = image.to_string(encoding="unicode")
    label = _("QR code to scan with your authenticator app")
    return mark_safe(svg.replace("<svg ", format_html('<svg role="img" aria-label="{}" ', label), 1))


@never_cache
@require_http_methods(["GET"])
def two_factor_enrol(request: HttpRequest, key: str) -> HttpResponse:
    """The enrolment link: remember it in the session, then log in (if need be) and set up the app.

    The link alone enrols nothing: the setup page also needs its user's password login.
    """
    link = enrolment_link_find(key)
    if link is None:
        log.warning("enrolment link refused (unknown, used, replaced or expired)")
        return render(request, "auth/enrolment_link_invalid.html", status=http.HTTP_404_NOT_FOUND)
    if request.user.is_authenticated and request.user.pk != link.user_id:
        auth_logout(request)  # someone else's login on this browser: the link's owner logs in afresh
    request.session[ENROLMENT_KEY] = {"link": link.pk, "user": link.user_id}
    setup = reverse("two_factor_setup")
    if not request.user.is_authenticated:
        return HttpResponseRedirect(_with_next("login", setup))
    return HttpResponseRedirect(setup)


def _enrolment_link_id(request: HttpRequest) -> int | None:
    """The enrolment link this session opened, if it is the logged-in user's and still usable."""
    opened = request.session.get(ENROLMENT_KEY) or {}
    if opened.get("user") != request.user.pk:
        return None
    link = EnrolmentLink.objects.usable().filter(pk=opened.get("link"), user=request.user).first()
    return link.pk if link else None


@login_required
@never_cache
@csrf_protect
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a code.

    Only with an enrolment link opened in this session: a password alone never gets here. Once
    confirmed, the backup codes are shown, this once.
    """
    next_url = _next_url(request)
    user = request.user
    if confirmed_totp_device(user) is not None:
        if not user.is_verified():
            # A new app would bypass the one already there: prove that one first.
            return HttpResponseRedirect(_with_next("two_factor_verify", next_url))
        return render(request, "auth/two_factor_setup.html", {"already_enrolled": True, "next": next_url})
    link_id = _enrolment_link_id(request)
    if link_id is None:
        log.warning("enrolment page refused without an enrolment link, user %s", user.pk)
        return render(request, "auth/enrolment_link_needed.html", {"email": user.email},
                      status=http.HTTP_403_FORBIDDEN)

    device = pending_totp_device(user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = None
        if not form.cleaned_data["code"].isdigit():
            form.add_error("code", _("Enter the 6 digits your authenticator app shows, for example 123456."))
        elif wait := throttle_wait(device):
            form.add_error("code", _throttled_error(wait))
        else:
            try:
                codes = authenticator_enrol(user=user, link_id=link_id, device=device, code=form.cleaned_data["code"])
            except RegistryError as exc:
                form.add_error("code", exc.message)
            else:
                if codes is None:
                    form.add_error("code", _(
                        "That code is not right. Check that the app was set up with the key below and enter the "
                        "code it shows now."
                    ))
        if codes is not None:
            request.session.pop(ENROLMENT_KEY, None)
            _mark_verified(request, confirmed_totp_device(user))
            return render(request, "auth/backup_codes.html", {"codes": codes, "next": next_url, "enrolled": True})
    secret = b32encode(device.bin_key).decode()
    return render(request, "auth/two_factor_setup.html", {
        "form": form,
        "next": next_url,
        "qr_svg": _qr_code_svg(device.config_url),
        "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
        "issuer": settings.OTP_TOTP_ISSUER,
        "email": user.email,
    })


@login_required
@never_cache
@csrf_protect
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def backup_codes(request: HttpRequest) -> HttpResponse:
    """New backup codes, after a fresh code from the app (a session left open is not enough)."""
    user = request.user
    if confirmed_totp_device(user) is None:
        return HttpResponseRedirect(reverse("two_factor_setup"))
    if not user.is_verified():
        return HttpResponseRedirect(_with_next("two_factor_verify", request.get_full_path()))
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["code"].isdigit():
            form.add_error("code", _("Enter the code your authenticator app shows: a backup code cannot make new "
                                     "ones."))
        elif _check_code(form, user) is not None:
            codes = backup_codes_regenerate(user=user)
            return render(request, "auth/backup_codes.html", {"codes": codes, "next": reverse("staff:home")})
    return render(request, "auth/backup_codes_new.html", {"form": form, "left": backup_codes_left(user)})


# --- Changing the password ---------------------------------------------------------------------------

class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password, giving the current one: every other login and every API token ends."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("staff:home")

    def form_valid(self, form):
        # Django keeps this session (update_session_auth_hash); the others no longer match the
        # password and are logged out at their next request.
        response = super().form_valid(form)
        api_tokens_revoke(user=form.user, reason="password changed")
        log.info("password changed by user %s", form.user.pk)
        messages.success(self.request, _(
            "Your password is changed. Your other logins and API tokens have ended."
        ))
        return response


# --- API tokens ------------------------------------------------------------------------------------

def _error(status: int, code: str, detail: str, **extra) -> Response:
    return Response({"code": code, "detail": detail, **extra}, status=status)


class TokenRequestSerializer(serializers.Serializer):
    # No account's email is longer (User.email); a longer one is refused here, and counted (ApiTokenView.post).
    username = serializers.CharField(
        max_length=User._meta.get_field("email").max_length, help_text=gettext_lazy("The account's email address."),
    )
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
                             "`otp_required`: the account has an authenticator app, send its code (or a backup "
                             "code) as `otp`; `invalid_otp`."),
            403: _documented("`second_factor_enrolment_required`: reviewers and administrators get no token "
                             "before they have enrolled an authenticator app."),
            429: _documented("`locked_out`: too many failed logins for this username from this address, "
                             "wait the seconds in Retry-After; `otp_throttled`: wrong codes, wait likewise."),
        },
        summary="Get an API token",
        description="Exchange email (`username`), `password` and, for accounts with an authenticator app, its "
                    "current code (`otp`) for a token to send as `Authorization: Token <token>`. The token is "
                    "shown only here. `second_factor` says whether it was issued with a code; a token that "
                    "was lives at most API_TOKEN_2FA_HOURS. Reviewers and administrators only ever get such "
                    "tokens. Every token ends when its holder's password or authenticator app changes.",
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
        locked = _error(http.HTTP_429_TOO_MANY_REQUESTS, "locked_out", ngettext(
            "Too many failed logins for this account from your network. Wait %(minutes)s minute and try again.",
            "Too many failed logins for this account from your network. Wait %(minutes)s minutes and try again.",
            minutes,
        ) % {"minutes": minutes})
        locked["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
        if not serializer.is_valid():
            raw_username = request.data.get("username") if hasattr(request.data, "get") else None
            if "username" in serializer.errors and isinstance(raw_username, str) and raw_username.strip():
                # An over-long or malformed username is a failed login all the same: counted by the lockout
                # (under the key login_username makes of it), or guesses could be padded past it.
                credentials = {"username": raw_username}
                if not AxesProxyHandler.is_allowed(request, credentials):
                    return locked
                user_login_failed.send(sender=__name__, credentials=credentials, request=request)
                if getattr(request, "axes_locked_out", False):
                    return locked
            return _error(http.HTTP_400_BAD_REQUEST, "invalid", _("Send username, password and, if you use an "
                          "authenticator app, otp."), errors=serializer.errors)
        data = serializer.validated_data

        if not AxesProxyHandler.is_allowed(request, {"username": data["username"]}):
            return locked
        user = authenticate(request=request, username=data["username"], password=data["password"])
        if user is None:  # axes counted the failure
            if getattr(request, "axes_locked_out", False):
                return locked
            return _error(http.HTTP_401_UNAUTHORIZED, "invalid_credentials",
                          _("That email address and password do not match an account."))

        second_factor = False
        if confirmed_totp_device(user) is not None:
            raw = data.get("otp") or ""
            if not raw.strip():
                return _error(http.HTTP_401_UNAUTHORIZED, "otp_required",
                              _("This account uses an authenticator app: send its current code (or a backup code) "
                                "as otp."))
            form = OneTimeCodeForm({"code": raw})
            check = code_check(user, form.cleaned_data["code"]) if form.is_valid() else None
            if check is not None and check.wait:
                response = _error(http.HTTP_429_TOO_MANY_REQUESTS, "otp_throttled", _throttled_error(check.wait))
                response["Retry-After"] = str(check.wait)
                return response
            if check is None or check.device is None:
                return _error(http.HTTP_401_UNAUTHORIZED, "invalid_otp",
                              _("That code is not right. Send the code the app shows now, or a backup code."))
            second_factor = True
        elif needs_second_factor(user):
            # A reviewer's or admin's password alone opens nothing, the API included.
            log.warning("api token refused: second factor not enrolled, user %s", user.pk)
            return _error(http.HTTP_403_FORBIDDEN, "second_factor_enrolment_required", _(
                "This account must confirm its logins with an authenticator app, and has none yet. Set it up "
                "with the enrolment link a GCO administrator sent you, then ask for a token with its code."
            ))

        token, key = api_token_issue(user=user, second_factor=second_factor)
        # A token is a login: axes clears the failures (AXES_RESET_ON_SUCCESS), last_login is set.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        body = {"token": key, "expires_at": token.expires_at, "second_factor": second_factor}
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
