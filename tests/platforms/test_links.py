"""The shared link reading (cleaning, splitting, exact hosts) and the dispatcher in accounts.platforms."""
from __future__ import annotations

import random
from urllib.parse import urlsplit

import pytest

from accounts.platforms import (
    PLATFORM_HOSTS,
    AccountLink,
    AccountLinkError,
    Platform,
    PlatformMismatch,
    link_examples,
    parse_account_link,
    platform_for_host,
)
from accounts.platforms.links import MAX_TEXT_LENGTH, SplitLink, clean_text, split_link


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\t\n \u00a0\u3000", "empty"),
        ("x" * (MAX_TEXT_LENGTH + 1), "too_long"),
        ("https://x.com/" + "a" * MAX_TEXT_LENGTH, "too_long"),
        (" " * (MAX_TEXT_LENGTH * 5) + "x.com/uaegov", "too_long"),
        ("\u200bUAEGov", "invisible_characters"),  # zero-width space
        ("UAE\u200dGov", "invisible_characters"),  # zero-width joiner
        ("x.com/\u202eUAEGov", "invisible_characters"),  # right-to-left override
        ("\u200fx.com/UAEGov", "invisible_characters"),  # right-to-left mark
        ("\ufeffx.com/UAEGov", "invisible_characters"),  # byte-order mark
        ("x.com/UAE\x00Gov", "invisible_characters"),
        ("x.com/uae\tgov", "invisible_characters"),  # urlsplit would silently drop the tab
        ("x.com/uae\ngov", "invisible_characters"),
        ("x\u2028.com/uaegov", "invisible_characters"),
    ],
)
def test_clean_text_refuses(text, code):
    with pytest.raises(AccountLinkError) as refusal:
        clean_text(text)
    assert refusal.value.code == code


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("  x.com/UAEGov  ", "x.com/UAEGov"),
        ("\u00a0@UAEGov\n", "@UAEGov"),
        ("x" * MAX_TEXT_LENGTH, "x" * MAX_TEXT_LENGTH),
    ],
)
def test_clean_text_strips_only_surrounding_whitespace(text, cleaned):
    assert clean_text(text) == cleaned


@pytest.mark.parametrize(
    ("text", "split"),
    [
        ("x.com/UAEGov", SplitLink("x.com", ("UAEGov",), {})),
        ("HTTP://WWW.X.COM./UAEGov/", SplitLink("www.x.com", ("UAEGov",), {})),
        ("https://x.com//a//b/?lang=ar&s=1#f", SplitLink("x.com", ("a", "b"), {"lang": ["ar"], "s": ["1"]}, "f")),
        ("https://twitter.com/#!/UAEGov", SplitLink("twitter.com", (), {}, "!/UAEGov")),
        ("https://x.com/%55AE%2FGov", SplitLink("x.com", ("UAE/Gov",), {})),  # decoded within a segment
        ("https://example.org", SplitLink("example.org", (), {})),
    ],
)
def test_split_link(text, split):
    assert split_link(text) == split


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("https://x.com:443/UAEGov", "invalid_link"),
        ("https://x.com:/UAEGov", "invalid_link"),
        ("https://user:pass@x.com/UAEGov", "invalid_link"),
        ("x.com@evil.example/UAEGov", "invalid_link"),
        ("https://x.com\\@evil.example/UAEGov", "invalid_link"),  # browsers read "\" as "/"
        ("https://[::1]/UAEGov", "invalid_link"),
        # A browser would open the last account named, not the first.
        ("https://x.com/UAEGov/../UAEG0v", "invalid_link"),
        ("https://x.com/UAEGov/%2e%2e/UAEG0v", "invalid_link"),
        ("https://x.com/UAEGov/.%2E/UAEG0v", "invalid_link"),
        ("https://x.com/./UAEGov", "invalid_link"),
        ("https://x.com/UAEGov\\..\\UAEG0v", "invalid_link"),
        ("http://[x.com/UAEGov", "invalid_link"),
        ("ftp://x.com/UAEGov", "invalid_link"),
        ("javascript://x.com/%0aalert(1)", "invalid_link"),
        ("https://localhost/UAEGov", "unknown_platform"),
        ("https://x.com../UAEGov", "unknown_platform"),
        ("https://-x.com/UAEGov", "unknown_platform"),
        ("https://x_y.com/UAEGov", "unknown_platform"),
        ("https://ｘ.com/UAEGov", "unknown_platform"),  # full-width x
        ("https://x.cοm/UAEGov", "unknown_platform"),  # Greek ο
        ("https:///UAEGov", "unknown_platform"),
    ],
)
def test_split_link_refuses(text, code):
    with pytest.raises(AccountLinkError) as refusal:
        split_link(text)
    assert refusal.value.code == code


