"""The full presence report's PDF as a background job: what the job writes as it goes (running,
its progress, the PDF, or why it failed). A reviewer asks for it (accounts/report/services.py), the
job runs in a worker (accounts/tasks/report.py make_report_export), and the progress page reads
the record (accounts/report/selectors.py).

The PDF is kept in the database for EXPORT_KEEP_DAYS, then deleted when someone asks for a new one:
any web process can serve it, whichever worker made it.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone

from accounts.models import ExportStatus, ReportExport
from accounts.report.figures import overview
from accounts.report.pdf import full_pdf

EXPORT_KEEP_DAYS = 7


logger = logging.getLogger(__name__)


# Where each step leaves the progress bar (percent): the rendering is 30–95.
COMPUTED, RENDERED = 30, 95


def set_progress(export_id: int, percent: int) -> None:
    # Only forward, and only while running: a late write never undoes "done" or "failed".
    ReportExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING, progress__lt=percent).update(
        progress=min(percent, 100))


def run_export(export_id: int) -> ReportExport | None:
    """Make the PDF of export `export_id`; returns it done or failed, or None when there is nothing
    to do (deleted, or already finished by an earlier run of the job)."""
    started = ReportExport.objects.filter(
        pk=export_id, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING],
    ).update(status=ExportStatus.RUNNING, progress=5)
    if not started:
        return None
    export = ReportExport.objects.get(pk=export_id)
    try:
        report = overview(trends=True)
        set_progress(export_id, COMPUTED)
        pdf, pages = full_pdf(report, export.language, lambda percent: set_progress(
            export_id, COMPUTED + (RENDERED - COMPUTED) * percent // 100))
    except Exception as error:
        # Not retried: what fails here (no PDF library, a template error) fails again. The page
        # says it failed and offers to ask again; the log has the details.
        logger.exception("The report export %s failed", export_id)
        fail_export(export_id, f"{type(error).__name__}: {error}")
        return ReportExport.objects.get(pk=export_id)
    ReportExport.objects.filter(pk=export_id).update(
        status=ExportStatus.DONE, progress=100, pdf=pdf, pages=pages, finished_at=timezone.now(), error="")
    return ReportExport.objects.get(pk=export_id)


def fail_export(export_id: int, reason: str) -> None:
    """Mark it failed (the job gave up: no PDF library on the worker, or its retries ran out)."""
    ReportExport.objects.filter(pk=export_id).exclude(status=ExportStatus.DONE).update(
        status=ExportStatus.FAILED, finished_at=timezone.now(), error=reason[:500])


def delete_expired(now=None) -> int:
    """Delete the exports older than EXPORT_KEEP_DAYS (their PDFs are in the database)."""
    now = now or timezone.now()
    deleted, _by_model = ReportExport.objects.filter(requested_at__lt=now - timedelta(days=EXPORT_KEEP_DAYS)).delete()
    return deleted

