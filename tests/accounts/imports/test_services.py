"""Imports through their services: each row's outcome in the preview, nothing written before the
confirm step, what it writes (drafts or submissions, events naming the import, four eyes), the
idempotent second run, the confirm refused once the register changed, and the permission rules."""
from __future__ import annotations

import io

import pytest
from django.test import Client
from django.utils import translation

from accounts.imports.results import described
from accounts.imports.services import import_confirm, import_preview
from accounts.models import Channel, ChannelEvent, ChannelImport, ImportRow, Status
from accounts.services import channel_act, channel_create
from accounts.workflow import NotAllowed
from entities.models import Entity
from registry.errors import RegistryError
from tests.accounts.complete import COMPLETE
from tests.accounts.imports.sheets import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_entity, make_official, make_user):
    mofa = make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")
    moi = make_entity(slug="moi", name_en="Ministry of Interior", name_ar="وزارة الداخلية")
    return {
        "mofa": mofa, "moi": moi,
        "minister": make_official(entity=mofa, slug="abz", name_en="Abdullah bin Zayed", name_ar="عبدالله بن زايد"),
        "editor": make_user(editor_of=mofa),
        "moi_editor": make_user(editor_of=moi),
        "reviewer": make_user(reviewer=True),
        "second_reviewer": make_user(reviewer=True),
        "nobody": make_user(),
    }


def preview(actor, data: bytes, *, name: str = "channels.csv", two_factor: bool = True, **options) -> ChannelImport:
    return import_preview(actor=actor, file=io.BytesIO(data), file_name=name, size=len(data),
                          two_factor=two_factor, **options)


def outcomes(channel_import: ChannelImport) -> dict[int, str]:
    return dict(channel_import.rows.order_by("number").values_list("number", "outcome"))


def sentences(channel_import: ChannelImport, user, language: str) -> dict[int, str]:
    with translation.override(language):
        return {row.number: row.sentence for row in described(channel_import.rows.order_by("number"), user)}


EVERY_OUTCOME = [
    ["entity", "official", "platform", "link", "languages", "description"],
    ["mofa", "", "", "https://x.com/MOFAUAE", "Bilingual", "The ministry's account."],  # 2 register
    ["وزارة الخارجية", "abz", "Twitter", "https://www.instagram.com/mofauae/", "عربي", ""],  # 3 mismatch
    ["mofa", "", "", "https://x.com/already_ours", "", ""],  # 4 already
    ["mofa", "", "", "https://x.com/moiuae", "", ""],  # 5 held by moi
    ["mofa", "", "", "https://www.facebook.com/share/p/1AbCdEf/", "", ""],  # 6 unreadable
    ["Ministry of Foriegn Affairs", "", "", "https://x.com/typo", "", ""],  # 7 unknown entity
    ["mofa", "The Nobody", "", "https://x.com/no_official", "", ""],  # 8 unknown official
    ["moi", "", "", "https://x.com/not_mine", "", ""],  # 9 not allowed
    ["mofa", "", "", "https://x.com/klingon", "Klingon", ""],  # 10 invalid
    ["mofa", "", "", "x.com/mofauae", "", ""],  # 11 duplicate of 2
]


@pytest.fixture
def registered(team, make_channel):
    make_channel("https://x.com/already_ours", entity=team["mofa"], status=Status.DRAFT)
    make_channel("https://x.com/moiuae", entity=team["moi"])


def test_the_preview_gives_every_row_its_outcome_and_writes_no_channel(team, registered):
    channels_before = Channel.private_objects.count()
    channel_import = preview(team["editor"], csv_bytes(EVERY_OUTCOME))

    assert outcomes(channel_import) == {
        2: "register", 3: "mismatch", 4: "already", 5: "held", 6: "unreadable", 7: "unknown_entity",
        8: "unknown_official", 9: "not_allowed", 10: "invalid", 11: "duplicate",
    }
    assert channel_import.counts == {"register": 1, "mismatch": 1, "already": 1, "held": 1, "unreadable": 1,
                                     "unknown_entity": 1, "unknown_official": 1, "not_allowed": 1, "invalid": 1,
                                     "duplicate": 1}
    assert (channel_import.rows_total, channel_import.status) == (10, "previewed")
    assert Channel.private_objects.count() == channels_before
    row = ImportRow.objects.get(channel_import=channel_import, number=3)
    assert (row.platform, row.handle, row.official.slug) == ("instagram", "mofauae", "abz")


