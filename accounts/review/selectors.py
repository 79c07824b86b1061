"""Reads for the review area: the queue, the decision page's warnings and buttons,
and the annual review (shared with its task).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Channel, Status
from accounts.workflow import TRANSITIONS, Transition, Who, check_allowed
from entities.models import Membership
from registry.errors import RegistryError

ANNUAL_REVIEW_MONTHS = 12


# --- Review area ---------------------------------------------------------------------------

def review_queue() -> QuerySet[Channel]:
    """What waits for a reviewer: submissions and proposals to approved channels, oldest first.

    Each row carries `waiting_since` (when it was submitted or proposed) and `is_proposal`.
    """
    waiting = Q(status=Status.SUBMITTED) | (Q(status=Status.APPROVED) & ~Q(proposed_changes={}))
    return (
        Channel.private_objects.filter(waiting)
        .with_owner()
        .select_related("submitted_by", "proposed_by")
        .annotate(
            is_proposal=Case(When(status=Status.APPROVED, then=Value(True)), default=Value(False)),
            waiting_since=Case(
                When(status=Status.APPROVED, then=F("proposed_at")),
                default=Coalesce(F("submitted_at"), F("updated_at")),
            ),
        )
        .order_by("waiting_since", "id")
    )


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

def annual_review_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - relativedelta(months=ANNUAL_REVIEW_MONTHS)


def overdue_for_review(now: datetime | None = None) -> QuerySet[Channel]:
    """Approved channels nobody has certified for 12 months (counting from approval if never
    certified), the longest overdue first; `certified_on` is the date that counts."""
    return (
        Channel.private_objects.filter(status=Status.APPROVED)
        .annotate(certified_on=Coalesce("last_certified_at", "approved_at"))
        .filter(certified_on__lt=annual_review_cutoff(now))
        .with_owner()
        .order_by("certified_on", "id")
    )


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
