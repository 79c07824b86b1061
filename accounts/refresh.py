"""Follower refresh: ask each platform's adapter about a batch of channels and record what it says.

`refresh_batch` is the one place a refresh writes, whether a Celery task or the
`refresh_followers` command calls it. For each channel it:

- stores today's count as the day's one `FollowerSnapshot` (a re-run the same day updates it);
- updates the channel's latest count, refresh status and what the platform says about it;
- opens alerts (once; a reviewer resolves them): account not found or suspended, the permanent
  id behind the handle changed, the handle renamed, followers fell by more than
  `FOLLOWER_DROP_SHARE` since the previous count, refreshing failing for `FAILING_DAYS` days.

A failure never writes a zero nor erases the last good count. A channel whose handle now
belongs to another account (a different permanent id) keeps its old count: the new account's
followers are not the government's.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Alert, AlertKind, Channel, FollowerSnapshot, RefreshStatus, Status
from accounts.platforms import Platform, adapter_for
from accounts.platforms.api import Adapter, Answer, Failure, FailureKind, Profile

FOLLOWER_DROP_SHARE = 0.20
FAILING_DAYS = 3
# Refreshed: official channels, and compromised ones (to watch what happens to them).
REFRESHED_STATUSES = (Status.APPROVED, Status.COMPROMISED)


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
    channels = Channel.private_objects.filter(status__in=REFRESHED_STATUSES)
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
    from accounts.limiter import limiter_for
    from accounts.platforms import ADAPTERS

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
    channels = list(Channel.private_objects.filter(pk__in=channel_ids, status__in=REFRESHED_STATUSES)
                    .order_by("pk"))
    outcome = Outcome()
    if not channels:
        return outcome
    platform = platform or channels[0].platform
    adapter = adapter or shared_adapter(platform)
    if adapter is None:
        # No API for this platform: its counts are reported by staff, and that is no failure.
        Channel.private_objects.filter(pk__in=[c.pk for c in channels]).update(refresh_status=RefreshStatus.REPORTED)
        outcome.reported = len(channels)
        return outcome
    answers = adapter.fetch(channels)
    today = today or timezone.localdate()
    for channel in channels:
        answer = answers[channel.pk]
        if isinstance(answer, Failure) and answer.retryable and defer_retryable:
            outcome.retry[channel.pk] = answer
            continue
        record(channel.pk, answer, today=today, outcome=outcome)
    return outcome


@transaction.atomic
def record(channel_id: int, answer: Answer, *, today: date, outcome: Outcome | None = None) -> None:
    """Record one channel's answer: snapshot, latest figures, alerts; in one transaction."""
    outcome = outcome if outcome is not None else Outcome()
    channel = Channel.private_objects.select_for_update().get(pk=channel_id)
    now = timezone.now()
    if isinstance(answer, Profile) and channel.platform_id and answer.platform_id \
            and answer.platform_id != channel.platform_id:
        open_alert(channel, AlertKind.ID_CHANGED, {
            "handle": channel.handle, "registered_id": channel.platform_id, "id_now": answer.platform_id,
        })
        failure = Failure(FailureKind.NOT_FOUND, "the handle now belongs to another account (a different id)")
        _record_failure(channel, failure, now=now, outcome=outcome, alert=False)
    elif isinstance(answer, Profile):
        _record_profile(channel, answer, today=today, now=now, outcome=outcome)
    else:
        _record_failure(channel, answer, now=now, outcome=outcome)


def _record_profile(channel: Channel, profile: Profile, *, today: date, now: datetime, outcome: Outcome) -> None:
    previous = (
        FollowerSnapshot.objects.filter(channel=channel, date__lt=today).order_by("-date")
        .values_list("followers", flat=True).first()
    )
    if previous and profile.followers < previous * (1 - FOLLOWER_DROP_SHARE):
        open_alert(channel, AlertKind.FOLLOWER_DROP, {
            "previous": previous, "now": profile.followers,
            "share": round((previous - profile.followers) / previous, 3),
        })
    if profile.handle and _handle_key(channel, profile.handle) != channel.handle_key:
        open_alert(channel, AlertKind.RENAMED, {"registered_handle": channel.handle, "handle_now": profile.handle})
    FollowerSnapshot.objects.bulk_create(
        [FollowerSnapshot(channel=channel, date=today, followers=profile.followers,
                          source=FollowerSnapshot.Source.API)],
        update_conflicts=True, unique_fields=["channel", "date"], update_fields=["followers", "source", "recorded_at"],
    )
    if channel.followers == profile.followers:
        outcome.unchanged += 1
    else:
        outcome.refreshed += 1
    Channel.private_objects.filter(pk=channel.pk).update(
        followers=profile.followers, followers_at=now, refreshed_at=now,
        refresh_status=RefreshStatus.OK, refresh_error="", refresh_failing_since=None,
        platform_id=channel.platform_id or profile.platform_id,
        platform_verified=profile.verified, platform_name=profile.display_name[:200],
        profile_link=profile.profile_url[:500],
    )


def _record_failure(channel: Channel, failure: Failure, *, now: datetime, outcome: Outcome,
                    alert: bool = True) -> None:
    if failure.kind == FailureKind.NOT_CONFIGURED:
        outcome.not_configured += 1
        Channel.private_objects.filter(pk=channel.pk).update(
            refresh_status=RefreshStatus.NOT_CONFIGURED, refresh_error="", refreshed_at=now,
        )
        return
    outcome.failed[failure.kind] += 1
    if alert and failure.kind in (FailureKind.NOT_FOUND, FailureKind.SUSPENDED):
        kind = AlertKind.SUSPENDED if failure.kind == FailureKind.SUSPENDED else AlertKind.NOT_FOUND
        open_alert(channel, kind, {"handle": channel.handle, "detail": failure.detail})
    failing_since = channel.refresh_failing_since or now
    if now - failing_since >= timedelta(days=FAILING_DAYS):
        open_alert(channel, AlertKind.REFRESH_FAILING, {
            "since": failing_since.isoformat(), "last_error": failure.kind.value, "detail": failure.detail,
        })
    Channel.private_objects.filter(pk=channel.pk).update(
        refresh_status=RefreshStatus.FAILED, refreshed_at=now, refresh_failing_since=failing_since,
        refresh_error=f"{failure.kind.value}: {failure.detail}"[:500],
    )


def open_alert(channel: Channel, kind: str, details: dict) -> None:
    """Open an alert unless one of that kind is already open for the channel (opened once, not daily)."""
    Alert.objects.bulk_create([Alert(channel=channel, kind=kind, details=details)], ignore_conflicts=True)


def _handle_key(channel: Channel, handle: str) -> str:
    from accounts.platforms import LINK_RULES
    from accounts.platforms.links import AccountLinkError

    try:
        return LINK_RULES[Platform(channel.platform)].parse_handle(handle).handle_key
    except (AccountLinkError, ValueError):
        return handle.lower()


def batches(channels: Iterable[Channel]) -> list[tuple[str, list[int]]]:
    """The channels cut into (platform, ids) batches of each platform's batch size."""
    from accounts.platforms import ADAPTERS

    by_platform: dict[str, list[int]] = {}
    for channel in channels:
        by_platform.setdefault(channel.platform, []).append(channel.pk)
    cut = []
    for platform, ids in by_platform.items():
        adapter_class = ADAPTERS.get(Platform(platform))
        size = adapter_class.batch_size if adapter_class else 500
        cut += [(platform, ids[start:start + size]) for start in range(0, len(ids), size)]
    return cut
