"""What the presence report's pages, CSV, API and monthly email show, read from accounts.report.scores.

One `overview()` assesses the whole government once and derives every figure from that (totals,
per platform, per entity kind, the ranking, each owner's card), so a page costs the same handful
of queries with 5 owners or 500. `public_summary()` is the public page's: it reads only
`Channel.public_objects` and carries no score and nothing per entity; its growth is computed in the
background (accounts/report/summary.py).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.api.export import BOM, as_text as spreadsheet_text
from accounts.models import Channel, ScoreRecord, Status
from accounts.platforms import Platform
from accounts.public.statistics import platform_totals
from accounts.report.scores import ChannelScore, Growth, OwnerScore, assess, growth, moment_of, past_counts
from accounts.report.standards import ACTIVE_WITHIN_DAYS, Rule
from accounts.report.summary import summary_edition
from accounts.selectors import RegisterTotals, posted_within, register_totals
from entities.models import EntityKind

OFFICIALS = "official"  # the per-kind table's group for officials, beside the entity kinds


TREND_MONTHS = 12


@dataclass(frozen=True)
class Change:
    """Followers now against `days` ago, as the report prints it."""

    days: int
    before: int
    now: int
    change: int
    percent: float | None  # None when there was nobody to grow from

    @classmethod
    def of(cls, figure: Growth) -> Change:
        share = figure.share
        return cls(figure.days, figure.before, figure.now, figure.change, None if share is None else share * 100)


def changes(channels: list[Channel], today: date, past: dict[int, dict[int, int]]) -> list[Change]:
    return [Change.of(figure) for figure in growth(channels, today, past)]


@dataclass
class Activity:
    """How a set of official channels post: their posts over the last 30 days (added up over the
    channels whose count tells, `counted` of them), how many are active (posted within 30 days) of
    those whose activity is known, and the dormant ones (no post for DORMANT_AFTER_DAYS)."""

    channels: int = 0
    posts_30d: int = 0
    counted: int = 0  # channels whose posts over 30 days are known
    active: int = 0
    known: int = 0  # channels whose activity is known (active or not)
    dormant: list[Channel] = field(default_factory=list)

    @property
    def active_percent(self) -> int | None:
        """The share of active channels among those whose activity is known, in whole percent."""
        return round(100 * self.active / self.known) if self.known else None

    @property
    def unknown(self) -> int:
        return self.channels - self.known


def activity(channels: list[Channel], now: datetime) -> Activity:
    """The channels' activity, from what `assess` read with them (`posts_30d`): no query."""
    figures = Activity(channels=len(channels))
    silent_since = now - timedelta(days=settings.DORMANT_AFTER_DAYS)
    for channel in channels:
        posts = getattr(channel, "posts_30d", None)
        if posts is not None:
            figures.posts_30d += posts
            figures.counted += 1
        active = posted_within(channel, ACTIVE_WITHIN_DAYS, now=now, posts=posts)
        if active is not None:
            figures.known += 1
            figures.active += int(active)
        # As the dormant alert sees it (accounts.services.open_dormant_alerts), unless a rise in its
        # post count says it posted since the last post someone reported.
        if not active and channel.last_post_at is not None and channel.last_post_at < silent_since:
            figures.dormant.append(channel)
    figures.dormant.sort(key=lambda channel: (channel.last_post_at, channel.pk))
    return figures


@dataclass
class Group:
    """A row of the per-platform or per-kind table."""

    key: str
    label: str
    channels: int
    followers: int
    growth: list[Change]
    owners: int = 0  # per kind only
    average_score: int | None = None  # channels' on a platform, owners' in a kind
    activity: Activity | None = None  # per platform only


@dataclass
class ChannelLine:
    """A channel on an owner's card: its score, what it fails and its followers' growth."""

    item: ChannelScore
    growth: list[Change]

    @property
    def channel(self) -> Channel:
        return self.item.channel

    @property
    def is_counted(self) -> bool:
        """Only official (approved) channels count towards followers; a taken-over one is scored."""
        return self.item.channel.status == Status.APPROVED


