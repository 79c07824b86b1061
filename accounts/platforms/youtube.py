"""YouTube: reading channel links (@handle, channel id, custom and legacy names) and handles."""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from django.utils.translation import gettext as _

from accounts.platforms.links import (
    AccountLink,
    AccountLinkError,
    LinkRules,
    Platform,
    SplitLink,
    invalid_handle,
    not_an_account,
    post_without_account,
    shown,
    with_prefixes,
)

PLATFORM = Platform.YOUTUBE
# youtu.be links are always videos; it is listed so they are refused as such, not as an unknown site.
SHORT_HOSTS = with_prefixes(["youtu.be"], ("", "www."))
HOSTS = with_prefixes(["youtube.com"]) | SHORT_HOSTS
EXAMPLE = "https://www.youtube.com/@UAEGov"

_CHANNEL_ID = re.compile(r"UC[A-Za-z0-9_-]{22}")  # ids are case-sensitive: keep them as they are
_ASCII_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")

# Videos and posts: the link has the video's id, not its channel.
_VIDEOS = frozenset({"watch", "shorts", "embed", "live", "v", "e", "clip", "playlist", "post"})


def _rule() -> str:
    return _("letters, digits, dots, hyphens or underscores; 3 to 30 of them for a handle.")


def _name(value: str, min_length: int, max_length: int) -> str:
    """A handle or custom name, if every character is a letter, digit, mark, "." "_" or "-".

    YouTube handles may be in other scripts than Latin. Text that Unicode would rewrite (not in
    NFC form, e.g. a Kelvin sign for "K") or a letter whose lower case is plain ASCII (the
    Kelvin sign again, "İ") is refused: otherwise it would share a key with an ASCII handle.
    """
    fits = (
        min_length <= len(value) <= max_length
        and unicodedata.is_normalized("NFC", value)
        and all(char in _ASCII_NAME_CHARS or _other_script_letter(char) for char in value)
    )
    if not fits or value.startswith(".") or value.endswith("."):
        raise invalid_handle(value, PLATFORM, _rule())
    return value


def _other_script_letter(char: str) -> bool:
    category = unicodedata.category(char)
    return (
        not char.isascii()
        and (category[0] in "LM" or category == "Nd")
        and not any(folded.isascii() for folded in char.lower())
    )


def _at_handle(value: str) -> AccountLink:
    handle = _name(value, 3, 30)
    return AccountLink(
        platform=PLATFORM,
        handle=f"@{handle}",
        handle_key=f"@{handle.lower()}",
        canonical_url=f"https://www.youtube.com/@{quote(handle, safe='')}",
    )


def _channel(channel_id: str) -> AccountLink:
    if not _CHANNEL_ID.fullmatch(channel_id):
        raise AccountLinkError(
            "invalid_handle",
            _("“%(id)s” is not a YouTube channel id: those are “UC” and 22 more letters, digits, “-” or “_”.")
            % {"id": shown(channel_id)},
        )
    return AccountLink(
        platform=PLATFORM,
        handle=channel_id,
        handle_key=f"channel/{channel_id}",
        canonical_url=f"https://www.youtube.com/channel/{channel_id}",
    )


def _named(namespace: str, value: str) -> AccountLink:
    # /c/{name} and /user/{name} are older, separate namespaces: the key keeps the prefix.
    name = _name(value, 1, 100)
    return AccountLink(
        platform=PLATFORM,
        handle=f"{namespace}/{name}",
        handle_key=f"{namespace}/{name.lower()}",
        canonical_url=f"https://www.youtube.com/{namespace}/{quote(name, safe='')}",
    )


def _from_segments(segments: tuple[str, ...]) -> AccountLink:
    first = segments[0] if segments else ""
    lowered = first.lower()
    if first.startswith("@"):
        return _at_handle(first[1:])  # /@{handle}/videos etc. name the channel too
    if lowered in ("channel", "c", "user") and len(segments) >= 2:
        if lowered == "channel":
            return _channel(segments[1])
        return _named(lowered, segments[1])
    if lowered in _VIDEOS:
        raise post_without_account(PLATFORM, EXAMPLE)
    # youtube.com/{name} may be a custom name or a legacy user name; refuse rather than guess.
    raise not_an_account(PLATFORM, EXAMPLE)


def parse_link(link: SplitLink) -> AccountLink:
    if link.host in SHORT_HOSTS:
        raise post_without_account(PLATFORM, EXAMPLE)
    return _from_segments(link.segments)


def parse_handle(text: str) -> AccountLink:
    if "/" in text:
        # "channel/UC...", "c/name", "user/name" typed without the site
        return _from_segments(tuple(part for part in text.split("/") if part))
    if _CHANNEL_ID.fullmatch(text):
        return _channel(text)
    return _at_handle(text.removeprefix("@"))


LINKS = LinkRules(
    platform=PLATFORM,
    hosts=HOSTS,
    parse_link=parse_link,
    parse_handle=parse_handle,
    examples=(EXAMPLE, "https://www.youtube.com/channel/UCxxxxxxxxxxxxxxxxxxxxxx", "@UAEGov"),
)
