"""Reads for the staff area: its channel list, what a user may edit, a channel's history and events."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from accounts.lookalikes import closest_officials
from accounts.models import PUBLIC_STATUSES, Channel, ChannelEvent, Language, Status
from accounts.platforms import AccountLinkError, parse_account_link
from accounts.selectors import channels_for, language_labels, overdue_for_review, with_annual_review
from accounts.services import proposal_diff
from accounts.workflow import TRANSITIONS, Action, Transition, check_allowed, editor_entity_ids, is_reviewer
from entities.models import Entity, Official
from registry.errors import RegistryError

# Field history: what people changed, not the bookkeeping every save touches.
HISTORY_HIDDEN_FIELDS = frozenset({"updated_at", "created_at", "handle_key"})


# --- Staff area ----------------------------------------------------------------------------

LOOKALIKES_SHOWN = 3  # as verify shows


def lookalike_officials(channel: Channel, *, link: str | None = None,
                        platform: str | None = None) -> list[tuple[Channel, str]]:
    """Other entities' official accounts the channel's handle looks like, closest first as verify
    ranks them, at most three, each with how it differs: asked while the link can still change
    (a draft, changes requested). `link` (and `platform`): a link typed but not yet saved, read in
    its place; one that cannot be read warns of nothing (the service refuses it). The channel's own
    entity's accounts are not a warning: asked for as many more as it has, then left out."""
    if channel.status not in (Status.DRAFT, Status.CHANGES_REQUESTED):
        return []
    key, on = channel.handle_key, channel.platform
    if link:
        try:
            account = parse_account_link(link, platform or None)
        except AccountLinkError:
            return []
        key, on = account.handle_key, account.platform.value
    return officials_alike(key, on, entity_id=channel.entity_id, exclude_id=channel.pk)


def officials_alike(key: str, platform: str, *, entity_id: int, exclude_id: int | None = None
                    ) -> list[tuple[Channel, str]]:
    """Official accounts of entities other than `entity_id` that the handle `key` looks like, closest
    first as verify ranks them, at most three, each with how it differs, whatever the channel's state
    (the review area asks it of submissions and proposals). The entity's own accounts are not a
    warning: asked for as many more as it has, then left out."""
    own = Channel.private_objects.filter(entity_id=entity_id, platform=platform,
                                         status__in=PUBLIC_STATUSES).count()
    ranked = closest_officials(key, platform, limit=LOOKALIKES_SHOWN + own)
    others = [(other, reason) for other, reason in ranked
              if other.entity_id != entity_id and other.pk != exclude_id]
    return others[:LOOKALIKES_SHOWN]


def staff_channels(user, *, entity_id: int | None = None, status: str | None = None) -> QuerySet[Channel]:
    """The channels of the staff home page: the user's entities' (reviewers: all), newest first,
    each marked `overdue_for_review` where the annual review is due."""
    channels = with_annual_review(channels_for(user))
    if entity_id is not None:
        channels = channels.filter(entity_id=entity_id)
    if status:
        channels = channels.filter(status=status)
    return channels.order_by("-updated_at", "-id")


def overdue_of_my_entities(user) -> QuerySet[Channel]:
    """The channels the staff home offers to certify at once ("these are all still ours"): the
    ones overdue for the annual review among the entities the user is an editor of. Not every
    entity's for a reviewer, who could certify them but cannot say they are still "ours"."""
    return overdue_for_review(channels=Channel.private_objects.filter(entity_id__in=editor_entity_ids(user)))


def entities_for(user) -> QuerySet[Entity]:
    """The entities the user may register channels for (reviewers: every active one)."""
    if is_reviewer(user):
        return Entity.objects.filter(is_active=True)
    return Entity.objects.filter(pk__in=editor_entity_ids(user))


def edit_transition(user, channel: Channel, *, two_factor: bool) -> Transition:
    """The edit the user may make to the channel now (a direct edit, or a proposal on an approved
    channel); raises the refusal that speaks to the channel's state."""
    refusals = []
    for action in (Action.EDIT, Action.PROPOSE):
        try:
            return check_allowed(user, action, channel, two_factor=two_factor)
        except RegistryError as refused:
            refusals.append((action, refused))
    for action, refused in refusals:
        if channel.status in TRANSITIONS[action].sources:
            raise refused
    raise refusals[0][1]


