"""Verify's answers as a person on a phone meets them, in Arabic and English: every verdict on the
first screen in its own colour and icon, a handle alone, ranked look-alikes, a share link from an
app, a name typed into the box, sharing the answer, and the impostor radar's mark reaching the public.
"""
from __future__ import annotations

import io
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from accounts.models import Alert, AlertKind, KnownImpostor, Status
from accounts.radar.services import mark_impostor
from tests.accounts.staff.test_views import login
from tests.browser import test_public_journeys as public
from tests.browser.test_public_journeys import (
    LANGUAGES,
    PHONE,
    check_from_the_home_page,
    expect_page_language,
    in_language,
    serious_violations,
)
from tests.platforms.stub import PlatformStub, Reply

pytestmark = pytest.mark.browser

register = public.register  # the fixture, found by pytest under this name

# Each verdict's colour family, read from the answer's border (the CSS's --green, --red, grey, amber).
FAMILIES = {"official": "green", "under_check": "amber", "formerly_official": "grey", "compromised": "red",
            "known_impostor": "red", "not_registered": "amber"}


def family(rgb: str) -> str:
    red, green, blue = (int(part) for part in re.findall(r"\d+", rgb)[:3])
    if abs(red - green) < 16 and abs(green - blue) < 16:
        return "grey"
    if green > red and green > blue:
        return "green"
    if red > 150 and green < 80:
        return "red"
    return "amber" if red > green > blue else "other"


