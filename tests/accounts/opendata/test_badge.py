"""The official-account badge: its states (official, under check, formerly official and compromised in
red), both languages, accessible SVG, hostile handles, caching that follows the register, a 404 for
anything the public may not see, and the snippet to copy from the channel's public and staff pages."""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Alert, AlertKind, Channel, Status
from accounts.opendata.badge import COLOURS, TEXT_COLOUR

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def badge(channel, language: str | None = "en", client: Client | None = None):
    query = {"lang": language} if language else {}
    return (client or Client()).get(f"/badge/{channel.pk}.svg", query)


def drawn(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    return ET.fromstring(response.content)  # well-formed XML, or this raises


def texts(svg: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in svg.iter(f"{SVG}text")]


@pytest.fixture
def ministry(make_entity):
    return make_entity(name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")


@pytest.mark.parametrize(("status", "verdict", "headline"), [
    (Status.APPROVED, "official", "Official account"),
    (Status.RETIRED, "formerly_official", "Formerly official"),
    (Status.COMPROMISED, "compromised", "Compromised: do not trust it now"),
])
def test_the_badge_says_what_the_register_says(make_channel, ministry, status, verdict, headline):
    channel = make_channel("https://x.com/MOFAUAE", status=status, entity=ministry)
    svg = drawn(badge(channel))
    assert svg.get("data-verdict") == verdict
    lines = texts(svg)
    assert lines[0] == "X · \u2066MOFAUAE\u2069"  # the handle isolated, read left to right
    assert lines[1] == headline
    assert lines[2] == "UAE Government Communication Office register"
    colour = svg.find(f"{SVG}rect").get("fill")
    assert colour == COLOURS[verdict]
    if status != Status.APPROVED:
        assert colour == "#b00020"  # red: not to be trusted as official now


def test_an_official_account_under_check_says_so(make_channel, ministry):
    channel = make_channel("https://x.com/MOFAUAE", entity=ministry)
    Alert.objects.create(channel=channel, kind=AlertKind.SUSPENDED)
    svg = drawn(badge(channel))
    assert svg.get("data-verdict") == "under_check"
    assert texts(svg)[1] == "Under check: do not rely on it for now"


def _luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


@pytest.mark.parametrize("verdict", list(COLOURS))
def test_the_text_has_a_contrast_of_at_least_4_5_to_1(verdict):
    lighter, darker = sorted((_luminance(TEXT_COLOUR), _luminance(COLOURS[verdict])), reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 4.5


def test_the_badge_is_an_accessible_image_of_real_text_without_script(make_channel, ministry):
    channel = make_channel("https://x.com/MOFAUAE", entity=ministry)
    response = badge(channel)
    svg = drawn(response)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "badge-title badge-desc"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title.get("id") == "badge-title" and desc.get("id") == "badge-desc"
    assert title.text == ("Official account: \u2066MOFAUAE\u2069 on X, in the UAE Government Communication Office "
                          "register")
    assert "changes by itself" in desc.text
    content = response.content.decode()
    assert "<script" not in content and " on" not in content.replace(" on X", "") and "<style" not in content
    assert "javascript:" not in content and "<image" not in content


def test_the_badge_in_arabic_reads_right_to_left(make_channel, ministry):
    channel = make_channel("https://x.com/MOFAUAE", entity=ministry)
    for language in ("ar", None):  # Arabic, the site's language, unless ?lang=en
        svg = drawn(badge(channel, language))
        assert svg.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar" and svg.get("direction") == "rtl"
        assert texts(svg)[1] == "حساب رسمي"
    assert badge(channel, "en")["Content-Language"] == "en"
    svg = drawn(badge(channel, "fr"))  # a language the site does not have: the site's
    assert svg.get("direction") == "rtl"


def test_a_hostile_handle_is_text_and_nothing_else(make_channel, ministry):
    channel = make_channel("https://x.com/MOFAUAE", entity=ministry)
    hostile = 'a"/><script>alert(1)</script>&amp;<!--]]>\x07\x1b'
    Channel.private_objects.filter(pk=channel.pk).update(handle=hostile)
    response = badge(channel)
    svg = drawn(response)
    assert not list(svg.iter(f"{SVG}script"))
    assert [node.tag for node in svg.iter()] == [f"{SVG}{tag}" for tag in ("svg", "title", "desc", "rect", "g", "text",
                                                                           "text", "text")]
    assert 'a"/><script>alert(1)</script>&amp;<!--]]>' in texts(svg)[0]  # shown as typed, control characters gone
    assert "\x07" not in response.content.decode() and "<script" not in response.content.decode()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.REJECTED])
def test_a_channel_the_public_cannot_see_has_no_badge(make_channel, ministry, status):
    channel = make_channel("https://x.com/MOFAUAE", status=status, entity=ministry)
    response = badge(channel)
    assert response.status_code == 404
    assert b"MOFAUAE" not in response.content
    assert Client().get("/badge/999999.svg").status_code == 404


def test_the_badge_is_kept_minutes_at_most_and_may_be_embedded_anywhere(make_channel, ministry, settings):
    channel = make_channel("https://x.com/MOFAUAE", entity=ministry)
    settings.PUBLIC_PAGE_MAX_AGE = 3600
    response = badge(channel)
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "public" in control
    max_age = int(next(part for part in control if part.startswith("max-age=")).split("=")[1])
    assert 0 < max_age <= 300
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_a_flag_changes_the_badge_at_once_though_the_answer_is_replayed(make_channel, ministry):
    channel = make_channel("https://x.com/MOFAUAE", entity=ministry)
    client = Client()
    assert drawn(badge(channel, client=client)).get("data-verdict") == "official"
    assert drawn(badge(channel, client=client)).get("data-verdict") == "official"  # replayed from the cache
    # Every write the public may see bumps the register's version in its transaction (a database trigger).
    Channel.private_objects.filter(pk=channel.pk).update(status=Status.COMPROMISED)
    assert drawn(badge(channel, client=client)).get("data-verdict") == "compromised"
    Channel.private_objects.filter(pk=channel.pk).update(status=Status.RETIRED, retired_at=timezone.now())
    assert drawn(badge(channel, client=client)).get("data-verdict") == "formerly_official"
    Channel.private_objects.filter(pk=channel.pk).update(status=Status.REJECTED)
    assert badge(channel, client=client).status_code == 404


def _snippet(content: str) -> str:
    found = re.search(r'<textarea id="badge-html"[^>]*>(.*?)</textarea>', content, re.DOTALL)
    return html.unescape(found.group(1)) if found else ""


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_public_channel_page_offers_the_snippet_to_copy(make_channel, ministry, language):
    channel = make_channel("https://x.com/MOFAUAE", entity=ministry)
    content = Client().get(f"/{language}/channels/{channel.pk}/").content.decode()
    snippet = _snippet(content)
    match = re.fullmatch(r'<a href="([^"]+)"><img src="([^"]+)" alt="([^"]+)"></a>', snippet)
    assert match, snippet
    assert match.group(1) == f"http://testserver/{language}/channels/{channel.pk}/"
    assert html.unescape(match.group(2)) == f"http://testserver/badge/{channel.pk}.svg?lang={language}"
    assert "MOFAUAE" in match.group(3)
    assert "readonly" in content.split('id="badge-html"')[1].split(">")[0]


def test_the_snippet_escapes_a_hostile_handle(make_channel, ministry):
    channel = make_channel("https://x.com/MOFAUAE", entity=ministry)
    Channel.private_objects.filter(pk=channel.pk).update(handle='x"><script>alert(1)</script>')
    content = Client().get(f"/en/channels/{channel.pk}/").content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;" in _snippet(content)  # the pasted HTML keeps it as text too


def test_the_staff_page_offers_the_snippet_once_the_channel_is_public(make_channel, ministry, make_user):
    approved = make_channel("https://x.com/MOFAUAE", entity=ministry)
    draft = make_channel("https://x.com/MOFAdraft", entity=ministry, status=Status.DRAFT)
    client = Client()
    client.force_login(make_user(editor_of=ministry))
    content = client.get(f"/en/staff/channels/{approved.pk}/").content.decode()
    assert f"http://testserver/badge/{approved.pk}.svg?lang=en" in _snippet(content)
    content = client.get(f"/en/staff/channels/{draft.pk}/").content.decode()
    assert _snippet(content) == "" and "A badge is available once the channel is approved and public." in content
