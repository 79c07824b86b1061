"""`manage.py refresh_followers` against a local stub of the X API that answers 429: a short rate
limit is waited out and the refresh completes; a long one is recorded and the command says when
to run again."""
from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Alert, AlertKind, Channel, RefreshStatus, Status
from accounts.monitoring.foreground import FRUITLESS_WAITS, ForegroundRefresh
from tests.platforms.stub import PlatformStub, Reply, x_users_by

pytestmark = pytest.mark.django_db


@pytest.fixture
def x_api(settings):
    with PlatformStub() as stub:
        settings.X_API_BASE_URL = stub.url
        settings.X_BEARER_TOKEN = "test-bearer"
        yield stub


def too_many(reset_in: int) -> Reply:
    """X's answer when the app's window is spent: 429, and the window's end as Unix time."""
    return Reply(429, {"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429},
                 {"x-rate-limit-limit": "300", "x-rate-limit-remaining": "0",
                  "x-rate-limit-reset": str(int(time.time()) + reset_in)})


def refused_first(times: int, reset_in: int, then) -> callable:
    left = [times]

    def reply(seen):
        if left[0] > 0:
            left[0] -= 1
            return too_many(reset_in)
        return then(seen)
    return reply


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("refresh_followers", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def x_channels(make_entity, count: int) -> list[Channel]:
    entity = make_entity()
    Channel.private_objects.bulk_create([
        Channel(platform="x", handle=f"acct{n}", handle_key=f"acct{n}", canonical_url=f"https://x.com/acct{n}",
                entity=entity, status=Status.APPROVED, approved_at=timezone.now())
        for n in range(count)
    ])
    return list(Channel.private_objects.filter(platform="x").order_by("pk"))


def test_a_short_rate_limit_is_waited_out_and_every_channel_refreshed(x_api, make_channel):
    known = [make_channel(f"https://x.com/UAEGov{n}") for n in range(3)]
    unknown = make_channel("https://x.com/GoneAccount")
    x_api.route("/2/users/by", refused_first(1, 2, x_users_by({f"uaegov{n}": 100 + n for n in range(3)})))

    out, err = run("--platform", "x")

    # The progress output says what it waits for and until when, then the bar goes on to the end.
    assert "X: rate_limited; waiting until " in err and "then asking again for 4 channels" in err
    assert err.rstrip().endswith("[##############################] 4/4 channels")
    assert [Channel.private_objects.get(pk=c.pk).followers for c in known] == [100, 101, 102]
    assert all(Channel.private_objects.get(pk=c.pk).refresh_status == RefreshStatus.OK for c in known)
    # The account X does not know is flagged on this same run, after the wait.
    assert Channel.private_objects.get(pk=unknown.pk).refresh_error.startswith("not_found")
    assert list(Alert.objects.filter(channel=unknown).values_list("kind", flat=True)) == [AlertKind.NOT_FOUND]
    assert "refreshed (count changed): 3" in out and "not_found: 1" in out and "rate_limited" not in out
    assert "again after" not in out
    assert len(x_api.requests) == 2


def test_a_rate_limit_past_the_longest_wait_is_recorded_and_says_when_to_run_again(x_api, make_entity, settings):
    settings.REFRESH_WAIT_MAX_SECONDS = 60
    channels = x_channels(make_entity, 150)  # two batches: the second is not asked at all
    x_api.route("/2/users/by", too_many(3600))
    started = time.monotonic()

    out, err = run("--platform", "x")

    assert time.monotonic() - started < 30  # nothing waited for an hour; the run ends
    assert len(x_api.requests) == 1
    recorded = Channel.private_objects.filter(pk__in=[c.pk for c in channels])
    assert set(recorded.values_list("refresh_status", flat=True)) == {RefreshStatus.FAILED}
    assert all(error.startswith("rate_limited") for error in recorded.values_list("refresh_error", flat=True))
    assert "rate_limited: 150" in out
    reset = timezone.localtime(timezone.now() + timezone.timedelta(seconds=3600))
    assert "X refuses calls until " in out and reset.strftime("%Y-%m-%d %H:") in out
    assert "150 channels recorded as waiting" in out
    assert "Run `manage.py refresh_followers --platform x` again after then." in out
    assert "waiting until" not in err
    assert not Alert.objects.exists()  # a rate limit says nothing about the accounts


def test_max_wait_given_to_the_command_outranks_the_setting(x_api, make_channel, settings):
    settings.REFRESH_WAIT_MAX_SECONDS = 900
    channel = make_channel("https://x.com/UAEGov")
    x_api.route("/2/users/by", refused_first(1, 30, x_users_by({"uaegov": 5})))

    out, _ = run("--platform", "x", "--max-wait", "5")

    assert Channel.private_objects.get(pk=channel.pk).refresh_error.startswith("rate_limited")
    assert "again after then" in out and len(x_api.requests) == 1


def test_a_platform_that_keeps_refusing_after_its_reset_is_given_up_on(x_api, make_channel):
    channel = make_channel("https://x.com/UAEGov")
    # Half a minute: well within max_wait, and longer than the test could take on a slow machine
    # (the shared budget's block is real time, and a second call would follow its end).
    x_api.route("/2/users/by", too_many(30))
    waits, slept = [], []
    refresh = ForegroundRefresh(max_wait=900, on_wait=waits.append, sleep=slept.append)

    refresh.refresh("x", [channel.pk])

    # The shared budget keeps the platform blocked while no time passes: every later round is
    # refused without a call, and after FRUITLESS_WAITS waits the run stops asking.
    assert len(waits) == FRUITLESS_WAITS and len(slept) == FRUITLESS_WAITS
    assert refresh.given_up["x"].kind == "rate_limited" and refresh.waiting == {"x": 1}
    assert Channel.private_objects.get(pk=channel.pk).refresh_error.startswith("rate_limited")
    assert len(x_api.requests) == 1


def test_a_timeout_is_recorded_at_once_not_waited_for(x_api, make_channel, settings):
    channel = make_channel("https://x.com/UAEGov")
    x_api.route("/2/users/by", Reply(503, {"title": "Service Unavailable"}))
    waits = []
    refresh = ForegroundRefresh(max_wait=900, on_wait=waits.append, sleep=lambda seconds: None)

    outcome = refresh.refresh("x", [channel.pk])

    assert waits == [] and refresh.given_up == {} and outcome.failed == {"unavailable": 1}
    assert Channel.private_objects.get(pk=channel.pk).refresh_status == RefreshStatus.FAILED
