"""Writes to the register: registering and editing channels, every workflow transition, resolving
alerts, and the follower counts staff report.

Views, forms, the API, commands and jobs call these; nobody sets a Channel's status and saves
it. Each write checks the one permission gate (accounts/workflow.py) with whether the actor's
login passed the second factor; a workflow write locks the channel's row, writes a ChannelEvent
in the same transaction, and queues its email and the presence scores to run after commit
(accounts/tasks/).
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts import platforms
from accounts.lookalikes import lookalike_keys_update, lookalike_officials
from accounts.models import (
    REFRESHED_FIELDS,
    WATCHED_STATUSES,
    Alert,
    AlertKind,
    Channel,
    ChannelEvent,
    ChannelImport,
    FollowerSnapshot,
    Language,
    RefreshStatus,
    SnapshotSource,
    Status,
)
from accounts.platforms import AccountLinkError, PlatformMismatch, parse_account_link
from accounts.selectors import count_before
from accounts.tasks.report import schedule_scores
from accounts.tasks.webhooks import announce_change
from accounts.tasks.workflow import notify_event
from accounts.workflow import (
    PUBLIC_CHANGES,
    TRANSITIONS,
    Action,
    LookalikesUnconfirmed,
    Transition,
    check_allowed,
    may_act_for_entity,
    require_editor,
    require_reviewer,
)
from entities.models import Entity, Official
from registry.direction import isolate
from registry.errors import Conflict, NotFound, RegistryError

LIVE_HANDLE_CONSTRAINT = "channel_handle_live_unique"
# What an edit may change. The link (platform and handle) only while nobody has approved it:
# an approved channel that moves to another account is a new registration.
EDITABLE_FIELDS = ("display_name", "languages", "description", "official")
MAX_DESCRIPTION = 2000
MAX_REASON = 2000


class HandleAlreadyRegistered(Conflict):
    """A live registration holds the handle. It is named (entity and status, and `holder` is set)
    only to someone who may see it: anyone if it is public, else a reviewer or an editor of its
    entity. Others learn only that the handle is taken: another entity's drafts are not theirs to read.
    """

    code = "handle_taken"

    def __init__(self, holder: Channel, *, actor=None):
        shown = holder.is_public or (actor is not None and may_act_for_entity(actor, holder.entity_id))
        self.holder = holder if shown else None
        names = {"handle": isolate(holder.handle, ltr=True), "platform": holder.get_platform_display()}
        if shown:
            # Named by its entity and status, never by a number the editor could not open.
            message = _("%(handle)s on %(platform)s is already registered to %(owner)s (“%(status)s”). If that is "
                        "a mistake, contact the Government Communication Office.") % {
                **names, "owner": holder.entity.name, "status": holder.get_status_display(),
            }
        else:
            message = _("%(handle)s on %(platform)s is already registered, or under review. If it should be "
                        "yours, contact the Government Communication Office.") % names
        super().__init__(message, field="url")


class StaleChannel(Conflict):
    code = "stale"

    def __init__(self):
        super().__init__(
            _("Someone else changed this channel after you opened it. Nothing was saved: reload it to see "
              "the current version, then make your change again.")
        )


def live_holder(*, platform: str, handle_key: str, exclude_id: int | None = None) -> Channel | None:
    """The live registration that holds this handle, if any."""
    holders = Channel.private_objects.live().with_owner().filter(platform=platform, handle_key=handle_key)
    if exclude_id is not None:
        holders = holders.exclude(pk=exclude_id)
    return holders.first()


@contextmanager
def refusing_taken_handles(channel: Channel, *, actor=None) -> Iterator[None]:
    """Turn the database's refusal of a second live claim into an error naming the holder, if
    `actor` may see it (see HandleAlreadyRegistered).

    The partial unique constraint is the real guard (two requests racing both pass any check
    made beforehand); this only makes its refusal say who holds the handle.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if LIVE_HANDLE_CONSTRAINT not in str(exc):
            raise
        holder = live_holder(platform=channel.platform, handle_key=channel.handle_key, exclude_id=channel.pk)
        if holder is None:  # the holder was retired between the refusal and this read
            raise Conflict(_("This handle was just claimed by another registration; try again.")) from exc
        raise HandleAlreadyRegistered(holder, actor=actor) from exc


# --- Reading what people typed ------------------------------------------------------------

