"""Backup codes (registry/second_factor.py, the code and backup pages of registry/auth/views.py): ten
single-use codes shown once at enrolment, each good once in place of the app's code, and replaced
only after a fresh code from the app."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.registry.second_factor_steps import PASSWORD, code, enrol_through_link, log_in, shown_backup_codes

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.registry.auth_test_urls")]

VERIFY = "/en/auth/code/"
BACKUP = "/en/auth/code/backup/"
REVIEW = "/en/review/queue/"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def reviewer_with_codes(make_user):
    """A reviewer who enrolled through their link: their app, and the backup codes they were shown."""
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    device, codes = enrol_through_link(Client(), reviewer)
    return reviewer, device, codes


def let_throttle_pass(*devices) -> None:
    for device in devices:
        type(device).objects.filter(pk=device.pk).update(
            throttling_failure_timestamp=timezone.now() - timedelta(hours=1))


def log_in_with(code_typed: str, next_url: str = REVIEW) -> tuple[Client, object]:
    client = Client()
    log_in(client, "reviewer@gco.example", next_url)
    return client, client.post(VERIFY, {"code": code_typed, "next": next_url})


def test_enrolment_shows_ten_different_codes_each_stored_once(reviewer_with_codes):
    reviewer, _device, codes = reviewer_with_codes
    assert len(set(codes)) == 10
    stored = set(StaticToken.objects.filter(device__user=reviewer).values_list("token", flat=True))
    assert stored == {shown.replace("-", "") for shown in codes}
    assert all(not token.isdigit() for token in stored)  # never mistaken for the app's digits


@pytest.mark.parametrize("typing", ["as shown", "without the hyphen", "in capitals", "with spaces"])
def test_a_backup_code_logs_in_in_place_of_the_apps_code(reviewer_with_codes, typing):
    reviewer, _device, codes = reviewer_with_codes
    shown = codes[3]
    typed = {
        "as shown": shown,
        "without the hyphen": shown.replace("-", ""),
        "in capitals": shown.upper(),
        "with spaces": f" {shown[:4]} {shown[5:]} ",
    }[typing]
    client, response = log_in_with(typed)
    assert response.status_code == 302 and response["Location"] == REVIEW
    assert int(client.session[SESSION_KEY]) == reviewer.pk
    backup_device = StaticDevice.objects.get(user=reviewer)
    assert client.session[DEVICE_ID_SESSION_KEY] == backup_device.persistent_id
    assert client.get(REVIEW).status_code == 200
    assert StaticToken.objects.filter(device=backup_device).count() == 9
    (warning,) = [str(message) for message in get_messages(response.wsgi_request)]
    assert "You logged in with a backup code. 9 backup codes are left" in warning


def test_a_backup_code_works_once(reviewer_with_codes, caplog):
    caplog.set_level(logging.INFO, logger="registry.security")
    reviewer, _device, codes = reviewer_with_codes
    first, response = log_in_with(codes[0])
    assert response.status_code == 302
    assert f"second factor: backup code used, user {reviewer.pk}, 9 left" in caplog.messages

    let_throttle_pass(*StaticDevice.objects.filter(user=reviewer))
    second, replay = log_in_with(codes[0])
    assert replay.status_code == 200
    assert "That code is not right" in replay.content.decode()
    assert SESSION_KEY not in second.session
    assert second.get(REVIEW).status_code == 302
    assert any(message.startswith(f"second factor: wrong code, user {reviewer.pk}") for message in caplog.messages)


def test_a_made_up_backup_code_is_refused(reviewer_with_codes):
    _client, response = log_in_with("abcd-efgh")
    assert response.status_code == 200 and "That code is not right" in response.content.decode()


def test_a_backup_code_gets_an_api_token_with_the_second_factor(reviewer_with_codes, settings):
    reviewer, _device, codes = reviewer_with_codes
    response = Client().post(TOKEN_URL, {"username": "reviewer@gco.example", "password": PASSWORD,
                                         "otp": codes[5].upper()}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["second_factor"] is True
    expires = parse_datetime(response.json()["expires_at"])
    assert expires <= timezone.now() + timedelta(hours=settings.API_TOKEN_2FA_HOURS)
    again = Client().post(TOKEN_URL, {"username": "reviewer@gco.example", "password": PASSWORD,
                                      "otp": codes[5]}, content_type="application/json")
    assert again.status_code == 401 and again.json()["code"] == "invalid_otp"


# --- New codes ---------------------------------------------------------------------------------------

def verified_by_app(device: TOTPDevice) -> Client:
    client = Client()
    log_in(client, "reviewer@gco.example")
    assert client.post(VERIFY, {"code": code(device, steps_ahead=1)}).status_code == 302
    return client


def test_new_codes_need_a_fresh_code_from_the_app_and_void_the_old_ones(reviewer_with_codes, caplog):
    caplog.set_level(logging.INFO, logger="registry.security")
    reviewer, device, old_codes = reviewer_with_codes
    client = verified_by_app(device)

    page = client.get(BACKUP)
    assert page.status_code == 200
    assert "You have 10 unused backup codes left." in page.content.decode()
    assert not shown_backup_codes(page.content.decode())  # the codes themselves are never shown again

    wrong = client.post(BACKUP, {"code": f"{(int(code(device, 1)) + 1) % 10**6:06d}"})
    assert wrong.status_code == 200 and "That code is not right" in wrong.content.decode()
    let_throttle_pass(device)
    # The session passed the code already: that is not enough, nor a backup code.
    with_backup = client.post(BACKUP, {"code": old_codes[0]})
    assert "a backup code cannot make new ones" in with_backup.content.decode()
    stored = set(StaticToken.objects.filter(device__user=reviewer).values_list("token", flat=True))
    assert stored == {shown.replace("-", "") for shown in old_codes}

    # A minute later, the app shows a code not used yet (django-otp refuses any step already used).
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    done = client.post(BACKUP, {"code": code(device)})
    assert done.status_code == 200
    new_codes = shown_backup_codes(done.content.decode())
    assert len(new_codes) == 10 and set(new_codes).isdisjoint(old_codes)
    assert f"second factor: backup codes regenerated, user {reviewer.pk}" in caplog.messages

    let_throttle_pass(*StaticDevice.objects.filter(user=reviewer))
    _client, old = log_in_with(old_codes[1])
    assert old.status_code == 200 and "That code is not right" in old.content.decode()
    let_throttle_pass(*StaticDevice.objects.filter(user=reviewer))
    _client, new = log_in_with(new_codes[1])
    assert new.status_code == 302


def test_a_session_without_the_code_cannot_make_new_codes(reviewer_with_codes):
    reviewer, device, old_codes = reviewer_with_codes
    client = Client()
    client.force_login(reviewer)  # the password step only
    response = client.post(BACKUP, {"code": code(device, steps_ahead=1)})
    assert response.status_code == 302
    assert not shown_backup_codes(response.content.decode())
    stored = set(StaticToken.objects.filter(device__user=reviewer).values_list("token", flat=True))
    assert stored == {shown.replace("-", "") for shown in old_codes}


def test_someone_without_an_app_is_sent_to_set_one_up(make_user, make_entity):
    client = Client()
    client.force_login(make_user(editor_of=make_entity()))
    response = client.get(BACKUP)
    assert response.status_code == 302 and response["Location"] == "/en/auth/code/setup/"
