"""X (formerly Twitter): reading account links and handles."""
from __future__ import annotations

import re

from django.utils.translation import gettext as _

from accounts.platforms.links import AccountLink, HandleRule, Platform, SplitLink, not_an_account, with_prefixes

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


# A bare "home" would give https://x.com/home: refused as X's own page.
HANDLE_RULE = HandleRule(PLATFORM, _HANDLE, _rule, canonical_url="https://x.com/{handle}", reserved=RESERVED)


def parse_link(link: SplitLink) -> AccountLink:
    # /{handle}, and everything under it (/{handle}/status/{id}, /{handle}/media...) names the account.
    if not link.segments or link.segments[0].lower() in RESERVED:
        raise not_an_account(PLATFORM, "https://x.com/UAEGov")
    return HANDLE_RULE.account(link.segments[0])


parse_handle = HANDLE_RULE.parse_handle

LINKS = HANDLE_RULE.link_rules(
    HOSTS, parse_link, examples=("https://x.com/UAEGov", "https://twitter.com/UAEGov/status/1234567890", "@UAEGov")
)
