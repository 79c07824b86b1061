"""The badge as a browser shows it: the SVG decodes as a picture (a badly escaped handle or a bad
attribute would leave a broken image), on the channel's page beside the HTML to copy, in both languages."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import Channel, Status

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_channel_page_shows_the_badge_and_its_html(page, make_channel, language):
    channel = make_channel("https://x.com/MOFAUAE")
    flagged = make_channel("https://instagram.com/mofauae", status=Status.COMPROMISED)
    Channel.private_objects.filter(pk=flagged.pk).update(handle='mofa"<b>&')
    for shown in (channel, flagged):
        page.goto(f"/{language}/channels/{shown.pk}/")
        badge = page.locator("[data-badge] img")
        expect(badge).to_be_visible()
        assert badge.evaluate("img => img.complete && img.naturalWidth > 200 && img.naturalHeight === 76")
        snippet = page.locator("#badge-html")
        expect(snippet).to_have_attribute("readonly", "")
        assert f"/badge/{shown.pk}.svg?lang={language}" in snippet.input_value()
