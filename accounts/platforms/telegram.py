"""Telegram: reading public channel and account links and user names."""
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


def _account(name: str) -> AccountLink:
    check_handle(name, _NAME, PLATFORM, _rule())
    if name.lower() in RESERVED:  # a bare "joinchat" would give https://t.me/joinchat
        raise reserved_name(name, PLATFORM)
    return AccountLink(
        platform=PLATFORM, handle=name, handle_key=name.lower(), canonical_url=f"https://t.me/{name}"
    )


def parse_link(link: SplitLink) -> AccountLink:
    segments = link.segments
    if segments and segments[0].lower() == "s":
        segments = segments[1:]  # /s/{name} is the channel's web preview
    first = segments[0] if segments else ""
    if not first or first.lower() in RESERVED or first.startswith("+"):
        raise not_an_account(PLATFORM, EXAMPLE)
    # /{name} and /{name}/{message id} name the channel.
    return _account(first)


def parse_handle(text: str) -> AccountLink:
    return _account(strip_at(text))


LINKS = LinkRules(
    platform=PLATFORM,
    hosts=HOSTS,
    parse_link=parse_link,
    parse_handle=parse_handle,
    examples=(EXAMPLE, "https://t.me/s/uaegov", "@uaegov"),
)
