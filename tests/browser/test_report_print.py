"""The printed presence report in a real browser: a reviewer opens the Arabic printable page, prints
it (print media, then Chromium's own PDF), and it reads right to left in the site's Arabic font.

The screenshot of the printed page is left at /tmp/report_print_ar.png for a person to look at.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import FollowerSnapshot
from accounts.report.scores import record_scores
from accounts.report.standards import RULES_BY_ID
from tests.accounts.report.test_views import pdf_streams
from tests.accounts.staff.test_views import login

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/report_print_ar.png"


@pytest.fixture
def register(make_entity, make_official, make_channel):
    mofa = make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")
    moi = make_entity(slug="moi", name_en="Ministry of Interior", name_ar="وزارة الداخلية", kind="authority")
    minister = make_official(slug="minister", entity=mofa, name_en="The Minister", name_ar="الوزير")
    now = timezone.now()
    x = make_channel("https://x.com/MOFAUAE", entity=mofa, followers=1_254_310, followers_at=now,
                     languages=["ar", "en"])
    make_channel("https://www.instagram.com/mofauae/", entity=mofa, followers=400_000, followers_at=now)
    make_channel("https://x.com/moiuae", entity=moi, followers=900_000, followers_at=now)
    make_channel("https://x.com/theminister", entity=mofa, official=minister, followers=2_000, followers_at=now)
    FollowerSnapshot.objects.create(channel=x, date=now.date() - timedelta(days=45), followers=1_200_000)
    record_scores()
    return {"mofa": mofa, "moi": moi, "minister": minister}


@pytest.fixture
def reviewer_page(page, make_user, live_server):
    """The browser page with a reviewer's session that passed the one-time code."""
    client = login(Client(), make_user(reviewer=True), second_factor=True)
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])
    return page


def test_the_printed_arabic_report_reads_right_to_left(reviewer_page, register):
    page = reviewer_page
    page.goto("/ar/review/report/print/")
    page.emulate_media(media="print")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    heading = page.locator("h1#report-title")
    expect(heading).to_be_visible()
    # On paper only the report: no site navigation, no staff menu, no buttons.
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".area-nav")).to_have_count(0)
    # Each owner's card, Arabic names and advice, starting on a page of its own.
    cards = page.locator("article.owner-card")
    expect(cards).to_have_count(3)
    expect(page.locator("#owner-entity-mofa h2.owner-name")).to_have_text("وزارة الخارجية")
    expect(page.locator("#owner-entity-mofa").get_by_text(RULES_BY_ID["certified"].advice_ar).first).to_be_visible()
    assert cards.first.evaluate("element => getComputedStyle(element).breakBefore") == "page"
    # Right to left: the heading hugs the right edge, the table's first column is the rightmost.
    assert heading.evaluate("element => getComputedStyle(element).direction") == "rtl"
    box, body = heading.bounding_box(), page.locator("main").bounding_box()
    assert abs((box["x"] + box["width"]) - (body["x"] + body["width"])) < 40
    ranking = page.locator("table.ranking thead th")
    assert ranking.nth(0).bounding_box()["x"] > ranking.nth(1).bounding_box()["x"]
    # The Arabic font is the site's own, loaded from this site (the fixture refuses other hosts).
    assert page.evaluate("document.fonts.check('16px \"IBM Plex Sans Arabic\"', 'وزارة')")
    page.evaluate("document.fonts.ready")
    page.screenshot(path=SCREENSHOT, full_page=True)

    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF-")
    content = pdf_streams(pdf)
    assert re.search(rb"IBMPlexSansArabic", content), "the Arabic font is not embedded in the PDF"
    assert re.search(rb"<06[0-9A-Fa-f]{2}>", content), "no Arabic letter in the PDF's text"
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 5  # the overview, then a page per card


def test_the_report_pages_ask_no_other_host(reviewer_page, register):
    page = reviewer_page
    for path in ("/ar/review/report/", "/en/review/report/entity/mofa/", "/ar/presence/"):
        page.goto(path)
        expect(page.locator("svg").first).to_be_attached()
