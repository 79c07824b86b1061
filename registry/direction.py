"""Values inserted into sentences, kept whole whatever the sentence's reading direction.

An Arabic sentence that quotes a handle, a link, a signed number or an English phrase reorders
it by the Unicode bidi rules: "@UAEGov" shows as "UAEGov@", "(−33%)" as "(%33−)", "(User not
found.)" as "(.User not found)". Isolating the value makes it one neutral unit of the sentence,
laid out inside in its own direction. Python builds plain text (emails, API messages, form errors,
flash messages) with Unicode isolates (`isolate`); templates use the `isolate` filter of the
`direction` library, which writes a `<bdi>` element. Both are the only ways values are inserted,
so a sentence reads the same in a page, an email and the API. Machine-read values (codes,
URLs, handles as JSON fields) are never isolated: only the sentences people read are.
"""
from __future__ import annotations

from typing import Any

FIRST_STRONG_ISOLATE = "\u2068"  # FSI: the value's direction from its first letter
LEFT_TO_RIGHT_ISOLATE = "\u2066"  # LRI: always left to right (links, handles, signed numbers)
POP_DIRECTIONAL_ISOLATE = "\u2069"  # PDI: closes either
ISOLATES = (FIRST_STRONG_ISOLATE, LEFT_TO_RIGHT_ISOLATE, POP_DIRECTIONAL_ISOLATE)


def isolate(value: Any, *, ltr: bool = False) -> str:
    """The value as text, isolated for a plain-text sentence.

    `ltr` for what always reads left to right whatever its letters (a link, a handle, a signed
    number or percentage, a domain); otherwise the value's first letter decides (a name that may
    be Arabic or English, a platform's own error text). An empty value stays empty.
    """
    text = str(value)
    if not text:
        return text
    return (LEFT_TO_RIGHT_ISOLATE if ltr else FIRST_STRONG_ISOLATE) + text + POP_DIRECTIONAL_ISOLATE


def without_isolates(text: str) -> str:
    """The text with the isolates taken out, for a terminal, which lays none out (a command's output)."""
    return text.translate({ord(mark): None for mark in ISOLATES})
