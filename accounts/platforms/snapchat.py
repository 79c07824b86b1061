"""Snapchat: reading public profile links and user names."""
from __future__ import annotations

import re

from django.utils.translation import gettext as _

from accounts.platforms.links import AccountLink, HandleRule, Platform, SplitLink, not_an_account, with_prefixes

PLATFORM = Platform.SNAPCHAT
HOSTS = with_prefixes(["snapchat.com"])
EXAMPLE = "https://www.snapchat.com/add/uaegov"
_HANDLE = re.compile(r"[A-Za-z0-9._-]{3,15}")


def _rule() -> str:
    return _("3 to 15 letters (A–Z), digits, dots, hyphens or underscores.")


HANDLE_RULE = HandleRule(PLATFORM, _HANDLE, _rule, canonical_url="https://www.snapchat.com/add/{handle}")


def parse_link(link: SplitLink) -> AccountLink:
    segments = link.segments
    first = segments[0] if segments else ""
    if first.lower() == "add" and len(segments) >= 2:
        return HANDLE_RULE.account(segments[1])
    if first.startswith("@"):
        return HANDLE_RULE.account(first[1:])  # the newer /@{handle} profile form (and what follows it)
    # /t/ share links, /spotlight/, /lens/, /discover/...: not a profile.
    raise not_an_account(PLATFORM, EXAMPLE)


parse_handle = HANDLE_RULE.parse_handle

LINKS = HANDLE_RULE.link_rules(HOSTS, parse_link, examples=(EXAMPLE, "https://www.snapchat.com/@uaegov", "uaegov"))
