"""What a member of the public does on the site, in a real browser, in Arabic and in English.

Each journey is driven through the page as a person would (type, choose, click) and judged by what
the page then shows; axe-core checks the same pages for serious and critical accessibility faults.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone, translation
from playwright.sync_api import expect

from accounts.models import Channel, FollowerSnapshot, Status
from entities.models import Entity, Official

pytestmark = pytest.mark.browser

LANGUAGES = ["ar", "en"]
# A look-alike of @MOFAUAE with a Cyrillic А (U+0410) where the Latin A is.
CYRILLIC_MOFAUAE = "https://x.com/MOF\u0410UAE"


@dataclass(frozen=True)
class Register:
    mofa: Entity
    moi: Entity
    minister: Official
    channels: dict[str, Channel]


@pytest.fixture
def register(make_entity, make_official, make_channel) -> Register:
    """Two ministries and a minister; channels on X and Instagram, one retired; a follower history."""
    mofa = make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")
    moi = make_entity(slug="moi", name_en="Ministry of Interior", name_ar="وزارة الداخلية")
    minister = make_official(slug="abdullah-bin-zayed", entity=mofa, name_en="Sheikh Abdullah bin Zayed",
                             name_ar="الشيخ عبدالله بن زايد")
    now = timezone.now()
    channels = {
        "mofa_x": make_channel("https://x.com/MOFAUAE", entity=mofa, languages=["ar", "en"],
                               display_name="وزارة الخارجية", followers=1_254_310, followers_at=now),
        "mofa_instagram": make_channel("https://www.instagram.com/mofauae/", entity=mofa, languages=["ar"]),
        "minister_x": make_channel("https://x.com/ABZayed", entity=mofa, official=minister, languages=["en"]),
        "moi_x": make_channel("https://x.com/moiuae", entity=moi, languages=["ar", "en"]),
        "moi_retired": make_channel("https://x.com/uaeinterior", entity=moi, status=Status.RETIRED),
    }
    # Six months of counts, the last one today's.
    for months_ago, followers in enumerate([1_254_310, 1_240_002, 1_231_870, 1_219_455, 1_205_120, 1_198_004]):
        FollowerSnapshot.objects.create(channel=channels["mofa_x"], date=now.date() - timedelta(days=30 * months_ago),
                                        followers=followers)
    return Register(mofa=mofa, moi=moi, minister=minister, channels=channels)


def in_language(thing: Entity | Official, lang: str) -> str:
    return thing.name_ar if lang == "ar" else thing.name_en


def the_other(lang: str) -> str:
    return "en" if lang == "ar" else "ar"


def expect_page_language(page, lang: str) -> None:
    html = page.locator("html")
    expect(html).to_have_attribute("lang", lang)
    expect(html).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")


def check_from_the_home_page(page, lang: str, text: str):
    """Type `text` into the home page's verify box and submit it; the answer's section."""
    page.goto(f"/{lang}/")
    box = page.locator("form.verify-box")
    box.locator("input[name=q]").fill(text)
    box.get_by_role("button").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/verify/\?"))
    expect_page_language(page, lang)
    return page.locator("section.verify-answer")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_official_link_is_answered_official_and_names_its_owner(page, register, lang):
    answer = check_from_the_home_page(page, lang, "https://x.com/MOFAUAE")

    expect(answer).to_have_attribute("data-result", "official")
    expect(answer.get_by_role("heading", level=2)).to_be_visible()
    expect(answer).to_contain_text(in_language(register.mofa, lang))
    expect(answer).not_to_contain_text(in_language(register.mofa, the_other(lang)))
    expect(answer.locator("[data-lookalikes]")).to_have_count(0)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("lookalike", ["https://x.com/MOFAUAE_news", CYRILLIC_MOFAUAE],
                         ids=["added-word", "cyrillic-letter"])
def test_a_lookalike_is_not_registered_and_the_warning_names_the_official_account(page, register, lang, lookalike):
    answer = check_from_the_home_page(page, lang, lookalike)

    expect(answer).to_have_attribute("data-result", "not_registered")
    warning = answer.locator("[data-lookalikes]")
    expect(warning).to_have_attribute("role", "alert")
    imitated = register.channels["mofa_x"]
    expect(warning.get_by_role("link", name=imitated.canonical_url, exact=True)).to_have_attribute(
        "href", imitated.canonical_url)
    expect(warning).to_contain_text(in_language(register.mofa, lang))


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_on_a_phone_the_verdict_is_on_the_first_screen_each_in_its_own_colour_and_icon(page, register, lang):
    page.set_viewport_size(PHONE)
    seen = {}
    for text, result in [("https://x.com/MOFAUAE", "official"), ("https://x.com/uaeinterior", "formerly_official"),
                         ("https://x.com/MOFAUAE_news", "not_registered")]:
        answer = check_from_the_home_page(page, lang, text)
        expect(answer).to_have_attribute("data-result", result)
        expect(answer).to_have_attribute("role", "status")
        box = answer.bounding_box()
        assert box is not None and box["y"] < PHONE["height"] / 2, (result, box)  # the verdict opens the page
        heading = answer.get_by_role("heading", level=2)
        expect(heading).to_be_in_viewport()
        expect(heading.locator(".verdict-icon")).to_have_attribute("aria-hidden", "true")
        seen[result] = (answer.evaluate("e => getComputedStyle(e).borderInlineStartColor"),
                        heading.locator(".verdict-icon").inner_text())
    # Three verdicts, three colours and three icons: none looks like another.
    assert len({colour for colour, _ in seen.values()}) == 3 and len({icon for _, icon in seen.values()}) == 3


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_retired_account_is_answered_formerly_official(page, register, lang):
    answer = check_from_the_home_page(page, lang, "x.com/uaeinterior")

    expect(answer).to_have_attribute("data-result", "formerly_official")
    expect(answer).to_contain_text(in_language(register.moi, lang))


def channels_found(lang: str, count: int) -> str:
    """The directory's count sentence, as the page's language says it (Arabic has six plural forms)."""
    with translation.override(lang):
        return translation.ngettext("%(counter)s channel found.", "%(counter)s channels found.", count) % {
            "counter": count}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("choices", "expected"), [
    ({"platform": "instagram"}, ["mofa_instagram"]),
    ({"platform": "x", "entity": "mofa"}, ["mofa_x", "minister_x"]),
    ({"entity": "mofa"}, ["mofa_x", "mofa_instagram", "minister_x"]),
], ids=["platform", "platform-and-entity", "entity"])
def test_the_directory_filters_list_only_the_matching_channels(page, register, lang, choices, expected):
    page.goto(f"/{lang}/directory/")
    filters = page.locator("form.directory-filters")
    for name, value in choices.items():
        filters.locator(f"select[name={name}]").select_option(value)
    filters.get_by_role("button").click()

    for name, value in choices.items():
        expect(page).to_have_url(re.compile(rf"[?&]{name}={value}(&|$)"))
    rows = page.locator("tr[data-channel]")
    expect(rows).to_have_count(len(expected))
    shown = rows.evaluate_all("rows => rows.map(row => row.dataset.channel)")
    assert sorted(shown) == sorted(str(register.channels[name].pk) for name in expected)
    count = page.locator(".result-count")
    expect(count).to_have_attribute("data-count", str(len(expected)))
    expect(count).to_have_text(channels_found(lang, len(expected)))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_channel_opens_from_the_directory_with_its_follower_history(page, register, lang):
    channel = register.channels["mofa_x"]
    page.goto(f"/{lang}/directory/")
    page.locator(f'tr[data-channel="{channel.pk}"] a.channel-link').click()

    expect(page).to_have_url(re.compile(rf"/{lang}/channels/{channel.pk}/$"))
    expect_page_language(page, lang)
    expect(page.locator("h1")).to_contain_text(channel.handle)
    chart = page.locator("figure.follower-chart")
    expect(chart.locator("svg[role=img]")).to_be_visible()
    expect(chart.locator("table")).to_have_count(1)
    expect(chart.locator("table tbody tr")).not_to_have_count(0)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_language_switcher_keeps_the_page_and_its_query(page, register, lang):
    page.goto(f"/{lang}/directory/?platform=x")
    expect_page_language(page, lang)
    page.locator("nav.language-switcher a").click()

    other = the_other(lang)
    expect(page).to_have_url(re.compile(rf"/{other}/directory/\?platform=x$"))
    expect_page_language(page, other)
    expect(page.locator("form.directory-filters select[name=platform]")).to_have_value("x")
    expect(page.locator("tr[data-channel]")).to_have_count(3)  # MOFAUAE, ABZayed, moiuae: not the retired one


# Where each checked page is, under /<lang>/, given the register.
PAGES = {
    "home": lambda register: "",
    "verify-official": lambda register: "verify/?" + urlencode({"q": "https://x.com/MOFAUAE"}),
    "verify-lookalike": lambda register: "verify/?" + urlencode({"q": CYRILLIC_MOFAUAE}),
    "verify-short-link": lambda register: "v/x/MOFAUAE",
    "verify-name": lambda register: "verify/?" + urlencode({"q": "وزارة الخارجية"}),
    "verify-not-understood": lambda register: "verify/?" + urlencode({"q": "https://example.com/nothing"}),
    "directory": lambda register: "directory/",
    "channel": lambda register: f"channels/{register.channels['mofa_x'].pk}/",
}
SERIOUS = ("serious", "critical")


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page, each with the elements that fail it."""
    found = []
    for violation in Axe().run(page).response["violations"]:
        if violation["impact"] in SERIOUS:
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
            found += [f"    {' '.join(map(str, node['target']))}: {node['html']}" for node in violation["nodes"]]
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("where", list(PAGES))
def test_public_pages_have_no_serious_accessibility_faults(page, register, lang, where):
    response = page.goto(f"/{lang}/{PAGES[where](register)}")
    assert response.ok, response.status
    expect_page_language(page, lang)
    problems = serious_violations(page)
    assert not problems, "axe-core finds on " + page.url + ":\n" + "\n".join(problems)
