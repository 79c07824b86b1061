"""Threads: reading account links and handles (the same handles as Instagram)."""
from __future__ import annotations

from accounts.platforms import instagram
from accounts.platforms.links import AccountLink, HandleRule, Platform, SplitLink, not_an_account, with_prefixes

PLATFORM = Platform.THREADS
HOSTS = with_prefixes(["threads.net", "threads.com"])
EXAMPLE = "https://www.threads.com/@uaegov"

HANDLE_RULE = HandleRule(PLATFORM, instagram.HANDLE, instagram.rule, canonical_url="https://www.threads.com/@{handle}")


def parse_link(link: SplitLink) -> AccountLink:
    first = link.segments[0] if link.segments else ""
    if not first.startswith("@"):
        raise not_an_account(PLATFORM, EXAMPLE)
    # /@{handle}/post/{code} names the account too.
    return HANDLE_RULE.account(first[1:])


parse_handle = HANDLE_RULE.parse_handle

LINKS = HANDLE_RULE.link_rules(
    HOSTS, parse_link, examples=(EXAMPLE, "https://www.threads.net/@uaegov/post/C1a2b3c4d5e", "@uaegov")
)
