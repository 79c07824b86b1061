"""The public pages beyond verify and the directory: home figures, the entities, an entity, a
channel with its follower history; none shows an unapproved channel; all are cacheable."""
from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import FollowerSnapshot, Status

pytestmark = pytest.mark.django_db

HIDDEN = [Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.CHANGES_REQUESTED]
PUBLIC = [Status.APPROVED, Status.RETIRED, Status.COMPROMISED]
_n = itertools.count(1)


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def handles(html: str, marker: str = "") -> list[str]:
    """The channel handles linked in `html` (after `marker`, when given), in order."""
    if marker:
        html = html[html.index(marker):]
    return re.findall(r'<a class="channel-link" href="/\w\w/channels/\d+/" dir="ltr">([^<]+)</a>', html)


def between(html: str, start: str, end: str) -> str:
    begin = html.index(start)
    return html[begin:html.index(end, begin)]


@pytest.fixture
def mofa(make_entity, make_official, make_channel):
    entity = make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية",
                         website="https://www.mofa.gov.ae")
    minister = make_official(entity=entity, slug="minister", name_en="Sheikh Abdullah", name_ar="الشيخ عبد الله",
                             title_en="Minister", title_ar="الوزير")
    make_official(entity=entity, slug="envoy", name_en="Special Envoy", name_ar="المبعوث الخاص")
    now = timezone.now()
    make_channel("https://x.com/MOFAUAE", entity=entity, followers=900_000, followers_at=now)
    make_channel("https://www.instagram.com/mofauae/", entity=entity, followers=100_000, followers_at=now)
    make_channel("https://x.com/ABZayed", entity=entity, official=minister, followers=5_000_000, followers_at=now)
    make_channel("https://x.com/oldmofa", entity=entity, status=Status.RETIRED, followers=7, followers_at=now)
    return entity


# --- Home --------------------------------------------------------------------------------------

def test_home_shows_figures_per_platform_the_largest_and_the_latest(client, mofa, make_channel):
    recent = make_channel("https://t.me/mofa_news", entity=mofa, approved_at=timezone.now())
    make_channel("https://x.com/draftmofa", entity=mofa, status=Status.SUBMITTED, followers=10**9,
                 followers_at=timezone.now())
    html = page(client, "/en/")

    platforms = between(html, 'data-figures="platforms"', "</table>")
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>([\d,]+)</td><td>([\d,]+)</td>', platforms)
    # Official channels only (the retired one and the submission do not count), most followed first.
    assert rows == [("X", "2", "5,900,000"), ("Instagram", "1", "100,000"), ("Telegram", "1", "0")]

    largest = between(html, 'data-list="largest"', "</ol>")
    assert handles(largest) == ["ABZayed", "MOFAUAE", "mofauae"]  # uncounted and unofficial left out
    assert "5,000,000 followers" in largest
    assert handles(between(html, 'data-list="recent"', "</ul>"))[0] == recent.handle
    assert "draftmofa" not in html and "oldmofa" not in html


def test_home_figures_read_in_arabic(client, mofa):
    html = page(client, "/ar/")
    assert "5,000,000" in between(html, 'data-list="largest"', "</ol>")
    assert "الشيخ عبد الله" in html and "وزارة الخارجية" in html


# --- Entities ---------------------------------------------------------------------------------

def test_entities_page_lists_active_entities_with_their_official_figures(client, mofa, make_entity):
    make_entity(slug="gone", name_en="Dissolved Authority", is_active=False)
    html = page(client, "/en/entities/")
    row = between(html, 'data-entity="mofa"', "</tr>")
    # Three approved channels (the minister's included), the retired one not counted.
    assert re.findall(r"<td>([\d,]+)</td>", row) == ["3", "6,000,000"]
    assert '<a href="/en/entities/mofa/">Ministry of Foreign Affairs</a>' in row
    assert "Sheikh Abdullah" in row and "Special Envoy" in row
    assert "Dissolved Authority" not in html


def test_a_register_of_many_entities_is_listed_a_hundred_to_a_page(client, make_entity):
    from accounts.public.views import ENTITIES_PAGE_SIZE

    for n in range(ENTITIES_PAGE_SIZE + 1):
        make_entity(slug=f"many-{n:03}", name_en=f"Authority {n:03}")
    first, second = page(client, "/en/entities/"), page(client, "/en/entities/?page=2")
    assert first.count("<tr data-entity=") == ENTITIES_PAGE_SIZE and "101 entities — page 1 of 2" in first
    assert re.findall(r'<tr data-entity="([^"]+)"', second) == ["many-100"]
    assert 'href="?page=2" rel="next"' in first


