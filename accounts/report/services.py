"""The presence report's writes from the web: a reviewer asks for the full report's PDF, which a
background job makes (accounts/report/exports.py); the job is queued once the request is kept."""
from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import ExportStatus, ReportExport
from accounts.report.exports import delete_expired, fail_export
from accounts.tasks.report import queue_report_export
from accounts.workflow import require_reviewer

# Longer than the job's hard time limit (CELERY_TASK_TIME_LIMIT, 30 minutes): a request still
# queued or running after this was lost (a worker killed), and asking again starts afresh.
ABANDONED_AFTER = timedelta(hours=1)


def request_report_export(*, user, language: str, two_factor: bool) -> ReportExport:
    """Ask for the full report's PDF in `language`. A reviewer who already has one queued or being
    made in that language gets that one back rather than a second job doing the same work."""
    require_reviewer(user, two_factor=two_factor)
    with transaction.atomic():
        delete_expired()
        pending = ReportExport.objects.select_for_update().filter(
            requested_by=user, language=language, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING],
        ).defer("pdf").first()
        if pending is not None and pending.requested_at > timezone.now() - ABANDONED_AFTER:
            return pending
        if pending is not None:  # its worker died: the job's time limit is long past
            fail_export(pending.pk, "Abandoned: no worker finished it.")
        export = ReportExport.objects.create(requested_by=user, language=language)
        transaction.on_commit(lambda: queue_report_export(export.pk))
    return export
