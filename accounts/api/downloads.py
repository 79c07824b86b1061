"""The open data downloads besides the CSV (accounts/api/export.py): the public register as JSON and
as XLSX, with the CSV's columns and the list's filters, and the presence figures as CSV.

Every format reads the register the same way (`export.channel_records`: blocks of rows through a
server-side cursor). JSON is written as it is read: an array, a block of objects at a time. XLSX is
a zip whose directory comes last, so it cannot leave before its last row is read: openpyxl's
write-only mode writes the rows to a temporary file, never holding them in memory, and the finished
file is then streamed from disk (a million rows: minutes of work and tens of megabytes on disk).
"""
from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _, ngettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.api.channels import ORDER, ChannelViewSet
from accounts.api.export import (
    BOM,
    CODE,
    COLUMNS,
    INTEGER,
    TEXT,
    Column,
    CsvRenderer,
    Lines,
    as_text,
    channel_records,
    flat,
)
from accounts.models import Channel
from accounts.report.figures import public_summary
from accounts.report.scores import GROWTH_DAYS
from accounts.selectors import entities_with_figures
from registry.api import error_responses

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- JSON --------------------------------------------------------------------------------------

def json_chunks(channels: QuerySet[Channel]) -> Iterator[str]:
    """`[`, then one object per channel (the CSV's columns as keys), a block at a time, then `]`."""
    yield "["
    separator = "\n"
    for block in channel_records(channels):
        yield separator + ",\n".join(
            json.dumps(dict(zip(COLUMNS, record, strict=True)), ensure_ascii=False) for record in block
        )
        separator = ",\n"
    yield "\n]\n"