def test_entity_page_groups_its_channels_and_its_officials(client, mofa):
    html = page(client, "/en/entities/mofa/")
    assert "<h1>Ministry of Foreign Affairs</h1>" in html
    assert 'lang="ar">وزارة الخارجية</p>' in html  # the other language's name, marked as such
    assert re.search(r'data-total="followers">6,000,000<', html)
    own = between(html, 'id="own-heading"', "</section>")
    assert sorted(handles(own)) == ["MOFAUAE", "mofauae", "oldmofa"]
    assert "Formerly official" in own
    officials = between(html, 'id="officials-heading"', "</section>")
    assert handles(between(officials, 'id="official-minister"', "</table>")) == ["ABZayed"]
    assert "Special Envoy" in officials and "No channel in the register." in officials


def test_entity_page_is_in_arabic_too(client, mofa):
    html = page(client, "/ar/entities/mofa/")
    assert "<h1>وزارة الخارجية</h1>" in html and '<html lang="ar" dir="rtl">' in html
    assert 'lang="en">Ministry of Foreign Affairs</p>' in html


def test_entity_page_warns_of_a_compromised_channel(client, mofa, make_channel):
    make_channel("https://x.com/hackedmofa", entity=mofa, status=Status.COMPROMISED)
    html = page(client, "/en/entities/mofa/")
    assert "One of these channels is flagged as compromised" in html
    assert "hackedmofa" in handles(html)


def test_an_owner_with_more_accounts_than_the_page_lists_links_to_the_rest(client, monkeypatch, make_entity,
                                                                          make_official, make_channel):
    monkeypatch.setattr("accounts.public.views.ENTITY_PAGE_ROWS", 3)
    entity = make_entity(slug="big-authority")
    official = make_official(entity=entity, slug="big-minister")
    for n in range(5):
        make_channel(f"https://x.com/big{n}", entity=entity)
    make_channel("https://x.com/big9", entity=entity, status=Status.COMPROMISED)  # beyond the first three
    for n in range(2):
        make_channel(f"https://x.com/minister{n}", entity=entity, official=official)

    html = page(client, "/en/entities/big-authority/")

    own = between(html, 'id="own-heading"', "</section>")
    assert handles(own) == ["big0", "big1", "big2"]  # the first three, in the directory's order
    assert "This page lists 3 of its 6 accounts." in own
    assert 'href="/en/directory/?entity=big-authority"' in own
    officials = between(html, 'id="officials-heading"', "</section>")
    assert handles(officials) == ["minister0", "minister1"]
    assert "This page lists" not in officials  # all of the official's are listed: no link
    # The warning counts every compromised account of the entity, listed or not.
    assert "One of these channels is flagged as compromised" in html


def test_unknown_or_inactive_entities_are_not_found(client, make_entity):
    make_entity(slug="closed", is_active=False)
    page(client, "/en/entities/closed/", 404)
    page(client, "/en/entities/no-such-entity/", 404)


# --- Channel ----------------------------------------------------------------------------------

def history(channel, counts: list[int], last_day: date):
    FollowerSnapshot.objects.bulk_create([
        FollowerSnapshot(channel=channel, date=last_day - timedelta(days=len(counts) - 1 - i), followers=count)
        for i, count in enumerate(counts)
    ])


def test_channel_page_shows_owner_status_since_and_the_follower_history(client, mofa):
    channel = mofa.channels.get(handle="ABZayed")
    today = timezone.localdate()
    history(channel, [4_000_000 + 10_000 * day for day in range(100)], today)
    html = page(client, f"/en/channels/{channel.pk}/")

    assert 'data-status="approved"' in html and "Official: this account is in the register." in html
    assert '<a href="https://x.com/ABZayed" rel="nofollow noopener" dir="ltr">' in html
    assert 'Sheikh Abdullah — <a href="/en/entities/mofa/">Ministry of Foreign Affairs</a>' in html
    assert "5,000,000" in html

    chart = between(html, '<figure class="follower-chart">', "</svg>")
    assert 'role="img"' in chart and 'dir="ltr"' in chart
    points = re.search(r'<polyline class="line" points="([^"]+)"', chart).group(1).split(" ")
    assert len(points) == 100  # one point a day
    xs = [float(point.split(",")[0]) for point in points]
    ys = [float(point.split(",")[1]) for point in points]
    assert xs == sorted(xs) and ys == sorted(ys, reverse=True)  # growing followers climb left to right
    assert "From 4,000,000 followers on" in chart and "to 4,990,000 followers on" in chart

    months = re.findall(r'<tr data-date="([\d-]+)">', between(html, '<table class="history">', "</table>"))
    assert months[0] == today.isoformat()  # newest first, each month's last count
    assert len(months) == len({(today - timedelta(days=d)).strftime("%Y-%m") for d in range(100)})