@dataclass
class RankedOwner:
    """An owner in the ranking, with what its card shows."""

    rank: int | None  # None: not rated (no channel), so not ranked
    item: OwnerScore
    growth: list[Change]
    channels: list[ChannelLine]
    trend: list[ScoreRecord] = field(default_factory=list)
    activity: Activity = field(default_factory=Activity)  # of its official channels

    @property
    def owner(self):
        return self.item.owner

    @property
    def dormant(self) -> list[tuple[RankedOwner, Channel]]:
        return [(self, channel) for channel in self.activity.dormant]

    @property
    def failing_count(self) -> int:
        return len(self.item.lost)

    @property
    def points_lost(self) -> list[tuple[Rule, Channel | None]]:
        return self.item.lost


@dataclass
class Overview:
    today: date
    owners: list[RankedOwner]
    entities: int
    officials: int
    channels: int
    followers: int
    growth: list[Change]
    platforms: list[Group]
    kinds: list[Group]
    average_score: int | None
    activity: Activity = field(default_factory=Activity)

    @property
    def dormant(self) -> list[tuple[RankedOwner, Channel]]:
        """Every dormant official channel with its owner, the longest silent first."""
        lines = [(ranked, channel) for ranked in self.owners for channel in ranked.activity.dormant]
        return sorted(lines, key=lambda line: (line[1].last_post_at, line[1].pk))

    @property
    def scores(self) -> list[int]:
        """The rated owners' scores (an owner with no channel has none)."""
        return [ranked.item.score for ranked in self.owners if ranked.item.rated]

    @property
    def rated(self) -> list[RankedOwner]:
        return [ranked for ranked in self.owners if ranked.item.rated]

    @property
    def not_rated(self) -> list[RankedOwner]:
        return [ranked for ranked in self.owners if not ranked.item.rated]

    def owner(self, kind: str, slug: str) -> RankedOwner | None:
        return next((ranked for ranked in self.owners
                     if ranked.owner.kind_of_owner == kind and ranked.owner.slug == slug), None)


def _average(scores: list[int | None]) -> int | None:
    """The rated ones' average (None, not rated, is left out rather than counted as 0 or 100)."""
    scores = [value for value in scores if value is not None]
    return round(sum(scores) / len(scores)) if scores else None


def overview(today: date | None = None, *, trends: bool = False) -> Overview:
    """The whole report as of `today`; with `trends`, each owner's monthly scores too (one query)."""
    today = today or timezone.localdate()
    now = moment_of(today)
    assessed = assess(today)
    scored = [line for item in assessed for line in item.channels]
    past = past_counts([line.channel.pk for line in scored], today)

    ranked, higher = [], 0
    for position, item in enumerate(assessed):
        previous = assessed[position - 1] if position else None
        # Equal scores share a rank (1, 2, 2, 4); owners not rated (no channel) come after, unranked.
        if previous is not None and item.rated and item.score < previous.score:
            higher = position
        lines = [ChannelLine(line, changes([line.channel], today, past)) for line in item.channels]
        counted = [line.channel for line in lines if line.is_counted]
        rank = higher + 1 if item.rated else None
        ranked.append(RankedOwner(rank, item, changes(counted, today, past), lines,
                                  activity=activity(counted, now)))
    if trends:
        _attach_trends(ranked, today)

    counted = [line.channel for line in scored if line.channel.status == Status.APPROVED]
    return Overview(
        today=today,
        owners=ranked,
        entities=sum(item.owner.kind_of_owner == "entity" for item in assessed),
        officials=sum(item.owner.kind_of_owner == "official" for item in assessed),
        channels=len(counted),
        followers=sum(channel.followers or 0 for channel in counted),
        growth=changes(counted, today, past),
        platforms=_per_platform(scored, today, past, now),
        kinds=_per_kind(ranked, today, past),
        average_score=_average([item.score for item in assessed]),
        activity=activity(counted, now),
    )


