"""The monthly presence report: the month's scores kept, one email a month to each active reviewer
with the CSV attached, and nothing to nobody."""
from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from accounts.models import ScoreRecord
from accounts.tasks.report import send_monthly_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(make_entity, make_official, make_channel):
    entities = [make_entity(name_en=f"Entity {n}", name_ar=f"الجهة {n}") for n in range(8)]
    for entity in entities:
        make_channel(entity=entity, followers=100, followers_at=timezone.now())
    make_official(entity=entities[0], name_en="The Minister", name_ar="الوزير")
    return entities


def test_every_active_reviewer_is_emailed_once_a_month_with_the_csv(register, make_user, settings):
    settings.SITE_URL = "https://registry.gco.example/"
    reviewers = [make_user(reviewer=True), make_user(reviewer=True)]
    make_user(reviewer=True, is_active=False)
    make_user(editor_of=register[0])

    assert send_monthly_report.delay().get() == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted(user.email for user in reviewers)
    message = mail.outbox[0]
    assert "Presence report" in message.subject
    assert "https://registry.gco.example/ar/review/report/" in message.body
    assert "https://registry.gco.example/en/review/report/" in message.body
    assert "Entity 0" in message.body and "الجهة 0" in message.body  # the ranking, in both languages
    assert message.body.index("The best scores:") < message.body.index("The lowest scores:")
    (name, content, mimetype), = message.attachments
    assert name.startswith("presence-report-") and name.endswith(".csv") and mimetype == "text/csv"
    assert content.startswith("\ufeffrow,kind,slug,channel_id,name_en,name_ar")
    assert content.count("\nowner,") == 9 and content.count("\nchannel,") == 8

    # A second run in the same month (a retry, a second beat) sends nothing more.
    assert send_monthly_report.delay().get() == 0
    assert len(mail.outbox) == 2


def test_the_months_scores_are_kept_for_the_trend(register, make_user):
    make_user(reviewer=True)
    send_monthly_report.delay().get()
    send_monthly_report.delay().get()  # the same month again replaces, never doubles
    month = timezone.localdate().replace(day=1)
    kept = ScoreRecord.objects.filter(month=month)
    assert kept.filter(entity__isnull=False).count() == 8
    assert kept.filter(official__isnull=False).count() == 1
    assert kept.filter(channel__isnull=False).count() == 8


def test_a_new_month_sends_again(register, make_user, monkeypatch):

    make_user(reviewer=True)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 1, 31))
    assert send_monthly_report.delay().get() == 1
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 2, 1))
    assert send_monthly_report.delay().get() == 1
    assert len(mail.outbox) == 2
    assert set(ScoreRecord.objects.values_list("month", flat=True)) == {date(2026, 1, 1), date(2026, 2, 1)}


def test_with_no_reviewer_nothing_is_sent_to_nobody(register, make_user):
    make_user(editor_of=register[0])
    make_user(reviewer=True, is_active=False)
    assert send_monthly_report.delay().get() == 0
    assert mail.outbox == []
    assert ScoreRecord.objects.exists()  # the month is still kept for the trend


def test_a_failed_send_is_retried_only_for_whom_it_failed(register, make_user, monkeypatch):
    first, second = make_user(reviewer=True), make_user(reviewer=True)
    real_send = EmailBackend.send_messages

    def fail_for_second(self, messages):
        if any(second.email in message.to for message in messages):
            raise OSError("mail server away")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", fail_for_second)
    from celery.exceptions import Retry

    with pytest.raises((Retry, OSError)):  # the worker would retry it; here the failure surfaces
        send_monthly_report.delay().get()
    assert [message.to for message in mail.outbox] == [[first.email]]
    assert cache.get(f"monthly-report:{second.pk}:{_month()}") is None  # not marked: the retry sends it

    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    assert send_monthly_report.delay().get() == 1
    assert [message.to for message in mail.outbox] == [[first.email], [second.email]]


def _month() -> str:

    return timezone.localdate().strftime("%Y-%m")
