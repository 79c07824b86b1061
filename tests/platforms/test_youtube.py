"""Reading YouTube channel links and handles: accepted forms, refusals, canonical links, namespaces."""
from __future__ import annotations

from accounts.platforms import AccountLink, Platform, parse_account_link
from tests.platforms.table import handle_keys, refusal, table_tests

CHANNEL_ID = "UCaBcDeFgHiJkLmNoPqRsT_-"


def handle(name: str) -> AccountLink:
    return AccountLink(Platform.YOUTUBE, f"@{name}", f"@{name.lower()}", f"https://www.youtube.com/@{name}")


def channel(channel_id: str) -> AccountLink:
    return AccountLink(
        Platform.YOUTUBE, channel_id, f"channel/{channel_id}", f"https://www.youtube.com/channel/{channel_id}"
    )


def named(namespace: str, name: str) -> AccountLink:
    return AccountLink(
        Platform.YOUTUBE,
        f"{namespace}/{name}",
        f"{namespace}/{name.lower()}",
        f"https://www.youtube.com/{namespace}/{name}",
    )


ACCEPTED = [
    ("https://www.youtube.com/@UAEGov", None, handle("UAEGov")),
    ("youtube.com/@UAEGov", None, handle("UAEGov")),
    ("http://m.youtube.com/@uaegov/", None, handle("uaegov")),
    ("HTTPS://WWW.YOUTUBE.COM/@UAEGOV", None, handle("UAEGOV")),
    ("https://www.youtube.com/@UAEGov/videos?si=AbCdEf", None, handle("UAEGov")),
    ("https://www.youtube.com/@UAEGov/featured#top", None, handle("UAEGov")),
    ("https://www.youtube.com/@UAE.Gov-News_1", None, handle("UAE.Gov-News_1")),
    (f"https://www.youtube.com/channel/{CHANNEL_ID}", None, channel(CHANNEL_ID)),
    (f"youtube.com/channel/{CHANNEL_ID}/videos?view=0", None, channel(CHANNEL_ID)),
    ("https://www.youtube.com/c/UAEGov", None, named("c", "UAEGov")),
    ("https://www.youtube.com/C/UAEGov/videos", None, named("c", "UAEGov")),
    ("https://www.youtube.com/user/UAEGov", None, named("user", "UAEGov")),
    (
        "https://www.youtube.com/@%D8%AD%D9%83%D9%88%D9%85%D8%A9",  # an Arabic handle, percent-encoded
        None,
        AccountLink(
            Platform.YOUTUBE,
            "@حكومة",
            "@حكومة",
            "https://www.youtube.com/@%D8%AD%D9%83%D9%88%D9%85%D8%A9",
        ),
    ),
    ("@UAEGov", "youtube", handle("UAEGov")),
    ("UAEGov", Platform.YOUTUBE, handle("UAEGov")),
    (CHANNEL_ID, "youtube", channel(CHANNEL_ID)),
    (f"channel/{CHANNEL_ID}", "youtube", channel(CHANNEL_ID)),
    ("c/UAEGov", "youtube", named("c", "UAEGov")),
]

REFUSED = [
    ("youtube.co/@UAEGov", None, "unknown_platform"),
    ("youtube.com.evil.example/@UAEGov", None, "unknown_platform"),
    ("notyoutube.com/@UAEGov", None, "unknown_platform"),
    ("https://youtube.com-login.example/@UAEGov", None, "unknown_platform"),
    ("https://www.youtube.com@evil.example/@UAEGov", None, "invalid_link"),
    ("https://youtu.be/dQw4w9WgXcQ", None, "not_an_account"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&ab_channel=UAEGov", None, "not_an_account"),
    ("https://www.youtube.com/shorts/dQw4w9WgXcQ", None, "not_an_account"),
    ("https://www.youtube.com/live/dQw4w9WgXcQ", None, "not_an_account"),
    ("https://www.youtube.com/embed/dQw4w9WgXcQ", None, "not_an_account"),
    ("https://www.youtube.com/playlist?list=PL123", None, "not_an_account"),
    ("https://www.youtube.com/results?search_query=uae", None, "not_an_account"),
    ("https://www.youtube.com/UAEGov", None, "not_an_account"),  # custom or legacy name: not guessed
    ("https://www.youtube.com/", None, "not_an_account"),
    ("https://www.youtube.com/channel/UCshort", None, "invalid_handle"),
    ("https://www.youtube.com/@ab", None, "invalid_handle"),
    ("https://www.youtube.com/@UAE%20Gov", None, "invalid_handle"),
    ("https://www.youtube.com/@UAE%E2%80%8BGov", None, "invalid_handle"),  # zero-width space
    ("https://www.youtube.com/@%E2%84%AAing", None, "invalid_handle"),  # a Kelvin sign would fold to "king"
    ("https://www.youtube.com/@%C4%B0stanbul", None, "invalid_handle"),  # "İ" lower-cases to an ASCII "i"
    ("@UAEGove\u0301", "youtube", "invalid_handle"),  # "e" and a combining accent: not in NFC form
    ("@UAEGov", None, "platform_required"),
    ("https://www.youtube.com/@UAEGov", "x", "platform_mismatch"),
]


test_accepted, test_canonical_link_reads_back_the_same, test_refused = table_tests(ACCEPTED, REFUSED)


def test_video_links_say_to_paste_the_channel_link():
    assert "account's own page" in refusal("youtu.be/dQw4w9WgXcQ").message


def test_spellings_of_one_handle_share_a_key():
    spellings = ["https://www.youtube.com/@UAEGov", "m.youtube.com/@uaegov/videos", "@UAEGOV", "uaegov"]
    assert handle_keys(spellings, "youtube") == {"@uaegov"}


def test_channel_ids_keep_their_case():
    lower = parse_account_link(f"https://www.youtube.com/channel/{CHANNEL_ID.lower().replace('uc', 'UC', 1)}")
    assert lower.handle_key != parse_account_link(f"https://www.youtube.com/channel/{CHANNEL_ID}").handle_key


def test_namespaces_have_different_keys():
    keys = {
        parse_account_link(text).handle_key
        for text in [
            "https://www.youtube.com/@UAEGov",
            "https://www.youtube.com/c/UAEGov",
            "https://www.youtube.com/user/UAEGov",
        ]
    }
    assert keys == {"@uaegov", "c/uaegov", "user/uaegov"}
