"""X (formerly Twitter): reading account links and handles."""
from __future__ import annotations

import re

from django.utils.translation import gettext as _

from accounts.platforms.links import (
    AccountLink,
    LinkRules,
    Platform,
    SplitLink,
    check_handle,
    not_an_account,
    reserved_name,
    strip_at,
    with_prefixes,
)

PLATFORM = Platform.X
HOSTS = with_prefixes(["x.com", "twitter.com"])
_HANDLE = re.compile(r"[A-Za-z0-9_]{1,15}")

# First path segments that are X's own pages, not accounts. Most are also too short or
# otherwise impossible to register, but the list keeps e.g. /home from reading as @home.
RESERVED = frozenset({
    "about", "account", "compose", "download", "explore", "hashtag", "help", "home", "i", "intent",
    "jobs", "login", "logout", "messages", "notifications", "oauth", "privacy", "rules", "search",
    "settings", "share", "signup", "tos", "who_to_follow",
})


def _rule() -> str:
    return _("1 to 15 letters (A–Z), digits or underscores.")


def _account(handle: str) -> AccountLink:
    check_handle(handle, _HANDLE, PLATFORM, _rule())
    if handle.lower() in RESERVED:  # a bare "home" would give https://x.com/home
        raise reserved_name(handle, PLATFORM)
    return AccountLink(
        platform=PLATFORM, handle=handle, handle_key=handle.lower(), canonical_url=f"https://x.com/{handle}"
    )


def parse_link(link: SplitLink) -> AccountLink:
    # /{handle}, and everything under it (/{handle}/status/{id}, /{handle}/media...) names the account.
    if not link.segments or link.segments[0].lower() in RESERVED:
        raise not_an_account(PLATFORM, "https://x.com/UAEGov")
    return _account(link.segments[0])


def parse_handle(text: str) -> AccountLink:
    return _account(strip_at(text))


LINKS = LinkRules(
    platform=PLATFORM,
    hosts=HOSTS,
    parse_link=parse_link,
    parse_handle=parse_handle,
    examples=("https://x.com/UAEGov", "https://twitter.com/UAEGov/status/1234567890", "@UAEGov"),
)
