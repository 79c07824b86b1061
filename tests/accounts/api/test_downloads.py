"""The open data downloads: the public register as JSON and XLSX with the CSV's columns and rows, and
the presence figures as CSV, the same as the presence and entities pages show."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api import export
from accounts.api.downloads import PRESENCE_COLUMN_NAMES
from accounts.api.export import COLUMNS, FORMULA_STARTS
from accounts.models import Status
from accounts.report.figures import public_summary
from accounts.selectors import entities_with_figures
from tests.accounts.api.test_entities import bulk_channels

pytestmark = pytest.mark.django_db

CSV, JSON, XLSX = "/api/v1/channels.csv", "/api/v1/channels.json", "/api/v1/channels.xlsx"
PRESENCE = "/api/v1/presence.csv"
HIDDEN = (Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.REJECTED)


@pytest.fixture
def public():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def register(make_entity, make_official, make_channel):
    """A small register: an entity's own accounts and an official's, in every public state, with and
    without followers and languages, and one account in each state the public never sees."""
    mofa = make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")
    minister = make_official(slug="minister", entity=mofa, name_en="The Minister", name_ar="الوزير")
    now = timezone.now()
    shown = [
        make_channel("https://x.com/MOFAUAE", entity=mofa, followers=1_100, followers_at=now - timedelta(hours=5),
                     languages=["ar", "en"], display_name="وزارة الخارجية"),
        make_channel("https://www.instagram.com/mofauae/", entity=mofa, followers=500, followers_at=now),
        make_channel("https://x.com/theminister", entity=mofa, official=minister, status=Status.COMPROMISED,
                     display_name="The Minister", languages=["en"]),
        make_channel("https://www.youtube.com/@mofaold", entity=mofa, status=Status.RETIRED),
    ]
    hidden = [make_channel(entity=mofa, status=status, followers=9, followers_at=now) for status in HIDDEN]
    return {"shown": shown, "hidden": hidden}


def body(response) -> bytes:
    assert response.status_code == 200, response
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_table(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def unquoted(cell: str) -> str:
    """A CSV cell without the apostrophe that keeps spreadsheet programs from running it (JSON and XLSX
    need none: their text is never a formula)."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def as_cell(value) -> str:
    """A JSON value as the CSV writes it."""
    if value is None:
        return ""
    return ";".join(value) if isinstance(value, list) else str(value)


def json_table(response) -> list[list[str]]:
    records = json.loads(body(response))
    assert all(tuple(record) == COLUMNS for record in records)
    return [list(COLUMNS), *([as_cell(value) for value in record.values()] for record in records)]


