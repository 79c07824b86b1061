"""The presence report's PDFs: the one-page summary made at once, and the full report made in the
background (accounts/report/exports.py, accounts/tasks/report.py make_report_export) with its
progress page, its download and the email saying it is ready; only the reviewer who asked sees it."""
from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import ExportStatus, ReportExport
from accounts.report import exports as report_exports
from accounts.report.figures import overview
from accounts.report.pdf import summary_document
from tests.accounts.report.test_views import page_text_of, register  # noqa: F401  (a fixture)
from tests.accounts.staff.test_views import login, page_text

pytestmark = pytest.mark.django_db


def url(name: str, lang: str = "en", **kwargs) -> str:
    with translation.override(lang):
        return reverse(f"report:{name}", kwargs=kwargs or None)


@pytest.fixture
def reviewer(make_user):
    return make_user(reviewer=True, email="reviewer@gco.example")


@pytest.fixture
def reviewer_client(reviewer):
    return login(Client(), reviewer, second_factor=True)


def request_export(client, lang: str, capture) -> ReportExport:
    with capture(execute=True):
        response = client.post(url("export_request", lang))
    assert response.status_code == 302
    export = ReportExport.objects.latest("pk")
    assert response.headers["Location"] == url("export", lang, pk=export.pk)
    return export


# --- The one-page summary -------------------------------------------------------------------------

@pytest.fixture
def large_register(make_entity, make_official, make_channel):
    """Forty owners with long names, each with two channels: far more than a page of cards."""
    now = timezone.now()
    for n in range(40):
        entity = make_entity(name_en=f"Federal Authority for Long Names and Longer Titles Number {n}",
                             name_ar=f"الهيئة الاتحادية للأسماء الطويلة والعناوين الأطول رقم {n}")
        make_channel(f"https://x.com/longname{n}", entity=entity, followers=1000 + n, followers_at=now)
        make_channel(f"https://www.instagram.com/longname{n}/", entity=entity, followers=n, followers_at=now)
    make_entity(slug="empty", name_en="An Entity Without Channels")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_summary_pdf_is_one_page_whatever_the_register(large_register, lang):
    document = summary_document(overview(), lang)
    assert len(document.pages) == 1


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_pdf_link_gives_the_one_page_summary(reviewer_client, large_register, lang):
    response = reviewer_client.get(url("pdf", lang))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="presence-summary-')
    assert response.content.startswith(b"%PDF-")


def test_the_summary_lists_the_costliest_findings_and_those_not_rated(large_register):
    from django.template.loader import render_to_string

    from accounts.report.pdf import summary_context

    with translation.override("ar"):
        html = render_to_string("report/pdf_summary.html", summary_context(overview()))
    assert '<html lang="ar" dir="rtl">' in html
    assert 'data-rule="certified"' in html  # every channel was approved 400 days ago, never certified
    assert 'data-total="not-rated">1<' in html
    assert "<script" not in html


# --- Who may ask for, see and download the full report ------------------------------------------------

def test_anonymous_visitors_are_sent_to_log_in(client, make_user):
    export = ReportExport.objects.create(requested_by=make_user(reviewer=True), language="en")
    for target in (url("exports"), url("export", pk=export.pk), url("export_pdf", pk=export.pk),
                   url("export_status", pk=export.pk)):
        response = client.get(target)
        assert response.status_code == 302 and response.headers["Location"].startswith(reverse("login"))
    response = client.post(url("export_request"))
    assert response.status_code == 302 and response.headers["Location"].startswith(reverse("login"))
    assert ReportExport.objects.count() == 1


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_editors_are_refused(client, make_user, make_entity, lang):
    export = ReportExport.objects.create(requested_by=make_user(reviewer=True), language="en")
    login(client, make_user(editor_of=make_entity()), second_factor=True)
    for target in (url("exports", lang), url("export", lang, pk=export.pk), url("export_pdf", lang, pk=export.pk),
                   url("export_status", lang, pk=export.pk)):
        assert client.get(target).status_code == 403
    assert client.post(url("export_request", lang)).status_code == 403
    assert ReportExport.objects.count() == 1


def test_another_reviewers_export_is_not_found(reviewer_client, make_user):
    theirs = ReportExport.objects.create(requested_by=make_user(reviewer=True), language="en",
                                         status=ExportStatus.DONE, progress=100, pdf=b"%PDF-1.7 theirs", pages=1)
    assert reviewer_client.get(url("export", pk=theirs.pk)).status_code == 404
    assert reviewer_client.get(url("export_pdf", pk=theirs.pk)).status_code == 404
    refused = reviewer_client.get(url("export_status", pk=theirs.pk))
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert f'data-export="{theirs.pk}"' not in reviewer_client.get(url("exports")).content.decode()


def test_asking_is_post_only(reviewer_client):
    assert reviewer_client.get(url("export_request")).status_code == 405
    assert ReportExport.objects.count() == 0


