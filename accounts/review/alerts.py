"""Alerts as reviewers read them, on the review page, through the API and in the daily digest:
which ones, in what order, and what each kind's details say in words (resolving one is a service,
`accounts.services.resolve_alert`)."""
from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from accounts.models import Alert, AlertKind
from accounts.platforms.api import FailureKind
from registry.direction import isolate

DIGEST_HOURS = 24


class AlertState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    ALL = "all"


# Open alerts first, the longest waiting at the top (nothing sinks unseen, as in the review queue);
# then the resolved ones, the most recently resolved first.
ALERT_ORDER = (F("resolved_at").desc(nulls_first=True), "opened_at", "id")


def alert_rows(*, state: AlertState | str = AlertState.OPEN, kind: str | None = None) -> QuerySet[Alert]:
    """Alerts with their channel, its owner and who resolved them: one query per page, whatever its length."""
    rows = Alert.objects.select_related("channel__entity", "channel__official", "resolved_by")
    if state == AlertState.OPEN:
        rows = rows.filter(resolved_at__isnull=True)
    elif state == AlertState.RESOLVED:
        rows = rows.filter(resolved_at__isnull=False)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by(*ALERT_ORDER)


def opened_since(since: datetime) -> QuerySet[Alert]:
    """The alerts opened since `since` (resolved since or not), oldest first, for the digest."""
    return (
        Alert.objects.filter(opened_at__gte=since)
        .select_related("channel__entity", "channel__official")
        .order_by("opened_at", "id")
    )


def digest_window(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(hours=DIGEST_HOURS)


def open_alert_count() -> int:
    return Alert.objects.filter(resolved_at__isnull=True).count()


# --- Details in words ----------------------------------------------------------------------------

def describe(alert: Alert) -> str:
    """What the alert's details say, in the active language: one line, as the refresh recorded them
    (accounts/monitoring/refresh.py). Anything missing reads as a dash rather than failing the page."""
    details: dict[str, Any] = alert.details if isinstance(alert.details, dict) else {}
    shown = DESCRIBERS.get(alert.kind)
    return shown(details) if shown else ""


def _count(details: dict, key: str) -> str:
    value = details.get(key)
    return number_format(value, force_grouping=True) if isinstance(value, int | float) else "—"


def _handle(details: dict, key: str) -> str:
    value = details.get(key)
    return isolate(value, ltr=True) if value not in (None, "") else "—"


def _with_detail(line: str, details: dict) -> str:
    # The platform's own words (English, from its API) are kept as they came, isolated so that an
    # Arabic line does not turn "(User not found.)" into "(.User not found)".
    detail = details.get("detail")
    return f"{line} ({isolate(detail)})" if detail else line


def _not_found(details: dict) -> str:
    return _with_detail(_("%(handle)s is not found on the platform") % {"handle": _handle(details, "handle")}, details)


def _suspended(details: dict) -> str:
    return _with_detail(_("%(handle)s is suspended on the platform") % {"handle": _handle(details, "handle")}, details)


def _renamed(details: dict) -> str:
    # Translators: a handle renamed on the platform: the registered handle, then the one it shows now.
    return _("%(registered)s → %(now)s") % {
        "registered": _handle(details, "registered_handle"), "now": _handle(details, "handle_now"),
    }


def _id_changed(details: dict) -> str:
    # Translators: the same handle now belongs to another account: the registered id, then the id now.
    return _("%(handle)s: id %(registered)s → %(now)s") % {
        "handle": _handle(details, "handle"), "registered": _handle(details, "registered_id"),
        "now": _handle(details, "id_now"),
    }


def _follower_drop(details: dict) -> str:
    previous, now, share = details.get("previous"), details.get("now"), details.get("share")
    if not isinstance(share, int | float) and isinstance(previous, int) and isinstance(now, int) and previous:
        share = (previous - now) / previous
    # The share lost with its sign, one left-to-right unit: an Arabic line would show "−33%" as "%33−".
    change = isolate(f"−{number_format(round(share * 100))}%", ltr=True) if isinstance(share, int | float) else "—"
    # Translators: followers before → followers now, and the share lost with its sign, e.g.
    # "120,000 → 80,000 (−33%)".
    return _("%(previous)s → %(now)s followers (%(change)s)") % {
        "previous": _count(details, "previous"), "now": _count(details, "now"), "change": change,
    }


def _refresh_failing(details: dict) -> str:
    since = parse_datetime(details["since"]) if isinstance(details.get("since"), str) else None
    if since is not None and timezone.is_naive(since):
        since = timezone.make_aware(since)
    error = details.get("last_error")
    error = FailureKind(error).label if error in FailureKind.values else error
    return _with_detail(_("Failing since %(since)s: %(error)s") % {
        "since": date_format(timezone.localtime(since), "DATETIME_FORMAT") if since else "—",
        "error": isolate(error) if error else "—",
    }, details)


DESCRIBERS = {
    AlertKind.NOT_FOUND: _not_found,
    AlertKind.SUSPENDED: _suspended,
    AlertKind.RENAMED: _renamed,
    AlertKind.ID_CHANGED: _id_changed,
    AlertKind.FOLLOWER_DROP: _follower_drop,
    AlertKind.REFRESH_FAILING: _refresh_failing,
}


assert set(DESCRIBERS) == set(AlertKind), "every kind of alert needs its words"
