"""The look-alike model: which handle keys a hurried reader could take for one another."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from accounts.lookalikes import ascii_fold, edit_distance, imitated, looks_alike, similar_live_channels, skeleton
from accounts.models import Status


@pytest.mark.parametrize(("imitation", "real"), [
    ("uаegov", "uaegov"),  # Cyrillic а: mixed script
    ("уаеgоv", "uaegov"),  # Cyrillic у а е о
    ("мofauae", "mofauae"),
    ("ｕａｅｇｏｖ", "uaegov"),  # full-width
    ("uae\u200bgov", "uaegov"),  # zero-width space
    ("uae\u00adgov", "uaegov"),  # soft hyphen
    ("uaeg0v", "uaegov"),
    ("m0fauae", "mofauae"),
    ("rnofauae", "mofauae"),
    ("1amborghini", "lamborghini"),
    ("uaegov_official", "uaegov"),
    ("real.uaegov", "uaegov"),
    ("uaegovnews", "uaegov"),
    ("the_official_uaegov", "uaegov"),
    ("uae_gov", "uaegov"),
    ("uaegovv", "uaegov"),  # one edit on a short handle
    ("healthmnistyr", "healthministry"),  # two edits on a long handle
])
def test_imitations_look_alike(imitation, real):
    assert looks_alike(imitation, real) and looks_alike(real, imitation)


@pytest.mark.parametrize(("a", "b"), [
    ("uaegov", "uaegov"),  # the same key is not a look-alike of itself
    ("abcd", "abce"),  # too short for an edit to count
    ("mofauae", "mohapuae"),
    ("nothinglikeit", "mofauae"),
    ("healthministry", "wealthindustry"),  # three edits apart
    ("dubaipolice", "abudhabipolice"),
])
def test_different_handles_do_not(a, b):
    assert not looks_alike(a, b)


def test_skeleton_folds_confusables_case_and_separators():
    assert skeleton("UАE_Gov") == skeleton("uaegov") == skeleton("u.a.e-g0v")
    assert ascii_fold("x.cоm/uаegov\u200b") == "x.com/uaegov"


def test_edit_distance_counts_adjacent_swaps_as_one():
    assert edit_distance("abcdef", "abdcef", 2) == 1
    assert edit_distance("kitten", "sitting", 5) == 3
    assert edit_distance("a" * 5, "b" * 20, 2) == 3  # stops at the limit


def _full_distance(a: str, b: str) -> int:
    """Optimal string alignment over the whole table: the plain definition the banded one must equal."""
    rows = [[i + j if i == 0 or j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


@settings(max_examples=500, deadline=None)
@given(st.text("abc0o1l", max_size=14), st.text("abc0o1l", max_size=14), st.integers(0, 3))
def test_edit_distance_is_the_full_tables_within_its_limit(a, b, limit):
    full = _full_distance(a, b)
    assert edit_distance(a, b, limit) == (full if full <= limit else limit + 1)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_skeleton_never_raises_and_is_idempotent(text):
    once = skeleton(text)
    assert skeleton(once) == once
    assert not looks_alike(text, text)


def test_imitated_skips_the_exact_key_unless_asked(make_channel):
    real = make_channel("https://x.com/uaegov")
    assert imitated("uaegov", [real]) == []
    assert imitated("uaegov", [real], exact_counts=True) == [real]
    assert imitated("uaeg0v", [real]) == [real]


def test_similar_live_channels_on_the_same_platform_only(make_channel):
    real = make_channel("https://x.com/MOFAUAE")
    make_channel("https://www.instagram.com/mofauae/")
    make_channel("https://x.com/mofa_uae", status=Status.RETIRED)
    imitation = make_channel("https://x.com/M0FAUAE", status=Status.SUBMITTED)
    assert similar_live_channels(imitation) == [real]
