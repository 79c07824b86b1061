"""The daily alert digest for reviewers, and the daily look for dormant channels before it."""
from __future__ import annotations

from celery import shared_task

from accounts.notifications import active_reviewers, bilingual_email, send_once
from accounts.review.alerts import describe, digest_window, open_alert_count, opened_since
from accounts.services import open_dormant_alerts

# --- Dormant channels ----------------------------------------------------------------------


@shared_task(name="accounts.tasks.open_dormant_alerts", acks_late=True, autoretry_for=(OSError,),
             retry_backoff=True, max_retries=5)
def open_dormant_alerts_task() -> int:
    """Open a `dormant` alert for each official channel that has not posted for DORMANT_AFTER_DAYS.
    Daily, because time alone makes a channel dormant: its last post needs no new refresh to age.
    Idempotent: an alert already open is not opened twice. Returns how many it opened."""
    return open_dormant_alerts()


# --- The daily alert digest ----------------------------------------------------------------

DIGEST_KEEP_SECONDS = 2 * 24 * 3600  # a day's mark outlives the day


@shared_task(
    name="accounts.tasks.send_alert_digest",
    acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_alert_digest() -> int:
    """Email every active reviewer the alerts opened in the last 24 hours and how many are still
    open, with links to the alert list; returns how many emails were sent. Nothing new, no email.

    Idempotent per day: a reviewer sent today's digest (marked in the shared cache) is not sent it
    again, so a retried or repeated run sends no duplicates; one that failed is sent on the retry.
    """
    from django.core.mail import get_connection
    from django.utils import timezone


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


    site_url = settings.SITE_URL.rstrip("/")
    return bilingual_email("alert_digest", lambda: {
        "alerts": [(alert, describe(alert), site_url + reverse("review:channel", args=[alert.channel_id]))
                   for alert in alerts],
        "still_open": still_open, "list_url": site_url + reverse("review:alerts"),
    }, [recipient], connection=connection)
