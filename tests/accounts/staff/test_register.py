"""Registering a channel as an entity's editor: another entity's official look-alike is named
and must be confirmed before submitting; a submission needs its basic fields; a taken handle
says who holds it, or whom to contact. In both languages."""
from __future__ import annotations

import pytest
from django.utils import translation

from accounts.lookalikes import closest_officials
from accounts.models import Channel, Status
from accounts.services import channel_act, channel_create
from accounts.workflow import Incomplete, LookalikesUnconfirmed
from registry.direction import without_isolates
from tests.accounts.api.test_channels import assert_error, detail, token_client
from tests.accounts.complete import COMPLETE
from tests.accounts.staff.test_views import login, page_text, staff_url

LANGS = ["en", "ar"]


@pytest.fixture
def cast(make_entity, make_user, make_channel):
    ours, theirs = make_entity(), make_entity()
    official = make_channel("https://x.com/MOIUAE_demo1", entity=theirs, status=Status.APPROVED)
    return {"ours": ours, "theirs": theirs, "editor": make_user(editor_of=ours), "official": official}


def in_lang(client, lang):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    return client


@pytest.mark.parametrize("lang", LANGS)
def test_a_handle_like_another_entitys_official_one_is_named_and_submitting_asks_to_confirm(client, cast, lang):
    login(in_lang(client, lang), cast["editor"])
    created = client.post(staff_url("channel_create", lang=lang), {
        "link": "https://x.com/MOIUAE_demo2", "entity": cast["ours"].pk, **COMPLETE,
    })
    assert created.status_code == 302  # a draft may be saved with the warning
    channel = Channel.private_objects.get(handle="MOIUAE_demo2")

    page = client.get(staff_url("channel_detail", channel, lang=lang))
    text = page_text(page)
    with translation.override(lang):
        assert cast["theirs"].name in text
    assert "MOIUAE_demo1" in text
    assert 'name="lookalikes_confirmed"' in page.content.decode()

    refused = client.post(staff_url("channel_action", channel, "submit", lang=lang), {"version": channel.version})
    assert refused.status_code == 400
    assert 'data-error-code="lookalikes_unconfirmed"' in refused.content.decode()
    assert Channel.private_objects.get(pk=channel.pk).status == Status.DRAFT

    done = client.post(staff_url("channel_action", channel, "submit", lang=lang),
                       {"version": channel.version, "lookalikes_confirmed": "1"})
    assert done.status_code == 302
    assert Channel.private_objects.get(pk=channel.pk).status == Status.SUBMITTED


def test_the_warning_says_how_the_handle_differs_at_most_three_closest_first(client, cast, make_channel):
    for handle in ("MOIUAE_demo3", "MOIUAE_demo4", "MOIUAE_demo5"):
        make_channel(f"https://x.com/{handle}", entity=cast["theirs"], status=Status.APPROVED)
    draft = channel_create(**COMPLETE, actor=cast["editor"], entity=cast["ours"], link="https://x.com/MOIUAE_demo1x")
    text = page_text(login(in_lang(client, "en"), cast["editor"]).get(staff_url("channel_detail", draft)))
    warning = text.split("official account")[1].split("Check that")[0]
    assert warning.count(cast["theirs"].name_en) == 3
    ranked = closest_officials(draft.handle_key, draft.platform)  # as verify ranks them
    shown = [warning.index(f"{other.handle} on X, of") for other, _ in ranked]
    assert shown == sorted(shown) and ranked[0][0].handle == "MOIUAE_demo1"
    for _, reason in ranked:
        assert without_isolates(reason) in warning  # how it differs, in closest_officials' words


def test_the_editors_own_entitys_accounts_are_no_warning(client, cast, make_channel):
    make_channel("https://x.com/OURS_main", entity=cast["ours"], status=Status.APPROVED)
    draft = channel_create(**COMPLETE, actor=cast["editor"], entity=cast["ours"], link="https://x.com/OURS_main2")
    login(in_lang(client, "en"), cast["editor"])
    assert 'id="lookalikes"' not in client.get(staff_url("channel_detail", draft)).content.decode()
    done = client.post(staff_url("channel_action", draft, "submit"), {"version": draft.version})
    assert done.status_code == 302


@pytest.mark.parametrize("lang", LANGS)
def test_save_and_resubmit_asks_to_confirm_a_look_alike_keeping_what_was_typed(client, cast, make_user, lang):
    reviewer = make_user(reviewer=True)
    channel = channel_create(**COMPLETE, actor=cast["editor"], entity=cast["ours"], link="https://x.com/MOIUAE_demo2")
    channel_act(actor=cast["editor"], channel_id=channel.pk, action="submit", lookalikes_confirmed=True)
    channel = channel_act(actor=reviewer, channel_id=channel.pk, action="request_changes", reason="Check it.",
                          two_factor=True)
    login(in_lang(client, lang), cast["editor"])
    typed = {"link": "https://x.com/MOIUAE_demo2", "display_name": "Typed again", "languages": ["en"],
             "description": "Typed text", "version": channel.version, "resubmit": "1"}
    refused = client.post(staff_url("channel_edit", channel, lang=lang), typed)
    assert refused.status_code == 400
    content = refused.content.decode()
    assert 'value="Typed again"' in content and 'name="lookalikes_confirmed"' in content
    assert Channel.private_objects.get(pk=channel.pk).status == Status.CHANGES_REQUESTED
    done = client.post(staff_url("channel_edit", channel, lang=lang), {**typed, "lookalikes_confirmed": "1"})
    assert done.status_code == 302
    assert Channel.private_objects.get(pk=channel.pk).status == Status.SUBMITTED


