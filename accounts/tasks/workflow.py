"""Jobs of the workflow: the email telling the people concerned about each step."""
from __future__ import annotations

from celery import shared_task

from accounts.models import ChannelEvent
from accounts.notifications import event_email


@shared_task(
    name="accounts.tasks.notify_event",
    acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
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
