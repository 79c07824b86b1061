"""The weekly annual-review reminders to entities' editors."""
from __future__ import annotations

from celery import shared_task

from accounts.notifications import bilingual_email, send_once
from accounts.review.selectors import active_editors
from accounts.selectors import overdue_for_review

# --- The annual review ---------------------------------------------------------------------

REMINDER_KEEP_SECONDS = 8 * 24 * 3600  # a week's mark outlives the week


@shared_task(
    name="accounts.tasks.send_annual_review_reminders",
    acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_annual_review_reminders() -> int:
    """Email each entity's active editors the official channels nobody has certified for twelve
    months, one email per entity, with links to certify them; returns how many emails were sent.

    Idempotent per week: an entity reminded this ISO week (marked in the shared cache) is not
    reminded again, so a retried or repeated run sends no duplicates.
    """
    from django.utils import timezone


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
