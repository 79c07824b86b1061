"""The database role the site runs as (manage.py grant_site_role): it reads and writes what the site
needs, only appends to the audit trail, and can touch neither the trail's table nor its trigger.

Checked against the real PostgreSQL: a throwaway LOGIN role is created, granted by the command as
the migrate service runs it, and logged in with; it is dropped afterwards (roles are cluster-wide).
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import ProgrammingError, connection, transaction
from django.utils import timezone
from psycopg import errors, sql

from accounts.models import ChannelEvent, FollowerSnapshot, Status
from accounts.services import channel_act
from accounts.workflow import Action
from tests.accounts.complete import COMPLETE

ROOT = Path(__file__).resolve().parents[2]
EVENTS = "accounts_channelevent"
SNAPSHOTS = "accounts_followersnapshot"
REFUSED = errors.InsufficientPrivilege


def conninfo(settings_dict: dict, **override) -> dict:
    """How to reach the test database, as psycopg keyword arguments."""
    host = settings_dict["HOST"] or settings_dict.get("OPTIONS", {}).get("host", "")
    info = {"host": host, "port": settings_dict["PORT"] or 5432, "dbname": settings_dict["NAME"],
            "user": settings_dict["USER"], "password": settings_dict["PASSWORD"] or None}
    return {**info, **override}


def database_url(settings_dict: dict) -> str:
    info = conninfo(settings_dict)
    auth = quote(info["user"]) + (":" + quote(info["password"]) if info["password"] else "")
    if info["host"].startswith("/"):  # the embedded PostgreSQL's socket directory
        return f"postgresql://{auth}@/{info['dbname']}?host={quote(info['host'])}"
    return f"postgresql://{auth}@{info['host']}:{info['port']}/{info['dbname']}"


def grant(role: str, settings_dict: dict) -> subprocess.CompletedProcess:
    """Run the command as compose's migrate service does: its own process, as the tables' owner."""
    url = database_url(settings_dict)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", "grant_site_role", role], cwd=ROOT, env={**env, "DATABASE_URL": url},
        capture_output=True, text=True, timeout=120,
    )


@pytest.fixture(scope="module")
def site_role(django_db_setup, django_db_blocker):
    """A LOGIN role granted by the command; yields (name, password). Dropped at the end."""
    settings_dict = dict(connection.settings_dict)
    name = f"registry_site_test_{os.getpid()}"
    password = secrets.token_urlsafe(16)
    owner = psycopg.connect(**conninfo(settings_dict), autocommit=True)
    drop = sql.SQL("DROP OWNED BY {role}; DROP ROLE {role}").format(role=sql.Identifier(name))
    if owner.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone():
        owner.execute(drop)  # left by an interrupted run
    owner.execute(sql.SQL("CREATE ROLE {role} LOGIN PASSWORD {password}").format(
        role=sql.Identifier(name), password=sql.Literal(password)))
    try:
        result = grant(name, settings_dict)
        assert result.returncode == 0, result.stderr + result.stdout
        yield name, password, settings_dict, result.stdout
    finally:
        owner.execute(drop)
        owner.close()


@contextmanager
def logged_in_as(site_role):
    """A connection of the site role's own (not the owner's with SET ROLE), rolled back at the end."""
    name, password, settings_dict, _ = site_role
    with psycopg.connect(**conninfo(settings_dict, user=name, password=password)) as site:
        try:
            yield site
        finally:
            site.rollback()


def refused(site: psycopg.Connection, statement: str) -> bool:
    """Whether the database refuses the statement for lack of privilege (and not for another reason)."""
    try:
        with site.transaction():
            site.execute(statement)
    except REFUSED:
        return True
    return False


def privileges_of(role: str, settings_dict: dict) -> set[tuple[str, str]]:
    with psycopg.connect(**conninfo(settings_dict), autocommit=True) as owner:
        rows = owner.execute(
            "SELECT table_name, privilege_type FROM information_schema.role_table_grants WHERE grantee = %s", [role]
        ).fetchall()
        rows += owner.execute(
            "SELECT c.relname, p.privilege_type FROM pg_class c, aclexplode(c.relacl) p "
            "WHERE c.relkind = 'S' AND p.grantee = %s::regrole", [role]
        ).fetchall()
    return set(rows)


def test_the_command_says_what_it_granted(site_role):
    name, _, _, output = site_role
    assert f"{name} may read and write the tables" in output
    assert "accounts_channelevent only SELECT, INSERT" in output and "no TRUNCATE" in output


def test_the_site_role_reads_and_appends_to_the_audit_trail(site_role):
    with logged_in_as(site_role) as site:
        site.execute(f"SELECT count(*) FROM {EVENTS}").fetchone()
        # The privilege check happens whether or not a row is written; nothing is left behind.
        site.execute(f"INSERT INTO {EVENTS} (channel_id, action, from_status, to_status, comment, changes, at) "
                     "SELECT id, 'comment', status, status, '', '{}', now() FROM accounts_channel WHERE false")


@pytest.mark.parametrize("statement", [
    f"UPDATE {EVENTS} SET comment = 'rewritten'",
    f"DELETE FROM {EVENTS}",
    f"TRUNCATE {EVENTS}",
    f"TRUNCATE {EVENTS} CASCADE",
])
def test_the_site_role_cannot_change_or_empty_the_audit_trail(site_role, statement):
    with logged_in_as(site_role) as site:
        assert refused(site, statement)


@pytest.mark.parametrize("statement", [
    f"DROP TRIGGER channelevent_append_only ON {EVENTS}",
    f"ALTER TABLE {EVENTS} DISABLE TRIGGER ALL",
    f"ALTER TABLE {EVENTS} DISABLE TRIGGER channelevent_append_only",
    "CREATE OR REPLACE FUNCTION channelevent_append_only() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN RETURN NEW; END; $$",
    f"DROP TABLE {EVENTS}",
    f"ALTER TABLE {EVENTS} RENAME TO accounts_channelevent_old",
])
def test_the_site_role_can_neither_drop_nor_disable_the_trigger_nor_the_table(site_role, statement):
    with logged_in_as(site_role) as site:
        assert refused(site, statement)


def test_follower_snapshots_are_upserted_by_the_site_role_but_never_deleted(site_role):
    with logged_in_as(site_role) as site:
        # The refresh's upsert needs INSERT and UPDATE (a re-run the same day updates that day's count).
        site.execute(f"INSERT INTO {SNAPSHOTS} (channel_id, date, followers, source, recorded_at) "
                     "SELECT id, current_date, 1, 'api', now() FROM accounts_channel WHERE false "
                     "ON CONFLICT (channel_id, date) DO UPDATE SET followers = EXCLUDED.followers")
        assert refused(site, f"DELETE FROM {SNAPSHOTS}")
        assert refused(site, f"TRUNCATE {SNAPSHOTS}")


def test_the_other_tables_are_read_and_written_but_never_truncated(site_role):
    with logged_in_as(site_role) as site:
        site.execute("DELETE FROM django_session WHERE false")
        site.execute("UPDATE accounts_channel SET followers = followers WHERE false")
        assert refused(site, "TRUNCATE django_session")
        assert refused(site, "ALTER TABLE accounts_channel ADD COLUMN is_official_anyway boolean")


def test_tables_a_later_migration_creates_come_with_the_same_grants(site_role):
    name, _, settings_dict, _ = site_role
    with psycopg.connect(**conninfo(settings_dict), autocommit=True) as owner:
        owner.execute("CREATE TABLE registry_grant_probe (id bigint GENERATED BY DEFAULT AS IDENTITY, note text)")
        try:
            with logged_in_as(site_role) as site:
                site.execute("INSERT INTO registry_grant_probe (note) VALUES ('new')")
                site.execute("UPDATE registry_grant_probe SET note = 'changed'")
                assert site.execute("SELECT note FROM registry_grant_probe").fetchall() == [("changed",)]
                site.execute("DELETE FROM registry_grant_probe")
                assert refused(site, "TRUNCATE registry_grant_probe")
        finally:
            owner.execute("DROP TABLE registry_grant_probe")


def test_running_it_again_leaves_the_same_privileges(site_role):
    name, _, settings_dict, _ = site_role
    before = privileges_of(name, settings_dict)
    assert (EVENTS, "INSERT") in before and (EVENTS, "UPDATE") not in before
    result = grant(name, settings_dict)
    assert result.returncode == 0, result.stderr
    assert privileges_of(name, settings_dict) == before


@contextmanager
def as_site_role(site_role):
    """The test's own connection, its permission checks done as the site role until the end."""
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(site_role[0])).as_string(
            connection.connection))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


