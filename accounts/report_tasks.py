"""The monthly presence report: keep the month's scores for the trend, then email it to the reviewers."""
from __future__ import annotations

from celery import shared_task

REPORT_KEEP_SECONDS = 40 * 24 * 3600  # a month's mark outlives the month


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_monthly_report() -> int:
    """Record this month's scores (accounts.report.record_scores), then email every active reviewer
    the report in short with the CSV attached; returns how many emails were sent.

    Idempotent per month: a reviewer sent this month's report (marked in the shared cache) is not
    sent it again, so a retried or repeated run sends no duplicates; one that failed is sent on the
    retry. Recording again in the same month replaces the month's scores, so that is safe too.
    """
    from django.core.mail import get_connection
    from django.utils import timezone

    from accounts.notifications import active_reviewers, send_once
    from accounts.report import record_scores
    from accounts.report_figures import csv_text, overview

    today = timezone.localdate()
    record_scores(today)
    reviewers = list(active_reviewers())
    if not reviewers:
        return 0
    report = overview(today)
    attachment = csv_text(report)
    month = today.strftime("%Y-%m")
    sent = 0
    with get_connection() as connection:
        for reviewer in reviewers:
            message = monthly_report_email(report, attachment, reviewer.email, connection=connection)
            sent += send_once(f"monthly-report:{reviewer.pk}:{month}", REPORT_KEEP_SECONDS, message)
    return sent


def monthly_report_email(report, attachment: str, recipient: str, *, connection=None):
    """The report in short, Arabic first then English, each linking to the report in its language,
    with the CSV attached."""
    from django.conf import settings
    from django.urls import reverse

    from accounts.notifications import bilingual_email
    from accounts.report_figures import top_and_bottom

    site_url = settings.SITE_URL.rstrip("/")
    top, bottom = top_and_bottom(report)
    return bilingual_email(
        "monthly_report",
        lambda: {"report": report, "top": top, "bottom": bottom,
                 "report_url": site_url + reverse("report:overview"), "print_url": site_url + reverse("report:print")},
        [recipient], connection=connection,
        attachments=[(f"presence-report-{report.today.isoformat()}.csv", attachment, "text/csv")],
    )
