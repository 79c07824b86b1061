"""Pages whose scripts or styles come from others' templates work under the Content-Security-Policy: the API
docs (Swagger UI, from our own static files) and the admin. The `page` fixture fails on anything the CSP blocks."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_swagger_ui_lists_the_endpoints_and_runs_one_with_nothing_blocked(page, make_channel):
    make_channel("https://x.com/MOFAUAE")
    page.goto("/api/docs/")
    verify = page.locator(".opblock", has_text="/api/v1/verify/")
    expect(verify).to_be_visible()
    verify.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    verify.locator("input[placeholder='q']").fill("https://x.com/MOFAUAE")
    verify.get_by_role("button", name="Execute").click()
    expect(verify.locator(".live-responses-table td.response-col_status:not(.col_header)")).to_have_text(
        re.compile("200"))
    expect(verify.locator(".live-responses-table")).to_contain_text('"official"')


def test_the_admin_and_its_history_pages_work_with_nothing_blocked(page, live_server, make_user, make_channel):
    admin = make_user(email="admin@gco.example", is_staff=True, is_superuser=True)
    channel = make_channel("https://x.com/MOFAUAE")
    client = Client()
    client.force_login(admin)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True).persistent_id
    session.save()
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "value": session.session_key,
        "domain": urlsplit(live_server.url).hostname, "path": "/",
    }])
    for url in ("/admin/", "/admin/accounts/channel/", f"/admin/accounts/channel/{channel.pk}/change/",
                "/admin/registry/user/", f"/admin/registry/user/{admin.pk}/history/"):
        page.goto(url)
        expect(page.locator("#site-name")).to_be_visible()
        expect(page.locator("#content")).to_be_visible()
