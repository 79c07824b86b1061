"""Sharing a verify answer: the short link (/v/x/MOFAUAE), the words a preview shows, and the
verdict card picture, which follows the register at once."""
from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from accounts.models import Status
from accounts.public.sharing import preview, readable
from accounts.public.verify import verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def ministry(make_channel, make_entity):
    entity = make_entity(name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")
    return make_channel("https://x.com/MOFAUAE", status=Status.APPROVED, entity=entity)


def meta(content: str, name: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', content)
    return match.group(1) if match else ""


def test_the_short_link_answers_for_the_account_in_the_page_language(ministry):
    client = Client()
    response = client.get("/v/x/MOFAUAE", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response.headers["Location"] == "/en/v/x/MOFAUAE"
    response = client.get("/en/v/x/mofauae")
    content = response.content.decode()
    assert response.status_code == 200 and 'data-result="official"' in content
    assert "Ministry of Foreign Affairs" in content
    # The preview a chat app shows: the verdict, the account, whose it is, when it was checked.
    assert meta(content, "og:title") == "Official account of Ministry of Foreign Affairs"
    today = timezone.localdate()
    assert meta(content, "og:description") == (
        f"x.com/MOFAUAE — Ministry of Foreign Affairs — Checked on {today.day} {today:%B} {today.year}")
    assert meta(content, "og:image") == "http://testserver/en/v/x/MOFAUAE/card.png"
    assert meta(content, "og:url") == "http://testserver/en/v/x/MOFAUAE"


def test_the_verify_page_offers_the_short_readable_link_and_the_buttons(client, ministry):
    with translation.override("ar"):
        response = client.get(reverse("verify"), {"q": "https://x.com/MOFAUAE?s=20"})
    content = response.content.decode()
    assert 'href="http://testserver/ar/v/x/MOFAUAE" dir="ltr" data-share-link>testserver/ar/v/x/MOFAUAE</a>' in content
    assert "data-copy" in content and "data-share-button" in content and "js/share.js" in content


def test_answers_about_no_account_have_no_short_link_and_no_picture(client, ministry):
    response = client.get("/en/verify/", {"q": "not a link"})
    assert 'data-result="invalid"' in response.content.decode()
    assert meta(response.content.decode(), "og:image") == ""
    assert client.get("/en/v/nowhere/MOFAUAE").status_code == 404
    assert client.get("/en/v/x/not-a-handle!").status_code == 404
    assert client.get("/en/v/x/not-a-handle!/card.png").status_code == 404


def card(client, path: str) -> Image.Image:
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    return Image.open(io.BytesIO(response.content))


def test_the_card_is_a_picture_that_changes_the_moment_the_answer_does(client, ministry):
    official = card(client, "/ar/v/x/MOFAUAE/card.png")
    assert official.size == (1200, 630)
    red, green, _ = official.convert("RGB").getpixel((600, 5))
    assert green > red  # the official stripe
    ministry.status = Status.COMPROMISED
    ministry.save()
    flagged = card(client, "/ar/v/x/MOFAUAE/card.png")
    red, green, _ = flagged.convert("RGB").getpixel((600, 5))
    assert red > green  # not yesterday's cached "official"


def test_a_not_registered_lookalike_preview_names_what_it_looks_like(ministry):
    with translation.override("en"):
        shown = preview(verify("https://x.com/M0FAUAE"))
    assert shown.verdict == "not_registered" and shown.headline == "Not in the register"
    assert shown.owner == "Looks like an account of Ministry of Foreign Affairs"
    assert preview(verify("nonsense words here")) is None


def test_links_read_as_people_read_them():
    assert readable("https://testserver/ar/v/x/%D9%85%D8%AB%D8%A7%D9%84") == "testserver/ar/v/x/مثال"
