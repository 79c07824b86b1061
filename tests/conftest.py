"""Shared test fixtures: factories for the register's rows, and Redis when there is one.

Tests run against a real PostgreSQL (DATABASE_URL, else the embedded one) and, where they
need it, a real Redis (REDIS_URL); only the social platforms are ever faked.
"""
from __future__ import annotations

import itertools
import os
from datetime import timedelta
from typing import NoReturn

import pytest
from django.utils import timezone

from accounts.lookalikes import lookalike_keys_update
from accounts.models import Channel, Status
from accounts.platforms import parse_account_link
from entities.models import Entity, Membership, Official
from registry.models import User

_seq = itertools.count(1)
_SET_ASIDE = pytest.StashKey[int]()


CHROMIUM = "/usr/bin/chromium"
NO_CHROMIUM = (f"Debian's chromium at {CHROMIUM} for the browser tests",
               "apt-get install chromium, or run .ci/run (never `playwright install`)")


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_collection_modifyitems(config, items):
    """Without Chromium, outside CI, the browser tests are set aside and said so in one line at the
    end (pytest_terminal_summary); under CI they run, and fail for want of it (tests/browser/conftest.py)."""
    if under_ci() or os.access(CHROMIUM, os.X_OK):
        return
    browser = [item for item in items if item.get_closest_marker("browser")]
    if browser:
        items[:] = [item for item in items if not item.get_closest_marker("browser")]
        config.hook.pytest_deselected(items=browser)
        config.stash[_SET_ASIDE] = len(browser)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if count := config.stash.get(_SET_ASIDE, 0):
        what, how = NO_CHROMIUM
        terminalreporter.write_line(f"SKIPPED {count} browser tests: needs {what}: {how}", yellow=True)


def missing_tool(what: str, how: str) -> NoReturn:
    """A test whose tool is missing: skipped, with one line saying how to run it, on a machine with
    only Python and make; failed under CI (CI=true), which installs every tool and must run every test."""
    message = f"needs {what}: {how}"
    if under_ci():
        pytest.fail(f"{message} (under CI nothing may skip for a missing tool)", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def redis_url() -> str:
    """A reachable Redis, or the test is skipped (failed under CI) with the reason."""
    import redis

    url = os.environ.get("REDIS_URL", "")
    how = "set REDIS_URL to a running Redis, or run .ci/run"
    if not url:
        missing_tool("Redis (REDIS_URL is not set)", how)
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError) as exc:
        missing_tool(f"Redis (nothing answers at REDIS_URL: {exc})", how)
    return url


@pytest.fixture
def make_entity(db):
    def make(**fields) -> Entity:
        n = next(_seq)
        defaults = {
            "slug": f"entity-{n}",
            "name_en": f"Ministry of Tests {n}",
            "name_ar": f"وزارة الاختبار {n}",
            "kind": Entity.Kind.MINISTRY,
        }
        return Entity.objects.create(**{**defaults, **fields})

    return make


@pytest.fixture
def make_official(db, make_entity):
    def make(**fields) -> Official:
        n = next(_seq)
        entity = fields.pop("entity", None) or make_entity()
        defaults = {"slug": f"official-{n}", "name_en": f"Official {n}", "name_ar": f"المسؤول {n}"}
        return Official.objects.create(entity=entity, **{**defaults, **fields})

    return make


@pytest.fixture
def make_user(db):
    def make(*, reviewer: bool = False, editor_of: Entity | None = None, **fields) -> User:
        n = next(_seq)
        user = User.objects.create_user(
            email=fields.pop("email", f"staff{n}@gco.example"), password="a-long-test-password",
            is_reviewer=reviewer, **fields,
        )
        if editor_of is not None:
            Membership.objects.create(user=user, entity=editor_of)
        return user

    return make


@pytest.fixture
def make_channel(db, make_entity):
    """A channel in any state, with the fields that state requires (as the workflow leaves them)."""

    def make(link: str | None = None, *, platform: str | None = None, status: str = Status.APPROVED,
             **fields) -> Channel:
        link = link or f"https://x.com/tc{next(_seq)}"
        account = parse_account_link(link, platform)
        now = timezone.now()
        state_fields = {}
        if status in (Status.APPROVED, Status.COMPROMISED, Status.RETIRED):
            state_fields["approved_at"] = now - timedelta(days=400)
        if status == Status.RETIRED:
            state_fields["retired_at"] = now - timedelta(days=10)
        entity = fields.pop("entity", None) or make_entity()
        channel = Channel.private_objects.create(
            platform=account.platform, handle=account.handle, handle_key=account.handle_key,
            canonical_url=account.canonical_url, entity=entity, status=status,
            **{**state_fields, **fields},
        )
        lookalike_keys_update([channel])  # as the services do for every handle they write
        return channel

    return make


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counters, lockouts and once-a-week marks live in the cache: each test starts clean."""
    from django.core.cache import cache

    from accounts.monitoring.limiter import forget_local_budgets

    cache.clear()  # with Redis, this also clears the platforms' shared call budgets
    forget_local_budgets()
    yield
    cache.clear()
    forget_local_budgets()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Full-strength hashing costs a third of a second per user; the tests make thousands."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def jobs_run_inline(settings):
    """Tasks run in the test's own process: what they do is asserted, not the broker."""
    from registry.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture
def password_works(db):
    """Whether a login with these credentials would succeed, asked as the login page asks
    (through django-axes, which needs the request to count failures by address)."""
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    def check(email: str, password: str) -> bool:
        request = RequestFactory().post("/ar/auth/login/")
        return authenticate(request=request, username=email, password=password) is not None

    return check


@pytest.fixture(autouse=True, scope="session")
def flush_past_the_channel_events_truncate_guard():
    """Transactional tests end with a flush that TRUNCATEs every table, and the channel events refuse
    TRUNCATE (accounts/migrations/0006), as the impostor events do (0007). The flush alone switches those
    triggers off, inside its own transaction, as the tables' owner (the test runner) may; the site's role,
    which owns no table, cannot."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    flush = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        guards = ["ALTER TABLE accounts_channelevent {} TRIGGER channelevent_no_truncate",
                  "ALTER TABLE accounts_impostorevent {} TRIGGER impostorevent_no_truncate"]
        return flush(self, [*(guard.format("DISABLE") for guard in guards), *sql_list,
                            *(guard.format("ENABLE") for guard in guards)])

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = flush
