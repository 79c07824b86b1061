"""A channel's activity: posts over 30 and 90 days as differences of daily post counts (unknown
stays unknown), whether it posted lately, and the dormant alert (accounts/selectors.py,
accounts/services.py): opened once for an official channel silent for DORMANT_AFTER_DAYS, never for
one whose last post nobody knows, resolvable with a note, in the daily digest."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from accounts.models import Alert, AlertKind, Channel, FollowerSnapshot, SnapshotSource, Status
from accounts.review.alerts import SEVERITY_OF, Severity, alert_rows, describe
from accounts.selectors import posted_within, posts_within, with_activity
from accounts.services import AlreadyResolved, open_dormant_alerts, resolve_alert
from accounts.tasks.alerts import open_dormant_alerts_task, send_alert_digest

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 30)


def counts(channel: Channel, posts_by_days_ago: dict[int, int | None], *, today: date = TODAY) -> None:
    FollowerSnapshot.objects.bulk_create([
        FollowerSnapshot(channel=channel, date=today - timedelta(days=ago), followers=1000, posts=posts)
        for ago, posts in posts_by_days_ago.items()
    ])


def activity(channel: Channel, today: date = TODAY) -> tuple:
    row = with_activity(Channel.private_objects.filter(pk=channel.pk), today=today).get()
    return row.posts_30d, row.posts_90d


# --- Posts over 30 and 90 days --------------------------------------------------------------------

def test_posts_over_a_period_are_the_difference_of_the_counts_at_its_ends(make_channel):
    channel = make_channel()
    counts(channel, {0: 1_500, 1: 1_490, 30: 1_400, 31: 1_390, 90: 1_000})

    assert activity(channel) == (100, 500)
    assert posts_within(channel, 30, today=TODAY) == 100


def test_the_count_just_before_the_periods_start_stands_in_for_a_missing_day(make_channel):
    channel = make_channel()
    counts(channel, {2: 1_500, 33: 1_400, 95: 1_000})  # refreshes missed a few days here and there

    assert activity(channel) == (100, 500)


@pytest.mark.parametrize(("posts_by_days_ago", "expected"), [
    ({0: 1_500}, (None, None)),  # counted only since today: nothing to compare with
    ({0: 1_500, 20: 1_450}, (None, None)),  # not counted 30 days ago
    ({0: None, 30: 1_400, 90: 1_000}, (None, None)),  # today's count unknown (a platform that stopped saying)
    ({0: 1_500, 30: None, 90: 1_000}, (None, 500)),  # the count 30 days ago unknown
    ({10: 1_500, 30: 1_400}, (None, None)),  # no recent count: refreshes failing for ten days
    ({0: 1_500, 45: 1_400}, (None, None)),  # the nearest count is too far before the start
    ({0: 1_300, 30: 1_400}, (None, None)),  # the count fell (posts deleted): how many were made is unknown
    ({0: 1_400, 30: 1_400}, (0, None)),  # the same count: no post
])
def test_unknown_stays_unknown(make_channel, posts_by_days_ago, expected):
    channel = make_channel()
    counts(channel, posts_by_days_ago)

    assert activity(channel) == expected


def test_a_channel_never_counted_has_no_activity(make_channel):
    assert activity(make_channel()) == (None, None)


def test_activity_of_a_page_of_channels_is_read_in_one_query(make_channel, django_assert_num_queries):
    channels = [make_channel() for _ in range(5)]
    for n, channel in enumerate(channels):
        counts(channel, {0: 100 + n, 30: 100})

    with django_assert_num_queries(1):
        rows = list(with_activity(Channel.private_objects.filter(pk__in=[c.pk for c in channels]), today=TODAY)
                    .order_by("pk"))

    assert [row.posts_30d for row in rows] == [0, 1, 2, 3, 4]


# --- Posted lately (the guide's check "active") --------------------------------------------------------

def test_posted_within_reads_the_last_post_or_a_rise_in_the_count(make_channel):
    now = timezone.now()
    recent = make_channel(last_post_at=now - timedelta(days=3), last_post_source=SnapshotSource.API)
    silent = make_channel(last_post_at=now - timedelta(days=45), last_post_source=SnapshotSource.REPORTED)
    counted = make_channel()
    counts(counted, {0: 20, 30: 10}, today=timezone.localdate(now))
    unknown = make_channel()

    assert [posted_within(channel, 30, now=now) for channel in (recent, silent, counted, unknown)] == [
        True, False, True, None]


def test_a_rise_in_the_count_outweighs_an_older_reported_last_post(make_channel):
    now = timezone.now()
    channel = make_channel(last_post_at=now - timedelta(days=200), last_post_source=SnapshotSource.REPORTED)
    counts(channel, {0: 21, 30: 20}, today=timezone.localdate(now))

    assert posted_within(channel, 30, now=now) is True


# --- The dormant alert -----------------------------------------------------------------------------

def silent_for(make_channel, days: int, **fields) -> Channel:
    return make_channel(last_post_at=timezone.now() - timedelta(days=days), last_post_source=SnapshotSource.API,
                        **fields)


def dormant_alerts(channel: Channel) -> list[Alert]:
    return list(Alert.objects.filter(channel=channel, kind=AlertKind.DORMANT).order_by("opened_at"))


def test_a_channel_silent_for_longer_than_the_setting_opens_one_dormant_alert(make_channel):
    dormant, lately = silent_for(make_channel, 91), silent_for(make_channel, 89)

    assert open_dormant_alerts() == 1
    assert open_dormant_alerts() == 0  # once, not daily
    open_dormant_alerts_task.delay()

    [alert] = dormant_alerts(dormant)
    assert alert.is_open and alert.details["days"] == 91 and alert.details["source"] == "api"
    assert dormant_alerts(lately) == []
    assert SEVERITY_OF[AlertKind.DORMANT] == Severity.MEDIUM


def test_the_setting_decides_how_long_is_dormant(make_channel, settings):
    settings.DORMANT_AFTER_DAYS = 30
    channel = silent_for(make_channel, 31)

    open_dormant_alerts()

    assert len(dormant_alerts(channel)) == 1


def test_a_channel_whose_last_post_nobody_knows_never_opens_it(make_channel):
    channel = make_channel()  # a platform that does not say, and no report
    counts(channel, {0: 10, 30: 10, 90: 10}, today=timezone.localdate())

    assert open_dormant_alerts() == 0
    assert dormant_alerts(channel) == []


@pytest.mark.parametrize("status", [Status.RETIRED, Status.COMPROMISED, Status.SUBMITTED, Status.DRAFT])
def test_only_approved_channels_open_it(make_channel, status):
    channel = silent_for(make_channel, 200, status=status)

    open_dormant_alerts()

    assert dormant_alerts(channel) == []


def test_resolved_with_a_note_it_is_not_opened_again_until_the_channel_posts_and_falls_silent_anew(
        make_channel, make_user):
    channel = silent_for(make_channel, 120)
    open_dormant_alerts()
    [alert] = dormant_alerts(channel)
    reviewer = make_user(reviewer=True)

    resolved = resolve_alert(user=reviewer, alert_id=alert.pk, note="The entity will post again next week.",
                             two_factor=True)
    with pytest.raises(AlreadyResolved):
        resolve_alert(user=reviewer, alert_id=alert.pk, note="again", two_factor=True)
    open_dormant_alerts()

    assert (resolved.resolved_by, resolved.resolution_note) == (reviewer, "The entity will post again next week.")
    assert len(dormant_alerts(channel)) == 1  # the same silence: not opened again

    Channel.private_objects.filter(pk=channel.pk).update(last_post_at=timezone.now() - timedelta(days=95))
    open_dormant_alerts()

    assert [a.is_open for a in dormant_alerts(channel)] == [False, True]  # silent again since a newer post


def test_it_is_listed_for_reviewers_and_sent_in_the_daily_digest(make_channel, make_user):
    channel = silent_for(make_channel, 100)
    reviewer = make_user(reviewer=True)
    open_dormant_alerts()

    [alert] = alert_rows().filter(channel=channel)
    sent = send_alert_digest()

    assert sent == 1
    assert reviewer.email in mail.outbox[0].to
    assert channel.handle in mail.outbox[0].body
    with translation.override("en"):
        assert describe(alert).startswith("No post since ")
        assert "(100 days)" in describe(alert)
