"""The presence report's figures: every owner's and channel's score against the guide
(accounts/report/standards.py), follower growth, and the monthly record that gives the trend.

Everything is computed from the register in a few queries for the whole government (some 200
channels), so pages, the API and the exports always show the current state; `record_scores`
keeps the month's latest computation for the trend.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import (
    CURRENT_SCORE_FORMULA,
    WATCHED_STATUSES,
    Alert,
    Channel,
    FollowerSnapshot,
    ScoreRecord,
    Status,
)
from accounts.report.standards import ACTIVE_WITHIN_DAYS, CHANNEL_RULES, NEW, OWNER_RULES, Facts, Rule
from accounts.selectors import posts_over
from entities.models import Entity, Official
from registry.languages import in_page_language

GROWTH_DAYS = (30, 90, 365)


SCORES_LOCK = 0x5C0_2E5  # the advisory lock `record_scores` holds (any number unique to it)


@dataclass
class Owner:
    """An entity, or an official, as the report ranks them."""

    kind_of_owner: str  # "entity" or "official"
    record: Entity | Official

    @property
    def slug(self) -> str:
        return self.record.slug

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def entity(self) -> Entity:
        return self.record if self.kind_of_owner == "entity" else self.record.entity

    @property
    def key(self) -> str:
        return f"{self.kind_of_owner}:{self.slug}"


@dataclass
class ChannelScore:
    channel: Channel
    score: int
    failing: list[Rule]
    not_applicable: list[Rule]
    new: list[Rule] = field(default_factory=list)  # not yet expected of a newly approved channel
    owner_channels: int = 1  # how many channels its owner's score is the mean of

    @property
    def findings(self) -> list[tuple[Rule, object, float]]:
        """Each failed check with the advice for this channel (which may depend on its platform) and
        what it costs the owner: its weight shared among the owner's channels."""
        return [(rule, rule.channel_advice(self.channel), rule.weight / self.owner_channels) for rule in self.failing]


@dataclass
class OwnerScore:
    owner: Owner
    score: int | None  # None: not rated, it has no channel to be scored on
    failing: list[Rule]  # the owner's own checks it fails
    not_applicable: list[Rule]
    channels: list[ChannelScore] = field(default_factory=list)

    @property
    def rated(self) -> bool:
        return self.score is not None

    @property
    def followers(self) -> int:
        return sum(item.channel.followers or 0 for item in self.channels if item.channel.status == Status.APPROVED)

    @property
    def channel_count(self) -> int:
        return sum(item.channel.status == Status.APPROVED for item in self.channels)

    @property
    def lost(self) -> list[tuple[Rule, Channel | None]]:
        """Every failed check that costs this owner points, with the channel that failed it."""
        return [(rule, None) for rule in self.failing] + [
            (rule, item.channel) for item in self.channels for rule in item.failing
        ]

    def cost(self, rule: Rule, channel: Channel | None) -> float:
        """What a failed check costs this owner: its own check, the weight; a channel's, the weight
        shared among its channels (the owner's score is their mean)."""
        if channel is None:
            return float(rule.weight)
        return rule.weight / len(self.channels)

    @property
    def costs(self) -> list[tuple[Rule, Channel | None, float]]:
        return [(rule, channel, self.cost(rule, channel)) for rule, channel in self.lost]


def score(weights_failed: list[int]) -> int:
    return max(0, 100 - sum(weights_failed))


def owner_score(channel_scores: list[int], own_weights_failed: list[int]) -> int:
    """The owner's score (ScoreFormula.MEAN): the mean of its channels' scores, less the weights of
    its own failed checks, never below 0; rounded to a whole point. A ministry of 14 channels and an
    authority of one that fail the same check on every channel score the same: size alone neither
    helps nor hurts."""
    mean = sum(channel_scores) / len(channel_scores)
    return max(0, round(mean - sum(own_weights_failed)))


def _evaluate(rules: list[Rule], *args) -> tuple[list[Rule], list[Rule], list[Rule]]:
    failing, not_applicable, new = [], [], []
    for rule in rules:
        result = rule.check(*args)
        if result is None:
            not_applicable.append(rule)
        elif result == NEW:
            new.append(rule)
        elif not result:
            failing.append(rule)
    return failing, not_applicable, new


