"""Who is making a request, and how sure we are: API tokens, the second factor, login lockout keys.

The site (session) and the API (token or session) are two doors to the same services; both ask
`has_second_factor(request)` whether the login behind the request passed the one-time code,
and pass the answer to the services as `two_factor=`. A user who must use the second factor and
has not passed it has no power at all: the site treats them as not logged in beyond the login
pages (registry.middleware.SecondFactorMiddleware), and the API refuses their token.
"""
from __future__ import annotations

import hashlib
import ipaddress
import secrets
from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework import authentication, exceptions
from rest_framework.settings import api_settings

from registry.models import ApiToken, User

# A token's last use is written at most this often: one write per request would be wasted.
LAST_USED_PRECISION = timedelta(minutes=1)


# --- The second factor -----------------------------------------------------------------------

def needs_second_factor(user) -> bool:
    """Reviewers and admins must pass the one-time code to use the review area and the admin."""
    return bool(
        user and user.is_authenticated and user.is_active
        and (user.is_reviewer or user.is_superuser or user.is_staff)
    )


def confirmed_totp_device(user) -> TOTPDevice | None:
    """The user's authenticator app, once they have confirmed it with a code."""
    if not (user and user.is_authenticated):
        return None
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def lacks_second_factor(request) -> bool:
    """Whether the request's user must use the second factor and this login has not passed it."""
    return needs_second_factor(getattr(request, "user", None)) and not has_second_factor(request)


def has_second_factor(request) -> bool:
    """Whether the login behind this request passed the one-time code.

    True for a session verified with the code (django-otp's `user.is_verified()`), or for an API
    request made with a token that was issued against a valid code. Works for Django requests
    and DRF requests alike.
    """
    token = getattr(request, "auth", None)  # DRF: what the authentication class returned
    if isinstance(token, ApiToken):
        return token.second_factor
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)  # installed by django_otp's OTPMiddleware
    return bool(is_verified and is_verified())


# --- API tokens ---------------------------------------------------------------------------------

def key_hash(key: str) -> str:
    """What is stored of a secret key (API tokens, enrolment links): its SHA-256, never the key."""
    return hashlib.sha256(key.encode()).hexdigest()


def token_lifetime(*, second_factor: bool = False) -> timedelta | None:
    """How long a new API token lasts: settings.API_TOKEN_DAYS (0 means until revoked), and at most
    API_TOKEN_2FA_HOURS for a token that carries the second factor (it holds a reviewer's powers)."""
    days = settings.API_TOKEN_DAYS
    lifetime = timedelta(days=days) if days else None
    if second_factor:
        cap = timedelta(hours=settings.API_TOKEN_2FA_HOURS)
        lifetime = min(lifetime, cap) if lifetime else cap
    return lifetime


def password_fingerprint(user: User) -> str:
    """What a token remembers of its holder's password: Django's HMAC of the password hash."""
    return user.get_session_auth_hash()


def api_token_issue(*, user: User, second_factor: bool) -> tuple[ApiToken, str]:
    """Create a token for `user`; return it and its key (the only time the key is known)."""
    key = secrets.token_urlsafe(32)
    lifetime = token_lifetime(second_factor=second_factor)
    token = ApiToken(
        user=user, key_hash=key_hash(key), key_prefix=key[:8], second_factor=second_factor,
        password_fingerprint=password_fingerprint(user),
        expires_at=timezone.now() + lifetime if lifetime else None,
    )
    token.full_clean()
    token.save()
    return token, key


def api_token_revoke(*, token: ApiToken) -> None:
    token.delete()


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """DRF authentication by `Authorization: Token <key>`.

    An unknown or expired key, or a deactivated user, is refused with 401 (never a silent
    anonymous request); so is a token issued before its holder's password last changed (it is
    deleted), and one without the second factor held by someone who must use it.
    `request.auth` is the ApiToken, which `has_second_factor` reads.
    """

    keyword = "Token"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as “Authorization: Token <key>”, with nothing else."), code="invalid_token"
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid."), code="invalid_token") from None
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key: str):
        token = ApiToken.objects.select_related("user").filter(key_hash=key_hash(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This token is not valid."), code="invalid_token")
        if token.is_expired:
            raise exceptions.AuthenticationFailed(
                _("This token has expired: ask for a new one."), code="token_expired"
            )
        if not secrets.compare_digest(token.password_fingerprint, password_fingerprint(token.user)):
            token.delete()  # the password changed through a door that did not revoke it
            raise exceptions.AuthenticationFailed(_("This token is not valid."), code="invalid_token")
        if needs_second_factor(token.user) and not token.second_factor:
            raise exceptions.AuthenticationFailed(
                _("This account must confirm its logins with an authenticator app: ask for a new token with "
                  "its code."),
                code="second_factor_required",
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Answering with a WWW-Authenticate challenge makes DRF say 401 rather than 403.
        return self.keyword


# --- What django-axes keys lockouts on ---------------------------------------------------------

LOCKOUT_USERNAME_LENGTH = AccessAttempt._meta.get_field("username").max_length


def login_username(request, credentials: dict | None) -> str | None:
    """The username axes counts failures against (settings.AXES_USERNAME_CALLABLE).

    Logins match the email whatever its case, so failures must too: otherwise `Reviewer@…`,
    `REVIEWER@…` and so on would each get their own five tries. It is cut to what axes's
    records hold (255 characters) and rid of NUL, which PostgreSQL refuses in text: an over-long
    or malformed username is still a failure counted against this key, not a crash.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        username = data.get(field) if hasattr(data, "get") else None
    if not isinstance(username, str):
        return None
    return username.replace("\x00", "").strip().lower()[:LOCKOUT_USERNAME_LENGTH] or None


def client_ip(request) -> str | None:
    """The client's address as the site sees it behind TRUSTED_PROXY_COUNT proxies
    (settings.AXES_CLIENT_IP_CALLABLE).

    The same rule as DRF's throttles (REST_FRAMEWORK["NUM_PROXIES"]): with N trusted proxies,
    each appending the address it received from to X-Forwarded-For, the client is the N-th
    entry from the right; entries further left are whatever the client chose to send. With no
    proxies the header is ignored, since anyone can write it.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    proxies = api_settings.NUM_PROXIES or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote_addr
    hops = [hop.strip() for hop in forwarded.split(",")]
    candidate = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr
