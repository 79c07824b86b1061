"""Handles that imitate one another: the warnings a reviewer sees before approving, and the look-alike
answers the public gets from verify.

Two handle keys look alike when a hurried reader could take one for the other:
- their skeletons are equal: after NFKC (full-width forms), dropping invisible characters and
  combining marks, folding every Unicode confusable to its ASCII prototype (TR39's confusables
  data, shipped by `confusable-homoglyphs`: Cyrillic "а", Greek "ο", "ℓ"...), which catches mixed-
  and whole-script look-alikes, then folding the swaps people make by hand (0/o, 1/l/I, 5/s, rn/m...)
  and separators;
- one is the other plus words impostors add (official, uae, gov, news, real...);
- they are a small edit apart (1 for short handles, 2 for handles of 10 characters or more).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from confusable_homoglyphs.confusables import confusables_data

from accounts.models import Channel, Status

_SWAPS = [("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("i", "l"), ("|", "l"), ("5", "s"), ("3", "e"),
          ("4", "a"), ("7", "t"), ("8", "b"), ("$", "s")]
_SEPARATORS = re.compile(r"[\s._\-·•'’]")
_WORDS = ("official", "offical", "oficial", "real", "the", "uae", "gov", "ae", "news", "team", "page",
          "account", "online", "media", "info")
# Around the official handle (never inside it), also short tags: "uaegov_ar", "uaegov.tv".
_TAGS = _WORDS + ("tv", "hq", "en", "ar", "ad", "dxb", "dubai", "abudhabi", "co", "org", "com", "x")

_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Mn", "Me"})


@lru_cache(maxsize=8192)
def _prototype(char: str) -> str:
    """The ASCII character a non-ASCII one imitates (TR39 confusables), or the character itself."""
    if char.isascii():
        return char
    for glyph in confusables_data.get(char, ()):
        shown = glyph["c"].replace("\u200e", "").replace("\u200f", "")
        if len(shown) == 1 and shown.isascii() and shown.isprintable():
            return shown
    return char


def ascii_fold(text: str) -> str:
    """The text as it reads: full-width forms, invisible characters, accents and confusables folded.

    Keeps case and punctuation, so a folded link can be parsed again ("x.cоm/uаegov" → "x.com/uaegov").
    """
    text = unicodedata.normalize("NFKC", text)
    text = "".join(char for char in unicodedata.normalize("NFD", text) if unicodedata.category(char) not in _HIDDEN)
    return "".join(_prototype(char) for char in unicodedata.normalize("NFC", text))


@lru_cache(maxsize=8192)
def skeleton(key: str) -> str:
    """What a key looks like to a hurried reader: confusables, look-alike characters and separators folded."""
    folded = "".join(_prototype(char) for char in ascii_fold(key).casefold())
    folded = _SEPARATORS.sub("", folded)
    for seen, meant in _SWAPS:
        folded = folded.replace(seen, meant)
    return folded


def _words_pattern(words: Iterable[str]) -> str:
    # Matched against skeletons, so the words are folded the same way ("official" reads "offlclal").
    return "|".join(sorted({skeleton(word) for word in words}, key=len, reverse=True))


_ADDED_WORDS = re.compile(_words_pattern(_WORDS))
_ONLY_TAGS = re.compile("(?:" + _words_pattern(_TAGS) + r"|\d)*")


def _bare(folded: str) -> str:
    return _ADDED_WORDS.sub("", folded)


def _only_added_words(rest: str) -> bool:
    return _ONLY_TAGS.fullmatch(rest) is not None


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance with adjacent swaps, or limit + 1 once it is known to be larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _skeletons_alike(sa: str, sb: str) -> bool:
    if sa == sb:
        return True
    shorter, longer = sorted((sa, sb), key=len)
    # The official handle plus added words and separators: "uaegov_official", "real.uaegov", "uaegovnews".
    if len(shorter) >= 4 and shorter in longer:
        start = longer.index(shorter)
        if _only_added_words(longer[:start]) and _only_added_words(longer[start + len(shorter):]):
            return True
    ba, bb = _bare(sa), _bare(sb)
    if len(ba) >= 3 and ba == bb:
        return True
    shortest = min(len(sa), len(sb))
    if shortest >= 10:
        return edit_distance(sa, sb, 2) <= 2
    if shortest >= 5:
        return edit_distance(sa, sb, 1) <= 1
    return False


def looks_alike(a: str, b: str) -> bool:
    """Whether two different handle keys could be taken for one another."""
    if a == b:
        return False
    return _skeletons_alike(skeleton(a), skeleton(b))


def imitated(key: str, candidates: Iterable[Channel], *, exact_counts: bool = False) -> list[Channel]:
    """The candidates whose handle `key` imitates; with exact_counts, an equal key counts too (for text
    that only reads as the handle after folding, such as one with a Cyrillic letter in it)."""
    folded = skeleton(key)
    found = []
    for channel in candidates:
        if channel.handle_key == key and not exact_counts:
            continue
        if channel.handle_key == key or _skeletons_alike(folded, skeleton(channel.handle_key)):
            found.append(channel)
    return found


def approved_channels(platform: str | None = None) -> list[Channel]:
    """The live official channels (with owners) look-alikes are checked against; one query."""
    channels = Channel.public_objects.with_owner().filter(status=Status.APPROVED).order_by("handle_key", "pk")
    if platform:
        channels = channels.filter(platform=platform)
    return list(channels)


def similar_live_channels(channel: Channel) -> list[Channel]:
    """Live registrations on the same platform whose handle this one imitates (or is imitated by)."""
    others = Channel.private_objects.live().with_owner().filter(platform=channel.platform).exclude(pk=channel.pk)
    return [other for other in others if looks_alike(channel.handle_key, other.handle_key)]