@pytest.mark.parametrize("lang", LANGS)
def test_an_incomplete_channel_is_not_submitted_and_the_page_says_what_is_missing(client, cast, lang):
    draft = channel_create(actor=cast["editor"], entity=cast["ours"], link="https://x.com/bare_draft",
                           display_name="Named")
    login(in_lang(client, lang), cast["editor"])
    page = client.get(staff_url("channel_detail", draft, lang=lang)).content.decode()
    assert "/submit/" in page  # offered, so pressing it says what to fill in
    refused = client.post(staff_url("channel_action", draft, "submit", lang=lang), {"version": draft.version})
    assert refused.status_code == 400
    assert 'data-error-code="incomplete"' in refused.content.decode()
    assert Channel.private_objects.get(pk=draft.pk).status == Status.DRAFT
    if lang == "en":
        text = page_text(refused)
        assert "at least one language" in text and "description" in text and "display name" not in text


# --- The services and the API -------------------------------------------------------------------

def test_submitting_needs_the_basic_fields_and_names_the_missing_ones(cast):
    draft = channel_create(actor=cast["editor"], entity=cast["ours"], link="https://x.com/emptydraft")
    assert draft.status == Status.DRAFT  # a draft may stay incomplete
    with pytest.raises(Incomplete) as refused:
        channel_act(actor=cast["editor"], channel_id=draft.pk, action="submit")
    assert refused.value.code == "incomplete"
    assert refused.value.missing == ["display_name", "languages", "description"]
    assert Channel.private_objects.get(pk=draft.pk).status == Status.DRAFT


def test_whitespace_is_not_a_description(cast):
    draft = channel_create(actor=cast["editor"], entity=cast["ours"], link="https://x.com/blankdraft",
                           **{**COMPLETE, "description": "   "})
    with pytest.raises(Incomplete) as refused:
        channel_act(actor=cast["editor"], channel_id=draft.pk, action="submit")
    assert refused.value.missing == ["description"]


def test_the_api_refuses_an_incomplete_submission_with_the_missing_fields(cast):
    draft = channel_create(actor=cast["editor"], entity=cast["ours"], link="https://x.com/apidraft",
                           languages=["ar"])
    body = assert_error(token_client(cast["editor"]).post(detail(draft.pk, "submit"), {}, format="json"),
                        400, "incomplete")
    assert body["missing"] == ["display_name", "description"]
    assert Channel.private_objects.get(pk=draft.pk).status == Status.DRAFT


def test_the_services_refuse_an_unconfirmed_look_alike_submission_whatever_the_door(cast):
    draft = channel_create(actor=cast["editor"], entity=cast["ours"], link="https://x.com/MOIUAE_demo2", **COMPLETE)
    with pytest.raises(LookalikesUnconfirmed) as refused:
        channel_act(actor=cast["editor"], channel_id=draft.pk, action="submit")
    assert [channel.pk for channel, _ in refused.value.lookalikes] == [cast["official"].pk]
    assert Channel.private_objects.get(pk=draft.pk).status == Status.DRAFT
    channel_act(actor=cast["editor"], channel_id=draft.pk, action="submit", lookalikes_confirmed=True)
    assert Channel.private_objects.get(pk=draft.pk).status == Status.SUBMITTED


def test_the_api_refuses_an_unconfirmed_look_alike_submission_and_lists_the_look_alikes(cast):
    draft = channel_create(actor=cast["editor"], entity=cast["ours"], link="https://x.com/MOIUAE_demo2", **COMPLETE)
    api = token_client(cast["editor"])
    body = assert_error(api.post(detail(draft.pk, "submit"), {}, format="json"), 400, "lookalikes_unconfirmed",
                        field="lookalikes_confirmed")
    assert body["lookalikes"] == [{
        "id": cast["official"].pk, "platform": "x", "handle": "MOIUAE_demo1", "entity": cast["theirs"].slug,
        "reason": body["lookalikes"][0]["reason"],
    }]
    assert body["lookalikes"][0]["reason"]
    assert Channel.private_objects.get(pk=draft.pk).status == Status.DRAFT

    done = api.post(detail(draft.pk, "submit"), {"lookalikes_confirmed": True}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == Status.SUBMITTED


def test_a_channel_like_nobody_elses_account_submits_without_confirming(cast):
    draft = channel_create(actor=cast["editor"], entity=cast["ours"], link="https://x.com/QuiteUnlike", **COMPLETE)
    done = token_client(cast["editor"]).post(detail(draft.pk, "submit"), {}, format="json")
    assert done.status_code == 200, done.content


def test_a_taken_public_handle_names_the_entity_without_a_number(client, cast):
    login(in_lang(client, "en"), cast["editor"])
    response = client.post(staff_url("channel_create"), {"link": "https://x.com/moiuae_demo1",
                                                         "entity": cast["ours"].pk})
    assert response.status_code == 409
    text = page_text(response)
    assert cast["theirs"].name_en in text and "#" not in text.split("already registered")[1].split(".")[0]
