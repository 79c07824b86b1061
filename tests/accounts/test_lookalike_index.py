"""The look-alike index: the channels verify, the radar and reviewers are shown, found by index,
are exactly those the brute force (`imitated` over every approved channel) finds, in its order."""
from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from accounts.lookalikes import (
    _likeness,
    _lookup_keys,
    approved_channels,
    closest,
    closest_officials,
    imitated,
    imitated_officials,
    lookalike_keys,
    looks_alike,
    similar_live_channels,
    skeleton,
)
from accounts.models import Channel, LookalikeKeys, Status
from accounts.platforms import AccountLinkError, parse_account_link
from accounts.services import channel_act, channel_create, channel_edit
from tests.accounts.complete import COMPLETE

# Official-looking handles: short ones (no edit counts under 5 characters, one under 10), long
# ones (two edits count), and some that are other ones plus tag words.
OFFICIAL = ["uaegov", "mofauae", "moiuae", "wam", "mohap", "rtadubai", "healthministry", "dubaimediaoff",
            "uaemediaoffice", "adnocgroup", "mocaeuae", "uae_gov", "gov", "the_uae"]
TAGS = ["official", "_official", "uae", "_uae", "gov", "news", "real", "the", "tv", "_ar", "ae", "1", "2024", "x"]
LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"
# What impostors put in place of a letter: digits that look like it, and (in what people type or
# paste, never in a registered handle) letters of other scripts and invisible characters.
LOOKING_SWAPS = {"o": "0", "l": "1", "i": "1", "s": "5", "e": "3", "a": "4", "t": "7", "b": "8", "m": "rn"}
FOREIGN_SWAPS = {"a": "а", "o": "о", "e": "е", "c": "с", "p": "р", "x": "х", "y": "у", "i": "і"}


