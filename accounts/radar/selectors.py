"""Reads of the impostor radar: what the public asked about most, and the marks."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F, Max, QuerySet, Sum
from django.utils import timezone

from accounts.models import Channel, KnownImpostor, LookalikeSighting
from accounts.platforms import AccountLinkError, Platform, parse_account_link
from registry.compiled import CompiledRead

RADAR_DAYS = 7
RADAR_ROWS = 50


@dataclass(frozen=True)
class AskedAbout:
    """One not-registered look-alike the public asked verify about, over the radar's days."""

    platform: Platform
    handle: str
    handle_key: str
    canonical_url: str
    asked: int
    last_asked: date
    resembles: Channel | None  # the official account it looks most like, when last asked
    impostor: KnownImpostor | None  # its standing mark, if any


def asked_most(*, days: int = RADAR_DAYS, limit: int = RADAR_ROWS) -> list[AskedAbout]:
    """The look-alikes asked about most in the last `days` days, most first: three queries."""
    since = timezone.localdate() - timedelta(days=days - 1)
    rows = list(
        LookalikeSighting.objects.filter(day__gte=since)
        .values("platform", "handle_key")
        .annotate(asked=Sum("count"), last_asked=Max("day"), handle=Max("handle"), resembles_id=Max("resembles_id"))
        .order_by("-asked", "-last_asked", "platform", "handle_key")[:limit]
    )
    officials = Channel.public_objects.with_owner().in_bulk({row["resembles_id"] for row in rows} - {None})
    marks = {(mark.platform, mark.handle_key): mark for mark in standing_impostors().filter(
        handle_key__in={row["handle_key"] for row in rows})}
    found = []
    for row in rows:
        platform = Platform(row["platform"])
        try:
            url = parse_account_link(row["handle"], platform).canonical_url
        except AccountLinkError:
            url = ""  # counted under rules since tightened: still listed, not linked
        found.append(AskedAbout(
            platform=platform, handle=row["handle"], handle_key=row["handle_key"], canonical_url=url,
            asked=row["asked"], last_asked=row["last_asked"], resembles=officials.get(row["resembles_id"]),
            impostor=marks.get((row["platform"], row["handle_key"])),
        ))
    return found


def standing_impostors() -> QuerySet[KnownImpostor]:
    return (KnownImpostor.objects.filter(withdrawn_at__isnull=True)
            .select_related("resembles__entity", "resembles__official", "marked_by"))


def impostor_marks() -> QuerySet[KnownImpostor]:
    """Every mark: the standing ones first, then the withdrawn; the newest first in each."""
    return (KnownImpostor.objects.select_related("resembles__entity", "resembles__official", "marked_by",
                                                 "withdrawn_by")
            .order_by(F("withdrawn_at").desc(nulls_first=True), "-marked_at", "-pk"))


def standing_mark(platform: str, handle_key: str) -> KnownImpostor | None:
    marks = standing_marks([(platform, handle_key)])
    return marks[0] if marks else None


# Verify asks it of every handle nobody registered: its SQL built once (registry/compiled.py).
_STANDING_IDS = CompiledRead(lambda handle_keys: (
    KnownImpostor.objects.filter(withdrawn_at__isnull=True, handle_key__in=handle_keys).values_list("pk", flat=True)))


def standing_marks(keys: list[tuple[str, str]]) -> list[KnownImpostor]:
    """The standing marks among these (platform, handle key) pairs: one small query, two if any stands."""
    if not keys:
        return []
    # Asked on every verify of a handle nobody registered, and almost never found: first the bare
    # question, then the marks whole with what they resemble (a join of five tables) only if any.
    found = _STANDING_IDS(sorted({key for _, key in keys}))
    if not found:
        return []
    by_key = {}
    for mark in standing_impostors().filter(pk__in=found):
        by_key[(mark.platform, mark.handle_key)] = mark
    return [by_key[key] for key in keys if key in by_key]