def _read_link(link: str, platform: str | None) -> dict[str, str]:
    try:
        account = parse_account_link(link, platform or None)
    except PlatformMismatch as exc:
        # Nothing is registered on a guess: the person fixes the platform, or leaves it to the link.
        message = exc.message + " " + _("Leave the platform to the link, or choose %(platform)s.") % {
            "platform": exc.found.label}
        raise RegistryError(message, code=exc.code, field="url") from exc
    except AccountLinkError as exc:
        raise RegistryError(exc.message, code=exc.code, field="url") from exc
    return {
        "platform": account.platform.value, "handle": account.handle, "handle_key": account.handle_key,
        "canonical_url": account.canonical_url,
    }


def _clean_fields(entity: Entity, fields: dict[str, Any]) -> dict[str, Any]:
    """Check the editable fields a person gave; refuse with the field named, change nothing."""
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise RegistryError(_("“%(field)s” cannot be changed here.") % {"field": isolate(name, ltr=True)},
                                code="invalid", field=name)
        if name == "official":
            if value is not None and not isinstance(value, Official):
                raise RegistryError(_("Choose an official from the list."), code="invalid", field=name)
            if value is not None and value.entity_id != entity.pk:
                raise RegistryError(
                    _("%(official)s is not an official of %(entity)s.")
                    % {"official": isolate(value.name), "entity": isolate(entity.name)},
                    code="official_not_of_entity", field=name,
                )
        elif name == "languages":
            value = list(dict.fromkeys(value or []))
            unknown = [code for code in value if code not in Language.values]
            if unknown:
                raise RegistryError(
                    _("Unknown language: %(codes)s.") % {"codes": isolate(", ".join(map(str, unknown)), ltr=True)},
                    code="invalid", field=name,
                )
        else:
            value = (value or "").strip()
            limit = MAX_DESCRIPTION if name == "description" else 200
            if len(value) > limit:
                raise RegistryError(
                    _("This is %(length)d characters long; the most is %(limit)d.")
                    % {"length": len(value), "limit": limit},
                    code="too_long", field=name,
                )
        cleaned[name] = value
    return cleaned


def _locked(channel_id: int) -> Channel:
    try:
        return Channel.private_objects.select_for_update().get(pk=channel_id)
    except Channel.DoesNotExist:
        raise NotFound(_("There is no such channel.")) from None


