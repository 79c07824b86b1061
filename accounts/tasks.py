"""Background jobs of the channels app. Tasks take ids, read fresh rows, and call services."""
from __future__ import annotations

from celery import shared_task

from accounts.models import ChannelEvent
from accounts.notifications import active_reviewers, bilingual_email, event_email, send_once


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_event(event_id: int) -> int:
    """Email the people concerned by one workflow step; returns how many were emailed."""
    event = ChannelEvent.objects.select_related("channel__entity", "channel__submitted_by", "actor").get(
        pk=event_id
    )
    message = event_email(event)
    if message is None:
        return 0
    message.send()
    return len(message.to)


# --- The annual review ---------------------------------------------------------------------

REMINDER_KEEP_SECONDS = 8 * 24 * 3600  # a week's mark outlives the week


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_annual_review_reminders() -> int:
    """Email each entity's active editors the official channels nobody has certified for twelve
    months, one email per entity, with links to certify them; returns how many emails were sent.

    Idempotent per week: an entity reminded this ISO week (marked in the shared cache) is not
    reminded again, so a retried or repeated run sends no duplicates.
    """
    from django.utils import timezone

    from accounts.review import active_editors, overdue_for_review

    overdue: dict[int, list] = {}
    for channel in overdue_for_review():
        overdue.setdefault(channel.entity_id, []).append(channel)
    editors = active_editors(overdue)
    year, week, _ = timezone.localdate().isocalendar()
    sent = 0
    for entity_id, channels in overdue.items():
        recipients = sorted({user.email for user in editors.get(entity_id, [])})
        if not recipients:
            continue
        mark = f"annual-review-reminder:{entity_id}:{year}-W{week:02d}"
        sent += send_once(mark, REMINDER_KEEP_SECONDS, annual_review_email(channels, recipients))
    return sent


def annual_review_email(channels, recipients):
    """One entity's reminder, Arabic first then English, each with links in its own language."""
    from django.conf import settings
    from django.urls import reverse

    site_url = settings.SITE_URL.rstrip("/")
    return bilingual_email("annual_review", lambda: {
        "entity": channels[0].entity,
        "channels": [(channel, site_url + reverse("staff:channel_detail", args=[channel.pk])) for channel in channels],
    }, recipients)


# --- Follower refresh ----------------------------------------------------------------------

REFRESH_RUN_LOCK = "registry:refresh:run"
REFRESH_RUN_SECONDS = 6 * 3600  # a run longer than this is assumed dead, and another may start
BACKOFF_BASE, BACKOFF_CAP = 60, 1800


def longest_retry_wait() -> float:
    """The longest a batch may wait for its retry: well inside the broker's visibility timeout."""
    from django.conf import settings

    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return max(60.0, visibility * 0.8)


@shared_task(acks_late=True)
def refresh_followers(platform: str = "") -> int:
    """The daily refresh: cut the channels into each platform's batches and queue one task per
    batch; returns how many batches were queued. One run at a time: a second start while a run
    is under way (the lock in the shared cache) queues nothing."""
    from django.core.cache import cache

    from accounts.refresh import batches, channels_to_refresh

    if not cache.add(REFRESH_RUN_LOCK, platform or "all", timeout=REFRESH_RUN_SECONDS):
        return 0
    try:
        cut = batches(channels_to_refresh(platform=platform, due_only=True).only("pk", "platform"))
        for batch_platform, ids in cut:
            refresh_followers_batch.delay(batch_platform, ids)
    finally:
        # The lock guards the fan-out; the batches themselves are idempotent (one snapshot per
        # channel per day), so a run started after this one finishes queuing is harmless.
        cache.delete(REFRESH_RUN_LOCK)
    return len(cut)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=8,
             soft_time_limit=10 * 60, time_limit=12 * 60)
