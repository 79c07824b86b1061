"""The public directory: search in Arabic and English, filters, pagination, and nothing unapproved, ever."""
from __future__ import annotations

import itertools
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Status
from accounts.public import directory as public_directory

pytestmark = pytest.mark.django_db

HIDDEN = [Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.CHANGES_REQUESTED]
_n = itertools.count(1)


def listed(response) -> list[str]:
    """The handles of the channels on the page, in order."""
    assert response.status_code == 200
    rows = re.findall(r'<tr data-channel="\d+"[^>]*>(.*?)</tr>', response.content.decode(), re.S)
    return [re.search(r'<a class="channel-link" href="[^"]*" dir="ltr">([^<]+)</a>', row).group(1) for row in rows]


def directory(client, lang: str = "en", **params):
    return client.get(f"/{lang}/directory/", params)


@pytest.fixture
def register(make_entity, make_official, make_channel):
    """Two ministries, one official, channels on two platforms in two languages."""
    mofa = make_entity(slug="mofa", name_ar="وزارة الخارجية", name_en="Ministry of Foreign Affairs")
    moi = make_entity(slug="moi", name_ar="وزارة الداخلية", name_en="Ministry of Interior")
    uae = make_entity(slug="uae-gov", name_ar="حكومة الإمارات", name_en="UAE Government")
    minister = make_official(slug="minister", entity=mofa, name_ar="الشيخ عبد الله", name_en="Sheikh Abdullah")
    make_channel("https://x.com/MOFAUAE", entity=mofa, languages=["ar", "en"])
    make_channel("https://www.instagram.com/mofauae/", entity=mofa, languages=["ar"])
    make_channel("https://x.com/ABZayed", entity=mofa, official=minister, languages=["en"])
    make_channel("https://x.com/moiuae", entity=moi, languages=["ar"])
    make_channel("https://x.com/uaegov", entity=uae, languages=["ar", "en"])
    return {"mofa": mofa, "moi": moi, "uae": uae, "minister": minister}


def test_lists_the_official_channels_with_owner_followers_and_since(client, register, make_channel):
    make_channel("https://x.com/counted", entity=register["moi"], followers=1_234_567, followers_at=timezone.now())
    response = directory(client)
    assert sorted(listed(response)) == sorted(["MOFAUAE", "mofauae", "ABZayed", "moiuae", "uaegov", "counted"])
    html = response.content.decode()
    assert "1,234,567" in html
    assert 'Sheikh Abdullah — <a href="/en/entities/mofa/">Ministry of Foreign Affairs</a>' in html
    mofauae = register["mofa"].channels.get(handle="MOFAUAE")
    assert f'<a class="channel-link" href="/en/channels/{mofauae.pk}/" dir="ltr">MOFAUAE</a>' in html
    assert '<caption id="directory-caption">' in html and '<th scope="col">' in html


