"""Instagram: reading account links and handles."""
from __future__ import annotations

import re

from django.utils.translation import gettext as _

from accounts.platforms.links import (
    AccountLink,
    HandleRule,
    Platform,
    SplitLink,
    not_an_account,
    post_without_account,
    with_prefixes,
)

PLATFORM = Platform.INSTAGRAM
HOSTS = with_prefixes(["instagram.com"])
# Threads uses the same handles. A dot may not start or end one, nor follow another.
HANDLE = re.compile(r"(?!\.)(?!.*\.\.)(?!.*\.\Z)[A-Za-z0-9._]{1,30}")
EXAMPLE = "https://www.instagram.com/uaegov/"

# Posts, reels and videos: the link has only the media's code, not the account.
_MEDIA = frozenset({"p", "reel", "reels", "tv"})
# Instagram's own pages, never accounts.
RESERVED = frozenset({
    "about", "accounts", "api", "challenge", "developer", "direct", "directory", "emails", "explore",
    "graphql", "legal", "lite", "oauth", "press", "privacy", "s", "session", "terms", "web",
})
# Paths that name an account in their second segment.
_ACCOUNT_PREFIXES = frozenset({"stories", "_u"})


def rule() -> str:
    return _("1 to 30 letters (A–Z), digits, dots or underscores; no dot first, last or twice in a row.")


HANDLE_RULE = HandleRule(
    PLATFORM,
    HANDLE,
    rule,
    canonical_url="https://www.instagram.com/{handle}/",
    reserved=RESERVED | _MEDIA | _ACCOUNT_PREFIXES,  # a bare "p" would give /p/
)


def parse_link(link: SplitLink) -> AccountLink:
    segments = link.segments
    first = segments[0].lower() if segments else ""
    if first in _MEDIA:
        raise post_without_account(PLATFORM, EXAMPLE)
    if first in _ACCOUNT_PREFIXES and len(segments) >= 2:
        # /stories/{handle}/{id} and the app's /_u/{handle} name the account; /stories/highlights/ does not.
        if segments[1].lower() == "highlights":
            raise not_an_account(PLATFORM, EXAMPLE)
        return HANDLE_RULE.account(segments[1])
    if not first or first in RESERVED or first in _ACCOUNT_PREFIXES:
        raise not_an_account(PLATFORM, EXAMPLE)
    # /{handle}/, /{handle}/reels/, /{handle}/p/{code}/ all name the account.
    return HANDLE_RULE.account(segments[0])


parse_handle = HANDLE_RULE.parse_handle

LINKS = HANDLE_RULE.link_rules(
    HOSTS, parse_link, examples=(EXAMPLE, "https://www.instagram.com/stories/uaegov/", "@uaegov")
)