def refresh_followers_batch(self, platform: str, channel_ids: list[int]) -> dict:
    """Refresh one batch. Safe to run twice (a redelivered message after a worker died): the
    day's snapshot is upserted and alerts open once. Channels refused for a passing reason are
    retried, as the platform said or with exponential backoff and jitter."""
    import random

    from django.utils import timezone

    from accounts.refresh import record_answers, refresh_batch

    last_try = self.request.retries >= self.max_retries
    outcome = refresh_batch(channel_ids, platform=platform, defer_retryable=not last_try)
    if outcome.retry:
        retry_at = outcome.retry_at
        if retry_at is not None:
            countdown = max(1.0, (retry_at - timezone.now()).total_seconds()) + random.uniform(0, 30)
        else:
            countdown = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** self.request.retries) * random.uniform(0.5, 1.5)
        if countdown > longest_retry_wait():
            # A wait past the broker's visibility timeout would have Redis hand the message to
            # another worker every hour meanwhile (YouTube's quota resets at midnight Pacific):
            # record the failure now; tomorrow's run asks again.
            record_answers(outcome.retry, today=timezone.localdate(), outcome=outcome)
        else:
            raise self.retry(args=(platform, sorted(outcome.retry)), countdown=countdown)
    return {"refreshed": outcome.refreshed, "unchanged": outcome.unchanged, "failed": sum(outcome.failed.values()),
            "not_configured": outcome.not_configured}


# --- The daily alert digest ----------------------------------------------------------------

DIGEST_KEEP_SECONDS = 2 * 24 * 3600  # a day's mark outlives the day


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_alert_digest() -> int:
    """Email every active reviewer the alerts opened in the last 24 hours and how many are still
    open, with links to the alert list; returns how many emails were sent. Nothing new, no email.

    Idempotent per day: a reviewer sent today's digest (marked in the shared cache) is not sent it
    again, so a retried or repeated run sends no duplicates; one that failed is sent on the retry.
    """
    from django.core.mail import get_connection
    from django.utils import timezone

    from accounts.alerts import digest_window, open_alert_count, opened_since

    new = list(opened_since(digest_window()))
    if not new:
        return 0
    reviewers = list(active_reviewers())
    day = timezone.localdate().isoformat()
    still_open = open_alert_count()
    sent = 0
    with get_connection() as connection:
        for reviewer in reviewers:
            message = alert_digest_email(new, still_open, reviewer.email, connection=connection)
            sent += send_once(f"alert-digest:{reviewer.pk}:{day}", DIGEST_KEEP_SECONDS, message)
    return sent


def alert_digest_email(alerts, still_open: int, recipient: str, *, connection=None):
    """The digest, Arabic first then English, each with links in its own language."""
    from django.conf import settings
    from django.urls import reverse

    from accounts.alerts import describe

    site_url = settings.SITE_URL.rstrip("/")
    return bilingual_email("alert_digest", lambda: {
        "alerts": [(alert, describe(alert), site_url + reverse("review:channel", args=[alert.channel_id]))
                   for alert in alerts],
        "still_open": still_open, "list_url": site_url + reverse("review:alerts"),
    }, [recipient], connection=connection)


# --- The presence report's scores --------------------------------------------------------------

SCORES_QUEUED = "registry:scores:queued"
SCORES_SETTLE_SECONDS = 60


def schedule_scores() -> None:
    """After a decision or a refresh: recompute the month's scores once things settle. One run
    is queued at a time, so a refresh of 200 channels in 10 batches recomputes once, not 10 times;
    nothing is queued for a change that is rolled back."""
    from django.db import transaction

    transaction.on_commit(_queue_scores)


def _queue_scores() -> None:
    from django.core.cache import cache

    if cache.add(SCORES_QUEUED, 1, timeout=SCORES_SETTLE_SECONDS * 5):
        record_presence_scores.apply_async(countdown=SCORES_SETTLE_SECONDS)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def record_presence_scores() -> int:
    """Keep this month's scores (accounts.report.record_scores); returns the rows kept."""
    from django.core.cache import cache

    from accounts.report import record_scores

    cache.delete(SCORES_QUEUED)
    return record_scores()
