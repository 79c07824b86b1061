"""The register's invariants, as the database enforces them (not only the forms)."""
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import LIVE_STATUSES, PUBLIC_STATUSES, Alert, Channel, ChannelEvent, FollowerSnapshot, Status

pytestmark = pytest.mark.django_db

NOT_LIVE = [s for s in Status.values if s not in LIVE_STATUSES]


@pytest.mark.parametrize("first", LIVE_STATUSES)
@pytest.mark.parametrize("second", LIVE_STATUSES)
def test_a_handle_has_at_most_one_live_registration(make_channel, first, second):
    make_channel("https://x.com/MOFAuae", status=first)
    with pytest.raises(IntegrityError, match="channel_handle_live_unique"), transaction.atomic():
        # Another spelling of the same account: same platform and handle key.
        make_channel("x.com/mofauae", status=second)


@pytest.mark.parametrize("other", NOT_LIVE)
def test_a_live_handle_may_coexist_with_records_that_are_not_live(make_channel, other):
    make_channel("https://x.com/MOFAuae", status=Status.APPROVED)
    make_channel("https://x.com/MOFAuae", status=other)
    assert Channel.private_objects.filter(handle_key="mofauae").count() == 2


def test_the_same_handle_on_two_platforms_is_two_channels(make_channel):
    make_channel("https://x.com/mofauae")
    make_channel("https://www.instagram.com/mofauae/")
    assert Channel.private_objects.filter(handle_key="mofauae", status=Status.APPROVED).count() == 2


def test_the_public_manager_shows_only_approved_retired_and_compromised(make_channel):
    for status in Status.values:
        make_channel(status=status)
    assert sorted(Channel.public_objects.values_list("status", flat=True)) == sorted(PUBLIC_STATUSES)
    assert Channel.private_objects.count() == len(Status.values)


def test_channel_has_no_unscoped_default_manager():
    assert not hasattr(Channel, "objects")


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "published"},
        {"platform": "myspace"},
        {"followers": -1, "followers_at": timezone.now()},
        {"followers": 10},  # a count without the time it was counted
        {"status": Status.RETIRED, "approved_at": timezone.now()},  # retired without a date
        {"status": Status.APPROVED},  # public without ever being approved
    ],
    ids=["unknown-status", "unknown-platform", "negative-followers", "followers-without-time",
         "retired-without-date", "approved-without-date"],
)
def test_the_database_refuses_impossible_channels(make_entity, fields):
    entity = make_entity()
    row = {"platform": "x", "handle": "a", "handle_key": "a", "canonical_url": "https://x.com/a", "entity": entity}
    with pytest.raises(IntegrityError), transaction.atomic():
        Channel.private_objects.create(**{**row, **fields})


def test_channel_events_are_append_only(make_channel):
    channel = make_channel(status=Status.DRAFT)
    event = ChannelEvent.objects.create(channel=channel, action="create", to_status=Status.DRAFT)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ChannelEvent.objects.filter(pk=event.pk).update(comment="rewritten")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ChannelEvent.objects.filter(pk=event.pk).delete()
    assert ChannelEvent.objects.get(pk=event.pk).comment == ""


def test_one_snapshot_per_channel_per_day(make_channel):
    channel = make_channel()
    FollowerSnapshot.objects.create(channel=channel, date=date(2026, 11, 1), followers=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowerSnapshot.objects.create(channel=channel, date=date(2026, 11, 1), followers=11)
    FollowerSnapshot.objects.create(channel=channel, date=date(2026, 11, 2), followers=11)
    assert channel.snapshots.count() == 2


def test_an_alert_is_open_once_per_channel_and_kind(make_channel, make_user):
    channel = make_channel()
    first = Alert.objects.create(channel=channel, kind=Alert.Kind.NOT_FOUND)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(channel=channel, kind=Alert.Kind.NOT_FOUND)
    Alert.objects.create(channel=channel, kind=Alert.Kind.FOLLOWER_DROP)  # another kind is another alert

    Alert.objects.filter(pk=first.pk).update(
        resolved_at=timezone.now(), resolved_by=make_user(reviewer=True), resolution_note="Checked with the entity."
    )
    Alert.objects.create(channel=channel, kind=Alert.Kind.NOT_FOUND)  # may open again once resolved
    assert channel.alerts.count() == 3


def test_an_alert_is_not_resolved_without_a_note(make_channel):
    alert = Alert.objects.create(channel=make_channel(), kind=Alert.Kind.RENAMED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.filter(pk=alert.pk).update(resolved_at=timezone.now())


def test_field_history_records_who_changed_what(make_channel, make_user):
    channel = make_channel(display_name="Before")
    editor = make_user()
    channel.display_name = "After"
    channel._history_user = editor
    channel.save(update_fields=["display_name", "updated_at"])
    latest = channel.history.first()
    assert (latest.display_name, latest.history_user) == ("After", editor)
    assert latest.diff_against(latest.prev_record).changed_fields == ["display_name"]


def test_live_handle_constraint_is_partial_over_the_live_states():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'channel_handle_live_unique'")
        (definition,) = cursor.fetchone()
    for status in LIVE_STATUSES:
        assert f"'{status}'" in definition
    for status in NOT_LIVE:
        assert f"'{status}'" not in definition
