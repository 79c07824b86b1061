"""POST/DELETE /api/v1/auth/token/ and `Authorization: Token <key>` on the API: tokens carry the second
factor or give no power to whoever must use it, and end with any change of password, device or status."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.authentication import api_token_issue
from registry.models import ApiToken
from tests.registry.second_factor_steps import enrol_through_link, enrolled, verified_client

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


def test_a_reviewer_without_an_app_gets_no_token_but_a_403_saying_to_enrol(make_user, caplog):
    """It used to get a password-only token (issue 10, item 1): a reviewer's password alone opens nothing."""
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    response = ask(username="reviewer@gco.example", password=PASSWORD)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "second_factor_enrolment_required"
    assert "enrolment link" in body["detail"]
    assert "token" not in body
    assert not ApiToken.objects.exists()
    assert f"second factor not enrolled, user {reviewer.pk}" in caplog.text


@pytest.mark.parametrize("kind", ["superuser", "staff"])
def test_an_admin_without_an_app_gets_no_token_either(make_user, kind):
    make_user(email="admin@gco.example", is_staff=True, is_superuser=kind == "superuser")
    response = ask(username="admin@gco.example", password=PASSWORD)
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_enrolment_required"
    assert not ApiToken.objects.exists()


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
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
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

    elsewhere = ask(Client(REMOTE_ADDR="198.51.100.7"), username="reviewer@gco.example", password=PASSWORD,
                    otp=code(device))
    assert elsewhere.status_code == 200, elsewhere.content


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


# --- A token carrying the second factor, and one that does not -----------------------------------

def test_a_token_issued_with_the_code_lives_at_most_api_token_2fa_hours(make_user, settings):
    assert settings.API_TOKEN_2FA_HOURS == 12  # the default the issue asks for
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    before = timezone.now()
    body = ask(username="reviewer@gco.example", password=PASSWORD, otp=code(device)).json()
    assert body["second_factor"] is True
    expires = parse_datetime(body["expires_at"])
    assert before + timedelta(hours=12) <= expires <= timezone.now() + timedelta(hours=12)
    assert ApiToken.objects.get(user=reviewer).expires_at == expires

    settings.API_TOKEN_2FA_HOURS = 2
    body = ask(username="reviewer@gco.example", password=PASSWORD, otp=code(device, steps_ahead=1)).json()
    assert parse_datetime(body["expires_at"]) <= timezone.now() + timedelta(hours=2)


def test_the_2fa_cap_shortens_a_shorter_api_token_days_never_lengthens_it(make_user, settings):
    user = make_user()
    settings.API_TOKEN_DAYS = 0  # editors' tokens until revoked; one with the code is still capped
    assert api_token_issue(user=user, second_factor=False)[0].expires_at is None
    capped, _ = api_token_issue(user=user, second_factor=True)
    assert capped.expires_at <= timezone.now() + timedelta(hours=django_settings.API_TOKEN_2FA_HOURS)


def test_a_token_without_the_code_is_refused_once_its_holder_must_use_one(make_user, make_entity):
    """Issued to an editor, who is then made a reviewer: the token's power would be a reviewer's."""
    user = make_user(email="editor@moe.example", editor_of=make_entity())
    key = ask(username="editor@moe.example", password=PASSWORD).json()["token"]
    assert with_token(key).status_code == 200
    user.is_reviewer = True
    user.save(update_fields=["is_reviewer"])

    for response in (with_token(key), Client().delete(TOKEN_URL, headers={"Authorization": f"Token {key}"})):
        assert response.status_code == 401
        assert response.json()["code"] == "second_factor_required"
    assert ApiToken.objects.filter(user=user).exists()  # refused, not revoked: DELETE needs a usable token


# --- With the site's own URLs: a reviewer's decisions need a token issued with the code ---------------

