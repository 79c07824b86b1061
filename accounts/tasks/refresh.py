"""The daily follower refresh, cut into per-platform batches."""
from __future__ import annotations

from celery import shared_task

from accounts.monitoring.refresh import batches, channels_to_refresh, record_answers, refresh_batch

# --- Follower refresh ----------------------------------------------------------------------

REFRESH_RUN_LOCK = "registry:refresh:run"


REFRESH_RUN_SECONDS = 6 * 3600  # a run longer than this is assumed dead, and another may start


BACKOFF_BASE, BACKOFF_CAP = 60, 1800


def longest_retry_wait() -> float:
    """The longest a batch may wait for its retry: well inside the broker's visibility timeout."""
    from django.conf import settings

    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return max(60.0, visibility * 0.8)


@shared_task(
    name="accounts.tasks.refresh_followers",
    acks_late=True)
def refresh_followers(platform: str = "") -> int:
    """The daily refresh: cut the channels into each platform's batches and queue one task per
    batch; returns how many batches were queued. One run at a time: a second start while a run
    is under way (the lock in the shared cache) queues nothing."""
    from django.core.cache import cache


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


@shared_task(
    name="accounts.tasks.refresh_followers_batch",
    bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=8,
             soft_time_limit=10 * 60, time_limit=12 * 60)
def refresh_followers_batch(self, platform: str, channel_ids: list[int]) -> dict:
    """Refresh one batch. Safe to run twice (a redelivered message after a worker died): the
    day's snapshot is upserted and alerts open once. Channels refused for a passing reason are
    retried, as the platform said or with exponential backoff and jitter."""
    import random

    from django.utils import timezone


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
