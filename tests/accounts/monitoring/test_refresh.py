"""The follower refresh, end to end through the X adapter against a local stub of the X API:
what is stored, what alerts open (once), what a failure leaves alone, the command and the jobs."""
from __future__ import annotations

import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Alert, AlertKind, Channel, FollowerSnapshot, RefreshStatus, Status
from accounts.monitoring.refresh import refresh_batch
from accounts.tasks.refresh import REFRESH_RUN_LOCK, refresh_followers, refresh_followers_batch
from tests.platforms.stub import PlatformStub, Reply, x_user, x_users_by

pytestmark = pytest.mark.django_db


@pytest.fixture
def x_api(settings):
    with PlatformStub() as stub:
        settings.X_API_BASE_URL = stub.url
        settings.X_BEARER_TOKEN = "test-bearer"
        yield stub


def fresh(channel: Channel) -> Channel:
    return Channel.private_objects.get(pk=channel.pk)


def snapshots(channel: Channel) -> list[tuple]:
    return list(FollowerSnapshot.objects.filter(channel=channel).order_by("date").values_list("date", "followers",
                                                                                               "source"))


def alerts(channel: Channel) -> list[str]:
    return sorted(Alert.objects.filter(channel=channel, resolved_at__isnull=True).values_list("kind", flat=True))


def counted(channel: Channel, followers: int, days_ago: int = 1) -> Channel:
    day = timezone.localdate() - timedelta(days=days_ago)
    FollowerSnapshot.objects.create(channel=channel, date=day, followers=followers)
    Channel.private_objects.filter(pk=channel.pk).update(followers=followers,
                                                         followers_at=timezone.now() - timedelta(days=days_ago))
    return fresh(channel)


def test_a_refresh_stores_the_days_count_and_what_the_platform_says(x_api, make_channel):
    channel = make_channel("https://x.com/UAEGov")
    x_api.route("/2/users/by", x_users_by({"uaegov": 1_234_567}, ids={"uaegov": "101"}))

    outcome = refresh_batch([channel.pk])

    channel = fresh(channel)
    assert (outcome.refreshed, outcome.unchanged, sum(outcome.failed.values())) == (1, 0, 0)
    assert (channel.followers, channel.refresh_status, channel.platform_id) == (1_234_567, RefreshStatus.OK, "101")
    assert snapshots(channel) == [(timezone.localdate(), 1_234_567, "api")]
    request = x_api.requests[0]
    assert request.headers["authorization"] == "Bearer test-bearer"
    assert request.query["usernames"] == ["UAEGov"] and "public_metrics" in request.query["user.fields"][0]
    assert alerts(channel) == []


def test_a_second_refresh_the_same_day_updates_the_days_snapshot(x_api, make_channel):
    channel = make_channel("https://x.com/UAEGov")
    followers = {"uaegov": 1_000}
    x_api.route("/2/users/by", x_users_by(followers))
    refresh_batch([channel.pk])
    followers["uaegov"] = 1_050
    outcome = refresh_batch([channel.pk])
    assert snapshots(channel) == [(timezone.localdate(), 1_050, "api")]
    assert outcome.refreshed == 1
    assert refresh_batch([channel.pk]).unchanged == 1


def test_one_call_answers_a_hundred_channels(x_api, make_entity):
    entity = make_entity()
    Channel.private_objects.bulk_create([
        Channel(platform="x", handle=f"h{n}", handle_key=f"h{n}", canonical_url=f"https://x.com/h{n}",
                entity=entity, status=Status.APPROVED, approved_at=timezone.now())
        for n in range(150)
    ])
    x_api.route("/2/users/by", x_users_by({f"h{n}": n for n in range(150)}))
    ids = list(Channel.private_objects.values_list("pk", flat=True))
    outcome = refresh_batch(ids)
    assert outcome.refreshed + outcome.unchanged == 150
    assert [len(r.query["usernames"][0].split(",")) for r in x_api.requests] == [100, 50]
    assert FollowerSnapshot.objects.count() == 150


