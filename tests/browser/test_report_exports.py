"""The presence report's PDFs in a real browser (issue 16, item 11): a reviewer asks for the full
report, is taken to its progress page and then gets the download link; an owner with no channel
shows "not rated" instead of a score; axe-core finds nothing serious on these pages. Both languages,
desktop and a 390 px phone."""
from __future__ import annotations

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from accounts.models import ExportStatus, ReportExport
from tests.browser.test_public_journeys import expect_page_language, serious_violations
from tests.browser.test_report_print import reviewer_page  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def register(make_entity, make_channel):
    mofa = make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")
    make_entity(slug="empty", name_en="Council Without Channels", name_ar="مجلس بلا حسابات")
    make_channel("https://x.com/MOFAUAE", entity=mofa, followers=1_000, followers_at=timezone.now())
    return mofa


def gettext_in(lang: str, text: str) -> str:
    with translation.override(lang):
        return str(translation.gettext(text))


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_reviewer_asks_for_the_full_report_and_downloads_it(reviewer_page, register, monkeypatch,  # noqa: F811
                                                               lang, size):
    from accounts.report import services
    from accounts.tasks.report import make_report_export

    queued = []
    monkeypatch.setattr(services, "queue_report_export", queued.append)  # the worker is this test, below
    page = reviewer_page
    page.set_viewport_size(SIZES[size])
    page.goto(f"/{lang}/review/report/")
    expect_page_language(page, lang)
    # The owner with no channel is not rated, and says so, rather than scoring 100.
    row = page.locator('tr[data-owner="entity:empty"]')
    expect(row).to_contain_text(gettext_in(lang, "Not rated: no channels registered"))
    page.get_by_role("link", name=gettext_in(lang, "The full report as PDF")).click()
    assert not serious_violations(page)
    page.get_by_role("button", name=gettext_in(lang, "Make the full report's PDF")).click()
    # Queued: the progress page, which reloads itself until the worker has made the PDF.
    expect(page.locator(".export-progress")).to_have_attribute("data-status", "queued")
    expect(page.locator("progress#export-progress-bar")).to_be_visible()
    assert not serious_violations(page)
    assert len(queued) == 1
    make_report_export(queued[0])
    expect(page.locator(".export-progress")).to_have_attribute("data-status", "done", timeout=15_000)
    download_link = page.locator("a[data-download]")
    expect(download_link).to_be_visible()
    assert not serious_violations(page)
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename.startswith("presence-report-")
    export = ReportExport.objects.get()
    assert export.language == lang and export.status == ExportStatus.DONE


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_progress_page_follows_the_job_until_the_link(reviewer_page, make_user, lang, size):  # noqa: F811
    from registry.models import User

    page = reviewer_page
    page.set_viewport_size(SIZES[size])
    reviewer = User.objects.get(is_reviewer=True)
    export = ReportExport.objects.create(requested_by=reviewer, language=lang, status=ExportStatus.RUNNING,
                                         progress=45)
    page.goto(f"/{lang}/review/report/exports/{export.pk}/")
    expect_page_language(page, lang)
    expect(page.locator("progress#export-progress-bar")).to_have_attribute("value", "45")
    assert not serious_violations(page)
    ReportExport.objects.filter(pk=export.pk).update(progress=70)
    expect(page.locator("progress#export-progress-bar")).to_have_js_property("value", 70, timeout=10_000)
    ReportExport.objects.filter(pk=export.pk).update(status=ExportStatus.DONE, progress=100, pdf=b"%PDF-1.7",
                                                      pages=3)
    # static/js/export-progress.js: the page follows the job, and shows the link once it is made.
    expect(page.locator("a[data-download]")).to_be_visible(timeout=10_000)