# --- The job ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_full_report_is_made_in_the_background_and_the_requester_emailed(
        reviewer_client, reviewer, register, django_capture_on_commit_callbacks, lang):  # noqa: F811
    export = request_export(reviewer_client, lang, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    assert (export.status, export.progress, export.language, export.requested_by) == (
        ExportStatus.DONE, 100, lang, reviewer)
    pdf = bytes(export.pdf)
    assert pdf.startswith(b"%PDF-") and export.pages >= 5  # the overview, then a card per owner
    # Done: the page links the download and no longer refreshes itself.
    response = reviewer_client.get(url("export", lang, pk=export.pk))
    content = response.content.decode()
    assert "data-export-status-url" not in content and "<script" not in content  # nothing more to wait for
    assert f'href="{url("export_pdf", lang, pk=export.pk)}"' in content
    download = reviewer_client.get(url("export_pdf", lang, pk=export.pk))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith('attachment; filename="presence-report-')
    assert download.content == pdf
    # One email, to whoever asked, in Arabic then English, with the link.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reviewer@gco.example"]
    assert f"/en/review/report/exports/{export.pk}/report.pdf" in message.body
    assert f"/ar/review/report/exports/{export.pk}/report.pdf" in message.body


def test_the_email_is_sent_only_once_the_pdf_is_kept(reviewer_client, register, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reviewer_client.post(url("export_request"))
    assert len(callbacks) == 1 and not mail.outbox  # the job is queued on commit
    export = ReportExport.objects.get()
    assert export.status == ExportStatus.QUEUED
    with django_capture_on_commit_callbacks(execute=False) as sent:
        callbacks[0]()
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and not mail.outbox  # made; the email waits for the commit
    for callback in sent:
        callback()
    assert len(mail.outbox) == 1


def test_the_progress_moves_forward_to_100(reviewer, register, monkeypatch):  # noqa: F811
    seen = []
    original = report_exports.set_progress

    def spy(export_id, percent):
        original(export_id, percent)
        seen.append(ReportExport.objects.get(pk=export_id).progress)

    monkeypatch.setattr(report_exports, "set_progress", spy)
    export = ReportExport.objects.create(requested_by=reviewer, language="en")
    assert report_exports.run_export(export.pk).status == ExportStatus.DONE
    assert seen == sorted(seen) and len(seen) >= 3 and seen[0] > 0 and seen[-1] < 100
    export.refresh_from_db()
    assert export.progress == 100
    assert report_exports.run_export(export.pk) is None  # a second run of the job does nothing


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_progress_page_follows_the_job_with_a_static_script(reviewer_client, reviewer, lang):
    export = ReportExport.objects.create(requested_by=reviewer, language=lang, status=ExportStatus.RUNNING,
                                         progress=40)
    response = reviewer_client.get(url("export", lang, pk=export.pk))
    content = response.content.decode()
    assert f'data-export-status-url="{url("export_status", lang, pk=export.pk)}"' in content
    assert '<progress id="export-progress-bar" max="100" value="40">' in content and 'data-progress="40"' in content
    # Only the static file (the CSP allows no inline script), and no timed refresh (WCAG 2.2.1).
    assert re.findall(r"<script[^>]*>", content) == ['<script src="/static/js/export-progress.js" defer>']
    assert 'http-equiv="refresh"' not in content
    status = reviewer_client.get(url("export_status", lang, pk=export.pk))
    assert status.json() == {"status": "running", "progress": 40, "finished": False}
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in content
    assert reviewer_client.get(url("export_pdf", lang, pk=export.pk)).status_code == 404  # not ready yet


def test_asking_again_while_one_is_being_made_gives_that_one(reviewer_client, reviewer):
    running = ReportExport.objects.create(requested_by=reviewer, language="en", status=ExportStatus.RUNNING)
    response = reviewer_client.post(url("export_request"))
    assert response.headers["Location"] == url("export", pk=running.pk)
    assert ReportExport.objects.count() == 1


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_failed_job_says_so_and_offers_to_ask_again(reviewer_client, register, monkeypatch,  # noqa: F811
                                                       django_capture_on_commit_callbacks, lang):
    def broken(*args, **kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(report_exports, "full_pdf", broken)
    export = request_export(reviewer_client, lang, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and export.pdf is None and "no fonts" in export.error
    assert not mail.outbox
    response = reviewer_client.get(url("export", lang, pk=export.pk))
    content = response.content.decode()
    assert "data-export-status-url" not in content
    assert f'action="{url("export_request", lang)}"' in content
    assert reviewer_client.get(url("export_status", lang, pk=export.pk)).json()["finished"] is True
    with translation.override(lang):
        assert str(translation.gettext("The PDF could not be made. Ask for it again; if it fails again, tell the "
                                       "registry's administrators.")) in page_text(response)


def test_the_exports_page_lists_ones_own_with_their_status(reviewer_client, reviewer):
    done = ReportExport.objects.create(requested_by=reviewer, language="ar", status=ExportStatus.DONE,
                                       progress=100, pdf=b"%PDF-1.7", pages=1)
    content = reviewer_client.get(url("exports")).content.decode()
    assert f'data-export="{done.pk}" data-status="done"' in content
    assert url("export_pdf", pk=done.pk) in content
    assert 'action="/en/review/report/exports/new/"' in content
