"""Posts and the latest post's time, as each adapter reads them through `refresh_batch` from a local
stub of its platform: stored when the platform says them, None (never a guess) when it does not, and
nothing recorded for an account the platform does not know."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import Channel, FollowerSnapshot, SnapshotSource
from accounts.monitoring.refresh import refresh_batch
from accounts.platforms import ADAPTERS, Platform
from accounts.platforms.x import SNOWFLAKE_EPOCH_MS, snowflake_time
from tests.platforms import test_adapters
from tests.platforms.stub import (
    PlatformStub,
    Reply,
    Route,
    bluesky_profile,
    bluesky_profiles,
    facebook_page,
    facebook_pages,
    instagram_discovery,
    mastodon_account,
    telegram_count,
    x_user,
    youtube_channel,
    youtube_channels,
)
from tests.platforms.test_adapters import CHANNEL_ID, IG_USER_ID


@pytest.fixture(scope="module")
def server():
    with PlatformStub() as running:
        yield running


@pytest.fixture
def stub(server, settings):
    """The stub, empty, with every platform pointed at it as the adapters' tests do."""
    return test_adapters.stub.__wrapped__(server, settings)

pytestmark = pytest.mark.django_db

FOLLOWERS = 5_000
POSTS = 4_321
# A post made at 09:15:30.250 UTC on 20 November 2026, and its X id: the time in its top bits.
POSTED = datetime(2026, 11, 20, 9, 15, 30, 250_000, tzinfo=UTC)
POST_ID = str(((int(POSTED.timestamp() * 1000) - SNOWFLAKE_EPOCH_MS) << 22) | 0b1010101)


def _x(posts, last):
    metrics = {"followers_count": FOLLOWERS, "following_count": 1, "listed_count": 1}
    if posts is not None:
        metrics["tweet_count"] = posts
    extra = {"most_recent_tweet_id": last} if last is not None else {}
    return Reply(200, {"data": [x_user("UAEGov", FOLLOWERS, "101", public_metrics=metrics, **extra)]})


def _youtube(posts, last):
    channel = youtube_channel(CHANNEL_ID, FOLLOWERS)
    channel["statistics"].pop("videoCount")
    if posts is not None:
        channel["statistics"]["videoCount"] = str(posts)  # a string, as YouTube sends it
    return youtube_channels([channel])


def _instagram(posts, last):
    discovery = {"followers_count": FOLLOWERS, "username": "uaegov", "id": "301", "name": "UAE"}
    if posts is not None:
        discovery["media_count"] = posts
    return Reply(200, {"business_discovery": discovery, "id": IG_USER_ID})


def _bluesky(posts, last):
    profile = bluesky_profile("uaegov.bsky.social", FOLLOWERS)
    profile.pop("postsCount")
    if posts is not None:
        profile["postsCount"] = posts
    return bluesky_profiles([profile])


def _mastodon(posts, last):
    account = mastodon_account("uaegov", FOLLOWERS)
    account.pop("statuses_count")
    if posts is not None:
        account["statuses_count"] = posts
    account["last_status_at"] = last  # null for an account that never posted
    return Reply(200, account)


@dataclass(frozen=True)
class Case:
    name: str
    link: str
    path: str
    answer: Callable[[int | None, str | None], Route]  # the account with this post count and latest post
    gone: Route
    last_post: str | None = None  # how the platform gives the latest post; None: it does not
    last_post_at: datetime | None = None  # what the registry reads from it


CASES = [
    Case("x", "https://x.com/UAEGov", "/2/users/by", _x, Reply(200, {"errors": [{
        "value": "UAEGov", "detail": "Could not find user with usernames: [UAEGov].", "title": "Not Found Error",
        "type": "https://api.twitter.com/2/problems/resource-not-found"}]}),
        last_post=POST_ID, last_post_at=POSTED),
    Case("youtube", f"https://www.youtube.com/channel/{CHANNEL_ID}", "/channels", _youtube, youtube_channels([])),
    Case("instagram", "https://www.instagram.com/uaegov/", f"/{IG_USER_ID}", _instagram, instagram_discovery({})),
    Case("bluesky", "https://bsky.app/profile/uaegov.bsky.social", "/xrpc/app.bsky.actor.getProfiles", _bluesky,
         bluesky_profiles([])),
    # Mastodon keeps the day only: the start of that day, in UTC.
    Case("mastodon", "https://mastodon.social/@uaegov", "/mastodon.social/api/v1/accounts/lookup", _mastodon,
         Reply(404, {"error": "Record not found"}), last_post="2026-11-20",
         last_post_at=datetime(2026, 11, 20, tzinfo=UTC)),
]
ALL = pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])


def refreshed(case: Case, channel: Channel) -> Channel:
    refresh_batch([channel.pk], ADAPTERS[Platform(case.name)]())
    return Channel.private_objects.get(pk=channel.pk)


def todays(channel: Channel) -> FollowerSnapshot | None:
    return FollowerSnapshot.objects.filter(channel=channel, date=timezone.localdate()).first()


