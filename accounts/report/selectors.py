"""What the presence report's export pages read: a reviewer sees the exports they asked for, and
only those (another reviewer's request is theirs to share; the report itself is open to every
reviewer anyway)."""
from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import ReportExport

RECENT_EXPORTS = 10


def exports_of(user) -> QuerySet[ReportExport]:
    """The user's exports, newest first, without the PDFs' bytes."""
    return ReportExport.objects.filter(requested_by=user).defer("pdf")


def recent_exports_of(user) -> list[ReportExport]:
    return list(exports_of(user)[:RECENT_EXPORTS])


def export_of(user, export_id: int, *, with_pdf: bool = False) -> ReportExport | None:
    """One of the user's exports, or None (someone else's is as good as missing)."""
    exports = ReportExport.objects.filter(requested_by=user) if with_pdf else exports_of(user)
    return exports.filter(pk=export_id).first()
