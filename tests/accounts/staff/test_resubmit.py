"""An editor answering a reviewer's "changes requested": the reason at the top of the channel's
page and its edit form, "Save and resubmit" as one step, and a plain Save that says it sent nothing."""
from __future__ import annotations

import re

import pytest

from accounts.models import Channel, ChannelEvent, Status
from accounts.services import channel_act, channel_create
from tests.accounts.complete import COMPLETE
from tests.accounts.staff.test_views import login, page_text, snapshot, staff_url, submitted

pytestmark = pytest.mark.django_db

REASON = "Add the English description, please."
LANGS = ["en", "ar"]


@pytest.fixture
def team(make_entity, make_user):
    """An entity with its editor, and two GCO reviewers."""
    entity = make_entity()
    return {"entity": entity, "editor": make_user(editor_of=entity), "reviewer": make_user(reviewer=True),
            "second_reviewer": make_user(reviewer=True)}


@pytest.fixture
def sent_back(team):
    """A channel a reviewer sent back with a reason."""
    channel = submitted(team["entity"], team["editor"], "https://x.com/SentBackGov")
    return channel_act(actor=team["reviewer"], channel_id=channel.pk, action="request_changes", reason=REASON,
                       two_factor=True)


def banner(response) -> str:
    content = response.content.decode()
    found = re.search(r'<section class="notice changes-request".*?</section>', content, re.S)
    assert found, "no changes-requested banner"
    return found.group(0)


def typed(channel: Channel, **changes) -> dict:
    return {"link": channel.canonical_url, "display_name": "Sent Back Gov", "languages": ["en"],
            "description": "Our news, in English too.", "version": channel.version, **changes}


def message(response, kind: str) -> str:
    return " ".join(re.findall(rf'<p class="message message-{kind}">(.*?)</p>', response.content.decode(), re.S))


@pytest.mark.parametrize("lang", LANGS)
def test_the_reviewers_reason_who_and_when_head_the_page_and_the_form(client, team, sent_back, lang):
    login(client, team["editor"])
    for name in ("channel_detail", "channel_edit"):
        response = client.get(staff_url(name, sent_back, lang=lang))
        assert response.status_code == 200
        shown = banner(response)
        assert re.search(rf'<blockquote class="prose" dir="auto">{re.escape(REASON)}</blockquote>', shown)
        assert f'<bdi dir="ltr">{team["reviewer"].email}</bdi>' in shown and "<time " in shown
        # Above the details and the form, not at the foot with the history.
        content = response.content.decode()
        assert content.index('id="changes-request"') < content.index(
            "<form method=\"post\" class=\"channel-form\"" if name == "channel_edit" else 'id="details-heading"')
    form = client.get(staff_url("channel_edit", sent_back, lang=lang)).content.decode()
    assert re.search(r'<button type="submit" class="button" name="resubmit" value="1">', form)
    if lang == "en":
        text = page_text(client.get(staff_url("channel_detail", sent_back)))
        assert f"A GCO reviewer asked for changes {REASON} Asked by {team['reviewer'].email} on" in text
        assert "Save and resubmit" in page_text(client.get(staff_url("channel_edit", sent_back)))


def test_no_banner_nor_resubmit_button_on_a_draft(client, team):
    channel = channel_create(**COMPLETE, actor=team["editor"], entity=team["entity"], link="https://x.com/JustADraft")
    login(client, team["editor"])
    for name in ("channel_detail", "channel_edit"):
        content = client.get(staff_url(name, channel)).content.decode()
        assert 'id="changes-request"' not in content and 'name="resubmit"' not in content


