"""Reading Threads links and handles: accepted forms, refusals, canonical links."""
from __future__ import annotations

from accounts.platforms import AccountLink, Platform
from tests.platforms.table import handle_keys, table_tests


def threads(handle: str) -> AccountLink:
    return AccountLink(Platform.THREADS, handle, handle.lower(), f"https://www.threads.com/@{handle}")


ACCEPTED = [
    ("https://www.threads.com/@uaegov", None, threads("uaegov")),
    ("https://www.threads.net/@uaegov", None, threads("uaegov")),
    ("threads.net/@UAEGov", None, threads("UAEGov")),
    ("http://threads.com/@uaegov/", None, threads("uaegov")),
    ("HTTPS://WWW.THREADS.NET/@UAEGOV", None, threads("UAEGOV")),
    ("https://www.threads.net/@uaegov?xmt=AQGz#top", None, threads("uaegov")),
    ("https://www.threads.net/@uaegov/post/C1a2b3c4d5e?xmt=abc", None, threads("uaegov")),
    ("m.threads.net/@uae.gov_1", None, threads("uae.gov_1")),
    ("@uaegov", "threads", threads("uaegov")),
    ("UAEGov", Platform.THREADS, threads("UAEGov")),
]

REFUSED = [
    ("threads.net.evil.example/@uaegov", None, "unknown_platform"),
    ("notthreads.net/@uaegov", None, "unknown_platform"),
    ("threads.co/@uaegov", None, "unknown_platform"),
    ("https://threads.net@evil.example/@uaegov", None, "invalid_link"),
    ("https://www.threads.net/uaegov", None, "not_an_account"),
    ("https://www.threads.net/search?q=uae", None, "not_an_account"),
    ("https://www.threads.net/t/C1a2b3c4d5e", None, "not_an_account"),
    ("https://www.threads.net/", None, "not_an_account"),
    ("https://www.threads.net/@uae-gov", None, "invalid_handle"),
    ("@uаegov", "threads", "invalid_handle"),  # a Cyrillic а
    ("@uaegov", None, "platform_required"),
    ("https://www.threads.net/@uaegov", "instagram", "platform_mismatch"),
]


test_accepted, test_canonical_link_reads_back_the_same, test_refused = table_tests(ACCEPTED, REFUSED)


def test_spellings_of_one_account_share_a_key():
    spellings = ["https://www.threads.net/@UAEGov", "threads.com/@uaegov/post/x", "@UAEGOV"]
    assert handle_keys(spellings, "threads") == {"uaegov"}
