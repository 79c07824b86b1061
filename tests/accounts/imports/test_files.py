"""Reading imported files: Excel's CSV quirks, workbooks (cached values only), the headings in
Arabic or English, the words for languages and platforms, and the files refused whole."""
from __future__ import annotations

import io

import pytest
from django.utils import translation

from accounts.imports.columns import map_headings, read_languages, read_platform, template_headings
from accounts.imports.files import FileRefused, open_import_file
from tests.accounts.imports.sheets import csv_bytes, xlsx_bytes


def rows_of(data: bytes) -> list[tuple[int, dict]]:
    sheet = open_import_file(io.BytesIO(data), size=len(data))
    return [(row.number, row.values) for row in sheet.rows()]


def test_excel_csv_with_bom_semicolons_crlf_quoted_line_breaks_and_trailing_empties():
    data = csv_bytes([
        ["entity", "link", "description", "", ""],
        ["mofa", "https://x.com/MOFAUAE", "First line\r\nsecond line; with a semicolon", "", ""],
        ["", "", "", "", ""],
        ["moi", "https://x.com/moiuae", "", "", ""],
        ["", "", "", "", ""],
        [";;;;"],
    ][:-1], delimiter=";")
    assert data.startswith("\ufeff".encode())
    assert rows_of(data) == [
        (2, {"entity": "mofa", "link": "https://x.com/MOFAUAE",
             "description": "First line\r\nsecond line; with a semicolon"}),
        (4, {"entity": "moi", "link": "https://x.com/moiuae"}),
    ]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("bom", [True, False])
def test_the_separator_is_read_from_the_headings(delimiter, bom):
    data = csv_bytes([["الجهة", "الرابط", "اللغات"], ["mofa", "https://x.com/MOFAUAE", "ar, en"]],
                     delimiter=delimiter, bom=bom, newline="\n")
    assert rows_of(data) == [(2, {"entity": "mofa", "link": "https://x.com/MOFAUAE", "languages": "ar, en"})]


def test_headings_in_any_case_order_or_language_and_the_exports_own():
    columns, unread = map_headings(["URL", "Entity_Slug", "Entity_Name_EN", "  Platform ", "اللغات", "status", "id"])
    assert columns == {"link": 0, "entity": 1, "platform": 3, "languages": 4}
    assert unread == ["Entity_Name_EN", "status", "id"]
    columns, _ = map_headings(["الرابط", "الجهة", "اسم الجهة بالعربية", "المسؤول", "المنصة", "الوصف"])
    assert columns == {"link": 0, "entity": 1, "entity_ar": 2, "official": 3, "platform": 4, "description": 5}


def test_the_template_headings_are_read_back_as_their_fields():
    for language in ("ar", "en"):
        columns, unread = map_headings(template_headings(language))
        assert set(columns) == {"entity", "entity_ar", "official", "platform", "link", "languages", "description"}
        assert unread == []


@pytest.mark.parametrize(("text", "codes"), [
    ("ar en", ["ar", "en"]),
    ("ar;en", ["ar", "en"]),
    ("Arabic, English", ["ar", "en"]),
    ("Bilingual", ["ar", "en"]),
    ("English", ["en"]),
    ("Français", ["fr"]),
    ("French and Arabic", ["fr", "ar"]),
    ("عربي", ["ar"]),
    ("إنجليزي", ["en"]),
    ("عربي وإنجليزي", ["ar", "en"]),
    ("ثنائي اللغة", ["ar", "en"]),
    ("العربية، الإنجليزية", ["ar", "en"]),
    ("", []),
])
def test_languages_in_the_words_people_use(text, codes):
    assert read_languages(text) == (codes, [])


def test_a_language_nobody_registers_is_named_back():
    assert read_languages("Arabic, Klingon") == (["ar"], ["klingon"])


@pytest.mark.parametrize(("text", "platform"), [
    ("Twitter", "x"), ("X", "x"), ("تويتر", "x"), ("Instagram", "instagram"), ("انستغرام", "instagram"),
    ("YouTube", "youtube"), ("فيسبوك", "facebook"), ("LinkedIn", "linkedin"), ("WhatsApp", "whatsapp"),
    ("Myspace", "Myspace"), ("", ""),
])
def test_platform_names(text, platform):
    assert read_platform(text) == platform


def test_an_xlsx_formula_is_never_evaluated_only_its_cached_value_read():
    data = xlsx_bytes(
        [["entity", "link", "description"], ["mofa", None, "x"], ["moi", "https://x.com/moiuae", None]],
        formulas={"B2": '="https://x.com/"&"cached"', "C3": '=HYPERLINK("https://evil.example/")'},
        cached={"B2": "https://x.com/cached"},
    )
    assert rows_of(data) == [
        (2, {"entity": "mofa", "link": "https://x.com/cached", "description": "x"}),
        (3, {"entity": "moi", "link": "https://x.com/moiuae"}),  # a formula saved without a value: empty
    ]


def test_xlsx_numbers_and_trailing_empty_columns():
    data = xlsx_bytes([["entity", "link", None, None], ["mofa", "https://x.com/a", None, None], [], [None, None],
                       [12, 3.0]])
    assert rows_of(data) == [(2, {"entity": "mofa", "link": "https://x.com/a"}), (5, {"entity": "12", "link": "3"})]


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty_file"),
    (csv_bytes([["name", "notes"], ["a", "b"]]), "missing_columns"),
    ("entity,link\nوزارة,https://x.com/a\n".encode("cp1256"), "unreadable_file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "unreadable_file"),
    (b"PK\x03\x04 not really a workbook", "unreadable_file"),
])
def test_files_refused_whole_say_why(data, code):
    with translation.override("en"), pytest.raises(FileRefused) as refused:
        rows_of(data)
    assert refused.value.code == code
    assert refused.value.message.endswith(".")


def test_too_many_bytes_is_refused_before_a_row_is_read(settings):
    settings.IMPORT_MAX_BYTES = 100
    data = csv_bytes([["entity", "link"], *[["mofa", f"https://x.com/a{n}"] for n in range(10)]])
    with translation.override("en"), pytest.raises(FileRefused) as refused:
        open_import_file(io.BytesIO(data), size=len(data))
    assert (refused.value.code, refused.value.http_status) == ("too_large", 413)
    assert "100 bytes" in " ".join(refused.value.message.split())


def test_too_many_rows_is_refused_not_cut_short(settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = [["entity", "link"], *[["mofa", f"https://x.com/a{n}"] for n in range(3)], ["", ""]]
    assert len(rows_of(csv_bytes(rows))) == 3  # empty rows do not count
    with translation.override("ar"), pytest.raises(FileRefused) as refused:
        rows_of(csv_bytes([*rows, ["mofa", "https://x.com/a4"]]))
    assert refused.value.code == "too_many_rows"
    assert "3" in refused.value.message
