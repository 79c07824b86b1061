"""Alerts as reviewers read them, on the review page, through the API and in the daily digest:
which ones, in what order, and what each kind's details say in words (resolving one is a service,
`accounts.services.resolve_alert`; notifying editors, `accounts.review.services.notify_editors_of_alert`)."""
from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _, ngettext

from accounts.models import ALERT_KINDS_BY_SEVERITY, Alert, AlertKind
from accounts.platforms.api import FailureKind
from registry.direction import isolate

DIGEST_HOURS = 24


class AlertState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    ALL = "all"


# A kind's rank, 1 the most serious (ALERT_KINDS_BY_SEVERITY), computed by the database so that
# paging stays a slice of one ordered query.
SEVERITY_RANK = Case(
    *(When(kind=kind, then=Value(rank)) for rank, kind in enumerate(ALERT_KINDS_BY_SEVERITY, start=1)),
    default=Value(len(ALERT_KINDS_BY_SEVERITY) + 1), output_field=IntegerField(),
)

# Open alerts first, the most serious kind at the top (a new platform id may be a hijack while the
# public is still told "official"), the longest waiting first within a kind so nothing sinks
# unseen; then the resolved ones, the most recently resolved first, whatever their kind.
# Resolved alerts share one rank: once closed, their severity no longer orders them.
OPEN_RANK = Case(When(resolved_at__isnull=True, then=SEVERITY_RANK), default=Value(0), output_field=IntegerField())
ALERT_ORDER = (F("resolved_at").desc(nulls_first=True), OPEN_RANK.asc(), "opened_at", "id")


class Severity(StrEnum):
    """How a row reads and which CSS class (`severity-<value>`) marks it; the text says it too, so
    colour is never the only sign."""
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        return {Severity.CRITICAL: _("Critical"), Severity.HIGH: _("High"), Severity.MEDIUM: _("Medium"),
                Severity.LOW: _("Low")}[self]


# The levels group ALERT_KINDS_BY_SEVERITY's order, they do not reorder it: a hijack is critical; an
# account gone from the public's view is high; a count or an absence to check is medium.
SEVERITY_OF = {
    AlertKind.ID_CHANGED: Severity.CRITICAL,
    AlertKind.RENAMED: Severity.HIGH, AlertKind.SUSPENDED: Severity.HIGH,
    AlertKind.NOT_FOUND: Severity.MEDIUM, AlertKind.FOLLOWER_DROP: Severity.MEDIUM, AlertKind.DORMANT: Severity.MEDIUM,
    AlertKind.REFRESH_FAILING: Severity.LOW,
}

# The kinds that may mean someone else holds the account: the row offers "Flag as compromised".
FLAGGABLE = frozenset({AlertKind.ID_CHANGED, AlertKind.RENAMED, AlertKind.SUSPENDED})


def alert_on(alert_id: int) -> Alert | None:
    """The alert with its channel, for an action taken from the list."""
    return Alert.objects.select_related("channel").filter(pk=alert_id).first()


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


def _dormant(details: dict) -> str:
    last = parse_datetime(details["last_post_at"]) if isinstance(details.get("last_post_at"), str) else None
    if last is not None and timezone.is_naive(last):
        last = timezone.make_aware(last)
    days = details.get("days")
    line = _("No post since %(date)s") % {"date": date_format(timezone.localtime(last), "DATE_FORMAT") if last else "—"}
    if isinstance(days, int):
        # Translators: after "No post since 12 March 2026": how long ago that was.
        line += " " + ngettext("(%(days)s day)", "(%(days)s days)", days) % {"days": number_format(days)}
    if details.get("source") == "reported":
        line += " · " + _("reported by the entity")
    return line


DESCRIBERS = {
    AlertKind.NOT_FOUND: _not_found,
    AlertKind.SUSPENDED: _suspended,
    AlertKind.RENAMED: _renamed,
    AlertKind.ID_CHANGED: _id_changed,
    AlertKind.FOLLOWER_DROP: _follower_drop,
    AlertKind.REFRESH_FAILING: _refresh_failing,
    AlertKind.DORMANT: _dormant,
}


assert set(SEVERITY_OF) == set(AlertKind), "every kind of alert needs its severity"
assert set(DESCRIBERS) == set(AlertKind), "every kind of alert needs its words"
