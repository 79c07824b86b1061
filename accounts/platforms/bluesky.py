"""Bluesky: reading profile links, domain handles and DIDs."""
from __future__ import annotations

import re

from django.utils.translation import gettext as _

from accounts.platforms.links import (
    AccountLink,
    LinkRules,
    Platform,
    SplitLink,
    invalid_handle,
    not_an_account,
    strip_at,
    with_prefixes,
)

PLATFORM = Platform.BLUESKY
HOSTS = with_prefixes(["bsky.app"])
EXAMPLE = "https://bsky.app/profile/uaegov.bsky.social"

# AT Protocol handle syntax: a DNS name of letters, digits and hyphens, at least two labels,
# the last starting with a letter, at most 253 characters.
_HANDLE = re.compile(
    r"(?=.{1,253}\Z)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
)
# Top-level names the protocol refuses for handles.
_DISALLOWED_TLDS = frozenset({
    "alt", "arpa", "example", "internal", "invalid", "local", "localhost", "onion", "test",
})
# did:plc ids are lower-case base32; did:web names a domain. Both are permanent, so case is kept.
_DID = re.compile(r"did:plc:[a-z2-7]{24}|did:web:[a-z0-9.-]{1,253}")


def _rule() -> str:
    return _("a domain name such as uaegov.bsky.social, or a did:plc: identifier.")


def _account(value: str) -> AccountLink:
    if value.startswith("did:"):
        if not _DID.fullmatch(value):
            raise invalid_handle(value, PLATFORM, _rule())
        key = value
    else:
        if not _HANDLE.fullmatch(value) or value.rsplit(".", 1)[-1].lower() in _DISALLOWED_TLDS:
            raise invalid_handle(value, PLATFORM, _rule())
        key = value.lower()  # handles are domain names: case does not matter
    return AccountLink(
        platform=PLATFORM, handle=value, handle_key=key, canonical_url=f"https://bsky.app/profile/{value}"
    )


def parse_link(link: SplitLink) -> AccountLink:
    segments = link.segments
    if len(segments) >= 2 and segments[0].lower() == "profile":
        # /profile/{handle}/post/{id}, /profile/{handle}/feed/{name} name the account too.
        return _account(strip_at(segments[1]))
    raise not_an_account(PLATFORM, EXAMPLE)


def parse_handle(text: str) -> AccountLink:
    return _account(strip_at(text))


LINKS = LinkRules(
    platform=PLATFORM,
    hosts=HOSTS,
    parse_link=parse_link,
    parse_handle=parse_handle,
    examples=(
        EXAMPLE,
        "https://bsky.app/profile/uaegov.bsky.social/post/3kabcdefghi2x",
        "@uaegov.bsky.social",
    ),
)
