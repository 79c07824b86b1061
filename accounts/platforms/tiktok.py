"""TikTok: reading account links and handles."""
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
    post_without_account,
    strip_at,
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


def _account(handle: str) -> AccountLink:
    check_handle(handle, _HANDLE, PLATFORM, _rule())
    return AccountLink(
        platform=PLATFORM,
        handle=handle,
        handle_key=handle.lower(),
        canonical_url=f"https://www.tiktok.com/@{handle}",
    )


def parse_link(link: SplitLink) -> AccountLink:
    first = link.segments[0] if link.segments else ""
    if link.host in SHORT_HOSTS or first.lower() in ("t", "video", "embed", "v"):
        raise post_without_account(PLATFORM, EXAMPLE)
    if not first.startswith("@"):
        raise not_an_account(PLATFORM, EXAMPLE)
    # /@{handle}/video/{id}, /@{handle}/photo/{id}, /@{handle}/live name the account.
    return _account(first[1:])


def parse_handle(text: str) -> AccountLink:
    return _account(strip_at(text))


LINKS = LinkRules(
    platform=PLATFORM,
    hosts=HOSTS,
    parse_link=parse_link,
    parse_handle=parse_handle,
    examples=(EXAMPLE, "https://www.tiktok.com/@uaegov/video/7300000000000000000", "@uaegov"),
)
