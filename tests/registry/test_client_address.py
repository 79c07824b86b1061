"""Whose address the login lockout and the API throttle count: with no trusted proxy (the default)
the connection's own, whatever X-Forwarded-For says; behind one proxy, the entry that proxy wrote."""
from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
LIST = "/api/v1/channels/"
WRONG_PASSWORDS = 12
ATTACKER = "203.0.113.66"


@pytest.fixture
def proxies(settings):
    """Set how many proxies the site trusts, as TRUSTED_PROXY_COUNT does (DRF's NUM_PROXIES)."""
    def trust(count: int) -> None:
        settings.TRUSTED_PROXY_COUNT = count
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}
    return trust


def log_in(client: Client, email: str, password: str, forwarded_for: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


@pytest.mark.urls("tests.registry.auth_test_urls")
def test_with_no_trusted_proxy_spoofed_addresses_do_not_escape_the_lockout(make_user, proxies):
    proxies(0)
    make_user(email="reviewer@gco.example", reviewer=True)
    attacker = Client(REMOTE_ADDR=ATTACKER)
    codes = [log_in(attacker, "reviewer@gco.example", "not-the-password", f"198.51.100.{n}").status_code
             for n in range(WRONG_PASSWORDS)]
    limit = django_settings.AXES_FAILURE_LIMIT
    assert codes == [200] * (limit - 1) + [429] * (WRONG_PASSWORDS - limit + 1)
    # The right password, from yet another address the attacker claims to be: still locked out.
    assert log_in(attacker, "reviewer@gco.example", PASSWORD, "192.0.2.200").status_code == 429
    assert log_in(attacker, "reviewer@gco.example", PASSWORD).status_code == 429


@pytest.mark.urls("tests.registry.auth_test_urls")
def test_with_no_trusted_proxy_a_spoofed_address_cannot_lock_out_someone_else(make_user, proxies):
    proxies(0)
    make_user(email="reviewer@gco.example", reviewer=True)
    reviewer_address = "198.51.100.7"
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(WRONG_PASSWORDS):
        log_in(attacker, "reviewer@gco.example", "not-the-password", reviewer_address)
    reviewer = Client(REMOTE_ADDR=reviewer_address)
    assert log_in(reviewer, "reviewer@gco.example", PASSWORD).status_code == 302


@pytest.fixture
def low_rates(monkeypatch):
    # DRF binds the rates when its throttle classes are imported; lower them for the test.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "5/min"})


def test_with_no_trusted_proxy_spoofed_addresses_share_the_connections_api_allowance(low_rates, proxies):
    proxies(0)
    client = Client(REMOTE_ADDR=ATTACKER)
    codes = [client.get(LIST, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert Client(REMOTE_ADDR="192.0.2.1").get(LIST).status_code == 200  # another connection, its own


def test_behind_one_proxy_the_throttle_counts_the_right_most_address(low_rates, proxies):
    proxies(1)
    via_proxy = Client(REMOTE_ADDR="10.0.0.2")
    # Whatever the client put before it, the proxy appended the address it saw: that one counts.
    codes = [via_proxy.get(LIST, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {ATTACKER}").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    assert via_proxy.get(LIST, HTTP_X_FORWARDED_FOR=f"{ATTACKER}, 198.51.100.8").status_code == 200


@pytest.mark.urls("tests.registry.auth_test_urls")
def test_behind_one_proxy_the_lockout_counts_the_right_most_address(make_user, proxies):
    proxies(1)
    make_user(email="reviewer@gco.example", reviewer=True)
    via_proxy = Client(REMOTE_ADDR="10.0.0.2")
    for n in range(WRONG_PASSWORDS):
        log_in(via_proxy, "reviewer@gco.example", "not-the-password", f"192.0.2.{n}, {ATTACKER}")
    assert log_in(via_proxy, "reviewer@gco.example", PASSWORD, f"198.51.100.9, {ATTACKER}").status_code == 429
    assert log_in(via_proxy, "reviewer@gco.example", PASSWORD, f"{ATTACKER}, 198.51.100.9").status_code == 302