def changes_request(channel: Channel) -> ChannelEvent | None:
    """While a channel is "changes requested": the reviewer's request that put it there (the
    latest `request_changes` event, with its reason, who and when); otherwise None."""
    if channel.status != Status.CHANGES_REQUESTED:
        return None
    return (channel.events.filter(action=Action.REQUEST_CHANGES).select_related("actor")
            .order_by("-at", "-id").first())


def officials_for(user) -> QuerySet[Official]:
    return Official.objects.filter(is_active=True, entity__in=entities_for(user)).select_related("entity")


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: Any
    new: Any


@dataclass
class HistoryEntry:
    """One saved version of a channel: who saved it, when, and what changed from the one before."""

    at: datetime
    user: Any
    kind: str  # "+" created, "~" changed, "-" deleted (simple-history's history_type)
    changes: list[FieldChange] = field(default_factory=list)


USER_FIELDS = ("submitted_by", "decided_by", "created_by", "proposed_by")


def _shown_value(name: str, value: Any, named: dict[str, dict]) -> Any:
    """A stored value as a person reads it: labels for codes, names for ids."""
    if value in (None, "", [], {}):
        return ""
    if name == "status":
        return Status(value).label if value in Status.values else value
    if name in ("official", "entity"):
        row = named[name].get(value)
        return row.name if row is not None else value
    if name in USER_FIELDS:
        row = named["user"].get(value)
        return row.email if row is not None else value
    if name == "languages":
        labels = dict(Language.choices)
        return ", ".join(str(labels.get(code, code)) for code in value)
    return value


def field_history(channel: Channel) -> list[HistoryEntry]:
    """The channel's saved versions, newest first, each with its changed fields (old → new).

    A fixed number of queries whatever the length: the versions (with who saved them), then the
    officials, entities and people named in them.
    """
    records = list(channel.history.select_related("history_user").order_by("history_date", "history_id"))
    ids: dict[str, set] = {"official": set(), "entity": set(), "user": set()}
    for record in records:
        ids["official"].add(record.official_id)
        ids["entity"].add(record.entity_id)
        ids["user"].update(getattr(record, name + "_id") for name in USER_FIELDS)
    models = {"official": Official, "entity": Entity, "user": get_user_model()}
    named = {key: models[key]._default_manager.in_bulk(values - {None}) for key, values in ids.items()}

    entries: list[HistoryEntry] = []
    previous = None
    for record in records:
        entry = HistoryEntry(at=record.history_date, user=record.history_user, kind=record.history_type)
        if previous is not None:
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            for change in delta.changes:
                if change.field in HISTORY_HIDDEN_FIELDS:
                    continue
                entry.changes.append(FieldChange(
                    label=str(Channel._meta.get_field(change.field).verbose_name),
                    old=_shown_value(change.field, change.old, named),
                    new=_shown_value(change.field, change.new, named),
                ))
        entries.append(entry)
        previous = record
    entries.reverse()
    return entries


def shown_proposal(channel: Channel) -> list[tuple[str, Any, Any]]:
    """The pending proposal as people read it: `proposal_diff`, with language codes as names."""
    def shown(value):
        return ", ".join(language_labels(value)) if isinstance(value, list) else value

    return [(label, shown(current), shown(proposed)) for label, current, proposed in proposal_diff(channel)]


def channel_events(channel: Channel) -> list[ChannelEvent]:
    """The channel's workflow log, newest first; each event carries `label` (the step, in words)
    and `change_list` (the proposed or applied changes as (field label, value))."""
    labels = {action: transition.label for action, transition in TRANSITIONS.items()}
    labels[Action.CREATE] = gettext_lazy("Registered")
    events = list(channel.events.select_related("actor", "channel_import").order_by("-at", "-id"))
    official_ids = {
        event.changes["official"] for event in events if isinstance(event.changes.get("official"), int)
    }
    officials = Official.objects.in_bulk(official_ids) if official_ids else {}
    named = {"official": officials, "entity": {}, "user": {}}
    for event in events:
        event.label = labels.get(event.action, event.action)
        event.change_list = [
            (_field_label(name), _shown_value(name, value, named)) for name, value in (event.changes or {}).items()
        ]
    return events


def _field_label(name: str) -> str:
    try:
        return str(Channel._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
