"""Follower refresh: ask each platform's adapter about a batch of channels and record what it says.

`refresh_batch` is the one place a refresh writes, whether a Celery task or the
`refresh_followers` command calls it. For each channel it:

- stores today's count (followers, and posts where the platform counts them) as the day's one
  `FollowerSnapshot` (a re-run the same day updates it);
- updates the channel's latest count, refresh status and what the platform says about it (its
  posts, and when it last posted where the platform says);
- opens alerts (once; a reviewer resolves them): account not found or suspended, the permanent
  id behind the handle changed, the handle renamed, followers fell by more than
  `FOLLOWER_DROP_SHARE` since the previous count (the rule staff reports share,
  `accounts.services.follower_drop_alert`), refreshing failing for `FAILING_DAYS` days, no post
  for DORMANT_AFTER_DAYS (`accounts.services.open_dormant_alerts`, also run daily).

A failure never writes a zero nor erases the last good count. A channel whose handle now
belongs to another account (a different permanent id) keeps its old count: the new account's
followers are not the government's.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import (
    REFRESHED_FIELDS,
    WATCHED_STATUSES,
    Alert,
    AlertKind,
    Channel,
    FollowerSnapshot,
    RefreshStatus,
    SnapshotSource,
)
from accounts.monitoring.limiter import limiter_for
from accounts.platforms import ADAPTERS, LINK_RULES, Platform, adapter_for
from accounts.platforms.api import Adapter, Answer, Failure, FailureKind, Profile, web_link
from accounts.platforms.links import AccountLinkError
from accounts.services import follower_drop_alert, open_alerts, open_dormant_alerts
from accounts.tasks.report import schedule_scores

FAILING_DAYS = 3


@dataclass
class Outcome:
    """What one batch did, for the command's summary and the tasks' retries."""

    refreshed: int = 0
    unchanged: int = 0
    failed: Counter = field(default_factory=Counter)  # by FailureKind
    not_configured: int = 0
    reported: int = 0  # on platforms without an API: counted by staff, nothing to ask
    retry: dict[int, Failure] = field(default_factory=dict)  # channel id → the retryable failure

    def add(self, other: Outcome) -> None:
        self.refreshed += other.refreshed
        self.unchanged += other.unchanged
        self.failed.update(other.failed)
        self.not_configured += other.not_configured
        self.reported += other.reported
        self.retry.update(other.retry)

    @property
    def retry_at(self) -> datetime | None:
        times = [failure.retry_at for failure in self.retry.values() if failure.retry_at]
        return max(times) if times else None


def channels_to_refresh(*, platform: str = "", entity: str = "", channel: int | None = None,
                        due_only: bool = False) -> QuerySet[Channel]:
    """The channels a refresh reads, optionally narrowed; in a stable order, so batches are too.
    `due_only` leaves out those already refreshed today (a second run the same day retries the rest)."""
    channels = Channel.private_objects.filter(status__in=WATCHED_STATUSES)
    if due_only:
        start_of_day = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
        channels = channels.exclude(refresh_status=RefreshStatus.OK, followers_at__gte=start_of_day)
    if platform:
        channels = channels.filter(platform=platform)
    if entity:
        channels = channels.filter(entity__slug=entity)
    if channel is not None:
        channels = channels.filter(pk=channel)
    return channels.order_by("platform", "pk")


def shared_adapter(platform: str, *, max_wait: float = 30.0) -> Adapter | None:
    """The platform's adapter, counting its calls in the budget all workers share."""

    adapter_class = ADAPTERS.get(Platform(platform))
    if adapter_class is None:
        return None
    return adapter_for(platform, limiter=limiter_for(adapter_class), max_wait=max_wait)


