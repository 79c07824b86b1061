"""The presence report's jobs: this month's scores and the public summary's growth, kept again after
each change that moves them, and the monthly report emailed to the reviewers."""
from __future__ import annotations

from celery import shared_task

from accounts.models import ReportExport
from accounts.notifications import active_reviewers, bilingual_email, send_once
from accounts.report.exports import EXPORT_KEEP_DAYS, run_export
from accounts.report.figures import csv_text, overview, top_and_bottom
from accounts.report.scores import record_scores
from accounts.report.summary import summary_edition_record

REPORT_KEEP_SECONDS = 40 * 24 * 3600  # a month's mark outlives the month


@shared_task(
    name="accounts.report_tasks.send_monthly_report",
    acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_monthly_report() -> int:
    """Record this month's scores (accounts.report.scores.record_scores), then email every active reviewer
    the report in short with the CSV attached; returns how many emails were sent.

    Idempotent per month: a reviewer sent this month's report (marked in the shared cache) is not
    sent it again, so a retried or repeated run sends no duplicates; one that failed is sent on the
    retry. Recording again in the same month replaces the month's scores, so that is safe too.
    """
    from django.core.mail import get_connection
    from django.utils import timezone


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


    site_url = settings.SITE_URL.rstrip("/")
    top, bottom = top_and_bottom(report)
    return bilingual_email(
        "monthly_report",
        lambda: {"report": report, "top": top, "bottom": bottom,
                 "report_url": site_url + reverse("report:overview"), "print_url": site_url + reverse("report:print")},
        [recipient], connection=connection,
        attachments=[(f"presence-report-{report.today.isoformat()}.csv", attachment, "text/csv")],
    )


# --- The presence report's scores --------------------------------------------------------------

SCORES_QUEUED = "registry:scores:queued"
SUMMARY_QUEUED = "registry:summary:queued"


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
    if cache.add(SUMMARY_QUEUED, 1, timeout=SCORES_SETTLE_SECONDS * 5):
        record_summary_edition.apply_async(countdown=SCORES_SETTLE_SECONDS)


@shared_task(
    name="accounts.tasks.record_presence_scores",
    acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def record_presence_scores() -> int:
    """Keep this month's scores (accounts.report.scores.record_scores); returns the rows kept."""
    from django.core.cache import cache


    cache.delete(SCORES_QUEUED)
    return record_scores()


@shared_task(
    name="accounts.tasks.record_summary_edition",
    acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def record_summary_edition(only_if_stale: bool = True) -> bool:
    """Compute the public summary's growth again (accounts.report.summary), by default only when the
    latest edition no longer reflects the register; returns whether it did. Queued after the changes
    that call schedule_scores, and run by beat for every other write (the admin, a bulk load) and for
    a new day."""
    from django.core.cache import cache


    cache.delete(SUMMARY_QUEUED)
    return summary_edition_record(only_if_stale=only_if_stale) is not None


# --- The full report's PDF -----------------------------------------------------------------------

def queue_report_export(export_id: int) -> None:
    make_report_export.delay(export_id)


@shared_task(name="accounts.tasks.make_report_export", acks_late=True)
def make_report_export(export_id: int) -> bool:
    """Make the full report's PDF (accounts.report.exports.run_export), then email whoever asked
    that it is ready, once the PDF is kept; returns whether it was made now. A second run of the
    same job (a redelivery) finds it finished and does nothing."""
    from django.db import transaction

    export = run_export(export_id)
    if export is None or export.pdf is None:
        return False
    transaction.on_commit(lambda: send_export_ready(export))
    return True


def send_export_ready(export: ReportExport) -> None:
    message = export_ready_email(export)
    if message is not None:
        send_once(f"report-export-ready:{export.pk}", REPORT_KEEP_SECONDS, message)


def export_ready_email(export: ReportExport):
    """Arabic then English, like every email: the full report's PDF is ready, with the link to
    download it (after logging in with the second factor). None if the requester left."""
    from django.conf import settings
    from django.urls import reverse

    user = export.requested_by
    if not user.is_active or not user.email:
        return None
    site_url = settings.SITE_URL.rstrip("/")
    return bilingual_email(
        "report_export_ready",
        lambda: {"export": export, "export_url": site_url + reverse("report:export", args=[export.pk]),
                 "download_url": site_url + reverse("report:export_pdf", args=[export.pk]),
                 "keep_days": EXPORT_KEEP_DAYS},
        [user.email],
    )
