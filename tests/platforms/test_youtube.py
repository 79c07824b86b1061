"""Reading YouTube channel links and handles: accepted forms, refusals, canonical links, namespaces."""
from __future__ import annotations

import pytest

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
    ("https://www.youtube.com/user/parkscanada/featured?view_as=subscriber", None, named("user", "parkscanada")),
    # A name at the top of the site: the custom URL, served as /c/{name} and as /{name} alike.
    ("https://www.youtube.com/parkscanada", None, named("c", "parkscanada")),
    ("https://youtube.com/CanBorder/", None, named("c", "CanBorder")),
    ("youtube.com/CanBorder/videos", None, named("c", "CanBorder")),
    ("http://m.youtube.com/CanBorder/featured?app=desktop", None, named("c", "CanBorder")),
    ("HTTPS://WWW.YOUTUBE.COM./ParksCanada/about#top", None, named("c", "ParksCanada")),
    ("https://www.youtube.com/c/parkscanada/videos", None, named("c", "parkscanada")),
    ("https://www.youtube.com/UAE_Gov-1", None, named("c", "UAE_Gov-1")),
    (
        "https://www.youtube.com/%D8%AD%D9%83%D9%88%D9%85%D8%A9/videos",  # an Arabic custom URL
        None,
        AccountLink(Platform.YOUTUBE, "c/حكومة", "c/حكومة", "https://www.youtube.com/c/%D8%AD%D9%83%D9%88%D9%85%D8%A9"),
    ),
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
    ("https://www.youtube.com/parkscanada", "facebook", "platform_mismatch"),  # a YouTube link filed as Facebook
    ("https://www.youtube.com/c/", None, "not_an_account"),
    ("https://www.youtube.com/user", None, "not_an_account"),
    ("https://www.youtube.com/channel", None, "not_an_account"),
    ("https://www.youtube.com/robots.txt", None, "not_an_account"),
    ("https://www.youtube.com/favicon.ico", None, "not_an_account"),
    ("https://www.youtube.com/account_notifications", None, "not_an_account"),
    ("https://www.youtube.com/UAE%20Gov", None, "invalid_handle"),
    ("https://www.youtube.com/%E2%84%AAing", None, "invalid_handle"),  # a Kelvin sign
    ("https://youtube.com.evil.example/parkscanada", None, "unknown_platform"),
    ("https://notyoutube.com/parkscanada", None, "unknown_platform"),
    ("https://music.youtube.com.example/parkscanada", None, "unknown_platform"),
]

# YouTube's own pages at the top of the site: never a channel, whatever follows them.
YOUTUBE_PAGES = [
    "watch", "results", "feed", "playlist", "shorts", "channel", "embed", "live", "hashtag", "about", "premium",
    "gaming", "music", "kids", "account", "t", "redirect", "signin", "logout", "upload", "post", "source",
    "attribution_link", "trending", "subscription_manager", "howyoutubeworks", "ads", "creators",
    "supported_browsers", "new", "podcasts", "sports", "fashion", "learning", "news", "store", "jobs", "yt", "s",
    "iframe_api", "oembed", "c", "user", "v", "e", "clip", "movies", "search", "shared", "explore", "feeds", "browse",
    "get_video_info", "storefront", "oops", "index", "watch_popup", "handle", "verify", "studio", "channel_switcher",
    "reporthistory", "paid_memberships", "purchases", "playlists", "signup", "login", "youtubei", "api",
]


@pytest.mark.parametrize("page", YOUTUBE_PAGES)
def test_youtubes_own_pages_are_never_a_channel(page):
    forms = ["https://www.youtube.com/{}", "youtube.com/{}/", "https://m.youtube.com/{}?x=1#y"]
    if page not in ("c", "user", "channel"):  # /c/{name}, /user/{name}, /channel/{id} are channels' own
        forms.append("https://www.youtube.com/{}/videos")
    for form in forms:
        for name in (page, page.upper()):
            assert refusal(form.format(name)).code == "not_an_account", form.format(name)


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


def test_a_name_at_the_top_of_the_site_is_the_custom_url_it_stands_for():
    # YouTube serves a custom URL as /c/{name} and /{name} alike: one channel, one key. Its @handle
    # and a legacy /user/ name may belong to another channel, so they keep keys of their own.
    spellings = ["https://www.youtube.com/parkscanada", "youtube.com/ParksCanada/videos",
                 "https://www.youtube.com/c/parkscanada", "c/PARKSCANADA"]
    assert handle_keys(spellings, "youtube") == {"c/parkscanada"}
    assert parse_account_link("youtube.com/@parkscanada").handle_key == "@parkscanada"
    assert parse_account_link("youtube.com/user/parkscanada").handle_key == "user/parkscanada"