def _per_platform(scored: list[ChannelScore], today: date, past, now: datetime) -> list[Group]:
    by_platform: dict[str, list[ChannelScore]] = {}
    for line in scored:
        if line.channel.status == Status.APPROVED:
            by_platform.setdefault(line.channel.platform, []).append(line)
    groups = [
        Group(
            key=code, label=Platform(code).label, channels=len(lines),
            followers=sum(line.channel.followers or 0 for line in lines),
            growth=changes([line.channel for line in lines], today, past),
            average_score=_average([line.score for line in lines]),
            activity=activity([line.channel for line in lines], now),
        )
        for code, lines in by_platform.items()
    ]
    return sorted(groups, key=lambda group: (-group.followers, group.key))


def _per_kind(ranked: list[RankedOwner], today: date, past) -> list[Group]:
    by_kind: dict[str, list[RankedOwner]] = {}
    for item in ranked:
        key = item.owner.record.kind if item.owner.kind_of_owner == "entity" else OFFICIALS
        by_kind.setdefault(key, []).append(item)
    labels = [(kind.value, kind.label) for kind in EntityKind] + [(OFFICIALS, _("Officials"))]
    groups = []
    for key, label in labels:
        members = by_kind.get(key, [])
        if not members:
            continue
        channels = [line.channel for item in members for line in item.channels if line.is_counted]
        groups.append(Group(
            key=key, label=str(label), channels=len(channels),
            followers=sum(channel.followers or 0 for channel in channels),
            growth=changes(channels, today, past), owners=len(members),
            average_score=_average([item.item.score for item in members]),
        ))
    return groups


def _attach_trends(ranked: list[RankedOwner], today: date) -> None:
    """Each owner's monthly scores of the last TREND_MONTHS months, oldest first, in one query."""
    first = _months_before(today.replace(day=1), TREND_MONTHS - 1)
    entity_ids = [item.owner.record.pk for item in ranked if item.owner.kind_of_owner == "entity"]
    official_ids = [item.owner.record.pk for item in ranked if item.owner.kind_of_owner == "official"]
    records = ScoreRecord.objects.filter(month__gte=first).filter(
        Q(entity_id__in=entity_ids) | Q(official_id__in=official_ids)
    ).order_by("month")
    by_owner: dict[str, list[ScoreRecord]] = {}
    for record in records:
        key = f"entity:{record.entity_id}" if record.entity_id else f"official:{record.official_id}"
        by_owner.setdefault(key, []).append(record)
    for item in ranked:
        item.trend = by_owner.get(f"{item.owner.kind_of_owner}:{item.owner.record.pk}", [])