def assess(today: date | None = None) -> list[OwnerScore]:
    """Every active owner's score and its channels', ranked best first (ties by name); the owners
    not rated (no channel) after them, by name."""
    today = today or timezone.localdate()
    facts = Facts(
        today=today,
        channels_with_open_alerts=frozenset(
            Alert.objects.filter(resolved_at__isnull=True).values_list("channel_id", flat=True)
        ),
        now=moment_of(today),
    )
    # Each channel's posts over the last 30 days (None: unknown) with the list, in the same query:
    # the check "active" and the report's activity figures read them from there.
    channels = list(
        Channel.private_objects.filter(status__in=WATCHED_STATUSES).select_related("entity", "official")
        .annotate(posts_30d=posts_over(ACTIVE_WITHIN_DAYS, today=today))
        .order_by("platform", "handle_key", "pk")
    )
    owners = [Owner("entity", entity) for entity in Entity.objects.filter(is_active=True)] + [
        Owner("official", official)
        for official in Official.objects.filter(is_active=True, entity__is_active=True).select_related("entity")
    ]
    by_owner: dict[str, list[Channel]] = {}
    for channel in channels:
        key = f"official:{channel.official.slug}" if channel.official_id else f"entity:{channel.entity.slug}"
        by_owner.setdefault(key, []).append(channel)
    results = []
    for owner in owners:
        own = by_owner.get(owner.key, [])
        if not own:
            # Nothing to score it on: 100 would say it does everything right, 0 that it does
            # everything wrong. Not rated, and not ranked (the report says why).
            results.append(OwnerScore(owner, None, [], [], []))
            continue
        scored = []
        for channel in own:
            failing, not_applicable, new = _evaluate(CHANNEL_RULES, channel, owner, facts)
            scored.append(ChannelScore(channel, score([r.weight for r in failing]), failing, not_applicable, new,
                                       owner_channels=len(own)))
        failing, not_applicable, _new = _evaluate(OWNER_RULES, owner, own, facts)
        value = owner_score([item.score for item in scored], [r.weight for r in failing])
        results.append(OwnerScore(owner, value, failing, not_applicable, scored))
    name = in_page_language("name_ar", "name_en")
    results.sort(key=lambda item: (not item.rated, -(item.score or 0), getattr(item.owner.record, name)))
    return results


def moment_of(today: date) -> datetime:
    """Now, for today's report; the end of the day for another day's (a month's record redone)."""
    if today == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(today, time.max))


# --- Growth ---------------------------------------------------------------------------------------

def followers_on(day: date, channel_ids: list[int] | None = None) -> dict[int, int]:
    """Each channel's count as it stood on `day` (its latest snapshot on or before it)."""
    snapshots = FollowerSnapshot.objects.filter(date__lte=day)
    if channel_ids is not None:
        snapshots = snapshots.filter(channel_id__in=channel_ids)
    return dict(
        snapshots.order_by("channel_id", "-date").distinct("channel_id").values_list("channel_id", "followers")
    )


@dataclass(frozen=True)
class Growth:
    days: int
    before: int
    now: int

    @property
    def change(self) -> int:
        return self.now - self.before

    @property
    def share(self) -> float | None:
        return None if not self.before else self.change / self.before


def growth(channels: list[Channel], today: date | None = None,
           past: dict[int, dict[int, int]] | None = None) -> list[Growth]:
    """The channels' followers now against 30, 90 and 365 days ago. A channel with no count that
    far back counts from its first one (see past_counts), so a new channel adds to growth only
    what it gained since; one never counted before adds nothing."""
    today = today or timezone.localdate()
    if past is None:
        past = past_counts([c.pk for c in channels], today)
    figures = []
    for days in GROWTH_DAYS:
        then = past[days]
        before = now = 0
        for channel in channels:
            if channel.followers is None:
                continue
            now += channel.followers
            before += then.get(channel.pk, channel.followers)
        figures.append(Growth(days, before, now))
    return figures


def past_counts(channel_ids: list[int] | None, today: date) -> dict[int, dict[int, int]]:
    """For each of GROWTH_DAYS, every channel's count that many days ago, or, for a channel first
    counted since, its first count: four queries. `None` for every channel, without sending a list
    of a million ids (those not asked about are simply never looked up)."""
    first = FollowerSnapshot.objects.all()
    if channel_ids is not None:
        first = first.filter(channel_id__in=channel_ids)
    first = dict(first.order_by("channel_id", "date").distinct("channel_id").values_list("channel_id", "followers"))
    return {days: {**first, **followers_on(today - timedelta(days=days), channel_ids)} for days in GROWTH_DAYS}


# --- The monthly record -----------------------------------------------------------------------------

@transaction.atomic
def record_scores(today: date | None = None) -> int:
    """Keep this month's scores (replacing what an earlier run this month kept); returns the rows."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    with connection.cursor() as cursor:
        # One computation at a time (two workers finishing refreshes together): the second waits,
        # then replaces the first's rows instead of colliding with them.
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCORES_LOCK])
    assessed = assess(today)
    rows = []
    for item in assessed:
        owner_fields = {"entity": item.owner.record} if item.owner.kind_of_owner == "entity" else {
            "official": item.owner.record}
        rows.append(ScoreRecord(month=month, score=item.score, followers=item.followers,
                                failing=[rule.id for rule, _channel in item.lost], formula=CURRENT_SCORE_FORMULA,
                                **owner_fields))
        for channel_item in item.channels:
            rows.append(ScoreRecord(month=month, channel=channel_item.channel, score=channel_item.score,
                                    followers=channel_item.channel.followers,
                                    failing=[rule.id for rule in channel_item.failing],
                                    formula=CURRENT_SCORE_FORMULA))
    ScoreRecord.objects.filter(month=month).delete()
    ScoreRecord.objects.bulk_create(rows)
    return len(rows)


def trend(owner: Owner, months: int = 12) -> list[ScoreRecord]:
    """An owner's monthly scores, oldest first."""
    records = ScoreRecord.objects.filter(**{owner.kind_of_owner: owner.record}).order_by("-month")[:months]
    return list(records)[::-1]