def test_a_channel_with_one_count_marks_the_point_and_one_without_says_so(client, mofa):
    channel = mofa.channels.get(handle="MOFAUAE")
    page_html = page(client, f"/en/channels/{channel.pk}/")
    assert "No follower count has been recorded for this channel yet." in page_html
    history(channel, [900_000], timezone.localdate())
    assert '<circle class="line"' in page(client, f"/en/channels/{channel.pk}/")


def test_a_retired_channel_page_says_formerly_official_until_when(client, mofa):
    channel = mofa.channels.get(handle="oldmofa")
    html = page(client, f"/en/channels/{channel.pk}/")
    assert "Formerly official" in html and "Official until" in html
    assert '<a href="https://x.com/oldmofa"' not in html  # shown, not offered as a link to follow


def test_a_compromised_channel_page_warns(client, mofa, make_channel):
    channel = make_channel("https://x.com/hackedmofa", entity=mofa, status=Status.COMPROMISED)
    html = page(client, f"/ar/channels/{channel.pk}/")
    assert 'data-status="compromised"' in html
    assert "Compromised: do not trust this account now." not in html  # translated on the Arabic page


@pytest.mark.parametrize("hidden", HIDDEN)
def test_no_page_shows_an_unapproved_channel_even_by_its_id(client, mofa, make_channel, hidden):
    secret = make_channel("https://x.com/secretmofa", entity=mofa, status=hidden, followers=10**8,
                          followers_at=timezone.now(), approved_at=None)
    history(secret, [1, 2, 3], timezone.localdate())
    for lang in ("en", "ar"):
        page(client, f"/{lang}/channels/{secret.pk}/", 404)
        page(client, f"/{lang}/channels/{secret.pk + 1000}/", 404)
        for url in (f"/{lang}/", f"/{lang}/entities/", f"/{lang}/entities/mofa/"):
            html = page(client, url)
            assert "secretmofa" not in html and "100,000,000" not in html, url


# --- Cheap to serve ---------------------------------------------------------------------------

def test_public_pages_are_cacheable_and_verify_answers_revalidated(client, mofa, settings):
    settings.PUBLIC_PAGE_MAX_AGE = 120
    channel = mofa.channels.get(handle="MOFAUAE")
    for url in ("/en/", "/ar/directory/", "/en/entities/", "/en/entities/mofa/", f"/en/channels/{channel.pk}/"):
        response = client.get(url)
        assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=120"}, url
        assert response.has_header("ETag"), url
        assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304, url
    verify = client.get("/en/verify/", {"q": "https://x.com/MOFAUAE"})
    assert set(verify["Cache-Control"].split(", ")) == {"public", "no-cache"}


def test_pages_are_read_only(client, mofa):
    for url in ("/en/", "/en/entities/", "/en/entities/mofa/"):
        assert client.post(url).status_code == 405


def queries_for(client, url: str) -> int:
    cache.clear()  # what drawing the page costs, not reading it from the cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_fifty_entities_and_channels_cost_the_same_queries_as_five(client, make_entity, make_official, make_channel):
    ministry = make_entity(slug="big")

    def add(count: int) -> None:
        for _ in range(count):
            n = next(_n)
            official = make_official(entity=ministry)
            make_channel(f"https://x.com/q{n}", entity=ministry, official=official, followers=n,
                         followers_at=timezone.now())
            make_official(entity=make_entity())

    add(5)
    five = {url: queries_for(client, url) for url in ("/en/", "/en/entities/", "/en/entities/big/")}
    add(45)
    fifty = {url: queries_for(client, url) for url in five}
    assert fifty == five
    assert max(five.values()) <= 8


def test_a_reported_count_says_it_was_reported_not_measured(client, mofa, make_channel):
    from accounts.models import RefreshStatus

    snap = make_channel("https://www.snapchat.com/add/mofauae", entity=mofa, followers=12_000,
                        followers_at=timezone.now(), refresh_status=RefreshStatus.REPORTED)
    html = page(client, f"/en/channels/{snap.pk}/")
    assert "reported by the entity on" in html and "not measured by the registry" in html
    measured = mofa.channels.get(handle="MOFAUAE")
    assert "not measured" not in page(client, f"/en/channels/{measured.pk}/")


def test_the_channel_page_names_its_languages_in_the_page_language(client, mofa, make_channel):
    channel = make_channel("https://x.com/mofa_bilingual", entity=mofa, languages=["ar", "en"])
    assert "Arabic · English" in page(client, f"/en/channels/{channel.pk}/")
    assert "العربية · الإنجليزية" in page(client, f"/ar/channels/{channel.pk}/")