def test_each_outcome_is_said_in_english_and_in_arabic(team, registered):
    channel_import = preview(team["editor"], csv_bytes(EVERY_OUTCOME))
    english = sentences(channel_import, team["editor"], "en")
    assert english[2] == "Will be registered: X \u2066MOFAUAE\u2069."  # the handle isolated left to right
    assert "Twitter" not in english[3] and "X" in english[3] and "Instagram" in english[3]
    assert "already in the register for this entity" in english[4].lower()
    assert "Ministry of Interior" in english[5]  # public, so named
    assert "Facebook" in english[6]
    offered = english[7].split("Did you mean")[1]
    assert offered.startswith((" \u2068Ministry of Foreign Affairs", " one of: \u2068Ministry of Foreign Affairs"))
    assert "The Nobody" in english[8]
    assert "Ministry of Interior" in english[9]
    assert "klingon" in english[10]
    assert english[11] == "The same account as row 2 of this file."

    arabic = sentences(channel_import, team["editor"], "ar")
    assert "وزارة الخارجية" in arabic[7]  # the closest name, in the reader's language
    assert "وزارة الداخلية" in arabic[5]
    assert arabic[6] != english[6] and "Facebook" in arabic[6]


def test_a_share_link_is_not_opened_and_the_row_says_to_paste_the_accounts_link(team):
    channel_import = preview(team["editor"], csv_bytes([["entity", "link"], ["mofa", "https://vm.tiktok.com/ZMabc/"]]))
    assert outcomes(channel_import) == {2: "unreadable"}
    assert "Share links are not opened at import" in sentences(channel_import, team["editor"], "en")[2]


def test_a_hidden_holder_is_not_named(team, make_channel):
    make_channel("https://x.com/moi_draft", entity=team["moi"], status=Status.SUBMITTED)
    channel_import = preview(team["editor"], csv_bytes([["entity", "link"], ["mofa", "https://x.com/moi_draft"]]))
    assert outcomes(channel_import) == {2: "held"}
    sentence = sentences(channel_import, team["editor"], "en")[2]
    assert "Ministry of Interior" not in sentence and "under review" in sentence


def test_an_editors_import_registers_drafts_with_one_event_naming_the_import(team, registered):
    channel_import = preview(team["editor"], csv_bytes(EVERY_OUTCOME))
    confirmed = import_confirm(actor=team["editor"], import_id=channel_import.pk)

    assert (confirmed.status, confirmed.registered) == ("confirmed", 2)
    rows = {row.number: row for row in confirmed.rows.all()}
    mofa_x, mofa_instagram = rows[2].channel, rows[3].channel
    assert (mofa_x.status, mofa_x.platform, mofa_x.handle, mofa_x.languages) == ("draft", "x", "MOFAUAE", ["ar", "en"])
    assert mofa_x.description == "The ministry's account."
    assert (mofa_instagram.platform, mofa_instagram.official.slug, mofa_instagram.languages) == (
        "instagram", "abz", ["ar"])
    assert mofa_x.created_by == team["editor"]
    for channel in (mofa_x, mofa_instagram):
        events = list(channel.events.all())
        assert [(event.action, event.channel_import_id) for event in events] == [("create", channel_import.pk)]
    assert ChannelEvent.objects.filter(channel_import=channel_import).count() == 2
    assert rows[4].channel is None and rows[5].channel is None


def test_a_reviewers_import_submits_and_the_importer_cannot_approve_them(team):
    data = csv_bytes([["entity", "link", "display_name", "languages", "description"],
                      ["mofa", "https://x.com/MOFAUAE", "MOFA", "English", "Foreign affairs news."],
                      ["moi", "https://x.com/moiuae", "MOI", "Arabic", "Interior news."]])
    channel_import = preview(team["reviewer"], data)
    assert outcomes(channel_import) == {2: "register", 3: "register"}
    import_confirm(actor=team["reviewer"], import_id=channel_import.pk, two_factor=True)

    channel = Channel.private_objects.get(handle_key="mofauae")
    assert channel.status == Status.SUBMITTED and channel.submitted_by == team["reviewer"]
    assert [event.action for event in channel.events.all()] == ["create", "submit"]
    with pytest.raises(NotAllowed) as refused:
        channel_act(actor=team["reviewer"], channel_id=channel.pk, action="approve", two_factor=True)
    assert refused.value.code == "four_eyes"
    channel_act(actor=team["second_reviewer"], channel_id=channel.pk, action="approve", two_factor=True)


