"""What a person does at the login pages, as steps the second-factor tests share: codes, logins, enrolment."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.second_factor import enrolment_link_issue

PASSWORD = "a-long-test-password"  # what tests/conftest.py's make_user gives everyone


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or `steps_ahead` 30-second steps later: a code already
    used is refused, so a test that enrols and then logs in uses the next one)."""
    return f"{totp(device.bin_key, step=device.step, digits=device.digits, drift=steps_ahead):06d}"


def enrolled(user) -> TOTPDevice:
    """An authenticator app already set up (as an earlier enrolment would have left it)."""
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def verified_client(user, device: TOTPDevice) -> Client:
    """A session that passed the code (what django_otp.login leaves in the session)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def log_in(client: Client, email: str, next_url: str | None = None, password: str = PASSWORD):
    data = {"username": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def link_path(key: str) -> str:
    return reverse("two_factor_enrol", kwargs={"key": key})


def path_of(url: str) -> str:
    """The path of a printed or emailed link (they carry SITE_URL's host)."""
    return urlsplit(url).path


def shown_backup_codes(html: str) -> list[str]:
    """The backup codes a page shows, as shown ("abcd-ef23")."""
    return re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", html)


def enrol_through_link(client: Client, user, *, link: str | None = None,
                       password: str = PASSWORD) -> tuple[TOTPDevice, list[str]]:
    """The whole enrolment, as the user does it: open the link (a new one unless given: printed or
    emailed), log in with the password, scan the QR code, type the app's code. Returns the app and the
    backup codes the last page showed."""
    opened = client.get(path_of(link) if link else link_path(enrolment_link_issue(user=user)))
    assert opened.status_code == 302, opened
    setup = opened["Location"]
    if urlsplit(setup).path.endswith("/auth/login/"):  # not logged in yet: the password, then the setup page
        setup = parse_qs(urlsplit(setup).query)["next"][0]
        assert log_in(client, user.email, setup, password=password)["Location"] == setup
    page = client.get(setup)
    assert page.status_code == 200, page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(setup, {"code": code(device)})
    assert done.status_code == 200, done.content
    codes = shown_backup_codes(done.content.decode())
    assert codes, done.content
    device.refresh_from_db()
    assert device.confirmed
    return device, codes
