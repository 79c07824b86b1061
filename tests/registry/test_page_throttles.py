"""Rate limits of the verify page and of password-reset emails, and the one 429 page that answers them
(and the login lockout): how long to wait, `Retry-After`, nothing typed lost, nothing sent, nothing told."""
from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.registry.auth_test_urls")]

VERIFY = "/en/verify/"
RESET = "/en/auth/password-reset/"
SENT = "/en/auth/password-reset/sent/"


@pytest.fixture(autouse=True)
def english():
    """The sentences asserted are the ones written in the code (the Arabic catalogue is checked on its own)."""
    with translation.override("en"):
        yield


@pytest.fixture
def limits(settings):
    settings.VERIFY_PAGE_THROTTLE = "3/min"
    settings.PASSWORD_RESET_THROTTLE = "4/hour"
    settings.PASSWORD_RESET_EMAIL_THROTTLE = "2/hour"
    return settings


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def ask_reset(email: str, address: str = "192.0.2.10", **extra):
    return Client(REMOTE_ADDR=address, **extra).post(RESET, {"email": email})


# --- The verify page ------------------------------------------------------------------------------

def test_the_verify_page_answers_429_past_its_limit_with_how_long_to_wait(limits):
    client = Client()
    for _ in range(3):
        assert client.get(VERIFY, {"q": "https://x.com/UAEGov"}).status_code == 200
    refused = client.get(VERIFY, {"q": "https://x.com/UAEGov"})
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 55 <= wait <= 60
    assert f"Wait {wait} seconds, then try again." in text_of(refused)
    assert [t.name for t in refused.templates][0] == "429.html"
    assert "no-store" in refused["Cache-Control"] and "public" not in refused["Cache-Control"]


def test_a_refused_verify_keeps_what_the_person_typed_in_the_box(limits):
    client = Client()
    for _ in range(3):
        client.get(VERIFY, {"q": "x"})
    typed = "https://www.instagram.com/mofauae/?a=<b>"
    refused = client.get(VERIFY, {"q": typed, "platform": "instagram"})
    assert refused.status_code == 429
    body = refused.content.decode()
    assert 'value="https://www.instagram.com/mofauae/?a=&lt;b&gt;"' in body  # the box, filled in (and escaped)
    assert '<option value="instagram" selected>' in body
    assert 'action="/en/verify/"' in body


def test_the_empty_verify_form_is_not_counted(limits):
    client = Client()
    for _ in range(10):
        assert client.get(VERIFY).status_code == 200
        assert client.get(VERIFY, {"q": "   "}).status_code == 200
    assert client.get(VERIFY, {"q": "https://x.com/UAEGov"}).status_code == 200


def test_the_verify_limit_is_per_client_address(limits):
    for _ in range(3):
        Client(REMOTE_ADDR="192.0.2.1").get(VERIFY, {"q": "x"})
    assert Client(REMOTE_ADDR="192.0.2.1").get(VERIFY, {"q": "x"}).status_code == 429
    assert Client(REMOTE_ADDR="192.0.2.2").get(VERIFY, {"q": "x"}).status_code == 200


def test_a_spoofed_forwarding_header_does_not_escape_the_verify_limit(limits):
    """With no trusted proxy (the default), X-Forwarded-For is whatever the client wrote."""
    for n in range(3):
        Client(HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").get(VERIFY, {"q": "x"})
    assert Client(HTTP_X_FORWARDED_FOR="203.0.113.99").get(VERIFY, {"q": "x"}).status_code == 429


def test_behind_a_trusted_proxy_the_verify_limit_follows_the_real_client(limits):
    limits.REST_FRAMEWORK = {**limits.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for _ in range(3):
        Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7").get(VERIFY, {"q": "x"})
    assert Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7").get(VERIFY, {"q": "x"}).status_code \
        == 429
    assert Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.8").get(VERIFY, {"q": "x"}).status_code \
        == 200


# --- Password reset -------------------------------------------------------------------------------

def test_password_reset_emails_are_limited_per_email_address_from_anywhere(limits, make_user):
    make_user(email="editor@moe.example")
    assert ask_reset("editor@moe.example", "192.0.2.1")["Location"] == SENT
    assert ask_reset(" Editor@MOE.example ", "192.0.2.2")["Location"] == SENT  # the same address, written otherwise
    refused = ask_reset("EDITOR@moe.example", "192.0.2.3")
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 3590 <= wait <= 3600
    assert "Wait 60 minutes, then try again." in text_of(refused)
    assert len(mail.outbox) == 2  # the refused one sent nothing
    assert ask_reset("someone.else@moe.example", "192.0.2.3")["Location"] == SENT


def test_password_reset_emails_are_limited_per_client_address(limits, make_user):
    for n in range(4):
        make_user(email=f"editor{n}@moe.example")
        assert ask_reset(f"editor{n}@moe.example")["Location"] == SENT
    make_user(email="editor9@moe.example")
    refused = ask_reset("editor9@moe.example")
    assert refused.status_code == 429
    assert refused.has_header("Retry-After")
    assert len(mail.outbox) == 4
    assert ask_reset("editor9@moe.example", "192.0.2.99")["Location"] == SENT  # another network is not held up


def test_a_refused_reset_says_the_same_whether_the_account_exists_or_not(limits, make_user):
    make_user(email="editor@moe.example")
    for _ in range(2):
        ask_reset("editor@moe.example")
        ask_reset("nobody@moe.example")
    for_account = ask_reset("editor@moe.example", "192.0.2.50")
    for_nobody = ask_reset("nobody@moe.example", "192.0.2.51")
    assert for_account.status_code == for_nobody.status_code == 429
    assert text_of(for_account) == text_of(for_nobody)
    assert for_account["Retry-After"] == for_nobody["Retry-After"]
    assert len(mail.outbox) == 2


def test_invalid_reset_forms_send_nothing_and_are_not_counted(limits, make_user):
    make_user(email="editor@moe.example")
    for _ in range(6):
        assert ask_reset("not an email").status_code == 200
    assert ask_reset("editor@moe.example")["Location"] == SENT


def test_a_spoofed_forwarding_header_does_not_escape_the_reset_limit(limits, make_user):
    for n in range(4):
        ask_reset(f"person{n}@moe.example", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert ask_reset("person9@moe.example", HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


# --- One 429 page ---------------------------------------------------------------------------------

def test_the_login_lockout_answers_with_the_same_429_page(limits, make_user):
    make_user(email="editor@moe.example")
    client = Client()
    for _ in range(limits.AXES_FAILURE_LIMIT + 1):
        locked = client.post("/en/auth/login/", {"username": "editor@moe.example", "password": "wrong-password"})
    assert locked.status_code == 429 and locked.has_header("Retry-After")
    for _ in range(4):
        refused = client.get(VERIFY, {"q": "x"})
    assert refused.status_code == 429
    assert "429.html" in [t.name for t in locked.templates]  # auth/locked_out.html extends it
    assert [t.name for t in refused.templates][0] == "429.html"
    assert "Too many failed logins" in text_of(locked)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_429_page_is_in_the_pages_language(limits, lang):
    client = Client()
    url = f"/{lang}/verify/"
    for _ in range(3):
        client.get(url, {"q": "x"})
    refused = client.get(url, {"q": "x"})
    assert refused.status_code == 429
    assert f'<html lang="{lang}"' in refused.content.decode()
    with translation.override(lang):
        expected = translation.gettext("You have checked many accounts in a short time from your network.")
    assert expected in refused.content.decode()
