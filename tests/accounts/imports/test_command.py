"""`manage.py import_channels`: the same preview and confirm from the command line."""
from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Channel, ChannelEvent, ChannelImport
from entities.models import Entity
from tests.accounts.imports.sheets import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_entity, make_user):
    mofa = make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")
    return {"mofa": mofa, "moi": make_entity(slug="moi"), "editor": make_user(editor_of=mofa),
            "reviewer": make_user(reviewer=True)}


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_channels", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def sheet(tmp_path):
    def write(data: bytes, name: str = "channels.csv") -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)
    return write


def test_dry_run_prints_every_row_and_keeps_nothing(team, sheet):
    path = sheet(csv_bytes([["entity", "link"], ["mofa", "https://x.com/MOFAUAE"], ["Energy", "https://x.com/moei"]]))
    output = run(path, "--dry-run", "--as", team["editor"].email)
    assert "row 2: register: Will be registered: X MOFAUAE." in output
    assert "row 3: unknown_entity: No entity is called “Energy”." in output
    assert "Dry run" in output
    assert not ChannelImport.objects.exists() and not Channel.private_objects.exists()


def test_import_then_again_registers_once(team, sheet):
    path = sheet(xlsx_bytes([["entity", "link"], ["mofa", "https://x.com/MOFAUAE"]]), "channels.xlsx")
    assert "1 channels registered" in run(path, "--as", team["editor"].email)
    events = ChannelEvent.objects.count()
    output = run(path, "--as", team["editor"].email)
    assert "row 2: already:" in output and "0 channels registered" in output
    assert Channel.private_objects.count() == 1 and ChannelEvent.objects.count() == events
    assert ChannelImport.objects.count() == 2


def test_a_reviewer_creates_entities_and_submits(team, sheet):
    path = sheet(csv_bytes([
        ["entity", "entity_ar", "link", "display_name", "languages", "description"],
        ["Ministry of Energy", "وزارة الطاقة", "https://x.com/moei", "MOEI", "English", "Energy news."],
    ]))
    output = run(path, "--create-entities", "--as", team["reviewer"].email, "--language", "ar")
    assert "1 entities created" in output
    channel = Channel.private_objects.get()
    assert (channel.status, channel.entity) == ("submitted", Entity.objects.get(slug="ministry-of-energy"))


@pytest.mark.parametrize(("who", "args", "message"), [
    (None, [], "--as EMAIL"),
    ("nobody@gco.example", [], "No active user"),
    ("editor", ["--entity", "moi"], "only for the entities you are an editor of"),
    ("editor", ["--create-entities"], "Only GCO reviewers"),
    ("editor", ["--entity", "no-such"], "No entity has the slug"),
])
def test_refusals(team, sheet, who, args, message):
    path = sheet(csv_bytes([["entity", "link"], ["mofa", "https://x.com/MOFAUAE"]]))
    email = [] if who is None else ["--as", team[who].email if who in team else who]
    with pytest.raises(CommandError, match=message):
        run(path, *email, *args, "--language", "en")
    assert not ChannelImport.objects.exists()


def test_a_file_over_the_limit_is_refused(team, sheet, settings):
    settings.IMPORT_MAX_BYTES = 10
    path = sheet(csv_bytes([["entity", "link"], ["mofa", "https://x.com/MOFAUAE"]]))
    with pytest.raises(CommandError, match="the most an import takes"):
        run(path, "--as", team["editor"].email)
