"""Reading Bluesky profile links, handles and DIDs: accepted forms, refusals, canonical links."""
from __future__ import annotations

from accounts.platforms import AccountLink, Platform, parse_account_link
from tests.platforms.table import handle_keys, table_tests

DID = "did:plc:z72i7hdynmk6r22z27h6tvur"


def bluesky(handle: str) -> AccountLink:
    key = handle if handle.startswith("did:") else handle.lower()
    return AccountLink(Platform.BLUESKY, handle, key, f"https://bsky.app/profile/{handle}")


ACCEPTED = [
    ("https://bsky.app/profile/uaegov.bsky.social", None, bluesky("uaegov.bsky.social")),
    ("bsky.app/profile/uaegov.gov.ae", None, bluesky("uaegov.gov.ae")),
    ("http://www.bsky.app/profile/UAEGov.bsky.social/", None, bluesky("UAEGov.bsky.social")),
    ("HTTPS://BSKY.APP/PROFILE/UAEGOV.GOV.AE", None, bluesky("UAEGOV.GOV.AE")),
    ("https://bsky.app/profile/uaegov.gov.ae?ref=x#top", None, bluesky("uaegov.gov.ae")),
    ("https://bsky.app/profile/uaegov.gov.ae/post/3kabcdefghi2x", None, bluesky("uaegov.gov.ae")),
    ("https://bsky.app/profile/@uaegov.gov.ae", None, bluesky("uaegov.gov.ae")),
    (f"https://bsky.app/profile/{DID}", None, bluesky(DID)),
    (f"https://bsky.app/profile/{DID}/post/3kabcdefghi2x", None, bluesky(DID)),
    ("@uaegov.bsky.social", "bluesky", bluesky("uaegov.bsky.social")),
    ("uaegov.gov.ae", Platform.BLUESKY, bluesky("uaegov.gov.ae")),
    (DID, "bluesky", bluesky(DID)),
]

REFUSED = [
    ("bsky.app.evil.example/profile/uaegov.gov.ae", None, "unknown_platform"),
    ("notbsky.app/profile/uaegov.gov.ae", None, "unknown_platform"),
    ("bsky.social/profile/uaegov.gov.ae", None, "unknown_platform"),
    ("uaegov.bsky.social", None, "unknown_platform"),  # a bare domain is read as a link
    ("https://bsky.app@evil.example/profile/uaegov.gov.ae", None, "invalid_link"),
    ("https://bsky.app/search?q=uae", None, "not_an_account"),
    ("https://bsky.app/profile/", None, "not_an_account"),
    ("https://bsky.app/", None, "not_an_account"),
    ("https://bsky.app/profile/uaegov", None, "invalid_handle"),  # not a domain name
    ("https://bsky.app/profile/uae_gov.bsky.social", None, "invalid_handle"),
    ("https://bsky.app/profile/uaegov.test", None, "invalid_handle"),
    ("did:plc:TOOSHORT", "bluesky", "invalid_handle"),
    ("@uaegov.bsky.social", None, "platform_required"),
    ("https://bsky.app/profile/uaegov.gov.ae", "mastodon", "platform_mismatch"),
]


test_accepted, test_canonical_link_reads_back_the_same, test_refused = table_tests(ACCEPTED, REFUSED)


def test_spellings_of_one_account_share_a_key():
    spellings = [
        "https://bsky.app/profile/UAEGov.gov.ae",
        "bsky.app/profile/uaegov.gov.ae/post/x",
        "@UAEGOV.GOV.AE",
    ]
    assert handle_keys(spellings, "bluesky") == {"uaegov.gov.ae"}


def test_a_did_and_a_handle_have_different_keys():
    by_did = parse_account_link(DID, "bluesky")
    assert by_did.handle_key == DID
    assert by_did.handle_key != parse_account_link("uaegov.gov.ae", "bluesky").handle_key
