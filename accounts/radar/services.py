"""Writes of the impostor radar: counting the public's look-alike questions, and reviewers marking
and withdrawing known impostors.

A mark is not a registration: it never enters `Channel`, so it can never be answered as official
and never blocks registering the handle. It changes verify's answer only while the handle is not
officially registered (accounts/public/verify.py).
"""
from __future__ import annotations

import json
import logging
import uuid
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from accounts.lookalikes import closest_officials
from accounts.models import LIVE_STATUSES, Channel, ImpostorEvent, ImpostorEventAction, KnownImpostor, LookalikeSighting
from accounts.platforms import AccountLink, AccountLinkError, parse_account_link
from accounts.workflow import require_reviewer
from registry.cache import HashCount, redis_client
from registry.direction import isolate
from registry.errors import Conflict, NotFound, RegistryError

log = logging.getLogger(__name__)

MAX_REASON = 2000
# A report filed before the register existed, or in the future, is a typing slip.
EARLIEST_REPORT = date(2000, 1, 1)

_UPSERT = f"""
INSERT INTO {LookalikeSighting._meta.db_table} (platform, handle, handle_key, resembles_id, day, count)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (platform, handle_key, day)
DO UPDATE SET count = {LookalikeSighting._meta.db_table}.count + EXCLUDED.count,
              handle = EXCLUDED.handle,
              resembles_id = EXCLUDED.resembles_id
"""


# Questions are counted in Redis first (one round trip, no database write on the public's path) and
# written to the database in batches: by `flush_sightings`, every few minutes (a periodic task) and
# whenever a reviewer opens the radar. Without Redis they go straight to the database.
PENDING = "radar:pending:"
PENDING_DAYS = 8  # a day's counts wait at most this long for a flush


def count_sighting(platform: str, handle: str, handle_key: str, resembles_id: int | None) -> None:
    """One more question today about this not-registered look-alike (see PENDING)."""
    client = redis_client()
    if client is not None:
        try:
            pending_count(platform, handle, handle_key, resembles_id).add(client)
            return
        except (RedisError, OSError) as exc:
            log.warning("radar count kept in the database, Redis refused it: %s", exc)
    _write_counts([(platform, handle[:100], handle_key[:100], resembles_id, timezone.localdate(), 1)])


def pending_count(platform: str, handle: str, handle_key: str, resembles_id: int | None) -> HashCount:
    """Where a question of today waits in Redis for the flush: a field of the day's hash. A rate limit
    counts it in the round trip of its own count (the replay of verify's answers)."""
    row = [platform, handle[:100], handle_key[:100], resembles_id]
    return HashCount(f"{PENDING}{timezone.localdate().isoformat()}", json.dumps(row), PENDING_DAYS * 24 * 3600)


def flush_sightings() -> int:
    """Write the counts waiting in Redis to the database; returns how many rows were written. Each
    day's hash is renamed before it is read, so a count made meanwhile waits for the next flush
    instead of being lost."""
    client = redis_client()
    if client is None:
        return 0
    rows = []
    for key in client.scan_iter(match=f"{PENDING}*"):
        key = key.decode() if isinstance(key, bytes) else key
        taken = f"radar:flushing:{uuid.uuid4().hex}"
        try:
            client.rename(key, taken)
        except RedisError:
            continue  # flushed by someone else a moment ago
        day = date.fromisoformat(key.removeprefix(PENDING))
        for field, count in client.hgetall(taken).items():
            platform, handle, handle_key, resembles_id = json.loads(field)
            rows.append((platform, handle, handle_key, resembles_id, day, int(count)))
        client.delete(taken)
    _write_counts(rows)
    return len(rows)


def _write_counts(rows: list[tuple]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(_UPSERT, [(platform, handle, handle_key, resembles_id, day, count)
                                     for platform, handle, handle_key, resembles_id, day, count in rows])


def count_lookalike_question(link: AccountLink, resembles: Channel | None) -> None:
    count_sighting(*sighting_of(link, resembles))


def sighting_of(link: AccountLink, resembles: Channel | None) -> tuple[str, str, str, int | None]:
    """What the radar keeps of a look-alike question: (platform, handle, handle key, closest official's id)."""
    return link.platform.value, link.handle, link.handle_key, resembles.pk if resembles else None


def count_question(answer) -> tuple | None:
    """Count a verify answer (accounts.public.verify.VerifyAnswer, or None) if it is a look-alike the
    radar watches; nothing else is kept of the question. Returns what was counted (for a replay)."""
    sighting = answer.radar_sighting if answer is not None else None
    if sighting is None:
        return None
    counted = sighting_of(*sighting)
    count_sighting(*counted)
    return counted


def _required(text: str, field: str, sentence: str) -> str:
    text = (text or "").strip()
    if not text:
        raise RegistryError(sentence, code="required", field=field)
    if len(text) > MAX_REASON:
        raise RegistryError(
            _("The text is %(length)d characters long; the most is %(limit)d.") % {"length": len(text),
                                                                                   "limit": MAX_REASON},
            code="too_long", field=field,
        )
    return text


def _report_date(value) -> date:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, date):
        raise RegistryError(_("Give the date the account was reported to the platform, as YYYY-MM-DD."),
                            code="invalid_date", field="reported_on")
    if value > timezone.localdate() or value < EARLIEST_REPORT:
        raise RegistryError(_("The report date cannot be in the future or before 2000."), code="invalid_date",
                            field="reported_on")
    return value