def test_the_same_file_twice_changes_nothing_the_second_time(team, registered):
    data = csv_bytes(EVERY_OUTCOME)
    import_confirm(actor=team["editor"], import_id=preview(team["editor"], data).pk)
    channels = list(Channel.private_objects.order_by("pk").values_list("pk", "version", "status"))
    events = ChannelEvent.objects.count()

    second = preview(team["editor"], data)
    assert second.counts.get("register", 0) == 0 and second.counts.get("mismatch", 0) == 0
    assert outcomes(second)[2] == outcomes(second)[3] == "already"
    second = import_confirm(actor=team["editor"], import_id=second.pk)
    assert second.registered == 0
    assert list(Channel.private_objects.order_by("pk").values_list("pk", "version", "status")) == channels
    assert ChannelEvent.objects.count() == events


def test_the_confirm_step_refuses_when_the_register_changed_since_the_preview(team):
    data = csv_bytes([["entity", "link"], ["mofa", "https://x.com/MOFAUAE"], ["mofa", "https://x.com/second"]])
    channel_import = preview(team["editor"], data)
    channel_create(**COMPLETE, actor=team["moi_editor"], entity=team["moi"], link="https://x.com/second")
    channel_act(actor=team["moi_editor"], channel_id=Channel.private_objects.get(handle_key="second").pk,
                action="submit")

    with translation.override("en"), pytest.raises(RegistryError) as refused:
        import_confirm(actor=team["editor"], import_id=channel_import.pk)
    assert (refused.value.code, refused.value.http_status) == ("register_changed", 409)
    assert "Nothing was registered" in refused.value.message
    assert not Channel.private_objects.filter(handle_key="mofauae").exists()
    assert ChannelImport.objects.get(pk=channel_import.pk).status == "previewed"


def test_a_confirmed_import_is_not_confirmed_again_and_only_its_importer_confirms_it(team):
    channel_import = preview(team["editor"], csv_bytes([["entity", "link"], ["mofa", "https://x.com/MOFAUAE"]]))
    with pytest.raises(RegistryError) as refused:
        import_confirm(actor=team["reviewer"], import_id=channel_import.pk, two_factor=True)
    assert refused.value.code == "not_found"
    import_confirm(actor=team["editor"], import_id=channel_import.pk)
    with pytest.raises(RegistryError) as refused:
        import_confirm(actor=team["editor"], import_id=channel_import.pk)
    assert refused.value.code == "already_confirmed"


@pytest.mark.parametrize(("who", "options", "code"), [
    ("moi_editor", {"entity": "mofa"}, "forbidden"),  # an editor importing for another entity
    ("nobody", {}, "forbidden"),  # neither an editor nor a reviewer
    ("editor", {"create_entities": True}, "forbidden"),  # only reviewers create entities
])
def test_who_may_not_import(team, who, options, code):
    if "entity" in options:
        options["entity"] = team[options["entity"]]
    with pytest.raises(NotAllowed) as refused:
        preview(team[who], csv_bytes([["entity", "link"], ["mofa", "https://x.com/a"]]), **options)
    assert refused.value.code == code
    assert not ChannelImport.objects.exists()


def test_a_reviewer_without_the_second_factor_may_not_import(team):
    with pytest.raises(NotAllowed) as refused:
        preview(team["reviewer"], csv_bytes([["entity", "link"], ["mofa", "https://x.com/a"]]), two_factor=False)
    assert refused.value.code == "second_factor_required"
    channel_import = preview(team["reviewer"], csv_bytes([["entity", "link"], ["mofa", "https://x.com/a"]]))
    with pytest.raises(NotAllowed):
        import_confirm(actor=team["reviewer"], import_id=channel_import.pk, two_factor=False)


def test_a_chosen_entity_serves_every_row_and_a_row_naming_another_is_flagged(team):
    data = csv_bytes([["link", "entity"], ["https://x.com/one", ""], ["https://x.com/two", "MOFA"],
                      ["https://x.com/three", "moi"]])
    channel_import = preview(team["editor"], data, entity=team["mofa"])
    assert outcomes(channel_import) == {2: "register", 3: "register", 4: "invalid"}
    assert "but the import is for Ministry of Foreign Affairs" in sentences(channel_import, team["editor"], "en")[4]


