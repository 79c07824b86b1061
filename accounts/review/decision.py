"""Reads for the decision page: what it warns a reviewer of before they decide (ranked, at most
three), what a resubmission changed against the reviewer's request, and the next item of the queue.

Few warnings, and the right ones: a page that lists every ministry account looking like every other
teaches reviewers to scroll past it. So an entity's own accounts are never a warning; the handle is
checked only when it is new to the reviewer (a first submission, a resubmission or a proposal that
changes it); and a match with another entity's official account, the impersonation verify exists to
catch, stands apart from the rest.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from accounts.lookalikes import closest, officials_alike, similar_live_channels
from accounts.models import Channel, ChannelEvent, Status
from accounts.radar.selectors import standing_mark
from accounts.review.alerts import Severity
from accounts.review.selectors import earlier_registrations, review_queue
from accounts.workflow import AUTHORING, REQUIRED_FIELD_LABELS, Action

MAX_WARNINGS = 3  # as verify shows three look-alikes: more is a wall nobody reads


class WarningKind(StrEnum):
    KNOWN_IMPOSTOR = "known_impostor"  # the GCO marked this very handle as an impostor's
    LOOKALIKE = "lookalike"  # another entity's registration, not (yet) official, looks like it
    EARLIER = "earlier"  # this account was registered before and retired or rejected
    EMPTY_FIELDS = "empty_fields"  # what the public would read is missing


@dataclass(frozen=True)
class DecisionWarning:
    """One line of the ranked warnings; the template words it by `kind`."""

    kind: WarningKind
    severity: Severity
    other: Channel | None = None  # the other registration it is about, if any
    difference: str = ""  # how the handle differs from the other's (lookalikes.closest)
    mark: Any = None  # the impostor mark (KNOWN_IMPOSTOR)
    fields: tuple[str, ...] = ()  # the empty fields' labels (EMPTY_FIELDS)


@dataclass(frozen=True)
class DecisionWarnings:
    """What the reviewer should check before deciding.

    `official`: other entities' official accounts the handle looks like, closest first, each with
    how it differs; shown in a box of its own. `ranked`: the rest, the most serious first; with the
    box, never more than MAX_WARNINGS in all."""

    official: list[tuple[Channel, str]] = field(default_factory=list)
    ranked: list[DecisionWarning] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.official or self.ranked)


@dataclass(frozen=True)
class Resubmission:
    """A submission sent back by a reviewer and submitted again: what was asked and what changed."""

    request: ChannelEvent  # the latest "request changes": its comment, actor and time
    changed: list[str]  # the labels of the fields that differ from the version the reviewer saw
    handle_changed: bool


# What a resubmission summary compares: what the reviewer judges, not the bookkeeping.
COMPARED_FIELDS = ("platform", "handle", "canonical_url", "official", "display_name", "languages", "description")
# What the public reads about a channel: a decision on a channel without them is warned of.
BASIC_FIELDS = ("display_name", "languages", "description")


def resubmission(channel: Channel) -> Resubmission | None:
    """For a submission a reviewer sent back before: the reviewer's latest request and the fields
    that differ between the version they saw then (the channel's field history) and now."""
    if channel.status != Status.SUBMITTED:
        return None
    request = (channel.events.filter(action=Action.REQUEST_CHANGES).select_related("actor")
               .order_by("-at", "-id").first())
    if request is None:
        return None
    # The version saved by the request itself: the last one at or before its event.
    seen = (channel.history.filter(history_date__lte=request.at)
            .order_by("-history_date", "-history_id").first())
    if seen is None:  # no history (a channel from before it was kept): every field may have changed
        return Resubmission(request=request, changed=[], handle_changed=True)
    changed = []
    for name in COMPARED_FIELDS:
        attname = Channel._meta.get_field(name).attname
        if getattr(seen, attname) != getattr(channel, attname):
            changed.append(name)
    handle_changed = bool({"platform", "handle"} & set(changed)) or seen.handle_key != channel.handle_key
    return Resubmission(request=request, changed=[_label(name) for name in changed], handle_changed=handle_changed)


def _label(name: str) -> str:
    return str(Channel._meta.get_field(name).verbose_name)


def _under_decision(channel: Channel) -> dict[str, Any]:
    """The channel as it would be once approved: a pending proposal's values over the approved ones."""
    values = {name: getattr(channel, name) for name in ("platform", "handle", "handle_key", *BASIC_FIELDS)}
    values.update({name: value for name, value in channel.proposed_changes.items() if name in values})
    return values


def _handle_is_new(channel: Channel, summary: Resubmission | None) -> bool:
    """Whether the reviewer has a handle to judge: not when a resubmission or a proposal left it as
    it was (the reviewer judged it already, or it is official already)."""
    if channel.status == Status.APPROVED:
        proposed = channel.proposed_changes
        return ("handle_key" in proposed and proposed["handle_key"] != channel.handle_key) or (
            "platform" in proposed and proposed["platform"] != channel.platform)
    return summary is None or summary.handle_changed


def decision_warnings(channel: Channel, summary: Resubmission | None = None) -> DecisionWarnings:
    """The warnings for a submission or a proposal waiting for a decision (none for anything else).
    `summary`: the channel's `resubmission`, if already read."""
    waiting = channel.status == Status.SUBMITTED or (channel.status == Status.APPROVED and channel.has_proposal)
    if not waiting:
        return DecisionWarnings()
    if summary is None:
        summary = resubmission(channel)
    values = _under_decision(channel)
    official: list[tuple[Channel, str]] = []
    ranked: list[DecisionWarning] = []
    if _handle_is_new(channel, summary):
        platform, key = values["platform"], values["handle_key"]
        official = officials_alike(key, platform, entity_id=channel.entity_id, exclude_id=channel.pk)
        mark = standing_mark(platform, key)
        if mark is not None:
            ranked.append(DecisionWarning(WarningKind.KNOWN_IMPOSTOR, Severity.HIGH, mark=mark))
        # Other entities' registrations not yet official (under review, drafts): ranked as verify
        # ranks, the closest only; the official ones are in the box already.
        shown = {other.pk for other, _ in official}
        probe = Channel(pk=channel.pk, platform=platform, handle_key=key)
        others = [other for other in similar_live_channels(probe)
                  if other.entity_id != channel.entity_id and other.pk not in shown]
        for other, difference in closest(key, others, limit=1):
            ranked.append(DecisionWarning(WarningKind.LOOKALIKE, Severity.MEDIUM, other=other, difference=difference))
        for other in earlier_registrations(probe)[:MAX_WARNINGS]:
            ranked.append(DecisionWarning(WarningKind.EARLIER, Severity.MEDIUM, other=other))
    empty = [str(REQUIRED_FIELD_LABELS[name]) for name in BASIC_FIELDS if not values[name]]
    if empty:
        ranked.append(DecisionWarning(WarningKind.EMPTY_FIELDS, Severity.MEDIUM, fields=tuple(empty)))
    room = MAX_WARNINGS - (1 if official else 0)
    return DecisionWarnings(official=official, ranked=ranked[:room])


def unacknowledged_warnings() -> str:
    return _("Nothing was approved: this decision has open warnings. Read them, tick “I have checked these "
             "warnings” and approve again.")


def queue_position(channel_id: int) -> tuple[Any, int] | None:
    """Where the channel stands in the queue (its `waiting_since` and id), or None if it is not in it."""
    return review_queue().filter(pk=channel_id).values_list("waiting_since", "id").first()


def next_in_queue(channel_id: int, position: tuple[Any, int] | None, *, user=None) -> Channel | None:
    """The queue's next item after the channel that was at `position` (in the queue's own order),
    or, past the end, its first; None when nothing else waits. With `user`, only what they may
    decide: not what they made or edited (four eyes, as `workflow.authors` counts it)."""
    rest = review_queue().exclude(pk=channel_id)
    if user is not None:
        theirs = ChannelEvent.objects.filter(channel=OuterRef("pk"), actor=user)
        rest = rest.exclude(Q(status=Status.SUBMITTED) & Exists(theirs.filter(action__in=AUTHORING["submission"])))
        rest = rest.exclude(Q(status=Status.APPROVED) & Exists(
            theirs.filter(action__in=AUTHORING["proposal"], at__gte=OuterRef("proposed_at"))))
    if position is not None:
        since, pk = position
        later = rest.filter(Q(waiting_since__gt=since) | Q(waiting_since=since, id__gt=pk)).first()
        if later is not None:
            return later
    return rest.first()