def _report_url(text: str) -> str:
    text = (text or "").strip()
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.hostname or len(text) > 500:
        raise RegistryError(_("The link to the report must be a full https:// address."), code="invalid_url",
                            field="report_url")
    return text


def mark_impostor(*, user, link: str, platform: str | None = None, reason: str, reported_on,
                  report_url: str = "", two_factor: bool = False) -> KnownImpostor:
    """Mark an account as a known impostor, reported to the platform on `reported_on`.

    Reviewers only, with a login that passed the second factor; a reason is required, a second
    reviewer is not (the mark names an account outside the register, it changes no registration).
    Refused for a handle that is registered and live (official, compromised or waiting for a
    decision): the register's answer for it is the registration's.
    """
    require_reviewer(user, two_factor=two_factor)
    try:
        account = parse_account_link(link, platform or None)
    except AccountLinkError as error:
        raise RegistryError(error.message, code=error.code, field="link") from None
    reason = _required(reason, "reason", _("Say why this account is an impostor: the reason is kept with the mark."))
    reported_on = _report_date(reported_on)
    report_url = _report_url(report_url)
    registered = (Channel.private_objects.filter(platform=account.platform, handle_key=account.handle_key,
                                                  status__in=LIVE_STATUSES).first())
    if registered is not None:
        raise Conflict(
            _("%(link)s is registered (%(status)s): a registered account cannot be marked as an impostor. Report it "
              "as compromised from its review page instead.") % {"link": isolate(account.canonical_url, ltr=True),
                                                                 "status": registered.get_status_display()},
            code="registered",
        )
    ranked = closest_officials(account.handle_key, account.platform, limit=1)
    try:
        with transaction.atomic():
            impostor = KnownImpostor.objects.create(
                platform=account.platform, handle=account.handle, handle_key=account.handle_key,
                canonical_url=account.canonical_url, resembles=ranked[0][0] if ranked else None, reason=reason,
                reported_on=reported_on, report_url=report_url, marked_by=user,
            )
            ImpostorEvent.objects.create(impostor=impostor, action=ImpostorEventAction.MARKED, actor=user,
                                         comment=reason)
    except IntegrityError:
        raise Conflict(_("%(link)s is already marked as a known impostor.")
                       % {"link": isolate(account.canonical_url, ltr=True)},
                       code="already_marked") from None
    return impostor


def withdraw_impostor(*, user, impostor_id: int, reason: str, two_factor: bool = False) -> KnownImpostor:
    """Take a known-impostor mark back (the account was misjudged, or the platform removed it and
    the handle may be anyone's now), with the reason; the mark stays in the log."""
    require_reviewer(user, two_factor=two_factor)
    reason = _required(reason, "reason", _("Say why the mark is withdrawn: the reason is kept with it."))
    with transaction.atomic():
        try:
            impostor = KnownImpostor.objects.select_for_update().get(pk=impostor_id)
        except KnownImpostor.DoesNotExist:
            raise NotFound(_("There is no such known impostor.")) from None
        if impostor.withdrawn_at is not None:
            raise Conflict(_("This mark has already been withdrawn, by someone else or a moment ago."),
                           code="already_withdrawn")
        impostor.withdrawn_by, impostor.withdrawn_at, impostor.withdrawal_reason = user, timezone.now(), reason
        impostor.save(update_fields=["withdrawn_by", "withdrawn_at", "withdrawal_reason"])
        ImpostorEvent.objects.create(impostor=impostor, action=ImpostorEventAction.WITHDRAWN, actor=user,
                                     comment=reason)
    return impostor


def forget_old_sightings(*, keep_days: int = 400) -> int:
    """Drop daily counts older than `keep_days` (a year and a bit: enough for any report)."""
    deleted, _ = LookalikeSighting.objects.filter(day__lt=timezone.localdate() - timedelta(days=keep_days)).delete()
    return deleted
