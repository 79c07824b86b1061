"""Reading Snapchat profile links and user names: accepted forms, refusals, canonical links."""
from __future__ import annotations

from accounts.platforms import AccountLink, Platform
from tests.platforms.table import handle_keys, table_tests


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


test_accepted, test_canonical_link_reads_back_the_same, test_refused = table_tests(ACCEPTED, REFUSED)


def test_spellings_of_one_account_share_a_key():
    spellings = ["https://www.snapchat.com/add/UAEGov", "snapchat.com/@uaegov", "UAEGOV"]
    assert handle_keys(spellings, "snapchat") == {"uaegov"}
