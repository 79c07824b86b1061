"""Webhook deliveries (accounts/opendata/webhooks.py and accounts/tasks/webhooks.py) against a real local
receiver: every public change POSTed, signed; retried with backoff; paused after repeated failures."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from accounts.models import DeliveryStatus, WebhookDelivery, WebhookSubscriber
from accounts.opendata.webhooks import (
    retry_delay,
    webhook_deliver,
    webhook_deliveries_create,
    webhook_deliveries_stalled,
    webhook_subscribers_resume,
)
from accounts.opendata.webhooks_signing import (
    CHANGE_HEADER,
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify,
)
from accounts.tasks.webhooks import deliver_webhook, resend_stalled_webhooks
from tests.accounts.opendata.receiver import Receiver, Reply
from tests.accounts.opendata.steps import Workflow, workflow_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def workflow(make_entity, make_user) -> Workflow:
    return workflow_for(make_entity, make_user)


@pytest.fixture(autouse=True)
def local_receiver_allowed(settings):
    """The receiver listens on 127.0.0.1 over plain http: allowed for these tests only."""
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 2
    settings.WEBHOOK_MAX_ATTEMPTS = 4
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    settings.WEBHOOK_PAUSE_AFTER = 10


def subscribe(url: str, **fields) -> WebhookSubscriber:
    entities = fields.pop("entities", [])
    subscriber = WebhookSubscriber.objects.create(name="Trust and safety", url=url, **fields)
    subscriber.entities.set(entities)
    return subscriber


def test_every_public_change_is_posted_signed(workflow, django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        subscriber = subscribe(receiver.url())
        with django_capture_on_commit_callbacks(execute=True):
            channel = workflow.approved("https://x.com/newly_official")
        with django_capture_on_commit_callbacks(execute=True):
            workflow.act(channel, "flag_compromised", reason="Taken over.")

    assert len(receiver.received) == 2
    for request in receiver.received:
        assert request.path == "/hook"
        assert request.headers["Content-Type"].startswith("application/json")
        assert verify(subscriber.secret, timestamp=request.headers[TIMESTAMP_HEADER],
                      signature_header=request.headers[SIGNATURE_HEADER], body=request.body)
        assert not verify("a-wrong-secret", timestamp=request.headers[TIMESTAMP_HEADER],
                          signature_header=request.headers[SIGNATURE_HEADER], body=request.body)
    bodies = [json.loads(request.body) for request in receiver.received]
    assert [body["kind"] for body in bodies] == ["approved", "compromised"]
    assert [request.headers[CHANGE_HEADER] for request in receiver.received] == ["approved", "compromised"]
    assert bodies[0]["channel"]["handle"] == "newly_official" and bodies[0]["entity"]["slug"] == "ministry-of-tests"
    assert "Taken over" not in receiver.received[1].body.decode()

    deliveries = WebhookDelivery.objects.order_by("id")
    assert [(d.status, d.attempts, d.response_code) for d in deliveries] == [("delivered", 1, 200)] * 2
    assert [request.headers[DELIVERY_HEADER] for request in receiver.received] == [str(d.pk) for d in deliveries]


def test_steps_the_public_never_sees_are_never_sent(workflow, django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        subscribe(receiver.url())
        with django_capture_on_commit_callbacks(execute=True):
            workflow.draft("https://x.com/a_draft")
            workflow.act(workflow.submitted("https://x.com/refused"), "reject", reason="No.")
            workflow.act(workflow.submitted("https://x.com/sent_back"), "request_changes", reason="Fix.")
    assert receiver.received == [] and not WebhookDelivery.objects.exists()


def test_subscribers_get_the_kinds_and_entities_they_asked_for(workflow, make_entity, make_user,
                                                               django_capture_on_commit_callbacks):
    other = make_entity(slug="other-authority")
    with Receiver() as flags, Receiver() as others, Receiver() as paused:
        subscribe(flags.url(), kinds=["compromised"])
        subscribe(others.url(), entities=[other])
        subscribe(paused.url(), is_active=False)
        with django_capture_on_commit_callbacks(execute=True):
            ours = workflow.approved("https://x.com/ours")
            workflow.act(ours, "flag_compromised", reason="Taken over.")
            workflow.approved("https://x.com/theirs", entity=other, editor=make_user(editor_of=other))
    assert [json.loads(r.body)["kind"] for r in flags.received] == ["compromised"]
    assert [json.loads(r.body)["channel"]["handle"] for r in others.received] == ["theirs"]
    assert paused.received == []


def test_a_change_is_fanned_out_once_and_a_fan_out_run_again_sends_what_was_never_tried(workflow):
    with Receiver() as receiver:
        subscribe(receiver.url())
        channel = workflow.approved("https://x.com/once_only")
        event = channel.events.get(action="approve")
        (delivery_id,) = webhook_deliveries_create(event_id=event.pk)
        # Run again before the delivery was tried (the first run's worker lost): the same delivery, no new one.
        assert webhook_deliveries_create(event_id=event.pk) == [delivery_id]
        assert WebhookDelivery.objects.count() == 1
        assert webhook_deliver(delivery_id=delivery_id).delivered
        assert webhook_deliveries_create(event_id=event.pk) == []
    assert len(receiver.received) == 1


def test_the_sweep_queues_again_deliveries_whose_message_was_lost(workflow, settings):
    settings.WEBHOOK_STALLED_AFTER = 600
    with Receiver(Reply(500), Reply(200), Reply(200)) as receiver:
        subscribe(receiver.url())
        never_tried, retried, fresh = (
            webhook_deliveries_create(event_id=workflow.approved(f"https://x.com/{name}").events.get(action="approve").pk)[0]
            for name in ("never_tried", "retry_lost", "just_made"))
        webhook_deliver(delivery_id=retried)  # 500: a retry is due in 30 s
        now = timezone.now()
        WebhookDelivery.objects.filter(pk=never_tried).update(created_at=now - timedelta(minutes=11))
        WebhookDelivery.objects.filter(pk=retried).update(next_attempt_at=now - timedelta(minutes=11))
        assert webhook_deliveries_stalled(now=now) == [never_tried, retried]  # not the one just made
        assert resend_stalled_webhooks() == 2
    delivered = WebhookDelivery.objects.filter(status="delivered").values_list("pk", flat=True)
    assert set(delivered) == {never_tried, retried}
    assert WebhookDelivery.objects.get(pk=fresh).status == "pending"


def test_a_failed_delivery_is_retried_with_growing_waits(workflow):
    with Receiver(Reply(500), Reply(503), Reply(200)) as receiver:
        subscribe(receiver.url())
        channel = workflow.approved("https://x.com/retried")
        (delivery_id,) = webhook_deliveries_create(event_id=channel.events.get(action="approve").pk)

        first = webhook_deliver(delivery_id=delivery_id)
        delivery = WebhookDelivery.objects.get(pk=delivery_id)
        assert (first.delivered, first.retry_in) == (False, 30)
        assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
        assert delivery.next_attempt_at == delivery.last_attempt_at + timedelta(seconds=30)

        second = webhook_deliver(delivery_id=delivery_id)
        assert (second.delivered, second.retry_in) == (False, 60)
        third = webhook_deliver(delivery_id=delivery_id)
        assert third.delivered and third.retry_in is None

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code, delivery.error) == ("delivered", 3, 200, "")
    assert delivery.delivered_at and delivery.next_attempt_at is None
    assert WebhookSubscriber.objects.get().consecutive_failures == 0
    # The same bytes each time, each signed with its own timestamp.
    assert len({request.body for request in receiver.received}) == 1
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


def test_the_job_retries_until_the_receiver_answers(workflow, django_capture_on_commit_callbacks):
    """The Celery job itself, run inline by the tests (task_always_eager): its retry runs at once."""
    with Receiver(Reply(500), Reply(200)) as receiver:
        subscribe(receiver.url())
        with django_capture_on_commit_callbacks(execute=True):
            workflow.approved("https://x.com/job_retried")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 2, 200)
    assert len(receiver.received) == 2


def test_a_delivery_gives_up_after_the_last_attempt(workflow, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    with Receiver(Reply(500)) as receiver:
        subscribe(receiver.url())
        channel = workflow.approved("https://x.com/given_up")
        (delivery_id,) = webhook_deliveries_create(event_id=channel.events.get(action="approve").pk)
        deliver_webhook.delay(delivery_id)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 2, 500)
    assert len(receiver.received) == 2 and delivery.error


def test_a_subscriber_failing_again_and_again_is_paused(workflow, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    settings.WEBHOOK_PAUSE_AFTER = 3
    with Receiver(Reply(500)) as receiver:
        subscriber = subscribe(receiver.url())
        with django_capture_on_commit_callbacks(execute=True):
            first = workflow.approved("https://x.com/first_down")  # 2 failed attempts
        with django_capture_on_commit_callbacks(execute=True):
            workflow.approved("https://x.com/second_down")  # the 3rd failure pauses it: no 4th attempt
        with django_capture_on_commit_callbacks(execute=True):
            workflow.act(first, "retire", reason="Closed.")  # nothing is sent to a paused subscriber
    subscriber.refresh_from_db()
    assert not subscriber.is_active and subscriber.paused_at and "3" in subscriber.paused_reason
    assert subscriber.consecutive_failures == 3
    assert len(receiver.received) == 3
    assert [(d.status, d.attempts) for d in WebhookDelivery.objects.order_by("id")] == [("failed", 2), ("failed", 1)]

    # A pending delivery of a subscriber paused meanwhile is cancelled, not sent.
    webhook_subscribers_resume(subscriber_ids=[subscriber.pk])
    subscriber.refresh_from_db()
    assert subscriber.is_active and subscriber.consecutive_failures == 0 and subscriber.paused_at is None
    retire = first.events.get(action="retire")
    (pending,) = webhook_deliveries_create(event_id=retire.pk)
    WebhookSubscriber.objects.filter(pk=subscriber.pk).update(is_active=False)
    assert not webhook_deliver(delivery_id=pending).delivered
    assert WebhookDelivery.objects.get(pk=pending).status == DeliveryStatus.CANCELLED


def test_a_redirect_is_a_failure_and_is_not_followed(workflow):
    with Receiver(Reply(307, headers={"Location": "http://127.0.0.1:9/elsewhere"})) as receiver:
        subscribe(receiver.url())
        channel = workflow.approved("https://x.com/redirected")
        (delivery_id,) = webhook_deliveries_create(event_id=channel.events.get(action="approve").pk)
        with translation.override("en"):  # the log is written in the site's language (Arabic by default)
            attempt = webhook_deliver(delivery_id=delivery_id)
    delivery = WebhookDelivery.objects.get()
    assert not attempt.delivered and attempt.retry_in == 30
    assert delivery.response_code == 307 and "redirect" in delivery.error.lower()
    assert [request.path for request in receiver.received] == ["/hook"]


def test_a_slow_receiver_times_out_and_is_retried(workflow, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    with Receiver(Reply(200, delay=1.0)) as receiver:
        subscribe(receiver.url())
        channel = workflow.approved("https://x.com/slow_one")
        (delivery_id,) = webhook_deliveries_create(event_id=channel.events.get(action="approve").pk)
        attempt = webhook_deliver(delivery_id=delivery_id)
    delivery = WebhookDelivery.objects.get()
    assert not attempt.delivered and attempt.retry_in == 30
    assert delivery.response_code is None and "Timeout" in delivery.error


def test_loopback_is_refused_at_delivery_by_default(workflow, settings):
    """A URL that became unsafe after it was saved (here: loopback no longer allowed) fails at once,
    without a request and without retries: no later attempt would differ."""
    with Receiver() as receiver:
        subscribe(receiver.url())
        channel = workflow.approved("https://x.com/loopback")
        (delivery_id,) = webhook_deliveries_create(event_id=channel.events.get(action="approve").pk)
        settings.WEBHOOK_ALLOW_LOOPBACK = False
        attempt = webhook_deliver(delivery_id=delivery_id)
    assert receiver.received == []
    assert not attempt.delivered and attempt.retry_in is None
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and "127.0.0.1" in delivery.error


def test_with_a_broker_the_job_asks_celery_to_retry_after_the_backoff(workflow, monkeypatch):
    """Under a worker (not inline), a failed attempt becomes Celery's retry with the service's wait."""
    asked = []

    class Retried(Exception):
        pass

    def retry(**options):
        asked.append(options)
        return Retried()

    monkeypatch.setattr(deliver_webhook, "retry", retry)
    closed = Receiver()
    closed.server.server_close()  # nobody listens there: the attempt below cannot connect
    subscribe(closed.url())
    channel = workflow.approved("https://x.com/worker_retry")
    (delivery_id,) = webhook_deliveries_create(event_id=channel.events.get(action="approve").pk)
    deliver_webhook.push_request(is_eager=False)
    try:
        with pytest.raises(Retried):
            deliver_webhook.run(delivery_id)
    finally:
        deliver_webhook.pop_request()
    assert asked == [{"countdown": 30}]
    assert WebhookDelivery.objects.get().attempts == 1