@pytest.mark.parametrize("reply", [
    Reply(500, {"title": "Internal Error"}),
    Reply(503, b"<html>Service Unavailable</html>"),
    Reply(200, b"{not json"),
    Reply(200, ["a", "list"]),
    Reply(401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}),
    Reply(429, {"title": "Too Many Requests"}, {"x-rate-limit-remaining": "0", "x-rate-limit-reset": "1"}),
    Reply(200, {"data": [{"id": "1", "username": "UAEGov", "public_metrics": {"followers_count": -5}}]}),
])
def test_a_failure_never_writes_zero_nor_erases_the_last_good_count(x_api, make_channel, reply):
    channel = counted(make_channel("https://x.com/UAEGov"), 900_000)
    x_api.route("/2/users/by", reply)
    outcome = refresh_batch([channel.pk])
    channel = fresh(channel)
    assert sum(outcome.failed.values()) == 1
    assert (channel.followers, channel.refresh_status) == (900_000, RefreshStatus.FAILED)
    assert channel.refresh_error
    assert [followers for _day, followers, _source in snapshots(channel)] == [900_000]


def test_a_fall_of_more_than_a_fifth_opens_one_alert(x_api, make_channel):
    falling = counted(make_channel("https://x.com/falling"), 10_000)
    steady = counted(make_channel("https://x.com/steady"), 10_000)
    x_api.route("/2/users/by", x_users_by({"falling": 7_900, "steady": 8_100}))
    refresh_batch([falling.pk, steady.pk])
    refresh_batch([falling.pk, steady.pk])  # the same day again: still one alert
    assert alerts(falling) == [AlertKind.FOLLOWER_DROP] and alerts(steady) == []
    alert = Alert.objects.get(channel=falling)
    assert (alert.details["previous"], alert.details["now"]) == (10_000, 7_900)


def test_unknown_and_suspended_accounts_open_alerts_once(x_api, make_channel):
    gone = counted(make_channel("https://x.com/goneaccount"), 500)
    suspended = make_channel("https://x.com/suspendedone")
    x_api.route("/2/users/by", x_users_by({"suspendedone": None}))
    for _ in range(2):
        refresh_batch([gone.pk, suspended.pk])
    assert alerts(gone) == [AlertKind.NOT_FOUND] and alerts(suspended) == [AlertKind.SUSPENDED]
    assert Alert.objects.count() == 2
    assert fresh(gone).followers == 500  # not zero


def test_a_renamed_account_is_found_by_its_id_and_flagged(x_api, make_channel):
    channel = make_channel("https://x.com/OldName", platform_id="777")
    x_api.route("/2/users/by", x_users_by({}))
    x_api.route("/2/users", Reply(200, {"data": [x_user("NewName", 4_321, "777")]}))
    refresh_batch([channel.pk])
    channel = fresh(channel)
    assert alerts(channel) == [AlertKind.RENAMED]
    assert Alert.objects.get(channel=channel).details == {"registered_handle": "OldName", "handle_now": "NewName"}
    assert channel.followers == 4_321 and channel.refresh_status == RefreshStatus.OK
    assert x_api.requests[1].query["ids"] == ["777"]


def test_a_handle_now_held_by_another_account_records_no_count(x_api, make_channel):
    channel = counted(make_channel("https://x.com/UAEGov", platform_id="101"), 2_000_000)
    x_api.route("/2/users/by", x_users_by({"uaegov": 12}, ids={"uaegov": "999"}))
    refresh_batch([channel.pk])
    channel = fresh(channel)
    assert alerts(channel) == [AlertKind.ID_CHANGED]
    assert (channel.followers, channel.platform_id, channel.refresh_status) == (2_000_000, "101", RefreshStatus.FAILED)
    assert [followers for _d, followers, _s in snapshots(channel)] == [2_000_000]


def test_three_days_of_failures_open_a_refresh_failing_alert(x_api, make_channel):
    recent = make_channel("https://x.com/recentfail")
    long = make_channel("https://x.com/longfail")
    Channel.private_objects.filter(pk=recent.pk).update(refresh_failing_since=timezone.now() - timedelta(days=2))
    Channel.private_objects.filter(pk=long.pk).update(refresh_failing_since=timezone.now() - timedelta(days=3))
    x_api.route("/2/users/by", Reply(500, {}))
    refresh_batch([recent.pk, long.pk])
    assert alerts(recent) == [] and alerts(long) == [AlertKind.REFRESH_FAILING]
    x_api.route("/2/users/by", x_users_by({"recentfail": 1, "longfail": 2}))
    refresh_batch([recent.pk, long.pk])
    assert fresh(long).refresh_failing_since is None  # a success ends the run of failures


