"""The presence report: in the review area (overview, each owner's card, CSV, printable page, PDF)
for GCO reviewers who passed the second factor, and its public summary at /<language>/presence/.

Every figure comes from accounts.report.figures, computed for the whole government in a fixed
number of queries; these views only choose the template and draw the charts' geometry.
"""
from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language_bidi, gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.report.charts import bar_chart, score_distribution, score_trend
from accounts.report.figures import csv_text, overview as report_overview, owner_card, public_summary
from accounts.report.standards import RULES
from accounts.review.views import reviewer_required
from accounts.web import public_page, render_page


def report_reader_required(view):
    """A reviewer whose login passed the one-time code (reviewer_required), reading only."""
    return never_cache(require_safe(reviewer_required(view)))


def _follower_bars(groups):
    """Bars of each group's (platform's, kind's) followers, growing from the page's start side."""
    return bar_chart([(group.label, group.followers) for group in groups], rtl=get_language_bidi())


@report_reader_required
def overview(request):
    report = report_overview()
    return render_page(request, "report/overview.html", _overview_context(report))


def _overview_context(report) -> dict:
    return {
        "report": report,
        "platform_chart": _follower_bars(report.platforms),
        "kind_chart": _follower_bars(report.kinds),
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
    """The printable page through WeasyPrint. Its stylesheets and fonts are read from this site's
    static files; no other URL is fetched, so the PDF never depends on (or calls) a third party."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError):  # OSError: the system's Pango is missing
        return _render_printable(request, pdf_unavailable=True)

    # WeasyPrint logs each step of each page at INFO: a hundred lines per report, of no use.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    report = report_overview(trends=True)
    context = {"user_is_reviewer": True, "pdf": True, **_printable_context(report)}
    html = render_to_string("report/print.html", context, request=request)
    document = HTML(string=html, base_url=request.build_absolute_uri("/"), url_fetcher=_static_fetcher())
    response = HttpResponse(document.write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="presence-report-{report.today.isoformat()}.pdf"'
    return response


def _static_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            path = urlsplit(url).path
            if not path.startswith(settings.STATIC_URL):
                raise ValueError(f"The PDF reads only this site's static files, not {url}")
            name = path[len(settings.STATIC_URL):]
            found = _static_file(name)
            if found is None:
                raise ValueError(f"No static file {name}")
            content_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=found.read_bytes(), headers={"Content-Type": content_type})

    return StaticFilesOnly()


def _static_file(name: str) -> Path | None:
    """A static file by its URL name: collected (and hashed) in production, from the apps' and
    STATICFILES_DIRS' folders in development and tests."""
    if ".." in Path(name).parts:
        return None
    try:
        if staticfiles_storage.exists(name):
            return Path(staticfiles_storage.path(name))
    except (NotImplementedError, ValueError):
        pass
    found = finders.find(name)
    return Path(found) if isinstance(found, str) else None


@public_page
def presence(request):
    summary = public_summary()
    return render(request, "report/presence.html", {
        "summary": summary, "platform_chart": _follower_bars(summary.platforms),
    })