@pytest.mark.django_db
def test_the_workflow_runs_as_the_site_role(site_role, make_user, make_entity, make_channel):
    entity = make_entity()
    editor = make_user(editor_of=entity)
    channel = make_channel(status=Status.DRAFT, entity=entity, **COMPLETE)
    with as_site_role(site_role):
        channel_act(actor=editor, channel_id=channel.pk, action=Action.SUBMIT)
        assert channel.events.filter(action=Action.SUBMIT).exists()
        for followers in (100, 120):  # the refresh's upsert, run twice the same day
            FollowerSnapshot.objects.bulk_create(
                [FollowerSnapshot(channel=channel, date=timezone.localdate(), followers=followers)],
                update_conflicts=True, unique_fields=["channel", "date"], update_fields=["followers"],
            )
        assert FollowerSnapshot.objects.get(channel=channel).followers == 120
        with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
            ChannelEvent.objects.filter(channel=channel).update(comment="rewritten")
        with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
            FollowerSnapshot.objects.filter(channel=channel).delete()


@pytest.mark.django_db
@pytest.mark.parametrize("kind, message", [
    ("missing", "There is no database role"),
    ("superuser", "is a superuser"),
    ("member of the owner", "the owner of the tables"),
])
def test_it_refuses_a_role_that_privileges_would_not_bind(kind, message):
    name = f"registry_refused_{os.getpid()}"
    # Roles made here live in the test's transaction and go with it.
    with connection.cursor() as cursor:
        if kind == "superuser":
            cursor.execute(f'CREATE ROLE "{name}" SUPERUSER')
        elif kind == "member of the owner":
            cursor.execute(f'CREATE ROLE "{name}" IN ROLE "{connection.settings_dict["USER"]}"')
    with pytest.raises(CommandError, match=message):
        call_command("grant_site_role", name)
