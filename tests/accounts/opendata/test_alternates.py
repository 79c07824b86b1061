"""Every public page names its canonical address and the same page in each language (hreflang), and
home, entity, channel and verify pages carry a preview (description, OpenGraph, Twitter card) in the
page's language."""
from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from accounts.models import Status
from accounts.opendata.alternates import untracked, without_language

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(make_entity, make_channel):
    entity = make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")
    channel = make_channel("https://x.com/MOFAUAE", entity=entity)
    retired = make_channel("https://x.com/MOFAold", entity=entity, status=Status.RETIRED)
    compromised = make_channel("https://x.com/MOFAhacked", entity=entity, status=Status.COMPROMISED)
    return {"entity": entity, "channel": channel, "retired": retired, "compromised": compromised}


def head(content: str) -> str:
    return content.split("</head>")[0]


def links(content: str) -> tuple[list[str], dict[str, str]]:
    canonical = re.findall(r'<link rel="canonical" href="([^"]+)">', head(content))
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head(content)))
    return canonical, alternates


def meta(content: str, name: str) -> list[str]:
    return re.findall(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', head(content))


PUBLIC_PAGES = ["", "verify/", "directory/", "entities/", "entities/mofa/", "channels/{channel}/", "presence/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
@pytest.mark.parametrize("language", ["ar", "en"])
def test_each_public_page_names_its_canonical_address_and_its_languages(register, path, language):
    path = path.format(channel=register["channel"].pk)
    response = Client().get(f"/{language}/{path}")
    assert response.status_code == 200
    canonical, alternates = links(response.content.decode())
    assert canonical == [f"http://testserver/{language}/{path}"]
    assert alternates == {"ar": f"http://testserver/ar/{path}", "en": f"http://testserver/en/{path}",
                          "x-default": f"http://testserver/{path}"}


def test_the_address_without_a_language_sends_each_visitor_to_theirs(register):
    response = Client().get("/entities/mofa/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == "/en/entities/mofa/"


def test_a_filtered_list_keeps_its_filters_but_not_tracking_parameters(register):
    content = Client().get("/en/directory/", {"platform": "x", "utm_source": "newsletter", "fbclid": "abc"}
                           ).content.decode()
    canonical, alternates = links(content)
    assert canonical == ["http://testserver/en/directory/?platform=x"]
    assert alternates["ar"] == "http://testserver/ar/directory/?platform=x"


def test_a_verify_answer_is_known_by_its_short_link_in_each_language(register):
    content = Client().get("/en/verify/", {"q": "https://twitter.com/mofauae?s=20"}).content.decode()
    canonical, alternates = links(content)
    assert canonical == ["http://testserver/en/v/x/MOFAUAE"]
    assert alternates == {"ar": "http://testserver/ar/v/x/MOFAUAE", "en": "http://testserver/en/v/x/MOFAUAE",
                          "x-default": "http://testserver/v/x/MOFAUAE"}
    assert meta(content, "og:url") == ["http://testserver/en/v/x/MOFAUAE"]


def test_untracked_and_without_language():
    assert untracked("/en/directory/?utm_medium=x&q=a%20b&gclid=1") == "/en/directory/?q=a+b"
    assert untracked("/en/") == "/en/"
    assert without_language("/ar/entities/") == "/entities/"
    assert without_language("/en/") == "/" and without_language("/api/docs/") == "/api/docs/"


# --- Previews ---------------------------------------------------------------------------------------

def preview(content: str) -> dict[str, str]:
    names = ("description", "og:title", "og:description", "og:url", "og:locale", "og:locale:alternate",
             "og:type", "og:image", "twitter:card", "twitter:title", "twitter:description")
    found = {name: meta(content, name) for name in names}
    for name, values in found.items():
        assert len(values) <= 1, f"{name} twice"
    return {name: values[0] for name, values in found.items() if values}


@pytest.mark.parametrize(("language", "locale", "other", "title", "description"), [
    ("en", "en_AE", "ar_AE", "Official Accounts Registry", "The register lists the official social-media accounts"),
    ("ar", "ar_AE", "en_AE", "سجل الحسابات الرسمية", "يضم السجل"),
])
def test_the_home_page_preview_is_in_its_language(register, language, locale, other, title, description):
    found = preview(Client().get(f"/{language}/").content.decode())
    assert found["og:title"] == found["twitter:title"] == title
    assert found["description"] == found["og:description"] == found["twitter:description"]
    assert found["description"].startswith(description)
    assert found["og:locale"] == locale and found["og:locale:alternate"] == other
    assert found["og:url"] == f"http://testserver/{language}/" and found["og:type"] == "website"
    assert found["twitter:card"] == "summary"


@pytest.mark.parametrize(("language", "name"), [("en", "Ministry of Foreign Affairs"), ("ar", "وزارة الخارجية")])
def test_the_entity_page_preview_names_the_entity(register, language, name):
    found = preview(Client().get(f"/{language}/entities/mofa/").content.decode())
    assert found["og:title"] == name and name in found["og:description"]
    assert found["og:url"] == f"http://testserver/{language}/entities/mofa/"


@pytest.mark.parametrize(("which", "description"), [
    ("channel", "Official account of Ministry of Foreign Affairs in the UAE Government Communication Office register."),
    ("retired", "Formerly official account of Ministry of Foreign Affairs: not run by the government any more."),
    ("compromised", "Account of Ministry of Foreign Affairs flagged as compromised: do not trust it now."),
])
def test_the_channel_page_preview_says_what_the_register_says(register, which, description):
    channel = register[which]
    found = preview(Client().get(f"/en/channels/{channel.pk}/").content.decode())
    assert found["og:title"] == f"x.com/{channel.handle} (X)"
    assert found["og:description"] == found["description"] == description
    assert found["og:image"] == f"http://testserver/en/v/x/{channel.handle}/card.png"
    assert found["twitter:card"] == "summary_large_image"


def test_the_channel_page_preview_in_arabic(register):
    found = preview(Client().get(f"/ar/channels/{register['channel'].pk}/").content.decode())
    assert "وزارة الخارجية" in found["og:description"] and found["og:locale"] == "ar_AE"


@pytest.mark.parametrize(("query", "title"), [
    ("https://x.com/MOFAUAE", "Official account of Ministry of Foreign Affairs"),
    ("https://x.com/nobody_here", "Not in the register"),
    ("https://x.com/MOFAhacked", "Compromised: do not trust it now"),
])
def test_a_shared_verify_answer_reads_as_its_verdict(register, query, title):
    found = preview(Client().get("/en/verify/", {"q": query}).content.decode())
    assert found["og:title"] == found["twitter:title"] == title


def test_the_empty_verify_page_has_a_preview_too(register):
    found = preview(Client().get("/en/verify/").content.decode())
    assert found["og:title"] == "Is this account official?" and found["og:url"] == "http://testserver/en/verify/"


def test_every_page_links_the_favicon_and_it_is_served(register):
    content = Client().get("/en/").content.decode()
    icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', head(content))
    assert "/static/favicon.ico" in icons and "/static/img/icon.svg" in icons
    for icon in icons:
        assert finders.find(icon.removeprefix("/static/")), icon
    response = Client().get("/favicon.ico")  # asked for by browsers whatever the page says
    assert response.status_code == 302 and response["Location"] == "/static/favicon.ico"