def _check_version(channel: Channel, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != channel.version:
        raise StaleChannel()


# The transaction-level advisory lock every public change's event is written under (any number: it
# only has to be the same everywhere).
PUBLIC_CHANGE_LOCK = 0x0C4A_46E0


def _record(channel: Channel, *, action: Action, actor, from_status: str, comment: str = "",
            changes: dict | None = None, channel_import: ChannelImport | None = None) -> ChannelEvent:
    public = action in PUBLIC_CHANGES
    if public:
        # The change feed reads public changes in id order and resumes after the last id a reader saw
        # (accounts/opendata/changes.py). Ids are handed out when the row is inserted, not when it
        # commits: without this lock, held until commit, a change could commit after a reader has
        # passed its id and be missed. Public changes are a few a day; they wait for each other only.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PUBLIC_CHANGE_LOCK])
    event = ChannelEvent.objects.create(
        channel=channel, action=action, from_status=from_status, to_status=channel.status, actor=actor,
        comment=comment, changes=changes or {}, channel_import=channel_import,
    )

    transaction.on_commit(lambda: notify_event.delay(event.pk))
    if public:
        transaction.on_commit(lambda: announce_change.delay(event.pk))  # to the webhook subscribers
    schedule_scores()  # every decision can change the presence report's scores
    return event


def _save(channel: Channel, actor, fields: Sequence[str]) -> None:
    channel.version += 1
    channel._history_user = actor
    try:
        # What the refresh writes is the platforms' say, not the editor's: never a reason to refuse a step.
        channel.full_clean(validate_constraints=False,
                           exclude=["entity", "official", "created_by", *REFRESHED_FIELDS])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise RegistryError(" ".join(messages), code="invalid", field=field) from exc
    channel.save(update_fields=[*fields, "version", "updated_at"])


def _jsonable(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: (value.pk if isinstance(value, Official) else value) for name, value in fields.items()}


# --- Registering and editing -------------------------------------------------------------

def channel_create(
    *,
    actor,
    entity: Entity,
    link: str,
    platform: str | None = None,
    official: Official | None = None,
    display_name: str = "",
    languages: Sequence[str] = (),
    description: str = "",
    two_factor: bool = False,
    channel_import: ChannelImport | None = None,
) -> Channel:
    """Register a channel as a draft from a pasted link or handle, read on the server.

    `two_factor`, here and below: whether the actor's login (session or API token) passed the second
    factor, without which reviewers and admins can do nothing (accounts.workflow's gate).
    `channel_import`: the import it comes from, named by its `create` event."""
    require_editor(actor, entity.pk, two_factor=two_factor)
    account = _read_link(link, platform)
    fields = _clean_fields(
        entity, {"official": official, "display_name": display_name, "languages": languages,
                 "description": description},
    )
    holder = live_holder(platform=account["platform"], handle_key=account["handle_key"])
    if holder is not None:
        raise HandleAlreadyRegistered(holder, actor=actor)

    channel = Channel(entity=entity, status=Status.DRAFT, created_by=actor, **account, **fields)
    channel._history_user = actor
    with transaction.atomic(), refusing_taken_handles(channel, actor=actor):
        channel.save()
        lookalike_keys_update([channel])
        _record(channel, action=Action.CREATE, actor=actor, from_status="", channel_import=channel_import)
    return channel


def channel_edit(
    *, actor, channel_id: int, expected_version: int | None = None, link: str | None = None,
    platform: str | None = None, two_factor: bool = False, **fields: Any,
) -> Channel:
    """Change a channel's details. A draft changes at once; an approved channel gets a proposal
    that a reviewer decides, while the public keeps seeing the approved version."""
    with transaction.atomic():
        channel = _locked(channel_id)
        action = Action.PROPOSE if channel.status == Status.APPROVED else Action.EDIT
        check_allowed(actor, action, channel, two_factor=two_factor)
        _check_version(channel, expected_version)
        cleaned = _clean_fields(channel.entity, fields)
        if link is not None and link.strip():
            try:
                account = _read_link(link, platform)
            except RegistryError as exc:
                if exc.code != "platform_required":
                    raise
                account = _read_link(link, channel.platform)  # a bare handle stays on the channel's platform
            if account["handle_key"] != channel.handle_key or account["platform"] != channel.platform:
                if action == Action.PROPOSE:
                    _check_proposed_link(channel, account, actor=actor)
                cleaned.update(account)
        changes = {
            name: value for name, value in cleaned.items()
            if (getattr(channel, name + "_id") if name == "official" else getattr(channel, name))
            != (value.pk if isinstance(value, Official) else value)
        }
        if not changes:
            return channel

        if action == Action.PROPOSE:
            proposal = {**channel.proposed_changes, **_jsonable(changes)}
            if channel.proposed_at is None:
                channel.proposed_at = timezone.now()
            channel.proposed_changes, channel.proposed_by = proposal, actor
            _save(channel, actor, ["proposed_changes", "proposed_by", "proposed_at"])
        else:
            for name, value in changes.items():
                setattr(channel, name, value)
            with refusing_taken_handles(channel, actor=actor):
                _save(channel, actor, list(changes))
            if "handle_key" in changes or "platform" in changes:
                lookalike_keys_update([channel])
        _record(channel, action=action, actor=actor, from_status=channel.status, changes=_jsonable(changes))
    return channel


def _check_proposed_link(channel: Channel, account: dict[str, str], *, actor) -> None:
    """A proposal may change an approved channel's handle and link (the account was renamed on its
    platform: same account, new name), never its platform: another platform is another account, a
    new registration. A handle another live registration holds is refused now, and again by the
    database when the proposal is approved, should someone claim it meanwhile."""
    if account["platform"] != channel.platform:
        raise RegistryError(
            _("An approved channel cannot move to another platform. Retire it and register the new account "
              "instead."),
            code="link_locked", field="url",
        )
    holder = live_holder(platform=account["platform"], handle_key=account["handle_key"], exclude_id=channel.pk)
    if holder is not None:
        raise HandleAlreadyRegistered(holder, actor=actor)


def channel_resubmit(
    *, actor, channel_id: int, expected_version: int | None = None, two_factor: bool = False,
    lookalikes_confirmed: bool = False, **edit: Any,
) -> Channel:
    """Save an editor's changes and submit the channel for review, as one step: the same checks,
    events and emails as `channel_edit` then `channel_act(submit)`, in one transaction, so a
    refused submission leaves the channel exactly as it was (nothing saved, no event, no email)."""
    with transaction.atomic():
        channel_edit(actor=actor, channel_id=channel_id, expected_version=expected_version,
                     two_factor=two_factor, **edit)
        # The edit held the lock and bumped the version; the submission is of what was just saved.
        return channel_act(actor=actor, channel_id=channel_id, action=Action.SUBMIT, two_factor=two_factor,
                           lookalikes_confirmed=lookalikes_confirmed)


def proposal_diff(channel: Channel) -> list[tuple[str, Any, Any]]:
    """The pending proposal, field by field: (field label, approved value, proposed value)."""
    diff = []
    for name, proposed in channel.proposed_changes.items():
        if name == "handle_key":  # what the handle is compared by: the handle itself is shown
            continue
        field = Channel._meta.get_field(name)
        current = getattr(channel, field.attname)
        if name == "official":
            officials = Official.objects.in_bulk([pk for pk in (current, proposed) if pk])
            current, proposed = (officials[pk].name if pk in officials else "" for pk in (current, proposed))
        diff.append((str(field.verbose_name), current, proposed))
    return diff


# --- Transitions ---------------------------------------------------------------------------

def channel_act(*, actor, channel_id: int, action: Action | str, reason: str = "",
                expected_version: int | None = None, two_factor: bool = False,
                lookalikes_confirmed: bool = False) -> Channel:
    """Take a workflow action (submit, approve, request_changes, reject, retire, flag_compromised,
    restore, certify, approve_changes, reject_changes) on a channel, under its row lock.

    Of two reviewers deciding one submission at once, the second waits for the lock, then
    finds the submission decided and gets AlreadyDecided: exactly one decision is recorded.
    `lookalikes_confirmed`: the submitter's word that a handle like another entity's official
    account is their entity's (refused with LookalikesUnconfirmed without it).
    """
    action = _workflow_action(action)
    reason = _checked_reason(reason)
    with transaction.atomic():
        channel = _locked(channel_id)
        transition = check_allowed(actor, action, channel, reason=reason, two_factor=two_factor)
        _check_version(channel, expected_version)
        _check_lookalikes(transition, channel, confirmed=lookalikes_confirmed)
        from_status = channel.status
        proposal_before = dict(channel.proposed_changes)
        now = timezone.now()
        fields = APPLY[action](channel, actor, now, reason)
        if transition.target is not None:
            channel.status = transition.target
            fields = ["status", *fields]
        with refusing_taken_handles(channel, actor=actor):
            _save(channel, actor, fields)
        if "handle_key" in fields:  # an approved rename: look-alikes are now checked against the new handle
            lookalike_keys_update([channel])
        # A proposal this step decided or dropped stays readable in the history.
        closed_proposal = proposal_before if proposal_before and not channel.proposed_changes else {}
        _record(channel, action=action, actor=actor, from_status=from_status, comment=reason,
                changes=closed_proposal)
    return channel


def channels_certify(*, actor, channel_ids, two_factor: bool = False) -> tuple[list[Channel], dict[int, RegistryError]]:
    """Certify several channels as current at once (the staff home's "Yes, these are all still
    ours"): each through `channel_act`, with its own lock, permission check and event.

    Each channel independently, not all or nothing: one the actor may not certify (another
    entity's, no longer approved, gone) is refused with its reason and the others are still
    certified, so a channel retired a moment ago does not cost the editor the rest. Returns the
    certified channels and the refusals by channel id.
    """
    certified: list[Channel] = []
    refused: dict[int, RegistryError] = {}
    for channel_id in sorted(set(channel_ids)):  # in id order: two bulk certifies lock rows in the same order
        try:
            certified.append(channel_act(actor=actor, channel_id=channel_id, action=Action.CERTIFY,
                                         two_factor=two_factor))
        except RegistryError as error:
            refused[channel_id] = error
    return certified, refused


def check_act(*, actor, channel: Channel, action: Action | str, reason: str = "",
              expected_version: int | None = None, two_factor: bool = False) -> Transition:
    """Raise what `channel_act` would refuse now, changing nothing: asked before the staff area
    offers the confirmed press of an action that needs one (`Transition.confirm`). The service
    checks again, under the row lock, when the person confirms."""
    action = _workflow_action(action)
    transition = check_allowed(actor, action, channel, reason=_checked_reason(reason), two_factor=two_factor)
    _check_version(channel, expected_version)
    return transition


def _check_lookalikes(transition: Transition, channel: Channel, *, confirmed: bool) -> None:
    if transition.confirms_lookalikes and not confirmed:
        lookalikes = lookalike_officials(channel)
        if lookalikes:
            raise LookalikesUnconfirmed(lookalikes)


def _workflow_action(action: Action | str) -> Action:
    action = Action(action)
    if action in (Action.CREATE, Action.EDIT, Action.PROPOSE):
        raise RegistryError(_("Use the edit form to change a channel."), code="invalid")
    return action


def _checked_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise RegistryError(
            _("The reason is %(length)d characters long; the most is %(limit)d.")
            % {"length": len(reason), "limit": MAX_REASON}, code="too_long", field="reason",
        )
    return reason


def _submit(channel, actor, now, reason):
    channel.submitted_by, channel.submitted_at = actor, now
    return ["submitted_by", "submitted_at"]


def _decide(channel, actor, now, reason):
    channel.decided_by, channel.decided_at = actor, now
    return ["decided_by", "decided_at"]


def _approve(channel, actor, now, reason):
    fields = _decide(channel, actor, now, reason)
    if channel.approved_at is None:
        channel.approved_at = now
    channel.last_certified_at = now  # approving is the first certification
    return [*fields, "approved_at", "last_certified_at"]


def _clear_proposal(channel) -> list[str]:
    channel.proposed_changes, channel.proposed_by, channel.proposed_at = {}, None, None
    return ["proposed_changes", "proposed_by", "proposed_at"]


def _approve_changes(channel, actor, now, reason):
    applied = list(channel.proposed_changes)
    for name, value in channel.proposed_changes.items():
        setattr(channel, Channel._meta.get_field(name).attname, value)
    return [*applied, *_clear_proposal(channel), *_decide(channel, actor, now, reason)]


def _reject_changes(channel, actor, now, reason):
    return _clear_proposal(channel)


def _retire(channel, actor, now, reason):
    channel.retired_at, channel.retired_reason = now, reason
    return ["retired_at", "retired_reason", *_clear_proposal(channel)]


def _certify(channel, actor, now, reason):
    channel.last_certified_at = now
    return ["last_certified_at"]


def _nothing(channel, actor, now, reason):
    return []


APPLY = {
    Action.SUBMIT: _submit,
    Action.APPROVE: _approve,
    Action.REQUEST_CHANGES: _decide,
    Action.REJECT: _decide,
    Action.APPROVE_CHANGES: _approve_changes,
    Action.REJECT_CHANGES: _reject_changes,
    Action.RETIRE: _retire,
    # Whoever took the account over may have proposed changes: they are dropped, not applied.
    Action.FLAG_COMPROMISED: lambda channel, actor, now, reason: _clear_proposal(channel),
    Action.RESTORE: _nothing,
    Action.CERTIFY: _certify,
}
assert set(APPLY) | {Action.EDIT, Action.PROPOSE} == set(TRANSITIONS), "every transition needs its effect"


# --- Entities ---------------------------------------------------------------------------------

def entity_create(*, actor, name_en: str, name_ar: str, two_factor: bool = False) -> Entity:
    """Add an entity the register lacks (an import names one): reviewers only, as the admin is.

    Its slug comes from the English name, numbered if another entity has it already; the kind,
    domains and naming convention are left for a reviewer to fill in the admin."""
    require_reviewer(actor, two_factor=two_factor)
    name_en, name_ar = (name_en or "").strip(), (name_ar or "").strip()
    if not name_en or not name_ar:
        raise RegistryError(_("An entity needs both its Arabic and its English name."), code="invalid", field="entity")
    base = slugify(name_en)[:70] or "entity"
    taken = set(Entity.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug = next(candidate for candidate in (base, *(f"{base}-{n}" for n in range(2, len(taken) + 3)))
                if candidate not in taken)
    entity = Entity(slug=slug, name_en=name_en[:200], name_ar=name_ar[:200])
    entity._history_user = actor
    entity.full_clean(validate_constraints=False)
    entity.save()
    return entity


# --- Alerts ----------------------------------------------------------------------------------

MAX_NOTE = 2000


class AlreadyResolved(Conflict):
    code = "already_resolved"


def resolve_alert(*, user, alert_id: int, note: str, two_factor: bool = False) -> Alert:
    """Close an alert with the reviewer's note on what they found and did.

    Reviewers only, with a login that passed the second factor, as for their decisions on
    channels (`two_factor`: whether it did). Of two reviewers resolving one alert at once, the
    second waits for the row lock and is told it is already resolved: one note is kept.
    """
    require_reviewer(user, two_factor=two_factor)
    note = (note or "").strip()
    with transaction.atomic():
        try:
            alert = Alert.objects.select_for_update().get(pk=alert_id)
        except Alert.DoesNotExist:
            raise NotFound(_("There is no such alert.")) from None
        if alert.resolved_at is not None:
            raise AlreadyResolved(_("This alert has already been resolved, by someone else or a moment ago."))
        if not note:
            raise RegistryError(
                _("Say what you found and did: the note is kept with the alert."), code="note_required", field="note",
            )
        if len(note) > MAX_NOTE:
            raise RegistryError(
                _("The note is %(length)d characters long; the most is %(limit)d.")
                % {"length": len(note), "limit": MAX_NOTE}, code="too_long", field="note",
            )
        alert.resolved_by, alert.resolved_at, alert.resolution_note = user, timezone.now(), note
        alert.save(update_fields=["resolved_by", "resolved_at", "resolution_note"])

        schedule_scores()  # an open alert weighs on the presence report's scores
    return alert


# --- Opening alerts ----------------------------------------------------------------------------

# What an alert is about, by kind: a resolved alert about the same thing is not opened again.
# A fall in followers is an event of its day, so each one is new.
_ALERT_SUBJECT = {
    AlertKind.RENAMED: "handle_now", AlertKind.ID_CHANGED: "id_now", AlertKind.NOT_FOUND: "handle",
    AlertKind.SUSPENDED: "handle", AlertKind.REFRESH_FAILING: "since",
    # Dormant since the same last post: once resolved, not opened again until the channel posts and
    # falls silent anew.
    AlertKind.DORMANT: "last_post_at",
}


def _alert_subject(kind: str, details: dict) -> str | None:
    key = _ALERT_SUBJECT.get(kind)
    return None if key is None else str(details.get(key, ""))


def open_alerts(alerts: list[Alert]) -> None:
    """Open these alerts, once: the refresh's and the staff reports' one way in.

    An alert of a kind already open for its channel is skipped (the partial unique index
    `alert_open_once`), and so is one a reviewer already resolved about the same thing (the same
    new handle, the same other id, the same run of failures): the cause may well persist (an
    account the entity is closing); the reviewer knows.
    """
    if not alerts:
        return
    resolved = {
        (channel_id, kind, _alert_subject(kind, details))
        for channel_id, kind, details in Alert.objects.filter(
            channel_id__in={alert.channel_id for alert in alerts}, resolved_at__isnull=False,
        ).values_list("channel_id", "kind", "details")
    }
    alerts = [alert for alert in alerts
              if _alert_subject(alert.kind, alert.details) is None
              or (alert.channel_id, alert.kind, _alert_subject(alert.kind, alert.details)) not in resolved]
    if alerts:
        Alert.objects.bulk_create(alerts, ignore_conflicts=True)


def dormant_after() -> timedelta:
    return timedelta(days=settings.DORMANT_AFTER_DAYS)


def open_dormant_alerts(*, now: datetime | None = None, channel_ids: Sequence[int] | None = None) -> int:
    """Open a `dormant` alert for every official (approved) channel, of all or of `channel_ids`, whose
    last post is older than DORMANT_AFTER_DAYS; returns how many it opened.

    Run daily (accounts.tasks.alerts) and after each refresh batch. A channel whose last post nobody
    knows (its platform does not say and its staff have not reported one) never opens it; one already
    open is not opened twice, and one a reviewer resolved is not opened again for the same last post.
    """
    now = now or timezone.now()
    channels = Channel.private_objects.filter(status=Status.APPROVED, last_post_at__lt=now - dormant_after())
    if channel_ids is not None:
        channels = channels.filter(pk__in=channel_ids)
    channels = channels.exclude(alerts__kind=AlertKind.DORMANT, alerts__resolved_at__isnull=True)
    alerts = [
        Alert(channel_id=channel_id, kind=AlertKind.DORMANT, details={
            "last_post_at": last_post_at.isoformat(), "days": (now - last_post_at).days, "source": source,
        })
        for channel_id, last_post_at, source in channels.values_list("pk", "last_post_at", "last_post_source")
    ]
    before = Alert.objects.filter(kind=AlertKind.DORMANT, resolved_at__isnull=True).count() if alerts else 0
    open_alerts(alerts)
    opened = Alert.objects.filter(kind=AlertKind.DORMANT, resolved_at__isnull=True).count() - before if alerts else 0
    if opened:
        schedule_scores()  # an open alert weighs on the presence report's scores
    return opened


# A fall of more than this share since the previous count opens a follower-drop alert; a staff
# report that changes the count by more than it, either way, is recorded only once confirmed.
FOLLOWER_DROP_SHARE = Fraction(1, 5)


def follower_drop_alert(channel: Channel, *, previous: int | None, now: int) -> Alert | None:
    """The follower-drop alert a fall from `previous` to `now` opens, or None if it is no fall
    worth a reviewer's look (or there was no previous count)."""
    if not previous or now >= previous * (1 - FOLLOWER_DROP_SHARE):
        return None
    return Alert(channel=channel, kind=AlertKind.FOLLOWER_DROP, details={
        "previous": previous, "now": now, "share": round((previous - now) / previous, 3),
    })


def is_large_follower_change(*, previous: int | None, now: int) -> bool:
    """Whether going from `previous` to `now` is a change staff confirm before it is recorded:
    the fall that opens an alert, or a rise of the same share."""
    return bool(previous) and (now < previous * (1 - FOLLOWER_DROP_SHARE)
                               or now > previous * (1 + FOLLOWER_DROP_SHARE))


# --- Follower counts reported by staff -------------------------------------------------------

# Far above any account's audience: a count this high is a typing slip, not a report.
MAX_REPORTED_FOLLOWERS = 1_000_000_000
REPORT_DAYS_BACK = 31


def is_measured_platform(platform: str) -> bool:
    """Whether the registry reads this platform's counts itself: it has a follower adapter, and
    the adapter's credentials are set. Until they are (Meta's app review takes months), staff
    report the counts, as for platforms with no API at all.
    """

    adapter_class = platforms.ADAPTERS.get(platforms.Platform(platform))
    return adapter_class is not None and adapter_class().configured()


def check_report_allowed(user, channel: Channel, *, two_factor: bool) -> None:
    """Raise unless `user` may report follower counts for `channel` now: the one check the
    service makes and the staff page asks before it offers the form."""
    require_editor(user, channel.entity_id, two_factor=two_factor)
    if channel.status not in WATCHED_STATUSES:
        raise Conflict(
            _("Counts are reported only for official channels (approved, or flagged as compromised); "
              "this one is “%(status)s”.")
            % {"status": channel.get_status_display()},
            code="channel_not_official",
        )
    if is_measured_platform(channel.platform):
        raise Conflict(
            _("The registry reads %(platform)s follower counts itself; they are not reported by hand.")
            % {"platform": channel.get_platform_display()},
            code="measured_platform",
        )


def _check_report(followers: int, on: date) -> None:
    if isinstance(followers, bool) or not isinstance(followers, int):
        raise RegistryError(_("Give the number of followers as a whole number."), code="invalid_followers",
                            field="followers")
    if not 0 <= followers <= MAX_REPORTED_FOLLOWERS:
        raise RegistryError(
            _("The number of followers must be between 0 and %(limit)s.")
            % {"limit": number_format(MAX_REPORTED_FOLLOWERS, force_grouping=True)},
            code="invalid_followers", field="followers",
        )
    today = timezone.localdate()
    if not isinstance(on, date) or isinstance(on, datetime):
        raise RegistryError(_("Give the day the count was read."), code="invalid_date", field="on")
    if on > today:
        raise RegistryError(_("The day cannot be in the future."), code="date_in_future", field="on")
    if on < today - timedelta(days=REPORT_DAYS_BACK):
        raise RegistryError(
            _("Counts can be reported for the last %(days)d days only.") % {"days": REPORT_DAYS_BACK},
            code="date_too_old", field="on",
        )


class LargeFollowerChange(Conflict):
    """A reported count more than FOLLOWER_DROP_SHARE away, either way, from the previous one, and
    not confirmed: 2,261 typed for 225,000 is recorded only when the person says it is right.
    The message says the change in a sentence; `previous` (the snapshot), `followers` and `on`
    are there for the form that asks."""

    code = "confirm_change"

    def __init__(self, *, previous: FollowerSnapshot, followers: int, on: date):
        self.previous, self.followers, self.on = previous, followers, on
        share = round(abs(followers - previous.followers) * 100 / previous.followers)
        names = {
            "previous": number_format(previous.followers, force_grouping=True),
            "date": date_format(previous.date, "DATE_FORMAT"),
            "followers": number_format(followers, force_grouping=True),
            "share": isolate(f"{number_format(share, force_grouping=True)}%", ltr=True),
        }
        if followers < previous.followers:
            # Translators: the previous count, its day, the count typed, and the share lost, e.g.
            # "From 225,000 on 12 March 2026 to 2,261: 99% fewer."
            message = _("From %(previous)s on %(date)s to %(followers)s: %(share)s fewer.") % names
        else:
            # Translators: the previous count, its day, the count typed, and the share gained, e.g.
            # "From 2,261 on 12 March 2026 to 225,000: 9,851% more."
            message = _("From %(previous)s on %(date)s to %(followers)s: %(share)s more.") % names
        super().__init__(message)


def report_followers(*, user, channel_id: int, followers: int, on: date, confirmed: bool = False,
                     two_factor: bool = False) -> FollowerSnapshot:
    """Record the follower count staff read on a platform the registry cannot read itself.

    Upserts the day's one snapshot (source `reported`). The channel's latest count changes only
    when `on` is its newest snapshot's day: a correction to an older day is history, not news.
    A change of more than FOLLOWER_DROP_SHARE from the previous count raises LargeFollowerChange
    unless `confirmed`; a confirmed fall opens the follower-drop alert, as the refresh would.
    """
    with transaction.atomic():
        channel = _locked(channel_id)
        check_report_allowed(user, channel, two_factor=two_factor)
        _check_report(followers, on)
        previous = count_before(channel, on)
        previous_count = previous.followers if previous else None
        if not confirmed and is_large_follower_change(previous=previous_count, now=followers):
            raise LargeFollowerChange(previous=previous, followers=followers, on=on)
        snapshot, _created = FollowerSnapshot.objects.update_or_create(
            channel=channel, date=on, defaults={"followers": followers, "source": FollowerSnapshot.Source.REPORTED},
        )
        if not FollowerSnapshot.objects.filter(channel=channel, date__gt=on).exists():
            # Counted some time that day: for a day gone by, as it stood at its end.
            end_of_day = timezone.make_aware(datetime.combine(on, time.max))
            # Like the refresh's writes: outside the field history and the version (REFRESHED_FIELDS).
            Channel.private_objects.filter(pk=channel.pk).update(
                followers=followers, followers_at=min(timezone.now(), end_of_day),
                refresh_status=RefreshStatus.REPORTED, refresh_error="",
            )
        drop = follower_drop_alert(channel, previous=previous_count, now=followers)
        if drop is not None:
            open_alerts([drop])
            schedule_scores()  # an open alert weighs on the presence report's scores
    return snapshot




# --- Last posts reported by staff ------------------------------------------------------------

def is_last_post_measured(platform: str) -> bool:
    """Whether the registry reads when this platform's accounts last posted (X, Mastodon), with its
    credentials set: then staff do not report it."""
    adapter_class = platforms.ADAPTERS.get(platforms.Platform(platform))
    return adapter_class is not None and adapter_class.tells_last_post and adapter_class().configured()


def check_last_post_report_allowed(user, channel: Channel, *, two_factor: bool) -> None:
    """Raise unless `user` may report `channel`'s last post now: the service's check, asked by the
    staff page before it offers the form."""
    require_editor(user, channel.entity_id, two_factor=two_factor)
    if channel.status not in WATCHED_STATUSES:
        raise Conflict(
            _("A last post is reported only for official channels (approved, or flagged as compromised); "
              "this one is “%(status)s”.")
            % {"status": channel.get_status_display()},
            code="channel_not_official",
        )
    if is_last_post_measured(channel.platform):
        raise Conflict(
            _("The registry reads when %(platform)s accounts last posted; it is not reported by hand.")
            % {"platform": channel.get_platform_display()},
            code="measured_platform",
        )


def report_last_post(*, user, channel_id: int, on: date, two_factor: bool = False) -> Channel:
    """Record the day of the channel's latest post, as its entity's staff read it on a platform that
    does not say it: shown as reported, and counted for the dormant alert like a measured one."""
    with transaction.atomic():
        channel = _locked(channel_id)
        check_last_post_report_allowed(user, channel, two_factor=two_factor)
        if not isinstance(on, date) or isinstance(on, datetime):
            raise RegistryError(_("Give the day of the latest post."), code="invalid_date", field="on")
        if on > timezone.localdate():
            raise RegistryError(_("The day cannot be in the future."), code="date_in_future", field="on")
        # The start of that day where the register keeps time: the day as staff read it on the page.
        last_post_at = timezone.make_aware(datetime.combine(on, time.min))
        # Like the refresh's writes: outside the field history and the version (REFRESHED_FIELDS).
        Channel.private_objects.filter(pk=channel.pk).update(
            last_post_at=last_post_at, last_post_source=SnapshotSource.REPORTED,
        )
        channel.last_post_at, channel.last_post_source = last_post_at, SnapshotSource.REPORTED
        open_dormant_alerts(channel_ids=[channel.pk])
        schedule_scores()  # being active is one of the guide's checks
    return channel
