"""The impostor radar page: reviewers see what the public asked about most, mark known impostors
and withdraw marks; nobody else gets in; a mark warns whoever reviews a registration of that handle."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import ImpostorEvent, KnownImpostor, Status
from accounts.platforms import parse_account_link
from accounts.public.verify import verify
from accounts.radar.services import count_lookalike_question, mark_impostor
from tests.accounts.review.test_views import section
from tests.accounts.staff import test_views as staff_tests
from tests.accounts.staff.test_views import login, page_text, submitted

team = staff_tests.team  # the fixture, found by pytest under this name

pytestmark = pytest.mark.django_db


def url(name: str, *args, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(f"review:{name}", args=args)


@pytest.fixture
def official(make_channel, team):
    return make_channel("https://x.com/MOFAUAE", status=Status.APPROVED, entity=team["entity"])


@pytest.fixture
def reviewer_client(team):
    return login(Client(), team["reviewer"], second_factor=True)


def form(**fields) -> dict:
    return {"link": "https://x.com/M0FAUAE", "platform": "", "reason": "Scam posts using the ministry's logo.",
            "reported_on": timezone.localdate().isoformat(), "report_url": "", **fields}


@pytest.mark.parametrize("name", ["radar"])
def test_only_reviewers_see_the_radar(client, team, make_user, name):
    for user in (team["editor"], make_user()):
        login(client, user)
        assert client.get(url(name)).status_code == 403
        response = client.post(url("radar_mark"), form())
        assert response.status_code == 403
    assert not KnownImpostor.objects.exists()


def test_a_reviewer_without_the_second_factor_cannot_mark(client, team, official):
    login(client, team["reviewer"])
    response = client.post(url("radar_mark"), form())
    assert response.status_code == 302
    assert response.headers["Location"].startswith((reverse("two_factor_verify"), reverse("two_factor_setup")))
    assert not KnownImpostor.objects.exists()


def test_the_radar_lists_the_most_asked_lookalikes_with_their_closest_official_account(reviewer_client, official):
    for _ in range(5):
        count_lookalike_question(parse_account_link("https://x.com/M0FAUAE"), official)
    count_lookalike_question(parse_account_link("https://x.com/MOFAUAE_news"), official)
    response = reviewer_client.get(url("radar"))
    assert response.status_code == 200
    table = section(response, "asked-heading")
    assert table.index('data-asked="x:m0fauae"') < table.index('data-asked="x:mofauae_news"')
    text = page_text(response)
    assert "M0FAUAE https://x.com/M0FAUAE 5" in text
    assert "MOFAUAE" in table and "?link=https%3A//x.com/M0FAUAE" in table


def test_marking_from_the_radar_changes_the_public_answer_and_is_logged(reviewer_client, team, official):
    response = reviewer_client.post(url("radar_mark"), form(report_url="https://help.x.com/case/1"))
    assert response.status_code == 302 and response.headers["Location"] == url("radar")
    impostor = KnownImpostor.objects.get()
    assert (impostor.marked_by, impostor.resembles, impostor.report_url) == (team["reviewer"], official,
                                                                           "https://help.x.com/case/1")
    assert ImpostorEvent.objects.get().action == "marked"
    assert verify("https://x.com/M0FAUAE").result == "known_impostor"
    page = reviewer_client.get(url("radar"))
    assert f'data-impostor="{impostor.pk}" data-standing="yes"' in page.content.decode()


def test_a_refused_mark_keeps_what_was_typed(reviewer_client, official):
    response = reviewer_client.post(url("radar_mark"), form(link="https://x.com/MOFAUAE", reason="Looks fake"))
    assert response.status_code == 409
    content = response.content.decode()
    assert 'data-error-code="registered"' in content and "Looks fake" in content
    response = reviewer_client.post(url("radar_mark"), form(reported_on="", reason="Typed reason"))
    assert response.status_code == 400 and "Typed reason" in response.content.decode()
    assert not KnownImpostor.objects.exists()


def test_withdrawing_a_mark_needs_a_reason_and_restores_the_public_answer(reviewer_client, team, official):
    impostor = mark_impostor(user=team["reviewer"], link="https://x.com/M0FAUAE", reason="Scam.",
                             reported_on=timezone.localdate() - timedelta(days=1), two_factor=True)
    response = reviewer_client.post(url("radar_withdraw", impostor.pk), {"reason": ""})
    assert response.status_code == 400
    assert KnownImpostor.objects.get().is_standing
    response = reviewer_client.post(url("radar_withdraw", impostor.pk), {"reason": "The platform removed it."})
    assert response.status_code == 302
    assert not KnownImpostor.objects.get().is_standing
    assert verify("https://x.com/M0FAUAE").result == "not_registered"
    assert reviewer_client.post(url("radar_withdraw", 999999), {"reason": "x"}).status_code == 404


def test_a_registration_of_a_marked_handle_is_not_blocked_but_the_reviewer_is_warned(reviewer_client, team,
                                                                                    official):
    mark_impostor(user=team["reviewer"], link="https://x.com/M0FAUAE", reason="Scam posts.",
                  reported_on=timezone.localdate(), two_factor=True)
    channel = submitted(team["entity"], team["editor"], "https://x.com/M0FAUAE")  # not refused
    response = reviewer_client.get(url("channel", channel.pk))
    assert 'data-warning="known_impostor"' in response.content.decode()
    assert "Scam posts." in page_text(response)
