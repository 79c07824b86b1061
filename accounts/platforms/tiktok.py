"""TikTok: reading account links and handles."""
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

PLATFORM = Platform.TIKTOK
# vm./vt. are TikTok's share links: they hide the account, so they are refused as such.
SHORT_HOSTS = frozenset({"vm.tiktok.com", "vt.tiktok.com"})
HOSTS = with_prefixes(["tiktok.com"]) | SHORT_HOSTS
EXAMPLE = "https://www.tiktok.com/@uaegov"
_HANDLE = re.compile(r"[A-Za-z0-9._]{2,24}")


def _rule() -> str:
    return _("2 to 24 letters (A–Z), digits, dots or underscores.")


HANDLE_RULE = HandleRule(PLATFORM, _HANDLE, _rule, canonical_url="https://www.tiktok.com/@{handle}")


def parse_link(link: SplitLink) -> AccountLink:
    first = link.segments[0] if link.segments else ""
    if link.host in SHORT_HOSTS or first.lower() in ("t", "video", "embed", "v"):
        raise post_without_account(PLATFORM, EXAMPLE)
    if not first.startswith("@"):
        raise not_an_account(PLATFORM, EXAMPLE)
    # /@{handle}/video/{id}, /@{handle}/photo/{id}, /@{handle}/live name the account.
    return HANDLE_RULE.account(first[1:])


parse_handle = HANDLE_RULE.parse_handle

LINKS = HANDLE_RULE.link_rules(
    HOSTS, parse_link, examples=(EXAMPLE, "https://www.tiktok.com/@uaegov/video/7300000000000000000", "@uaegov")
)
