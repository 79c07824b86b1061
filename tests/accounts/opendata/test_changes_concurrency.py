"""Public changes are numbered in the order they commit (accounts/services.py `_record`), so a feed
reader resuming after the last id it saw never misses one: two decisions made at once, in two real
transactions, each with its own database connection."""
from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from accounts.opendata.changes import ChangeFilters, changes_page
from accounts.services import PUBLIC_CHANGE_LOCK
from tests.accounts.opendata.steps import workflow_for

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(target) -> tuple[threading.Thread, list]:
    errors: list = []

    def run():
        try:
            target()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


def test_a_change_committed_later_never_gets_an_earlier_place(make_entity, make_user):
    workflow = workflow_for(make_entity, make_user)
    first = workflow.submitted("https://x.com/first_one")
    second = workflow.submitted("https://x.com/second_one")
    written, commit = threading.Event(), threading.Event()

    def approve_and_hold():
        with transaction.atomic():
            workflow.act(first, "approve")
            written.set()
            commit.wait(10)

    holder, holder_errors = in_thread(approve_and_hold)
    assert written.wait(10)
    with connection.cursor() as cursor:  # the lock is held until that transaction ends
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [PUBLIC_CHANGE_LOCK])
        assert cursor.fetchone()[0] is False

    follower, follower_errors = in_thread(lambda: workflow.act(second, "approve"))
    follower.join(0.5)
    assert follower.is_alive()  # the second decision waits for the first to commit
    assert changes_page(ChangeFilters(), after=None, limit=10) == ([], False)  # nothing committed yet

    commit.set()
    holder.join(10)
    follower.join(10)
    assert not holder_errors and not follower_errors
    changes, _more = changes_page(ChangeFilters(), after=None, limit=10)
    assert [event.channel_id for event in changes] == [first.pk, second.pk]
    assert changes[0].pk < changes[1].pk
