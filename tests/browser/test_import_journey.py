"""An editor imports a spreadsheet in a real browser, in Arabic and in English: upload, read the
preview row by row, confirm, and find the registered draft; nothing registered before the confirm."""
from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from accounts.models import Channel
from tests.accounts.imports.sheets import csv_bytes
from tests.accounts.staff.test_views import login

pytestmark = pytest.mark.browser

FILE = csv_bytes([
    ["الجهة", "الرابط", "اللغات"],
    ["mofa", "https://x.com/MOFAUAE", "عربي وإنجليزي"],
    ["وزارة الخارجية", "https://twitter.com/mofauae", ""],
    ["mofa", "https://myspace.com/uaegov", ""],
], delimiter=";")


@pytest.fixture
def editor_page(page, make_entity, make_user, live_server):
    mofa = make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")
    client = login(Client(), make_user(editor_of=mofa))
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])
    return page


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_upload_preview_confirm(editor_page, lang):
    page = editor_page
    page.goto(f"/{lang}/staff/")
    page.locator("nav.area-nav a[href$='/staff/imports/']").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/staff/imports/$"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")

    page.locator("input[type=file][name=file]").set_input_files(
        files=[{"name": "قنوات.csv", "mimeType": "text/csv", "buffer": FILE}])
    page.locator("form.channel-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/{lang}/staff/imports/\d+/$"))
    rows = page.locator("table.import-rows tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("tr[data-row='2']")).to_have_attribute("data-outcome", "register")
    expect(page.locator("tr[data-row='3']")).to_have_attribute("data-outcome", "duplicate")
    expect(page.locator("tr[data-row='4']")).to_have_attribute("data-outcome", "unreadable")
    expect(page.locator("tr[data-row='4']")).to_contain_text("myspace.com")
    if lang == "ar":
        expect(page.locator("tr[data-row='2']")).to_contain_text("وزارة الخارجية")
        # Right to left: the first column (the row number) is the rightmost.
        headings = page.locator("table.import-rows thead th")
        assert headings.nth(0).bounding_box()["x"] > headings.nth(1).bounding_box()["x"]
    assert not Channel.private_objects.exists()

    page.locator("form.confirm-import button[type=submit]").click()
    expect(page.locator("form.confirm-import")).to_have_count(0)
    channel = Channel.private_objects.get()
    assert (channel.status, channel.handle, channel.languages) == ("draft", "MOFAUAE", ["ar", "en"])
    page.locator(f"tr[data-row='2'] a[href$='/staff/channels/{channel.pk}/']").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/staff/channels/{channel.pk}/$"))
    expect(page.locator("h1")).to_contain_text("MOFAUAE")
