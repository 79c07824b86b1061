"""Threads: reading account links and handles (the same handles as Instagram)."""
from __future__ import annotations

from accounts.platforms import instagram
from accounts.platforms.links import (
    AccountLink,
    LinkRules,
    Platform,
    SplitLink,
    check_handle,
    not_an_account,
    strip_at,
    with_prefixes,
)

PLATFORM = Platform.THREADS
HOSTS = with_prefixes(["threads.net", "threads.com"])
EXAMPLE = "https://www.threads.com/@uaegov"


def _account(handle: str) -> AccountLink:
    check_handle(handle, instagram.HANDLE, PLATFORM, instagram.rule())
    return AccountLink(
        platform=PLATFORM,
        handle=handle,
        handle_key=handle.lower(),
        canonical_url=f"https://www.threads.com/@{handle}",
    )


def parse_link(link: SplitLink) -> AccountLink:
    first = link.segments[0] if link.segments else ""
    if not first.startswith("@"):
        raise not_an_account(PLATFORM, EXAMPLE)
    # /@{handle}/post/{code} names the account too.
    return _account(first[1:])


def parse_handle(text: str) -> AccountLink:
    return _account(strip_at(text))


LINKS = LinkRules(
    platform=PLATFORM,
    hosts=HOSTS,
    parse_link=parse_link,
    parse_handle=parse_handle,
    examples=(EXAMPLE, "https://www.threads.net/@uaegov/post/C1a2b3c4d5e", "@uaegov"),
)
