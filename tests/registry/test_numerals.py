"""Numbers as people type them: every set of digits and separator is read, nothing is dropped."""
from __future__ import annotations

import pytest

from registry.numerals import NotACount, parse_typed_count


@pytest.mark.parametrize(("typed", "number"), [
    ("225000", 225_000),
    ("225,000", 225_000),
    ("٢٢٥٬٠٠٠", 225_000),  # Arabic-Indic digits, the Arabic thousands separator
    ("٢٢٥،٠٠٠", 225_000),  # the Arabic comma
    ("۲۲۵,۰۰۰", 225_000),  # Persian digits
    ("225.000", 225_000),  # European keyboards group with a full stop
    ("225 000", 225_000),
    ("225\u00a0000", 225_000),  # no-break space
    ("1\u2009234\u2009567", 1_234_567),  # thin spaces
    ("1\u202f234\u202f567", 1_234_567),  # narrow no-break spaces
    ("1.234.567", 1_234_567),
    ("\u200f٢٢٥٬٠٠٠\u200f", 225_000),  # copied from an Arabic page, with its direction marks
    ("  42 ", 42),
    ("2٢5", 225),  # mixed digits still say one number
    ("0", 0),
    ("007", 7),
])
def test_a_count_typed_any_way_people_type_it_is_read_whole(typed, number):
    assert parse_typed_count(typed) == number


@pytest.mark.parametrize(("typed", "reason"), [
    ("", "characters"),
    ("   ", "characters"),
    ("12K", "characters"),
    ("1.2M", "characters"),
    ("-5", "characters"),
    ("+5", "characters"),
    ("١٢x", "characters"),
    ("٣٫٥", "characters"),  # the Arabic decimal separator: no count has a fraction
    ("１２", "characters"),  # full-width digits are no keyboard's
    ("12 followers", "characters"),
    ("12.5", "grouping"),  # a decimal, not 125
    ("1,2", "grouping"),
    ("2,25,000", "grouping"),
    ("1,234.567", "grouping"),  # two kinds of separator: which is the decimal point?
    ("1,,000", "grouping"),
    ("225,", "grouping"),
    (",225", "grouping"),
])
def test_anything_else_is_refused_not_trimmed(typed, reason):
    with pytest.raises(NotACount) as refused:
        parse_typed_count(typed)
    assert refused.value.reason == reason
