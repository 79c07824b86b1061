"""The public register as CSV: GET /api/v1/channels.csv, or ?format=csv on the channel list.

UTF-8 with a byte-order mark, so spreadsheet programs open the Arabic names right; streamed row
by row, without pagination (the whole public register, with the list's filters applied).
"""
from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework.renderers import BaseRenderer

from accounts.models import Channel
from accounts.selectors import with_activity

# The register's columns, in order: the CSV's header, the JSON's keys and the XLSX's first row, and
# what the data dictionary (accounts/public/open_data.py) says of each. A column is added here or
# nowhere, so no download can have a column its dictionary does not describe.
INTEGER, TEXT, LINK, DATE_TIME, CODE, CODES = "integer", "text", "link", "date-time", "code", "codes"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # INTEGER, TEXT...: what the dictionary calls its type
    meaning: Promise
    example: str
    empty: Promise | None = None  # what an empty cell (JSON: null or "") means; None: never empty


REGISTER_COLUMNS = (
    Column("id", INTEGER, _("The channel's number in the register; the same in the API, the change feed and "
                            "the channel's page."), "1042"),
    Column("platform", CODE, _("The platform, as the API's code (x, instagram, facebook, youtube...)."), "x"),
    Column("handle", TEXT, _(
        "The account's handle on the platform, as it appears in the account's link (on X, without the @)."
    ), "MOFAUAE"),
    Column("url", LINK, _("The account's link, as the register writes it."), "https://x.com/MOFAUAE"),
    Column("display_name", TEXT, _("The account's display name on the platform."), "MoFA UAE",
           _("No display name is recorded.")),
    Column("entity_slug", CODE, _("The entity's short name in the register's addresses."), "mofa"),
    Column("entity_name_ar", TEXT, _("The entity's name in Arabic."), "وزارة الخارجية"),
    Column("entity_name_en", TEXT, _("The entity's name in English."), "Ministry of Foreign Affairs"),
    Column("official_slug", CODE, _("The official's short name, when the account is an official's."),
           "minister-foreign-affairs", _("The account is the entity's own, not an official's.")),
    Column("official_name_ar", TEXT, _("The official's name in Arabic."), "عبدالله بن زايد",
           _("The account is the entity's own, not an official's.")),
    Column("official_name_en", TEXT, _("The official's name in English."), "Abdullah bin Zayed",
           _("The account is the entity's own, not an official's.")),
    Column("languages", CODES, _("The languages the account publishes in, as two-letter codes (separated by ; in "
                                 "CSV and XLSX, a list in JSON)."), "ar;en", _("No language is recorded.")),
    Column("status", CODE, _("approved: official now; retired: was official, no longer; compromised: official "
                             "but taken over, not to be trusted now."), "approved"),
    Column("followers", INTEGER, _("The latest follower count read from the platform."), "1250000",
           _("Not read yet, or the platform does not say.")),
    Column("followers_at", DATE_TIME, _("When the follower count was read (ISO 8601, with its offset)."),
           "2026-11-30T03:30:00+00:00", _("Not read yet.")),
    Column("since", DATE_TIME, _("When the account was approved as official (ISO 8601, with its offset)."),
           "2025-01-15T09:12:00+00:00", _("Not recorded (an account registered before the register kept it).")),
    Column("posts", INTEGER, _("The account's posts as its platform last counted them."), "18250",
           _("The platform does not count them, or they were not read yet.")),
    Column("posts_30d", INTEGER, _("Posts in the last 30 days: the difference of the platform's post counts."), "42",
           _("Not known: a count at either end of the 30 days is missing.")),
    Column("last_post_at", DATE_TIME, _("When the account last posted, as its platform says or its entity reports "
                                        "(ISO 8601, with its offset)."), "2026-11-29T00:00:00+00:00",
           _("Not known: the platform does not say and the entity has not reported it.")),
)
COLUMNS = tuple(column.name for column in REGISTER_COLUMNS)
BOM = "\ufeff"
# A cell starting with one of these is a formula to a spreadsheet program: quote it as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvRenderer(BaseRenderer):
    """Lets content negotiation accept `?format=csv` and `Accept: text/csv` on the channel list;
    the list itself streams the rows (`csv_response`), so this only renders what else may come
    (an error body) as plain text."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict) and "detail" in data:
            return str(data["detail"]).encode()
        return str(data).encode()


def as_text(value: str) -> str:
    """A cell a spreadsheet program shows as text, never runs as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


