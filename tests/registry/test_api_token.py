"""POST/DELETE /api/v1/auth/token/ and `Authorization: Token <key>` on the API."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.authentication import api_token_issue
from registry.models import ApiToken

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.registry.auth_test_urls")]

PASSWORD = "a-long-test-password"
TOKEN_URL = "/api/v1/auth/token/"
WHOAMI = "/api/v1/whoami/"


@pytest.fixture(autouse=True)
def arabic():
    with translation.override("ar"):
        yield


def ask(client=None, **body):
    english = {"accept-language": "en"}  # the sentences asserted are the code's own
    return (client or Client()).post(TOKEN_URL, body, content_type="application/json", headers=english)


def code(device, steps_ahead=0):
    return f"{totp(device.bin_key, step=device.step, digits=device.digits, drift=steps_ahead):06d}"


def with_token(key, client=None):
    return (client or Client()).get(WHOAMI, headers={"Authorization": f"Token {key}"})


def test_the_url_is_named():
    assert reverse("api-token") == TOKEN_URL


def test_an_editor_without_an_app_gets_a_token_that_opens_the_api(make_user, make_entity):
    editor = make_user(email="editor@moe.example", editor_of=make_entity())
    before = timezone.now()
    response = ask(username="Editor@MOE.example", password=PASSWORD)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"token", "expires_at", "second_factor"}
    assert body["second_factor"] is False
    assert response["Cache-Control"] == "no-store"
    expires = parse_datetime(body["expires_at"])
    assert before + timedelta(days=30) <= expires <= timezone.now() + timedelta(days=30)

    # Only a hash is kept: a copy of the database opens nothing.
    token = ApiToken.objects.get(user=editor)
    assert token.key_hash == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["token"] not in {token.key_hash, token.key_prefix}

    used = with_token(body["token"])
    assert used.status_code == 200
    assert used.json() == {"email": "editor@moe.example", "two_factor": False}
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_reviewer_without_an_app_gets_a_token_that_says_it_cannot_decide(make_user):
    make_user(email="reviewer@gco.example", reviewer=True)
    body = ask(username="reviewer@gco.example", password=PASSWORD).json()
    assert body["second_factor"] is False
    assert "cannot be used for reviewers' decisions" in body["detail"]
    assert "/auth/code/setup/" in body["detail"]


def test_with_an_app_the_code_is_required_and_checked(make_user):
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)

    missing = ask(username="reviewer@gco.example", password=PASSWORD)
    assert missing.status_code == 401
    assert missing.json()["code"] == "otp_required"

    wrong = ask(username="reviewer@gco.example", password=PASSWORD, otp=f"{(int(code(device)) + 1) % 10**6:06d}")
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "invalid_otp"
    assert not ApiToken.objects.exists()

    throttled = ask(username="reviewer@gco.example", password=PASSWORD, otp=code(device))
    assert throttled.status_code == 429  # right code, but inside the wait after a wrong one
    assert throttled.json()["code"] == "otp_throttled"
    assert int(throttled["Retry-After"]) >= 1

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(hours=1))
    right = ask(username="reviewer@gco.example", password=PASSWORD, otp=code(device))
    assert right.status_code == 200, right.content
    assert right.json()["second_factor"] is True
    assert "detail" not in right.json()
    assert with_token(right.json()["token"]).json()["two_factor"] is True


def test_a_wrong_code_never_reaches_a_token_even_with_the_right_password(make_user):
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    assert ask(username="reviewer@gco.example", password=PASSWORD, otp="abcdef").status_code == 401
    assert not ApiToken.objects.exists()


def test_wrong_credentials_get_one_answer_whether_the_account_exists_or_not(make_user):
    make_user(email="editor@moe.example")
    wrong_password = ask(username="editor@moe.example", password="not-the-password")
    no_account = ask(username="nobody@moe.example", password="not-the-password")
    assert wrong_password.status_code == no_account.status_code == 401
    assert wrong_password.json() == no_account.json()
    assert wrong_password.json()["code"] == "invalid_credentials"


def test_a_deactivated_account_gets_no_token(make_user):
    make_user(email="gone@moe.example", is_active=False)
    response = ask(username="gone@moe.example", password=PASSWORD)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_missing_fields_are_named(make_user):
    response = ask(username="editor@moe.example")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"password"}
    assert body["detail"]
    assert set(ask().json()["errors"]) == {"username", "password"}


def test_the_token_endpoint_counts_failures_with_the_login_page(make_user):
    """Five failures from one address, on the page or the API, lock that username there, on both."""
    make_user(email="reviewer@gco.example", reviewer=True)
    web = Client()
    for _ in range(2):
        web.post(reverse("login"), {"username": "reviewer@gco.example", "password": "not-the-password"})
    statuses = [ask(username="reviewer@gco.example", password="not-the-password").status_code
                for _ in range(django_settings.AXES_FAILURE_LIMIT - 2)]
    assert statuses == [401] * (django_settings.AXES_FAILURE_LIMIT - 3) + [429]

    locked = ask(username="reviewer@gco.example", password=PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert locked["Retry-After"] == str(int(django_settings.AXES_COOLOFF_TIME.total_seconds()))
    assert not ApiToken.objects.exists()
    assert web.post(reverse("login"), {"username": "reviewer@gco.example", "password": PASSWORD}).status_code == 429

    elsewhere = ask(Client(REMOTE_ADDR="198.51.100.7"), username="reviewer@gco.example", password=PASSWORD)
    assert elsewhere.status_code == 200


def test_a_token_clears_earlier_failures(make_user):
    make_user(email="editor@moe.example")
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        ask(username="editor@moe.example", password="not-the-password")
    assert ask(username="editor@moe.example", password=PASSWORD).status_code == 200
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        ask(username="editor@moe.example", password="not-the-password")
    assert ask(username="editor@moe.example", password=PASSWORD).status_code == 200


def test_a_session_cookie_does_not_need_csrf_to_ask_for_a_token(make_user):
    """The endpoint reads credentials from the body only, so a browser with a session may call it."""
    user = make_user(email="editor@moe.example")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert ask(client, username="editor@moe.example", password=PASSWORD).status_code == 200


# --- Using and revoking tokens --------------------------------------------------------------------

@pytest.mark.parametrize("header", ["Token not-a-real-key", "Token", "Token two parts", "token not-a-real-key"])
def test_unknown_or_malformed_tokens_are_refused_with_401(header):
    response = Client().get(WHOAMI, headers={"Authorization": header})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_no_credentials_is_401_not_403():
    response = Client().get(WHOAMI)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_an_expired_token_is_refused(make_user):
    user = make_user()
    token, key = api_token_issue(user=user, second_factor=False)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = with_token(key)
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_a_deactivated_users_token_is_refused(make_user):
    user = make_user()
    _, key = api_token_issue(user=user, second_factor=True)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert with_token(key).status_code == 401


def test_token_lifetime_comes_from_settings(make_user, settings):
    user = make_user()
    settings.API_TOKEN_DAYS = 7
    token, _ = api_token_issue(user=user, second_factor=False)
    assert timedelta(days=7) - timedelta(minutes=1) < token.expires_at - timezone.now() <= timedelta(days=7)
    settings.API_TOKEN_DAYS = 0
    token, key = api_token_issue(user=user, second_factor=False)
    assert token.expires_at is None
    assert with_token(key).status_code == 200


def test_delete_revokes_the_token_used(make_user):
    user = make_user()
    _, key = api_token_issue(user=user, second_factor=False)
    _, other_key = api_token_issue(user=user, second_factor=False)
    response = Client().delete(TOKEN_URL, headers={"Authorization": f"Token {key}"})
    assert response.status_code == 204
    assert with_token(key).status_code == 401
    assert with_token(other_key).status_code == 200  # only the one used


def test_delete_needs_a_token(make_user):
    client = Client()
    client.force_login(make_user())
    assert client.delete(TOKEN_URL).status_code == 401
    assert Client().delete(TOKEN_URL).status_code == 401


# --- With the site's own URLs: a reviewer's decisions need a token issued with the code ---------------

@pytest.mark.urls("registry.urls")
def test_a_reviewers_api_decision_needs_a_token_issued_with_the_code(make_user, make_channel):
    from accounts.models import Channel, Status

    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    channel = make_channel("https://x.com/tokendecision", status=Status.SUBMITTED)
    approve = f"/api/v1/channels/{channel.pk}/approve/"

    password_only = ask(username="reviewer@gco.example", password=PASSWORD).json()
    refused = Client().post(approve, {}, content_type="application/json",
                            headers={"Authorization": f"Token {password_only['token']}"})
    assert refused.status_code == 403, refused.content
    assert refused.json()["code"] == "second_factor_required"
    assert Channel.private_objects.get(pk=channel.pk).status == Status.SUBMITTED

    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    with_code = ask(username="reviewer@gco.example", password=PASSWORD, otp=code(device)).json()
    assert with_code["second_factor"] is True
    approved = Client().post(approve, {}, content_type="application/json",
                             headers={"Authorization": f"Token {with_code['token']}"})
    assert approved.status_code == 200, approved.content
    assert Channel.private_objects.get(pk=channel.pk).status == Status.APPROVED
