"""Public answers cached under the register's version: served from the cache while nothing
changes, and never stale after a change, whoever makes it and however."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Alert, AlertKind, Channel, RegisterVersion, Status
from accounts.public.cache import register_version
from accounts.services import channel_act
from entities.models import Entity

pytestmark = pytest.mark.django_db


def verify_result(link: str) -> str:
    return APIClient().get("/api/v1/verify/", {"q": link}).json()["result"]


def test_every_public_write_bumps_the_version_in_its_transaction(make_channel, make_entity):
    before = register_version()
    entity = make_entity()
    assert register_version() != before
    for write in (
        lambda: make_channel("https://x.com/bumped", entity=entity),
        lambda: Channel.private_objects.filter(handle_key="bumped").update(followers=5, followers_at=timezone.now()),
        lambda: Alert.objects.create(channel=Channel.private_objects.get(handle_key="bumped"), kind=AlertKind.RENAMED),
        lambda: Entity.objects.filter(pk=entity.pk).update(name_en="Renamed"),
    ):
        seen = register_version()
        write()
        assert register_version() != seen
    assert RegisterVersion.objects.count() == 1


def test_a_cached_answer_costs_one_query_and_a_change_is_seen_at_once(make_channel, make_user):
    channel = make_channel("https://x.com/cachedmin", status=Status.APPROVED)
    assert verify_result("https://x.com/cachedmin") == "official"
    with CaptureQueriesContext(connection) as queries:
        assert verify_result("https://x.com/cachedmin") == "official"
    assert len(queries) == 1  # the version; the answer came from the cache

    # A reviewer's decision, through the service: the very next answer is the new one.
    reviewer = make_user(reviewer=True)
    channel_act(actor=reviewer, channel_id=channel.pk, action="flag_compromised", reason="Taken over.",
                two_factor=True)
    assert verify_result("https://x.com/cachedmin") == "compromised"
    # A write outside the services (a refresh's alert) is seen at once too.
    other = make_channel("https://x.com/othermin", status=Status.APPROVED)
    assert verify_result("https://x.com/othermin") == "official"
    Alert.objects.create(channel=other, kind=AlertKind.ID_CHANGED)
    assert verify_result("https://x.com/othermin") == "under_check"


def test_public_pages_and_the_public_list_follow_the_register(client, make_channel, make_entity):
    entity = make_entity(slug="cached-entity", name_en="Ministry of Caching", name_ar="وزارة التخزين")
    make_channel("https://x.com/firstcached", entity=entity, status=Status.APPROVED)
    page = client.get("/en/entities/cached-entity/").content.decode()
    listed = APIClient().get("/api/v1/channels/").json()
    assert "firstcached" in page and listed["count"] == 1
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/entities/cached-entity/").content.decode() == page
        assert APIClient().get("/api/v1/channels/").json() == listed
    assert len(queries) == 2  # one version read each

    make_channel("https://x.com/secondcached", entity=entity, status=Status.APPROVED)
    assert "secondcached" in client.get("/en/entities/cached-entity/").content.decode()
    assert APIClient().get("/api/v1/channels/").json()["count"] == 2


def test_paging_counts_once_per_version_and_the_last_page_stays_right(make_channel):
    for n in range(3):
        make_channel(f"https://x.com/paged{n}", status=Status.APPROVED)
    api = APIClient()
    with CaptureQueriesContext(connection) as queries:
        pages = [api.get("/api/v1/channels/", {"page_size": 1, "page": page}).json() for page in (1, 2, 3)]
    assert [page["count"] for page in pages] == [3, 3, 3] and pages[2]["next"] is None
    assert sum("COUNT(" in query["sql"].upper() for query in queries) == 1

    make_channel("https://x.com/paged3", status=Status.APPROVED)
    last = api.get("/api/v1/channels/", {"page_size": 1, "page": 4}).json()
    assert last["count"] == 4 and [row["handle"] for row in last["results"]] == ["paged3"]
