"""The sitemap: every public page in both languages with hreflang alternates, nothing non-public, and
pages read a slice at a time (PerLanguage) so a million channels cost one page's rows."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Status
from accounts.opendata.sitemaps import ChannelsSitemap, PerLanguage

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def read(url: str):
    response = Client().get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def entries(url: str) -> dict[str, dict[str, str]]:
    """Each <loc> with its alternates {hreflang: href}."""
    return {
        node.find("s:loc", NS).text: {link.get("hreflang"): link.get("href") for link in node.findall("x:link", NS)}
        for node in read(url).findall("s:url", NS)
    }


@pytest.fixture
def register(make_entity, make_channel, make_official):
    ministry = make_entity(slug="mofa")
    make_entity(slug="closed", is_active=False)
    minister = make_official(entity=ministry)
    channels = {status: make_channel(status=status, entity=ministry) for status in Status.values}
    channels["minister"] = make_channel(entity=ministry, official=minister)
    return channels


def test_the_index_names_each_section_by_its_absolute_address(register):
    index = read("/sitemap.xml")
    locations = [node.text for node in index.findall("s:sitemap/s:loc", NS)]
    sections = ("pages", "entities", "channels", "api")
    assert locations == [f"http://testserver/sitemap-{section}.xml" for section in sections]


def test_the_public_pages_are_listed_in_both_languages_each_with_its_alternates(register):
    listed = entries("/sitemap-pages.xml")
    for path in ("", "verify/", "directory/", "entities/", "presence/", "open-data/", "open-data/register/",
                 "open-data/presence/"):
        ar, en = f"http://testserver/ar/{path}", f"http://testserver/en/{path}"
        assert listed[ar] == listed[en] == {"ar": ar, "en": en, "x-default": f"http://testserver/{path}"}
    assert entries("/sitemap-api.xml") == {"http://testserver/api/docs/": {}}


def test_only_active_entities_are_listed(register):
    listed = entries("/sitemap-entities.xml")
    assert set(listed) == {"http://testserver/ar/entities/mofa/", "http://testserver/en/entities/mofa/"}
    assert listed["http://testserver/en/entities/mofa/"]["ar"] == "http://testserver/ar/entities/mofa/"


def test_public_channels_are_listed_and_no_other(register):
    listed = entries("/sitemap-channels.xml")
    public = {register[status].pk for status in (Status.APPROVED, Status.RETIRED, Status.COMPROMISED)}
    public.add(register["minister"].pk)
    assert {int(re.search(r"/channels/(\d+)/", loc).group(1)) for loc in listed} == public
    for pk in public:
        assert listed[f"http://testserver/ar/channels/{pk}/"] == {
            "ar": f"http://testserver/ar/channels/{pk}/", "en": f"http://testserver/en/channels/{pk}/",
            "x-default": f"http://testserver/channels/{pk}/"}
    hidden = [register[status] for status in (Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED,
                                              Status.REJECTED)]
    content = Client().get("/sitemap-channels.xml").content.decode()
    for channel in hidden:
        assert f"/channels/{channel.pk}/" not in content


def test_a_large_register_is_paged_and_each_page_reads_its_own_slice(register, make_channel, monkeypatch):
    for _ in range(6):
        make_channel()
    monkeypatch.setattr(ChannelsSitemap, "limit", 4)  # 10 public channels, 2 languages: 20 entries, 5 pages
    index = read("/sitemap.xml")
    channel_pages = [node.text for node in index.findall("s:sitemap/s:loc", NS) if "channels" in node.text]
    assert channel_pages == ["http://testserver/sitemap-channels.xml"] + [
        f"http://testserver/sitemap-channels.xml?p={page}" for page in range(2, 6)]
    seen = []
    for page in range(1, 6):
        seen += list(entries(f"/sitemap-channels.xml?p={page}"))
    assert len(seen) == len(set(seen)) == 20
    assert Client().get("/sitemap-channels.xml?p=6").status_code == 404


def test_a_page_reads_only_its_own_rows(register):
    with CaptureQueriesContext(connection) as queries:
        entries("/sitemap-channels.xml?p=1")
    reads = [query["sql"] for query in queries if '"accounts_channel"' in query["sql"] and "LIMIT" in query["sql"]]
    assert reads, [query["sql"] for query in queries]


def test_per_language_pairs_match_the_simple_listing():
    items = _Countable(range(7))
    pairs = PerLanguage(items, ["ar", "en"])
    everything = [(item, language) for item in range(7) for language in ("ar", "en")]
    assert len(pairs) == 14
    for start in range(15):
        for stop in range(start, 16):
            assert pairs[start:stop] == everything[start:stop]


class _Countable(list):
    def __init__(self, values):
        super().__init__(values)

    def count(self):
        return len(self)
