"""The webhook pages of the admin (accounts/admin.py): subscribers registered with their URL checked,
paused and resumed through the services, and the delivery log read-only."""
from __future__ import annotations

import pytest

from accounts.models import WebhookDelivery, WebhookSubscriber
from accounts.opendata import webhooks_addresses
from tests.registry.second_factor_steps import enrolled, verified_client

pytestmark = pytest.mark.django_db

SUBSCRIBERS = "/admin/accounts/webhooksubscriber/"


@pytest.fixture
def admin_client(make_user, monkeypatch, settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    answers = {"hooks.example.com": ["93.184.215.14"], "intranet.example.com": ["10.20.30.40"]}
    monkeypatch.setattr(webhooks_addresses, "resolve", lambda host, port: answers[host])
    admin = make_user(is_staff=True, is_superuser=True)
    client = verified_client(admin, enrolled(admin))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_a_subscriber_is_registered_only_with_a_safe_url(admin_client):
    assert admin_client.get(f"{SUBSCRIBERS}add/").status_code == 200
    form = {"name": "Platform trust and safety", "secret": "x" * 40, "kinds": ["compromised", "retired"]}
    refused = admin_client.post(f"{SUBSCRIBERS}add/", {**form, "url": "https://intranet.example.com/hook"})
    assert refused.status_code == 200 and "public addresses only" in refused.content.decode()
    assert not WebhookSubscriber.objects.exists()
    for unsafe in ("http://hooks.example.com/hook", "https://169.254.169.254/latest/"):
        assert admin_client.post(f"{SUBSCRIBERS}add/", {**form, "url": unsafe}).status_code == 200
    assert not WebhookSubscriber.objects.exists()

    saved = admin_client.post(f"{SUBSCRIBERS}add/", {**form, "url": "https://hooks.example.com/hook"})
    assert saved.status_code == 302
    subscriber = WebhookSubscriber.objects.get()
    assert subscriber.kinds == ["compromised", "retired"] and subscriber.is_active


def test_subscribers_are_paused_and_resumed_by_the_admin_actions(admin_client):
    subscriber = WebhookSubscriber.objects.create(name="Newsroom", url="https://hooks.example.com/hook",
                                                  consecutive_failures=4)
    admin_client.post(SUBSCRIBERS, {"action": "pause", "_selected_action": [subscriber.pk]})
    subscriber.refresh_from_db()
    assert not subscriber.is_active and subscriber.paused_at
    admin_client.post(SUBSCRIBERS, {"action": "resume", "_selected_action": [subscriber.pk]})
    subscriber.refresh_from_db()
    assert subscriber.is_active and subscriber.consecutive_failures == 0 and subscriber.paused_at is None


def test_the_delivery_log_is_read_only(admin_client, make_channel):
    subscriber = WebhookSubscriber.objects.create(name="Newsroom", url="https://hooks.example.com/hook")
    channel = make_channel("https://x.com/logged")
    event = channel.events.create(action="approve", from_status="submitted", to_status="approved")
    delivery = WebhookDelivery.objects.create(subscriber=subscriber, event=event, payload={"kind": "approved"})
    assert admin_client.get("/admin/accounts/webhookdelivery/").status_code == 200
    assert admin_client.get("/admin/accounts/webhookdelivery/add/").status_code == 403
    page = admin_client.get(f"/admin/accounts/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()
    assert admin_client.post(f"/admin/accounts/webhookdelivery/{delivery.pk}/delete/", {"post": "yes"}).status_code \
        == 403
    assert WebhookDelivery.objects.filter(pk=delivery.pk).exists()
