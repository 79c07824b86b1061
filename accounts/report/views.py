"""The presence report: in the review area (overview, each owner's card, CSV, printable page, the
one-page summary PDF, the full report's PDF made in the background) for GCO reviewers who passed the
second factor, and its public summary at /<language>/presence/.

Every figure comes from accounts.report.figures, computed for the whole government in a fixed
number of queries; these views only choose the template and draw the charts' geometry.
"""
from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi, gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts.models import ExportStatus
from accounts.report.charts import bar_chart, score_distribution, score_trend
from accounts.report.figures import csv_text, overview as report_overview, owner_card, public_summary
from accounts.report.pdf import PdfUnavailable, summary_document
from accounts.report.selectors import export_of, recent_exports_of
from accounts.report.services import request_report_export
from accounts.report.standards import RULES
from accounts.review.views import reviewer_required
from accounts.web import public_page, render_page
from registry.authentication import has_second_factor


def report_reader_required(view):
    """A reviewer whose login passed the one-time code (reviewer_required), reading only."""
    return never_cache(require_safe(reviewer_required(view)))


def _follower_bars(groups):
    """Bars of each group's (platform's, kind's) followers, growing from the page's start side."""
    return bar_chart([(group.label, group.followers) for group in groups], rtl=get_language_bidi())


def _posts_bars(groups):
    """Bars of each platform's posts over the last 30 days (where its channels' counts tell)."""
    return bar_chart([(group.label, group.activity.posts_30d) for group in groups], rtl=get_language_bidi())


@report_reader_required
def overview(request):
    report = report_overview()
    return render_page(request, "report/overview.html", _overview_context(report))


def _overview_context(report) -> dict:
    return {
        "report": report,
        "platform_chart": _follower_bars(report.platforms),
        "kind_chart": _follower_bars(report.kinds),
        "activity_chart": _posts_bars(report.platforms),
        "dormant_after_days": settings.DORMANT_AFTER_DAYS,
        "distribution": score_distribution(report.scores),
        "rules": RULES,
    }


@report_reader_required
def card(request, kind: str, slug: str):
    found = owner_card(kind, slug)
    if found is None:
        raise Http404(_("There is no such entity or official in the report."))
    report, ranked = found
    return render_page(request, "report/card.html", {
        "report": report, "ranked": ranked, "trend_chart": score_trend(ranked.trend),
    })


@report_reader_required
def export_csv(request):
    report = report_overview()
    response = HttpResponse(csv_text(report).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="presence-report-{report.today.isoformat()}.csv"'
    return response


def _printable_context(report) -> dict:
    return {
        **_overview_context(report),
        "cards": [(ranked, score_trend(ranked.trend)) for ranked in report.owners],
    }


@report_reader_required
def printable(request):
    return _render_printable(request)


def _render_printable(request, **extra):
    report = report_overview(trends=True)
    return render_page(request, "report/print.html", {**_printable_context(report), **extra})


@report_reader_required
def pdf(request):
    """The one-page summary as PDF, made at once (a second or two): scores, the best and the lowest,
    the costliest findings. The full report is a background job (`exports`)."""
    report = report_overview()
    try:
        document = summary_document(report, get_language())
    except PdfUnavailable:
        return _render_printable(request, pdf_unavailable=True)
    response = HttpResponse(document.write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="presence-summary-{report.today.isoformat()}.pdf"'
    return response


# --- The full report's PDF, made in the background ----------------------------------------------------

# While the PDF is made, the progress page asks its status this often (static/js/export-progress.js:
# a static file, as the CSP wants; not <meta http-equiv="refresh">, a timed reload that axe-core
# rightly refuses, WCAG 2.2.1).
PROGRESS_POLL_SECONDS = 3


def report_writer_required(view):
    """A reviewer with the second factor, asking for something to be made (POST only)."""
    return never_cache(require_POST(reviewer_required(view)))


@report_reader_required
def exports(request):
    return render_page(request, "report/exports.html", {"exports": recent_exports_of(request.user)})


@report_writer_required
def export_request(request):
    export = request_report_export(user=request.user, language=get_language(),
                                   two_factor=has_second_factor(request))
    return redirect("report:export", pk=export.pk)


@report_reader_required
def export(request, pk: int):
    found = export_of(request.user, pk)
    if found is None:
        raise Http404(_("There is no such PDF export of yours."))
    return render_page(request, "report/export.html", {
        "export": found, "poll_seconds": None if found.finished else PROGRESS_POLL_SECONDS,
    })


@report_reader_required
def export_status(request, pk: int):
    """What the progress page's script asks: {"status", "progress", "finished"}."""
    found = export_of(request.user, pk)
    if found is None:
        return JsonResponse({"code": "not_found", "detail": _("There is no such PDF export of yours.")}, status=404)
    return JsonResponse({"status": found.status, "progress": found.progress, "finished": found.finished})


@report_reader_required
def export_pdf(request, pk: int):
    found = export_of(request.user, pk, with_pdf=True)
    if found is None or found.status != ExportStatus.DONE:
        raise Http404(_("There is no such PDF export of yours, or it is not ready yet."))
    response = HttpResponse(bytes(found.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="presence-report-{timezone.localdate(found.requested_at).isoformat()}.pdf"')
    return response


@public_page
def presence(request):
    summary = public_summary()
    rtl = get_language_bidi()
    return render(request, "report/presence.html", {
        "summary": summary, "platform_chart": _follower_bars(summary.platforms),
        "posts_chart": bar_chart([(group.label, group.posts(30)) for group in summary.platform_posts], rtl=rtl),
    })