@pytest.mark.parametrize(
    ("host", "platform"),
    [
        ("x.com", Platform.X),
        ("X.COM.", Platform.X),
        ("mobile.twitter.com", Platform.X),
        ("www.instagram.com", Platform.INSTAGRAM),
        ("web.facebook.com", Platform.FACEBOOK),
        ("ar-ar.facebook.com", Platform.FACEBOOK),
        ("instagr.am", Platform.INSTAGRAM),
        ("fb.me", Platform.FACEBOOK),
        ("m.youtube.com", Platform.YOUTUBE),
        ("youtu.be", Platform.YOUTUBE),
        ("ae.linkedin.com", Platform.LINKEDIN),
        ("www.tiktok.com", Platform.TIKTOK),
        ("snapchat.com", Platform.SNAPCHAT),
        ("telegram.dog", Platform.TELEGRAM),
        ("threads.com", Platform.THREADS),
        ("whatsapp.com", Platform.WHATSAPP),
        ("bsky.app", Platform.BLUESKY),
        ("mastodon.social", Platform.MASTODON),
        # Never a substring, suffix or prefix match.
        ("notfacebook.com", None),
        ("facebook.com.evil.example", None),
        ("x.com.evil.example", None),
        ("evil-x.com", None),
        ("twitter.co", None),
        ("instagram.com-login.example", None),
        ("xn--fcebook-2fg.com", None),
        ("fаcebook.com", None),  # Cyrillic а
        ("evil.x.com", None),
        ("www.www.x.com", None),
        ("ae.linkedin.com.evil.example", None),
        ("ar-ar.facebook.com.evil.example", None),
        ("evil.ar-ar.facebook.com", None),
        ("instagr.am.evil.example", None),
        ("www.mastodon.social", None),
        ("", None),
    ],
)
def test_platform_for_host_is_exact(host, platform):
    assert platform_for_host(host) == platform


def test_every_platform_has_hosts_and_no_host_has_two_platforms():
    assert set(PLATFORM_HOSTS) == set(Platform)
    for platform, hosts in PLATFORM_HOSTS.items():
        assert hosts
        for host in hosts:
            assert platform_for_host(host) == platform


def test_every_platform_has_examples_that_read_as_that_platform():
    examples = link_examples()
    assert set(examples) == set(Platform)
    for platform, forms in examples.items():
        assert forms
        for form in forms:
            if "xxxx" in form:  # a placeholder id, not a real one
                continue
            assert parse_account_link(form, platform).platform == platform


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        (Platform.X, Platform.X),
        ("x", Platform.X),
        (" X ", Platform.X),
        ("Instagram", Platform.INSTAGRAM),
    ],
)
def test_platform_may_be_given_as_the_enum_or_its_value(platform, expected):
    assert parse_account_link("@uaegov", platform).platform == expected


@pytest.mark.parametrize(
    ("text", "platform", "code"),
    [
        ("@UAEGov", "twitter", "unknown_platform"),
        ("@UAEGov", "nope", "unknown_platform"),
        ("@UAEGov", 42, "unknown_platform"),
        ("@UAEGov", "", "platform_required"),  # an empty choice from a form is no choice
        ("@UAEGov", None, "platform_required"),
        ("UAEGov", None, "platform_required"),
        ("c/UAEGov", None, "platform_required"),
        ("https://social.example.ae/@uaegov", None, "unknown_platform"),
        ("https://x.com/UAEGov", Platform.INSTAGRAM, "platform_mismatch"),
        ("instagram.com/uaegov", "x", "platform_mismatch"),
        ("x.com", "bluesky", "not_an_account"),  # the link is the truth: no account, whatever was chosen
        ("notfacebook.com/UAEGov", "facebook", "unknown_platform"),
        ("x.com.evil.example/UAEGov", "x", "unknown_platform"),
        ("x.com.evil.example", "x", "invalid_handle"),  # read as a handle, and not a valid one
    ],
)
def test_dispatcher_refuses(text, platform, code):
    with pytest.raises(AccountLinkError) as refusal:
        parse_account_link(text, platform)
    assert refusal.value.code == code


