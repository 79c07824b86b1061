"""Reading Instagram links and handles: accepted forms, refusals, canonical links."""
from __future__ import annotations

from accounts.platforms import AccountLink, Platform
from tests.platforms.table import handle_keys, refusal, table_tests


def instagram(handle: str) -> AccountLink:
    return AccountLink(Platform.INSTAGRAM, handle, handle.lower(), f"https://www.instagram.com/{handle}/")


ACCEPTED = [
    ("https://www.instagram.com/uaegov/", None, instagram("uaegov")),
    ("instagram.com/uaegov/?hl=en", None, instagram("uaegov")),
    ("http://instagram.com/UAEGov", None, instagram("UAEGov")),
    ("HTTPS://WWW.INSTAGRAM.COM/UAEGOV/", None, instagram("UAEGOV")),
    ("m.instagram.com/uae.gov_2/#posts", None, instagram("uae.gov_2")),
    ("https://www.instagram.com/uaegov?igsh=MWQ1ZGUxMzBkMA==", None, instagram("uaegov")),
    ("https://www.instagram.com/uaegov/reels/", None, instagram("uaegov")),
    ("https://www.instagram.com/uaegov/p/C1a2b3c4d5e/", None, instagram("uaegov")),
    ("https://www.instagram.com/stories/uaegov/3300000000000000000/", None, instagram("uaegov")),
    ("instagram.com/_u/uaegov", None, instagram("uaegov")),
    ("  www.instagram.com/uaegov  ", None, instagram("uaegov")),
    ("http://instagr.am/uaegov", None, instagram("uaegov")),  # Instagram's first short domain
    ("https://Instagram.COM./uaegov", None, instagram("uaegov")),
    ("@uaegov", "instagram", instagram("uaegov")),
    ("UAE.Gov", Platform.INSTAGRAM, instagram("UAE.Gov")),
]

REFUSED = [
    ("instagr.am.evil.example/uaegov", None, "unknown_platform"),
    ("m.instagr.am/uaegov", None, "unknown_platform"),
    ("instagram.com.evil.example/uaegov", None, "unknown_platform"),
    ("https://instagram.com-login.example/uaegov", None, "unknown_platform"),
    ("notinstagram.com/uaegov", None, "unknown_platform"),
    ("instagram.co/uaegov", None, "unknown_platform"),
    ("https://instagram.com@evil.example/uaegov", None, "invalid_link"),
    ("https://www.instagram.com/p/C1a2b3c4d5e/", None, "not_an_account"),
    ("https://www.instagram.com/reel/C1a2b3c4d5e/?igsh=abc", None, "not_an_account"),
    ("https://www.instagram.com/reels/C1a2b3c4d5e/", None, "not_an_account"),
    ("https://www.instagram.com/tv/C1a2b3c4d5e/", None, "not_an_account"),
    ("https://www.instagram.com/explore/tags/uae/", None, "not_an_account"),
    ("https://www.instagram.com/stories/highlights/17900000000000000/", None, "not_an_account"),
    ("https://www.instagram.com/stories/", None, "not_an_account"),
    ("https://www.instagram.com/accounts/login/", None, "not_an_account"),
    ("https://www.instagram.com/direct/inbox/", None, "not_an_account"),
    ("https://www.instagram.com/", None, "not_an_account"),
    ("instagram.com/uae-gov", None, "invalid_handle"),
    ("instagram.com/uae..gov", None, "invalid_handle"),
    ("instagram.com/uaegov.", None, "invalid_handle"),
    (".uaegov", "instagram", "invalid_handle"),
    ("instagram.com/a_handle_that_is_much_too_long_x", None, "invalid_handle"),
    ("@uaеgov", "instagram", "invalid_handle"),  # a Cyrillic е
    ("p", "instagram", "invalid_handle"),  # a bare "p" would give instagram.com/p/
    ("uaegov", None, "platform_required"),
    ("https://www.instagram.com/uaegov/", "threads", "platform_mismatch"),
]


test_accepted, test_canonical_link_reads_back_the_same, test_refused = table_tests(ACCEPTED, REFUSED)


def test_a_post_link_says_to_paste_the_account_link():
    assert "account's own page" in refusal("https://www.instagram.com/p/C1a2b3c4d5e/").message
    in_arabic = refusal("https://www.instagram.com/p/C1a2b3c4d5e/", language="ar").message
    assert "Instagram" in in_arabic and "الحساب" in in_arabic


def test_spellings_of_one_account_share_a_key():
    spellings = ["https://www.instagram.com/UAEGov/", "instagram.com/uaegov?hl=ar", "@UAEGOV", "uaegov"]
    assert handle_keys(spellings, "instagram") == {"uaegov"}
