"""The report's activity in a real browser (issue 17): a reviewer reads the overview's posts, share of
active channels and dormant channels (each linking to its review page), and anyone reads the public
presence page's posts per platform; both languages, desktop and a 390 px phone, and axe-core finds
nothing serious."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import FollowerSnapshot, SnapshotSource
from accounts.report.summary import summary_edition_record
from tests.browser.test_public_journeys import expect_page_language, serious_violations
from tests.browser.test_report_exports import SIZES, gettext_in
from tests.browser.test_report_print import reviewer_page  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def register(make_entity, make_channel):
    """MOFA's X posted 40 times in 30 days and 400 in a year; the interior's X last posted 150 days ago."""
    today, now = timezone.localdate(), timezone.now()
    mofa = make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")
    moi = make_entity(slug="moi", name_en="Ministry of Interior", name_ar="وزارة الداخلية")
    posting = make_channel("https://x.com/MOFAUAE", entity=mofa, followers=1_000, followers_at=now)
    silent = make_channel("https://x.com/moiuae", entity=moi, followers=2_000, followers_at=now,
                          last_post_at=now - timedelta(days=150), last_post_source=SnapshotSource.API)
    for ago, posts in ((0, 900), (30, 860), (365, 500)):
        FollowerSnapshot.objects.create(channel=posting, date=today - timedelta(days=ago), followers=1_000,
                                        posts=posts)
        FollowerSnapshot.objects.create(channel=silent, date=today - timedelta(days=ago), followers=2_000, posts=70)
    summary_edition_record()
    return {"posting": posting, "silent": silent}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_overview_shows_activity_and_the_dormant_channels(reviewer_page, register, lang, size):  # noqa: F811
    page = reviewer_page
    page.set_viewport_size(SIZES[size])
    page.goto(f"/{lang}/review/report/")
    expect_page_language(page, lang)
    figures = page.locator('dl[data-activity="all"]')
    expect(figures.locator('[data-figure="posts-30d"]')).to_have_text("40")
    expect(figures.locator('[data-figure="active-share"]')).to_have_text("50%")
    expect(figures.locator('[data-figure="dormant"]')).to_have_text("1")
    expect(page.locator('table[data-chart="activity-chart"] rect.bar')).to_have_count(1)
    dormant = page.locator(f'tr[data-dormant="{register["silent"].pk}"]')
    expect(dormant).to_contain_text("moiuae")
    owner = "وزارة الداخلية" if lang == "ar" else "Ministry of Interior"
    expect(dormant.get_by_role("link", name=owner)).to_be_visible()
    link = dormant.locator("th a")
    assert link.get_attribute("href") == f"/{lang}/review/channels/{register['silent'].pk}/"
    assert not serious_violations(page)
    link.click()
    expect(page).to_have_url(re.compile(rf"/{lang}/review/channels/{register['silent'].pk}/$"))


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_public_presence_page_shows_posts_per_platform(page, live_server, register, lang, size):
    page.set_viewport_size(SIZES[size])
    page.goto(f"/{lang}/presence/")
    expect_page_language(page, lang)
    expect(page.get_by_role("heading", name=gettext_in(lang, "Posts per platform"))).to_be_visible()
    expect(page.locator("[data-posts-counted]")).to_have_attribute("data-posts-counted", "2/2")
    row = page.locator('table[data-figures="posts"] tr[data-group="x"]')
    expect(row.locator('[data-posts="30"]')).to_have_text("40")
    expect(row.locator('[data-posts="365"]')).to_have_text("400")
    expect(page.locator('table[data-chart="posts-chart"] rect.bar')).to_have_count(1)
    assert not serious_violations(page)
