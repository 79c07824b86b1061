"""Writes of the review area that speak to people: emailing an entity's editors about an alert or
the annual review now, inviting an editor, and accepting as a proposal a rename an alert saw. They
live with the area, not in accounts/services.py, because they read the area's own selectors
(`describe`, `active_editors`): the core imports no area. Reviewers only, with the second factor,
like every review action."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import Alert, AlertKind, Channel, Status
from accounts.notifications import editor_emails
from accounts.review.alerts import describe
from accounts.review.selectors import active_editors
from accounts.selectors import overdue_for_review
from accounts.services import AlreadyResolved, channel_edit
from accounts.tasks.reminders import annual_review_email
from accounts.workflow import require_reviewer
from entities.models import Entity, Membership
from registry.emails import bilingual_email
from registry.errors import Conflict, NotFound, RegistryError


def notify_editors_of_alert(*, user, alert_id: int, two_factor: bool = False) -> int:
    """Email each active editor of the alert's entity what the refresh saw, one email each (no one
    reads another editor's address), and answer how many were sent: 0 when the entity has no
    active editor, which the reviewer must then be told. Reviewers only, with the second factor."""
    require_reviewer(user, two_factor=two_factor)
    alert = Alert.objects.select_related("channel__entity").filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(_("There is no such alert."))
    if alert.resolved_at is not None:
        raise AlreadyResolved(_("This alert has already been resolved, by someone else or a moment ago."))
    recipients = sorted(editor_emails(alert.channel.entity_id) - {user.email})

    def context() -> dict:
        return {"alert": alert, "channel": alert.channel, "summary": describe(alert),
                "site_url": settings.SITE_URL.rstrip("/")}

    with mail.get_connection() as connection:
        for email in recipients:
            bilingual_email("alert_editors", context, [email], connection=connection).send()
    return len(recipients)


def annual_review_remind(*, actor, entity_id: int, two_factor: bool = False) -> int:
    """Send the entity's active editors the weekly annual-review reminder now, one email each;
    returns how many were emailed (0 when nothing of the entity is overdue or it has no editor).

    The weekly task's mark is left alone: a reminder asked for by a reviewer is on top of it."""
    require_reviewer(actor, two_factor=two_factor)
    channels = list(overdue_for_review(channels=Channel.private_objects.filter(entity_id=entity_id)))
    if not channels:
        return 0
    recipients = sorted({user.email for user in active_editors([entity_id]).get(entity_id, [])})
    for email in recipients:
        transaction.on_commit(annual_review_email(channels, [email]).send)
    return len(recipients)


def entity_editor_invite(*, actor, entity_id: int, email: str, two_factor: bool = False):
    """Make the person with `email` an editor of the entity (creating their account, without a
    password, if there is none) and email them, in both languages, that they are one and the
    single-use link to set their password (the reset link of "Forgot your password", in the words
    of an invitation: nobody asked to reset anything). Someone who already has a password is told
    to log in as usual, the link offered only if they have forgotten it. Editors need no second
    factor, so no enrolment link is sent to them.

    Returns the user and whether the account was created."""
    require_reviewer(actor, two_factor=two_factor)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise RegistryError(_("“%(email)s” is not an email address.") % {"email": email},
                            code="invalid_email", field="email") from exc
    entity = Entity.objects.filter(pk=entity_id).first()
    if entity is None:
        raise NotFound(_("This entity does not exist."))
    User = get_user_model()  # noqa: N806 - the model, named as Django names it
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        created = user is None
        if created:
            user = User(email=email)
            user.set_unusable_password()
            user.save()
        elif not user.is_active:
            raise RegistryError(_("The account %(email)s is switched off: ask an administrator to switch it on.")
                                % {"email": email}, code="inactive_user", field="email")
        Membership.objects.get_or_create(user=user, entity=entity, defaults={"role": Membership.Role.EDITOR})
        values = {
            "email": user.email, "entity": entity, "has_password": user.has_usable_password(),
            "uid": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user),
            "site_url": settings.SITE_URL.rstrip("/"),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
        transaction.on_commit(bilingual_email("editor_invite", lambda: values, [user.email]).send)
    return user, created


def accept_rename(*, actor, alert_id: int, two_factor: bool = False) -> Channel:
    """Answer a "renamed" alert by proposing the channel's new handle and link: the handle the
    platform shows now, read on the channel's own platform through the same checks as any proposal
    (`channel_edit`: the link parsed as at registration, a handle another registration holds
    refused). The public keeps the approved handle until another reviewer approves the proposal:
    four eyes, as the one who proposes may not approve it. The alert stays open for the reviewer's
    note. Reviewers only, with the second factor; returns the channel with its proposal."""
    require_reviewer(actor, two_factor=two_factor)
    alert = Alert.objects.select_related("channel").filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(_("There is no such alert."))
    if alert.resolved_at is not None:
        raise AlreadyResolved(_("This alert has already been resolved, by someone else or a moment ago."))
    if alert.kind != AlertKind.RENAMED:
        raise RegistryError(_("Only a “renamed” alert can be accepted as a rename."), code="not_a_rename")
    channel = alert.channel
    if channel.status != Status.APPROVED:
        raise Conflict(
            _("Only an official channel's rename can be accepted; this one is “%(status)s”.")
            % {"status": channel.get_status_display()},
            code="channel_not_official",
        )
    details = alert.details if isinstance(alert.details, dict) else {}
    handle = details.get("handle_now")
    if not isinstance(handle, str) or not handle.strip():
        raise RegistryError(_("The alert does not say the account's new handle; check it on the platform."),
                            code="no_new_handle")
    with transaction.atomic():
        channel = channel_edit(actor=actor, channel_id=channel.pk, link=handle, platform=channel.platform,
                               two_factor=two_factor)
        if "handle_key" not in channel.proposed_changes:
            raise Conflict(_("The channel already has this handle: nothing to accept. Resolve the alert with a note."),
                           code="already_renamed")
    return channel
