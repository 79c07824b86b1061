"""Reading Snapchat profile links and user names: accepted forms, refusals, canonical links."""
from __future__ import annotations

import pytest

from accounts.platforms import AccountLink, AccountLinkError, Platform, parse_account_link


def snapchat(handle: str) -> AccountLink:
    return AccountLink(Platform.SNAPCHAT, handle, handle.lower(), f"https://www.snapchat.com/add/{handle}")


ACCEPTED = [
    ("https://www.snapchat.com/add/uaegov", None, snapchat("uaegov")),
    ("snapchat.com/add/UAEGov", None, snapchat("UAEGov")),
    ("http://m.snapchat.com/add/uaegov/", None, snapchat("uaegov")),
    ("HTTPS://WWW.SNAPCHAT.COM/ADD/UAEGOV", None, snapchat("UAEGOV")),
    ("https://www.snapchat.com/add/uaegov?share_id=abc&locale=en-AE#x", None, snapchat("uaegov")),
    ("https://www.snapchat.com/@uaegov", None, snapchat("uaegov")),
    ("https://www.snapchat.com/@uae.gov-1/spotlight/abc", None, snapchat("uae.gov-1")),
    ("  www.snapchat.com/add/uae_gov  ", None, snapchat("uae_gov")),
    ("@uaegov", "snapchat", snapchat("uaegov")),
    ("UAEGov", Platform.SNAPCHAT, snapchat("UAEGov")),
]

REFUSED = [
    ("snapchat.com.evil.example/add/uaegov", None, "unknown_platform"),
    ("notsnapchat.com/add/uaegov", None, "unknown_platform"),
    ("snapchat.co/add/uaegov", None, "unknown_platform"),
    ("https://snapchat.com@evil.example/add/uaegov", None, "invalid_link"),
    ("https://www.snapchat.com/t/abc123", None, "not_an_account"),
    ("https://www.snapchat.com/spotlight/abc", None, "not_an_account"),
    ("https://www.snapchat.com/lens/abc", None, "not_an_account"),
    ("https://www.snapchat.com/add/", None, "not_an_account"),
    ("https://www.snapchat.com/", None, "not_an_account"),
    ("https://www.snapchat.com/add/ua", None, "invalid_handle"),
    ("https://www.snapchat.com/add/uaegov_is_too_long", None, "invalid_handle"),
    ("@uаegov", "snapchat", "invalid_handle"),  # a Cyrillic а
    ("uaegov", None, "platform_required"),
    ("https://www.snapchat.com/add/uaegov", "tiktok", "platform_mismatch"),
]


@pytest.mark.parametrize(("text", "platform", "expected"), ACCEPTED)
def test_accepted(text, platform, expected):
    assert parse_account_link(text, platform) == expected


@pytest.mark.parametrize(("text", "platform", "expected"), ACCEPTED)
def test_canonical_link_reads_back_the_same(text, platform, expected):
    assert parse_account_link(expected.canonical_url) == expected


@pytest.mark.parametrize(("text", "platform", "code"), REFUSED)
def test_refused(text, platform, code):
    with pytest.raises(AccountLinkError) as refusal:
        parse_account_link(text, platform)
    assert refusal.value.code == code


def test_spellings_of_one_account_share_a_key():
    spellings = ["https://www.snapchat.com/add/UAEGov", "snapchat.com/@uaegov", "UAEGOV"]
    assert {parse_account_link(text, "snapchat").handle_key for text in spellings} == {"uaegov"}
