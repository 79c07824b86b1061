"""The public register as CSV: GET /api/v1/channels.csv, or ?format=csv on the channel list.

UTF-8 with a byte-order mark, so spreadsheet programs open the Arabic names right; streamed row
by row, without pagination (the whole public register, with the list's filters applied).
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from accounts.models import Channel

COLUMNS = (
    "id", "platform", "handle", "url", "display_name", "entity_slug", "entity_name_ar", "entity_name_en",
    "official_slug", "official_name_ar", "official_name_en", "languages", "status", "followers", "followers_at",
    "since",
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


class _Echo:
    """csv.writer writes a row here, and gets it straight back to stream."""

    def write(self, value: str) -> str:
        return value


def _text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def channel_row(channel: Channel) -> list:
    entity, official = channel.entity, channel.official
    return [
        channel.pk, channel.platform, _text(channel.handle), channel.canonical_url, _text(channel.display_name),
        entity.slug, _text(entity.name_ar), _text(entity.name_en),
        official.slug if official else "", _text(official.name_ar) if official else "",
        _text(official.name_en) if official else "",
        ";".join(channel.languages), channel.status,
        "" if channel.followers is None else channel.followers,
        channel.followers_at.isoformat() if channel.followers_at else "",
        channel.approved_at.isoformat() if channel.approved_at else "",
    ]


def csv_lines(channels: Iterable[Channel]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(COLUMNS)
    for channel in channels:
        yield writer.writerow(channel_row(channel))


def csv_response(channels: Iterable[Channel], filename: str = "channels.csv") -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(channels), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
