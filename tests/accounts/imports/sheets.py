"""Files to import, made as the programs people use make them: Excel's CSV (a byte-order mark,
semicolons, CRLF) and workbooks written with openpyxl."""
from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", bom: bool = True, newline: str = "\r\n") -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return (("\ufeff" if bom else "") + text.getvalue()).encode()


def xlsx_bytes(rows: list[list], *, formulas: dict[str, str] | None = None, cached: dict[str, str] | None = None
               ) -> bytes:
    """A workbook of `rows`; `formulas` puts a formula in a cell ({"D2": '="https://x.com/"&"a"'}), and
    `cached` gives a formula cell the value Excel would have saved with it (openpyxl saves none)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cell, formula in (formulas or {}).items():
        sheet[cell] = formula
    body = io.BytesIO()
    workbook.save(body)
    if not cached:
        return body.getvalue()
    return _with_cached_values(body.getvalue(), cached)


def _with_cached_values(data: bytes, cached: dict[str, str]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = content.decode()
                for cell, value in cached.items():
                    xml = re.sub(rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?',
                                 rf'<c r="{cell}"\1 t="str"><f>\2</f><v>{value}</v>', xml)
                    xml = re.sub(rf'<c r="{cell}"([^>]*)><f>(.*?)</f></c>',
                                 rf'<c r="{cell}"\1 t="str"><f>\2</f><v>{value}</v></c>', xml)
                content = xml.encode()
            target.writestr(item, content)
    return out.getvalue()