@pytest.fixture
def troubles(register, make_channel, make_user):
    """One account of each kind of trouble: under check, compromised, and a known impostor."""
    Alert.objects.create(channel=register.channels["moi_x"], kind=AlertKind.ID_CHANGED,
                         details={"old_id": "1", "new_id": "2"})
    make_channel("https://x.com/mofahacked", entity=register.mofa, status=Status.COMPROMISED)
    return mark_impostor(user=make_user(reviewer=True), link="https://x.com/M0FAUAE", reason="Visa scams.",
                         reported_on=timezone.localdate() - timedelta(days=2), two_factor=True)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_verdict_opens_the_first_screen_in_its_own_colour_and_icon(page, register, troubles, lang):
    page.set_viewport_size(PHONE)
    icons = {}
    for text, result in [("https://x.com/MOFAUAE", "official"), ("https://x.com/moiuae", "under_check"),
                         ("https://x.com/uaeinterior", "formerly_official"), ("x.com/mofahacked", "compromised"),
                         ("https://x.com/M0FAUAE", "known_impostor"), ("https://x.com/MOFAUAE_news", "not_registered")]:
        answer = check_from_the_home_page(page, lang, text)
        expect(answer).to_have_attribute("data-result", result)
        box = answer.bounding_box()
        assert box is not None and box["y"] < PHONE["height"] / 2, (result, box)
        heading = answer.get_by_role("heading", level=2)
        expect(heading).to_be_in_viewport()
        colour = answer.evaluate("e => getComputedStyle(e).borderInlineStartColor")
        assert family(colour) == FAMILIES[result], (result, colour)
        icons[result] = heading.locator(".verdict-icon").inner_text()
    # The words differ and the icons tell the families apart without colour.
    assert len({icons[result] for result in ("official", "known_impostor", "not_registered", "formerly_official")}) == 4


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_known_impostor_is_red_and_says_when_it_was_reported(page, register, troubles, lang):
    answer = check_from_the_home_page(page, lang, "@M0FAUAE")
    expect(answer).to_have_attribute("data-result", "known_impostor")
    expect(answer.locator("[data-lookalikes] li").first).to_contain_text("MOFAUAE")
    expect(answer.locator("[data-next-steps] [data-report]")).to_be_visible()
    assert not serious_violations(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_handle_alone_is_answered_from_every_platform_it_is_registered_on(page, register, lang):
    answer = check_from_the_home_page(page, lang, "mofauae")
    expect(answer).to_have_attribute("data-result", "official")
    matches = answer.locator("[data-matches] li")
    expect(matches).to_have_count(2)
    expect(matches.nth(0)).to_have_attribute("data-platform", "x")
    expect(matches.nth(1)).to_have_attribute("data-platform", "instagram")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lookalikes_come_closest_first_at_most_three(page, register, make_channel, lang):
    for handle in ("MOFAUAE1", "MOFAUAE_ae", "MOFAUAEX"):
        make_channel(f"https://x.com/{handle}", entity=register.moi)
    answer = check_from_the_home_page(page, lang, "https://x.com/M0FAUAE")
    rows = answer.locator("[data-lookalikes] li")
    expect(rows).to_have_count(3)
    expect(rows.first.get_by_role("link")).to_have_text("https://x.com/MOFAUAE")
    expect(rows.first.locator(".lookalike-reason")).to_contain_text("0")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_share_link_copied_from_an_app_is_answered_for_its_account(page, register, make_channel, settings, lang):
    make_channel("https://www.tiktok.com/@mofauae", entity=register.mofa)
    with PlatformStub() as tiktok:
        tiktok.route("/ZMabc123/", Reply(301, b"", {"Location": "https://www.tiktok.com/@mofauae/video/7300?_r=1"}))
        settings.SHORT_LINK_BASE_URLS = {"vm.tiktok.com": tiktok.url}
        answer = check_from_the_home_page(page, lang, "https://vm.tiktok.com/ZMabc123/")
        expect(answer).to_have_attribute("data-result", "official")
        expect(answer.locator("[data-shared-link]")).to_contain_text("https://www.tiktok.com/@mofauae")
        assert len(tiktok.requests) == 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_name_typed_into_the_box_leads_to_the_entitys_accounts(page, register, lang):
    answer = check_from_the_home_page(page, lang, in_language(register.mofa, lang))
    entity = answer.locator("[data-entities]").get_by_role("link", name=in_language(register.mofa, lang))
    entity.click()
    expect(page).to_have_url(re.compile(rf"/{lang}/entities/mofa/$"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_answer_is_shared_by_a_short_link_with_its_picture(page, browser, live_server, register, lang):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    answer = check_from_the_home_page(page, lang, "https://x.com/MOFAUAE")
    link = answer.locator("[data-share-link]")
    expect(link).to_have_text(re.compile(rf"/{lang}/v/x/MOFAUAE$"))
    copy = answer.locator("[data-copy]")
    expect(copy).to_be_visible()
    copy.click()
    expect(answer.locator("[data-share-done]")).not_to_be_empty()
    assert page.evaluate("navigator.clipboard.readText()") == link.get_attribute("href")

    page.goto(link.get_attribute("href"))
    expect(page.locator("section.verify-answer")).to_have_attribute("data-result", "official")
    picture = page.locator('meta[property="og:image"]').get_attribute("content")
    response = page.request.get(picture)
    assert response.ok and response.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(response.body())).size == (1200, 630)


def reviewer_cookie(user, live_server) -> dict:
    """The session of a reviewer whose login passed the second factor, as a browser cookie."""
    client = login(Client(), user, second_factor=True)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_from_the_radar_to_the_public_answer(page, browser, live_server, register, make_user, lang):
    # The public asks about a look-alike three times.
    for _ in range(3):
        page.goto(f"/{lang}/verify/?" + urlencode({"q": "https://x.com/M0FAUAE"}))
    expect(page.locator("section.verify-answer")).to_have_attribute("data-result", "not_registered")

    reviewer = browser.new_context(base_url=live_server.url)
    reviewer.add_cookies([reviewer_cookie(make_user(reviewer=True), live_server)])
    desk = reviewer.new_page()
    desk.goto(f"/{lang}/review/radar/")
    expect_page_language(desk, lang)
    row = desk.locator('[data-asked="x:m0fauae"]')
    expect(row).to_contain_text("3")
    expect(row).to_contain_text("MOFAUAE")
    assert not serious_violations(desk)
    row.get_by_role("link").last.click()
    form = desk.locator("form.radar-mark")
    expect(form.locator("input[name=link]")).to_have_value("https://x.com/M0FAUAE")
    form.locator("textarea[name=reason]").fill("Asks people for their passport numbers.")
    form.locator("input[name=report_url]").fill("https://help.x.com/case/42")
    form.get_by_role("button").click()
    expect(desk.locator(".messages")).to_contain_text("M0FAUAE")
    mark = KnownImpostor.objects.get()
    expect(desk.locator(f'[data-impostor="{mark.pk}"]')).to_have_attribute("data-standing", "yes")

    page.goto(f"/{lang}/verify/?" + urlencode({"q": "https://x.com/M0FAUAE"}))
    answer = page.locator("section.verify-answer")
    expect(answer).to_have_attribute("data-result", "known_impostor")

    # Withdrawn: the public answer goes back to "not registered".
    withdraw = desk.locator(f'[data-impostor="{mark.pk}"] form')
    withdraw.locator("textarea").fill("The platform removed the account.")
    withdraw.get_by_role("button").click()
    expect(desk.locator(f'[data-impostor="{mark.pk}"]')).to_have_attribute("data-standing", "no")
    page.reload()
    expect(page.locator("section.verify-answer")).to_have_attribute("data-result", "not_registered")
    reviewer.close()
