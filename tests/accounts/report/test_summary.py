"""The public summary's growth as dated editions: computed once when there is none, kept until the
register or the day changes, shown at once when computed again; the totals beside it always current."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Channel, FollowerSnapshot, SummaryEdition
from accounts.report.summary import latest_edition, summary_edition_record, summary_edition_stale
from accounts.tasks.report import record_summary_edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(make_entity, make_channel):
    """One official X channel at 1,100 followers that had 1,000 forty days ago."""
    entity = make_entity()
    channel = make_channel("https://x.com/grows", entity=entity, followers=1_100, followers_at=timezone.now())
    FollowerSnapshot.objects.create(channel=channel, date=timezone.localdate() - timedelta(days=40), followers=1_000)
    return channel


def growth_row(content: str, days: int = 30) -> str:
    return re.search(rf'<tr data-days="{days}">.*?</tr>', content, re.S).group(0)


def test_the_first_visit_computes_an_edition_and_the_page_says_when(client, counted):
    assert latest_edition() is None
    content = client.get("/en/presence/").content.decode()
    edition = latest_edition()
    assert edition is not None and edition.day == timezone.localdate()
    assert "+100 (" in growth_row(content)
    assert 'data-growth-computed="' in content
    assert "Follower growth as computed on" in content


def test_the_totals_are_current_and_the_growth_is_the_editions_until_it_is_computed_again(client, counted,
                                                                                       make_channel):
    summary_edition_record()
    Channel.private_objects.filter(pk=counted.pk).update(followers=1_500)  # as the refresh writes it
    content = client.get("/en/presence/").content.decode()
    assert 'data-total="followers">1,500<' in content  # current
    assert "+100 (" in growth_row(content)  # the edition's, dated
    assert SummaryEdition.objects.count() == 1

    summary_edition_record()
    content = client.get("/en/presence/").content.decode()  # a new edition bumps the register's version
    assert "+500 (" in growth_row(content)
    assert SummaryEdition.objects.count() == 1  # only the latest is kept


def test_a_platform_new_since_the_edition_shows_no_growth_rather_than_a_made_up_one(client, counted, make_channel):
    summary_edition_record()
    make_channel("https://www.instagram.com/newcomer/", followers=50, followers_at=timezone.now())
    content = client.get("/en/presence/").content.decode()
    row = re.search(r'<tr data-group="instagram">.*?</tr>', content, re.S).group(0)
    assert row.count(">—<") == 3 and ">50<" in row


def test_an_edition_is_stale_after_a_write_or_on_another_day(counted):
    edition = summary_edition_record()
    assert not summary_edition_stale(edition)
    assert summary_edition_stale(edition, timezone.localdate() + timedelta(days=1))
    Channel.private_objects.filter(pk=counted.pk).update(display_name="Renamed")
    assert summary_edition_stale(edition)


def test_the_task_computes_only_a_stale_edition(counted):
    assert record_summary_edition() is True
    assert record_summary_edition() is False  # nothing changed
    Channel.private_objects.filter(pk=counted.pk).update(followers=2_000)
    assert record_summary_edition() is True
    assert latest_edition().growth["all"][0] == [30, 1_000, 2_000]


def test_the_page_reads_no_channel_once_an_edition_exists(client, counted):
    summary_edition_record()
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get("/en/presence/")
    assert not any('FROM "accounts_channel"' in query["sql"] for query in captured.captured_queries)