@pytest.mark.parametrize("lang", LANGS)
def test_save_and_resubmit_saves_submits_and_says_so(client, team, sent_back, lang):
    login(client, team["editor"])
    before = ChannelEvent.objects.filter(channel=sent_back).count()
    response = client.post(staff_url("channel_edit", sent_back, lang=lang), {**typed(sent_back), "resubmit": "1"},
                           follow=True)
    assert response.status_code == 200
    channel = Channel.private_objects.get(pk=sent_back.pk)
    assert channel.status == Status.SUBMITTED and channel.submitted_by == team["editor"]
    assert (channel.display_name, channel.description) == ("Sent Back Gov", "Our news, in English too.")
    events = list(channel.events.order_by("-id").values_list("action", "from_status", "to_status", "actor"))
    assert len(events) == before + 2
    assert events[:2] == [("submit", "changes_requested", "submitted", team["editor"].pk),
                          ("edit", "changes_requested", "changes_requested", team["editor"].pk)]
    said = message(response, "success")
    assert ("Submitted" if lang == "en" else "مُقدَّم للمراجعة") in said
    if lang == "en":
        assert "Saved and sent back to the GCO for review" in said
    assert 'id="changes-request"' not in response.content.decode()  # answered: no banner any more


@pytest.mark.parametrize("lang", LANGS)
def test_a_plain_save_says_nothing_was_sent_for_review(client, team, sent_back, lang):
    login(client, team["editor"])
    response = client.post(staff_url("channel_edit", sent_back, lang=lang), typed(sent_back), follow=True)
    channel = Channel.private_objects.get(pk=sent_back.pk)
    assert channel.status == Status.CHANGES_REQUESTED and channel.display_name == "Sent Back Gov"
    said = message(response, "warning")
    assert ("Changes requested" if lang == "en" else "بحاجة إلى تعديلات") in said
    if lang == "en":
        assert "saved but not yet sent for review" in said and "Submit for review" in said
        assert "Saved." not in page_text(response)
    assert 'id="changes-request"' in response.content.decode()  # the request still stands


@pytest.mark.parametrize("lang", LANGS)
def test_a_resubmission_with_the_link_left_empty_saves_nothing_and_keeps_what_was_typed(client, team, sent_back,
                                                                                        lang):
    login(client, team["editor"])
    before = snapshot(sent_back)
    response = client.post(staff_url("channel_edit", sent_back, lang=lang),
                           {**typed(sent_back, link="", display_name="Typed but not saved"), "resubmit": "1"})
    assert response.status_code == 400
    assert snapshot(sent_back) == before
    content = response.content.decode()
    assert 'value="Typed but not saved"' in content and 'id="nothing-saved"' in content
    assert REASON in banner(response)


@pytest.mark.parametrize("lang", LANGS)
def test_an_editor_removed_from_the_entity_cannot_resubmit_and_nothing_changes(client, team, sent_back, lang):
    login(client, team["editor"])
    opened = typed(sent_back, description="Typed, refused")
    team["editor"].memberships.all().delete()  # taken off the entity while the form was open
    before = snapshot(sent_back)
    response = client.post(staff_url("channel_edit", sent_back, lang=lang), {**opened, "resubmit": "1"})
    assert response.status_code == 404  # another entity's channel is not there for them
    assert snapshot(sent_back) == before


def test_a_resubmission_of_a_form_someone_else_changed_meanwhile_saves_nothing(
        client, team, sent_back, mailoutbox, django_capture_on_commit_callbacks):
    login(client, team["editor"])
    opened = typed(sent_back, display_name="Mine")
    channel_act(actor=team["editor"], channel_id=sent_back.pk, action="submit")  # from another tab
    before = snapshot(sent_back)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(staff_url("channel_edit", sent_back), {**opened, "resubmit": "1"})
    assert response.status_code == 409
    assert snapshot(sent_back) == before and mailoutbox == []
    assert 'value="Mine"' in response.content.decode()


def test_save_and_resubmit_tells_the_reviewers_after_commit_as_a_submission_does(
        client, team, sent_back, mailoutbox, django_capture_on_commit_callbacks):
    login(client, team["editor"])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(staff_url("channel_edit", sent_back), {**typed(sent_back), "resubmit": "1"})
    assert len(mailoutbox) == 1  # the submission's email; an edit of a draft tells nobody
    assert sorted(mailoutbox[0].to) == sorted([team["reviewer"].email, team["second_reviewer"].email])
    assert "SentBackGov" in mailoutbox[0].body