def test_without_credentials_nothing_is_called_and_nothing_invented(x_api, make_channel, settings):
    settings.X_BEARER_TOKEN = ""
    channel = counted(make_channel("https://x.com/UAEGov"), 10)
    outcome = refresh_batch([channel.pk])
    assert outcome.not_configured == 1 and x_api.requests == []
    channel = fresh(channel)
    assert (channel.refresh_status, channel.followers) == (RefreshStatus.NOT_CONFIGURED, 10)


def test_platforms_without_an_api_are_left_to_staff_reports(x_api, make_channel):
    channel = make_channel("https://www.snapchat.com/add/uaegov")
    outcome = refresh_batch([channel.pk])
    assert outcome.reported == 1 and x_api.requests == []
    assert fresh(channel).refresh_status == RefreshStatus.REPORTED and snapshots(channel) == []


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.RETIRED,
                                    Status.CHANGES_REQUESTED])
def test_only_official_and_compromised_channels_are_refreshed(x_api, make_channel, status):
    channel = make_channel("https://x.com/UAEGov", status=status)
    x_api.route("/2/users/by", x_users_by({"uaegov": 5}))
    refresh_batch([channel.pk])
    assert x_api.requests == [] and snapshots(channel) == []


# --- The command ------------------------------------------------------------------------------

def test_the_command_refreshes_and_sums_up(x_api, make_channel, make_entity, client):
    mofa = make_entity(slug="mofa")
    make_channel("https://x.com/MOFAUAE", entity=mofa)
    make_channel("https://x.com/MissingOne", entity=mofa)
    make_channel("https://x.com/OtherEntity")
    make_channel("https://www.snapchat.com/add/mofauae", entity=mofa)
    x_api.route("/2/users/by", x_users_by({"mofauae": 250_000, "otherentity": 1}))
    out, err = StringIO(), StringIO()

    call_command("refresh_followers", "--entity", "mofa", stdout=out, stderr=err)

    summary = out.getvalue()
    assert "Channels: 3" in summary
    assert "refreshed (count changed): 1" in summary
    assert "not_found: 1" in summary and "reported by staff (no API): 1" in summary
    assert "[##############################] 3/3 channels" in err.getvalue()
    assert 'data-total="followers">250,000<' in client.get("/en/").content.decode()


def test_the_command_refuses_unknown_narrowing(x_api):
    with pytest.raises(CommandError, match="No entity"):
        call_command("refresh_followers", "--entity", "nope", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="does not exist"):
        call_command("refresh_followers", "--channel", "999999", stdout=StringIO(), stderr=StringIO())


# --- The jobs -----------------------------------------------------------------------------------

def test_the_daily_job_fans_out_and_skips_what_is_already_fresh(x_api, make_channel):
    channels = [make_channel(f"https://x.com/daily{n}") for n in range(3)]
    x_api.route("/2/users/by", x_users_by({f"daily{n}": 10 + n for n in range(3)}))
    assert refresh_followers() == 1  # one batch of X
    assert [fresh(c).followers for c in channels] == [10, 11, 12]
    calls = len(x_api.requests)
    assert refresh_followers() == 0  # all fresh today: nothing to ask again
    assert len(x_api.requests) == calls


def test_one_run_at_a_time(x_api, make_channel):
    from django.core.cache import cache

    make_channel("https://x.com/UAEGov")
    cache.add(REFRESH_RUN_LOCK, "all", timeout=60)
    assert refresh_followers() == 0 and x_api.requests == []


def test_a_rate_limited_batch_waits_as_told_then_completes(x_api, make_channel):
    from celery.exceptions import Retry

    from registry.celery import app

    channel = counted(make_channel("https://x.com/UAEGov"), 100)
    replies = iter([
        Reply(429, {"title": "Too Many Requests"}, {"x-rate-limit-remaining": "0",
                                                    "x-rate-limit-reset": str(int(time.time()) + 1)}),
    ])
    ok = x_users_by({"uaegov": 150})
    x_api.route("/2/users/by", lambda seen: next(replies, None) or ok(seen))
    with pytest.raises(Retry) as retry:
        refresh_followers_batch.delay("x", [channel.pk])
    # Told to wait until the reset (a second away) plus up to 30 s of jitter; nothing recorded yet.
    assert 0 < retry.value.when <= 32
    assert fresh(channel).refresh_status != RefreshStatus.FAILED and fresh(channel).followers == 100
    # Run inline, Celery applies the retry at once instead of raising it.
    app.conf.task_eager_propagates = False
    try:
        time.sleep(1.1)
        refresh_followers_batch.delay("x", [channel.pk])
    finally:
        app.conf.task_eager_propagates = True
    assert fresh(channel).followers == 150
    assert fresh(channel).refresh_status == RefreshStatus.OK
    assert len(x_api.requests) == 2
    assert snapshots(channel)[-1][1:] == (150, "api")