def _months_before(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def owner_card(kind: str, slug: str, today: date | None = None) -> tuple[Overview, RankedOwner] | None:
    """One owner's card and the overview it is ranked in, or None when there is no such active owner."""
    report = overview(today)
    ranked = report.owner(kind, slug)
    if ranked is None:
        return None
    _attach_trends([ranked], report.today)
    return report, ranked


# --- The CSV ---------------------------------------------------------------------------------

CSV_COLUMNS = (
    "row", "kind", "slug", "channel_id", "name_en", "name_ar", "platform", "handle", "status", "score",
    "failing", "channels", "followers", "growth_30", "growth_90", "growth_365",
)


def csv_rows(report: Overview) -> Iterator[list]:
    """One row per owner, each followed by one per channel of it; failing check ids joined by spaces
    (on an owner's row, every check it loses points for, its channels' included)."""
    yield list(CSV_COLUMNS)
    for ranked in report.owners:
        owner, record = ranked.owner, ranked.owner.record
        names = [spreadsheet_text(record.name_en), spreadsheet_text(record.name_ar)]
        yield [
            "owner", owner.kind_of_owner, owner.slug, "", *names, "", "", "",
            "" if ranked.item.score is None else ranked.item.score,
            " ".join(rule.id for rule, _channel in ranked.points_lost), ranked.item.channel_count,
            ranked.item.followers, *_growth_cells(ranked.growth),
        ]
        for line in ranked.channels:
            channel = line.channel
            yield [
                "channel", owner.kind_of_owner, owner.slug, channel.pk, *names, channel.platform,
                spreadsheet_text(channel.handle), channel.status, line.item.score,
                " ".join(rule.id for rule in line.item.failing), "",
                "" if channel.followers is None else channel.followers, *_growth_cells(line.growth),
            ]


def _growth_cells(figures: list[Change]) -> list[int]:
    return [figure.change for figure in figures]


def csv_text(report: Overview) -> str:
    """The CSV as one string, UTF-8's byte-order mark first so spreadsheet programs read the Arabic."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(csv_rows(report))
    return BOM + buffer.getvalue()


# --- The public summary --------------------------------------------------------------------------

@dataclass(frozen=True)
class Posts:
    """Posts over 30 and 365 days on a platform (or on all, key ""), from the summary's edition: each
    period's sum of the channels' own differences of counts, over the channels whose counts tell
    (`counted`); the others are left out, never guessed."""

    key: str
    label: str
    channels: int
    periods: list[tuple[int, int, int]]  # (days, posts, channels counted)

    def posts(self, days: int) -> int:
        return next(posts for period, posts, _counted in self.periods if period == days)

    def counted(self, days: int) -> int:
        return next(counted for period, _posts, counted in self.periods if period == days)

    @property
    def counted_30(self) -> int:
        return self.counted(30)

    @property
    def counted_365(self) -> int:
        return self.counted(365)

    @classmethod
    def of(cls, key: str, label: str, figures: dict) -> Posts:
        return cls(key, label, figures["channels"], [tuple(period) for period in figures["periods"]])


def _edition_posts(posts: dict | None) -> tuple[Posts | None, list[Posts]]:
    """The edition's posts in all and per platform (the most over 30 days first); none in an
    edition computed before they were counted."""
    if not posts:
        return None, []
    platforms = [Posts.of(code, Platform(code).label, figures) for code, figures in posts["platforms"].items()]
    platforms.sort(key=lambda group: (-group.posts(30), group.key))
    return Posts.of("", str(_("All platforms")), posts["all"]), platforms


@dataclass
class PublicSummary:
    totals: RegisterTotals
    growth: list[Change]
    platforms: list[Group]
    growth_computed_at: datetime  # the growth's edition (accounts/report/summary.py); the rest is current
    posts: Posts | None = None  # over 30 and 365 days, all platforms, as of the edition
    platform_posts: list[Posts] = field(default_factory=list)


def _edition_changes(triples: list[list[int]] | None) -> list[Change]:
    return [Change.of(Growth(days, before, now)) for days, before, now in triples or []]


def public_summary() -> PublicSummary:
    """The register's totals and per-platform figures, current, with their growth as of the latest
    edition: public channels only."""
    edition = summary_edition()
    growth_of = edition.growth["platforms"]
    platforms = [
        Group(key=code, label=Platform(code).label, channels=figures["channels"], followers=figures["followers"],
              growth=_edition_changes(growth_of.get(code)))  # none yet for a platform new since the edition
        for code, figures in platform_totals().items() if figures["channels"]
    ]
    posts, platform_posts = _edition_posts(edition.growth.get("posts"))
    return PublicSummary(
        posts=posts, platform_posts=platform_posts,
        totals=register_totals(),
        growth=_edition_changes(edition.growth["all"]),
        platforms=sorted(platforms, key=lambda group: (-group.followers, group.key)),
        growth_computed_at=edition.computed_at,
    )


def top_and_bottom(report: Overview, count: int = 5) -> tuple[list[RankedOwner], list[RankedOwner]]:
    """The best and the lowest `count` rated owners; the lowest listed lowest last, never overlapping.
    An owner not rated is in neither: it has no score to be best or lowest by."""
    rated = report.rated
    top = rated[:count]
    bottom = rated[max(count, len(rated) - count):]
    return top, bottom
