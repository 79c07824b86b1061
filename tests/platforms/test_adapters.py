"""Every follower adapter against a local stub of its platform's API, through `refresh_batch`:
what is stored (snapshots, the channel's figures, alerts) for each answer a platform can give,
where the credentials go, how channels are cut into calls, and that a failure never writes a
zero nor erases the last good count."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.utils import timezone

from accounts.models import Alert, AlertKind, Channel, FollowerSnapshot, RefreshStatus
from accounts.monitoring.refresh import refresh_batch
from accounts.platforms import ADAPTERS, Platform, bluesky, facebook, instagram, mastodon, telegram, x, youtube
from accounts.platforms.api import FailureKind
from accounts.public.verify import caution_for
from tests.platforms.stub import (
    PlatformStub,
    Reply,
    Route,
    Seen,
    bluesky_profile,
    bluesky_profiles,
    facebook_page,
    facebook_pages,
    graph_error,
    instagram_discovery,
    mastodon_account,
    telegram_count,
    telegram_error,
    x_user,
    x_users_by,
    youtube_channel,
    youtube_channels,
    youtube_error,
)

pytestmark = pytest.mark.django_db

PREVIOUS = 1_000  # every channel was counted yesterday: a failure must leave this alone
FOLLOWERS = 1_234
CHANNEL_ID = "UCabcdefghijklmnopqrstuv"  # a YouTube channel id: "UC" and 22 more
DID = "did:plc:abcdefghijklmnopqrstuvwx"
OTHER_DID = "did:plc:zyxwvutsrqponmlkjihgfedc"
IG_USER_ID = "17841400000000000"
SECRETS = {
    "x": "test-x-bearer",
    "youtube": "test-youtube-key",
    "telegram": "123456:test-telegram-token",
    "meta": "test-meta-token",
}


@pytest.fixture(scope="module")
def server():
    # One server for the module (stopping one takes half a second); each test gets it empty.
    with PlatformStub() as running:
        yield running


@pytest.fixture
def stub(server, settings):
    server.routes.clear()
    server.requests.clear()
    settings.X_API_BASE_URL = server.url
    settings.X_BEARER_TOKEN = SECRETS["x"]
    settings.YOUTUBE_API_BASE_URL = server.url
    settings.YOUTUBE_API_KEY = SECRETS["youtube"]
    settings.TELEGRAM_API_BASE_URL = server.url
    settings.TELEGRAM_BOT_TOKEN = SECRETS["telegram"]
    settings.BLUESKY_API_BASE_URL = server.url
    settings.META_GRAPH_BASE_URL = server.url
    settings.META_ACCESS_TOKEN = SECRETS["meta"]
    settings.META_INSTAGRAM_USER_ID = IG_USER_ID
    settings.MASTODON_API_BASE_URL = server.url + "/{instance}"
    settings.MASTODON_INSTANCES = []
    return server


# --- What each platform answers ----------------------------------------------------------------

def _epoch(seconds_from_now: int) -> tuple[str, datetime]:
    at = int(timezone.now().timestamp()) + seconds_from_now
    return str(at), datetime.fromtimestamp(at, tz=UTC)


def _x_throttled():
    reset, at = _epoch(600)
    return Reply(429, {"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429},
                 {"x-rate-limit-limit": "300", "x-rate-limit-remaining": "0", "x-rate-limit-reset": reset}), at


def _youtube_throttled():
    # YouTube's refusal is its daily quota, given back at midnight Pacific time.
    return Reply(403, youtube_error(403, "quotaExceeded")), youtube.next_quota_day()


def _telegram_throttled():
    return (Reply(429, telegram_error(429, "Too Many Requests: retry after 35", retry_after=35)),
            timezone.now() + timedelta(seconds=35))


def _bluesky_throttled():
    reset, at = _epoch(240)
    return Reply(429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                 {"ratelimit-limit": "3000", "ratelimit-remaining": "0", "ratelimit-reset": reset,
                  "ratelimit-policy": "3000;w=300"}), at


def _graph_throttled():
    usage = {"104000000000": [{"type": "pages", "call_count": 100, "total_cputime": 12, "total_time": 15,
                               "estimated_time_to_regain_access": 17}]}
    return (Reply(400, graph_error(4, "(#4) Application request limit reached"),
                  {"x-business-use-case-usage": json.dumps(usage)}),
            timezone.now() + timedelta(minutes=17))


def _mastodon_throttled():
    at = (timezone.now() + timedelta(minutes=4)).replace(microsecond=0)
    return Reply(429, {"error": "Too many requests"},
                 {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
                  "X-RateLimit-Reset": at.strftime("%Y-%m-%dT%H:%M:%S.000Z")}), at


def _bearer_only(seen: Seen) -> None:
    assert seen.headers.get("authorization") == f"Bearer {SECRETS['x']}"
    assert SECRETS["x"] not in seen.path + json.dumps(seen.query)


def _key_param_only(seen: Seen) -> None:
    assert seen.query["key"] == [SECRETS["youtube"]]
    assert "authorization" not in seen.headers and SECRETS["youtube"] not in seen.path


def _token_in_path_only(seen: Seen) -> None:
    assert seen.path == f"/bot{SECRETS['telegram']}/getChatMemberCount"
    assert seen.query == {"chat_id": ["@uaegov"]} and "authorization" not in seen.headers


def _no_credentials(seen: Seen) -> None:
    assert "authorization" not in seen.headers and "cookie" not in seen.headers
    assert not {"key", "access_token", "token"} & set(seen.query)


def _graph_token_param_only(seen: Seen) -> None:
    assert seen.query["access_token"] == [SECRETS["meta"]]
    assert "authorization" not in seen.headers and SECRETS["meta"] not in seen.path


@dataclass(frozen=True)
class Case:
    """One platform, as the tests below need it: the channel, the call, and its answers."""

    name: str
    link: str  # the channel as registered
    path: str  # where its call lands on the stub
    found: Callable[[int, str], Route]  # the account, with these followers and this permanent id
    gone: Route  # no such account
    refused: Reply  # the credentials refused (for Bluesky and Mastodon, which send none: a 401 anyway)
    throttled: Callable[[], tuple[Reply, datetime]]  # "too many calls", and when it says to come back
    broken: Reply  # the platform's own outage answer
    wrong_shapes: tuple[Any, ...]  # answers in JSON, but not what the platform documents
    credentials: Callable[[Seen], None]  # asserts the credentials are where the platform wants them
    account_id: str = "101"
    display_name: str = "UAE Government"
    throttled_kind: str = FailureKind.RATE_LIMITED
    unconfigure: dict[str, str] = field(default_factory=dict)  # settings that leave it without credentials

    @property
    def adapter(self) -> type:
        return ADAPTERS[Platform(self.name)]


CASES = [
    Case(
        name="x",
        link="https://x.com/UAEGov",
        path="/2/users/by",
        found=lambda n, i: x_users_by({"uaegov": n}, ids={"uaegov": i}),
        gone=x_users_by({}),
        refused=Reply(401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}),
        throttled=_x_throttled,
        broken=Reply(503, {"title": "Service Unavailable", "status": 503}),
        wrong_shapes=({"data": [{"username": "UAEGov", "id": "101", "public_metrics": {"followers_count": "lots"}}]},
                      {"data": [{"username": "UAEGov", "id": "101"}]}),
        credentials=_bearer_only,
        display_name="UAEGov",
        unconfigure={"X_BEARER_TOKEN": ""},
    ),
    Case(
        name="youtube",
        link=f"https://www.youtube.com/channel/{CHANNEL_ID}",
        path="/channels",
        found=lambda n, i: youtube_channels([youtube_channel(i, n, title="UAE Government")]),
        gone=youtube_channels([]),
        refused=Reply(400, youtube_error(400, "keyInvalid", "API key not valid. Please pass a valid API key.")),
        throttled=_youtube_throttled,
        broken=Reply(503, youtube_error(503, "backendError", "Backend Error")),
        wrong_shapes=({"kind": "youtube#channelListResponse", "items": {"id": CHANNEL_ID}},
                      {"kind": "youtube#channelListResponse",
                       "items": [{"id": CHANNEL_ID, "statistics": {"subscriberCount": "-5"}}]}),
        credentials=_key_param_only,
        account_id=CHANNEL_ID,
        throttled_kind=FailureKind.QUOTA_EXHAUSTED,
        unconfigure={"YOUTUBE_API_KEY": ""},
    ),
    Case(
        name="telegram",
        link="https://t.me/uaegov",
        path=f"/bot{SECRETS['telegram']}/getChatMemberCount",
        found=lambda n, i: Reply(200, telegram_count(n)),
        gone=Reply(400, telegram_error(400, "Bad Request: chat not found")),
        refused=Reply(401, telegram_error(401, "Unauthorized")),
        throttled=_telegram_throttled,
        broken=Reply(502, telegram_error(502, "Bad Gateway")),
        wrong_shapes=({"ok": True, "result": "many"}, {"ok": True, "result": -1}, {"ok": True}),
        credentials=_token_in_path_only,
        account_id="",  # Telegram's count comes without an id
        display_name="",
        unconfigure={"TELEGRAM_BOT_TOKEN": ""},
    ),
    Case(
        name="bluesky",
        link="https://bsky.app/profile/uaegov.bsky.social",
        path="/xrpc/app.bsky.actor.getProfiles",
        found=lambda n, i: bluesky_profiles([bluesky_profile("uaegov.bsky.social", n, did=i,
                                                             displayName="UAE Government")]),
        gone=bluesky_profiles([]),
        refused=Reply(401, {"error": "AuthMissing", "message": "Authentication Required"}),
        throttled=_bluesky_throttled,
        broken=Reply(500, {"error": "InternalServerError", "message": "Internal Server Error"}),
        wrong_shapes=({"profiles": {"uaegov.bsky.social": 5}},
                      {"profiles": [{"handle": "uaegov.bsky.social", "did": DID, "followersCount": "x"}]}),
        credentials=_no_credentials,
        account_id=DID,
    ),
    Case(
        name="facebook",
        link="https://www.facebook.com/UAEGov",
        path="/",
        found=lambda n, i: facebook_pages({"UAEGov": facebook_page("UAEGov", n, i, title="UAE Government")}),
        gone=facebook_pages({}),
        refused=Reply(400, graph_error(190, "Error validating access token: Session has expired", subcode=463)),
        throttled=_graph_throttled,
        broken=Reply(500, graph_error(2, "An unexpected error has occurred. Please retry your request later.")),
        wrong_shapes=({"UAEGov": "a page"}, {"UAEGov": {"id": "101", "followers_count": None, "fan_count": 5}}),
        credentials=_graph_token_param_only,
        unconfigure={"META_ACCESS_TOKEN": ""},
    ),
    Case(
        name="instagram",
        link="https://www.instagram.com/uaegov/",
        path=f"/{IG_USER_ID}",
        found=lambda n, i: Reply(200, {"business_discovery": {"followers_count": n, "username": "uaegov", "id": i,
                                                              "name": "UAE Government", "media_count": 5},
                                       "id": IG_USER_ID}),
        gone=instagram_discovery({}),
        refused=Reply(400, graph_error(190, "Invalid OAuth access token - Cannot parse access token")),
        throttled=_graph_throttled,
        broken=Reply(500, graph_error(1, "An unknown error occurred", kind="OAuthException")),
        wrong_shapes=({"business_discovery": []}, {"business_discovery": {"followers_count": True, "id": "101"}}),
        credentials=_graph_token_param_only,
        unconfigure={"META_INSTAGRAM_USER_ID": ""},
    ),
    Case(
        name="mastodon",
        link="https://mastodon.social/@uaegov",
        path="/mastodon.social/api/v1/accounts/lookup",
        found=lambda n, i: Reply(200, mastodon_account("uaegov", n, i, display_name="UAE Government")),
        gone=Reply(404, {"error": "Record not found"}),
        refused=Reply(401, {"error": "This API requires an authenticated user"}),
        throttled=_mastodon_throttled,
        broken=Reply(503, b"<html><body>503 Service Unavailable</body></html>"),
        wrong_shapes=({"followers_count": None, "id": "101"}, {"followers_count": -3, "id": "101"}),
        credentials=_no_credentials,
    ),
]
BY_NAME = {case.name: case for case in CASES}
ALL = pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])


# --- What is stored ------------------------------------------------------------------------

def fresh(channel: Channel) -> Channel:
    return Channel.private_objects.get(pk=channel.pk)


def snapshots(channel: Channel) -> list[tuple]:
    return list(FollowerSnapshot.objects.filter(channel=channel).order_by("date").values_list("date", "followers"))


def alerts(channel: Channel) -> list[str]:
    return sorted(Alert.objects.filter(channel=channel, resolved_at__isnull=True).values_list("kind", flat=True))


def counted(channel: Channel, followers: int = PREVIOUS) -> Channel:
    """The channel as a good refresh left it yesterday."""
    yesterday = timezone.localdate() - timedelta(days=1)
    FollowerSnapshot.objects.create(channel=channel, date=yesterday, followers=followers)
    Channel.private_objects.filter(pk=channel.pk).update(
        followers=followers, followers_at=timezone.now() - timedelta(days=1), refresh_status=RefreshStatus.OK)
    return fresh(channel)


def registered(make_channel, case: Case, **fields) -> Channel:
    return counted(make_channel(case.link, platform=case.name, **fields))


def assert_kept(channel: Channel, before: Channel) -> None:
    """A failure leaves the last good count: no zero, no new snapshot, the same time."""
    after = fresh(channel)
    assert (after.followers, after.followers_at) == (before.followers, before.followers_at)
    assert snapshots(after) == [(timezone.localdate() - timedelta(days=1), PREVIOUS)]


def assert_failed(channel: Channel, kind: str) -> Channel:
    channel = fresh(channel)
    assert channel.refresh_status == RefreshStatus.FAILED
    assert channel.refresh_error.startswith(f"{kind}:"), channel.refresh_error
    return channel


# --- Every adapter, every answer ------------------------------------------------------------------

@ALL
def test_a_count_is_stored_as_the_days_snapshot(case, stub, make_channel):
    channel = registered(make_channel, case)
    stub.route(case.path, case.found(FOLLOWERS, case.account_id))

    outcome = refresh_batch([channel.pk], case.adapter())

    channel = fresh(channel)
    assert (outcome.refreshed, sum(outcome.failed.values())) == (1, 0)
    assert (channel.followers, channel.refresh_status, channel.refresh_error) == (FOLLOWERS, RefreshStatus.OK, "")
    assert (channel.platform_id, channel.platform_name) == (case.account_id, case.display_name)
    today = timezone.localdate()
    assert snapshots(channel) == [(today - timedelta(days=1), PREVIOUS), (today, FOLLOWERS)]
    assert FollowerSnapshot.objects.get(channel=channel, date=today).source == FollowerSnapshot.Source.API
    assert alerts(channel) == []
    assert len(stub.requests) == 1
    seen = stub.requests[0]
    case.credentials(seen)
    own = {"facebook": "meta", "instagram": "meta"}.get(case.name, case.name)
    others = [secret for name, secret in SECRETS.items() if name != own]
    sent = seen.path + json.dumps(seen.query) + json.dumps(seen.headers)
    assert not [secret for secret in others if secret in sent]  # no platform gets another's credentials


@ALL
def test_an_unknown_account_opens_a_not_found_alert_and_keeps_the_count(case, stub, make_channel):
    channel = registered(make_channel, case)
    stub.route(case.path, case.gone)

    refresh_batch([channel.pk], case.adapter())
    refresh_batch([channel.pk], case.adapter())  # the next day's refresh does not open it again

    assert_failed(channel, FailureKind.NOT_FOUND)
    assert_kept(channel, channel)
    assert alerts(channel) == [AlertKind.NOT_FOUND]


@ALL
def test_refused_credentials_are_recorded_without_an_alert(case, stub, make_channel):
    channel = registered(make_channel, case)
    stub.route(case.path, case.refused)

    refresh_batch([channel.pk], case.adapter())

    assert_failed(channel, FailureKind.UNAUTHORISED)
    assert_kept(channel, channel)
    assert alerts(channel) == []


@ALL
def test_a_throttled_call_says_when_to_come_back_and_keeps_the_count(case, stub, make_channel):
    channel = registered(make_channel, case)
    reply, retry_at = case.throttled()
    stub.route(case.path, reply)

    put_off = refresh_batch([channel.pk], case.adapter(), defer_retryable=True)
    assert fresh(channel).refresh_status == RefreshStatus.OK  # untouched, to be tried again
    assert put_off.retry[channel.pk].kind == case.throttled_kind
    assert abs(put_off.retry_at - retry_at) < timedelta(seconds=5), (put_off.retry_at, retry_at)

    refresh_batch([channel.pk], case.adapter())
    assert_failed(channel, case.throttled_kind)
    assert_kept(channel, channel)
    assert alerts(channel) == []


@ALL
@pytest.mark.parametrize("answer", ["platform", "html"])
def test_an_outage_is_recorded_as_unavailable(case, answer, stub, make_channel):
    channel = registered(make_channel, case)
    stub.route(case.path, case.broken if answer == "platform" else Reply(502, b"<html>Bad Gateway</html>"))

    refresh_batch([channel.pk], case.adapter())

    assert_failed(channel, FailureKind.UNAVAILABLE)
    assert_kept(channel, channel)
    assert alerts(channel) == []


@ALL
def test_no_answer_in_time_is_a_timeout(case, stub, make_channel):
    channel = registered(make_channel, case)
    slow = case.found(FOLLOWERS, case.account_id)
    stub.route(case.path, lambda seen: Reply(200, _body(slow, seen), delay=1.0))

    refresh_batch([channel.pk], case.adapter(client=httpx.Client(timeout=0.5)))

    assert_failed(channel, FailureKind.TIMEOUT)
    assert_kept(channel, channel)


def _body(route: Route, seen: Seen) -> Any:
    return (route(seen) if callable(route) else route).body


@ALL
def test_an_answer_that_is_not_json_is_a_bad_response(case, stub, make_channel):
    channel = registered(make_channel, case)
    stub.route(case.path, Reply(200, b"<html><body>Welcome!</body></html>"))

    refresh_batch([channel.pk], case.adapter())

    assert_failed(channel, FailureKind.BAD_RESPONSE)
    assert_kept(channel, channel)
    assert alerts(channel) == []


GENERIC_WRONG_SHAPES = ([], "followers", 42, None, {}, {"unexpected": {"nested": [1, 2]}})


@ALL
def test_json_of_the_wrong_shape_is_a_bad_response_never_a_count_nor_an_alert(case, stub, make_channel):
    channel = registered(make_channel, case)
    for body in (*GENERIC_WRONG_SHAPES, *case.wrong_shapes):
        stub.route(case.path, Reply(200, body))
        refresh_batch([channel.pk], case.adapter())
        assert_failed(channel, FailureKind.BAD_RESPONSE)
        assert_kept(channel, channel)
        assert alerts(channel) == [], body


def test_x_data_that_is_not_a_list_of_users_is_a_bad_response(stub, make_channel):
    channel = registered(make_channel, BY_NAME["x"])
    stub.route("/2/users/by", Reply(200, {"data": "UAEGov"}))
    refresh_batch([channel.pk], x.Adapter())
    assert_failed(channel, FailureKind.BAD_RESPONSE)


def test_x_keeps_the_counts_read_when_the_look_up_by_id_is_refused(stub, make_entity):
    channels = _many(make_entity, "x", 2, lambda n: f"h{n}")
    Channel.private_objects.filter(pk=channels[1].pk).update(platform_id="202")
    stub.route("/2/users/by", x_users_by({"h0": 10}))
    stub.route("/2/users", Reply(429, {}, {"x-rate-limit-reset": "1900000000"}))
    refresh_batch([channel.pk for channel in channels], x.Adapter())
    assert [fresh(channel).refresh_status for channel in channels] == ["ok", "failed"]


@ALL
def test_without_credentials_nothing_is_called_and_nothing_invented(case, stub, make_channel, settings):
    if not case.unconfigure:
        assert case.adapter().configured()  # Bluesky and Mastodon need none
        return
    for name, value in case.unconfigure.items():
        setattr(settings, name, value)
    channel = registered(make_channel, case)
    stub.route(case.path, case.found(FOLLOWERS, case.account_id))

    outcome = refresh_batch([channel.pk], case.adapter())

    assert outcome.not_configured == 1 and stub.requests == []
    assert fresh(channel).refresh_status == RefreshStatus.NOT_CONFIGURED
    assert_kept(channel, channel)


@pytest.mark.parametrize("unset", ["META_ACCESS_TOKEN", "META_INSTAGRAM_USER_ID"])
def test_instagram_needs_both_the_token_and_the_business_account(unset, settings):
    setattr(settings, unset, "")
    assert not instagram.Adapter().configured()


@ALL
def test_a_handle_now_held_by_another_account_records_no_count(case, stub, make_channel):
    if case.name in ("telegram", "youtube"):
        # Telegram's count comes without an id; YouTube is asked by its known id, never by handle.
        pytest.skip(f"{case.name} cannot see another account behind the handle")
    channel = registered(make_channel, case, platform_id=case.account_id)
    other_id = OTHER_DID if case.name == "bluesky" else "999"
    stub.route(case.path, case.found(FOLLOWERS, other_id))

    refresh_batch([channel.pk], case.adapter())

    channel = assert_failed(channel, FailureKind.NOT_FOUND)
    assert channel.platform_id == case.account_id  # the registered id is kept
    assert_kept(channel, channel)
    assert alerts(channel) == [AlertKind.ID_CHANGED]
    assert Alert.objects.get(channel=channel).details["id_now"] == other_id


# --- Renamed accounts: found by their permanent id, counted, flagged --------------------------

def _x_renamed(stub):
    stub.route("/2/users/by", x_users_by({}))
    stub.route("/2/users", Reply(200, {"data": [x_user("UAEGovNew", FOLLOWERS, "101", name="UAE Government")]}))


def _youtube_renamed(stub):
    stub.route("/channels", youtube_channels([youtube_channel(CHANNEL_ID, FOLLOWERS, handle="@uaegovnew")]))


def _bluesky_renamed(stub):
    stub.route("/xrpc/app.bsky.actor.getProfiles", bluesky_profiles([bluesky_profile("uae.gov.ae", FOLLOWERS, DID)]))


def _facebook_renamed(stub):
    stub.route("/", facebook_pages({"101": facebook_page("UAEGovNew", FOLLOWERS, "101")}))


@pytest.mark.parametrize(("link", "platform_id", "answer", "handle_now"), [
    ("https://x.com/UAEGov", "101", _x_renamed, "UAEGovNew"),
    ("https://www.youtube.com/@UAEGov", CHANNEL_ID, _youtube_renamed, "@uaegovnew"),
    ("https://bsky.app/profile/uaegov.bsky.social", DID, _bluesky_renamed, "uae.gov.ae"),
    ("https://www.facebook.com/UAEGov", "101", _facebook_renamed, "UAEGovNew"),
], ids=["x", "youtube", "bluesky", "facebook"])
def test_a_renamed_account_is_still_counted_and_flagged(link, platform_id, answer, handle_now, stub, make_channel):
    channel = counted(make_channel(link, platform_id=platform_id))
    answer(stub)

    refresh_batch([channel.pk], ADAPTERS[Platform(channel.platform)]())

    channel = fresh(channel)
    assert (channel.followers, channel.refresh_status, channel.platform_id) == (FOLLOWERS, RefreshStatus.OK,
                                                                                platform_id)
    assert snapshots(channel)[-1] == (timezone.localdate(), FOLLOWERS)
    assert alerts(channel) == [AlertKind.RENAMED]
    assert Alert.objects.get(channel=channel).details["handle_now"] == handle_now


@pytest.mark.parametrize(("link", "answer"), [
    ("https://www.youtube.com/channel/" + CHANNEL_ID,
     lambda stub: stub.route("/channels", youtube_channels([youtube_channel(CHANNEL_ID, 5, handle="@uaegov")]))),
    ("https://bsky.app/profile/" + DID,
     lambda stub: stub.route("/xrpc/app.bsky.actor.getProfiles",
                             bluesky_profiles([bluesky_profile("uae.gov.ae", 5, DID)]))),
    ("https://www.facebook.com/profile.php?id=100064000000001",
     lambda stub: stub.route("/", facebook_pages({"100064000000001": facebook_page("UAEGov", 5,
                                                                                  "100064000000001")}))),
], ids=["youtube-by-id", "bluesky-by-did", "facebook-by-number"])
def test_an_account_registered_by_its_id_has_no_handle_to_rename(link, answer, stub, make_channel):
    channel = make_channel(link)
    answer(stub)
    refresh_batch([channel.pk], ADAPTERS[Platform(channel.platform)]())
    assert (fresh(channel).followers, alerts(channel)) == (5, [])


# --- Batches ----------------------------------------------------------------------------------

def _many(make_entity, platform: str, count: int, handle: Callable[[int], str]) -> list[Channel]:
    from accounts.platforms import parse_account_link

    entity = make_entity()
    channels = []
    for n in range(count):
        account = parse_account_link(handle(n), platform)
        channels.append(Channel(platform=platform, handle=account.handle, handle_key=account.handle_key,
                                canonical_url=account.canonical_url, entity=entity, status="approved",
                                approved_at=timezone.now()))
    return Channel.private_objects.bulk_create(channels)


def _yt_id(n: int) -> str:
    return f"UC{n:022d}"


@pytest.mark.parametrize(("platform", "count", "calls", "handle", "answer"), [
    ("x", 120, 2, lambda n: f"h{n}", lambda stub: stub.route(
        "/2/users/by", x_users_by({f"h{n}": n + 1 for n in range(120)}))),
    ("youtube", 60, 2, _yt_id, lambda stub: stub.route(
        "/channels", youtube_channels([youtube_channel(_yt_id(n), n + 1) for n in range(60)]))),
    ("bluesky", 30, 2, lambda n: f"h{n}.bsky.social", lambda stub: stub.route(
        "/xrpc/app.bsky.actor.getProfiles",
        bluesky_profiles([bluesky_profile(f"h{n}.bsky.social", n + 1) for n in range(30)]))),
    ("facebook", 60, 2, lambda n: f"page{n}", lambda stub: stub.route(
        "/", facebook_pages({f"page{n}": facebook_page(f"page{n}", n + 1, str(5000 + n)) for n in range(60)}))),
    ("telegram", 3, 3, lambda n: f"channel{n}", lambda stub: stub.route(
        f"/bot{SECRETS['telegram']}/getChatMemberCount",
        lambda seen: Reply(200, telegram_count(int(seen.query["chat_id"][0].removeprefix("@channel")) + 1)))),
    ("instagram", 3, 3, lambda n: f"account{n}", lambda stub: stub.route(
        f"/{IG_USER_ID}", instagram_discovery({f"account{n}": (n + 1, str(7000 + n)) for n in range(3)}))),
    ("mastodon", 3, 3, lambda n: f"user{n}@mastodon.social", lambda stub: stub.route(
        "/mastodon.social/api/v1/accounts/lookup",
        lambda seen: Reply(200, mastodon_account(seen.query["acct"][0], int(seen.query["acct"][0][4:]) + 1,
                                                 str(9000 + int(seen.query["acct"][0][4:])))))),
])
def test_channels_are_asked_in_the_platforms_batches(platform, count, calls, handle, answer, stub, make_entity):
    channels = _many(make_entity, platform, count, handle)
    answer(stub)

    outcome = refresh_batch([channel.pk for channel in channels], ADAPTERS[Platform(platform)]())

    assert len(stub.requests) == calls
    assert outcome.refreshed == count
    by_pk = {pk: n + 1 for n, pk in enumerate(channel.pk for channel in channels)}
    stored = dict(Channel.private_objects.filter(pk__in=by_pk).values_list("pk", "followers"))
    assert stored == by_pk  # each channel got its own account's count


def test_bluesky_asks_with_repeated_actors_parameters(stub, make_entity):
    channels = _many(make_entity, "bluesky", 3, lambda n: f"h{n}.bsky.social")
    stub.route("/xrpc/app.bsky.actor.getProfiles", bluesky_profiles([]))
    refresh_batch([channel.pk for channel in channels], bluesky.Adapter())
    assert stub.requests[0].query == {"actors": ["h0.bsky.social", "h1.bsky.social", "h2.bsky.social"]}


@pytest.mark.parametrize(("platform", "count", "handle", "path", "refusal"), [
    ("x", 250, lambda n: f"h{n}", "/2/users/by", Reply(429, {}, {"x-rate-limit-reset": "1900000000"})),
    ("youtube", 120, _yt_id, "/channels", Reply(403, youtube_error(403, "quotaExceeded"))),
    ("telegram", 4, lambda n: f"channel{n}", f"/bot{SECRETS['telegram']}/getChatMemberCount",
     Reply(404, telegram_error(404, "Not Found"))),  # Telegram's answer to a token it does not know
    ("facebook", 120, lambda n: f"page{n}", "/", Reply(400, graph_error(190, "Error validating access token"))),
    ("bluesky", 60, lambda n: f"h{n}.bsky.social", "/xrpc/app.bsky.actor.getProfiles",
     Reply(429, {}, {"ratelimit-reset": "60"})),
])
def test_a_refusal_stops_the_calls_and_every_channel_shares_it(platform, count, handle, path, refusal, stub,
                                                              make_entity):
    channels = _many(make_entity, platform, count, handle)
    stub.route(path, refusal)

    outcome = refresh_batch([channel.pk for channel in channels], ADAPTERS[Platform(platform)]())

    assert len(stub.requests) == 1
    assert sum(outcome.failed.values()) == count
    assert not FollowerSnapshot.objects.filter(channel__in=channels).exists()


# --- YouTube --------------------------------------------------------------------------------

def test_youtube_learns_the_id_of_an_at_handle_then_asks_by_id(stub, make_channel):
    channel = make_channel("https://www.youtube.com/@UAEGov")
    stub.route("/channels", youtube_channels([youtube_channel(CHANNEL_ID, "2500000", handle="@uaegov")]))

    refresh_batch([channel.pk], youtube.Adapter())
    refresh_batch([channel.pk], youtube.Adapter())

    channel = fresh(channel)
    assert (channel.followers, channel.platform_id) == (2_500_000, CHANNEL_ID)  # the count came as a string
    first, second = stub.requests
    assert first.query["forHandle"] == ["@UAEGov"] and "id" not in first.query
    assert second.query["id"] == [CHANNEL_ID] and "forHandle" not in second.query
    assert first.query["part"] == ["snippet,statistics"]
    assert alerts(channel) == []


def test_youtube_reads_a_legacy_user_name_with_for_username(stub, make_channel):
    channel = make_channel("https://www.youtube.com/user/UAEGovernment")
    stub.route("/channels", youtube_channels([youtube_channel(CHANNEL_ID, 42)],
                                             usernames={"uaegovernment": CHANNEL_ID}))

    refresh_batch([channel.pk], youtube.Adapter())

    assert stub.requests[0].query["forUsername"] == ["UAEGovernment"]
    assert (fresh(channel).followers, fresh(channel).platform_id, alerts(channel)) == (42, CHANNEL_ID, [])


def test_youtube_does_not_guess_a_custom_name_and_says_the_id_is_needed(stub, make_channel):
    channel = counted(make_channel("https://www.youtube.com/c/UAEGov"))
    stub.route("/channels", youtube_channels([youtube_channel(CHANNEL_ID, 42, handle="@uaegov")]))

    refresh_batch([channel.pk], youtube.Adapter())

    assert stub.requests == []  # a handle of the same name may be someone else's
    channel = assert_failed(channel, FailureKind.NOT_LOOKED_UP)
    assert "channel's id" in channel.refresh_error
    assert_kept(channel, channel)
    assert alerts(channel) == []  # not "no longer exists": the public would be told a live channel is gone
    assert caution_for(channel) == ""


def test_youtube_reads_a_custom_name_once_its_id_is_recorded(stub, make_channel):
    channel = make_channel("https://www.youtube.com/c/UAEGov", platform_id=CHANNEL_ID)
    stub.route("/channels", youtube_channels([youtube_channel(CHANNEL_ID, 42, handle="@uaegov")]))
    refresh_batch([channel.pk], youtube.Adapter())
    assert stub.requests[0].query["id"] == [CHANNEL_ID]
    assert (fresh(channel).followers, alerts(channel)) == (42, [])  # a /c/ name is not an @handle: no rename


def test_youtube_never_records_a_hidden_subscriber_count(stub, make_channel):
    channel = counted(make_channel(f"https://www.youtube.com/channel/{CHANNEL_ID}"))
    hidden = youtube_channel(CHANNEL_ID, None, hidden=True)
    hidden["statistics"]["subscriberCount"] = "0"  # what YouTube may still send beside the flag
    stub.route("/channels", youtube_channels([hidden]))

    refresh_batch([channel.pk], youtube.Adapter())

    channel = assert_failed(channel, FailureKind.BAD_RESPONSE)
    assert "subscriber count hidden" in channel.refresh_error
    assert_kept(channel, channel)


def test_youtube_rate_limit_reason_is_a_rate_limit(stub, make_channel):
    channel = counted(make_channel(f"https://www.youtube.com/channel/{CHANNEL_ID}"))
    stub.route("/channels", Reply(403, youtube_error(403, "rateLimitExceeded"), {"Retry-After": "120"}))
    outcome = refresh_batch([channel.pk], youtube.Adapter(), defer_retryable=True)
    assert outcome.retry[channel.pk].kind == FailureKind.RATE_LIMITED
    assert abs(outcome.retry_at - (timezone.now() + timedelta(seconds=120))) < timedelta(seconds=5)


def test_youtube_quota_running_out_mid_batch_keeps_the_counts_already_read(stub, make_entity):
    channels = _many(make_entity, "youtube", 3, lambda n: f"@handle{n}")
    answered = []

    def reply(seen: Seen) -> Reply:
        if answered:
            return Reply(403, youtube_error(403, "quotaExceeded"))
        answered.append(seen)
        return Reply(200, {"kind": "youtube#channelListResponse", "items": [youtube_channel(_yt_id(0), 7)]})

    stub.route("/channels", reply)

    refresh_batch([channel.pk for channel in channels], youtube.Adapter())

    first, *others = [fresh(channel) for channel in channels]
    assert (first.followers, first.refresh_status) == (7, RefreshStatus.OK)
    assert [channel.refresh_error.split(":")[0] for channel in others] == ["quota_exhausted"] * 2
    assert len(stub.requests) == 2  # no call after the refusal


@pytest.mark.parametrize(("now", "midnight"), [
    (datetime(2026, 7, 1, 6, 59, tzinfo=UTC), datetime(2026, 7, 1, 7, 0, tzinfo=UTC)),  # 23:59 PDT
    (datetime(2026, 1, 15, 8, 0, tzinfo=UTC), datetime(2026, 1, 16, 8, 0, tzinfo=UTC)),  # 00:00 PST
    (datetime(2026, 3, 8, 12, 0, tzinfo=UTC), datetime(2026, 3, 9, 7, 0, tzinfo=UTC)),  # the day clocks go forward
])
def test_youtube_quota_comes_back_at_midnight_pacific(now, midnight):
    assert youtube.next_quota_day(now) == midnight
    assert youtube.next_quota_day(now).astimezone(ZoneInfo("America/Los_Angeles")).hour == 0


# --- Telegram -------------------------------------------------------------------------------

@pytest.mark.parametrize("reply", [
    Reply(400, telegram_error(400, "Bad Request: chat not found")),
    Reply(401, telegram_error(401, "Unauthorized")),
    Reply(404, telegram_error(404, "Not Found")),
    Reply(429, telegram_error(429, "Too Many Requests: retry after 5", retry_after=5)),
    Reply(400, telegram_error(400, "Bad Request: member list is inaccessible")),
    Reply(500, b"oops"),
    Reply(200, b"not json"),
    Reply(200, telegram_count(1), delay=1.0),
], ids=["not-found", "401", "404", "429", "inaccessible", "500", "not-json", "timeout"])
def test_telegram_never_records_its_token(reply, stub, make_channel):
    channel = counted(make_channel("https://t.me/uaegov"))
    stub.route(f"/bot{SECRETS['telegram']}/getChatMemberCount", reply)

    refresh_batch([channel.pk], telegram.Adapter(client=httpx.Client(timeout=0.5)))

    channel = fresh(channel)
    assert channel.refresh_status == RefreshStatus.FAILED
    assert SECRETS["telegram"] not in channel.refresh_error
    assert SECRETS["telegram"].split(":")[1] not in json.dumps(list(Alert.objects.values_list("details", flat=True)))


def test_telegram_one_chat_refused_does_not_stop_the_others(stub, make_entity):
    channels = _many(make_entity, "telegram", 3, lambda n: f"channel{n}")

    def reply(seen: Seen) -> Reply:
        if seen.query["chat_id"] == ["@channel1"]:
            return Reply(400, telegram_error(400, "Bad Request: member list is inaccessible"))
        return Reply(200, telegram_count(10))

    stub.route(f"/bot{SECRETS['telegram']}/getChatMemberCount", reply)
    refresh_batch([channel.pk for channel in channels], telegram.Adapter())
    assert [fresh(channel).refresh_status for channel in channels] == ["ok", "failed", "ok"]
    assert "member list is inaccessible" in fresh(channels[1]).refresh_error
    assert alerts(channels[1]) == []  # not a vanished chat


# --- Facebook -------------------------------------------------------------------------------

def test_facebook_finds_the_missing_page_by_halving_a_refused_call(stub, make_entity):
    channels = _many(make_entity, "facebook", 8, lambda n: f"page{n}")
    stub.route("/", facebook_pages({f"page{n}": facebook_page(f"page{n}", 100 + n, str(5000 + n))
                                    for n in range(8) if n != 5}))

    refresh_batch([channel.pk for channel in channels], facebook.Adapter())

    states = [(fresh(channel).refresh_status, fresh(channel).followers) for channel in channels]
    assert states == [("ok", 100 + n) if n != 5 else ("failed", None) for n in range(8)]
    assert alerts(channels[5]) == [AlertKind.NOT_FOUND]
    assert len(stub.requests) == 7  # 8 → 4 + 4 → 2 + 2 → 1 + 1


def test_facebook_stores_what_the_page_shows(stub, make_channel):
    channel = make_channel("https://www.facebook.com/UAEGov")
    stub.route("/", facebook_pages({"UAEGov": facebook_page("UAEGov", 9, "101", website="https://u.ae https://x.ae",
                                                            verification_status="blue_verified")}))
    refresh_batch([channel.pk], facebook.Adapter())
    channel = fresh(channel)
    assert (channel.platform_verified, channel.profile_link, channel.followers) == (True, "https://u.ae", 9)
    assert stub.requests[0].query["fields"] == ["followers_count,fan_count,name,verification_status,link,website"]


def test_facebook_never_counts_likes_as_followers(stub, make_channel):
    channel = counted(make_channel("https://www.facebook.com/UAEGov"))
    stub.route("/", facebook_pages({"UAEGov": facebook_page("UAEGov", None, "101") | {"fan_count": 50_000}}))
    refresh_batch([channel.pk], facebook.Adapter())
    assert_failed(channel, FailureKind.BAD_RESPONSE)
    assert_kept(channel, channel)


@pytest.mark.parametrize(("code", "headers", "wait"), [
    (613, {}, timedelta(hours=1)),
    (17, {"Retry-After": "120"}, timedelta(seconds=120)),
    (32, {"x-business-use-case-usage": "not json"}, timedelta(hours=1)),
])
def test_graph_throttling_waits_as_long_as_meta_says_else_an_hour(code, headers, wait, stub, make_channel):
    channel = counted(make_channel("https://www.facebook.com/UAEGov"))
    stub.route("/", Reply(400, graph_error(code, "Calls to this api have exceeded the rate limit."), headers))
    outcome = refresh_batch([channel.pk], facebook.Adapter(), defer_retryable=True)
    assert outcome.retry[channel.pk].kind == FailureKind.RATE_LIMITED
    assert abs(outcome.retry_at - (timezone.now() + wait)) < timedelta(seconds=5)


# --- Instagram -------------------------------------------------------------------------------

def test_instagram_asks_business_discovery_through_the_gcos_account(stub, make_channel):
    channel = make_channel("https://www.instagram.com/uaegov/")
    stub.route(f"/{IG_USER_ID}", instagram_discovery({"uaegov": (77, "178414")}))
    refresh_batch([channel.pk], instagram.Adapter())
    fields = stub.requests[0].query["fields"][0]
    assert fields == "business_discovery.username(uaegov){followers_count,media_count,username,id,name,website}"
    assert (fresh(channel).followers, fresh(channel).profile_link) == (77, "https://u.ae")


# --- Mastodon: only the allowed servers are ever called ---------------------------------------

@pytest.mark.parametrize("link", [
    "https://gov.social/@uaegov",  # a real-looking server nobody allowed
    "https://mastodon.social.evil.example/@uaegov",
    "https://evilmastodon.social/@uaegov",
    "https://mastodon.socia1/@uaegov",
    "https://mastodon.social.example/@uaegov",
    "uaegov@notmastodon.social",
])
def test_mastodon_never_calls_a_server_outside_the_allowed_list(link, stub, make_channel):
    channel = counted(make_channel(link, platform="mastodon"))
    stub.route("/mastodon.social/api/v1/accounts/lookup", Reply(200, mastodon_account("uaegov", 5)))

    answer = mastodon.Adapter().fetch([channel])[channel.pk]
    refresh_batch([channel.pk], mastodon.Adapter())

    assert stub.requests == []
    assert answer.kind == FailureKind.NOT_CONFIGURED and "MASTODON_INSTANCES" in answer.detail
    assert fresh(channel).refresh_status == RefreshStatus.NOT_CONFIGURED
    assert_kept(channel, channel)


def test_mastodon_calls_the_servers_named_in_settings_exactly(stub, make_entity, settings):
    settings.MASTODON_INSTANCES = [" Gov.Social. "]
    channels = _many(make_entity, "mastodon", 1, lambda n: "uaegov@gov.social")
    channels += _many(make_entity, "mastodon", 1, lambda n: "uaegov@mastodon.social")
    channels += _many(make_entity, "mastodon", 1, lambda n: "uaegov@sub.gov.social")
    for server in ("gov.social", "mastodon.social", "sub.gov.social"):
        stub.route(f"/{server}/api/v1/accounts/lookup", Reply(200, mastodon_account("uaegov", 5)))

    refresh_batch([channel.pk for channel in channels], mastodon.Adapter())

    assert sorted(seen.path for seen in stub.requests) == [
        "/gov.social/api/v1/accounts/lookup", "/mastodon.social/api/v1/accounts/lookup"]
    assert [fresh(channel).refresh_status for channel in channels] == ["ok", "ok", "not_configured"]


@pytest.mark.parametrize(("reply", "kind", "alert"), [
    (Reply(200, mastodon_account("uaegov", 5, suspended=True)), FailureKind.SUSPENDED, AlertKind.SUSPENDED),
    (Reply(410, {"error": "Gone"}), FailureKind.SUSPENDED, AlertKind.SUSPENDED),
    (Reply(200, mastodon_account("uaegov", 5, moved=mastodon_account("uaegov", 900, "2", instance="gov.social")
                                 | {"acct": "uaegov@gov.social"})), FailureKind.NOT_FOUND, AlertKind.NOT_FOUND),
], ids=["suspended", "gone", "moved"])
def test_mastodon_suspended_and_moved_accounts_are_flagged_not_counted(reply, kind, alert, stub, make_channel):
    channel = counted(make_channel("https://mastodon.social/@uaegov"))
    stub.route("/mastodon.social/api/v1/accounts/lookup", reply)
    refresh_batch([channel.pk], mastodon.Adapter())
    assert_failed(channel, kind)
    assert_kept(channel, channel)
    assert alerts(channel) == [alert]


def test_mastodon_one_server_refusing_anonymous_lookups_does_not_stop_the_others(stub, make_entity, settings):
    settings.MASTODON_INSTANCES = ["gov.social"]
    channels = _many(make_entity, "mastodon", 1, lambda n: "uaegov@gov.social")
    channels += _many(make_entity, "mastodon", 1, lambda n: "uaegov@mastodon.social")
    stub.route("/gov.social/api/v1/accounts/lookup", Reply(401, {"error": "This API requires an authenticated user"}))
    stub.route("/mastodon.social/api/v1/accounts/lookup", Reply(200, mastodon_account("uaegov", 5)))

    refresh_batch([channel.pk for channel in channels], mastodon.Adapter())

    assert [fresh(channel).refresh_status for channel in channels] == ["failed", "ok"]
    assert "gov.social refuses anonymous look-ups" in fresh(channels[0]).refresh_error
