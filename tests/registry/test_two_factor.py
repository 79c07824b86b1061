"""The second factor (TOTP): enrolment by QR code (through the enrolment link), the code at login,
throttling of wrong codes, the middleware at the doors of the staff and review areas and the admin,
and `has_second_factor`."""
from __future__ import annotations

import re
from base64 import b32encode
from datetime import timedelta
from html import unescape as html_unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.auth.views import PENDING_LOGIN_KEY, PENDING_LOGIN_SECONDS
from registry.authentication import api_token_issue
from registry.direction import without_isolates
from registry.second_factor import enrolment_link_issue
from tests.registry.second_factor_steps import (
    code,
    enrol_through_link,
    enrolled,
    link_path,
    log_in,
    shown_backup_codes,
    verified_client,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.registry.auth_test_urls")]

REVIEW = "/en/review/queue/"
STAFF = "/en/staff/"
SETUP = "/en/auth/code/setup/"


@pytest.fixture(autouse=True)
def english():
    """Pages in English, so the sentences asserted are the ones written in the code."""
    with translation.override("en"):
        yield


def let_throttle_pass(device: TOTPDevice) -> None:
    """The wait after a wrong code is over (django-otp reads the time of the last failure)."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(hours=1))


def is_logged_in(client) -> bool:
    return client.get(STAFF).status_code == 200


def open_link_and_log_in(client, user) -> None:
    """The enrolment link opened, then the password: the setup page is next."""
    opened = client.get(link_path(enrolment_link_issue(user=user)))
    assert opened["Location"] == f"{reverse('login')}?next=%2Fen%2Fauth%2Fcode%2Fsetup%2F"
    assert log_in(client, user.email, SETUP)["Location"] == SETUP


# --- Enrolment -------------------------------------------------------------------------------------
# Enrolment was open to the password alone until the enrolment link (issue 10, item 1): these tests
# used to enrol right after the password step, and now go through the link.

def test_a_reviewer_enrols_by_qr_code_through_the_enrolment_link_and_then_reaches_the_review_area(
    client, make_user
):
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    assert log_in(client, "reviewer@gco.example", REVIEW)["Location"] == REVIEW

    sent = client.get(REVIEW)
    assert sent.status_code == 302
    assert sent["Location"] == f"{SETUP}?next=%2Fen%2Freview%2Fqueue%2F"
    assert client.get(sent["Location"]).status_code == 403  # the password alone: no QR code
    assert not TOTPDevice.objects.filter(user=reviewer).exists()

    assert client.get(link_path(enrolment_link_issue(user=reviewer)))["Location"] == SETUP  # already logged in
    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=reviewer)
    assert device.confirmed is False
    # The QR code is inline SVG drawn on the server: no image to fetch, no script.
    svg = re.search(r"<svg [^>]*>.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<path" in svg
    assert "<script" not in html and "<img" not in html
    # And the key, for typing in by hand.
    secret = b32encode(device.bin_key).decode()
    shown = re.search(r'<code class="otp-secret" dir="ltr">([A-Z2-7 ]+)</code>', html).group(1)
    assert shown.replace(" ", "") == secret
    assert "issuer=Official%20Accounts%20Registry" in device.config_url and secret in device.config_url

    # Reloading the page shows the same key: the app already scanned stays valid.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=reviewer).count() == 1

    wrong = client.post(SETUP, {"code": "000000", "next": REVIEW})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is False
    assert client.get(REVIEW).status_code == 302

    let_throttle_pass(device)
    done = client.post(SETUP, {"code": code(device), "next": REVIEW})
    assert done.status_code == 200
    assert len(shown_backup_codes(done.content.decode())) == 10
    assert f'href="{REVIEW}"' in done.content.decode()  # then on where they were going
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is True
    assert client.get(REVIEW).status_code == 200


def test_the_code_may_be_typed_with_spaces_or_arabic_digits(client, make_user):
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    open_link_and_log_in(client, reviewer)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=reviewer)
    typed = code(device).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = client.post(SETUP, {"code": f"{typed[:3]} {typed[3:]}"})
    assert response.status_code == 200
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is True


def test_a_code_that_is_not_digits_is_refused_before_it_is_checked(client, make_user):
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    open_link_and_log_in(client, reviewer)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "12ab56"})
    assert "Enter the 6 digits" in response.content.decode()
    device = TOTPDevice.objects.get(user=reviewer)
    assert device.throttling_failure_count == 0 and device.confirmed is False


def test_a_second_app_cannot_be_enrolled_without_the_first_ones_code(make_user):
    """Otherwise a stolen password would be enough to add the thief's phone."""
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    device = enrolled(reviewer)
    client = Client()
    client.force_login(reviewer)  # a session that has not passed the code
    response = client.get(reverse("two_factor_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert list(TOTPDevice.objects.filter(user=reviewer)) == [device]

    verified = verified_client(reviewer, device)
    page = verified.get(reverse("two_factor_setup"))
    assert "already has an authenticator app" in page.content.decode()
    assert TOTPDevice.objects.filter(user=reviewer).count() == 1


def test_enrolment_needs_a_login(client):
    response = client.get(reverse("two_factor_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- The code at login -----------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["reviewer", "editor"])
def test_with_an_app_the_password_alone_does_not_log_in(client, make_user, make_entity, role):
    user = make_user(email="someone@gco.example", reviewer=role == "reviewer",
                     editor_of=make_entity() if role == "editor" else None)
    device = enrolled(user)

    response = log_in(client, "someone@gco.example", REVIEW)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('two_factor_verify')}?next=%2Fen%2Freview%2Fqueue%2F"
    assert SESSION_KEY not in client.session
    assert not is_logged_in(client)

    page = client.get(response["Location"])
    assert page.status_code == 200 and 'name="code"' in page.content.decode()

    wrong = client.post(reverse("two_factor_verify"), {"code": f"{(int(code(device)) + 1) % 10**6:06d}",
                                                       "next": REVIEW})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert not is_logged_in(client)

    let_throttle_pass(device)
    right = client.post(reverse("two_factor_verify"), {"code": code(device), "next": REVIEW})
    assert right.status_code == 302
    assert right["Location"] == REVIEW
    assert int(client.session[SESSION_KEY]) == user.pk
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(REVIEW).status_code == 200


def test_the_code_step_keeps_next_safe(client, make_user):
    user = make_user(email="reviewer@gco.example", reviewer=True)
    device = enrolled(user)
    log_in(client, "reviewer@gco.example")
    response = client.post(reverse("two_factor_verify"), {"code": code(device), "next": "https://evil.example/"})
    assert response["Location"] == REVIEW  # where a reviewer lands when no page of this site sent them


def test_the_password_step_is_forgotten_after_a_few_minutes(client, make_user):
    user = make_user(email="reviewer@gco.example", reviewer=True)
    device = enrolled(user)
    log_in(client, "reviewer@gco.example")
    session = client.session
    session[PENDING_LOGIN_KEY] = {**session[PENDING_LOGIN_KEY],
                                  "at": session[PENDING_LOGIN_KEY]["at"] - PENDING_LOGIN_SECONDS - 1}
    session.save()
    response = client.post(reverse("two_factor_verify"), {"code": code(device)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not is_logged_in(client)


def test_the_code_page_without_a_password_step_sends_to_login(client):
    response = client.get(reverse("two_factor_verify"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_code_works_once(make_user):
    user = make_user(email="reviewer@gco.example", reviewer=True)
    device = enrolled(user)
    used = code(device)
    first = Client()
    log_in(first, "reviewer@gco.example")
    assert first.post(reverse("two_factor_verify"), {"code": used}).status_code == 302

    second = Client()  # someone who watched the code being typed
    log_in(second, "reviewer@gco.example")
    replay = second.post(reverse("two_factor_verify"), {"code": used})
    assert replay.status_code == 200
    assert not is_logged_in(second)


def test_wrong_codes_are_throttled_so_they_cannot_be_guessed(client, make_user, caplog):
    """django-otp's throttling: after each wrong code the device refuses every code, even the right
    one, for 1, 2, 4, 8... seconds. Each refusal is logged (registry.security)."""
    user = make_user(email="reviewer@gco.example", reviewer=True)
    device = enrolled(user)
    assert device.throttling_enabled
    log_in(client, "reviewer@gco.example")
    client.post(reverse("two_factor_verify"), {"code": "000000"})
    client.post(reverse("two_factor_verify"), {"code": "000000"})  # inside the wait: not even checked
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    security = [r.getMessage() for r in caplog.records if r.name == "registry.security"]
    assert security == [f"second factor: wrong code, user {user.pk}, device {device.persistent_id}",
                        f"second factor: code refused while throttled, user {user.pk}"]

    refused = client.post(reverse("two_factor_verify"), {"code": code(device)})
    assert refused.status_code == 200
    assert "Try again in a moment" in refused.content.decode()
    assert not is_logged_in(client)

    let_throttle_pass(device)
    assert client.post(reverse("two_factor_verify"), {"code": code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0  # a right code starts the count again


def page_text(response) -> str:
    """The page's words as read: tags and bidi isolates dropped, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", without_isolates(html_unescape(response.content.decode())))
    return " ".join(text.split())


def code_field(html: str) -> str:
    """The code's <input> as the page writes it."""
    match = re.search(r'<input[^>]*name="code"[^>]*>', html)
    assert match, html
    return match.group(0)


def wrong_code_just_now(device: TOTPDevice, failures: int = 1) -> None:
    """`failures` wrong codes in a row, the last typed this instant (as the code page leaves the device),
    so the wait asserted does not depend on how fast the machine runs the test."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=failures,
                                                   throttling_failure_timestamp=timezone.now())


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_wrong_code_then_the_right_one_at_once_says_to_try_again_in_a_moment_and_keeps_the_login(
    client, make_user, lang
):
    """Issue 16, item 8: the wait after a wrong code stays; the page says when to try again (never
    "1 seconds"), keeps the password step, empties the field and says how long a code lasts."""
    user = make_user(email="reviewer@gco.example", reviewer=True)
    device = enrolled(user)
    with translation.override(lang):
        verify, review = reverse("two_factor_verify"), f"/{lang}/review/queue/"
        wrong_text = translation.gettext("That code is not right. Enter the code your app shows now, or one of your "
                                         "backup codes.")
        moment = translation.gettext("After a wrong code the next one is checked only after a short wait. Try "
                                     "again in a moment with the code your app shows.")
        lasts = translation.ngettext(
            "The app shows a new code every %(seconds)s second, and each code works only while it is shown. If "
            "the code changes while you type, enter the new one: your password is not needed again.",
            "The app shows a new code every %(seconds)s seconds, and each code works only while it is shown. If "
            "the code changes while you type, enter the new one: your password is not needed again.",
            30) % {"seconds": 30}
    log_in(client, user.email, review)

    wrong = client.post(verify, {"code": f"{(int(code(device)) + 1) % 10**6:06d}", "next": review})
    assert wrong.status_code == 200
    page = page_text(wrong)
    assert f'<html lang="{lang}"' in wrong.content.decode()
    assert wrong_text in page and lasts in page
    field = code_field(wrong.content.decode())
    assert "value=" not in field and "autofocus" in field and 'aria-invalid="true"' in field

    wrong_code_just_now(device)  # the right code, typed at once
    refused = client.post(verify, {"code": code(device), "next": review})
    assert refused.status_code == 200
    page = page_text(refused)
    assert moment in page
    assert "1 second" not in page  # never "Wait 1 seconds", nor a wait of one second to count
    assert "value=" not in code_field(refused.content.decode())
    assert not is_logged_in(client)
    assert client.session[PENDING_LOGIN_KEY]["user"] == user.pk  # the password step still counts

    let_throttle_pass(device)  # the moment has passed: only the code, no password
    right = client.post(verify, {"code": code(device), "next": review})
    assert right.status_code == 302 and right["Location"] == review
    assert int(client.session[SESSION_KEY]) == user.pk
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert PENDING_LOGIN_KEY not in client.session


@pytest.mark.parametrize(("failures", "wait"), [(2, 2), (3, 4), (5, 16)])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_longer_wait_is_said_in_seconds_with_the_right_plural(client, make_user, lang, failures, wait):
    user = make_user(email="reviewer@gco.example", reviewer=True)
    device = enrolled(user)
    log_in(client, user.email)
    wrong_code_just_now(device, failures)
    with translation.override(lang):
        refused = client.post(reverse("two_factor_verify"), {"code": code(device)})
        expected = translation.ngettext(
            "After wrong codes the next one is checked only after a wait that grows with each wrong code. Wait "
            "%(seconds)s second, then enter the code your app shows.",
            "After wrong codes the next one is checked only after a wait that grows with each wrong code. Wait "
            "%(seconds)s seconds, then enter the code your app shows.",
            wait) % {"seconds": wait}
    assert refused.status_code == 200
    assert expected in page_text(refused)
    if lang == "en":
        assert f"Wait {wait} seconds, then enter the code your app shows." in page_text(refused)
    assert not is_logged_in(client)


def test_an_editor_without_an_app_logs_in_with_the_password_and_may_enrol_through_a_link(
    client, make_user, make_entity
):
    editor = make_user(email="editor@moe.example", editor_of=make_entity())
    assert log_in(client, "editor@moe.example")["Location"] == STAFF
    assert is_logged_in(client)  # editors need no second factor
    assert client.get(SETUP).status_code == 403  # but a password alone enrols nobody's app
    assert not TOTPDevice.objects.filter(user=editor).exists()

    device, codes = enrol_through_link(client, editor)
    assert device.confirmed and len(codes) == 10
    assert is_logged_in(client)


# --- The middleware: who is sent where ------------------------------------------------------------

ADMIN = "/admin/"


def make_role(role, make_user, make_entity):
    if role == "editor":
        return make_user(editor_of=make_entity())
    if role == "reviewer":
        return make_user(reviewer=True)
    if role == "superuser":
        return make_user(is_superuser=True, is_staff=True)
    if role == "staff":  # may use the admin, without being a reviewer
        return make_user(is_staff=True)
    raise AssertionError(role)


def client_for(role, factor, make_user, make_entity) -> Client:
    """factor: "none" (no app), "unverified" (an app, session without the code), "verified"."""
    client = Client()
    if role == "anonymous":
        return client
    user = make_role(role, make_user, make_entity)
    if factor == "none":
        client.force_login(user)
        return client
    device = enrolled(user)
    if factor == "verified":
        return verified_client(user, device)
    client.force_login(user)
    return client


# (role, factor, path) -> where the request goes: "page" (through the middleware), "login", "setup", "verify".
MATRIX = [
    ("anonymous", "none", REVIEW, "login"),
    ("anonymous", "none", ADMIN, "login"),
    ("editor", "none", REVIEW, "page"),  # the review views refuse editors themselves
    ("editor", "unverified", REVIEW, "page"),
    ("editor", "none", STAFF, "page"),
    ("reviewer", "none", REVIEW, "setup"),
    ("reviewer", "unverified", REVIEW, "verify"),
    ("reviewer", "verified", REVIEW, "page"),
    # These two rows said "page" until issue 10 (item 1): a reviewer's password alone opened the staff
    # area, whose buttons retire or flag any entity's channel. No power without the second factor.
    ("reviewer", "none", STAFF, "setup"),
    ("reviewer", "unverified", STAFF, "verify"),
    ("reviewer", "verified", STAFF, "page"),
    ("superuser", "none", STAFF, "setup"),
    ("staff", "unverified", STAFF, "verify"),
    ("superuser", "none", REVIEW, "setup"),
    ("superuser", "unverified", REVIEW, "verify"),
    ("superuser", "verified", REVIEW, "page"),
    ("superuser", "none", ADMIN, "setup"),
    ("superuser", "unverified", ADMIN, "verify"),
    ("superuser", "verified", ADMIN, "page"),
    ("staff", "none", ADMIN, "setup"),
    ("staff", "unverified", ADMIN, "verify"),
    ("staff", "verified", ADMIN, "page"),
    ("reviewer", "unverified", "/en/", "page"),  # public pages are public
]


@pytest.mark.parametrize("role, factor, path, expected", MATRIX)
def test_second_factor_doors(make_user, make_entity, role, factor, path, expected):
    client = client_for(role, factor, make_user, make_entity)
    response = client.get(path)
    if expected == "page":
        assert response.status_code == 200
        return
    assert response.status_code == 302
    target = {"login": reverse("login"), "setup": reverse("two_factor_setup"),
              "verify": reverse("two_factor_verify")}[expected]
    location = response.headers["Location"]
    if path == ADMIN and expected == "login":  # through the admin's own login, which sends to the site's
        location = client.get(location)["Location"]
    url = urlsplit(location)
    assert url.path == target
    assert parse_qs(url.query)["next"] == [path]  # back where they were going, afterwards


def test_the_admins_password_only_login_page_is_replaced_by_the_sites(client):
    response = client.get("/admin/login/", {"next": "/admin/registry/user/"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=%2Fadmin%2Fregistry%2Fuser%2F"


def test_an_unverified_admin_may_still_log_out_of_the_admin(make_user, make_entity):
    client = client_for("superuser", "unverified", make_user, make_entity)
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/ar/"  # /admin/ has no language prefix: the default language
    assert not is_logged_in(client)


def test_a_reviewer_who_passed_the_code_at_login_uses_the_admin_only_if_staff(make_user):
    """The middleware lets a verified reviewer through; the admin still checks is_staff itself."""
    reviewer = make_user(reviewer=True)
    client = verified_client(reviewer, enrolled(reviewer))
    assert client.get(ADMIN)["Location"].startswith("/admin/login/")


# --- has_second_factor: the one answer both doors give the services ------------------------------

def whoami(client, **headers):
    response = client.get("/api/v1/whoami/", headers=headers)
    assert response.status_code == 200, response.content
    return response.json()["two_factor"]


def test_has_second_factor_for_sessions(make_user, make_entity):
    reviewer = make_user(reviewer=True)
    device = enrolled(reviewer)
    assert whoami(verified_client(reviewer, device)) is True
    editor = make_user(editor_of=make_entity())
    client = Client()
    client.force_login(editor)
    assert whoami(client) is False


def test_a_session_without_the_second_factor_is_nobody_to_the_api(make_user):
    """It used to be the reviewer, with `two_factor` false (issue 10, item 1): no power without it."""
    reviewer = make_user(reviewer=True)
    enrolled(reviewer)
    unverified = Client()
    unverified.force_login(reviewer)
    response = unverified.get("/api/v1/whoami/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    never_enrolled = Client()
    never_enrolled.force_login(make_user(reviewer=True))
    assert never_enrolled.get("/api/v1/whoami/").status_code == 401


def test_has_second_factor_for_tokens(make_user, make_entity):
    reviewer = make_user(reviewer=True)
    device = enrolled(reviewer)
    editor = make_user(editor_of=make_entity())
    _, with_code = api_token_issue(user=reviewer, second_factor=True)
    _, editors = api_token_issue(user=editor, second_factor=False)
    assert whoami(Client(), Authorization=f"Token {with_code}") is True
    assert whoami(Client(), Authorization=f"Token {editors}") is False
    # The token is what the request authenticated with, whatever session the same client carries.
    assert whoami(verified_client(reviewer, device), Authorization=f"Token {editors}") is False


def test_a_token_without_the_code_opens_nothing_for_someone_who_must_use_it(make_user):
    """It used to answer with `two_factor` false (issue 10, item 1); now it is refused, and a verified
    session on the same client does not rescue it."""
    reviewer = make_user(reviewer=True)
    device = enrolled(reviewer)
    _, without_code = api_token_issue(user=reviewer, second_factor=False)
    response = verified_client(reviewer, device).get("/api/v1/whoami/", headers={
        "Authorization": f"Token {without_code}"})
    assert response.status_code == 401
    assert response.json()["code"] == "second_factor_required"


def test_has_second_factor_on_the_sites_pages(rf, make_user):
    """The site's views pass the same helper the request Django gives them."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp.middleware import OTPMiddleware

    from registry.authentication import has_second_factor

    reviewer = make_user(reviewer=True)
    device = enrolled(reviewer)

    def request_for(user, verified):
        request = rf.get("/")
        request.session = SessionStore()
        if verified:
            request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        request.user = user
        OTPMiddleware(lambda r: None)(request)
        return request

    assert has_second_factor(request_for(reviewer, verified=True)) is True
    assert has_second_factor(request_for(reviewer, verified=False)) is False
    assert has_second_factor(request_for(AnonymousUser(), verified=False)) is False


@pytest.mark.urls("registry.urls")
def test_with_the_sites_own_urls_a_reviewer_enrols_through_the_link_before_the_review_queue(client, make_user):
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    assert log_in(client, "reviewer@gco.example")["Location"] == reverse("staff:home")
    queue = reverse("review:queue")
    setup = reverse("two_factor_setup")
    sent = client.get(queue)
    assert sent["Location"] == f"{setup}?next={queue.replace('/', '%2F')}"
    refused = client.get(sent["Location"])
    assert refused.status_code == 403
    assert "enrolment link" in refused.content.decode()
    assert client.get(reverse("staff:home"))["Location"].startswith(setup)  # no staff area meanwhile

    assert client.get(link_path(enrolment_link_issue(user=reviewer)))["Location"] == setup
    client.get(setup)
    device = TOTPDevice.objects.get(user=reviewer)
    done = client.post(setup, {"code": code(device), "next": queue})
    assert done.status_code == 200 and f'href="{queue}"' in done.content.decode()
    assert client.get(queue).status_code == 200
    assert client.get(reverse("staff:home")).status_code == 200


def test_logging_in_as_someone_else_ends_the_first_login_before_the_code(make_user, make_entity):
    editor = make_user(email="editor@moe.example", editor_of=make_entity())
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    device = enrolled(reviewer)
    client = Client()
    log_in(client, "editor@moe.example")
    assert int(client.session[SESSION_KEY]) == editor.pk

    assert log_in(client, "reviewer@gco.example")["Location"].startswith(reverse("two_factor_verify"))
    assert not is_logged_in(client)  # neither the editor any more, nor yet the reviewer
    client.post(reverse("two_factor_verify"), {"code": code(device)})
    assert int(client.session[SESSION_KEY]) == reviewer.pk
