"""The impostor radar's writes: counting look-alike questions, marking and withdrawing known impostors."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from accounts.models import ImpostorEvent, KnownImpostor, LookalikeSighting, Status
from accounts.platforms import parse_account_link
from accounts.radar.selectors import asked_most
from accounts.radar.services import (
    count_lookalike_question,
    flush_sightings,
    forget_old_sightings,
    mark_impostor,
    withdraw_impostor,
)
from accounts.tasks.radar import flush_radar_counts
from accounts.workflow import NotAllowed
from registry.cache import redis_client
from registry.errors import Conflict, RegistryError

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(make_channel):
    return make_channel("https://x.com/MOFAUAE", status=Status.APPROVED)


@pytest.fixture
def reviewer(make_user):
    return make_user(reviewer=True)


def mark(reviewer, link="https://x.com/M0FAUAE", **fields):
    values = {"reason": "Posts visa scams under the ministry's logo.", "reported_on": timezone.localdate(),
              "two_factor": True, **fields}
    return mark_impostor(user=reviewer, link=link, **values)


def test_each_question_adds_one_to_the_day_and_the_radar_sums_the_week(official):
    link = parse_account_link("https://x.com/M0FAUAE")
    for _ in range(3):
        count_lookalike_question(link, official)
    LookalikeSighting.objects.create(platform="x", handle="M0FAUAE", handle_key="m0fauae", resembles=official,
                                     day=timezone.localdate() - timedelta(days=2), count=4)
    # Older than the radar's week: not counted.
    LookalikeSighting.objects.create(platform="x", handle="M0FAUAE", handle_key="m0fauae", resembles=official,
                                     day=timezone.localdate() - timedelta(days=8), count=100)
    count_lookalike_question(parse_account_link("https://x.com/MOFAUAE_news"), official)
    flush_sightings()

    today = LookalikeSighting.objects.get(handle_key="m0fauae", day=timezone.localdate())
    assert today.count == 3
    rows = asked_most()
    assert [(row.handle_key, row.asked) for row in rows] == [("m0fauae", 7), ("mofauae_news", 1)]
    assert rows[0].resembles == official and rows[0].canonical_url == "https://x.com/M0FAUAE"
    assert rows[0].impostor is None


def test_counts_wait_in_redis_and_a_flush_adds_them_up(official):
    """Under Redis (CI, production) a question costs the database nothing until the flush; without
    it (make test on a bare machine) each one is written at once. Either way nothing is lost."""
    link = parse_account_link("https://x.com/M0FAUAE")
    for _ in range(2):
        count_lookalike_question(link, official)
    if redis_client() is not None:
        assert not LookalikeSighting.objects.exists()
    flush_radar_counts.delay()  # the periodic task, run inline here
    count_lookalike_question(link, official)
    flush_sightings()
    assert flush_sightings() == 0  # nothing left waiting
    assert LookalikeSighting.objects.get(handle_key="m0fauae").count == 3


def test_old_counts_are_forgotten(official):
    LookalikeSighting.objects.create(platform="x", handle="a", handle_key="a", day=timezone.localdate()
                                     - timedelta(days=401))
    LookalikeSighting.objects.create(platform="x", handle="b", handle_key="b", day=timezone.localdate())
    assert forget_old_sightings() == 1
    assert list(LookalikeSighting.objects.values_list("handle", flat=True)) == ["b"]


def test_a_reviewer_marks_an_impostor_with_its_closest_official_account_and_an_event(reviewer, official):
    impostor = mark(reviewer, report_url="https://help.x.com/case/123")
    assert (impostor.platform, impostor.handle_key, impostor.canonical_url) == ("x", "m0fauae", "https://x.com/M0FAUAE")
    assert impostor.resembles == official and impostor.is_standing
    event = ImpostorEvent.objects.get(impostor=impostor)
    assert (event.action, event.actor, event.comment) == ("marked", reviewer, impostor.reason)


def test_only_a_reviewer_whose_login_passed_the_second_factor_may_mark(make_user, reviewer, official):
    with pytest.raises(NotAllowed):
        mark(make_user())
    with pytest.raises(NotAllowed) as refusal:
        mark(reviewer, two_factor=False)
    assert refusal.value.code == "second_factor_required"
    assert not KnownImpostor.objects.exists()


@pytest.mark.parametrize(("fields", "code", "field"), [
    ({"reason": "  "}, "required", "reason"),
    ({"reason": "x" * 2001}, "too_long", "reason"),
    ({"reported_on": "yesterday"}, "invalid_date", "reported_on"),
    ({"reported_on": timezone.localdate() + timedelta(days=1)}, "invalid_date", "reported_on"),
    ({"report_url": "http://help.x.com/case"}, "invalid_url", "report_url"),
    ({"report_url": "javascript:alert(1)"}, "invalid_url", "report_url"),
    ({"link": "https://example.com/M0FAUAE"}, "unknown_platform", "link"),
])
def test_a_mark_with_bad_input_is_refused_and_changes_nothing(reviewer, official, fields, code, field):
    with pytest.raises(RegistryError) as refusal:
        mark(reviewer, **fields)
    assert (refusal.value.code, refusal.value.field) == (code, field)
    assert refusal.value.message
    assert not KnownImpostor.objects.exists() and not ImpostorEvent.objects.exists()


@pytest.mark.parametrize("status", [Status.APPROVED, Status.SUBMITTED, Status.COMPROMISED])
def test_a_live_registration_cannot_be_marked(reviewer, make_channel, status):
    make_channel("https://x.com/takenhandle", status=status)
    with pytest.raises(Conflict) as refusal:
        mark(reviewer, link="@takenhandle", platform="x")
    assert refusal.value.code == "registered"
    assert not KnownImpostor.objects.exists()


def test_a_retired_handle_someone_else_took_can_be_marked(reviewer, make_channel):
    make_channel("https://x.com/oldministry", status=Status.RETIRED)
    assert mark(reviewer, link="https://x.com/oldministry").is_standing


def test_one_standing_mark_per_account_and_a_new_one_after_withdrawal(reviewer, official):
    first = mark(reviewer)
    with pytest.raises(Conflict) as refusal:
        mark(reviewer, link="https://twitter.com/m0fauae")
    assert refusal.value.code == "already_marked"

    withdrawn = withdraw_impostor(user=reviewer, impostor_id=first.pk, reason="The platform removed it.",
                                  two_factor=True)
    assert not withdrawn.is_standing and withdrawn.withdrawal_reason == "The platform removed it."
    assert [event.action for event in ImpostorEvent.objects.filter(impostor=first)] == ["marked", "withdrawn"]
    assert mark(reviewer).is_standing  # marked again later: a new mark, the old one kept


def test_withdrawal_needs_a_reason_a_standing_mark_and_a_reviewer(reviewer, make_user, official):
    impostor = mark(reviewer)
    with pytest.raises(RegistryError) as refusal:
        withdraw_impostor(user=reviewer, impostor_id=impostor.pk, reason=" ", two_factor=True)
    assert refusal.value.code == "required"
    with pytest.raises(NotAllowed):
        withdraw_impostor(user=make_user(), impostor_id=impostor.pk, reason="no", two_factor=True)
    withdraw_impostor(user=reviewer, impostor_id=impostor.pk, reason="Misjudged.", two_factor=True)
    with pytest.raises(Conflict):
        withdraw_impostor(user=reviewer, impostor_id=impostor.pk, reason="Again.", two_factor=True)
    assert ImpostorEvent.objects.filter(impostor=impostor).count() == 2


def test_the_impostor_log_is_append_only(reviewer, official):
    event = ImpostorEvent.objects.get(impostor=mark(reviewer))
    with pytest.raises(DatabaseError), transaction.atomic():
        ImpostorEvent.objects.filter(pk=event.pk).update(comment="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        ImpostorEvent.objects.filter(pk=event.pk).delete()
    assert ImpostorEvent.objects.get(pk=event.pk).comment == event.comment