@pytest.mark.parametrize(
    ("text", "chosen", "found", "handle_key"),
    [
        ("https://www.facebook.com/UAEGov", "x", Platform.FACEBOOK, "uaegov"),  # a Facebook link filed as X
        ("https://www.youtube.com/@UAEGov", Platform.FACEBOOK, Platform.YOUTUBE, "@uaegov"),
        ("youtube.com/parkscanada/videos", "facebook", Platform.YOUTUBE, "c/parkscanada"),
        ("twitter.com/@NewsroomGC", "instagram", Platform.X, "newsroomgc"),
        ("https://mastodon.social/@uaegov", "bluesky", Platform.MASTODON, "uaegov@mastodon.social"),
    ],
)
def test_a_link_of_another_platform_than_chosen_says_both_and_what_the_link_is(text, chosen, found, handle_key):
    with pytest.raises(PlatformMismatch) as refusal:
        parse_account_link(text, chosen)
    mismatch = refusal.value
    assert (mismatch.code, mismatch.found, mismatch.chosen) == ("platform_mismatch", found, Platform(chosen))
    # The link is the truth: the account is the one the link alone reads as.
    assert mismatch.account == parse_account_link(text)
    assert mismatch.account.handle_key == handle_key
    assert found.label in mismatch.message and Platform(chosen).label in mismatch.message
    assert mismatch.account.canonical_url in mismatch.message


@pytest.mark.parametrize(
    ("text", "chosen", "code"),
    [
        ("https://www.facebook.com/watch?v=1", "x", "not_an_account"),
        ("https://www.youtube.com/results?search_query=uae", "facebook", "not_an_account"),
        ("x.com/this_handle_is_too_long", "facebook", "invalid_handle"),
    ],
)
def test_a_link_of_another_platform_that_names_no_account_is_refused_for_that(text, chosen, code):
    with pytest.raises(AccountLinkError) as refusal:
        parse_account_link(text, chosen)
    assert refusal.value.code == code and not isinstance(refusal.value, PlatformMismatch)


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ("notfacebook.com", None),
        ("https://www.instagram.com/p/abc/", None),
        ("@UAEGov", None),
        ("x.com/this_handle_is_too_long", None),
        ("https://x.com/UAEGov", "instagram"),
        ("", None),
        ("https://social.example.ae/@uaegov", None),
    ],
)
def test_refusals_carry_a_finished_sentence(text, platform):
    with pytest.raises(AccountLinkError) as refusal:
        parse_account_link(text, platform)
    message = refusal.value.message
    assert message and message.endswith(".") and "%(" not in message
    assert str(refusal.value) == message


# Pieces people paste, and pieces attackers use, combined at random below.
_PIECES = [
    "https://", "http://", "HTTPS://", "ftp://", "//", "www.", "m.", "mobile.", "web.", "ae.",
    "x.com", "twitter.com", "instagram.com", "facebook.com", "fb.me", "youtube.com", "youtu.be",
    "linkedin.com", "tiktok.com", "vm.tiktok.com", "snapchat.com", "t.me", "threads.net", "threads.com",
    "whatsapp.com", "wa.me", "bsky.app", "mastodon.social", "evil.example", "xn--80ak6aa92e.com",
    "/", "/", "/", "@", "@", ".", ":", ":8080", "?", "#", "&", "=", "%", "%2F", "%40", "%E2%80%8B", "%zz",
    "\\", "[", "]", "..", "-", "_", " ", "+",
    "UAEGov", "uaegov", "status", "123", "p", "reel", "stories", "profile", "profile.php", "id",
    "channel", "UCaBcDeFgHiJkLmNoPqRsT_-", "c", "user", "company", "in", "showcase", "add", "s", "post",
    "video", "people", "users", "did:plc:z72i7hdynmk6r22z27h6tvur", "gov.ae", "bsky.social",
    "0029VaAbCdEfGhIjKlMnOp1q", "home", "share", "watch?v=", "lang=ar",
    "а", "ο", "ｘ", "حكومة", "\u200b", "\u202e", "\x00", "\t", "\ud800", "\U0001f600", "ß", "İ", "ﬁ",
]
_PLATFORM_CHOICES: list[Platform | str | None] = [None, None, None, *Platform, "nope"]


def _random_texts(count: int) -> list[tuple[str, Platform | str | None]]:
    chooser = random.Random(20261126)  # fixed, so a failure can be replayed
    texts = []
    for _ in range(count):
        text = "".join(chooser.choice(_PIECES) for _ in range(chooser.randint(1, 9)))
        texts.append((text, chooser.choice(_PLATFORM_CHOICES)))
    return texts


def test_never_raises_anything_else_and_reads_its_own_canonical_links_back():
    accepted = 0
    for text, platform in _random_texts(20000):
        try:
            account = parse_account_link(text, platform)
        except AccountLinkError as refusal:
            assert refusal.code and refusal.message
            continue
        accepted += 1
        assert isinstance(account, AccountLink)
        assert account.handle and account.handle_key
        assert parse_account_link(account.canonical_url, account.platform) == account, (text, platform)
        if platform_for_host(urlsplit(account.canonical_url).hostname or "") == account.platform:
            assert parse_account_link(account.canonical_url) == account, (text, platform)
    assert accepted > 100  # the generator does reach accepted links, so the round trip is exercised
