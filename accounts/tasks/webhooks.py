"""Jobs of the webhooks: fanning a public change out to its subscribers, and delivering it to each."""
from __future__ import annotations

from celery import shared_task

from accounts.opendata.webhooks import webhook_deliver, webhook_deliveries_create, webhook_deliveries_stalled


@shared_task(name="accounts.tasks.announce_change", acks_late=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def announce_change(event_id: int) -> int:
    """Queue a delivery of one public change to every subscriber that wants it; returns how many."""
    deliveries = webhook_deliveries_create(event_id=event_id)
    for delivery_id in deliveries:
        deliver_webhook.delay(delivery_id)
    return len(deliveries)


@shared_task(name="accounts.tasks.resend_stalled_webhooks")
def resend_stalled_webhooks() -> int:
    """Queue again the deliveries whose message was lost (`webhook_deliveries_stalled`); returns how many."""
    deliveries = webhook_deliveries_stalled()
    for delivery_id in deliveries:
        deliver_webhook.delay(delivery_id)
    return len(deliveries)


# Time-limited far below the default: an attempt is a few seconds (WEBHOOK_TIMEOUT_SECONDS per step).
@shared_task(name="accounts.tasks.deliver_webhook", bind=True, acks_late=True, max_retries=None,
             soft_time_limit=90, time_limit=120)
def deliver_webhook(self, delivery_id: int) -> bool:
    """One attempt at a delivery; the service decides whether and when to try again (its backoff and its
    limit of attempts), so Celery's own retry limit is not used."""
    attempt = webhook_deliver(delivery_id=delivery_id)
    while attempt.retry_in is not None and self.request.is_eager:
        # Jobs run inline (no broker: development without Redis, the tests): no later run can be
        # scheduled, so the attempts follow at once, still bounded by WEBHOOK_MAX_ATTEMPTS.
        attempt = webhook_deliver(delivery_id=delivery_id)
    if attempt.retry_in is not None:
        raise self.retry(countdown=attempt.retry_in)
    return attempt.delivered
