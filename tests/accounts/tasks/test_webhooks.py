"""The webhook jobs keep the names messages already queued carry."""
from __future__ import annotations

from accounts.tasks.webhooks import announce_change, deliver_webhook
from registry.celery import app


def test_the_webhook_jobs_are_named():
    assert announce_change.name == "accounts.tasks.announce_change"
    assert deliver_webhook.name == "accounts.tasks.deliver_webhook"
    assert {"accounts.tasks.announce_change", "accounts.tasks.deliver_webhook"} <= set(app.tasks)
