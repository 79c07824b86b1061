"""The tests every platform runs over its ACCEPTED and REFUSED tables.

Each test module binds what `table_tests` returns to module-level names, so pytest collects
them there (`refusal` and `handle_keys` serve the modules' own tests):

    test_accepted, test_canonical_link_reads_back_the_same, test_refused = table_tests(ACCEPTED, REFUSED)
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from django.utils import translation

from accounts.platforms import AccountLink, AccountLinkError, Platform, parse_account_link

# A row of ACCEPTED: (text pasted, platform chosen, the account it reads as).
Accepted = tuple[str, Platform | str | None, AccountLink]
# A row of REFUSED: (text pasted, platform chosen, the refusal's code).
Refused = tuple[str, Platform | str | None, str]


def refusal(text: str, platform: Platform | str | None = None, *, language: str = "en") -> AccountLinkError:
    """The refusal reading the text gives, its sentence in `language`; the test fails if it is read instead."""
    with translation.override(language), pytest.raises(AccountLinkError) as refused:
        parse_account_link(text, platform)
    return refused.value


def handle_keys(texts: Iterable[str], platform: Platform | str | None = None) -> set[str]:
    """The matching keys the texts read as: one key when they are spellings of one account."""
    return {parse_account_link(text, platform).handle_key for text in texts}


def _without_platform(expected: AccountLink) -> Iterable[Platform | None]:
    return (None,)


def table_tests(
    accepted: list[Accepted],
    refused: list[Refused],
    read_back_as: Callable[[AccountLink], Iterable[Platform | None]] = _without_platform,
) -> tuple[Callable[..., None], Callable[..., None], Callable[..., None]]:
    """test_accepted, test_canonical_link_reads_back_the_same and test_refused over the tables.

    `read_back_as` gives the platform choices each expected account's canonical link is read
    back with, each one checked; by default the link alone, with no platform chosen.
    """

    @pytest.mark.parametrize(("text", "platform", "expected"), accepted)
    def test_accepted(text, platform, expected):
        assert parse_account_link(text, platform) == expected

    @pytest.mark.parametrize(("text", "platform", "expected"), accepted)
    def test_canonical_link_reads_back_the_same(text, platform, expected):
        for chosen in read_back_as(expected):
            assert parse_account_link(expected.canonical_url, chosen) == expected

    @pytest.mark.parametrize(("text", "platform", "code"), refused)
    def test_refused(text, platform, code):
        assert refusal(text, platform).code == code

    return test_accepted, test_canonical_link_reads_back_the_same, test_refused
