"""Enrolling an authenticator app only through a single-use enrolment link (registry/second_factor.py and
the enrolment and setup pages of registry/auth/views.py), and the admin's actions that send a link or
reset a lost phone (registry/admin.py). A password alone never reaches the QR code."""
from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.authentication import api_token_issue
from registry.models import ApiToken, EnrolmentLink
from registry.second_factor import enrolment_link_issue
from tests.registry.second_factor_steps import (
    code,
    enrol_through_link,
    enrolled,
    link_path,
    log_in,
    path_of,
    shown_backup_codes,
    verified_client,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.registry.auth_test_urls")]

SETUP = "/en/auth/code/setup/"
LOGIN_THEN_SETUP = "/en/auth/login/?next=%2Fen%2Fauth%2Fcode%2Fsetup%2F"
STAFF = "/en/staff/"
USERS = "/admin/registry/user/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="registry.security")
    return caplog


def security_lines(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "registry.security"]


# --- The password alone ---------------------------------------------------------------------------

def test_the_password_alone_never_reaches_the_qr_code(client, make_user, security_log):
    """Until issue 10 (item 1), the setup page enrolled whoever had logged in with the password."""
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    assert log_in(client, "reviewer@gco.example")["Location"] == STAFF

    page = client.get(SETUP)
    assert page.status_code == 403
    html = page.content.decode()
    assert "enrolment link" in html
    assert "<svg" not in html and "otp-secret" not in html and "otpauth://" not in html
    assert not TOTPDevice.objects.filter(user=reviewer).exists()  # no key was even drawn

    typed = client.post(SETUP, {"code": "123456"})
    assert typed.status_code == 403
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert f"enrolment page refused without an enrolment link, user {reviewer.pk}" in security_lines(security_log)


def test_a_link_issued_for_the_user_but_not_opened_in_this_browser_does_not_count(client, make_user):
    """Holding the password and knowing a link exists is not holding the link."""
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    enrolment_link_issue(user=reviewer)
    log_in(client, "reviewer@gco.example")
    assert client.get(SETUP).status_code == 403
    assert not TOTPDevice.objects.filter(user=reviewer).exists()


# --- The link -------------------------------------------------------------------------------------

def test_the_link_then_the_password_then_the_code_enrols_the_app_and_spends_the_link(client, make_user,
                                                                                      security_log):
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    key = enrolment_link_issue(user=reviewer)
    link = EnrolmentLink.objects.get(user=reviewer)
    assert link.key_hash != key and key not in link.key_hash  # only a hash of the key is kept
    assert timezone.now() + timedelta(hours=23) < link.expires_at <= timezone.now() + timedelta(hours=24)

    opened = client.get(link_path(key))
    assert opened.status_code == 302
    assert opened["Location"] == LOGIN_THEN_SETUP
    assert SESSION_KEY not in client.session  # the link logs nobody in
    assert log_in(client, "reviewer@gco.example", SETUP)["Location"] == SETUP

    page = client.get(SETUP)
    assert page.status_code == 200
    assert re.search(r"<svg [^>]*role=\"img\"", page.content.decode())
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)

    done = client.post(SETUP, {"code": code(device)})
    assert done.status_code == 200
    html = done.content.decode()
    assert "Your authenticator app is set up." in html
    codes = shown_backup_codes(html)
    assert len(codes) == len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    link.refresh_from_db()
    assert link.used_at is not None
    assert client.get(STAFF).status_code == 200  # this session passed the code as it enrolled
    assert f"second factor: authenticator enrolled, user {reviewer.pk}, device {device.persistent_id}" \
        in security_lines(security_log)

    # Shown once: the setup page now says there is an app, and shows no codes.
    again = client.get(SETUP).content.decode()
    assert "already has an authenticator app" in again and not shown_backup_codes(again)

    spent = Client().get(link_path(key))
    assert spent.status_code == 404
    assert "This enrolment link does not work" in spent.content.decode()
    assert "enrolment link refused (unknown, used, replaced or expired)" in security_lines(security_log)


def test_a_wrong_code_while_enrolling_is_refused_and_logged(client, make_user, security_log):
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    client.get(link_path(enrolment_link_issue(user=reviewer)))
    log_in(client, "reviewer@gco.example", SETUP)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=reviewer)
    wrong = client.post(SETUP, {"code": f"{(int(code(device)) + 1) % 10**6:06d}"})
    assert wrong.status_code == 200 and "That code is not right" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert EnrolmentLink.objects.get(user=reviewer).used_at is None  # the link is still good for the right code
    assert f"second factor: wrong code while enrolling, user {reviewer.pk}" in security_lines(security_log)