def refresh_batch(channel_ids: Sequence[int], adapter: Adapter | None = None, *,
                  platform: str = "", defer_retryable: bool = False, today: date | None = None) -> Outcome:
    """Refresh these channels (all on one platform) through the platform's adapter.

    With `defer_retryable`, channels refused for a reason that will pass (rate limit, quota,
    timeout, outage) are left untouched and returned in `Outcome.retry` for a later attempt;
    otherwise the failure is recorded now.
    """
    channels = list(Channel.private_objects.filter(pk__in=channel_ids, status__in=WATCHED_STATUSES)
                    .order_by("pk"))
    outcome = Outcome()
    if not channels:
        return outcome
    platform = platform or channels[0].platform
    own_adapter = adapter is None
    adapter = adapter or shared_adapter(platform)
    if adapter is None:
        # No API for this platform: its counts are reported by staff, and that is no failure.
        Channel.private_objects.filter(pk__in=[c.pk for c in channels]).update(refresh_status=RefreshStatus.REPORTED)
        outcome.reported = len(channels)
        return outcome
    try:
        answers = adapter.fetch(channels)
    finally:
        if own_adapter:
            adapter.close()
    now_answered = {}
    for channel in channels:
        answer = answers[channel.pk]
        if isinstance(answer, Failure) and answer.retryable and defer_retryable:
            outcome.retry[channel.pk] = answer
        else:
            now_answered[channel.pk] = answer
    record_answers(now_answered, today=today or timezone.localdate(), outcome=outcome)
    if now_answered:

        schedule_scores()  # counts, badges, links and alerts all weigh in the presence report
    return outcome


@transaction.atomic
def record_answers(answers: dict[int, Answer], *, today: date, outcome: Outcome) -> None:
    """Record a batch's answers in one transaction and a handful of queries, whatever its size:
    the channels locked, their previous counts read, then snapshots, alerts and channels written
    in bulk."""
    channels = list(Channel.private_objects.select_for_update().filter(pk__in=list(answers)).order_by("pk"))
    previous = dict(
        FollowerSnapshot.objects.filter(channel__in=channels, date__lt=today)
        .order_by("channel_id", "-date").distinct("channel_id").values_list("channel_id", "followers")
    )
    batch = _Batch(today=today, now=timezone.now(), outcome=outcome, previous=previous)
    for channel in channels:
        batch.add(channel, answers[channel.pk])
    batch.write()


@dataclass
class _Batch:
    today: date
    now: datetime
    outcome: Outcome
    previous: dict[int, int]  # channel id → its last count before today
    snapshots: list[FollowerSnapshot] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)

    def add(self, channel: Channel, answer: Answer) -> None:
        self.channels.append(channel)
        channel.refreshed_at = self.now
        if isinstance(answer, Profile) and channel.platform_id and answer.platform_id \
                and answer.platform_id != channel.platform_id:
            self.alert(channel, AlertKind.ID_CHANGED, {
                "handle": channel.handle, "registered_id": channel.platform_id, "id_now": answer.platform_id,
            })
            failure = Failure(FailureKind.NOT_FOUND, "the handle now belongs to another account (a different id)")
            self.failure(channel, failure, alert=False)
        elif isinstance(answer, Profile):
            self.profile(channel, answer)
        else:
            self.failure(channel, answer)

    def alert(self, channel: Channel, kind: str, details: dict) -> None:
        self.alerts.append(Alert(channel=channel, kind=kind, details=details))

    def profile(self, channel: Channel, profile: Profile) -> None:
        drop = follower_drop_alert(channel, previous=self.previous.get(channel.pk), now=profile.followers)
        if drop is not None:
            self.alerts.append(drop)
        if profile.handle and _handle_key(channel, profile.handle) != channel.handle_key:
            self.alert(channel, AlertKind.RENAMED, {"registered_handle": channel.handle, "handle_now": profile.handle})
        self.snapshots.append(FollowerSnapshot(channel=channel, date=self.today, followers=profile.followers,
                                               posts=profile.posts, source=FollowerSnapshot.Source.API))
        if channel.followers == profile.followers:
            self.outcome.unchanged += 1
        else:
            self.outcome.refreshed += 1
        channel.followers, channel.followers_at = profile.followers, self.now
        channel.refresh_status, channel.refresh_error, channel.refresh_failing_since = RefreshStatus.OK, "", None
        channel.platform_id = channel.platform_id or profile.platform_id[:100]
        channel.platform_verified = profile.verified
        channel.platform_name = profile.display_name[:200]
        channel.profile_link = web_link(profile.profile_url)
        # What the platform does not say now is not erased: unknown today is not "none".
        if profile.posts is not None:
            channel.posts = profile.posts
        if profile.last_post_at is not None:
            channel.last_post_at, channel.last_post_source = profile.last_post_at, SnapshotSource.API

    def failure(self, channel: Channel, failure: Failure, *, alert: bool = True) -> None:
        if failure.kind == FailureKind.NOT_CONFIGURED:
            self.outcome.not_configured += 1
            if channel.refresh_status == RefreshStatus.REPORTED:
                return  # staff report this one's counts while the platform is not configured
            # The reason stays readable: no credentials, or a Mastodon server not on the allowed list.
            channel.refresh_status, channel.refresh_error = RefreshStatus.NOT_CONFIGURED, failure.detail[:500]
            return
        self.outcome.failed[failure.kind] += 1
        if alert and failure.kind in (FailureKind.NOT_FOUND, FailureKind.SUSPENDED):
            kind = AlertKind.SUSPENDED if failure.kind == FailureKind.SUSPENDED else AlertKind.NOT_FOUND
            self.alert(channel, kind, {"handle": channel.handle, "detail": failure.detail})
        failing_since = channel.refresh_failing_since or self.now
        if self.now - failing_since >= timedelta(days=FAILING_DAYS):
            self.alert(channel, AlertKind.REFRESH_FAILING, {
                "since": failing_since.isoformat(), "last_error": failure.kind.value, "detail": failure.detail,
            })
        channel.refresh_status, channel.refresh_failing_since = RefreshStatus.FAILED, failing_since
        channel.refresh_error = f"{failure.kind.value}: {failure.detail}"[:500]

    def write(self) -> None:
        if self.snapshots:
            FollowerSnapshot.objects.bulk_create(
                self.snapshots, update_conflicts=True, unique_fields=["channel", "date"],
                update_fields=["followers", "posts", "source", "recorded_at"],
            )
        open_alerts(self.alerts)  # once, not daily, nor again once resolved about the same thing
        if self.channels:
            _update_refreshed(self.channels)
            # A last post learnt today may already be long ago; the daily check finds the others.
            open_dormant_alerts(now=self.now, channel_ids=[channel.pk for channel in self.channels])


