"""The staff home's part of the annual review: each overdue channel marked in words, their count at
the top, and "Yes, these are all still ours" certifying the ticked ones, each with its own event."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from accounts.models import Channel, ChannelEvent, Status
from tests.accounts.staff.test_views import count_queries, login, page_text, staff_url

pytestmark = pytest.mark.django_db



def said(lang: str, text: str, plural: str | None = None, count: int | None = None) -> str:
    """What the page says for `text` in `lang` (its Arabic once the catalogue has it)."""
    with translation.override(lang):
        if plural is None:
            return translation.gettext(text)
        return translation.ngettext(text, plural, count) % {"counter": count, "count": count}


def ago(days: int):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def editor_and_channels(make_entity, make_user, make_channel):
    entity = make_entity()
    editor = make_user(editor_of=entity)
    return editor, {
        "overdue": make_channel("https://x.com/overdueone", entity=entity, last_certified_at=ago(400)),
        "overdue2": make_channel("https://x.com/overduetwo", entity=entity, last_certified_at=ago(800)),
        "fresh": make_channel("https://x.com/freshone", entity=entity, last_certified_at=ago(30)),
        # Old, but not official: not the annual review's business.
        "draft": make_channel("https://x.com/oldraft", entity=entity, status=Status.DRAFT,
                              created_at=ago(900)),
    }


def overdue_markers(content: str) -> int:
    return content.count('data-marker="overdue"')


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_home_marks_overdue_channels_in_words_and_counts_them(client, editor_and_channels, lang):
    editor, channels = editor_and_channels
    login(client, editor)
    response = client.get(staff_url("home", lang=lang))
    content = response.content.decode()
    assert overdue_markers(content) == 2
    assert 'data-overdue-count="2"' in content
    text = page_text(response)
    assert said(lang, "%(counter)s channel is overdue for the annual review.",
                "%(counter)s channels are overdue for the annual review.", 2) in text
    assert text.count("⚠ " + said(lang, "overdue for the annual review")) == 2  # in words, not colour alone
    assert said(lang, "Yes, these are all still ours") in text
    # The bulk form offers exactly the overdue ones, ticked.
    for name in ("overdue", "overdue2"):
        assert f'name="channel" value="{channels[name].pk}" id="certify-{channels[name].pk}" checked' in content
    for name in ("fresh", "draft"):
        assert f'value="{channels[name].pk}"' not in content


def test_nothing_overdue_shows_no_marker_count_or_form(client, make_entity, make_user, make_channel):
    entity = make_entity()
    editor = make_user(editor_of=entity)
    make_channel("https://x.com/freshonly", entity=entity, last_certified_at=ago(10))
    login(client, editor)
    content = client.get(staff_url("home")).content.decode()
    assert overdue_markers(content) == 0
    assert "data-overdue-count" not in content and staff_url("certify_many") not in content


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_yes_these_are_all_still_ours_certifies_each_with_its_own_event(client, editor_and_channels, lang):
    editor, channels = editor_and_channels
    login(client, editor)
    ids = [channels["overdue"].pk, channels["overdue2"].pk]
    response = client.post(staff_url("certify_many", lang=lang), {"channel": ids}, follow=True)
    assert response.status_code == 200
    for pk in ids:
        events = ChannelEvent.objects.filter(channel_id=pk, action="certify")
        assert events.count() == 1 and events.get().actor == editor
        assert Channel.private_objects.get(pk=pk).last_certified_at > ago(1)
    assert said(lang, "%(count)d channel certified as current for another year.",
                "%(count)d channels certified as current for another year.", 2) in page_text(response)
    content = response.content.decode()
    assert overdue_markers(content) == 0 and "data-overdue-count" not in content


def test_another_entitys_channel_and_a_draft_are_refused_and_the_rest_certified(
        client, editor_and_channels, make_entity, make_channel):
    editor, channels = editor_and_channels
    foreign = make_channel("https://x.com/foreignold", entity=make_entity(), last_certified_at=ago(500))
    login(client, editor)
    posted = [channels["overdue"].pk, channels["draft"].pk, foreign.pk]
    text = page_text(client.post(staff_url("certify_many"), {"channel": posted}, follow=True))
    assert "1 channel certified as current for another year." in text
    assert f"Not certified: channel number {foreign.pk}: there is no such channel." in text
    assert f"Not certified: {channels['draft'].get_platform_display()} oldraft:" in text  # named, with why
    assert "foreignold" not in text  # another entity's channel is not named
    assert ChannelEvent.objects.filter(channel_id=channels["overdue"].pk, action="certify").count() == 1
    assert not ChannelEvent.objects.filter(channel_id__in=[foreign.pk, channels["draft"].pk], action="certify").exists()
    foreign.refresh_from_db()
    assert foreign.last_certified_at < ago(499)


def test_certify_many_takes_post_only(client, editor_and_channels):
    editor, channels = editor_and_channels
    login(client, editor)
    assert client.get(staff_url("certify_many"), {"channel": channels["overdue"].pk}).status_code == 405
    assert not ChannelEvent.objects.filter(action="certify").exists()


def test_the_home_costs_the_same_queries_for_3_or_30_overdue_channels(client, make_entity, make_user, make_channel):
    entity = make_entity()
    editor = make_user(editor_of=entity)
    login(client, editor)
    for n in range(3):
        make_channel(f"https://x.com/few{n}", entity=entity, last_certified_at=ago(400))
    client.get(staff_url("home"))  # what every page shows is read once per register version
    with_three = count_queries(client, staff_url("home"))
    for n in range(27):
        make_channel(f"https://x.com/many{n}", entity=entity, last_certified_at=ago(400 + n))
    client.get(staff_url("home"))
    assert count_queries(client, staff_url("home")) == with_three
