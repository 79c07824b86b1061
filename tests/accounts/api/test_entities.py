"""The public read API: channels (filters, search, ordering, pages, CSV, follower history),
entities, officials and statistics — and that the public never sees a channel that is not
approved, retired or compromised, through any of them."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api import export
from accounts.api.export import COLUMNS
from accounts.models import Channel, FollowerSnapshot, Status
from accounts.platforms import Platform, parse_account_link
from registry.api import RegisterPagination
from registry.authentication import api_token_issue

pytestmark = pytest.mark.django_db

CHANNELS = "/api/v1/channels/"
CSV = "/api/v1/channels.csv"
PUBLIC = {Status.APPROVED, Status.RETIRED, Status.COMPROMISED}
HIDDEN = set(Status) - PUBLIC


@pytest.fixture
def public():
    return APIClient()


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(body.decode("utf-8").removeprefix("\ufeff"))))


def counted(channel: Channel, followers: int, *, days_ago: int = 0) -> Channel:
    channel.followers, channel.followers_at = followers, timezone.now() - timedelta(days=days_ago)
    channel.save(update_fields=["followers", "followers_at"])
    return channel


def bulk_channels(entity, count: int, *, official=None, status=Status.APPROVED) -> None:
    now = timezone.now()
    rows = []
    for n in range(count):
        account = parse_account_link(f"https://x.com/bulk{entity.pk}x{n}")
        rows.append(Channel(
            platform=account.platform, handle=account.handle, handle_key=account.handle_key,
            canonical_url=account.canonical_url, entity=entity, official=official, status=status,
            approved_at=now, followers=n, followers_at=now, languages=["ar"],
        ))
    Channel.private_objects.bulk_create(rows)


# --- Nothing but approved, retired and compromised ----------------------------------------------

@pytest.fixture
def every_state(make_channel, make_entity):
    entity = make_entity(slug="all-states")
    channels = {status: make_channel(status=status, entity=entity) for status in Status}
    for channel in channels.values():
        counted(channel, 1000)
        FollowerSnapshot.objects.create(channel=channel, date=date(2026, 1, 1), followers=900)
    return channels


def test_the_public_sees_only_public_states_through_every_route(public, every_state):
    shown = {every_state[status].pk for status in PUBLIC}
    hidden = {every_state[status].pk for status in HIDDEN}
    guessed = hidden | {max(shown | hidden) + n for n in (1, 2, 1000)}

    assert ids(public.get(CHANNELS)) == shown
    assert ids(public.get(CHANNELS, {"entity": "all-states", "page_size": 200})) == shown
    for status in Status:
        expected = {every_state[status].pk} if status in PUBLIC else set()
        assert ids(public.get(CHANNELS, {"status": status})) == expected, status
    for pk in guessed:
        for url in (f"{CHANNELS}{pk}/", f"{CHANNELS}{pk}/followers/", f"{CHANNELS}{pk}/?format=csv"):
            response = public.get(url)
            assert response.status_code == 404, url
            assert b"changes_requested" not in response.content and b"draft" not in response.content
    for pk in shown:
        assert public.get(f"{CHANNELS}{pk}/").json()["status"] in PUBLIC
        assert public.get(f"{CHANNELS}{pk}/followers/").json() == [
            {"date": "2026-01-01", "followers": 900, "source": "api"}
        ]
    for response in (public.get(CSV), public.get(CHANNELS, {"format": "csv"}),
                     public.get(CSV, {"status": "draft"})):
        assert {int(row["id"]) for row in csv_rows(response)} <= shown
    assert {int(row["id"]) for row in csv_rows(public.get(CSV))} == shown

    stats = public.get("/api/v1/stats/").json()
    assert (stats["channels"], stats["followers"]) == (1, 1000)  # the approved one only
    entity = public.get("/api/v1/entities/all-states/").json()
    assert (entity["channels"], entity["followers"]) == (1, 1000)


def test_staff_read_their_own_entitys_hidden_channels_but_not_in_the_public_csv(every_state, make_user):
    draft = every_state[Status.DRAFT]
    editor = APIClient()
    editor.force_authenticate(make_user(editor_of=draft.entity))
    assert editor.get(f"{CHANNELS}{draft.pk}/").status_code == 200
    assert editor.get(f"{CHANNELS}{draft.pk}/followers/").json()[0]["followers"] == 900
    assert ids(editor.get(CHANNELS, {"status": "draft"})) == {draft.pk}
    assert draft.pk not in {int(row["id"]) for row in csv_rows(editor.get(CSV))}

    stranger = APIClient()
    stranger.force_authenticate(make_user())
    assert stranger.get(f"{CHANNELS}{draft.pk}/followers/").status_code == 404


def test_a_channel_reads_with_the_public_fields_and_no_staff_ones(public, make_channel, make_official):
    official = make_official()
    channel = counted(make_channel("https://instagram.com/uaegov", entity=official.entity, official=official,
                                   display_name="حكومة الإمارات", languages=["ar", "en"]), 1234)
    data = public.get(f"{CHANNELS}{channel.pk}/").json()
    assert {"id", "platform", "handle", "url", "display_name", "entity", "official", "languages", "status",
            "followers", "followers_at", "since"} <= set(data)
    assert (data["entity"], data["official"], data["display_name"], data["followers"]) == (
        official.entity.slug, official.slug, "حكومة الإمارات", 1234
    )
    assert not {"version", "proposed_changes", "submitted_at", "decided_at"} & set(data)


# --- Filters, search, ordering, pages ----------------------------------------------------------

@pytest.fixture
def register(make_channel, make_entity, make_official):
    health = make_entity(slug="health", name_en="Ministry of Health and Prevention",
                         name_ar="وزارة الصحة ووقاية المجتمع")
    economy = make_entity(slug="economy", name_en="Ministry of Economy", name_ar="وزارة الاقتصاد")
    minister = make_official(slug="minister-economy", entity=economy, name_en="Abdulla Bin Touq",
                             name_ar="عبدالله بن طوق")
    return {
        "health_x": counted(make_channel("https://x.com/mohapuae", entity=health, languages=["ar", "en"],
                                         display_name="MOHAP"), 500),
        "health_ig": counted(make_channel("https://instagram.com/healthmohap", entity=health, languages=["ar"],
                                          approved_at=timezone.now() - timedelta(days=30)), 9000),
        "economy_x": make_channel("https://x.com/economyae", entity=economy, languages=["en"],
                                  status=Status.RETIRED, display_name="اقتصاد"),
        "minister_x": counted(make_channel("https://x.com/binTouq", entity=economy, official=minister,
                                           languages=["ar", "en"], status=Status.COMPROMISED), 70),
    }


@pytest.mark.parametrize(("query", "expected"), [
    ({"platform": "x"}, {"health_x", "economy_x", "minister_x"}),
    ({"platform": "instagram"}, {"health_ig"}),
    ({"entity": "health"}, {"health_x", "health_ig"}),
    ({"entity": "economy"}, {"economy_x", "minister_x"}),
    ({"entity": "no-such-entity"}, set()),
    ({"official": "minister-economy"}, {"minister_x"}),
    ({"language": "en"}, {"health_x", "economy_x", "minister_x"}),
    ({"language": "fr"}, set()),
    ({"status": "retired"}, {"economy_x"}),
    ({"status": "compromised"}, {"minister_x"}),
    ({"status": "submitted"}, set()),
    ({"platform": "x", "language": "ar"}, {"health_x", "minister_x"}),
    ({"search": "MOHAP"}, {"health_x", "health_ig"}),  # the handle, any case
    ({"search": "prevention"}, {"health_x", "health_ig"}),  # the entity's English name
    ({"search": "الصحة"}, {"health_x", "health_ig"}),  # the entity's Arabic name
    ({"search": "الصحه"}, {"health_x", "health_ig"}),  # ة typed as ه: the site's Arabic normalisation
    ({"search": "اقتصاد"}, {"economy_x", "minister_x"}),  # display name, and entity name_ar
    ({"search": "بن طوق"}, {"minister_x"}),  # the official's Arabic name
    ({"search": "bin touq"}, {"minister_x"}),  # the official's English name
    ({"search": "nothing like it"}, set()),
])
def test_each_filter_and_search(public, register, query, expected):
    assert ids(public.get(CHANNELS, query)) == {register[name].pk for name in expected}
    assert {int(row["id"]) for row in csv_rows(public.get(CSV, query))} == {register[name].pk for name in expected}


def test_bad_filter_values_are_refused_in_the_error_shape(public, register):
    for query in ({"platform": "myspace"}, {"ordering": "secret"}, {"language": "xx"}):
        response = public.get(CHANNELS, query)
        assert response.status_code == 400 and response.json()["code"] == "invalid", query


@pytest.mark.parametrize(("ordering", "expected"), [
    ("-followers", ["health_ig", "health_x", "minister_x", "economy_x"]),  # no count yet: last
    ("followers", ["minister_x", "health_x", "health_ig", "economy_x"]),
    ("handle", ["minister_x", "economy_x", "health_ig", "health_x"]),
    ("-since", ["health_ig", "health_x", "economy_x", "minister_x"]),
    ("platform", ["health_ig", "economy_x", "minister_x", "health_x"]),
])
def test_ordering(public, register, ordering, expected):
    if ordering == "-since":
        for n, name in enumerate(["health_x", "economy_x", "minister_x"]):
            Channel.private_objects.filter(pk=register[name].pk).update(
                approved_at=timezone.now() - timedelta(days=100 + n)
            )
    if ordering == "platform":  # instagram before x; ties by handle
        expected = ["health_ig", *sorted(["economy_x", "minister_x", "health_x"], key=lambda n: register[n].handle_key)]
    rows = public.get(CHANNELS, {"ordering": ordering}).json()["results"]
    assert [row["id"] for row in rows] == [register[name].pk for name in expected]


def test_pages_are_capped_at_the_maximum_size(public, make_entity):
    bulk_channels(make_entity(), RegisterPagination.max_page_size + 5)
    body = public.get(CHANNELS, {"page_size": 10_000}).json()
    assert set(body) == {"count", "count_estimated", "next", "previous", "results"}
    assert (body["count"], body["count_estimated"]) == (205, False)
    assert len(body["results"]) == RegisterPagination.max_page_size == 200
    assert body["previous"] is None and "page=2" in body["next"]
    assert len(public.get(CHANNELS).json()["results"]) == RegisterPagination.page_size
    assert len(public.get(CHANNELS, {"page_size": 7}).json()["results"]) == 7
    assert len(csv_rows(public.get(CSV))) == 205  # the CSV is the whole register, unpaged


# --- CSV ------------------------------------------------------------------------------------------

def test_the_csv_streams_every_row_once_in_order_across_its_blocks(public, make_entity, monkeypatch):
    monkeypatch.setattr(export, "BLOCK_ROWS", 7)
    bulk_channels(make_entity(), 30)
    response = public.get(CSV)
    blocks = list(response.streaming_content)
    assert len(blocks) == 1 + 30 // 7 + 1  # the header, four full blocks, the rest
    listed = [row["id"] for row in public.get(CHANNELS, {"page_size": 50}).json()["results"]]
    rows = list(csv.DictReader(io.StringIO(b"".join(blocks).decode("utf-8-sig"))))
    assert [int(row["id"]) for row in rows] == listed and len(listed) == 30


def test_the_csv_has_a_bom_the_columns_and_intact_arabic(public, register):
    response = public.get(CSV)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body[:3] == b"\xef\xbb\xbf"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    by_id = {int(row[0]): dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}
    minister = by_id[register["minister_x"].pk]
    assert (minister["entity_name_ar"], minister["official_name_ar"], minister["official_slug"]) == (
        "وزارة الاقتصاد", "عبدالله بن طوق", "minister-economy"
    )
    assert (minister["status"], minister["followers"], minister["languages"]) == ("compromised", "70", "ar;en")
    assert by_id[register["economy_x"].pk]["display_name"] == "اقتصاد"
    assert by_id[register["economy_x"].pk]["followers"] == ""
    assert public.get(CHANNELS, {"format": "csv"}).getvalue() == body


def test_csv_cells_cannot_become_spreadsheet_formulas(public, make_channel):
    make_channel(display_name="=HYPERLINK(\"http://evil.example\")")
    (row,) = csv_rows(public.get(CSV))
    assert row["display_name"].startswith("'=")


# --- Follower history ------------------------------------------------------------------------------

def test_follower_history_with_since_and_until(public, make_channel):
    channel = make_channel()
    for day, count in ((1, 100), (2, 150), (3, 120)):
        FollowerSnapshot.objects.create(channel=channel, date=date(2026, 3, day), followers=count,
                                        source=FollowerSnapshot.Source.REPORTED if day == 2 else "api")
    url = f"{CHANNELS}{channel.pk}/followers/"
    assert public.get(url).json() == [
        {"date": "2026-03-01", "followers": 100, "source": "api"},
        {"date": "2026-03-02", "followers": 150, "source": "reported"},
        {"date": "2026-03-03", "followers": 120, "source": "api"},
    ]
    assert [row["followers"] for row in public.get(url, {"since": "2026-03-02"}).json()] == [150, 120]
    assert [row["followers"] for row in public.get(url, {"until": "2026-03-02"}).json()] == [100, 150]
    assert [row["followers"] for row in public.get(url, {"since": "2026-03-02", "until": "2026-03-02"}).json()] == [
        150
    ]
    for query in ({"since": "yesterday"}, {"since": "2026-03-03", "until": "2026-03-01"}):
        response = public.get(url, query)
        assert response.status_code == 400 and response.json()["code"] == "invalid", query


# --- Entities, officials, statistics -----------------------------------------------------------------

def test_entities_and_officials(public, register, make_entity, make_official, make_channel):
    make_entity(slug="closed", is_active=False)
    make_official(slug="former", entity=register["health_x"].entity, is_active=False)
    make_channel(entity=register["health_x"].entity, status=Status.SUBMITTED)  # counts for nobody

    entities = {row["slug"]: row for row in public.get("/api/v1/entities/").json()["results"]}
    assert "closed" not in entities
    assert (entities["health"]["channels"], entities["health"]["followers"], entities["health"]["officials"]) == (
        2, 9500, []
    )
    assert entities["economy"]["channels"] == 0  # retired and compromised are not official now
    assert [official["slug"] for official in entities["economy"]["officials"]] == ["minister-economy"]
    detail = public.get("/api/v1/entities/health/").json()
    assert {"slug", "name_ar", "name_en", "kind", "website", "official_domains", "parent"} <= set(detail)
    assert detail["name_ar"] == "وزارة الصحة ووقاية المجتمع"
    assert public.get("/api/v1/entities/closed/").status_code == 404
    assert public.get("/api/v1/entities/nope/").json()["code"] == "not_found"

    officials = public.get("/api/v1/officials/").json()["results"]
    assert "former" not in {row["slug"] for row in officials}
    minister = next(row for row in officials if row["slug"] == "minister-economy")
    assert (minister["entity"], minister["name_ar"]) == ("economy", "عبدالله بن طوق")
    assert {"title_ar", "title_en", "name_en"} <= set(minister)
    assert [row["slug"] for row in public.get("/api/v1/officials/", {"entity": "health"}).json()["results"]] == []


def test_a_child_entity_names_its_parent(public, make_entity):
    parent = make_entity(slug="cabinet")
    make_entity(slug="office", parent=parent)
    assert public.get("/api/v1/entities/office/").json()["parent"] == "cabinet"


def test_stats_add_up_the_approved_register(public, make_channel, make_entity, make_official):
    entities = [make_entity() for _ in range(3)]
    make_official(entity=entities[0])
    make_entity(is_active=False)
    made = [
        counted(make_channel("https://x.com/a1", entity=entities[0]), 100),
        counted(make_channel("https://x.com/a2", entity=entities[1]), 250),
        counted(make_channel("https://instagram.com/a3", entity=entities[2]), 4000),
        make_channel("https://youtube.com/@a4channel", entity=entities[2]),  # no count yet
        counted(make_channel("https://x.com/a5", entity=entities[2], status=Status.RETIRED), 7),
        counted(make_channel("https://x.com/a6", entity=entities[2], status=Status.SUBMITTED), 9),
    ]
    approved = [channel for channel in made if channel.status == Status.APPROVED]
    stats = public.get("/api/v1/stats/").json()
    assert stats["channels"] == len(approved) == 4
    assert stats["followers"] == sum(channel.followers or 0 for channel in approved) == 4350
    assert (stats["entities"], stats["officials"]) == (3, 1)
    assert set(stats["platforms"]) == set(Platform.values)
    assert stats["platforms"]["x"] == {"channels": 2, "followers": 350}
    assert stats["platforms"]["instagram"] == {"channels": 1, "followers": 4000}
    assert stats["platforms"]["youtube"] == {"channels": 1, "followers": 0}
    assert stats["platforms"]["tiktok"] == {"channels": 0, "followers": 0}


# --- Cost ---------------------------------------------------------------------------------------------

def queries_for(client, url) -> int:
    cache.clear()  # what answering costs, not reading a count or a page from the cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [CHANNELS, "/api/v1/entities/", "/api/v1/officials/"])
def test_a_page_of_50_costs_the_same_queries_as_one_of_5(public, make_entity, make_official, url):
    def grow(count: int) -> None:
        for _ in range(count // 5):
            entity = make_entity()
            official = make_official(entity=entity)
            bulk_channels(entity, 5, official=official)

    grow(5)
    small = queries_for(public, url)
    grow(45)
    assert queries_for(public, url) == small <= 4, url


def test_the_channel_list_costs_the_same_for_an_editor(make_entity, make_user, make_official):
    entity = make_entity()
    editor = APIClient()
    editor.force_login(make_user(editor_of=entity))  # the user is read again for each request
    bulk_channels(entity, 5, status=Status.DRAFT)
    small = queries_for(editor, CHANNELS)
    bulk_channels(make_entity(), 45)
    assert queries_for(editor, CHANNELS) == small


def test_the_channel_list_costs_the_same_for_a_reviewer(make_entity, make_user):
    client = APIClient()
    _, key = api_token_issue(user=make_user(reviewer=True), second_factor=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.get(CHANNELS)  # the token's first use of the hour is recorded: not part of the list's cost
    bulk_channels(make_entity(), 5, status=Status.SUBMITTED)
    small = queries_for(client, CHANNELS)
    bulk_channels(make_entity(), 45, status=Status.SUBMITTED)
    response = client.get(CHANNELS)
    assert len(response.json()["results"]) == 50 and "approve" in response.json()["results"][0]["actions"]
    assert queries_for(client, CHANNELS) == small


def test_the_csv_refuses_a_bad_filter_in_plain_words(public, make_channel):
    make_channel()
    response = public.get(CSV, {"platform": "myspace"})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/csv")
    assert "myspace" in response.content.decode()
