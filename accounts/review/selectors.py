"""Reads for the review area: the queue, the decision page's warnings and buttons,
and the annual review's editors (shared with its task).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from accounts.models import ALERT_KINDS_BY_SEVERITY, Alert, AlertKind, Channel, ChannelEvent, Status
from accounts.selectors import overdue_for_review
from accounts.workflow import TRANSITIONS, Transition, Who, check_allowed
from entities.models import Entity, Membership
from registry.errors import RegistryError

# --- Review area ---------------------------------------------------------------------------

# Submitted, proposed: what waits for a reviewer's decision.
WAITING = Q(status=Status.SUBMITTED) | (Q(status=Status.APPROVED) & ~Q(proposed_changes={}))


def _changes_were_requested() -> Exists:
    """A reviewer sent the channel back once: submitted again, it is a resubmission."""
    return Exists(ChannelEvent.objects.filter(channel=OuterRef("pk"), to_status=Status.CHANGES_REQUESTED))


def review_queue() -> QuerySet[Channel]:
    """What waits for a reviewer: submissions and proposals to approved channels, oldest first.

    Each row carries `waiting_since` (when it was submitted or proposed), `is_proposal` and
    `is_resubmission` (submitted again after a reviewer asked for changes).
    """
    return (
        Channel.private_objects.filter(WAITING)
        .with_owner()
        .select_related("submitted_by", "proposed_by")
        .annotate(
            is_proposal=Case(When(status=Status.APPROVED, then=Value(True)), default=Value(False)),
            is_resubmission=Q(status=Status.SUBMITTED) & _changes_were_requested(),
            waiting_since=Case(
                When(status=Status.APPROVED, then=F("proposed_at")),
                default=Coalesce(F("submitted_at"), F("updated_at")),
            ),
        )
        .order_by("waiting_since", "id")
    )


@dataclass(frozen=True)
class QueueCounts:
    """What the queue's head says: how many of each kind wait, and the open alerts by kind."""

    new: int
    resubmitted: int
    proposals: int
    alerts: list[tuple[AlertKind, int]]  # kinds with open alerts, the most serious first

    @property
    def open_alerts(self) -> int:
        return sum(count for _kind, count in self.alerts)


def review_queue_counts() -> QueueCounts:
    """The queue's counts in two aggregate queries, however long the queue and the alert list."""
    waiting = (
        Channel.private_objects.filter(WAITING)
        .annotate(resubmission=_changes_were_requested())
        .aggregate(
            new=Count("pk", filter=Q(status=Status.SUBMITTED, resubmission=False)),
            resubmitted=Count("pk", filter=Q(status=Status.SUBMITTED, resubmission=True)),
            proposals=Count("pk", filter=Q(status=Status.APPROVED)),
        )
    )
    open_by_kind = dict(
        Alert.objects.filter(resolved_at__isnull=True).values_list("kind").annotate(count=Count("pk")).order_by()
    )
    alerts = [(kind, open_by_kind[kind]) for kind in ALERT_KINDS_BY_SEVERITY if open_by_kind.get(kind)]
    return QueueCounts(alerts=alerts, **waiting)


def earlier_registrations(channel: Channel) -> QuerySet[Channel]:
    """Registrations of the same account (platform and handle key) that ended: retired or rejected."""
    return (
        Channel.private_objects.filter(
            platform=channel.platform, handle_key=channel.handle_key, status__in=[Status.RETIRED, Status.REJECTED],
        )
        .exclude(pk=channel.pk)
        .with_owner()
        .order_by("-updated_at")
    )


@dataclass(frozen=True)
class DecisionButton:
    transition: Transition
    refusal: str = ""  # why this reviewer may not press it (four eyes), shown beside a disabled button

    @property
    def enabled(self) -> bool:
        return not self.refusal


def decision_buttons(user, channel: Channel, *, two_factor: bool) -> list[DecisionButton]:
    """The reviewers' decisions that apply to the channel in its state, each enabled or disabled
    with the sentence saying why (a reviewer who made or edited it must leave it to another)."""
    buttons = []
    for transition in TRANSITIONS.values():
        if transition.who != Who.REVIEWER:
            continue
        try:
            check_allowed(user, transition.action, channel, reason="-", two_factor=two_factor)
        except RegistryError as refused:
            if refused.code == "four_eyes":
                buttons.append(DecisionButton(transition, refusal=refused.message))
            continue
        buttons.append(DecisionButton(transition))
    return buttons


# --- Annual review -------------------------------------------------------------------------

# What "overdue" means is a core read, shared with the staff home: accounts/selectors.py's
# `overdue_for_review`.


def active_editors(entity_ids) -> dict[int, list]:
    """The active editors of each entity, in one query."""
    editors: dict[int, list] = {}
    memberships = (
        Membership.objects.filter(entity_id__in=set(entity_ids), user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    for membership in memberships:
        editors.setdefault(membership.entity_id, []).append(membership.user)
    return editors


@dataclass(frozen=True)
class OverdueEntity:
    """One entity's group on the annual review: its overdue channels on this page, how many it has
    overdue in all, and who is responsible for certifying them (its active editors, maybe none)."""

    entity: Entity
    overdue: int
    channels: list[Channel]
    editors: list


def annual_review_groups(channels) -> list[OverdueEntity]:
    """`channels` (a page of `overdue_for_review`) grouped by entity, the entity whose channel is
    the longest overdue first; two queries whatever the number of entities and editors."""
    grouped: dict[int, list[Channel]] = {}
    for channel in channels:
        grouped.setdefault(channel.entity_id, []).append(channel)
    counts = dict(
        overdue_for_review().filter(entity_id__in=grouped).order_by().values_list("entity_id").annotate(n=Count("pk"))
    )
    editors = active_editors(grouped)
    return [
        OverdueEntity(entity=rows[0].entity, overdue=counts.get(entity_id, len(rows)), channels=rows,
                      editors=editors.get(entity_id, []))
        for entity_id, rows in grouped.items()
    ]
