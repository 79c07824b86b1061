"""Reading X links and handles: accepted forms, refusals, canonical links."""
from __future__ import annotations

from accounts.platforms import AccountLink, Platform
from tests.platforms.table import handle_keys, table_tests


def x(handle: str) -> AccountLink:
    return AccountLink(Platform.X, handle, handle.lower(), f"https://x.com/{handle}")


ACCEPTED = [
    ("https://x.com/UAEGov", None, x("UAEGov")),
    ("x.com/uaegov", None, x("uaegov")),
    ("  https://mobile.twitter.com/UAEGov?lang=ar  ", None, x("UAEGov")),
    ("http://www.twitter.com/UAEGov/", None, x("UAEGov")),
    ("HTTPS://X.COM/UAEGOV", None, x("UAEGOV")),
    ("m.x.com/UAEGov#top", None, x("UAEGov")),
    ("https://x.com/UAEGov/status/1234567890123456789?s=20&t=abc", None, x("UAEGov")),
    ("https://twitter.com/UAEGov/media", None, x("UAEGov")),
    ("x.com./UAEGov", None, x("UAEGov")),
    ("twitter.com//UAEGov//", None, x("UAEGov")),
    ("//x.com/UAEGov", None, x("UAEGov")),
    ("https://x.com/UAE_Gov_2024", None, x("UAE_Gov_2024")),
    # An "@" in the path, as real registers write it; X serves these.
    ("https://twitter.com/@NewsroomGC", None, x("NewsroomGC")),
    ("https://x.com/@MOFAUAE", None, x("MOFAUAE")),
    ("https://mobile.twitter.com/@MOFAUAE/status/123?s=20", None, x("MOFAUAE")),
    ("x.com/%40UAEGov", None, x("UAEGov")),
    # The 2010-2012 site's addresses, which X still sends on to the account.
    ("http://twitter.com/#!/NewsroomGC", None, x("NewsroomGC")),
    ("https://twitter.com/#!/@NewsroomGC/status/1", None, x("NewsroomGC")),
    ("https://Twitter.COM./UAEGov", None, x("UAEGov")),
    # A "Follow" button's link names its one account.
    ("https://twitter.com/intent/follow?screen_name=UAEGov", None, x("UAEGov")),
    ("https://x.com/intent/user?screen_name=@MOFAUAE&lang=ar", None, x("MOFAUAE")),
    ("@UAEGov", "x", x("UAEGov")),
    ("UAEGov", Platform.X, x("UAEGov")),
    (" @uae_gov ", "X", x("uae_gov")),
]

REFUSED = [
    ("x.com.evil.example/UAEGov", None, "unknown_platform"),
    ("https://evil-x.com/UAEGov", None, "unknown_platform"),
    ("twitter.co/UAEGov", None, "unknown_platform"),
    ("notx.com/UAEGov", None, "unknown_platform"),
    ("xn--x-1ga.com/UAEGov", None, "unknown_platform"),
    ("https://x.com@evil.example/UAEGov", None, "invalid_link"),
    ("https://user@x.com/UAEGov", None, "invalid_link"),
    ("x.com:8080/UAEGov", None, "invalid_link"),
    ("x.com", None, "not_an_account"),
    ("x.com/home", None, "not_an_account"),
    ("https://x.com/explore", None, "not_an_account"),
    ("https://x.com/search?q=uae", None, "not_an_account"),
    ("https://x.com/i/lists/123", None, "not_an_account"),
    ("https://x.com/hashtag/UAE", None, "not_an_account"),
    ("https://twitter.com/intent/follow?user_id=123456", None, "not_an_account"),  # a number, not a handle
    ("https://twitter.com/intent/follow?screen_name=UAEGov&screen_name=UAEG0v", None, "not_an_account"),
    ("https://twitter.com/intent/tweet?screen_name=UAEGov", None, "not_an_account"),  # a new post, not a page
    ("https://twitter.com/intent/follow?screen_name=UAE-Gov", None, "invalid_handle"),
    ("https://x.com/share?url=x", None, "not_an_account"),
    ("https://x.com/settings", None, "not_an_account"),
    ("https://x.com/messages", None, "not_an_account"),
    ("https://x.com/notifications", None, "not_an_account"),
    ("https://x.com/login", None, "not_an_account"),
    ("https://x.com/signup", None, "not_an_account"),
    ("https://x.com/tos", None, "not_an_account"),
    ("https://x.com/privacy", None, "not_an_account"),
    ("https://x.com/compose/post", None, "not_an_account"),
    ("https://x.com/HOME", None, "not_an_account"),
    ("x.com/this_handle_is_too_long", None, "invalid_handle"),
    ("x.com/UAE-Gov", None, "invalid_handle"),
    ("x.com/UAE%E2%80%8BGov", None, "invalid_handle"),  # a zero-width space, percent-encoded
    ("@UAEGоv", "x", "invalid_handle"),  # a Cyrillic о
    ("@ＵＡＥＧｏｖ", "x", "invalid_handle"),  # full-width letters are not folded
    ("x.com/UAEGov\u200b", None, "invisible_characters"),
    ("home", "x", "invalid_handle"),  # X's own page, whatever the platform choice
    ("@UAEGov", None, "platform_required"),
    ("https://x.com/@", None, "not_an_account"),
    ("https://x.com/@home", None, "not_an_account"),
    ("https://x.com/@@UAEGov", None, "invalid_handle"),
    ("https://x.com/@UAE-Gov", None, "invalid_handle"),
    ("https://twitter.com/#!/search?q=uae", None, "not_an_account"),
    ("https://twitter.com/#!/", None, "not_an_account"),
    ("https://twitter.com/#!/UAEGov/../UAEG0v", None, "invalid_link"),
    ("https://twitter.com/#UAEGov", None, "not_an_account"),  # only "#!/" was ever an address
    ("https://x.com/UAEGov", "instagram", "platform_mismatch"),
    ("https://x.com/@UAEGov", "facebook", "platform_mismatch"),
]


test_accepted, test_canonical_link_reads_back_the_same, test_refused = table_tests(ACCEPTED, REFUSED)


def test_spellings_of_one_account_share_a_key():
    spellings = ["https://twitter.com/UAEGov", "x.com/uaegov/", "@UAEGOV", "mobile.x.com/UaeGov/status/1",
                 "twitter.com/@uaegov", "twitter.com/#!/UAEGov"]
    assert handle_keys(spellings, "x") == {"uaegov"}