@ALL
def test_the_post_count_and_latest_post_are_stored_with_the_followers(case, stub, make_channel):
    channel = make_channel(case.link, platform=case.name)
    stub.route(case.path, case.answer(POSTS, case.last_post))

    channel = refreshed(case, channel)

    assert (channel.followers, channel.posts) == (FOLLOWERS, POSTS)
    assert (todays(channel).followers, todays(channel).posts) == (FOLLOWERS, POSTS)
    assert channel.last_post_at == case.last_post_at
    assert channel.last_post_source == (SnapshotSource.API if case.last_post_at else "")


@ALL
def test_a_missing_post_count_or_latest_post_is_none_and_the_followers_still_count(case, stub, make_channel):
    channel = make_channel(case.link, platform=case.name)
    stub.route(case.path, case.answer(None, None))

    channel = refreshed(case, channel)

    assert (channel.followers, channel.posts, channel.last_post_at, channel.last_post_source) == (
        FOLLOWERS, None, None, "")
    assert (todays(channel).followers, todays(channel).posts) == (FOLLOWERS, None)


@ALL
def test_what_the_platform_no_longer_says_is_not_erased(case, stub, make_channel):
    channel = make_channel(case.link, platform=case.name)
    stub.route(case.path, case.answer(POSTS, case.last_post))
    refreshed(case, channel)
    stub.route(case.path, case.answer(None, None))

    channel = refreshed(case, channel)

    assert (channel.posts, channel.last_post_at) == (POSTS, case.last_post_at)
    assert todays(channel).posts is None  # today's count is unknown, not yesterday's


@ALL
def test_an_unknown_account_records_no_posts(case, stub, make_channel):
    channel = make_channel(case.link, platform=case.name)
    stub.route(case.path, case.gone)

    channel = refreshed(case, channel)

    assert (channel.posts, channel.last_post_at, todays(channel)) == (None, None, None)


@pytest.mark.parametrize("posts", ["lots", -4, 2.5, True])
def test_a_post_count_that_is_not_one_is_none(posts, stub, make_channel):
    channel = make_channel("https://bsky.app/profile/uaegov.bsky.social", platform="bluesky")
    profile = bluesky_profile("uaegov.bsky.social", FOLLOWERS, postsCount=posts)
    stub.route("/xrpc/app.bsky.actor.getProfiles", bluesky_profiles([profile]))

    channel = refreshed(CASES[3], channel)

    assert (channel.followers, channel.posts) == (FOLLOWERS, None)


@pytest.mark.parametrize(("name", "link", "path", "answer"), [
    ("facebook", "https://www.facebook.com/UAEGov", "/",
     facebook_pages({"UAEGov": facebook_page("UAEGov", FOLLOWERS, "201")})),
    ("telegram", "https://t.me/uaegov", "/bot123456:test-telegram-token/getChatMemberCount",
     Reply(200, telegram_count(FOLLOWERS))),
])
def test_platforms_that_do_not_count_posts_report_none(name, link, path, answer, stub, make_channel):
    channel = make_channel(link, platform=name)
    stub.route(path, answer)

    refresh_batch([channel.pk], ADAPTERS[Platform(name)]())

    channel = Channel.private_objects.get(pk=channel.pk)
    assert (channel.followers, channel.posts, channel.last_post_at) == (FOLLOWERS, None, None)
    assert todays(channel).posts is None
    assert not ADAPTERS[Platform(name)].tells_last_post


def test_only_x_and_mastodon_say_when_an_account_last_posted():
    assert {platform for platform, adapter in ADAPTERS.items() if adapter.tells_last_post} == {
        Platform.X, Platform.MASTODON}


@pytest.mark.parametrize(("post_id", "expected"), [
    (POST_ID, POSTED),
    (int(POST_ID), POSTED),
    ("1608163138434875392", datetime(2022, 12, 28, 18, 9, 5, 86_000, tzinfo=UTC)),
    ("20", None),  # a post from before Snowflakes: its id carries no time
    ("", None), (None, None), ("12ab", None), ("-5", None), ("٣٤٥", None), ("9" * 30, None),
])
def test_a_snowflake_id_carries_its_posts_time(post_id, expected):
    assert snowflake_time(post_id) == expected


@pytest.mark.parametrize("value", ["", "yesterday", 20261120, "2026-13-01"])
def test_a_mastodon_last_status_that_is_not_a_date_is_none(value, stub, make_channel):
    channel = make_channel("https://mastodon.social/@uaegov", platform="mastodon")
    stub.route("/mastodon.social/api/v1/accounts/lookup", Reply(200, {
        **mastodon_account("uaegov", FOLLOWERS), "last_status_at": value}))

    channel = refreshed(CASES[4], channel)

    assert (channel.followers, channel.posts, channel.last_post_at) == (FOLLOWERS, 100, None)


def test_a_mastodon_last_status_given_as_a_full_time_keeps_its_day(stub, make_channel):
    channel = make_channel("https://mastodon.social/@uaegov", platform="mastodon")
    stub.route("/mastodon.social/api/v1/accounts/lookup", Reply(200, {
        **mastodon_account("uaegov", FOLLOWERS), "last_status_at": "2026-11-20T18:04:00.000Z"}))

    channel = refreshed(CASES[4], channel)

    assert channel.last_post_at == datetime.combine(date(2026, 11, 20), datetime.min.time(), tzinfo=UTC)
    assert timezone.now() - channel.last_post_at > timedelta(0)
