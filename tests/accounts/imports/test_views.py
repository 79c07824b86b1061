"""The import pages of the staff area, in Arabic and English: upload → preview → confirm, the list,
the results and the templates to download, and who is refused."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.imports.columns import map_headings
from accounts.models import Channel, ChannelImport
from registry.direction import without_isolates
from tests.accounts.imports.sheets import csv_bytes
from tests.accounts.staff.test_views import login, page_text

pytestmark = pytest.mark.django_db

FILE = csv_bytes([
    ["الجهة", "المنصة", "الرابط", "اللغات"],
    ["mofa", "", "https://x.com/MOFAUAE", "عربي"],
    ["mofa", "", "https://x.com/MOFAUAE", ""],
    ["unknown ministry", "", "https://x.com/other", ""],
    ["mofa", "", "https://myspace.com/uaegov", ""],
], delimiter=";")
# The link reader's refusal, translated (the import's own sentences reach Arabic when the catalogue
# is next regenerated; the reader's already have).
UNKNOWN_HOST = {"ar": "لا يتعرّف السجل على myspace.com", "en": "myspace.com is not a social-media platform"}


def url(name: str, *args, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(f"staff:imports:{name}", args=args)


@pytest.fixture
def team(make_entity, make_user):
    mofa = make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")
    return {"mofa": mofa, "moi": make_entity(slug="moi"), "editor": make_user(editor_of=mofa),
            "reviewer": make_user(reviewer=True)}


def upload(client, data: bytes = FILE, *, name: str = "قنوات.csv", lang: str = "en", **fields):
    return client.post(url("list", lang=lang), {"file": SimpleUploadedFile(name, data), **fields})


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_upload_preview_confirm(client, team, lang):
    login(client, team["editor"])
    uploaded = upload(client, lang=lang)
    channel_import = ChannelImport.objects.get()
    assert uploaded.status_code == 302 and uploaded["Location"] == url("detail", channel_import.pk, lang=lang)
    assert not Channel.private_objects.exists()

    preview = client.get(uploaded["Location"])
    text = page_text(preview)
    assert preview.status_code == 200
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"' in preview.content.decode()
    assert UNKNOWN_HOST[lang] in text
    assert ("وزارة الخارجية" in text) == (lang == "ar")  # the entity as the reader's language names it
    if lang == "en":
        assert "Preview of the import" in text
        assert "Will be registered: X MOFAUAE." in text
        assert "The same account as row 2 of this file." in text
        assert "No entity is called “unknown ministry”." in text
    assert 'data-row="3" data-outcome="duplicate"' in preview.content.decode()

    confirmed = client.post(url("confirm", channel_import.pk, lang=lang))
    assert confirmed.status_code == 302
    channel = Channel.private_objects.get()
    assert (channel.status, channel.handle, channel.languages) == ("draft", "MOFAUAE", ["ar"])
    after = client.get(confirmed["Location"])
    assert f'href="/{lang}/staff/channels/{channel.pk}/"' in after.content.decode()
    assert "confirm-import" not in after.content.decode()  # no second confirmation

    history = page_text(client.get(f"/{lang}/staff/channels/{channel.pk}/"))
    number = f"#{channel_import.pk}" if lang == "en" else f"رقم {channel_import.pk}"
    assert number in history and "قنوات.csv" in history  # the create step names the import
    if lang == "en":
        assert f"from the import of “قنوات.csv” (#{channel_import.pk})" in history

    listed = page_text(client.get(url("list", lang=lang)))
    assert "قنوات.csv" in listed and team["editor"].email in listed


def test_the_results_download_in_the_readers_language(client, team):
    login(client, team["editor"])
    upload(client)
    channel_import = ChannelImport.objects.get()
    response = client.get(url("results", channel_import.pk, lang="ar"))
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["row", "outcome", "result", "entity", "platform", "handle", "link", "channel"]
    assert [row[:2] for row in rows[1:]] == [["2", "register"], ["3", "duplicate"], ["4", "unknown_entity"],
                                             ["5", "unreadable"]]
    # Said in Arabic, though the server streams it later; the host in it isolated for the Arabic sentence.
    assert rows[4][2].startswith("لا يتعرّف السجل على \u2066myspace.com\u2069")
    assert without_isolates(rows[4][2]).startswith(UNKNOWN_HOST["ar"])
    assert rows[1][3] == "وزارة الخارجية"


def test_a_file_refused_whole_is_said_on_the_upload_page_and_nothing_is_kept(client, team, settings):
    settings.IMPORT_MAX_ROWS = 2
    login(client, team["editor"])
    response = upload(client)
    assert response.status_code == 400
    assert "the most an import takes is 2" in page_text(response)
    assert not ChannelImport.objects.exists()


def test_an_editor_importing_for_another_entity_is_refused(client, team):
    login(client, team["editor"])
    response = upload(client, entity=team["moi"].pk)  # not in the editor's choices
    assert response.status_code == 400 and not ChannelImport.objects.exists()
    rows = csv_bytes([["entity", "link"], ["moi", "https://x.com/not_mine"]])
    upload(client, rows)
    assert ChannelImport.objects.get().rows.get().outcome == "not_allowed"


def test_an_editor_sees_only_their_imports_a_reviewer_every_one(client, team, make_user):
    login(client, team["editor"])
    upload(client)
    channel_import = ChannelImport.objects.get()
    other = make_user(editor_of=team["mofa"])
    assert login(Client(), other).get(url("detail", channel_import.pk)).status_code == 404
    reviewer = login(Client(), team["reviewer"], second_factor=True)
    assert reviewer.get(url("detail", channel_import.pk)).status_code == 200
    assert "confirm-import" not in reviewer.get(url("detail", channel_import.pk)).content.decode()
    assert reviewer.post(url("confirm", channel_import.pk)).status_code == 404


def test_anonymous_visitors_and_reviewers_without_the_second_factor_are_sent_to_log_in(client, team):
    response = upload(client)
    assert response.status_code == 302 and "/auth/login/" in response["Location"]
    login(client, team["reviewer"])
    response = upload(client)
    assert response.status_code == 302 and "/auth/code/" in response["Location"]  # to the one-time code
    assert not ChannelImport.objects.exists()


def test_a_reviewer_may_tick_create_entities_an_editor_has_no_such_box(client, team):
    editor_page = login(Client(), team["editor"]).get(url("list")).content.decode()
    assert 'name="create_entities"' not in editor_page
    reviewer = login(client, team["reviewer"], second_factor=True)
    assert 'name="create_entities"' in reviewer.get(url("list")).content.decode()
    rows = csv_bytes([["entity", "entity_ar", "link"], ["Ministry of Energy", "وزارة الطاقة", "https://x.com/moei"]])
    upload(reviewer, rows, create_entities="on")
    assert ChannelImport.objects.get().rows.get().outcome == "register"


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_templates_in_both_languages_read_back_as_the_import_columns(client, team, language):
    login(client, team["editor"])
    as_csv = client.get(url("template", language, "csv"))
    headings = next(csv.reader(io.StringIO(as_csv.content.decode().lstrip("\ufeff"))))
    as_xlsx = client.get(url("template", language, "xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content), read_only=True).worksheets[0]
    assert [cell for cell in next(sheet.iter_rows(values_only=True))] == headings
    columns, unread = map_headings(headings)
    assert set(columns) == {"entity", "entity_ar", "official", "platform", "link", "languages", "description"}
    assert ("الرابط" in headings) == (language == "ar")
