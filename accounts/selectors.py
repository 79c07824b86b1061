"""Reads of the register: querysets and figures for pages and the API (writes live in services)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from accounts.models import (
    PUBLIC_STATUSES,
    Channel,
    ChannelFigures,
    FollowerSnapshot,
    Language,
    PlatformFigures,
    Status,
)
from accounts.search import Normalized, search_terms
from accounts.workflow import editor_entity_ids, is_reviewer
from entities.models import Entity, Official

# Only official (approved) channels count towards an owner's channels and followers. The figures are
# read from ChannelFigures (a few rows per entity, kept by the database as channels are written), not
# counted over every channel: the same numbers, whatever the register's size.
APPROVED_FIGURES = ChannelFigures.objects.filter(status=Status.APPROVED)


@dataclass(frozen=True)
class RegisterTotals:
    channels: int  # official (approved) channels
    entities: int
    officials: int
    followers: int  # latest counts of the official channels

    @property
    def owners(self) -> int:
        return self.entities + self.officials


# Every entity's official channels per platform (a dozen PlatformFigures rows), less the inactive
# entities' (their few ChannelFigures rows, found through the entities' `is_active`).
_APPROVED_PER_PLATFORM_SQL = f"""
SELECT platform, sum(channels), sum(followers) FROM (
    SELECT platform, channels, followers FROM {PlatformFigures._meta.db_table} WHERE status = %(approved)s
    UNION ALL
    SELECT figures.platform, -figures.channels, -figures.followers
    FROM {ChannelFigures._meta.db_table} AS figures
    JOIN {Entity._meta.db_table} AS entity ON entity.id = figures.entity_id
    WHERE figures.status = %(approved)s AND NOT entity.is_active
) AS counted GROUP BY platform HAVING sum(channels) > 0
"""


def approved_platform_totals() -> dict[str, tuple[int, int]]:
    """Official (approved) channels and their followers per platform that has any, of active entities
    only (a dissolved entity's channels are no longer counted, as the entity is not): one small query
    of the figures the database keeps, whatever the register's size."""
    with connection.cursor() as cursor:
        cursor.execute(_APPROVED_PER_PLATFORM_SQL, {"approved": Status.APPROVED.value})
        return {platform: (int(channels), int(followers)) for platform, channels, followers in cursor.fetchall()}


def register_totals() -> RegisterTotals:
    """The headline figures of the public register, in three small queries."""
    per_platform = approved_platform_totals().values()
    return RegisterTotals(
        channels=sum(channels for channels, _followers in per_platform),
        entities=Entity.objects.filter(is_active=True).count(),
        officials=Official.objects.filter(is_active=True, entity__is_active=True).count(),
        followers=sum(followers for _channels, followers in per_platform),
    )


def sample_data_loaded() -> bool:
    """True while the demo register is loaded, so every page can say it shows sample data."""
    return Entity.objects.filter(is_sample=True).exists()


def channels_for(user):
    """Every channel the user may see in the staff area and the write API: a reviewer sees all,
    an editor their entities' channels, anyone else none. The public reads `public_objects`."""

    channels = Channel.private_objects.with_owner()
    if is_reviewer(user):
        return channels
    return channels.filter(entity_id__in=editor_entity_ids(user))


# --- The annual review ---------------------------------------------------------------------
# One rule, read by the review area's list, the weekly reminders and the staff home's marker.

ANNUAL_REVIEW_MONTHS = 12


def annual_review_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - relativedelta(months=ANNUAL_REVIEW_MONTHS)


def _overdue(now: datetime | None = None) -> Q:
    """Approved, and nobody has certified it for 12 months (counting from approval if never
    certified). Needs the `certified_on` annotation of `with_annual_review`."""
    return Q(status=Status.APPROVED, certified_on__lt=annual_review_cutoff(now))


def with_annual_review(channels: QuerySet[Channel], now: datetime | None = None) -> QuerySet[Channel]:
    """The channels with `certified_on` (the date that counts for the annual review) and
    `overdue_for_review` (True where the annual review is overdue), computed in the same query."""
    return channels.annotate(certified_on=Coalesce("last_certified_at", "approved_at")).annotate(
        overdue_for_review=ExpressionWrapper(_overdue(now), output_field=BooleanField()),
    )


def overdue_for_review(now: datetime | None = None, *, channels: QuerySet[Channel] | None = None) -> QuerySet[Channel]:
    """The channels (all, or those of `channels`) overdue for the annual review, the longest
    overdue first; `certified_on` is the date that counts."""
    channels = Channel.private_objects.all() if channels is None else channels
    return with_annual_review(channels, now).filter(_overdue(now)).with_owner().order_by("certified_on", "id")


def _approved_figure(owner: str, figure: str) -> Coalesce:
    """An owner's (`owner` is "entity" or "official") approved channels' `figure` added up, for an
    annotation: a lookup of its few ChannelFigures rows, 0 when it has none."""
    rows = APPROVED_FIGURES.filter(**{owner: OuterRef("pk")}).order_by().values(owner)
    return Coalesce(Subquery(rows.annotate(total=Sum(figure)).values("total")), 0, output_field=BigIntegerField())


def with_approved_channels(owners: QuerySet, owner: str) -> QuerySet:
    """Entities or officials (`owner` says which) with their official channels' count, as
    `approved_channels`."""
    return owners.annotate(approved_channels=_approved_figure(owner, "channels"))


def entities_with_figures() -> QuerySet[Entity]:
    """Active entities with their official channels' count and followers (`approved_channels`,
    `approved_followers`) and their active officials (`active_officials`), in two queries
    whatever the number of entities. The entities page and the API both list these."""
    officials = Official.objects.filter(is_active=True).order_by("name_en", "id")
    return (
        with_approved_channels(Entity.objects.filter(is_active=True), "entity")
        .select_related("parent")
        .annotate(approved_followers=_approved_figure("entity", "followers"))
        .prefetch_related(Prefetch("officials", queryset=officials, to_attr="active_officials"))
    )


def entity_channels(entity: Entity, *, per_owner: int | None = None) -> QuerySet[Channel]:
    """An entity's public channels and its officials' (approved, compromised and retired), the
    entity's own first, then each official's, in one query; with `per_owner`, only the first that
    many of the entity's own and of each official's."""
    channels = Channel.public_objects.with_owner().filter(entity=entity)
    if per_owner is not None:
        channels = channels.annotate(place=Window(RowNumber(), partition_by=[F("official_id")],
                                                  order_by=["platform", "handle_key", "id"])
                                     ).filter(place__lte=per_owner)
    return channels.order_by(F("official__name_en").asc(nulls_first=True), "official_id", "platform", "handle_key",
                             "id")


@dataclass(frozen=True)
class EntityChannelCounts:
    by_owner: dict[int | None, int]  # public channels of the entity itself (None) and of each official
    compromised: int


def entity_channel_counts(entity: Entity) -> EntityChannelCounts:
    """How many public channels (approved, compromised, retired) the entity has of its own and each of
    its officials has, and how many are flagged compromised: from the kept figures, one small query."""
    rows = (ChannelFigures.objects.filter(entity=entity, status__in=PUBLIC_STATUSES)
            .values("official_id", "status").annotate(total=Sum("channels")).order_by())
    by_owner: dict[int | None, int] = {}
    for row in rows:
        by_owner[row["official_id"]] = by_owner.get(row["official_id"], 0) + row["total"]
    return EntityChannelCounts(by_owner=by_owner, compromised=sum(
        row["total"] for row in rows if row["status"] == Status.COMPROMISED))


def follower_history(channel: Channel, *, days: int = 365, today: date | None = None) -> list[FollowerSnapshot]:
    """The channel's daily follower counts over the last `days` days, oldest first."""
    today = today or timezone.localdate()
    return list(
        FollowerSnapshot.objects.filter(channel=channel, date__gt=today - timedelta(days=days)).order_by("date")
    )


def count_before(channel: Channel, day: date | None = None) -> FollowerSnapshot | None:
    """The channel's newest daily count from before `day` (or of all, without it): the previous
    count a new one for `day` is compared with, as the refresh compares today's with the last
    before today."""
    snapshots = FollowerSnapshot.objects.filter(channel=channel)
    if day is not None:
        snapshots = snapshots.filter(date__lt=day)
    return snapshots.order_by("-date").first()


# --- Activity: posts over a period, and the last post ----------------------------------------
# Posts over the last N days are the difference of two daily post counts: the newest one (today's, or
# of the last few days when a refresh missed a day) less the one at, or just before, N days ago. An
# end older than ACTIVITY_SLACK_DAYS more than that is no measure of those N days: then, as when
# either count is unknown (a platform that does not count posts, a day not refreshed), the answer is
# unknown (None), never a guess. A count that fell (posts deleted) says nothing of how many were
# made: unknown too.

ACTIVITY_SLACK_DAYS = 7


def _posts_on_or_before(day: date) -> Subquery:
    """The channel's (OuterRef) post count of the newest snapshot at or before `day`, within the slack."""
    return Subquery(
        FollowerSnapshot.objects.filter(
            channel=OuterRef("pk"), date__lte=day, date__gt=day - timedelta(days=ACTIVITY_SLACK_DAYS),
        ).order_by("-date").values("posts")[:1],
        output_field=BigIntegerField(),
    )


def posts_over(days: int, *, today: date | None = None) -> Case:
    """An annotation: the channel's posts over the last `days` days, or None when it cannot be told."""
    today = today or timezone.localdate()
    latest, base = _posts_on_or_before(today), _posts_on_or_before(today - timedelta(days=days))
    return Case(When(GreaterThanOrEqual(latest, base), then=latest - base), default=Value(None),
                output_field=BigIntegerField())


def with_activity(channels: QuerySet[Channel], *, today: date | None = None) -> QuerySet[Channel]:
    """The channels with `posts_30d` and `posts_90d` (None when unknown), in the same query: two
    index look-ups per channel and period, on the snapshots' (channel, date) key."""
    today = today or timezone.localdate()
    return channels.annotate(posts_30d=posts_over(30, today=today), posts_90d=posts_over(90, today=today))


def posts_within(channel: Channel, days: int, *, today: date | None = None) -> int | None:
    """How many posts the channel made over the last `days` days, or None when it cannot be told."""
    return (Channel.private_objects.filter(pk=channel.pk)
            .annotate(posts_over=posts_over(days, today=today)).values_list("posts_over", flat=True).first())


# posted_within's `posts` when the caller has not read them: it reads them itself (one query).
UNREAD = object()


def posted_within(channel: Channel, days: int, *, now: datetime | None = None,
                  posts: int | None | object = UNREAD) -> bool | None:
    """Whether the channel posted in the last `days` days: True when its post count rose over them or
    its last post (as the platform says, or its staff report) is that recent; False when its last
    post is known and older, or its count is known at both ends and did not rise (YouTube, Instagram
    and Bluesky give a count but no date: a flat count tells); None when nobody can tell (the guide's
    check "active" does not apply).

    `posts`: its posts over those days when already read with the list (with_activity's posts_30d),
    so that checking a whole register costs no query a channel."""
    now = now or timezone.now()
    if posts is UNREAD:
        posts = posts_within(channel, days, today=timezone.localdate(now))
    if (posts or 0) > 0:
        return True  # a rise in the count proves a post, whatever date was reported before it
    if channel.last_post_at is not None and channel.last_post_at >= now - timedelta(days=days):
        return True  # a date reported by staff after the last count
    if posts == 0:
        return False
    return None if channel.last_post_at is None else False


def language_labels(codes) -> list[str]:
    """A channel's languages named in the page's language, for the public, staff and review pages."""
    labels = dict(Language.choices)
    return [str(labels.get(code, code)) for code in codes]


def channel_page_rows(channels: QuerySet[Channel] | None = None) -> QuerySet[Channel]:
    """Channels as their pages show them: owner and the people named on the page in one query."""
    channels = Channel.private_objects.with_owner() if channels is None else channels
    return channels.select_related("entity", "official", "submitted_by", "decided_by", "proposed_by")


def entities_named(text: str, *, limit: int = 5) -> list[Entity]:
    """Active entities whose Arabic or English name holds every word of `text` (normalised as the
    directory's search is): for a name typed into the verify box."""
    terms = search_terms(text)
    if not terms:
        return []
    entities = Entity.objects.filter(is_active=True).alias(
        name_ar_key=Normalized(F("name_ar")), name_en_key=Normalized(F("name_en")),
    )
    for term in terms:
        entities = entities.filter(Q(name_ar_key__contains=term) | Q(name_en_key__contains=term))
    return list(entities.order_by("name_en")[:limit])
