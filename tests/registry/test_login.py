"""Logging in and out, idle sessions, password reset, and the lockout after repeated failures."""
from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import translation

from registry.authentication import client_ip
from tests.registry.second_factor_steps import code, enrolled

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.registry.auth_test_urls")]

PASSWORD = "a-long-test-password"
STAFF_HOME = "/en/staff/"
REVIEW_QUEUE = "/en/review/queue/"  # where a reviewer's login lands
LOCKED = "Too many failed logins"


@pytest.fixture(autouse=True)
def english():
    """Pages in English, so the sentences asserted are the ones written in the code (the Arabic
    catalogue is checked on its own); whatever language an earlier request left active."""
    with translation.override("en"):
        yield


def log_in(client, email, password=PASSWORD, *, next_url=None, **extra):
    data = {"username": email, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post(reverse("login"), data, **extra)


def logged_in_as(client) -> int | None:
    """Who the server thinks the client is, asked with a request (not by reading the session)."""
    response = client.get(STAFF_HOME)
    if response.status_code != 200:
        return None
    return int(client.session[SESSION_KEY])


def log_in_with_code(client, email, device, **extra):
    """A reviewer's whole login: the password (not locked out), then the authenticator app's code."""
    password_step = log_in(client, email, **extra)
    assert password_step.status_code == 302, password_step
    assert password_step["Location"].startswith(reverse("two_factor_verify"))
    return client.post(reverse("two_factor_verify"), {"code": code(device)}, **extra)


# --- Logging in and out ------------------------------------------------------------------------

def test_login_with_the_email_in_any_case_opens_the_staff_area(client, make_user):
    user = make_user(email="editor@moe.example")
    response = log_in(client, "  Editor@MOE.example ")
    assert response.status_code == 302
    assert response["Location"] == STAFF_HOME
    assert logged_in_as(client) == user.pk


def test_a_wrong_password_is_refused_with_a_sentence_and_the_email_kept(client, make_user):
    make_user(email="editor@moe.example")
    response = log_in(client, "editor@moe.example", "not-the-password")
    assert response.status_code == 200
    page = response.content.decode()
    assert "That email address and password do not match an account." in page
    assert 'value="editor@moe.example"' in page
    assert logged_in_as(client) is None


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(client, make_user):
    make_user(email="editor@moe.example")
    wrong_password = log_in(client, "editor@moe.example", "not-the-password")
    no_account = log_in(client, "nobody@moe.example", "not-the-password")
    assert wrong_password.status_code == no_account.status_code == 200
    assert wrong_password.context["form"].errors == no_account.context["form"].errors


def test_a_deactivated_account_cannot_log_in(client, make_user):
    make_user(email="gone@moe.example", is_active=False)
    assert log_in(client, "gone@moe.example").status_code == 200
    assert logged_in_as(client) is None


@pytest.mark.parametrize("next_url, goes_to", [
    ("/en/review/queue/?page=2", "/en/review/queue/?page=2"),
    ("https://evil.example/phish", STAFF_HOME),
    ("//evil.example/phish", STAFF_HOME),
    ("javascript:alert(1)", STAFF_HOME),
])
def test_next_is_followed_only_inside_the_site(client, make_user, next_url, goes_to):
    make_user(email="editor@moe.example")
    response = log_in(client, "editor@moe.example", next_url=next_url)
    assert response["Location"] == goes_to


def test_the_login_page_carries_next_into_its_form(client):
    response = client.get(reverse("login"), {"next": "/en/review/queue/"})
    assert response.status_code == 200
    assert 'name="next" value="/en/review/queue/"' in response.content.decode()


def test_logout_by_get_only_asks_and_by_post_ends_the_session_on_the_server(client, make_user):
    make_user(email="editor@moe.example")
    log_in(client, "editor@moe.example")
    stolen_cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value

    asked = client.get(reverse("logout"))
    assert asked.status_code == 200
    assert f'action="{reverse("logout")}"' in asked.content.decode()
    assert logged_in_as(client) is not None  # a GET (a link, an image) logs nobody out

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert logged_in_as(client) is None
    # The old session id opens nothing any more, even if someone kept a copy of the cookie.
    other = Client()
    other.cookies[django_settings.SESSION_COOKIE_NAME] = stolen_cookie
    assert other.get(STAFF_HOME)["Location"].startswith(reverse("login"))


def test_an_idle_session_ends_but_an_active_one_goes_on(client, make_user, settings):
    """SESSION_COOKIE_AGE is an idle timeout: every request pushes the end back (SESSION_SAVE_EVERY_REQUEST);
    a session left alone longer than the age is refused by the server, whatever the browser sends."""
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True
    settings.SESSION_COOKIE_AGE = 2
    make_user(email="editor@moe.example")
    log_in(client, "editor@moe.example")
    for _ in range(2):  # active for longer than the age, one request at a time well inside it
        time.sleep(1.2)
        assert client.get(STAFF_HOME).status_code == 200
    time.sleep(2.5)
    response = client.get(STAFF_HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Password reset -------------------------------------------------------------------------------

def test_password_reset_by_email_link_then_log_in_with_the_new_password(client, make_user, settings):
    settings.SITE_URL = "https://registry.gco.example"
    user = make_user(email="editor@moe.example")
    response = client.post(reverse("password_reset"), {"email": "Editor@MOE.example"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert client.get(response["Location"]).status_code == 200

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["editor@moe.example"]
    link = re.search(r"https://registry\.gco\.example(/en/auth/reset/\S+/)", message.body)
    assert link, message.body

    form_page = client.get(link.group(1), follow=True)  # Django swaps the token for a session marker
    assert form_page.status_code == 200
    assert 'name="new_password1"' in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]

    too_short = client.post(set_url, {"new_password1": "short", "new_password2": "short"})
    assert too_short.status_code == 200 and "too short" in too_short.content.decode()

    done = client.post(set_url, {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"})
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")

    assert log_in(Client(), "editor@moe.example").status_code == 200  # the old password is gone
    fresh = Client()
    assert log_in(fresh, "editor@moe.example", "a-brand-new-passphrase")["Location"] == STAFF_HOME
    assert logged_in_as(fresh) == user.pk
    # The link worked once.
    used = Client().get(link.group(1), follow=True)
    assert "does not work any more" in used.content.decode()


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, make_user):
    make_user(email="editor@moe.example")
    response = client.post(reverse("password_reset"), {"email": "nobody@moe.example"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


# --- Lockout (django-axes) -----------------------------------------------------------------------

def fail(client, email, times, **extra):
    return [log_in(client, email, "not-the-password", **extra) for _ in range(times)]


def test_five_wrong_passwords_lock_that_username_at_that_address(client, make_user):
    make_user(email="reviewer@gco.example", reviewer=True)
    responses = fail(client, "reviewer@gco.example", django_settings.AXES_FAILURE_LIMIT)
    assert [r.status_code for r in responses[:-1]] == [200] * (django_settings.AXES_FAILURE_LIMIT - 1)
    assert responses[-1].status_code == 429

    right_password = log_in(client, "reviewer@gco.example")
    assert right_password.status_code == 429
    page = right_password.content.decode()
    assert LOCKED in page and "Wait 15 minutes" in page
    assert '<html lang="en" dir="ltr">' in page  # the site's own page, in the visitor's language
    assert right_password["Retry-After"] == "900"
    assert logged_in_as(client) is None


def test_the_lockout_page_speaks_english_under_en(client, make_user):
    make_user(email="reviewer@gco.example", reviewer=True)
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        response = client.post("/en/auth/login/", {"username": "reviewer@gco.example", "password": "nope-nope"})
    assert response.status_code == 429
    assert '<html lang="en" dir="ltr">' in response.content.decode()


def test_someone_elsewhere_cannot_lock_a_reviewer_out(client, make_user):
    user = make_user(email="reviewer@gco.example", reviewer=True)
    device = enrolled(user)
    fail(client, "reviewer@gco.example", 6, REMOTE_ADDR="203.0.113.66")  # the attacker's address
    reviewer = Client(REMOTE_ADDR="198.51.100.7")
    assert log_in_with_code(reviewer, "reviewer@gco.example", device)["Location"] == REVIEW_QUEUE
    assert logged_in_as(reviewer) == user.pk


def test_changing_the_case_of_the_email_does_not_buy_more_tries(client, make_user):
    make_user(email="reviewer@gco.example", reviewer=True)
    for variant in ["Reviewer@gco.example", "REVIEWER@gco.example", "reviewer@GCO.example",
                    "reVIEWer@gco.example", " reviewer@gco.example"]:
        log_in(client, variant, "not-the-password")
    assert log_in(client, "reviewer@gco.example").status_code == 429


def test_the_lock_lifts_after_the_cool_off(client, make_user):
    user = make_user(email="reviewer@gco.example", reviewer=True)
    device = enrolled(user)
    fail(client, "reviewer@gco.example", django_settings.AXES_FAILURE_LIMIT)
    assert log_in(client, "reviewer@gco.example").status_code == 429
    # The cool-off passes: axes reads the time of the last failure from the database.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - django_settings.AXES_COOLOFF_TIME
                                 - timedelta(seconds=1))
    assert log_in_with_code(client, "reviewer@gco.example", device)["Location"] == REVIEW_QUEUE
    assert logged_in_as(client) == user.pk


def test_a_successful_login_clears_the_failures(client, make_user):
    make_user(email="editor@moe.example")
    fail(client, "editor@moe.example", django_settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, "editor@moe.example").status_code == 302
    client.post(reverse("logout"))
    fail(client, "editor@moe.example", django_settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, "editor@moe.example").status_code == 302


# --- The client's address behind proxies -----------------------------------------------------------

@pytest.mark.parametrize("proxies, remote_addr, forwarded, expected", [
    (0, "203.0.113.9", "", "203.0.113.9"),
    (0, "203.0.113.9", "1.2.3.4", "203.0.113.9"),  # no proxy: the header is the client's own invention
    (1, "10.0.0.2", "203.0.113.9", "203.0.113.9"),
    (1, "10.0.0.2", "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # the proxy appended the real one
    (2, "10.0.0.3", "1.2.3.4, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
    (1, "10.0.0.2", "", "10.0.0.2"),
    (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
    (1, "10.0.0.2", "2001:db8::1", "2001:db8::1"),
])
def test_client_address_behind_trusted_proxies(rf, settings, proxies, remote_addr, forwarded, expected):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    request = rf.get("/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_a_proxy_the_lock_follows_the_real_client(make_user, settings):
    """With one proxy every request comes from the proxy's address: keyed on that, one attacker
    would lock a reviewer out for everyone."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    user = make_user(email="reviewer@gco.example", reviewer=True)
    device = enrolled(user)
    proxy = "10.0.0.2"
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.66")
    fail(attacker, "reviewer@gco.example", django_settings.AXES_FAILURE_LIMIT)
    assert log_in(attacker, "reviewer@gco.example").status_code == 429
    # Forging the header does not help: the proxy appends the address it really saw.
    forged = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.66")
    assert log_in(forged, "reviewer@gco.example").status_code == 429

    reviewer = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert log_in_with_code(reviewer, "reviewer@gco.example", device)["Location"] == REVIEW_QUEUE
    assert logged_in_as(reviewer) == user.pk


def test_resetting_the_password_lifts_the_lock(client, make_user):
    make_user(email="reviewer@gco.example", reviewer=True)
    fail(client, "reviewer@gco.example", django_settings.AXES_FAILURE_LIMIT)
    assert log_in(client, "reviewer@gco.example").status_code == 429

    client.post(reverse("password_reset"), {"email": "reviewer@gco.example"})
    link = re.search(r"(/en/auth/reset/\S+/)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"})
    assert log_in(client, "reviewer@gco.example", "a-brand-new-passphrase")["Location"] == STAFF_HOME
