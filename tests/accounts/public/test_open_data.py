"""The open data page, the data dictionaries and the API's copy-paste examples, in both languages: every
download linked, every column of every download described."""
from __future__ import annotations

import ast
import csv
import html
import io
import json
import re

import pytest
from django.test import Client

from accounts.api.downloads import PRESENCE_COLUMNS
from accounts.api.export import REGISTER_COLUMNS

pytestmark = pytest.mark.django_db

LANGUAGES = ("ar", "en")
DOWNLOADS = ("/api/v1/channels.csv", "/api/v1/channels.json", "/api/v1/channels.xlsx", "/api/v1/presence.csv")


@pytest.fixture
def register(make_channel, make_official):
    official = make_official()
    make_channel("https://x.com/OpenDataMin", entity=official.entity, official=official, languages=["ar"])


def page(language: str, address: str) -> str:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(address)
    assert response.status_code == 200, address
    content = response.content.decode()
    assert f'lang="{language}"' in content and ('dir="rtl"' in content) == (language == "ar")
    return content


def documented(content: str) -> list[str]:
    return re.findall(r'<tr data-column="([^"]+)">', content)


def downloaded_columns(address: str) -> list[str]:
    response = Client().get(address)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    if address.endswith(".json"):
        return list(json.loads(text)[0])
    return next(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_open_data_page_links_every_download_and_dictionary(language, register):
    content = page(language, f"/{language}/open-data/")
    for address in DOWNLOADS:
        assert f'href="{address}"' in content
    for dictionary in ("register", "presence"):
        assert f'href="/{language}/open-data/{dictionary}/"' in content
    assert 'href="/api/docs/"' in content


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_links_to_the_open_data_page(language, register):
    assert f'href="/{language}/open-data/"' in page(language, f"/{language}/")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_register_dictionary_describes_every_column_of_every_format(language, register):
    content = page(language, f"/{language}/open-data/register/")
    listed = documented(content)
    assert listed == [column.name for column in REGISTER_COLUMNS]
    # What the downloads really hold: a column written but not described fails here.
    assert downloaded_columns("/api/v1/channels.csv") == listed
    assert downloaded_columns("/api/v1/channels.json") == listed
    for column in REGISTER_COLUMNS:
        row = re.search(rf'<tr data-column="{column.name}">(.*?)</tr>', content, re.S).group(1)
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        assert len(cells) == 4 and all(cell.strip() for cell in cells), column.name


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_presence_dictionary_describes_every_column(language, register):
    listed = documented(page(language, f"/{language}/open-data/presence/"))
    assert listed == [column.name for column in PRESENCE_COLUMNS]
    assert downloaded_columns("/api/v1/presence.csv") == listed


def test_every_column_has_a_meaning_a_type_and_an_example():
    for column in (*REGISTER_COLUMNS, *PRESENCE_COLUMNS):
        assert str(column.meaning) and column.example and column.kind, column.name


@pytest.mark.parametrize("address", ["/{language}/open-data/", "/api/docs/"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_api_examples_are_there_to_copy_in_both_languages(language, address, register):
    content = Client(HTTP_ACCEPT_LANGUAGE=language).get(address.format(language=language)).content.decode()
    examples = dict(re.findall(r'<pre dir="ltr" class="example" data-example="([a-z-]+)"><code>(.*?)</code></pre>',
                               content, re.S))
    assert set(examples) == {f"{call}-{tool}" for call in ("verify", "list", "changes") for tool in ("curl", "python")}
    assert examples["verify-curl"].startswith('curl -G "http://testserver/api/v1/verify/"')
    assert "/api/v1/channels/" in examples["list-python"] and "import httpx" in examples["list-python"]
    assert "/api/v1/changes/?after=" in examples["changes-curl"]
    assert 'id="api-examples"' in content and re.search(rf'lang="{language}"', content)
    for name, code in examples.items():
        if name.endswith("-python"):
            ast.parse(html.unescape(code))  # copied as shown, it runs