def json_response(channels: QuerySet[Channel], filename: str = "channels.json") -> StreamingHttpResponse:
    response = StreamingHttpResponse(json_chunks(channels), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- XLSX --------------------------------------------------------------------------------------

def _xlsx_cell(sheet, value):
    """A value as the spreadsheet keeps it: numbers as numbers, text always as text (a text starting
    with "=" would otherwise be written as a formula), without the control characters XML cannot hold."""
    value = flat(value)
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith("="):
        return value
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    return cell


def xlsx_file(channels: QuerySet[Channel]):
    """The register as a workbook of one sheet, in a temporary file (deleted when closed), read from its start."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("channels")
    sheet.append(COLUMNS)
    for block in channel_records(channels):
        for record in block:
            sheet.append([_xlsx_cell(sheet, value) for value in record])
    file = tempfile.TemporaryFile()
    workbook.save(file)
    file.seek(0)
    return file


def xlsx_response(channels: QuerySet[Channel], filename: str = "channels.xlsx") -> FileResponse:
    return FileResponse(xlsx_file(channels), as_attachment=True, filename=filename, content_type=XLSX_TYPE)


class XlsxRenderer(CsvRenderer):
    """Lets content negotiation accept the XLSX address; errors come as plain text (see CsvRenderer)."""

    media_type = XLSX_TYPE
    format = "xlsx"
    charset = None


# --- The views -----------------------------------------------------------------------------------

class _RegisterDownload(ChannelViewSet):
    """The public register, whoever asks, with the channel list's filters and ordering, unpaged."""

    http_method_names = ["get", "head", "options"]
    write = None  # a function of the filtered channels to the response

    def list(self, request, *args, **kwargs):
        channels = self.filter_queryset(Channel.public_objects.with_owner().order_by(*ORDER))
        return type(self).write(channels)


class ChannelJsonView(_RegisterDownload):
    """GET /api/v1/channels.json."""

    write = json_response

    @extend_schema(
        operation_id="v1_channels_json",
        summary=_("The public register as JSON"),
        description=_(
            "Approved, retired and compromised channels, with the list's filters and ordering, unpaged: one array "
            "of objects whose keys are the CSV's columns (numbers as numbers, languages as a list, null where the "
            "CSV has an empty cell)."
        ),
        responses={(200, "application/json"): OpenApiTypes.OBJECT, **error_responses(400, 429)},
        filters=True,
        tags=["open data"],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class ChannelXlsxView(_RegisterDownload):
    """GET /api/v1/channels.xlsx."""

    write = xlsx_response

    def get_renderers(self):
        return [XlsxRenderer()]

    def handle_exception(self, exc):
        # A refusal (a filter's bad value, the rate limit) is read by a program: JSON, with its code.
        response = super().handle_exception(exc)
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), "application/json"
        return response

    @extend_schema(
        operation_id="v1_channels_xlsx",
        summary=_("The public register as a spreadsheet (XLSX)"),
        description=_(
            "The CSV's rows and columns in one sheet, with the list's filters and ordering, unpaged; numbers as "
            "numbers, text always as text."
        ),
        responses={(200, XLSX_TYPE): OpenApiTypes.BINARY, **error_responses(400, 429)},
        filters=True,
        tags=["open data"],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


# --- The presence figures as CSV -----------------------------------------------------------------

ALL, PLATFORM, ENTITY = "all", "platform", "entity"
PRESENCE_COLUMNS = (
    Column("scope", CODE, _("What the row adds up: all (the whole register), platform (one platform's official "
                            "accounts) or entity (one entity's, its officials' included)."), "platform"),
    Column("key", CODE, _("The platform's code or the entity's short name."), "instagram",
           _("The row of the whole register.")),
    Column("name_ar", TEXT, _("The platform's or the entity's name in Arabic."), "وزارة الخارجية",
           _("The row of the whole register.")),
    Column("name_en", TEXT, _("The platform's or the entity's name in English."), "Ministry of Foreign Affairs",
           _("The row of the whole register.")),
    Column("channels", INTEGER, _("Official (approved) accounts."), "12"),
    Column("followers", INTEGER, _("Their latest follower counts added up."), "3400000"),
    *(
        Column(f"growth_{days}", INTEGER, ngettext_lazy(
            "The change in followers over the last %(days)s day, as computed for the presence page.",
            "The change in followers over the last %(days)s days, as computed for the presence page.",
            "days") % {"days": days}, "-1200",
               _("Not computed yet, or per entity (the presence page shows it for the register and per platform)."))
        for days in GROWTH_DAYS
    ),
)
PRESENCE_COLUMN_NAMES = tuple(column.name for column in PRESENCE_COLUMNS)


def _growth(figures) -> list:
    by_days = {figure.days: figure.change for figure in figures}
    return [by_days.get(days, "") for days in GROWTH_DAYS]


def presence_rows() -> Iterator[list]:
    """The presence page's figures (the register's, per platform), then the entities page's (per entity)."""
    summary = public_summary()
    yield list(PRESENCE_COLUMN_NAMES)
    totals = summary.totals
    yield [ALL, "", "", "", totals.channels, totals.followers, *_growth(summary.growth)]
    for group in summary.platforms:  # a platform's name is the same in both languages (docs/arabic.md)
        yield [PLATFORM, group.key, str(group.label), str(group.label), group.channels, group.followers,
               *_growth(group.growth)]
    for entity in entities_with_figures().order_by("slug"):
        yield [ENTITY, entity.slug, as_text(entity.name_ar), as_text(entity.name_en), entity.approved_channels,
               entity.approved_followers, *[""] * len(GROWTH_DAYS)]


def presence_csv() -> str:
    lines = Lines()
    csv.writer(lines).writerows(presence_rows())
    return BOM + lines.take()


class PresenceCsvView(APIView):
    """GET /api/v1/presence.csv."""

    permission_classes = [AllowAny]
    renderer_classes = [CsvRenderer]

    @extend_schema(
        operation_id="v1_presence_csv",
        summary=_("The presence figures as CSV"),
        description=_(
            "The figures of the page \"The government on social media\": the register's official accounts and "
            "followers with their growth, the same per platform, then per entity. UTF-8 with a byte-order mark."
        ),
        responses={(200, "text/csv"): OpenApiTypes.STR, **error_responses(429)},
        tags=["open data"],
    )
    def get(self, request: Request):
        response = StreamingHttpResponse([presence_csv()], content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="presence.csv"'
        return response