@pytest.mark.parametrize("how", ["expired", "replaced", "used", "made up"])
def test_a_link_that_cannot_be_used_answers_404_and_enrols_nothing(client, make_user, how):
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    key = enrolment_link_issue(user=reviewer)
    if how == "expired":
        EnrolmentLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    elif how == "replaced":
        newer = enrolment_link_issue(user=reviewer)
    elif how == "used":
        EnrolmentLink.objects.update(used_at=timezone.now())
    elif how == "made up":
        key = "x" * 43

    response = client.get(link_path(key))
    assert response.status_code == 404
    assert "This enrolment link does not work" in response.content.decode()
    log_in(client, "reviewer@gco.example")
    assert client.get(SETUP).status_code == 403
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    if how == "replaced":  # the newest link still works
        device, _codes = enrol_through_link(Client(), reviewer, link=link_path(newer))
        assert device.confirmed


def test_a_link_that_expires_between_the_qr_code_and_the_code_enrols_nothing(client, make_user):
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    client.get(link_path(enrolment_link_issue(user=reviewer)))
    log_in(client, "reviewer@gco.example", SETUP)
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=reviewer)
    EnrolmentLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.post(SETUP, {"code": code(device)}).status_code == 403
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=reviewer).exists()


def test_opening_a_link_while_someone_else_is_logged_in_logs_them_out(make_user, make_entity):
    editor = make_user(email="editor@moe.example", editor_of=make_entity())
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    client = Client()
    log_in(client, "editor@moe.example")
    assert client.get(STAFF).status_code == 200

    opened = client.get(link_path(enrolment_link_issue(user=reviewer)))
    assert opened["Location"] == LOGIN_THEN_SETUP
    assert SESSION_KEY not in client.session
    assert client.get(STAFF).status_code == 302  # the editor is logged out
    assert not TOTPDevice.objects.filter(user__in=[editor, reviewer]).exists()


def test_one_persons_link_does_not_let_another_enrol(make_user):
    """B, logged in, opens A's link: B is logged out, and logging in again as B gives B no setup page
    (the session remembers the link as A's). A's link is not spent: A can still use it."""
    owner = make_user(email="owner@gco.example", reviewer=True)
    other = make_user(email="other@gco.example", reviewer=True)
    client = Client()
    log_in(client, "other@gco.example")
    key = enrolment_link_issue(user=owner)

    assert client.get(link_path(key))["Location"] == LOGIN_THEN_SETUP
    assert log_in(client, "other@gco.example", SETUP)["Location"] == SETUP
    assert int(client.session[SESSION_KEY]) == other.pk
    refused = client.get(SETUP)
    assert refused.status_code == 403
    assert client.post(SETUP, {"code": "123456"}).status_code == 403
    assert not TOTPDevice.objects.filter(user__in=[owner, other]).exists()
    assert EnrolmentLink.objects.get(user=owner).used_at is None

    device, _codes = enrol_through_link(Client(), owner, link=link_path(key))
    assert device.user == owner


def test_an_editor_enrols_through_a_link_too(client, make_user, make_entity):
    editor = make_user(email="editor@moe.example", editor_of=make_entity())
    log_in(client, "editor@moe.example")
    assert client.get(SETUP).status_code == 403
    device, codes = enrol_through_link(client, editor)
    assert device.confirmed and len(codes) == 10


# --- The admin: sending a link, resetting a lost phone --------------------------------------------

@pytest.fixture
def admin_client(make_user) -> Client:
    """A superuser whose session passed the code: the admin's actions need it."""
    admin_user = make_user(email="admin@gco.example", is_staff=True, is_superuser=True)
    client = verified_client(admin_user, enrolled(admin_user))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # /admin/ has no language prefix: the sentences asserted are English
    return client


def run_action(admin_client, action: str, *users):
    return admin_client.post(USERS, {
        "action": action, "_selected_action": [str(u.pk) for u in users], "index": "0", "select_across": "0",
    })


def emailed_links(message) -> list[str]:
    return re.findall(r"http://\S+/auth/enrol/\S+/", message.body)


def test_the_admin_emails_an_enrolment_link_in_both_languages(admin_client, make_user,
                                                              django_capture_on_commit_callbacks):
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, "send_enrolment_link", reviewer)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reviewer@gco.example"]
    arabic, english = emailed_links(message)
    assert "/ar/auth/enrol/" in arabic and "/en/auth/enrol/" in english
    assert message.body.index(arabic) < message.body.index(english)  # Arabic first
    assert "Set up your authenticator app" in message.subject and " | " in message.subject
    assert EnrolmentLink.objects.filter(user=reviewer).count() == 1

    device, codes = enrol_through_link(Client(), reviewer, link=english)
    assert device.confirmed and len(codes) == 10