# What each row is read from: the columns themselves, not Channel objects with their owners (a
# million rows made into three model instances each took minutes).
_FIELDS = (
    "pk", "platform", "handle", "canonical_url", "display_name", "entity__slug", "entity__name_ar",
    "entity__name_en", "official__slug", "official__name_ar", "official__name_en", "languages", "status",
    "followers", "followers_at", "approved_at", "posts", "posts_30d", "last_post_at",
)
# Rows per block of text handed to the server: one write per line would be a million writes.
BLOCK_ROWS = 1000


def channel_record(values: tuple) -> list:
    """A row as read, in REGISTER_COLUMNS' order, typed as JSON gives it: numbers, lists, None where empty,
    dates as ISO 8601 text. Each format writes it its way (`csv_cells`, the JSON and XLSX downloads)."""
    (pk, platform, handle, url, display_name, entity_slug, entity_ar, entity_en, official_slug, official_ar,
     official_en, languages, status, followers, followers_at, approved_at, posts, posts_30d, last_post_at) = values
    return [
        pk, platform, handle, url, display_name, entity_slug, entity_ar, entity_en,
        official_slug, official_ar, official_en, list(languages), status, followers,
        followers_at.isoformat() if followers_at else None,
        approved_at.isoformat() if approved_at else None,
        posts, posts_30d,  # unknown is empty, never a 0
        last_post_at.isoformat() if last_post_at else None,
    ]


# The columns a spreadsheet program could read as a formula: everything people or platforms wrote.
_FREE_TEXT = tuple(column.kind == TEXT for column in REGISTER_COLUMNS)


def flat(value) -> str | int:
    """A value as one spreadsheet cell: a list joined by ";", nothing as an empty cell."""
    if value is None:
        return ""
    return ";".join(value) if isinstance(value, list) else value


def csv_cells(record: list) -> list:
    return [as_text(flat(value)) if free else flat(value) for value, free in zip(record, _FREE_TEXT, strict=True)]


def channel_records(channels: QuerySet[Channel]) -> Iterator[list[list]]:
    """The channels' records (`channel_record`) in blocks of BLOCK_ROWS, read through a server-side cursor:
    what every download of the register writes. The posts over 30 days come in the same query (two
    index look-ups a row, `accounts.selectors.with_activity`)."""
    block = []
    for values in with_activity(channels).values_list(*_FIELDS).iterator(chunk_size=BLOCK_ROWS):
        block.append(channel_record(values))
        if len(block) == BLOCK_ROWS:
            yield block
            block = []
    if block:
        yield block


class Lines:
    """csv.writer writes its rows here; `take()` hands over what was written since the last time."""

    def __init__(self):
        self.lines: list[str] = []

    def write(self, value: str) -> None:
        self.lines.append(value)

    def take(self) -> str:
        text, self.lines = "".join(self.lines), []
        return text


def csv_lines(channels: QuerySet[Channel]) -> Iterator[str]:
    """The header, then the channels' rows in blocks of BLOCK_ROWS."""
    lines = Lines()
    writer = csv.writer(lines)
    writer.writerow(COLUMNS)
    yield BOM + lines.take()
    for block in channel_records(channels):
        writer.writerows(csv_cells(record) for record in block)
        yield lines.take()


def csv_response(channels: QuerySet[Channel], filename: str = "channels.csv") -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(channels), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
