"""The public register as CSV: GET /api/v1/channels.csv, or ?format=csv on the channel list.

UTF-8 with a byte-order mark, so spreadsheet programs open the Arabic names right; streamed row
by row, without pagination (the whole public register, with the list's filters applied).
"""
from __future__ import annotations

import csv
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from accounts.models import Channel
from accounts.selectors import with_activity

COLUMNS = (
    "id", "platform", "handle", "url", "display_name", "entity_slug", "entity_name_ar", "entity_name_en",
    "official_slug", "official_name_ar", "official_name_en", "languages", "status", "followers", "followers_at",
    "since", "posts", "posts_30d", "last_post_at",
)
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


def channel_row(values: tuple) -> list:
    (pk, platform, handle, url, display_name, entity_slug, entity_ar, entity_en, official_slug, official_ar,
     official_en, languages, status, followers, followers_at, approved_at, posts, posts_30d, last_post_at) = values
    return [
        pk, platform, as_text(handle), url, as_text(display_name),
        entity_slug, as_text(entity_ar), as_text(entity_en),
        official_slug or "", as_text(official_ar or ""), as_text(official_en or ""),
        ";".join(languages), status,
        "" if followers is None else followers,
        followers_at.isoformat() if followers_at else "",
        approved_at.isoformat() if approved_at else "",
        # Unknown is an empty cell, never a 0.
        "" if posts is None else posts,
        "" if posts_30d is None else posts_30d,
        last_post_at.isoformat() if last_post_at else "",
    ]


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
    """The header, then the channels' rows in blocks of BLOCK_ROWS, read through a server-side cursor;
    the posts over 30 days come in the same query (two index look-ups a row, accounts.selectors)."""
    lines = Lines()
    writer = csv.writer(lines)
    writer.writerow(COLUMNS)
    yield BOM + lines.take()
    rows = with_activity(channels).values_list(*_FIELDS)
    for count, values in enumerate(rows.iterator(chunk_size=BLOCK_ROWS), 1):
        writer.writerow(channel_row(values))
        if count % BLOCK_ROWS == 0:
            yield lines.take()
    rest = lines.take()
    if rest:
        yield rest


def csv_response(channels: QuerySet[Channel], filename: str = "channels.csv") -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(channels), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