@pytest.mark.urls("registry.urls")
def test_a_reviewers_api_decision_needs_a_token_issued_with_the_code(make_user, make_entity, make_channel):
    """The password-only token here was the reviewer's own until issue 10 (item 1); now the only way to
    hold one is to have been given it as an editor."""
    from accounts.models import Channel, ChannelEvent, Status

    reviewer = make_user(email="reviewer@gco.example", editor_of=make_entity())
    channel = make_channel("https://x.com/tokendecision", status=Status.SUBMITTED)
    approve = f"/api/v1/channels/{channel.pk}/approve/"

    password_only = ask(username="reviewer@gco.example", password=PASSWORD).json()
    reviewer.is_reviewer = True
    reviewer.save(update_fields=["is_reviewer"])
    refused = Client().post(approve, {}, content_type="application/json",
                            headers={"Authorization": f"Token {password_only['token']}"})
    assert refused.status_code == 401, refused.content
    assert refused.json()["code"] == "second_factor_required"
    assert Channel.private_objects.get(pk=channel.pk).status == Status.SUBMITTED
    assert not ChannelEvent.objects.filter(channel=channel).exists()

    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    with_code = ask(username="reviewer@gco.example", password=PASSWORD, otp=code(device)).json()
    assert with_code["second_factor"] is True
    approved = Client().post(approve, {}, content_type="application/json",
                             headers={"Authorization": f"Token {with_code['token']}"})
    assert approved.status_code == 200, approved.content
    assert Channel.private_objects.get(pk=channel.pk).status == Status.APPROVED


# --- When tokens end: any change of password, device or status ---------------------------------------

def token_works(key) -> bool:
    return with_token(key).status_code == 200


def test_a_password_changed_through_any_other_door_ends_the_token_at_its_next_use(make_user):
    """manage.py changepassword, the admin's password form, a shell: none revokes the tokens itself."""
    user = make_user()
    token, key = api_token_issue(user=user, second_factor=False)
    assert token.password_fingerprint and token.password_fingerprint != user.password
    _, other_users = api_token_issue(user=make_user(), second_factor=False)
    user.set_password("another-long-password")
    user.save()
    response = with_token(key)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
    assert not ApiToken.objects.filter(pk=token.pk).exists()  # deleted, not just refused
    assert token_works(other_users)


def test_a_password_reset_by_email_link_ends_every_token(client, make_user):
    user = make_user(email="editor@moe.example")
    _, key = api_token_issue(user=user, second_factor=False)
    with translation.override("en"):
        link = reverse("password_reset_confirm", kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)})
    set_url = client.get(link)["Location"]
    done = client.post(set_url, {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"})
    assert done.status_code == 302
    assert not ApiToken.objects.filter(user=user).exists()
    assert not token_works(key)


def test_enrolling_an_app_ends_the_tokens_issued_before_it(make_user):
    user = make_user(email="editor@moe.example")
    _, key = api_token_issue(user=user, second_factor=False)
    enrol_through_link(Client(), user)
    assert not ApiToken.objects.filter(user=user).exists()
    assert not token_works(key)


def test_deactivating_a_user_in_the_admin_ends_their_tokens(make_user):
    admin_user = make_user(email="admin@gco.example", is_staff=True, is_superuser=True)
    admin = verified_client(admin_user, enrolled(admin_user))
    user = make_user(email="editor@moe.example", first_name="Mona")
    _, key = api_token_issue(user=user, second_factor=False)
    _, admins = api_token_issue(user=admin_user, second_factor=True)
    form = {"email": user.email, "first_name": "Mona", "last_name": "", "is_reviewer": "",
            "is_staff": "", "is_superuser": "", "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00",
            "last_login_0": "", "last_login_1": ""}
    kept = admin.post(f"/admin/registry/user/{user.pk}/change/", {**form, "is_active": "on", "first_name": "Mona A."})
    assert kept.status_code == 302, kept.content.decode()[:3000]
    assert ApiToken.objects.filter(user=user).exists()  # another change leaves the tokens

    response = admin.post(f"/admin/registry/user/{user.pk}/change/", form)  # is_active unticked
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert not ApiToken.objects.filter(user=user).exists()
    assert ApiToken.objects.filter(user=admin_user).exists() and token_works(admins)