def test_owner_names_follow_the_page_language(client, register):
    html = directory(client, "ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert 'الشيخ عبد الله — <a href="/ar/entities/mofa/">وزارة الخارجية</a>' in html
    assert "Ministry of Foreign Affairs" not in html.split("<table")[1]


@pytest.mark.parametrize(("query", "expected"), [
    # Arabic typed without hamza, diacritics, or with ه for ة
    ("وزارة الخارجيه", {"MOFAUAE", "mofauae", "ABZayed"}),
    ("وزاره الخارجية", {"MOFAUAE", "mofauae", "ABZayed"}),
    ("وَزَارَةُ الدَّاخِلِيَّة", {"moiuae"}),
    ("الامارات", {"uaegov"}),
    ("الإمارات", {"uaegov"}),
    ("عبدالله", set()),  # words are matched as typed: no space-insensitive matching
    ("عبد الله", {"ABZayed"}),
    # English names, any case; handles; words from different fields
    ("foreign AFFAIRS", {"MOFAUAE", "mofauae", "ABZayed"}),
    ("ministry of interior", {"moiuae"}),
    ("sheikh", {"ABZayed"}),
    ("MOFAUAE", {"MOFAUAE", "mofauae"}),
    ("abzayed الخارجيه", {"ABZayed"}),
    ("  ", {"MOFAUAE", "mofauae", "ABZayed", "moiuae", "uaegov"}),
    ("ministry of health", set()),
    ("50%_", set()),  # LIKE wildcards are matched literally
])
def test_search_normalises_arabic_and_english(client, register, query, expected):
    assert set(listed(directory(client, q=query))) == expected


@pytest.mark.parametrize(("params", "expected"), [
    ({"entity": "mofa"}, {"MOFAUAE", "mofauae", "ABZayed"}),
    ({"entity": "moi"}, {"moiuae"}),
    ({"official": "minister"}, {"ABZayed"}),
    ({"platform": "instagram"}, {"mofauae"}),
    ({"platform": "x", "entity": "mofa"}, {"MOFAUAE", "ABZayed"}),
    ({"language": "en"}, {"MOFAUAE", "ABZayed", "uaegov"}),
    ({"language": "ar", "entity": "mofa"}, {"MOFAUAE", "mofauae"}),
    ({"language": "fr"}, set()),
    ({"entity": "mofa", "q": "instagram"}, set()),
    ({"entity": "moi", "q": "الخارجية"}, set()),
])
def test_each_filter_narrows_the_list(client, register, params, expected):
    assert set(listed(directory(client, **params))) == expected


def test_retired_channels_show_only_when_asked_and_compromised_ones_are_marked(client, register, make_channel):
    make_channel("https://x.com/oldmofa", entity=register["mofa"], status=Status.RETIRED)
    make_channel("https://x.com/hackedmofa", entity=register["mofa"], status=Status.COMPROMISED)

    default = directory(client, entity="mofa")
    assert set(listed(default)) == {"MOFAUAE", "mofauae", "ABZayed", "hackedmofa"}
    assert "Compromised: do not trust this account now" in default.content.decode()

    assert listed(directory(client, entity="mofa", status="retired")) == ["oldmofa"]
    assert "Formerly official" in directory(client, status="retired").content.decode()
    assert listed(directory(client, status="compromised")) == ["hackedmofa"]
    assert "hackedmofa" not in listed(directory(client, status="approved"))


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("params", [
    {},
    {"entity": "mofa"},
    {"official": "minister"},
    {"platform": "x", "language": "ar"},
    {"q": "secret"},
    {"status": "retired"},
    {"status": "approved"},
    {"status": "compromised"},
    {"status": "draft"},
    {"status": "submitted"},
])
def test_unapproved_channels_are_never_listed(client, register, make_channel, hidden, params):
    make_channel("https://x.com/secretmofa", entity=register["mofa"], official=register["minister"],
                 status=hidden, languages=["ar"], display_name="Secret")
    for lang in ("en", "ar"):
        response = directory(client, lang, **params)
        assert "secretmofa" not in listed(response)
        assert "secretmofa" not in response.content.decode()


def test_a_filter_that_is_not_a_choice_is_an_error_and_the_rest_still_applies(client, register):
    response = directory(client, platform="myspace", status="draft", q="الخارجيه")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('role="alert"') == 2
    assert 'value="الخارجيه"' in html  # what the person typed is kept
    assert set(listed(response)) == {"MOFAUAE", "mofauae", "ABZayed"}


def test_every_filter_has_a_label(client, register):
    html = directory(client).content.decode()
    for name in ("q", "entity", "official", "platform", "language", "status"):
        assert f'<label for="id_{name}">' in html
        assert f'id="id_{name}"' in html


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_register_too_large_to_list_takes_the_owners_short_name(client, register, monkeypatch, lang):
    monkeypatch.setattr(public_directory, "LISTED_OWNERS", 2)  # three entities: too many to list
    html = directory(client, lang).content.decode()
    assert '<input type="text" name="entity"' in html and 'name="entity"><option' not in html
    assert '<select id="id_official" name="official">' in html  # the one official is still listed
    assert '<label for="id_entity">' in html and "ministry-of-economy" in html  # how to type it, said
    assert set(listed(directory(client, lang, entity="moi"))) == {"moiuae"}
    refused = directory(client, lang, entity="nobody", q="uae")
    assert refused.status_code == 200 and refused.content.decode().count('role="alert"') == 1
    assert 'value="nobody"' in refused.content.decode()  # what the person typed is kept
    assert set(listed(refused)) == {"MOFAUAE", "mofauae", "moiuae", "uaegov"}  # the rest still applies


def test_pagination_keeps_the_filters(client, make_entity, make_channel):
    entity = make_entity(slug="big", name_ar="هيئة كبيرة", name_en="Big Authority")
    other = make_entity()
    for n in range(30):
        make_channel(f"https://x.com/big{n:02d}", entity=entity, languages=["ar"])
    make_channel("https://x.com/elsewhere", entity=other, languages=["ar"])

    first = directory(client, entity="big", language="ar", q="هيئه")
    assert len(listed(first)) == 25
    html = first.content.decode()
    assert 'data-count="30"' in html
    next_link = re.search(r'<a href="([^"]+)" rel="next">', html).group(1).replace("&amp;", "&")
    for part in ("entity=big", "language=ar", "page=2"):
        assert part in next_link

    second = client.get(f"/en/directory/{next_link}")
    assert len(listed(second)) == 5
    assert set(listed(first)) | set(listed(second)) == {f"big{n:02d}" for n in range(30)}
    # A page number out of range shows the last page rather than an error.
    assert listed(directory(client, entity="big", page="99")) == listed(second)
    assert len(listed(directory(client, entity="big", page="abc"))) == 25


def test_the_page_is_read_only(client):
    assert client.post("/en/directory/").status_code == 405


def queries_for(client, params) -> int:
    cache.clear()  # what drawing the page costs, not reading it from the cache
    with CaptureQueriesContext(connection) as captured:
        assert directory(client, **params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("params", [{}, {"q": "وزارة"}, {"platform": "x", "language": "ar"}])
def test_fifty_channels_cost_the_same_queries_as_five(client, make_entity, make_official, make_channel, params):
    def add(count: int) -> None:
        for _ in range(count):
            n = next(_n)
            entity = make_entity(name_ar=f"وزارة {n}")
            official = make_official(entity=entity)
            make_channel(f"https://x.com/q{n}", entity=entity, official=official, languages=["ar"],
                         followers=n, followers_at=timezone.now())

    add(5)
    five = queries_for(client, params)
    add(45)
    fifty = queries_for(client, {**params, "page": "2"})
    assert fifty == five
    assert five <= 6
