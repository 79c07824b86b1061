"""The imports endpoints (/api/v1/imports/): upload (the answer is the preview), rows, confirm, and
every refusal in the API's one error shape."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import Channel, ChannelImport
from tests.accounts.api.test_channels import assert_error, session_client, token_client
from tests.accounts.imports.sheets import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

IMPORTS = "/api/v1/imports/"
FILE = csv_bytes([["entity", "link", "languages"], ["mofa", "https://x.com/MOFAUAE", "ar;en"],
                  ["mofa", "https://x.com/mofauae", ""], ["nowhere", "https://x.com/other", ""]], delimiter=";")


@pytest.fixture
def team(make_entity, make_user):
    mofa = make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")
    return {"mofa": mofa, "moi": make_entity(slug="moi"), "editor": make_user(editor_of=mofa),
            "reviewer": make_user(reviewer=True), "second_reviewer": make_user(reviewer=True)}


def upload(client, data: bytes = FILE, name: str = "channels.csv", **fields):
    return client.post(IMPORTS, {"file": SimpleUploadedFile(name, data), **fields}, format="multipart")


def test_upload_answers_the_preview_then_rows_then_confirm(team):
    client = token_client(team["editor"], second_factor=False)
    uploaded = upload(client)
    assert uploaded.status_code == 201, uploaded.content
    body = uploaded.json()
    assert body["counts"] == {"register": 1, "duplicate": 1, "unknown_entity": 1}
    assert (body["status"], body["rows_total"], body["file_name"]) == ("previewed", 3, "channels.csv")
    assert uploaded["Location"] == f"{IMPORTS}{body['id']}/"
    assert not Channel.private_objects.exists()

    rows = client.get(body["rows_url"], HTTP_ACCEPT_LANGUAGE="en").json()
    assert rows["count"] == 3
    first, second, third = rows["results"]
    assert (first["number"], first["outcome"], first["entity"], first["handle"]) == (2, "register", "mofa", "MOFAUAE")
    assert second["duplicate_of"] == 2 and second["result"] == "The same account as row 2 of this file."
    assert third["outcome"] == "unknown_entity" and third["given"]["entity"] == "nowhere"
    only = client.get(body["rows_url"], {"outcome": "duplicate"}).json()
    assert [row["number"] for row in only["results"]] == [3]

    confirmed = client.post(body["confirm_url"])
    assert confirmed.status_code == 200, confirmed.content
    assert (confirmed.json()["status"], confirmed.json()["registered"], confirmed.json()["confirm_url"]) == (
        "confirmed", 1, None)
    channel = Channel.private_objects.get()
    assert (channel.status, channel.languages) == ("draft", ["ar", "en"])
    events = client.get(f"/api/v1/channels/{channel.pk}/events/").json()
    assert [(event["action"], event["channel_import"]) for event in events] == [("create", body["id"])]
    assert_error(client.post(body["confirm_url"]), 409, "already_confirmed")
    assert client.get(IMPORTS).json()["results"][0]["id"] == body["id"]


def test_a_reviewers_import_submits_and_names_the_entity_slug(team):
    client = token_client(team["reviewer"])
    sheet = xlsx_bytes([["الرابط", "الاسم الظاهر", "اللغات", "الوصف"],
                        ["https://x.com/MOFAUAE", "MOFA", "العربية", "أخبار الوزارة."]])
    body = upload(client, sheet, "a.xlsx", entity="mofa").json()
    assert body["entity"] == "mofa" and body["counts"] == {"register": 1}
    client.post(body["confirm_url"])
    assert Channel.private_objects.get().status == "submitted"


def test_a_second_upload_of_the_same_file_has_nothing_to_do(team):
    client = token_client(team["editor"], second_factor=False)
    client.post(upload(client).json()["confirm_url"])
    again = upload(client).json()
    assert again["counts"] == {"already": 1, "duplicate": 1, "unknown_entity": 1}
    assert client.post(again["confirm_url"]).json()["registered"] == 0
    assert Channel.private_objects.count() == 1


def test_the_confirm_is_refused_once_the_register_changed(team, make_channel):
    client = token_client(team["editor"], second_factor=False)
    body = upload(client).json()
    make_channel("https://x.com/MOFAUAE", entity=team["moi"])
    assert_error(client.post(body["confirm_url"]), 409, "register_changed")
    assert Channel.private_objects.count() == 1


def test_anonymous_callers_are_asked_to_authenticate():
    assert_error(upload(APIClient()), 401, "not_authenticated")
    assert_error(APIClient().get(IMPORTS), 401, "not_authenticated")


def test_an_editor_importing_for_another_entity_is_refused(team):
    client = token_client(team["editor"], second_factor=False)
    assert_error(upload(client, entity="moi"), 403, "forbidden")
    assert_error(upload(client, entity="no-such"), 400, "invalid", field="entity")
    assert_error(upload(client, create_entities="true"), 403, "forbidden")
    assert not ChannelImport.objects.exists()


def test_a_reviewer_needs_the_second_factor_as_for_every_write(team):
    # A reviewer's token issued without the code opens nothing; a session without it is not a login yet.
    assert_error(upload(token_client(team["reviewer"], second_factor=False)), 401, "second_factor_required")
    assert_error(upload(session_client(team["reviewer"], second_factor=False)), 401, "not_authenticated")
    assert upload(session_client(team["second_reviewer"], second_factor=True)).status_code == 201


def test_an_import_is_confirmed_only_by_whoever_uploaded_it_and_seen_only_by_them_or_reviewers(team, make_user):
    body = upload(token_client(team["editor"], second_factor=False)).json()
    other_editor = token_client(make_user(editor_of=team["mofa"]), second_factor=False)
    assert_error(other_editor.get(f"{IMPORTS}{body['id']}/"), 404, "not_found")
    assert_error(other_editor.post(body["confirm_url"]), 404, "not_found")
    reviewer = token_client(team["reviewer"])
    assert reviewer.get(f"{IMPORTS}{body['id']}/").status_code == 200
    assert_error(reviewer.post(body["confirm_url"]), 404, "not_found")


@pytest.mark.parametrize(("setting", "data", "status", "code"), [
    ("IMPORT_MAX_BYTES", 100, 413, "too_large"),
    ("IMPORT_MAX_ROWS", 2, 400, "too_many_rows"),
])
def test_files_over_the_limits_are_refused_with_the_limit(team, settings, setting, data, status, code):
    setattr(settings, setting, data)
    client = token_client(team["editor"], second_factor=False)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert "the most an import takes" in assert_error(upload(client), status, code)["detail"]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ar"
    assert "الحد الأقصى" in assert_error(upload(client), status, code)["detail"]


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(team, settings):
    settings.IMPORT_MAX_BYTES = 1000
    client = token_client(team["editor"], second_factor=False)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert "larger than" in assert_error(upload(client, b"x" * 200_000), 413, "too_large")["detail"]


def test_a_file_that_is_not_utf8_says_how_to_save_it(team):
    data = "entity,link\nوزارة,https://x.com/a\n".encode("cp1256")
    body = assert_error(upload(token_client(team["editor"], second_factor=False), data), 400, "unreadable_file")
    assert "UTF-8" in body["detail"]


def test_the_schema_documents_the_imports_endpoints(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert {"/api/v1/imports/", "/api/v1/imports/{id}/", "/api/v1/imports/{id}/confirm/",
            "/api/v1/imports/{id}/rows/"} <= set(schema["paths"])
    create = schema["paths"]["/api/v1/imports/"]["post"]
    assert "multipart/form-data" in create["requestBody"]["content"]
    assert {"201", "403", "413"} <= set(create["responses"])
