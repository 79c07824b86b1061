"""Public answers cached under the register's version, and kept for when the database is away.

Every write to what the public may see bumps `RegisterVersion` in the same transaction (database
triggers), and every cached public answer is keyed by that version: the first request after a
decision computes the new answer, none ever gets the old one. A second copy of each answer is kept
without the version, "the last good one", which is served, saying as of when, only while PostgreSQL
cannot be reached (registry/middleware.py, DatabaseOutageMiddleware).
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime
from typing import TypeVar

from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import RegisterVersion
from accounts.public.version_listener import listener

T = TypeVar("T")

# Long: a key is only ever replaced by a new version's, never updated in place.
ANSWER_SECONDS = 24 * 60 * 60
# The last good copies, for an outage: a week is longer than any outage worth surviving.
LAST_GOOD_SECONDS = 7 * 24 * 60 * 60


_VERSION_SQL = f"SELECT number, changed_at FROM {RegisterVersion._meta.db_table} WHERE id = 1"


# The version an anonymous GET read first (accounts/public/replay.py), for the rest of that request:
# read again later it could only be newer, and an answer cached under an older version than its data
# is merely replaced sooner.
request_version: ContextVar[str | None] = ContextVar("request_version", default=None)


def register_version() -> str:
    """The register's version as a cache-key part: its number and when it last changed. Held in the
    process's memory while PostgreSQL has told of no change (accounts/public/version_listener.py),
    else one query, written out so that no ORM query is built for it each time."""
    known = request_version.get()
    if known is None:
        known = listener.held()
    if known is not None:
        return known
    mark = listener.before_read()
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
    if row is None:  # a database emptied outside the migrations: nothing cached may be trusted
        return f"none.{timezone.now().timestamp()}"
    number, changed_at = row
    version = f"{number}.{changed_at.timestamp()}"
    listener.learn(mark, version)
    return version


# Small facts every page shows, each held in this process with the version it was read at.
_held_facts: dict[str, tuple[str, object]] = {}


def fact_at_version(name: str, read: Callable[[], T]) -> T:
    """`read()`'s value, read once per register version by this process: for facts every page shows
    (the sample-data banner), which only a write to the register can change."""
    version = register_version()
    held = _held_facts.get(name)
    if held is None or held[0] != version:
        held = _held_facts[name] = (version, read())
    return held[1]


def _key(kind: str, parts: tuple) -> str:
    digest = hashlib.sha256(repr((get_language() or "", *parts)).encode()).hexdigest()
    return f"public:{kind}:{digest}"


# Kinds of cached answers.
PAGE = "page"
VERIFY = "verify"
API = "api"


def cached(kind: str, parts: tuple, compute: Callable[[], T]) -> T:
    """`compute()`'s value for these key parts (and the page language) at the register's current
    version: computed once per version, then read from the shared cache."""
    value = remembered(kind, parts)
    if value is None:
        value = compute()
        remember(kind, parts, value)
    return value


def remembered(kind: str, parts: tuple):
    """The value kept for these key parts at the register's current version; None if there is none."""
    return cache.get(f"{_key(kind, parts)}:{register_version()}")


def remember(kind: str, parts: tuple, value) -> None:
    """Keep `value` for these key parts at the register's current version."""
    cache.set(f"{_key(kind, parts)}:{register_version()}", value, ANSWER_SECONDS)


def keep_last_good(kind: str, parts: tuple, value) -> None:
    """Keep `value` as the last good answer for these key parts, for a database outage."""
    cache.set(f"{_key(kind, parts)}:last", (timezone.now(), value), LAST_GOOD_SECONDS)


def last_good(kind: str, parts: tuple) -> tuple[datetime, object] | None:
    """The last good answer kept for these key parts, and when; None if there is none."""
    return cache.get(f"{_key(kind, parts)}:last")


def page_key(request) -> tuple:
    """What a public page's answer depends on: its host (links are absolute in places) and its path
    with the query."""
    return (request.get_host(), request.get_full_path())
