"""Snapchat: reading public profile links and user names."""
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
    strip_at,
    with_prefixes,
)

PLATFORM = Platform.SNAPCHAT
HOSTS = with_prefixes(["snapchat.com"])
EXAMPLE = "https://www.snapchat.com/add/uaegov"
_HANDLE = re.compile(r"[A-Za-z0-9._-]{3,15}")


def _rule() -> str:
    return _("3 to 15 letters (A–Z), digits, dots, hyphens or underscores.")


def _account(handle: str) -> AccountLink:
    check_handle(handle, _HANDLE, PLATFORM, _rule())
    return AccountLink(
        platform=PLATFORM,
        handle=handle,
        handle_key=handle.lower(),
        canonical_url=f"https://www.snapchat.com/add/{handle}",
    )


def parse_link(link: SplitLink) -> AccountLink:
    segments = link.segments
    first = segments[0] if segments else ""
    if first.lower() == "add" and len(segments) >= 2:
        return _account(segments[1])
    if first.startswith("@"):
        return _account(first[1:])  # the newer /@{handle} profile form (and what follows it)
    # /t/ share links, /spotlight/, /lens/, /discover/...: not a profile.
    raise not_an_account(PLATFORM, EXAMPLE)


def parse_handle(text: str) -> AccountLink:
    return _account(strip_at(text))


LINKS = LinkRules(
    platform=PLATFORM,
    hosts=HOSTS,
    parse_link=parse_link,
    parse_handle=parse_handle,
    examples=(EXAMPLE, "https://www.snapchat.com/@uaegov", "uaegov"),
)
