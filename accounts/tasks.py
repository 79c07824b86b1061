"""Background jobs of the channels app. Tasks take ids, read fresh rows, and call services."""
from __future__ import annotations

from celery import shared_task

from accounts.models import ChannelEvent
from accounts.notifications import event_email


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