def test_a_reviewer_may_have_unknown_entities_created_from_the_file(team):
    data = csv_bytes([
        ["entity", "entity_ar", "link"],
        ["Ministry of Energy", "وزارة الطاقة", "https://x.com/MOEIUAE"],
        ["ministry of energy", "وزارة الطاقة", "https://www.instagram.com/moeiuae/"],
        ["وزارة المالية", "", "https://x.com/mofuae"],  # no English name: not created
    ])
    without = preview(team["reviewer"], data)
    assert outcomes(without) == {2: "unknown_entity", 3: "unknown_entity", 4: "unknown_entity"}
    channel_import = preview(team["reviewer"], data, create_entities=True)
    assert outcomes(channel_import) == {2: "register", 3: "register", 4: "unknown_entity"}
    assert not Entity.objects.filter(name_en="Ministry of Energy").exists()

    confirmed = import_confirm(actor=team["reviewer"], import_id=channel_import.pk, two_factor=True)
    assert (confirmed.registered, confirmed.entities_created) == (2, 1)
    energy = Entity.objects.get(name_en="Ministry of Energy")
    assert (energy.slug, energy.name_ar) == ("ministry-of-energy", "وزارة الطاقة")
    assert sorted(energy.channels.values_list("platform", "handle_key")) == [("instagram", "moeiuae"), ("x", "moeiuae")]


def test_an_xlsx_import_with_arabic_headings(team):
    data = xlsx_bytes([["الرابط", "الجهة", "اللغات"], ["https://x.com/MOFAUAE", "وزارة الخارجية", "ثنائي اللغة"]])
    channel_import = preview(team["editor"], data, name="قنوات.xlsx")
    assert outcomes(channel_import) == {2: "register"}
    import_confirm(actor=team["editor"], import_id=channel_import.pk)
    assert Channel.private_objects.get(handle_key="mofauae").languages == ["ar", "en"]


def test_the_public_export_imports_back_with_nothing_to_do(team, make_channel, make_official):
    make_channel("https://x.com/MOFAUAE", entity=team["mofa"], languages=["ar", "en"], display_name="MoFA")
    make_channel("https://x.com/ABZayed", entity=team["mofa"], official=team["minister"])
    make_channel("https://x.com/uaeinterior", entity=team["moi"], status=Status.RETIRED)
    export = Client().get("/api/v1/channels.csv")
    data = b"".join(export.streaming_content)

    channel_import = preview(team["reviewer"], data, name="channels.csv")
    assert outcomes(channel_import) == {2: "already", 3: "already", 4: "already"}
    assert set(channel_import.columns["read"]) == {
        "platform", "handle", "link", "display_name", "entity", "entity_ar", "official", "languages"}
    assert channel_import.columns["unread"] == [
        "id", "entity_name_en", "official_name_ar", "official_name_en", "status", "followers", "followers_at", "since",
        "posts", "posts_30d", "last_post_at"]


def test_a_reviewers_import_leaves_a_row_without_the_basic_fields_as_a_draft(team):
    data = csv_bytes([["entity", "link", "display_name", "languages", "description"],
                      ["mofa", "https://x.com/MOFAUAE", "MOFA", "English", "Foreign affairs news."],
                      ["moi", "https://x.com/moiuae", "", "", ""]])
    import_confirm(actor=team["reviewer"], import_id=preview(team["reviewer"], data).pk, two_factor=True)
    assert Channel.private_objects.get(handle_key="mofauae").status == Status.SUBMITTED
    assert Channel.private_objects.get(handle_key="moiuae").status == Status.DRAFT  # for its editors to complete


def test_a_reviewers_import_leaves_a_look_alike_of_another_entitys_account_as_a_draft(team, make_channel):
    make_channel("https://x.com/MOIUAE", entity=team["moi"], status=Status.APPROVED)
    data = csv_bytes([["entity", "link", "display_name", "languages", "description"],
                      ["mofa", "https://x.com/MOFAUAE", "MOFA", "English", "Foreign affairs news."],
                      ["mofa", "https://x.com/M0IUAE", "MOI?", "English", "Looks like the interior ministry."]])
    import_confirm(actor=team["reviewer"], import_id=preview(team["reviewer"], data).pk, two_factor=True)
    assert Channel.private_objects.get(handle_key="mofauae").status == Status.SUBMITTED
    # Only the entity's editors can vouch that it is theirs: the reviewer's file does not.
    assert Channel.private_objects.get(handle_key="m0iuae").status == Status.DRAFT