@st.composite
def imitation(draw, *, foreign: bool) -> str:
    """An official handle dressed up the ways impostors do, or a random one."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(LETTERS, min_size=1, max_size=15))
    handle = draw(st.sampled_from(OFFICIAL))
    for _ in range(draw(st.integers(0, 3))):
        how = draw(st.sampled_from(["look", "prefix", "suffix", "delete", "insert", "replace", "swap", "case"]
                                   + (["foreign", "invisible"] if foreign else [])))
        at = draw(st.integers(0, max(len(handle) - 1, 0)))
        if how == "look" and handle[at:at + 1] in LOOKING_SWAPS:
            handle = handle[:at] + LOOKING_SWAPS[handle[at]] + handle[at + 1:]
        elif how == "foreign" and handle[at:at + 1] in FOREIGN_SWAPS:
            handle = handle[:at] + FOREIGN_SWAPS[handle[at]] + handle[at + 1:]
        elif how == "invisible":
            handle = handle[:at] + draw(st.sampled_from(["\u200b", "\u00ad", "\u0301"])) + handle[at:]
        elif how == "prefix":
            handle = draw(st.sampled_from(TAGS)) + handle
        elif how == "suffix":
            handle += draw(st.sampled_from(TAGS))
        elif how == "delete" and len(handle) > 1:
            handle = handle[:at] + handle[at + 1:]
        elif how == "insert":
            handle = handle[:at] + draw(st.sampled_from(LETTERS)) + handle[at:]
        elif how == "replace":
            handle = handle[:at] + draw(st.sampled_from(LETTERS)) + handle[at + 1:]
        elif how == "swap" and at + 1 < len(handle):
            handle = handle[:at] + handle[at + 1] + handle[at] + handle[at + 2:]
        elif how == "case":
            handle = handle.upper()
    return handle


registered_handle = imitation(foreign=False).map(lambda handle: handle[:15].lower()).filter(bool)
asked_key = imitation(foreign=True).map(str.lower)


@settings(max_examples=3000, deadline=None)
@given(asked=asked_key, registered=registered_handle)
def test_every_pair_that_looks_alike_shares_a_key(asked, registered):
    """What makes the index complete: the handle asked about and every registered one it imitates (or
    is imitated by, or reads as) have a key in common. The confirmation refuses the rest."""
    if asked == registered or _likeness(skeleton(asked), skeleton(registered)) is not None:
        assert set(_lookup_keys("x", asked)) & set(lookalike_keys("x", registered))
        assert set(_lookup_keys("x", registered)) & set(lookalike_keys("x", asked))


@pytest.mark.parametrize(("asked", "registered"), [
    ("healthmnistyr", "healthministry"),  # two edits on a long handle, one a swap
    ("uaemedaioffcie", "uaemediaoffice"),  # two swaps
    ("uaemedia0ffice", "uaemediaoffice"),  # the same skeleton
    ("uaemediaoffi", "uaemediaoffice"),  # two letters fewer
    ("uaemediaofficeab", "uaemediaoffice"),  # two letters more
    ("xuaemediaoffic", "uaemediaoffice"),  # one in front, one off the end
    ("moafuae", "mofauae"),  # a swap on a short handle
    ("the_official_uaegov_26", "uaegov"),  # words and digits around it
    ("uaegov", "official_uaegov"),  # and the other way round
    ("mofa_real_news", "mofauae"),  # other words: the same once they are dropped
])
def test_the_hard_cases_share_a_key(asked, registered):
    assert _likeness(skeleton(asked), skeleton(registered)) is not None
    assert set(_lookup_keys("instagram", asked)) & set(lookalike_keys("instagram", registered))


def test_keys_are_per_platform():
    assert not set(_lookup_keys("x", "uaegov")) & set(lookalike_keys("instagram", "uaegov"))


STATUSES = [Status.APPROVED] * 4 + [Status.RETIRED, Status.COMPROMISED, Status.SUBMITTED, Status.DRAFT,
                                    Status.REJECTED]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(
    register=st.lists(st.tuples(st.sampled_from(["x", "instagram"]), registered_handle, st.sampled_from(STATUSES)),
                      min_size=1, max_size=12, unique_by=lambda row: (row[0], row[1])),
    asked=st.lists(asked_key, min_size=1, max_size=4),
)
def test_the_indexed_answer_is_the_brute_force_one(make_channel, make_entity, register, asked):
    links = {"x": "https://x.com/{}", "instagram": "https://www.instagram.com/{}/"}
    for platform, handle, _ in register:  # a handle the platform keeps for itself ("i", "home") is no account
        try:
            parse_account_link(links[platform].format(handle), platform)
        except AccountLinkError:
            assume(False)
    with transaction.atomic():
        entity = make_entity()
        channels = [make_channel(links[platform].format(handle), status=status, entity=entity)
                    for platform, handle, status in register]
        for key in asked + [channel.handle_key for channel in channels]:
            for platform in ("x", "instagram"):
                for exact_counts in (False, True):
                    expected = imitated(key, approved_channels(platform), exact_counts=exact_counts)
                    found = imitated_officials(key, platform, exact_counts=exact_counts)
                    assert found == expected, (key, platform)
                    assert closest(key, found, limit=len(found)) == closest(key, expected, limit=len(expected))
                    for limit in (1, 3):
                        assert closest_officials(key, platform, limit=limit, exact_counts=exact_counts) == \
                            closest(key, expected, limit=limit)
        for channel in channels:
            assert similar_live_channels(channel) == _similar_by_brute_force(channel)
        transaction.set_rollback(True)


def _similar_by_brute_force(channel: Channel) -> list[Channel]:
    others = Channel.private_objects.live().filter(platform=channel.platform).exclude(pk=channel.pk)
    return [other for other in others if looks_alike(channel.handle_key, other.handle_key)]


# --- Every write of a handle keeps the index right -----------------------------------------------

def _indexed_right(channel: Channel) -> bool:
    channel.refresh_from_db()
    return LookalikeKeys.objects.get(channel=channel).keys == lookalike_keys(channel.platform, channel.handle_key)


@pytest.fixture
def people(make_entity, make_user):
    entity = make_entity()
    return entity, make_user(editor_of=entity), make_user(reviewer=True)


@pytest.mark.django_db
def test_a_registration_is_found_from_the_moment_it_is_approved_until_it_is_retired(people):
    entity, editor, reviewer = people
    channel = channel_create(**COMPLETE, two_factor=True, actor=editor, entity=entity, link="https://x.com/uaemediaoffice")
    assert _indexed_right(channel)
    assert similar_live_channels(channel) == []
    assert imitated_officials("uaemedia0ffice", "x") == [] == imitated("uaemedia0ffice", approved_channels("x"))

    channel_act(two_factor=True, actor=editor, channel_id=channel.pk, action="submit")
    channel_act(two_factor=True, actor=reviewer, channel_id=channel.pk, action="approve")
    for asked in ("uaemedia0ffice", "uaemediaoffice_news", "uaemedaioffcie"):
        assert imitated_officials(asked, "x") == [channel] == imitated(asked, approved_channels("x"))

    channel_act(two_factor=True, actor=reviewer, channel_id=channel.pk, action="flag_compromised", reason="Taken.")
    assert imitated_officials("uaemedia0ffice", "x") == []
    channel_act(two_factor=True, actor=reviewer, channel_id=channel.pk, action="restore")
    assert imitated_officials("uaemedia0ffice", "x") == [channel]
    channel_act(two_factor=True, actor=reviewer, channel_id=channel.pk, action="retire", reason="Closed.")
    assert imitated_officials("uaemedia0ffice", "x") == [] == imitated("uaemedia0ffice", approved_channels("x"))
    assert _indexed_right(channel)


@pytest.mark.django_db
def test_a_draft_moved_to_another_handle_or_platform_is_found_under_the_new_one(people, make_channel):
    entity, editor, reviewer = people
    official = make_channel("https://www.instagram.com/healthministry/", status=Status.SUBMITTED)
    channel = channel_create(**COMPLETE, two_factor=True, actor=editor, entity=entity, link="https://x.com/uaegov")
    channel = channel_edit(two_factor=True, actor=editor, channel_id=channel.pk,
                           link="https://www.instagram.com/healthmnistyr/")
    assert _indexed_right(channel)
    assert similar_live_channels(official) == []  # a draft is nobody's claim yet
    channel_act(two_factor=True, actor=editor, channel_id=channel.pk, action="submit")
    assert similar_live_channels(official) == [channel] == _similar_by_brute_force(official)
    assert similar_live_channels(channel) == [official]
    assert imitated_officials("uaegovv", "x") == []


@pytest.mark.django_db
def test_an_approved_channel_edited_and_its_changes_approved_keeps_its_keys(people, make_channel):
    entity, editor, reviewer = people
    channel = make_channel("https://x.com/mofauae", status=Status.APPROVED, entity=entity)
    channel_edit(two_factor=True, actor=editor, channel_id=channel.pk, display_name="Foreign Affairs")
    channel_act(two_factor=True, actor=reviewer, channel_id=channel.pk, action="approve_changes")
    assert _indexed_right(channel)
    assert imitated_officials("m0fauae", "x") == [channel]


@pytest.mark.django_db
def test_a_deleted_channel_takes_its_keys_with_it(make_channel):
    channel = make_channel("https://x.com/mofauae")
    pk = channel.pk
    channel.delete()
    assert not LookalikeKeys.objects.filter(channel_id=pk).exists()
    assert imitated_officials("m0fauae", "x") == []


@pytest.mark.django_db
def test_the_demo_register_is_indexed(settings):
    settings.DEBUG = True  # as `make run` loads it
    call_command("load_demo", verbosity=0)
    assert not Channel.private_objects.filter(lookalike_keys__isnull=True).exists()
    for channel in approved_channels("x")[:10]:
        asked = channel.handle_key + "_official"
        assert imitated_officials(asked, "x") == imitated(asked, approved_channels("x"))
