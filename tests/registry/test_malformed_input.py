"""Bad input from anyone, logged in or not, on the login doors: a 400 (or the form's error), never a
500, and a malformed login still counts towards the lockout."""
from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from registry.authentication import login_username
from registry.models import ApiToken

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
TOKEN_URL = "/api/v1/auth/token/"
# Longer than any email (254) and than what the lockout's records hold (255).
OVERLONG = "x" * 300 + "@moe.example"
ELSEWHERE = "198.51.100.7"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def ask_token(body, client=None, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return (client or Client()).post(TOKEN_URL, data, content_type="application/json", **extra)


def log_in(username, password="not-the-password", client=None):
    return (client or Client()).post(reverse("login"), {"username": username, "password": password})


def assert_api_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and isinstance(body["detail"], str) and body["detail"], body
    return body


# --- Bodies the parser cannot read -----------------------------------------------------------------

@pytest.mark.parametrize("body", ["[" * 100_000, '{"a": ' * 50_000, "[" * 100_000 + "]" * 100_000],
                         ids=["open-arrays", "open-objects", "closed-arrays"])
def test_a_json_body_nested_too_deeply_is_a_400_in_the_apis_error_shape(body):
    assert len(body) <= django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # under the size limit: the parser must read it

    response = ask_token(body)

    assert_api_error(response, 400, "malformed")


def test_a_deeply_nested_body_to_a_write_endpoint_is_a_400_too(make_user, make_entity):
    from tests.accounts.api.test_channels import token_client

    client = token_client(make_user(editor_of=make_entity()))
    response = client.post("/api/v1/channels/", "[" * 100_000, content_type="application/json")
    assert_api_error(response, 400, "malformed")


# --- The token endpoint, fuzzed ----------------------------------------------------------------------

FUZZED_TOKEN_BODIES = {
    "username-overlong": {"username": OVERLONG, "password": "p"},
    "username-overlong-unicode": {"username": "é" * 300, "password": "p"},
    "username-a-list": {"username": ["x@moe.example"], "password": "p"},
    "username-an-object": {"username": {"a": 1}, "password": "p"},
    "username-null": {"username": None, "password": "p"},
    "username-with-nul": {"username": "editor@moe.example\u0000", "password": "p"},
    "password-with-nul": {"username": "editor@moe.example", "password": "p\u0000"},
    "otp-with-nul": {"username": "editor@moe.example", "password": PASSWORD, "otp": "12\u00003456"},
    "otp-a-list": {"username": "editor@moe.example", "password": PASSWORD, "otp": ["123456"]},
    "body-a-list": [1, 2],
    "body-a-string": '"just text"',  # JSON, but not an object
}


@pytest.mark.parametrize("body", FUZZED_TOKEN_BODIES.values(), ids=FUZZED_TOKEN_BODIES.keys())
def test_malformed_fields_on_the_token_endpoint_are_a_400_with_field_errors(make_user, body):
    make_user(email="editor@moe.example")

    answer = assert_api_error(ask_token(body), 400, "invalid")

    assert answer["errors"], answer
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("body", [
    {"username": "editor@moe.example", "password": "p" * 500_000},
    {"username": "editor@moe.example", "password": PASSWORD, "otp": "1" * 500_000},
    {"username": "editor@moe.example", "password": PASSWORD, "otp": "\u0661\u0662\u0663\u0664\u0665\u0666"},
], ids=["password-huge", "otp-huge", "otp-arabic-digits-wrong"])
def test_huge_or_wrong_values_on_the_token_endpoint_are_refused_without_a_500(make_user, body):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user(email="editor@moe.example")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    response = ask_token(body)

    assert response.status_code in (400, 401), response.content[:500]
    assert response.json()["code"] in ("invalid", "invalid_credentials", "invalid_otp")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("body", ['{"username": "a", "password": NaN}', '{"username": 1' + "0" * 5000 + "}",
                                  b'{"username": "\xff\xfe", "password": "p"}'],
                         ids=["nan", "huge-integer", "not-utf8"])
def test_json_the_parser_refuses_is_a_400(body):
    assert_api_error(ask_token(body), 400, "malformed")


# --- Over-long and malformed usernames still count towards the lockout --------------------------------

def test_the_lockout_key_is_cut_to_what_the_lockout_records_hold():
    key = login_username(None, {"username": "  " + OVERLONG.upper() + "\u0000"})
    assert key == OVERLONG[:255]
    assert login_username(None, {"username": "Editor@MOE.example\u0000"}) == "editor@moe.example"


def test_an_overlong_username_on_the_token_endpoint_is_a_400_and_counted_until_locked_out():
    limit = django_settings.AXES_FAILURE_LIMIT

    answers = [ask_token({"username": OVERLONG, "password": "p"}) for _ in range(limit)]

    for answer in answers[:-1]:
        body = assert_api_error(answer, 400, "invalid")
        assert set(body["errors"]) == {"username"}
    assert_api_error(answers[-1], 429, "locked_out")
    attempt = AccessAttempt.objects.get()
    assert attempt.username == OVERLONG[:255] and attempt.failures_since_start == limit

    # Locked is the key: any username it is cut to, on either door, from this address only.
    same_key = OVERLONG[:255] + "y" * 40
    assert_api_error(ask_token({"username": same_key, "password": "p"}), 429, "locked_out")
    assert log_in(same_key).status_code == 429
    assert_api_error(ask_token({"username": same_key, "password": "p"}, Client(REMOTE_ADDR=ELSEWHERE)), 400,
                     "invalid")


def test_an_overlong_username_on_the_login_page_is_the_forms_error_and_counted_until_locked_out():
    limit = django_settings.AXES_FAILURE_LIMIT

    answers = [log_in(OVERLONG) for _ in range(limit)]

    for answer in answers[:-1]:
        assert answer.status_code == 200
        assert "do not match an account" in answer.content.decode()
    assert answers[-1].status_code == 429
    assert AccessAttempt.objects.get().username == OVERLONG[:255]
    assert_api_error(ask_token({"username": OVERLONG, "password": "p"}), 429, "locked_out")
    assert log_in(OVERLONG, client=Client(REMOTE_ADDR=ELSEWHERE)).status_code == 200


def test_a_username_with_a_nul_byte_counts_against_the_account_it_names(make_user):
    """PostgreSQL refuses NUL in text: the attempt is counted without it, on both doors."""
    make_user(email="editor@moe.example")
    limit = django_settings.AXES_FAILURE_LIMIT

    web = [log_in("editor@moe.example\x00") for _ in range(limit - 1)]
    api = ask_token({"username": "editor@moe.example\u0000", "password": "p"})

    assert all(answer.status_code == 200 for answer in web)
    assert "Null characters are not allowed." in web[0].content.decode()
    assert_api_error(api, 429, "locked_out")
    assert AccessAttempt.objects.get().username == "editor@moe.example"
    # The right password is refused from here until the cool-off; elsewhere it works.
    assert_api_error(ask_token({"username": "editor@moe.example", "password": PASSWORD}), 429, "locked_out")
    assert log_in("editor@moe.example", PASSWORD).status_code == 429
    assert ask_token({"username": "editor@moe.example", "password": PASSWORD},
                     Client(REMOTE_ADDR=ELSEWHERE)).status_code == 200