def xlsx_table(response) -> list[list[str]]:
    sheet = openpyxl.load_workbook(io.BytesIO(body(response)), read_only=True).worksheets[0]
    return [[as_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]


def test_json_and_xlsx_hold_the_csvs_columns_and_rows(public, register):
    table = csv_table(public.get(CSV))
    assert table[0] == list(COLUMNS) and len(table) == 1 + len(register["shown"])
    expected = [[unquoted(cell) for cell in row] for row in table]
    assert expected != table  # YouTube's handles start with "@": quoted in the CSV only
    assert json_table(public.get(JSON)) == expected
    assert xlsx_table(public.get(XLSX)) == expected


def test_json_is_typed(public, register):
    by_handle = {record["handle"]: record for record in json.loads(body(public.get(JSON)))}
    minister, mofa, retired = by_handle["theminister"], by_handle["MOFAUAE"], by_handle["@mofaold"]
    assert (mofa["followers"], mofa["languages"], mofa["official_slug"]) == (1100, ["ar", "en"], None)
    assert (minister["official_slug"], minister["official_name_ar"], minister["status"]) == (
        "minister", "الوزير", "compromised")
    assert (retired["followers"], retired["followers_at"], retired["status"]) == (None, None, "retired")
    assert isinstance(mofa["id"], int) and mofa["since"].startswith(str(register["shown"][0].approved_at.year))


def test_the_xlsx_keeps_numbers_as_numbers_and_text_as_text(public, make_channel):
    make_channel("https://x.com/formula", display_name='=HYPERLINK("http://evil.example")', followers=7,
                 followers_at=timezone.now())
    sheet = openpyxl.load_workbook(io.BytesIO(body(public.get(XLSX)))).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert row["display_name"].value == '=HYPERLINK("http://evil.example")' and row["display_name"].data_type == "s"
    assert row["followers"].value == 7 and row["id"].data_type == "n"
    (record,) = json.loads(body(public.get(JSON)))
    assert record["display_name"] == '=HYPERLINK("http://evil.example")'  # JSON is no spreadsheet: as written
    assert csv_table(public.get(CSV))[1][COLUMNS.index("display_name")].startswith("'=")


def test_non_public_channels_are_in_no_download(public, register, make_user):
    hidden = {str(channel.pk) for channel in register["hidden"]}
    for address, read in ((CSV, csv_table), (JSON, json_table), (XLSX, xlsx_table)):
        ids = {row[0] for row in read(public.get(address))[1:]}
        assert ids == {str(channel.pk) for channel in register["shown"]}
        assert not ids & hidden


def test_the_lists_filters_apply(public, register):
    assert [row[COLUMNS.index("handle")] for row in json_table(public.get(JSON, {"platform": "instagram"}))[1:]] == [
        "mofauae"]
    assert len(xlsx_table(public.get(XLSX, {"status": "retired"}))) == 2
    refused = public.get(XLSX, {"platform": "myspace"})
    assert refused.status_code == 400 and refused["Content-Type"] == "application/json"
    assert refused.json()["code"]


def test_json_streams_every_row_once_across_its_blocks(public, make_entity, monkeypatch):
    monkeypatch.setattr(export, "BLOCK_ROWS", 7)
    bulk_channels(make_entity(), 30)
    response = public.get(JSON)
    assert response.streaming and response["Content-Type"] == "application/json; charset=utf-8"
    blocks = list(response.streaming_content)
    assert len(blocks) == 1 + 5 + 1  # "[", five blocks (four full), "]"
    records = json.loads(b"".join(blocks))
    assert len({record["id"] for record in records}) == 30


def test_an_empty_register_is_an_empty_array_and_a_header(public, db):
    assert json.loads(body(public.get(JSON))) == []
    assert xlsx_table(public.get(XLSX)) == [list(COLUMNS)]
    response = public.get(XLSX)
    assert "attachment" in response["Content-Disposition"] and "channels.xlsx" in response["Content-Disposition"]


def test_downloads_are_reads_only(public, register):
    for address in (JSON, XLSX, PRESENCE):
        assert public.post(address).status_code in (401, 403, 405)


# --- The presence figures ---------------------------------------------------------------------------

def page_number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def test_the_presence_csv_is_the_pages_figures(public, register, client):
    rows = csv_table(public.get(PRESENCE))
    assert tuple(rows[0]) == PRESENCE_COLUMN_NAMES
    by_scope = {(row[0], row[1]): dict(zip(PRESENCE_COLUMN_NAMES, row, strict=True)) for row in rows[1:]}
    page = client.get("/en/presence/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    total = by_scope[("all", "")]
    for figure in ("channels", "followers"):
        shown = re.search(rf'data-total="{figure}">([^<]+)<', page).group(1)
        assert int(total[figure]) == page_number(shown)
    summary = public_summary()
    assert [key for scope, key in by_scope if scope == "platform"] == [group.key for group in summary.platforms]
    for group in summary.platforms:
        row = by_scope[("platform", group.key)]
        cells = re.search(rf'<tr data-group="{group.key}">(.*?)</tr>', page, re.S).group(1)
        numbers = [page_number(cell) for cell in re.findall(r'<td class="number">([^<]*?)</td>', cells)[:2]]
        assert [int(row["channels"]), int(row["followers"])] == numbers == [group.channels, group.followers]
        assert [row[f"growth_{figure.days}"] for figure in group.growth] == [str(f.change) for f in group.growth]
    # Only approved accounts count, as on the presence page: 2 of the 4 public ones, 1,600 followers.
    assert (int(total["channels"]), int(total["followers"])) == (2, 1_600)
    entities = {entity.slug: entity for entity in entities_with_figures()}
    mofa = by_scope[("entity", "mofa")]
    assert (mofa["name_ar"], int(mofa["channels"]), int(mofa["followers"])) == (
        "وزارة الخارجية", entities["mofa"].approved_channels, entities["mofa"].approved_followers)
    assert int(mofa["channels"]) == 2