# The SQL types of the refreshed columns, for the VALUES list below.
_SQL_TYPES = {"BigIntegerField": "bigint", "DateTimeField": "timestamptz", "BooleanField": "boolean"}


def _update_refreshed(channels: list[Channel]) -> None:
    """Write the refreshed fields of many channels in one UPDATE ... FROM (VALUES ...).

    Django's bulk_update builds one CASE per field and row, which cost four fifths of a
    refresh's time at 100 channels a batch (bench/refresh.py); this is the same write, flat.
    """
    fields = [Channel._meta.get_field(name) for name in [*REFRESHED_FIELDS, "platform_id"]]
    casts = ["bigint", *(_SQL_TYPES.get(f.get_internal_type(), "text") for f in fields)]
    row = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    columns = ", ".join(["id", *(connection.ops.quote_name(f.column) for f in fields)])
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = v.{connection.ops.quote_name(f.column)}"
                            for f in fields)
    params: list = []
    for channel in channels:
        params.append(channel.pk)
        params += [getattr(channel, f.attname) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {connection.ops.quote_name(Channel._meta.db_table)} AS c SET {assignments} "  # noqa: S608
            f"FROM (VALUES {', '.join([row] * len(channels))}) AS v({columns}) WHERE c.id = v.id",
            params,
        )


def _handle_key(channel: Channel, handle: str) -> str:

    try:
        return LINK_RULES[Platform(channel.platform)].parse_handle(handle).handle_key
    except (AccountLinkError, ValueError):
        return handle.lower()


# Channels per refresh task: a whole number of the platform's API batches, and at least this many,
# so a platform answering one account a call (Instagram, Telegram) still writes 100 at a time
# instead of paying a transaction and a task per channel.
TASK_CHANNELS = 100


def batches(channels: Iterable[Channel]) -> list[tuple[str, list[int]]]:
    """The channels cut into (platform, ids) task batches: whole API batches of the platform's
    size, about TASK_CHANNELS channels each."""

    by_platform: dict[str, list[int]] = {}
    for channel in channels:
        by_platform.setdefault(channel.platform, []).append(channel.pk)
    cut = []
    for platform, ids in by_platform.items():
        adapter_class = ADAPTERS.get(Platform(platform))
        per_call = adapter_class.batch_size if adapter_class else TASK_CHANNELS
        size = max(1, TASK_CHANNELS // per_call) * per_call
        cut += [(platform, ids[start:start + size]) for start in range(0, len(ids), size)]
    return cut
