"""robots.txt, /.well-known/security.txt and the web app manifest, whose share_target is tested as a
platform's app would use it: the shared link arrives at verify and is answered."""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from accounts.models import Status

pytestmark = pytest.mark.django_db


def test_robots_keeps_crawlers_out_of_the_private_areas_and_names_the_sitemap():
    response = Client().get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    disallowed = {line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow: ")}
    assert {"/admin/", "/api/", "/ar/staff/", "/en/staff/", "/ar/review/", "/en/review/", "/ar/auth/",
            "/en/auth/"} <= disallowed
    assert "Allow: /api/docs/" in lines  # the API's documentation is a public page
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert {"/ar/verify/?", "/en/verify/?"} <= disallowed  # questions, not the page itself
    assert not any(path in disallowed for path in ("/ar/", "/en/", "/badge/", "/ar/verify/", "/en/v/"))


def test_security_txt_has_the_fields_rfc_9116_asks_for(settings):
    settings.SECURITY_CONTACT = "security@gco.example"
    settings.SECURITY_TXT_DAYS = 180
    response = Client().get("/.well-known/security.txt")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines() if line)
    assert fields["Contact"] == "mailto:security@gco.example"
    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(days=179) < expires - datetime.now(UTC) < timedelta(days=365)
    assert fields["Preferred-Languages"] == "ar, en"
    assert fields["Canonical"] == "http://testserver/.well-known/security.txt"


def test_a_contact_given_as_a_uri_is_kept(settings):
    settings.SECURITY_CONTACT = "https://gco.example/report-a-vulnerability"
    content = Client().get("/.well-known/security.txt").content.decode()
    assert "Contact: https://gco.example/report-a-vulnerability\n" in content


@pytest.mark.parametrize(("language", "name", "direction"), [
    ("ar", "سجل الحسابات الرسمية", "rtl"),
    ("en", "Official Accounts Registry", "ltr"),
])
def test_the_manifest_is_in_the_page_language_and_linked_from_every_page(language, name, direction):
    client = Client()
    page = client.get(f"/{language}/").content.decode()
    link = re.search(r'<link rel="manifest" href="([^"]+)">', page).group(1)
    assert link == f"/{language}/manifest.webmanifest"
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json; charset=utf-8"
    manifest = json.loads(response.content)
    assert manifest["lang"] == language and manifest["dir"] == direction
    assert manifest["name"] == name and manifest["short_name"]
    assert manifest["start_url"] == f"/{language}/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/img/")
    assert manifest["share_target"] == {"action": f"/{language}/verify/", "method": "GET",
                                        "params": {"title": "title", "text": "text", "url": "url"}}


@pytest.fixture
def ministry(make_channel, make_entity):
    entity = make_entity(name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")
    return make_channel("https://x.com/MOFAUAE", status=Status.APPROVED, entity=entity)


def _shared(language: str, **params) -> str:
    """What the installed site opens when a platform's app shares to it, as its manifest declares."""
    client = Client()
    target = json.loads(client.get(f"/{language}/manifest.webmanifest").content)["share_target"]
    query = {target["params"][name]: value for name, value in params.items()}
    response = client.get(target["action"], query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("params", [
    {"url": "https://x.com/MOFAUAE"},
    {"title": "MOFA", "text": "Check this https://x.com/MOFAUAE"},  # Android apps often put the link in text
    {"text": "Check this https://x.com/MOFAUAE.", "url": ""},  # the sentence's full stop is not the link's
    {"text": "هل هذا الحساب رسمي؟ https://twitter.com/mofauae?s=20، شكراً"},
    {"text": "@MOFAUAE"},
])
def test_a_shared_link_opens_the_verify_answer_for_it(ministry, params):
    for language, official in (("en", "Official account of Ministry of Foreign Affairs"),
                               ("ar", "وزارة الخارجية")):
        content = _shared(language, **params)
        assert 'data-result="official"' in content, params
        assert official in content


def test_a_shared_link_to_an_unregistered_account_says_so(ministry):
    content = _shared("en", text="Look: https://x.com/MOFAUAE_gov")
    assert 'data-result="not_registered"' in content
    assert '<meta property="og:title" content="Not in the register">' in content


def test_a_question_in_q_comes_before_what_was_shared(ministry, make_channel):
    make_channel("https://x.com/Other")
    content = Client().get("/en/verify/", {"q": "https://x.com/MOFAUAE", "url": "https://x.com/Other"}).content.decode()
    assert "x.com/MOFAUAE" in content and 'data-result="official"' in content


def test_shared_questions_count_against_the_verify_page_limit(ministry, settings):
    settings.VERIFY_PAGE_THROTTLE = "1/min"
    client = Client()
    assert client.get("/en/verify/", {"url": "https://x.com/MOFAUAE"}).status_code == 200
    assert client.get("/en/verify/", {"text": "https://x.com/MOFAUAE"}).status_code == 429