def test_the_admin_sends_no_link_to_someone_who_has_an_app(admin_client, make_user,
                                                           django_capture_on_commit_callbacks):
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    enrolled(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, "send_enrolment_link", reviewer)
    assert response.status_code == 302
    assert mail.outbox == []
    assert not EnrolmentLink.objects.exists()
    page = admin_client.get(response["Location"]).content.decode()
    assert "already has an authenticator app: reset it instead" in page


def test_resetting_a_lost_phone_removes_the_app_backup_codes_and_tokens_and_emails_a_new_link(
    admin_client, make_user, django_capture_on_commit_callbacks, security_log
):
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    phone_session = Client()  # say, on the lost phone
    old_device, old_codes = enrol_through_link(phone_session, reviewer)
    assert phone_session.get(STAFF).status_code == 200
    _, key = api_token_issue(user=reviewer, second_factor=True)
    bystander = make_user(reviewer=True)
    bystanders_device = enrolled(bystander)

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, "reset_second_factor", reviewer)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert not StaticDevice.objects.filter(user=reviewer).exists()
    assert not StaticToken.objects.filter(device__user=reviewer).exists()
    assert not ApiToken.objects.filter(user=reviewer).exists()
    assert Client().get("/api/v1/whoami/", headers={"Authorization": f"Token {key}"}).status_code == 401
    assert TOTPDevice.objects.filter(pk=bystanders_device.pk).exists()  # only the one selected
    # A session verified with the removed app has no second factor any more.
    assert phone_session.get(STAFF)["Location"].startswith(SETUP)
    admin_user = admin_client.session[SESSION_KEY]
    assert f"second factor: reset for user {reviewer.pk} by {admin_user}" in security_lines(security_log)

    # The old app opens nothing now: the password alone leads to the setup page, which wants the new link.
    thief = Client()
    log_in(thief, "reviewer@gco.example")
    assert thief.get(STAFF)["Location"].startswith(SETUP)
    assert thief.get(SETUP).status_code == 403

    (message,) = mail.outbox
    assert message.to == ["reviewer@gco.example"]
    english = emailed_links(message)[1]
    client = Client()
    new_device, new_codes = enrol_through_link(client, reviewer, link=english)
    assert new_device.pk != old_device.pk and set(new_codes).isdisjoint(old_codes)
    assert client.get(STAFF).status_code == 200


def test_a_reset_selecting_no_active_account_says_so(admin_client, make_user,
                                                     django_capture_on_commit_callbacks):
    gone = make_user(email="gone@gco.example", reviewer=True, is_active=False)
    device = enrolled(gone)
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, "reset_second_factor", gone)
    assert "No active account was selected." in admin_client.get(response["Location"]).content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists() and mail.outbox == []


def test_an_admin_whose_session_lacks_the_code_cannot_reset_anyone(make_user, django_capture_on_commit_callbacks):
    admin_user = make_user(email="admin@gco.example", is_staff=True, is_superuser=True)
    enrolled(admin_user)
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    device = enrolled(reviewer)
    unverified = Client()
    unverified.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(unverified, "reset_second_factor", reviewer)
    assert response.status_code == 302 and "/auth/code/?next=" in response["Location"]  # to the code
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert mail.outbox == [] and not EnrolmentLink.objects.exists()


@pytest.mark.parametrize("path", ["/admin/otp_totp/totpdevice/", "/admin/otp_totp/totpdevice/add/",
                                  "/admin/otp_static/staticdevice/", "/admin/otp_static/staticdevice/add/"])
def test_the_admin_cannot_add_or_see_devices_directly(admin_client, path):
    """An admin who could add an app here would hold another person's second factor."""
    assert admin_client.get(path).status_code == 404


def test_the_users_page_in_the_admin_says_whether_an_app_is_set_up(admin_client, make_user):
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    change = f"{USERS}{reviewer.pk}/change/"
    assert "none yet" in admin_client.get(change).content.decode()
    enrolled(reviewer)
    assert "set up" in admin_client.get(change).content.decode()


def test_an_emailed_link_shows_the_host_of_site_url(admin_client, make_user, settings,
                                                    django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://registry.gco.example/"
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    with django_capture_on_commit_callbacks(execute=True):
        run_action(admin_client, "send_enrolment_link", reviewer)
    links = re.findall(r"https://registry\.gco\.example/(?:ar|en)/auth/enrol/\S+/", mail.outbox[0].body)
    assert len(links) == 2 and path_of(links[0]).startswith("/ar/")
