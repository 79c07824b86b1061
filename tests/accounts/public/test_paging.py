"""Paging the public lists: counts capped and estimated, the last page found from the rows, and the
directory's indexed answers equal to the plain query's (the one before issue 13) on generated registers."""
from __future__ import annotations

import random

import pytest
from django.core.cache import cache
from django.db.models import F
from django.test import override_settings
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import Channel, Status
from accounts.public.directory import DEFAULT_STATUSES, DirectoryFilters, directory_channels, search_channels
from accounts.public.paging import RegisterPaginator
from entities.models import Entity, Official

pytestmark = pytest.mark.django_db

WORDS = ["وزارة", "ministry", "syn", "هيئة", "police", "12"]


def oracle(filters: DirectoryFilters, language: str) -> list[int]:
    """The directory as it was read before the owners' names were copied onto the channel: ordered by the
    joined owners' columns, every match counted."""
    name = f"name_{language}"
    channels = Channel.public_objects.with_owner().filter(status__in=[filters.status] if filters.status
                                                          else DEFAULT_STATUSES)
    if filters.platform:
        channels = channels.filter(platform=filters.platform)
    channels = search_channels(channels, filters.q).order_by(
        f"entity__{name}", F(f"official__{name}").asc(nulls_first=True), "platform", "handle_key", "id")
    return list(channels.values_list("pk", flat=True))


def paged(filters: DirectoryFilters, per_page: int, cap: int) -> tuple[list[int], list]:
    """Every page, following "next" from the first, and the count each page said."""
    ids, counts, number = [], [], 1
    while True:
        paginator = RegisterPaginator(directory_channels(filters), per_page, exact_up_to=cap)
        page = paginator.get_page(number)
        ids += [channel.pk for channel in page.object_list]
        counts.append((paginator.count, paginator.count_estimated, page.has_next()))
        if not page.has_next():
            return ids, counts
        number += 1


def generated_register(seed: int, make_entity, make_official, make_channel) -> None:
    """Entities whose names hold common words or not (some sharing a name), officials, and channels whose
    handles and display names repeat their entity's name, or hold other words, in every public state."""
    rng = random.Random(seed)
    entities = []
    for n in range(8):
        prefix_en, prefix_ar = rng.choice([("Ministry of", "وزارة"), ("Federal Authority for", "الهيئة الاتحادية"),
                                           ("Police of", "شرطة")])
        same = n in (3, 4)  # two entities with one English name, different Arabic ones
        entities.append(make_entity(name_en="Ministry of Same" if same else f"{prefix_en} Topic {rng.randint(1, 40)}",
                                    name_ar=f"{prefix_ar} موضوع {n}"))
    officials = [make_official(entity=entity, name_en=rng.choice(["Syn Official", "Zed"]), name_ar=f"مسؤول {n}")
                 for n, entity in enumerate(entities[:4])]
    for n in range(60):
        entity = rng.choice(entities)
        official = rng.choice([None, None, *[o for o in officials if o.entity_id == entity.pk]])
        handle = rng.choice(["syn", "police", "moe", "ministry", "x"]) + str(rng.randint(1, 999)) + f"n{n}"
        display = rng.choice([entity.name_en, entity.name_ar, "", "Ministry news", "شرطة"])
        make_channel(f"https://{rng.choice(['x.com', 'www.instagram.com'])}/{handle}", entity=entity,
                     official=official, display_name=display,
                     status=rng.choice([Status.APPROVED, Status.APPROVED, Status.COMPROMISED, Status.RETIRED]))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_directory_pages_are_the_plain_querys_answer(seed, make_entity, make_official, make_channel):
    generated_register(seed, make_entity, make_official, make_channel)
    rng = random.Random(seed)
    queries = ["", *WORDS, "ministry syn", "وزارة 1", "police ministry", "syn 1", "ministry topic same"]
    for language in ("ar", "en"):
        with translation.override(language):
            for q in queries:
                for status in ("", Status.RETIRED):
                    filters = DirectoryFilters(q=q, status=status, platform=rng.choice(["", "", "x"]))
                    expected = oracle(filters, language)
                    cache.clear()
                    ids, counts = paged(filters, per_page=4, cap=rng.choice([0, 3, 10, 1000]))
                    assert ids == expected, (language, filters)
                    # The last page's count is exact; one before it may be an estimate, said as one.
                    assert counts[-1][:2] == (len(expected), False)
                    for count, estimated, has_next in counts[:-1]:
                        assert has_next and (estimated or count == len(expected))


def test_a_renamed_entity_moves_its_channels_in_the_directory(make_entity, make_channel):
    late = make_entity(name_en="Zayed Authority", name_ar="هيئة زايد")
    make_entity(name_en="Middle Ministry", name_ar="وزارة الوسط")
    channel = make_channel("https://x.com/moved", entity=late)
    Entity.objects.filter(pk=late.pk).update(name_en="Aardvark Ministry")
    channel.refresh_from_db()
    assert (channel.entity_name_en, channel.entity_name_ar) == ("Aardvark Ministry", "هيئة زايد")
    with translation.override("en"):
        assert directory_channels(DirectoryFilters(q="ministry"))[0:1][0].pk == channel.pk


