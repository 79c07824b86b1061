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


# --- The annual review ---------------------------------------------------------------------

REMINDER_KEEP_SECONDS = 8 * 24 * 3600  # a week's mark outlives the week


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_annual_review_reminders() -> int:
    """Email each entity's active editors the official channels nobody has certified for twelve
    months, one email per entity, with links to certify them; returns how many emails were sent.

    Idempotent per week: an entity reminded this ISO week (marked in the shared cache) is not
    reminded again, so a retried or repeated run sends no duplicates.
    """
    from django.core.cache import cache
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
        if not cache.add(mark, True, timeout=REMINDER_KEEP_SECONDS):
            continue  # already reminded this week
        try:
            annual_review_email(channels, recipients).send()
        except Exception:
            cache.delete(mark)  # not sent: let the retry (or next run) send it
            raise
        sent += 1
    return sent


def annual_review_email(channels, recipients):
    """One entity's reminder, Arabic first then English, each with links in its own language."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    site_url = settings.SITE_URL.rstrip("/")
    parts, subjects = [], []
    for language in ("ar", "en"):
        with translation.override(language):
            rows = [(channel, site_url + reverse("staff:channel_detail", args=[channel.pk])) for channel in channels]
            context = {"entity": channels[0].entity, "channels": rows}
            parts.append(render_to_string("emails/annual_review.txt", context).strip())
            subjects.append(render_to_string("emails/annual_review_subject.txt", context).strip())
    return EmailMessage(subject=" | ".join(subjects), body="\n\n——————————\n\n".join(parts), to=recipients)
