"""Reading TikTok links and handles: accepted forms, refusals, canonical links."""
from __future__ import annotations

from accounts.platforms import AccountLink, Platform
from tests.platforms.table import handle_keys, table_tests


def tiktok(handle: str) -> AccountLink:
    return AccountLink(Platform.TIKTOK, handle, handle.lower(), f"https://www.tiktok.com/@{handle}")


ACCEPTED = [
    ("https://www.tiktok.com/@uaegov", None, tiktok("uaegov")),
    ("tiktok.com/@UAEGov", None, tiktok("UAEGov")),
    ("http://m.tiktok.com/@uaegov/", None, tiktok("uaegov")),
    ("HTTPS://WWW.TIKTOK.COM/@UAEGOV", None, tiktok("UAEGOV")),
    ("https://www.tiktok.com/@uaegov?lang=en&is_from_webapp=1#top", None, tiktok("uaegov")),
    ("https://www.tiktok.com/@uaegov/video/7300000000000000000?is_from_webapp=1", None, tiktok("uaegov")),
    ("https://www.tiktok.com/@uae.gov_1/photo/7300000000000000000", None, tiktok("uae.gov_1")),
    ("https://www.tiktok.com/@uaegov/live", None, tiktok("uaegov")),
    ("  www.tiktok.com/@uaegov  ", None, tiktok("uaegov")),
    ("@uaegov", "tiktok", tiktok("uaegov")),
    ("UAEGov", Platform.TIKTOK, tiktok("UAEGov")),
]

REFUSED = [
    ("tiktok.com.evil.example/@uaegov", None, "unknown_platform"),
    ("nottiktok.com/@uaegov", None, "unknown_platform"),
    ("tiktok.co/@uaegov", None, "unknown_platform"),
    ("https://tiktok.com@evil.example/@uaegov", None, "invalid_link"),
    ("https://vm.tiktok.com/ZMabc123/", None, "not_an_account"),
    ("https://vt.tiktok.com/ZSabc123/", None, "not_an_account"),
    ("https://www.tiktok.com/t/ZTabc123/", None, "not_an_account"),
    ("https://www.tiktok.com/explore", None, "not_an_account"),
    ("https://www.tiktok.com/uaegov", None, "not_an_account"),  # TikTok accounts are /@name
    ("https://www.tiktok.com/", None, "not_an_account"),
    ("https://www.tiktok.com/@u", None, "invalid_handle"),
    ("https://www.tiktok.com/@uae-gov", None, "invalid_handle"),
    ("@uaegov_with_a_very_long_name_x", "tiktok", "invalid_handle"),
    ("@uаegov", "tiktok", "invalid_handle"),  # a Cyrillic а
    ("@uaegov", None, "platform_required"),
    ("https://www.tiktok.com/@uaegov", "instagram", "platform_mismatch"),
]


test_accepted, test_canonical_link_reads_back_the_same, test_refused = table_tests(ACCEPTED, REFUSED)


def test_spellings_of_one_account_share_a_key():
    spellings = ["https://www.tiktok.com/@UAEGov", "tiktok.com/@uaegov/video/1", "@UAEGOV"]
    assert handle_keys(spellings, "tiktok") == {"uaegov"}
