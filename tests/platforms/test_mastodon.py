"""Reading Mastodon links and user@server handles: accepted forms, refusals, canonical links."""
from __future__ import annotations

from accounts.platforms import AccountLink, Platform, parse_account_link, platform_for_host
from tests.platforms.table import handle_keys, table_tests


def mastodon(user: str, server: str) -> AccountLink:
    return AccountLink(Platform.MASTODON, f"{user}@{server}", f"{user.lower()}@{server}", f"https://{server}/@{user}")


ACCEPTED = [
    ("https://mastodon.social/@uaegov", None, mastodon("uaegov", "mastodon.social")),
    ("mastodon.social/@UAEGov", None, mastodon("UAEGov", "mastodon.social")),
    ("http://MAS.TO/@uaegov/", None, mastodon("uaegov", "mas.to")),
    ("https://mstdn.social/@uaegov/111222333444555666?x=1#top", None, mastodon("uaegov", "mstdn.social")),
    ("https://fosstodon.org/@uaegov/with_replies", None, mastodon("uaegov", "fosstodon.org")),
    ("https://mastodon.social/users/uaegov", None, mastodon("uaegov", "mastodon.social")),
    # Another server's account shown on this one is that server's account.
    ("https://mastodon.social/@uaegov@social.gov.ae", None, mastodon("uaegov", "social.gov.ae")),
    ("@uaegov@mastodon.social", None, mastodon("uaegov", "mastodon.social")),
    ("UAEGov@Social.Gov.AE", None, mastodon("UAEGov", "social.gov.ae")),
    ("@uaegov@social.gov.ae", "mastodon", mastodon("uaegov", "social.gov.ae")),
    ("https://social.gov.ae/@uaegov", "mastodon", mastodon("uaegov", "social.gov.ae")),
    ("social.gov.ae/@uaegov/123", Platform.MASTODON, mastodon("uaegov", "social.gov.ae")),
]

REFUSED = [
    ("https://social.gov.ae/@uaegov", None, "unknown_platform"),  # not a well-known server: not guessed
    ("https://mastodon.social.evil.example/@uaegov", None, "unknown_platform"),
    ("https://notmastodon.social/@uaegov", None, "unknown_platform"),
    ("https://mastodon.social@evil.example/@uaegov", None, "invalid_link"),
    ("https://mastodon.social/explore", None, "not_an_account"),
    ("https://mastodon.social/", None, "not_an_account"),
    ("https://mastodon.social/@uae-gov", None, "invalid_handle"),
    ("@uaegov", "mastodon", "invalid_handle"),  # which server?
    ("uaegov@xn--mastdon-4ya.social", "mastodon", "invalid_handle"),
    ("uaegov@localhost", "mastodon", "invalid_handle"),
    # Known platforms' hosts are never Mastodon servers.
    ("uaegov@x.com", None, "platform_mismatch"),
    ("https://mastodon.social/@uaegov@www.threads.net", None, "platform_mismatch"),
    ("https://x.com/@uaegov", "mastodon", "platform_mismatch"),
    ("https://www.tiktok.com/@uaegov", "mastodon", "platform_mismatch"),
    ("https://www.youtube.com/@uaegov", "mastodon", "platform_mismatch"),
    ("https://www.threads.net/@uaegov", "mastodon", "platform_mismatch"),
    ("https://x.com/uaegov", "mastodon", "platform_mismatch"),
]


def _told_if_needed(link: AccountLink) -> Platform | None:
    # Only well-known servers are read as Mastodon without being told.
    server = link.handle_key.partition("@")[2]
    return None if platform_for_host(server) == Platform.MASTODON else Platform.MASTODON


def _read_back_as(expected: AccountLink) -> tuple[Platform | None, Platform]:
    return _told_if_needed(expected), Platform.MASTODON


test_accepted, test_canonical_link_reads_back_the_same, test_refused = table_tests(ACCEPTED, REFUSED, _read_back_as)


def test_spellings_of_one_account_share_a_key():
    spellings = [
        "https://mastodon.social/@UAEGov",
        "mastodon.social/users/uaegov",
        "@UAEGOV@mastodon.social",
        "uaegov@MASTODON.SOCIAL",
    ]
    assert handle_keys(spellings) == {"uaegov@mastodon.social"}


def test_one_name_on_two_servers_has_two_keys():
    on_one = parse_account_link("uaegov@mastodon.social")
    assert on_one.handle_key != parse_account_link("uaegov@mas.to").handle_key
