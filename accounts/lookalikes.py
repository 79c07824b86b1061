"""Handles that imitate one another: the warnings a reviewer sees before approving, and (in the
verify issue) the look-alike answers the public gets.

A first, simple model: two handle keys look alike when they are equal after folding the
characters people swap to fool a reader (0/o, 1/l/i, 5/s, rn/m, vv/w, separators), after
dropping the words impostors add (official, uae, gov...), or when they differ by one edit.
"""
from __future__ import annotations

import re

from accounts.models import Channel

_SWAPS = [("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("i", "l"), ("|", "l"), ("5", "s"), ("3", "e"),
          ("4", "a"), ("7", "t"), ("8", "b")]
_SEPARATORS = re.compile(r"[._\-]")
_ADDED_WORDS = re.compile(r"(official|offical|real|the|uae|gov|ae|news|team|page|account|online)")


def skeleton(key: str) -> str:
    """What a key looks like to a hurried reader: look-alike characters and separators folded."""
    folded = _SEPARATORS.sub("", key.lower())
    for seen, meant in _SWAPS:
        folded = folded.replace(seen, meant)
    return folded


def _bare(key: str) -> str:
    return _ADDED_WORDS.sub("", skeleton(key))


def _one_edit_apart(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)):] == b[i + 1:]


def looks_alike(a: str, b: str) -> bool:
    if a == b:
        return False
    sa, sb = skeleton(a), skeleton(b)
    if sa == sb:
        return True
    ba, bb = _bare(a), _bare(b)
    if len(ba) >= 3 and ba == bb:
        return True
    return min(len(sa), len(sb)) >= 5 and _one_edit_apart(sa, sb)


def similar_live_channels(channel: Channel) -> list[Channel]:
    """Live registrations on the same platform whose handle this one imitates (or is imitated by)."""
    others = Channel.private_objects.live().with_owner().filter(platform=channel.platform).exclude(pk=channel.pk)
    return [other for other in others if looks_alike(channel.handle_key, other.handle_key)]