def test_an_official_and_a_new_owner_are_copied_onto_the_channel(make_entity, make_official, make_channel):
    entity = make_entity(name_en="Ministry of Copies", name_ar="وزارة النسخ")
    other = make_entity(name_en="Authority of Elsewhere", name_ar="هيئة أخرى")
    official = make_official(entity=entity, name_en="Sheikh Copy", name_ar="الشيخ نسخة")
    channel = make_channel("https://x.com/copied", entity=entity, official=official, display_name="Copies news")
    channel.refresh_from_db()
    assert (channel.official_name_en, channel.official_name_ar) == ("Sheikh Copy", "الشيخ نسخة")
    assert channel.own_search_text == "copied news الشيخ نسخه sheikh copy"  # "copies" is in the entity name
    Official.objects.filter(pk=official.pk).update(name_en="Sheikh Renamed")
    Channel.private_objects.filter(pk=channel.pk).update(entity=other, official=None)
    channel.refresh_from_db()
    assert (channel.entity_name_en, channel.official_name_en, channel.official_name_ar) == (
        "Authority of Elsewhere", None, None)


@pytest.fixture
def seven(make_entity, make_channel):
    entity = make_entity(name_en="Ministry of Seven", name_ar="وزارة السبعة")
    return [make_channel(f"https://x.com/seven{n}", entity=entity) for n in range(7)]


def test_above_the_cap_the_count_is_an_estimate_and_the_last_page_is_exact(seven):
    listing = Channel.public_objects.order_by("handle_key")
    first = RegisterPaginator(listing, 3, exact_up_to=2).get_page(1)
    assert first.paginator.count_estimated and first.has_next() and first.paginator.count >= 4
    assert first.page_links() == [1, 2]  # no last page is named from an estimate
    last = RegisterPaginator(listing, 3, exact_up_to=2).get_page(3)
    assert [c.handle for c in last.object_list] == ["seven6"]
    assert (last.paginator.count, last.paginator.count_estimated, last.has_next()) == (7, False, False)
    # Past the end, and nonsense: the last page, from an exact count; not a number: the first.
    for number in ("4", "99", "0"):
        beyond = RegisterPaginator(listing, 3, exact_up_to=2).get_page(number)
        assert (beyond.number, beyond.paginator.count, beyond.paginator.count_estimated) == (3, 7, False)
    assert RegisterPaginator(listing, 3, exact_up_to=2).get_page("x").number == 1


def test_up_to_the_cap_the_count_is_exact(seven):
    page = RegisterPaginator(Channel.public_objects.order_by("handle_key"), 3, exact_up_to=7).get_page(1)
    assert (page.paginator.count, page.paginator.count_estimated, page.paginator.num_pages) == (7, False, 3)
    assert page.page_links() == [1, 2, 3]


def test_an_exact_count_is_kept_under_the_register_version(seven, make_channel, django_assert_num_queries):
    listing = Channel.public_objects.order_by("handle_key")
    cache.clear()
    RegisterPaginator(listing, 3, exact_up_to=2).get_page(3)  # the short last page says 7
    again = RegisterPaginator(listing, 3, exact_up_to=2).get_page(1)
    assert (again.paginator.count, again.paginator.count_estimated) == (7, False)
    make_channel("https://x.com/eighth", entity=seven[0].entity)  # a new version: counted again
    fresh = RegisterPaginator(Channel.public_objects.order_by("handle_key"), 3, exact_up_to=2).get_page(1)
    assert fresh.paginator.count_estimated


@override_settings(PUBLIC_EXACT_COUNT_UP_TO=2)
def test_the_api_says_when_its_count_is_an_estimate(seven):
    cache.clear()
    client = APIClient()
    first = client.get("/api/v1/channels/", {"page_size": 3}).json()
    assert first["count_estimated"] is True and first["next"]
    last = client.get("/api/v1/channels/", {"page_size": 3, "page": "last"}).json()
    assert (last["count"], last["count_estimated"], last["next"], len(last["results"])) == (7, False, None, 1)
    third = client.get("/api/v1/channels/", {"page_size": 3, "page": 3}).json()
    assert third["results"] == last["results"] and third["next"] is None
    assert client.get("/api/v1/channels/", {"page_size": 3, "page": 4}).status_code == 404
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    listed = schema["components"]["schemas"]["PaginatedChannelList"]
    assert listed["properties"]["count_estimated"]["type"] == "boolean"


@override_settings(PUBLIC_EXACT_COUNT_UP_TO=2)
def test_the_directory_says_about_and_names_no_last_page(client, seven, make_channel):
    for n in range(23):  # 30 channels: more than a page of 25
        make_channel(f"https://x.com/more{n}", entity=seven[0].entity)
    cache.clear()
    html = client.get("/en/directory/").content.decode()
    assert 'data-estimated="true"' in html and "About " in html
    assert 'href="?page=2"' in html and 'href="?page=3"' not in html
    last = client.get("/en/directory/", {"page": "9"}).content.decode()
    assert 'data-count="30"' in last and 'data-estimated' not in last and 'aria-current="page">2<' in last
