"""The public presence summary's follower growth (and posts), computed in the background and kept as dated editions.

Growth compares every official channel's latest count with its counts 30, 90 and 365 days ago: over a
large register that reads every channel and its past counts, seconds of work that no public request
should wait for. So a task computes it (after decisions, alerts and refreshes, as the report's scores
are, and every quarter of an hour when the register changed in any other way or a new day began) and
keeps it as an edition; the public page shows the latest one and says when it was computed, beside
the register's totals and per-platform figures, which are always current (accounts.selectors reads
them from the figures the database keeps). Only when there is no edition at all (a new database)
is one computed while the page waits.

Each edition records the register version it reflects: the version it read before counting, if
nothing was written while it counted; otherwise an older number, so the next run counts again.
Writing an edition bumps the register's version (a trigger, accounts/migrations/0011), so the cached
public pages are drawn again with it.
"""
from __future__ import annotations

from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Channel, RegisterVersion, Status, SummaryEdition
from accounts.report.scores import growth, past_counts
from accounts.selectors import posts_over

POSTS_DAYS = (30, 365)  # the periods the summary adds posts up over

SUMMARY_LOCK = 0x5C0_2E6  # the advisory lock `summary_edition_record` holds (any number unique to it)

_NUMBER_SQL = f"SELECT number FROM {RegisterVersion._meta.db_table} WHERE id = 1"


def latest_edition() -> SummaryEdition | None:
    return SummaryEdition.objects.order_by("-computed_at", "-pk").first()


def _register_number(*, lock: bool = False) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_NUMBER_SQL + (" FOR UPDATE" if lock else ""))
        row = cursor.fetchone()
    return row[0] if row else 0  # no row: a database emptied outside the migrations


def summary_edition_stale(edition: SummaryEdition | None, today: date | None = None) -> bool:
    """Whether an edition no longer reflects the register: none yet, counted on another day (the 30,
    90 and 365 days moved), or the register changed since."""
    today = today or timezone.localdate()
    return edition is None or edition.day != today or edition.register_number != _register_number()


def _growth_figures(today: date) -> dict:
    """Growth of the official (approved) public channels, in all and per platform, as (days, followers
    then, followers now) triples: what the summary showed when it computed them on every request."""
    channels = list(Channel.public_objects.filter(status=Status.APPROVED).only("pk", "platform", "followers"))
    past = past_counts(None, today)  # all of them: the approved channels are most of the register
    by_platform: dict[str, list[Channel]] = {}
    for channel in channels:
        by_platform.setdefault(channel.platform, []).append(channel)

    def triples(counted: list[Channel]) -> list[list[int]]:
        return [[figure.days, figure.before, figure.now] for figure in growth(counted, today, past)]

    return {"all": triples(channels), "platforms": {code: triples(group) for code, group in by_platform.items()},
            "posts": _posts_figures(today)}


def _posts_figures(today: date) -> dict:
    """Posts of the official public channels over POSTS_DAYS, in all and per platform: for each, the
    number of channels and, per period, [days, posts, channels counted]: the sum of each channel's
    own difference of counts, over the channels whose counts tell (the others left out, never guessed).
    One query, two index look-ups a channel and period (accounts.selectors.posts_over)."""
    rows = (Channel.public_objects.filter(status=Status.APPROVED)
            .annotate(**{f"posts_{days}d": posts_over(days, today=today) for days in POSTS_DAYS})
            .values_list("platform", *(f"posts_{days}d" for days in POSTS_DAYS)))

    def empty() -> dict:
        return {"channels": 0, "periods": [[days, 0, 0] for days in POSTS_DAYS]}

    total, platforms = empty(), {}
    for platform, *counts in rows:
        for figures in (total, platforms.setdefault(platform, empty())):
            figures["channels"] += 1
            for period, posts in zip(figures["periods"], counts, strict=True):
                if posts is not None:
                    period[1] += posts
                    period[2] += 1
    return {"all": total, "platforms": platforms}


@transaction.atomic
def summary_edition_record(*, today: date | None = None, only_if_stale: bool = False) -> SummaryEdition | None:
    """Compute the growth now and keep it as the latest edition (the older ones are dropped); with
    `only_if_stale`, only when the latest no longer reflects the register (None when it still does)."""
    today = today or timezone.localdate()
    _lock()
    if only_if_stale and not summary_edition_stale(latest_edition(), today):
        return None
    counted_at = _register_number()
    figures = _growth_figures(today)
    # The version row locked to our commit: the edition's own bump is then exactly the next number.
    written_since = _register_number(lock=True) != counted_at
    SummaryEdition.objects.all().delete()
    return SummaryEdition.objects.create(
        computed_at=timezone.now(), day=today, growth=figures,
        register_number=counted_at if written_since else counted_at + 1,
    )


def _lock() -> None:
    """One computation at a time, to the end of the transaction (the beat's and a queued one, or two
    first visitors of a new database): the second waits, then finds the first's edition."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SUMMARY_LOCK])


def summary_edition() -> SummaryEdition:
    """The latest edition; computed now (the page waits) only when there is none at all. That one
    write from a public GET happens once in a database's life, before the first task has run."""
    edition = latest_edition()
    if edition is None:
        with transaction.atomic():
            _lock()
            edition = latest_edition() or summary_edition_record()
    return edition
