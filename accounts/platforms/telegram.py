"""Telegram: reading public channel and account links and user names."""
from __future__ import annotations

import re

from django.utils.translation import gettext as _

from accounts.platforms.links import AccountLink, HandleRule, Platform, SplitLink, not_an_account, with_prefixes

PLATFORM = Platform.TELEGRAM
HOSTS = with_prefixes(["t.me", "telegram.me", "telegram.dog"])
EXAMPLE = "https://t.me/uaegov"
_NAME = re.compile(r"[A-Za-z0-9_]{5,32}")

# Telegram's own paths: invites (joinchat/+...), sticker sets, sharing, private posts (/c/)...
RESERVED = frozenset({
    "addemoji", "addlist", "addstickers", "addtheme", "bg", "boost", "c", "confirmphone", "contact",
    "giftcode", "invoice", "iv", "joinchat", "login", "m", "proxy", "setlanguage", "share", "socks",
})


def _rule() -> str:
    return _("5 to 32 letters (A–Z), digits or underscores.")


# A bare "joinchat" would give https://t.me/joinchat: refused as Telegram's own page.
HANDLE_RULE = HandleRule(PLATFORM, _NAME, _rule, canonical_url="https://t.me/{handle}", reserved=RESERVED)


def parse_link(link: SplitLink) -> AccountLink:
    segments = link.segments
    if segments and segments[0].lower() == "s":
        segments = segments[1:]  # /s/{name} is the channel's web preview
    first = segments[0] if segments else ""
    if not first or first.lower() in RESERVED or first.startswith("+"):
        raise not_an_account(PLATFORM, EXAMPLE)
    # /{name} and /{name}/{message id} name the channel.
    return HANDLE_RULE.account(first)


parse_handle = HANDLE_RULE.parse_handle

LINKS = HANDLE_RULE.link_rules(HOSTS, parse_link, examples=(EXAMPLE, "https://t.me/s/uaegov", "@uaegov"))
