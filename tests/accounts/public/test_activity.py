"""The public channel page's activity: posts as the platform counts them, posts in the last 30 days,
and the last post (marked when the entity reported it), each saying "not known" rather than 0."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import FollowerSnapshot, SnapshotSource

pytestmark = pytest.mark.django_db


def dd(html: str, marker: str) -> str:
    return re.sub(r"<[^>]+>", "", re.search(rf"<dd {marker}>(.*?)</dd>", html, re.S).group(1)).strip()


def test_the_channel_page_shows_posts_the_last_30_days_and_the_last_post(client, make_channel):
    channel = make_channel("https://x.com/UAEGov", posts=5_120, last_post_at=timezone.now() - timedelta(days=2),
                           last_post_source=SnapshotSource.API)
    today = timezone.localdate()
    FollowerSnapshot.objects.bulk_create([
        FollowerSnapshot(channel=channel, date=today, followers=10, posts=5_120),
        FollowerSnapshot(channel=channel, date=today - timedelta(days=30), followers=9, posts=4_000),
    ])

    html = client.get(f"/en/channels/{channel.pk}/").content.decode()

    assert dd(html, "data-posts") == "5,120"
    assert dd(html, "data-posts-30d") == "1,120"
    assert "<time datetime=" in re.search(r"<dd data-last-post>(.*?)</dd>", html, re.S).group(1)
    assert "reported by the entity" not in dd(html, "data-last-post")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_unknown_activity_is_said_and_a_reported_last_post_is_marked(client, make_channel, lang):
    unknown = make_channel("https://www.snapchat.com/add/uaegovsnap")
    reported = make_channel("https://t.me/uaegovnews", last_post_at=timezone.now() - timedelta(days=40),
                            last_post_source=SnapshotSource.REPORTED)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang

    unknown_html = client.get(f"/{lang}/channels/{unknown.pk}/").content.decode()
    reported_html = client.get(f"/{lang}/channels/{reported.pk}/").content.decode()

    if lang == "en":
        assert dd(unknown_html, "data-posts") == "not counted by the platform"
        assert dd(unknown_html, "data-posts-30d") == dd(unknown_html, "data-last-post") == "not known"
        assert "reported by the entity, not measured by the registry" in dd(reported_html, "data-last-post")
    assert 'class="not-counted"' in unknown_html
    assert "<time datetime=" in reported_html.split("data-last-post", 1)[1][:200]
