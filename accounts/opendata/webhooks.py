"""Webhooks: every public change POSTed, signed, to the subscribers who asked for it.

`webhook_deliveries_create` makes one delivery per subscriber wanting a change (once: the fan-out
job may run twice), `webhook_deliver` makes one attempt and says whether and when to try again; the
jobs (accounts/tasks/webhooks.py) call them. Deliveries are at least once: a receiver deduplicates by
the X-Registry-Delivery header. How a delivery is signed: accounts/opendata/webhooks_signing.py; where
it may go: accounts/opendata/webhooks_addresses.py.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import DeliveryStatus, WebhookDelivery, WebhookSubscriber
from accounts.opendata.changes import KIND_OF_ACTION, change_payload, public_changes
from accounts.opendata.webhooks_addresses import UnsafeWebhookURL, post_pinned
from accounts.opendata.webhooks_signing import CHANGE_HEADER, DELIVERY_HEADER, signed_headers

log = logging.getLogger(__name__)

USER_AGENT = "OfficialAccountsRegistry-Webhooks/1"


@dataclass(frozen=True)
class Attempt:
    delivered: bool
    retry_in: int | None = None  # seconds until the next attempt; None: no more attempts


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the `attempts`-th failed attempt: doubling from WEBHOOK_RETRY_BASE_SECONDS
    (30 s, 1 min, 2 min, 4 min, 8 min by default), so a receiver that is down is not hammered."""
    return settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)


def webhook_deliveries_create(*, event_id: int) -> list[int]:
    """A pending delivery of this public change to each active subscriber that wants it; returns the ids
    of this change's deliveries not tried yet: the new ones, and any an earlier run of the fan-out made
    but did not get queued (a worker lost mid-way, the broker refusing), so running it again sends them."""
    event = public_changes().filter(pk=event_id).first()
    if event is None:
        return []
    kind = KIND_OF_ACTION[event.action]
    payload = change_payload(event, site_url=settings.SITE_URL)
    for subscriber in WebhookSubscriber.objects.filter(is_active=True).prefetch_related("entities"):
        entity_ids = {entity.pk for entity in subscriber.entities.all()}
        if not subscriber.wants(kind=kind, entity_id=event.channel.entity_id, entity_ids=entity_ids):
            continue
        WebhookDelivery.objects.get_or_create(subscriber=subscriber, event=event, defaults={"payload": payload})
    return list(WebhookDelivery.objects.filter(event=event, status=DeliveryStatus.PENDING, attempts=0)
                .order_by("pk").values_list("pk", flat=True))


def webhook_deliveries_stalled(*, now=None) -> list[int]:
    """Pending deliveries nobody is going to try: never tried WEBHOOK_STALLED_AFTER after they were made,
    or a retry that many seconds overdue (its queued message lost). The sweep queues them again; a
    receiver may then get one twice, which `X-Registry-Delivery` lets it tell (delivery is at least once)."""
    before = (now or timezone.now()) - timedelta(seconds=settings.WEBHOOK_STALLED_AFTER)
    return list(WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).filter(
        Q(attempts=0, created_at__lt=before) | Q(next_attempt_at__lt=before)
    ).order_by("pk").values_list("pk", flat=True))


def _body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def webhook_deliver(*, delivery_id: int) -> Attempt:
    """One attempt at sending a delivery, its outcome written to the log.

    Success (a 2xx answer) marks it delivered and clears the subscriber's failures. Any other answer
    (a redirect included: none is followed), a timeout or a refused address is a failure: the
    subscriber's failures in a row grow, and at WEBHOOK_PAUSE_AFTER it is paused. A failed delivery is
    tried again after `retry_delay` until WEBHOOK_MAX_ATTEMPTS, except for a URL that may not be used
    (no later attempt would differ)."""
    delivery = WebhookDelivery.objects.select_related("subscriber").get(pk=delivery_id)
    subscriber = delivery.subscriber
    if delivery.status != DeliveryStatus.PENDING:
        return Attempt(delivered=delivery.status == DeliveryStatus.DELIVERED)
    if not subscriber.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.CANCELLED, next_attempt_at=None)
        return Attempt(delivered=False)

    body = _body(delivery)
    headers = {
        "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
        DELIVERY_HEADER: str(delivery.pk), CHANGE_HEADER: str(delivery.payload.get("kind", "")),
        **signed_headers(subscriber.secret, body),
    }
    code: int | None = None
    permanent = False
    try:
        answer = post_pinned(subscriber.url, body=body, headers=headers)
        code = answer.status_code
        error = "" if 200 <= code < 300 else (
            _("Answered %(code)d, a redirect: redirects are not followed.") % {"code": code} if 300 <= code < 400
            else _("Answered %(code)d.") % {"code": code})
    except UnsafeWebhookURL as exc:
        error, permanent = exc.message, True
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    return _record_attempt(delivery, code=code, error=error, permanent=permanent)


def _record_attempt(delivery: WebhookDelivery, *, code: int | None, error: str, permanent: bool) -> Attempt:
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        delivery.attempts += 1
        delivery.last_attempt_at, delivery.response_code, delivery.error = now, code, error[:500]
        fields = ["attempts", "last_attempt_at", "response_code", "error", "status", "next_attempt_at",
                  "delivered_at"]
        subscribers = WebhookSubscriber.objects.filter(pk=delivery.subscriber_id)
        if not error:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DELIVERED, now, None
            delivery.save(update_fields=fields)
            subscribers.update(consecutive_failures=0)
            return Attempt(delivered=True)

        subscribers.update(consecutive_failures=F("consecutive_failures") + 1)
        paused = subscribers.filter(
            is_active=True, consecutive_failures__gte=settings.WEBHOOK_PAUSE_AFTER
        ).update(is_active=False, paused_at=now, paused_reason=(_(
            "Paused by itself after %(count)d failed attempts in a row; the last: %(error)s"
        ) % {"count": settings.WEBHOOK_PAUSE_AFTER, "error": error})[:500])
        if paused:
            log.warning("webhook subscriber %s paused after repeated failures", delivery.subscriber_id)
        retry = not permanent and not paused and delivery.attempts < settings.WEBHOOK_MAX_ATTEMPTS
        if retry:
            retry_in = retry_delay(delivery.attempts)
            delivery.next_attempt_at = now + timedelta(seconds=retry_in)
        else:
            retry_in = None
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        delivery.save(update_fields=fields)
    return Attempt(delivered=False, retry_in=retry_in)


def webhook_subscribers_pause(*, subscriber_ids: Iterable[int]) -> int:
    """Pause subscribers by hand (the admin's action): nothing more is sent to them."""
    return WebhookSubscriber.objects.filter(pk__in=list(subscriber_ids), is_active=True).update(
        is_active=False, paused_at=timezone.now(), paused_reason=_("Paused by an administrator."))


def webhook_subscribers_resume(*, subscriber_ids: Iterable[int]) -> int:
    """Resume paused subscribers with a clean slate of failures. Changes made while they were paused
    are not sent again: they read them from the change feed (GET /api/v1/changes/)."""
    return WebhookSubscriber.objects.filter(pk__in=list(subscriber_ids), is_active=False).update(
        is_active=True, paused_at=None, paused_reason="", consecutive_failures=0)
