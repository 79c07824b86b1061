"""A channel's activity in the public API and the CSV export: `posts` as the platform counts them,
`posts_30d` (the difference of the counts) and `last_post_at`, null (an empty cell in the CSV) when
unknown; the OpenAPI schema describes them."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Channel, FollowerSnapshot, SnapshotSource
from tests.accounts.api.test_entities import CHANNELS, CSV, csv_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def channels(make_channel):
    today = timezone.localdate()
    last_post = timezone.now() - timedelta(days=2)
    active = make_channel("https://x.com/UAEGov", posts=5_120, last_post_at=last_post,
                          last_post_source=SnapshotSource.API)
    FollowerSnapshot.objects.bulk_create([
        FollowerSnapshot(channel=active, date=today, followers=10, posts=5_120),
        FollowerSnapshot(channel=active, date=today - timedelta(days=30), followers=9, posts=5_000),
    ])
    unknown = make_channel("https://www.snapchat.com/add/uaegovsnap")
    return {"active": active, "unknown": unknown, "last_post": last_post}


def test_the_api_shows_posts_posts_30d_and_the_last_post_null_when_unknown(channels):
    client = APIClient()
    active = client.get(f"{CHANNELS}{channels['active'].pk}/").json()
    unknown = client.get(f"{CHANNELS}{channels['unknown'].pk}/").json()
    listed = {row["id"]: row for row in client.get(CHANNELS).json()["results"]}

    assert (active["posts"], active["posts_30d"]) == (5_120, 120)
    assert active["last_post_at"] == timezone.localtime(channels["last_post"]).isoformat()
    assert (unknown["posts"], unknown["posts_30d"], unknown["last_post_at"]) == (None, None, None)
    assert listed[channels["active"].pk]["posts_30d"] == 120
    assert listed[channels["unknown"].pk]["posts_30d"] is None


def test_the_list_reads_the_activity_without_a_query_per_channel(make_channel, django_assert_max_num_queries):
    for _ in range(3):
        make_channel()
    client = APIClient()
    with django_assert_max_num_queries(6) as few:
        client.get(CHANNELS)
    for _ in range(10):
        make_channel()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(CHANNELS + "?page_size=50")


def test_the_csv_has_the_same_columns_empty_when_unknown(channels):
    rows = {int(row["id"]): row for row in csv_rows(APIClient().get(CSV))}

    active, unknown = rows[channels["active"].pk], rows[channels["unknown"].pk]
    assert (active["posts"], active["posts_30d"]) == ("5120", "120")
    assert active["last_post_at"] == channels["last_post"].isoformat()
    assert (unknown["posts"], unknown["posts_30d"], unknown["last_post_at"]) == ("", "", "")


def test_the_schema_describes_the_activity_fields():
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    fields = schema["components"]["schemas"]["Channel"]["properties"]

    assert fields["posts"]["type"] == fields["posts_30d"]["type"] == "integer"
    assert fields["posts"]["nullable"] and fields["posts_30d"]["nullable"] and fields["last_post_at"]["nullable"]
    assert fields["last_post_at"]["format"] == "date-time"


def test_a_refreshed_count_is_read_back_by_the_api(channels):
    Channel.private_objects.filter(pk=channels["active"].pk).update(posts=5_200)
    FollowerSnapshot.objects.filter(channel=channels["active"], date=timezone.localdate()).update(posts=5_200)

    data = APIClient().get(f"{CHANNELS}{channels['active'].pk}/").json()

    assert (data["posts"], data["posts_30d"]) == (5_200, 200)
