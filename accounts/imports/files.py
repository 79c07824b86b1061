"""Reading an imported file row by row: CSV (UTF-8, with or without a byte-order mark, commas or
semicolons, Excel's quirks) or an Excel workbook (.xlsx, its first sheet).

The file is streamed: each row is read, handed on and forgotten, so a file is never held whole
in memory a second time (the upload itself is the first). A workbook is opened read-only with
cached values only: no formula is evaluated, macros and external links are ignored. Nothing a
cell says is ever fetched.
"""
from __future__ import annotations

import contextlib
import csv
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import IO
from zipfile import BadZipFile

import openpyxl
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.imports.columns import map_headings
from registry.direction import isolate
from registry.errors import RegistryError

# Longer than any value a row may hold (a link: 2,048 characters; a description: 2,000), so
# what is cut is still refused for its length, and a row's stored text stays small.
MAX_CELL = 4000
XLSX_START = b"PK\x03\x04"
OLD_EXCEL_START = b"\xd0\xcf\x11\xe0"  # .xls (Excel 97-2003)


class FileRefused(RegistryError):
    """The file as a whole cannot be imported; nothing was read into the register."""

    code = "file_refused"


class FileTooLarge(FileRefused):
    code = "too_large"
    http_status = 413


@dataclass(frozen=True)
class SheetRow:
    number: int  # as the spreadsheet numbers it: the heading row is 1 when it is the first
    values: dict[str, str]  # {field: text}, only the fields the file has and the row fills


def check_size(size: int) -> None:
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise FileTooLarge(
            _("The file is %(size)s; the most an import takes is %(limit)s. Split it into smaller files.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def _too_many_rows() -> FileRefused:
    return FileRefused(
        _("The file has more than %(limit)s rows of channels; the most an import takes is %(limit)s. Split it "
          "into smaller files.") % {"limit": number_format(settings.IMPORT_MAX_ROWS, force_grouping=True)},
        code="too_many_rows",
    )


class ImportFile:
    """An opened file: its headings read (`columns`: field → cell index; `unread`: headings no field
    is read from) and its rows to come (`rows()`, once)."""

    def __init__(self, raw: Iterator[tuple[int, list]], closing=None):
        self._raw = raw
        self._close = closing
        headings = None
        for number, cells in raw:
            texts = [cell_text(cell) for cell in cells]
            if any(texts):
                headings, self.heading_row = texts, number
                break
        if headings is None:
            self.close()
            raise FileRefused(_("The file is empty: its first row should name the columns."), code="empty_file")
        while headings and not headings[-1]:  # Excel's trailing empty columns
            headings.pop()
        self.headings = headings
        self.columns, self.unread = map_headings(headings)
        if "link" not in self.columns and "handle" not in self.columns:
            self.close()
            raise FileRefused(
                _("The file has no “link” column (“الرابط”). Its first row names the columns: %(headings)s. "
                  "Download the template to see them.")
                % {"headings": ", ".join(isolate(h) for h in headings if h) or "—"},
                code="missing_columns",
            )

    def rows(self) -> Iterator[SheetRow]:
        """The rows below the headings that hold anything, at most IMPORT_MAX_ROWS of them (more is
        refused, never cut short silently)."""
        width = len(self.headings)
        count = 0
        try:
            for number, cells in self._raw:
                texts = [cell_text(cell) for cell in itertools.islice(cells, width)]
                values = {field: texts[index] for field, index in self.columns.items()
                          if index < len(texts) and texts[index]}
                if not any(texts):
                    continue  # an empty row (Excel leaves some at the end)
                count += 1
                if count > settings.IMPORT_MAX_ROWS:
                    raise _too_many_rows()
                yield SheetRow(number, values)
        finally:
            self.close()

    def close(self) -> None:
        if self._close is not None:
            self._close()
            self._close = None


def cell_text(value) -> str:
    """A cell as text: a spreadsheet's numbers and dates as people read them, cut at MAX_CELL."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime | date | time):
        text = value.isoformat()
    else:
        text = str(value)
    return text.strip()[:MAX_CELL]


def open_import_file(file: IO[bytes], *, size: int) -> ImportFile:
    """Open an uploaded (or local) file for import, by what it holds rather than its name."""
    check_size(size)
    start = file.read(8)
    file.seek(0)
    if start.startswith(OLD_EXCEL_START):
        raise FileRefused(
            _("This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) or as “CSV UTF-8”, then "
              "import that."), code="unreadable_file",
        )
    if start.startswith(XLSX_START):
        return _open_xlsx(file)
    return ImportFile(_csv_rows(file))


def _open_xlsx(file: IO[bytes]) -> ImportFile:
    try:
        # Cached values only (data_only): a formula is never evaluated, and one the file holds no
        # value for reads as an empty cell. External links and macros are not even loaded.
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True, keep_links=False, keep_vba=False)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRefused(
            _("This file cannot be read as an Excel workbook (.xlsx). Save it again from Excel, or as “CSV UTF-8”."),
            code="unreadable_file",
        ) from exc
    if not workbook.worksheets:
        workbook.close()
        raise FileRefused(_("The file is empty: its first row should name the columns."), code="empty_file")
    sheet = workbook.worksheets[0]
    return ImportFile(enumerate(sheet.iter_rows(values_only=True), 1), closing=workbook.close)


def _not_utf8(number: int) -> FileRefused:
    return FileRefused(
        _("The file is not UTF-8 text (from row %(row)s). In Excel, save it as “CSV UTF-8” or as an Excel "
          "workbook (.xlsx).") % {"row": number},
        code="unreadable_file",
    )


def _csv_rows(file: IO[bytes]) -> Iterator[tuple[int, list]]:
    """Each record of a CSV file with its number (a quoted line break stays inside its cell, as in Excel)."""
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    number = 0
    try:
        # The headings' line says how cells are separated: Excel writes semicolons where the decimal
        # separator is a comma.
        first_lines = []
        for line in text:
            first_lines.append(line)
            if line.strip():
                break
        heading = first_lines[-1] if first_lines else ""
        delimiter = max((";", ",", "\t"), key=lambda separator: (heading.count(separator), separator == ","))
        reader = csv.reader(itertools.chain(first_lines, text), delimiter=delimiter)
        for number, cells in enumerate(reader, 1):
            yield number, cells
    except UnicodeDecodeError as exc:
        raise _not_utf8(number + 1) from exc
    except csv.Error as exc:
        raise FileRefused(
            _("Row %(row)s of the file cannot be read as CSV: %(problem)s.")
            % {"row": number + 1, "problem": isolate(exc)},
            code="unreadable_file",
        ) from exc
    finally:
        # Hand the file back unclosed (the wrapper would close it): its owner closes it.
        with contextlib.suppress(ValueError):  # already closed by its owner
            text.detach()