def test_tasks_take_whole_api_batches_of_about_a_hundred_channels(make_entity):
    from accounts.monitoring.refresh import batches

    entity = make_entity()
    rows = []
    for platform, count, link in (("x", 250, "https://x.com/b{n}"), ("instagram", 150, "https://instagram.com/b{n}"),
                                  ("bluesky", 120, "https://bsky.app/profile/b{n}.bsky.social")):
        rows += [Channel(platform=platform, handle=f"b{n}", handle_key=f"b{n}", canonical_url=link.format(n=n),
                         entity=entity, status=Status.APPROVED, approved_at=timezone.now()) for n in range(count)]
    Channel.private_objects.bulk_create(rows)
    sizes = {}
    for platform, ids in batches(Channel.private_objects.order_by("platform", "pk")):
        sizes.setdefault(platform, []).append(len(ids))
    assert sizes == {"x": [100, 100, 50], "instagram": [100, 50], "bluesky": [100, 20]}


def test_a_wait_past_the_visibility_timeout_is_recorded_not_retried(x_api, make_channel):
    channel = counted(make_channel("https://x.com/UAEGov"), 100)
    reset = int(time.time()) + 6 * 3600  # six hours away: longer than the broker keeps a message hidden
    x_api.route("/2/users/by", Reply(429, {"title": "Too Many Requests"}, {"x-rate-limit-reset": str(reset)}))
    result = refresh_followers_batch.delay("x", [channel.pk]).get()
    channel = fresh(channel)
    assert result["failed"] == 1 and len(x_api.requests) == 1
    assert (channel.refresh_status, channel.followers) == (RefreshStatus.FAILED, 100)
    assert channel.refresh_error.startswith("rate_limited")


def test_a_resolved_alert_is_not_opened_again_for_the_same_thing(x_api, make_channel, make_user):
    from accounts.services import resolve_alert

    channel = make_channel("https://x.com/OldName", platform_id="777")
    x_api.route("/2/users/by", x_users_by({}))
    renamed_to = {"handle": "NewName"}
    x_api.route("/2/users", lambda seen: Reply(200, {"data": [x_user(renamed_to["handle"], 10, "777")]}))
    refresh_batch([channel.pk])
    alert = Alert.objects.get(channel=channel)
    resolve_alert(user=make_user(reviewer=True), alert_id=alert.pk, note="The ministry renamed it; editing.",
                  two_factor=True)
    refresh_batch([channel.pk])  # the next day's run: still renamed to the same handle
    assert alerts(channel) == []
    renamed_to["handle"] = "ThirdName"  # renamed again: that is news
    refresh_batch([channel.pk])
    assert alerts(channel) == [AlertKind.RENAMED]
    assert Alert.objects.get(channel=channel, resolved_at__isnull=True).details["handle_now"] == "ThirdName"


@pytest.mark.parametrize(("website", "stored"), [
    ("www.mofa.gov.ae", "https://www.mofa.gov.ae"),
    ("https://mofa.gov.ae/ar", "https://mofa.gov.ae/ar"),
    ("call us on 800 1234", ""),
    ("javascript:alert(1)", ""),
])
def test_a_profile_website_is_stored_as_a_link_and_never_blocks_the_workflow(x_api, make_channel, make_user,
                                                                              website, stored):
    from accounts.services import channel_act

    channel = make_channel("https://x.com/MOFAUAE")
    x_api.route("/2/users/by", lambda seen: Reply(200, {"data": [x_user("MOFAUAE", 10, website=website)]}))
    refresh_batch([channel.pk])
    assert fresh(channel).profile_link == stored
    # Whatever the platform said, the GCO can still flag the account at once.
    channel_act(actor=make_user(reviewer=True), channel_id=channel.pk, action="flag_compromised",
                reason="Posting scams since this morning.", two_factor=True)
    assert fresh(channel).status == Status.COMPROMISED
