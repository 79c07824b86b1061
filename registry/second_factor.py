"""Writes to the second factor: enrolment links, authenticator apps, backup codes, and the API
tokens that must not outlive a change to any of them. Every step is logged to `registry.security`.

Who must use a second factor, and whether a request has passed it, is read in
registry/authentication.py; the pages that call these are in registry/auth/views.py.
"""
from __future__ import annotations

import logging
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

import django_otp
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.authentication import confirmed_totp_device, key_hash
from registry.emails import bilingual_email
from registry.errors import RegistryError
from registry.models import ApiToken, EnrolmentLink, User

log = logging.getLogger("registry.security")

BACKUP_CODE_COUNT = 10
BACKUP_DEVICE_NAME = "backup codes"


# --- Enrolment links ----------------------------------------------------------------------------

def enrolment_url(key: str, *, language: str | None = None) -> str:
    """The full address of an enrolment link, on SITE_URL, in `language` (the active one if None)."""
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        path = reverse("two_factor_enrol", kwargs={"key": key})
    return settings.SITE_URL.rstrip("/") + path


def enrolment_link_issue(*, user: User, by: User | None = None) -> str:
    """A new single-use link for `user` to enrol an authenticator app; returns its key.

    The key is known only to the caller (only its hash is kept); any earlier unused link of the
    user stops working, so only the newest one sent can be used.
    """
    key = secrets.token_urlsafe(32)
    hours = settings.ENROLMENT_LINK_HOURS
    with transaction.atomic():
        EnrolmentLink.objects.filter(user=user, used_at__isnull=True).delete()
        EnrolmentLink.objects.create(
            user=user, key_hash=key_hash(key), created_by=by, expires_at=timezone.now() + timedelta(hours=hours)
        )
    log.info("enrolment link issued for user %s by %s, valid %s hours", user.pk, by.pk if by else "-", hours)
    return key


def enrolment_link_send(*, user: User, by: User | None = None) -> str:
    """Issue a link and email it to the user (once the transaction commits); returns its Arabic URL,
    for an administrator who hands it over another way."""
    key = enrolment_link_issue(user=user, by=by)
    hours = settings.ENROLMENT_LINK_HOURS
    message = bilingual_email(
        "enrolment_link", lambda: {"url": enrolment_url(key), "hours": hours, "email": user.email}, [user.email]
    )
    transaction.on_commit(message.send)
    return enrolment_url(key, language=settings.LANGUAGE_CODE)


def enrolment_link_find(key: str) -> EnrolmentLink | None:
    """The usable link with this key, if any (used, expired and replaced links are not)."""
    if not isinstance(key, str) or not key or len(key) > 128:
        return None
    return EnrolmentLink.objects.usable().select_related("user").filter(key_hash=key_hash(key)).first()


# --- Authenticator apps and backup codes -------------------------------------------------------

def pending_totp_device(user: User) -> TOTPDevice:
    """The app being set up (its key shown as a QR code); the same one on every reload."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


class EnrolmentRefused(RegistryError):
    code = "enrolment_link_invalid"
    http_status = 403


def authenticator_enrol(*, user: User, link_id: int, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app being set up with a code it shows, spending the enrolment link.

    Returns the new backup codes (shown once), or None if the code is wrong. Refuses if the link was
    used, replaced or expired meanwhile. The user's API tokens are revoked: none may predate the app.
    """
    with transaction.atomic():
        link = EnrolmentLink.objects.select_for_update().filter(pk=link_id, user=user).first()
        if link is None or not link.is_usable:
            raise EnrolmentRefused(_("This enrolment link can no longer be used: ask a GCO administrator for "
                                     "a new one."))
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if not device.verify_token(code):
            log.warning("second factor: wrong code while enrolling, user %s", user.pk)
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        codes = _backup_codes_replace(user)
        api_tokens_revoke(user=user, reason="authenticator enrolled")
    log.info("second factor: authenticator enrolled, user %s, device %s", user.pk, device.persistent_id)
    return codes


def _backup_codes_replace(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes: list[str] = []
    while len(codes) < BACKUP_CODE_COUNT:
        code = StaticToken.random_token()
        # A code with a letter can never be read as an authenticator's digits.
        if not code.isdigit() and code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_codes_regenerate(*, user: User) -> list[str]:
    """Ten new backup codes, the old ones void; the caller has just checked a fresh code."""
    with transaction.atomic():
        codes = _backup_codes_replace(user)
    log.info("second factor: backup codes regenerated, user %s", user.pk)
    return codes


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=BACKUP_DEVICE_NAME).count()


def second_factor_reset(*, user: User, by: User | None) -> str:
    """Remove the user's app and backup codes (a lost phone) and email a new enrolment link;
    returns the link's URL. Their API tokens are revoked with the devices."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        api_tokens_revoke(user=user, reason="second factor reset")
        url = enrolment_link_send(user=user, by=by)
    log.info("second factor: reset for user %s by %s", user.pk, by.pk if by else "-")
    return url


# --- Checking a code ----------------------------------------------------------------------------

@dataclass(frozen=True)
class CodeCheck:
    device: object | None  # the device the code matched, or None
    wait: int = 0  # seconds until another code is looked at (django-otp's throttling), if refused for that


def throttle_wait(device) -> int:
    """Seconds until the device accepts another code after wrong ones (django-otp throttling); 0 if now."""
    allowed, details = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (details or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


def code_check(user: User, code: str) -> CodeCheck:
    """Check a code from the user's authenticator app, or one of their backup codes (spent if right).

    Digits are the app's code; a code with letters is a backup code. Wrong codes are throttled per
    device and logged.
    """
    if code.isdigit():
        device = confirmed_totp_device(user)
    else:
        device = StaticDevice.objects.filter(user=user, name=BACKUP_DEVICE_NAME, confirmed=True).first()
    if device is None:
        log.warning("second factor: code for a device the user does not have, user %s", user.pk)
        return CodeCheck(None)
    wait = throttle_wait(device)
    if wait:
        log.warning("second factor: code refused while throttled, user %s", user.pk)
        return CodeCheck(None, wait)
    matched = django_otp.verify_token(user, device.persistent_id, code.lower())
    if matched is None:
        log.warning("second factor: wrong code, user %s, device %s", user.pk, device.persistent_id)
    elif isinstance(matched, StaticDevice):
        log.info("second factor: backup code used, user %s, %s left", user.pk, backup_codes_left(user))
    return CodeCheck(matched)


# --- API tokens -----------------------------------------------------------------------------------

def api_tokens_revoke(*, user: User, reason: str) -> int:
    """Delete every API token of the user (a password, device or status change); returns how many."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    if deleted:
        log.info("api tokens revoked for user %s (%s): %s", user.pk, reason, deleted)
    return deleted
