"""The annual review: which channels are overdue (12 months without certification) and the weekly
reminder emails to the editors concerned."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.models import Status
from accounts.selectors import overdue_for_review
from accounts.services import channel_act
from accounts.tasks.reminders import send_annual_review_reminders

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def fresh_week_marks():
    """The task marks each entity reminded this week in the cache; each test starts a new week."""
    cache.clear()
    yield
    cache.clear()


def ago(days: int):
    return timezone.now() - days * DAY


def test_overdue_means_approved_and_not_certified_for_twelve_months(make_channel, make_entity):
    entity = make_entity()
    oldest = make_channel("https://x.com/oldest", entity=entity, last_certified_at=ago(700))
    old = make_channel("https://x.com/old", entity=entity, last_certified_at=ago(370))
    never_certified = make_channel("https://x.com/never", entity=entity, approved_at=ago(400),
                                   last_certified_at=None)
    make_channel("https://x.com/fresh", entity=entity, last_certified_at=ago(300))
    make_channel("https://x.com/newlyapproved", entity=entity, approved_at=ago(20), last_certified_at=None)
    # Not official any more, or not yet: not the annual review's business.
    make_channel("https://x.com/retiredold", entity=entity, status=Status.RETIRED, last_certified_at=ago(900))
    make_channel("https://x.com/compromisedold", entity=entity, status=Status.COMPROMISED,
                 last_certified_at=ago(900))
    make_channel("https://x.com/submittedold", entity=entity, status=Status.SUBMITTED, approved_at=None)

    assert list(overdue_for_review()) == [oldest, never_certified, old]


def test_twelve_months_are_calendar_months(make_channel):
    now = timezone.now()
    just_over = make_channel("https://x.com/justover", last_certified_at=now - timedelta(days=366))
    make_channel("https://x.com/justunder", last_certified_at=now - timedelta(days=364))
    assert list(overdue_for_review(now)) == [just_over]


@pytest.fixture
def two_entities(make_entity, make_user, make_channel):
    first, second, tidy = make_entity(), make_entity(), make_entity()
    people = {
        "first_editors": [make_user(editor_of=first), make_user(editor_of=first)],
        "second_editor": make_user(editor_of=second),
        "tidy_editor": make_user(editor_of=tidy),
        "departed": make_user(editor_of=first, is_active=False),
        "reviewer": make_user(reviewer=True),
    }
    channels = {
        "first_a": make_channel("https://x.com/firstoverdue", entity=first, last_certified_at=ago(400)),
        "first_b": make_channel("https://www.instagram.com/firstoverdue/", entity=first, last_certified_at=ago(500)),
        "second": make_channel("https://x.com/secondoverdue", entity=second, last_certified_at=ago(380)),
        "tidy": make_channel("https://x.com/tidycurrent", entity=tidy, last_certified_at=ago(30)),
    }
    return first, second, people, channels


def test_one_email_per_entity_to_its_active_editors_listing_its_overdue_channels(two_entities, mailoutbox):
    first, second, people, channels = two_entities

    assert send_annual_review_reminders.delay().get() == 2

    assert len(mailoutbox) == 2
    by_recipients = {tuple(message.to): message for message in mailoutbox}
    first_mail = by_recipients[tuple(sorted(user.email for user in people["first_editors"]))]
    second_mail = by_recipients[(people["second_editor"].email,)]
    assert people["departed"].email not in first_mail.to

    for channel in (channels["first_a"], channels["first_b"]):
        assert f"/ar/staff/channels/{channel.pk}/" in first_mail.body
        assert f"/en/staff/channels/{channel.pk}/" in first_mail.body
    assert "secondoverdue" not in first_mail.body and "tidycurrent" not in first_mail.body
    assert f"/en/staff/channels/{channels['second'].pk}/" in second_mail.body
    assert "firstoverdue" not in second_mail.body

    # Arabic first, then English.
    assert "Certify as current" in first_mail.body
    assert first_mail.body.index(first.name_ar) < first_mail.body.index(first.name_en)
    assert "Annual review: 2 channels to certify" in first_mail.subject
    assert "Annual review: 1 channel to certify" in second_mail.subject


def test_nothing_overdue_sends_nothing(make_channel, make_user, make_entity, mailoutbox):
    entity = make_entity()
    make_user(editor_of=entity)
    make_channel("https://x.com/certifiedlately", entity=entity, last_certified_at=ago(10))
    assert send_annual_review_reminders.delay().get() == 0
    assert mailoutbox == []


def test_a_certified_channel_drops_out(two_entities, mailoutbox):
    first, second, people, channels = two_entities
    channel_act(actor=people["second_editor"], channel_id=channels["second"].pk, action="certify")

    assert send_annual_review_reminders.delay().get() == 1
    assert [message.to for message in mailoutbox] == [sorted(user.email for user in people["first_editors"])]
    assert overdue_for_review().filter(pk=channels["second"].pk).exists() is False


def test_a_second_run_in_the_same_week_sends_no_duplicates(two_entities, mailoutbox):
    assert send_annual_review_reminders.delay().get() == 2
    assert send_annual_review_reminders.delay().get() == 0
    assert len(mailoutbox) == 2
    cache.clear()  # a new week
    assert send_annual_review_reminders.delay().get() == 2


def test_an_entity_without_active_editors_gets_no_email(make_channel, make_entity, make_user, mailoutbox):
    entity = make_entity()
    make_user(editor_of=entity, is_active=False)
    make_channel("https://x.com/orphaned", entity=entity, last_certified_at=ago(400))
    assert send_annual_review_reminders.delay().get() == 0
    assert mailoutbox == []


def test_the_beat_schedule_runs_the_task_weekly(settings):
    from celery import current_app

    entry = settings.CELERY_BEAT_SCHEDULE["annual-review-reminders"]
    assert entry["task"] == "accounts.tasks.send_annual_review_reminders"
    assert entry["task"] in current_app.tasks
    assert entry["schedule"].day_of_week == {0}  # Sunday, the first day of the UAE work week
