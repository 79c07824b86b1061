"""Text normalisation for searching the register in Arabic and English, in Python and in SQL.

People type names without hamza or diacritics, with ى for ي, ه for ة, Persian letters or
Arabic-Indic digits, in any case. `normalize(text)` folds all of those to one form, and
`Normalized(expression)` is the same folding as a PostgreSQL expression built only from core
functions (normalize, lower, replace, translate, regexp_replace, btrim: no contrib
extensions), so a query normalised in Python can be matched against names normalised by the
database. The two must stay in step: tests/accounts/test_search.py runs both on the same
strings and compares them.

The SQL side uses `lower()`, which folds case one character at a time; Python's `casefold()`
also expands a few characters. The ones that occur in Latin and Greek names (ß, ẞ, İ, ς) are
mapped explicitly on both sides; exotic scripts may differ, which only costs a missed match.

The same folding is installed in the database as the function `registry_normalize(text)`
(`normalize_function_sql`), which the triggers keeping `Channel.search_text` call: a search then
compares the query's words with a stored column that an index can serve, instead of folding every
row on every search.
"""
from __future__ import annotations

import re
import unicodedata

from django.db.models import CharField, Func, Value
from django.db.models.expressions import Combinable, RawSQL
from django.db.models.sql import Query

# Each character on the left becomes the one on the right.
_MAPPED = {
    # alef with hamza above/below, with madda, wasla, wavy hamza → bare alef
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    # alef maqsura, Persian/Urdu ya, ya with hamza → ya
    "ى": "ي", "ی": "ي", "ئ": "ي",
    # ta marbuta → ha; waw with hamza → waw; Persian kaf → Arabic kaf
    "ة": "ه", "ؤ": "و", "ک": "ك",
    # Greek final sigma, as casefold() does
    "ς": "σ",
    # Arabic-Indic and Eastern (Persian/Urdu) digits → ASCII
    **{chr(0x0660 + d): str(d) for d in range(10)},
    **{chr(0x06F0 + d): str(d) for d in range(10)},
    # whitespace that NFKC leaves alone → a plain space
    "\t": " ", "\n": " ", "\v": " ", "\f": " ", "\r": " ", "\x1c": " ", "\x1d": " ", "\x1e": " ",
    "\x1f": " ", "\x85": " ", "\u1680": " ", "\u2028": " ", "\u2029": " ",
}
# Each of these is dropped: tashkeel (harakat, tanwin, shadda, sukun, hamza marks...),
# superscript alef, tatweel, and the invisible characters that split a word without showing.
_DELETED = (
    "".join(chr(c) for c in range(0x064B, 0x0660))
    + "\u0670\u0640"
    + "\u200b\u200c\u200d\u200e\u200f\u2060\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e\ufeff\u00ad"
)
_TABLE = str.maketrans({**_MAPPED, **dict.fromkeys(_DELETED)})
_SPACES = re.compile(" +")


def normalize(text: str) -> str:
    """The form names and queries are compared in. Idempotent: normalize(normalize(t)) == normalize(t)."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("İ", "i").casefold()  # PostgreSQL's lower() folds İ to a plain i
    text = text.translate(_TABLE)
    # Removing a tatweel or a mark can leave two characters that compose: compose them again.
    text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub(" ", text).strip(" ")


def search_terms(text: str | None) -> list[str]:
    """The words of a query, normalised: every one must match (the directory, the API, verify's names)."""
    return [term for term in normalize(text or "").split(" ") if term]


class Normalized(Func):
    """`normalize()` as a PostgreSQL expression over a text expression (see the module docstring)."""

    output_field = CharField()

    def __init__(self, expression: Combinable | str, **extra):
        mapped_from = "".join(_MAPPED)
        mapped_to = "".join(_MAPPED.values())
        folded = Func(Func(expression, template="normalize(%(expressions)s, NFKC)"), function="lower")
        folded = Func(folded, Value("ß"), Value("ss"), function="replace")
        translated = Func(folded, Value(mapped_from + _DELETED), Value(mapped_to), function="translate")
        recomposed = Func(translated, template="normalize(%(expressions)s, NFKC)")
        collapsed = Func(recomposed, Value(" +"), Value(" "), Value("g"), function="regexp_replace")
        super().__init__(collapsed, Value(" "), function="btrim", **extra)


NORMALIZE_FUNCTION = "registry_normalize"


def normalize_function_sql(connection) -> str:
    """`CREATE OR REPLACE FUNCTION registry_normalize(text)`: `Normalized` over its argument, as one
    immutable SQL function. A migration installs it; if `normalize` changes, a new migration must
    install it again (tests/accounts/test_search.py compares the installed function with Python)."""
    compiler = Query(None).get_compiler(connection=connection)
    sql, params = Normalized(RawSQL("$1", ())).as_sql(compiler, connection)
    body = connection.ops.compose_sql(sql, params)
    return (f"CREATE OR REPLACE FUNCTION {NORMALIZE_FUNCTION}(text) RETURNS text "
            f"LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$ SELECT {body} $fn$;")
