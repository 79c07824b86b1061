"""Numbers as people type them on either keyboard: Western, Arabic-Indic or Persian digits, with
the separators they put between thousands."""
from __future__ import annotations

import re

# Arabic keyboards type Arabic-Indic digits (٠١٢…) or their Persian forms (۰۱۲…).
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

# What people put between thousands, by kind: one number uses one kind, so "1,234.5" is not
# read as 12345. The comma, the Arabic comma and the Arabic thousands separator are one kind;
# the full stop is European keyboards' (225.000); spaces of every width are the third.
_SEPARATOR_KIND = {
    ",": "comma", "،": "comma", "٬": "comma",
    ".": "point",
    " ": "space", "\u00a0": "space", "\u2009": "space", "\u202f": "space", "\u2007": "space",
}
# Invisible direction marks a number copied from an Arabic page carries: no digit is in them.
_DIRECTION_MARKS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_GROUPED = re.compile(r"[0-9]{1,3}(?:[^0-9][0-9]{3})*")


class NotACount(ValueError):
    """What was typed is not a whole number in digits. `reason` says why, for the sentence
    shown: "characters" (something other than digits and separators) or "grouping" (separators
    not between groups of three digits, as in a decimal "12.5" or "1,2")."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def parse_typed_count(text: str) -> int:
    """The whole number `text` writes, in any of the three sets of digits, with or without
    separators between thousands. Nothing is dropped: anything else raises NotACount."""
    typed = _DIRECTION_MARKS.sub("", text).strip().translate(DIGITS)
    kinds = set()
    for character in typed:
        if character in _SEPARATOR_KIND:
            kinds.add(_SEPARATOR_KIND[character])
        elif not ("0" <= character <= "9"):
            raise NotACount("characters")
    if not typed or not typed[0].isdigit() or not typed[-1].isdigit():
        raise NotACount("characters" if not typed or not kinds else "grouping")
    if kinds and (len(kinds) > 1 or not _GROUPED.fullmatch(typed)):
        raise NotACount("grouping")
    return int(re.sub("[^0-9]", "", typed))
