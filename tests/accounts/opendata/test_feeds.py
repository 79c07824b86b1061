"""The Atom and JSON feeds of public changes (accounts/opendata/feeds.py), in Arabic and in English."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from tests.accounts.opendata.steps import Workflow, workflow_for

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NEWEST_FIRST = ("theirs", "second", "second", "first")


@pytest.fixture
def workflow(make_entity, make_user) -> Workflow:
    return workflow_for(make_entity, make_user)


@pytest.fixture
def changes(workflow, make_entity, make_user):
    """Three public changes of the ministry, one of another entity, and steps the public never sees."""
    workflow.draft("https://x.com/a_draft")
    workflow.act(workflow.submitted("https://x.com/refused"), "reject", reason="No.")
    first = workflow.approved("https://x.com/first_one")
    second = workflow.approved("https://instagram.com/second_one")
    workflow.act(second, "flag_compromised", reason="Taken over.")
    other = make_entity(slug="other-authority", name_en="Other Authority", name_ar="الهيئة الأخرى")
    theirs = workflow.approved("https://x.com/theirs", entity=other, editor=make_user(editor_of=other))
    return {"first": first, "second": second, "theirs": theirs}


def atom(path: str) -> ET.Element:
    response = Client().get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def json_feed(path: str) -> dict:
    response = Client().get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/feed+json")
    return json.loads(response.content)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_atom_feed_lists_public_changes_newest_first(changes, language):
    feed = atom(f"/{language}/feeds/changes.atom")
    assert feed.tag == f"{ATOM}feed" and feed.get(XML_LANG) == language
    assert feed.findtext(f"{ATOM}title") and feed.findtext(f"{ATOM}id") and feed.findtext(f"{ATOM}updated")
    assert feed.findtext(f"{ATOM}author/{ATOM}name")  # required when the entries name none
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}link").get("href") for entry in entries] == [
        f"http://testserver/{language}/channels/{changes[name].pk}/" for name in NEWEST_FIRST]
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(set(ids)) == 4 and all(entry_id.startswith("tag:") for entry_id in ids)
    for entry in entries:
        assert entry.findtext(f"{ATOM}title") and entry.findtext(f"{ATOM}updated")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    if language == "en":
        assert "compromised" in titles[1] and "second_one" in titles[1]
        assert "is now an official account of" in titles[3]
    else:
        assert all(any("\u0600" <= ch <= "\u06ff" for ch in title) for title in titles)
    assert "a_draft" not in str(ET.tostring(feed)) and "refused" not in str(ET.tostring(feed))


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_json_feed_has_the_same_entries(changes, language):
    feed = json_feed(f"/{language}/feeds/changes.json")
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["language"] == language and feed["title"]
    assert feed["feed_url"] == f"http://testserver/{language}/feeds/changes.json"
    items = feed["items"]
    assert [item["url"] for item in items] == [
        f"http://testserver/{language}/channels/{changes[name].pk}/" for name in NEWEST_FIRST]
    assert [item["_registry"]["kind"] for item in items] == ["approved", "compromised", "approved", "approved"]
    assert all(item["id"] and item["title"] and item["date_published"] for item in items)
    entries = atom(f"/{language}/feeds/changes.atom").findall(f"{ATOM}entry")
    atom_ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert [item["id"] for item in items] == atom_ids


def test_an_entity_has_its_own_feeds(changes):
    feed = atom("/en/feeds/entities/other-authority/changes.atom")
    assert [e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry")] == [
        f"http://testserver/en/channels/{changes['theirs'].pk}/"]
    assert "Other Authority" in feed.findtext(f"{ATOM}title")
    items = json_feed("/ar/feeds/entities/ministry-of-tests/changes.json")["items"]
    assert {item["_registry"]["channel"]["entity"] for item in items} == {"ministry-of-tests"}
    assert len(items) == 3


def test_an_unknown_or_inactive_entity_has_no_feed(changes, make_entity):
    make_entity(slug="closed-entity", is_active=False)
    for path in ["/en/feeds/entities/nobody/changes.atom", "/en/feeds/entities/closed-entity/changes.json"]:
        assert Client().get(path).status_code == 404


def test_feeds_are_read_only(changes):
    assert Client().post("/en/feeds/changes.json").status_code == 405


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_page_names_the_feeds_and_an_entitys_page_its_own_feed_too(changes, make_entity, lang):
    """Feed readers and browsers find the feeds from the page itself (<link rel="alternate">)."""
    entity = changes["first"].entity
    page = Client(HTTP_ACCEPT_LANGUAGE=lang).get(f"/{lang}/entities/{entity.slug}/").content.decode()
    assert 'type="application/atom+xml" title="' in page
    assert f'href="/{lang}/feeds/changes.atom"' in page and f'href="/{lang}/feeds/changes.json"' in page
    assert f'href="/{lang}/feeds/entities/{entity.slug}/changes.atom"' in page
    home = Client(HTTP_ACCEPT_LANGUAGE=lang).get(f"/{lang}/").content.decode()
    assert f'href="/{lang}/feeds/changes.atom"' in home and "/feeds/entities/" not in home
