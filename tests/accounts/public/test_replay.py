"""Public answers replayed from the cache: the same bytes and headers as the whole site gave, for
anonymous callers only, under the same limits, counted by the radar, and never after a change."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import LookalikeSighting, Status
from accounts.public.replay import copies
from accounts.radar.services import flush_sightings
from accounts.services import channel_act
from registry.authentication import api_token_issue

pytestmark = pytest.mark.django_db

VERIFY = "/api/v1/verify/"


@pytest.fixture(autouse=True)
def no_copies_left():
    """A process's copies outlive a test's rolled-back register: each test starts without any."""
    copies.forget()
    yield
    copies.forget()


@pytest.fixture
def ministry(make_channel):
    return make_channel("https://x.com/ReplayMin", status=Status.APPROVED)


def test_a_replay_is_the_first_answer_again_for_one_query(client, ministry):
    first = client.get(VERIFY, {"q": "https://x.com/ReplayMin"})
    with CaptureQueriesContext(connection) as queries:
        again = client.get(VERIFY, {"q": "https://x.com/ReplayMin"})
    assert len(queries) == 1  # the register's version: no view, no middleware reading the database
    assert again.content == first.content and again.status_code == 200
    for header in ("Content-Type", "Content-Security-Policy", "Permissions-Policy", "X-Content-Type-Options",
                   "Vary", "Cache-Control"):
        assert again.get(header) == first.get(header), header


def test_a_replay_is_refused_past_the_callers_limit(client, ministry, monkeypatch, settings):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "5/min"})
    codes = [client.get(VERIFY, {"q": "https://x.com/ReplayMin"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    settings.VERIFY_PAGE_THROTTLE = "2/min"
    pages = [client.get("/en/verify/", {"q": "https://x.com/ReplayMin"}).status_code for _ in range(3)]
    assert pages == [200, 200, 429]


def test_replayed_lookalike_questions_are_still_counted(client, ministry):
    for _ in range(3):
        assert client.get(VERIFY, {"q": "https://x.com/ReplayMln"}).json()["result"] == "not_registered"
    for _ in range(2):
        client.get("/en/verify/", {"q": "https://x.com/ReplayMln"})
    flush_sightings()
    assert LookalikeSighting.objects.get().count == 5


def test_nothing_is_replayed_after_a_change(client, ministry, make_user):
    assert client.get(VERIFY, {"q": "https://x.com/ReplayMin"}).json()["result"] == "official"
    channel_act(actor=make_user(reviewer=True), channel_id=ministry.pk, action="flag_compromised",
                reason="Taken over.", two_factor=True)
    assert client.get(VERIFY, {"q": "https://x.com/ReplayMin"}).json()["result"] == "compromised"


def test_staff_and_other_languages_never_get_someone_elses_answer(ministry, make_channel, make_user):
    make_channel("https://x.com/DraftReplay", status=Status.DRAFT, entity=ministry.entity)
    anonymous = APIClient()
    public = anonymous.get("/api/v1/channels/").json()
    assert public["count"] == 1
    _, key = api_token_issue(user=make_user(reviewer=True), second_factor=True)
    staff = APIClient()
    staff.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert staff.get("/api/v1/channels/").json()["count"] == 2  # drafts too: not the public's replay
    english = anonymous.get(VERIFY, {"q": "nonsense words"}, HTTP_ACCEPT_LANGUAGE="en").json()
    arabic = anonymous.get(VERIFY, {"q": "nonsense words"}, HTTP_ACCEPT_LANGUAGE="ar").json()
    assert english["error"]["detail"] != arabic["error"]["detail"]


def test_questions_refused_by_the_limit_are_not_counted_by_the_radar(client, ministry, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "5/min"})
    codes = [client.get(VERIFY, {"q": "https://x.com/ReplayMln"}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    flush_sightings()
    assert LookalikeSighting.objects.get().count == 3


def test_a_process_replays_its_own_copy_without_the_shared_cache_and_never_after_a_change(
        client, ministry, make_user, settings):
    settings.REPLAY_COPY_SECONDS = 60
    first = client.get(VERIFY, {"q": "https://x.com/ReplayMin"})
    client.get(VERIFY, {"q": "https://x.com/ReplayMin"})  # replayed from the shared cache, and copied
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(VERIFY, {"q": "https://x.com/ReplayMin"})
    assert again.content == first.content and len(queries) == 1  # the version only: the copy answered
    channel_act(actor=make_user(reviewer=True), channel_id=ministry.pk, action="flag_compromised",
                reason="Taken over.", two_factor=True)
    assert client.get(VERIFY, {"q": "https://x.com/ReplayMin"}).json()["result"] == "compromised"
