"""The presence report as PDF, through WeasyPrint: the one-page summary a reviewer downloads at once,
and the full report (every owner's card, some 130 pages for the whole government) that a background
job makes (accounts/report/exports.py) because it takes half a minute.

Both are rendered without a request (the job has none), in the language asked for, from templates
that stand alone (report/pdf_summary.html, report/print.html). Their stylesheets and fonts are read
from this site's static files; no other URL is fetched, so a PDF never depends on (or calls) a third
party.
"""
from __future__ import annotations

import logging
import mimetypes
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils import translation

from accounts.report.charts import bar_chart, score_distribution, score_trend
from accounts.report.figures import Overview, top_and_bottom
from accounts.report.standards import RULES, Rule

SUMMARY_OWNERS = 8  # the best and the lowest this many: what fits on the page beside the rest


SUMMARY_FINDINGS = 5


class PdfUnavailable(RuntimeError):
    """WeasyPrint, or the system's Pango it needs, is missing on this server."""


def weasyprint_html():
    """WeasyPrint's HTML class, or PdfUnavailable. Imported here, not at the top: a server without
    Pango still serves every page, and says it cannot make the PDF."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as missing:  # OSError: the system's Pango is missing
        raise PdfUnavailable(str(missing)) from missing
    # WeasyPrint logs each step of each page at INFO: a hundred lines per report, of no use.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    return HTML


@dataclass(frozen=True)
class Finding:
    """A check as the summary ranks it: how many channels (or entities) fail it, and what it costs."""

    rule: Rule
    failures: int
    owners: int
    points: float  # taken off owners' scores, added up


def top_findings(report: Overview, count: int = SUMMARY_FINDINGS) -> list[Finding]:
    """The checks that cost the government most points, the costliest first."""
    failures: Counter[str] = Counter()
    points: Counter[str] = Counter()
    owners: dict[str, set[str]] = {}
    for ranked in report.rated:
        for rule, _channel, cost in ranked.item.costs:
            failures[rule.id] += 1
            points[rule.id] += cost
            owners.setdefault(rule.id, set()).add(ranked.owner.key)
    findings = [Finding(rule, failures[rule.id], len(owners.get(rule.id, ())), points[rule.id])
                for rule in RULES if failures[rule.id]]
    findings.sort(key=lambda finding: (-finding.points, -finding.failures, finding.rule.id))
    return findings[:count]


def summary_context(report: Overview) -> dict:
    top, bottom = top_and_bottom(report, SUMMARY_OWNERS)
    return {
        "report": report, "top": top, "bottom": bottom, "findings": top_findings(report),
        "distribution": score_distribution(report.scores), "pdf": True,
        "report_url": settings.SITE_URL.rstrip("/"),
    }


def summary_document(report: Overview, language: str):
    """The one-page summary, laid out (a WeasyPrint Document: its `pages` can be counted)."""
    html_class = weasyprint_html()
    with translation.override(language):
        html = render_to_string("report/pdf_summary.html", summary_context(report))
    return html_class(string=html, base_url=_base_url(), url_fetcher=static_fetcher()).render()


def full_context(report: Overview) -> dict:
    rtl = translation.get_language_bidi()
    return {
        "report": report, "pdf": True, "user_is_reviewer": True, "rules": RULES,
        "platform_chart": bar_chart([(group.label, group.followers) for group in report.platforms], rtl=rtl),
        "kind_chart": bar_chart([(group.label, group.followers) for group in report.kinds], rtl=rtl),
        "activity_chart": bar_chart([(group.label, group.activity.posts_30d) for group in report.platforms], rtl=rtl),
        "dormant_after_days": settings.DORMANT_AFTER_DAYS,
        "distribution": score_distribution(report.scores),
        "cards": [(ranked, score_trend(ranked.trend)) for ranked in report.owners],
    }


def full_pdf(report: Overview, language: str, progress: Callable[[int], None] = lambda percent: None
             ) -> tuple[bytes, int]:
    """The full report (the printable page) as PDF bytes and its number of pages; `progress` is
    told how far it has got, in percent of the rendering."""
    html_class = weasyprint_html()
    with translation.override(language):
        html = render_to_string("report/print.html", full_context(report))
    progress(20)
    document = html_class(string=html, base_url=_base_url(), url_fetcher=static_fetcher()).render()
    progress(80)  # the layout is most of the work; writing the pages out is the rest
    return document.write_pdf(), len(document.pages)


def _base_url() -> str:
    return settings.SITE_URL.rstrip("/") + "/"


def static_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            path = urlsplit(url).path
            if not path.startswith(settings.STATIC_URL):
                raise ValueError(f"The PDF reads only this site's static files, not {url}")
            name = path[len(settings.STATIC_URL):]
            found = static_file(name)
            if found is None:
                raise ValueError(f"No static file {name}")
            content_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=found.read_bytes(), headers={"Content-Type": content_type})

    return StaticFilesOnly()


def static_file(name: str) -> Path | None:
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
