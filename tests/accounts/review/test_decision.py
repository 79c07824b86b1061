"""The decision page as a reviewer decides on it, in both languages: ranked warnings (another
entity's official handle on its own, none when the handle did not change), approving over
warnings only once acknowledged (refused on the server otherwise, the note kept), the summary of a
resubmission against the request, and "decide and go to the next"."""
from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import Channel, Status
from accounts.review.decision import MAX_WARNINGS, decision_warnings, next_in_queue, queue_position, resubmission
from accounts.services import channel_act, channel_create, channel_edit
from tests.accounts.complete import COMPLETE
from tests.accounts.review.test_views import review_url, section
from tests.accounts.staff import test_views as staff_tests
from tests.accounts.staff.test_views import approved, login, page_text, snapshot, submitted

team = staff_tests.team  # the fixture, found by pytest under this name

pytestmark = pytest.mark.django_db

LANGS = pytest.mark.parametrize("lang", ["en", "ar"])


def reviewer_in(team, lang: str, who: str = "reviewer") -> Client:
    client = login(Client(), team[who], second_factor=True)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    return client


def warning_kinds(response) -> list[str]:
    return re.findall(r'data-warning="([a-z_]+)"', section(response, "warnings-heading"))


def _resubmitted(team, registered: str, *, reason: str = "Add the account's Arabic name.", **changes) -> Channel:
    channel = submitted(team["entity"], team["editor"], registered)
    channel_act(actor=team["second_reviewer"], channel_id=channel.pk, action="request_changes", reason=reason,
                two_factor=True)
    if changes:
        channel_edit(actor=team["editor"], channel_id=channel.pk, **changes)
    return channel_act(actor=team["editor"], channel_id=channel.pk, action="submit", lookalikes_confirmed=True)


# --- Warnings --------------------------------------------------------------------------------------

@LANGS
def test_another_entitys_official_handle_is_flagged_on_its_own(team, lang):
    official = approved(team["other_entity"], team["other_editor"], team["second_reviewer"], "https://x.com/MOFAUAE")
    imitation = submitted(team["entity"], team["editor"], "https://x.com/M0FAUAE")
    page = reviewer_in(team, lang).get(review_url("channel", imitation, lang=lang))
    warnings = section(page, "warnings-heading")
    box = re.search(r'<div class="warning-official" data-warning="official_lookalike" data-severity="high">.*?</div>',
                    warnings, re.S).group(0)
    assert f'href="{review_url("channel", official, lang=lang)}"' in box and "MOFAUAE" in box
    assert team["other_entity"].name in box
    assert "official_lookalike" not in re.sub(r'<div class="warning-official".*?</div>', "", warnings, flags=re.S)
    if lang == "en":
        assert "This handle looks like another entity's official account." in page_text(page)


@LANGS
def test_the_entitys_own_accounts_are_not_warnings(team, lang):
    approved(team["entity"], team["editor"], team["second_reviewer"], "https://x.com/MOIUAE")
    approved(team["entity"], team["editor"], team["second_reviewer"], "https://x.com/MOIUAE_en")
    own = submitted(team["entity"], team["editor"], "https://x.com/MOIUAE_ar")
    page = reviewer_in(team, lang).get(review_url("channel", own, lang=lang))
    assert section(page, "warnings-heading") == ""
    assert decision_warnings(own).official == [] and not decision_warnings(own)


@LANGS
def test_warnings_are_ranked_and_at_most_three(team, make_entity, make_user, lang):
    for n in range(3):
        other = make_entity()
        editor = make_user(editor_of=other)
        approved(other, editor, team["second_reviewer"], f"https://x.com/Ministry_{n}")
        pending = make_entity()
        submitted(pending, make_user(editor_of=pending), f"https://x.com/Ministry_{n}x")
    retired = approved(team["other_entity"], team["other_editor"], team["second_reviewer"], "https://x.com/ministry")
    channel_act(actor=team["other_editor"], channel_id=retired.pk, action="retire", reason="Moved.")
    for _n in range(2):
        rejected = submitted(team["entity"], team["editor"], "https://x.com/ministry")
        channel_act(actor=team["reviewer"], channel_id=rejected.pk, action="reject", reason="No.", two_factor=True)
    channel = submitted(team["entity"], team["editor"], "https://x.com/ministry")
    Channel.private_objects.filter(pk=channel.pk).update(description="")

    warnings = decision_warnings(Channel.private_objects.get(pk=channel.pk))
    assert len(warnings.official) <= 3 and len(warnings.ranked) == MAX_WARNINGS - 1
    assert [w.severity.value for w in warnings.ranked] == sorted(
        (w.severity.value for w in warnings.ranked), key=["critical", "high", "medium", "low"].index)
    page = reviewer_in(team, lang).get(review_url("channel", channel, lang=lang))
    kinds = warning_kinds(page)
    assert kinds[0] == "official_lookalike" and len(kinds) == MAX_WARNINGS


@LANGS
def test_no_lookalike_warnings_when_a_proposal_leaves_the_handle(team, lang):
    approved(team["other_entity"], team["other_editor"], team["second_reviewer"], "https://x.com/WAMNEWS")
    # Approved by an earlier decision (over the warning); now only its description changes.
    channel = submitted(team["entity"], team["editor"], "https://x.com/WAMNEWS_1")
    assert decision_warnings(channel).official  # the first decision had the warning
    channel = channel_act(actor=team["second_reviewer"], channel_id=channel.pk, action="approve", two_factor=True)
    channel_edit(actor=team["editor"], channel_id=channel.pk, description="New words")
    client = reviewer_in(team, lang)
    page = client.get(review_url("channel", channel, lang=lang))
    assert section(page, "warnings-heading") == ""
    # And approving it is one press, as nothing is open.
    response = client.post(review_url("channel_action", channel, "approve_changes", lang=lang),
                           {"version": Channel.private_objects.get(pk=channel.pk).version})
    assert response.status_code == 302
    assert Channel.public_objects.get(pk=channel.pk).description == "New words"


@LANGS
def test_no_lookalike_warnings_when_a_resubmission_leaves_the_handle(team, lang):
    approved(team["other_entity"], team["other_editor"], team["second_reviewer"], "https://x.com/GCOUAE")
    channel = _resubmitted(team, "https://x.com/GCOUAE_x", description="Better words")
    assert decision_warnings(submitted(team["entity"], team["editor"], "https://x.com/GCOUAE_y")).official
    page = reviewer_in(team, lang).get(review_url("channel", channel, lang=lang))
    assert section(page, "warnings-heading") == ""


@LANGS
def test_a_resubmission_that_changes_the_handle_is_checked_again(team, lang):
    approved(team["other_entity"], team["other_editor"], team["second_reviewer"], "https://x.com/MOCCAE")
    channel = _resubmitted(team, "https://x.com/ClimateOffice", link="https://x.com/M0CCAE")
    assert resubmission(channel).handle_changed
    page = reviewer_in(team, lang).get(review_url("channel", channel, lang=lang))
    assert warning_kinds(page)[0] == "official_lookalike"
    assert 'name="warnings_checked"' in section(page, "decision-heading")


@LANGS
def test_a_proposal_that_empties_a_basic_field_is_warned_of(team, lang):
    channel = approved(team["entity"], team["editor"], team["second_reviewer"], "https://x.com/emptied")
    channel_edit(actor=team["editor"], channel_id=channel.pk, description="")
    page = reviewer_in(team, lang).get(review_url("channel", channel, lang=lang))
    assert warning_kinds(page) == ["empty_fields"]
    if lang == "en":
        assert "Empty: description. The public would see the channel without them." in page_text(page)


# --- Approving over warnings --------------------------------------------------------------------------

@LANGS
def test_approving_over_warnings_is_refused_until_acknowledged_and_keeps_the_note(team, lang):
    approved(team["other_entity"], team["other_editor"], team["second_reviewer"], "https://x.com/MOHAPUAE")
    channel = submitted(team["entity"], team["editor"], "https://x.com/MOHAPUAE1")
    client = reviewer_in(team, lang)
    page = client.get(review_url("channel", channel, lang=lang))
    decision = section(page, "decision-heading")
    assert 'name="warnings_checked"' in decision
    # Sending back and rejecting come before approving.
    labels = re.findall(r'class="action action-([a-z-]+)"', decision)
    assert labels == ["request-changes", "reject", "approve"]

    before = snapshot(channel)
    note = "Called the entity: the account is theirs, run by its Dubai office."
    response = client.post(review_url("channel_action", channel, "approve", lang=lang),
                           {"version": channel.version, "reason": note})
    assert response.status_code == 400
    assert 'data-error-code="warnings_unacknowledged"' in response.content.decode()
    assert snapshot(channel) == before
    approve_form = re.search(r'<form[^>]*class="action action-approve".*?</form>', response.content.decode(), re.S)
    assert note in approve_form.group(0)  # the note is kept in the form
    assert 'aria-invalid="true"' in approve_form.group(0)
    if lang == "en":
        assert "Nothing was approved: this decision has open warnings." in page_text(response)

    response = client.post(review_url("channel_action", channel, "approve", lang=lang),
                           {"version": channel.version, "reason": note, "warnings_checked": "1"})
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.status == Status.APPROVED
    assert channel.events.get(action="approve").comment == note


@LANGS
def test_without_warnings_approving_asks_for_no_acknowledgement(team, lang):
    channel = submitted(team["entity"], team["editor"], "https://x.com/plainsailing")
    client = reviewer_in(team, lang)
    assert 'name="warnings_checked"' not in section(client.get(review_url("channel", channel, lang=lang)),
                                                    "decision-heading")
    response = client.post(review_url("channel_action", channel, "approve", lang=lang), {"version": channel.version})
    assert response.status_code == 302


# --- Resubmissions --------------------------------------------------------------------------------------

@LANGS
def test_a_resubmission_says_what_was_asked_and_what_changed(team, lang):
    channel = _resubmitted(team, "https://x.com/askedfor", reason="Say which emirate it serves.",
                           description="Serving Sharjah.", display_name="Sharjah office")
    summary = resubmission(channel)
    assert summary.request.comment == "Say which emirate it serves."
    assert sorted(summary.changed) == sorted(
        [str(Channel._meta.get_field(name).verbose_name) for name in ("display_name", "description")])
    assert not summary.handle_changed

    page = reviewer_in(team, lang, who="second_reviewer").get(review_url("channel", channel, lang=lang))
    shown = section(page, "resubmission-heading")
    assert "Say which emirate it serves." in shown and 'data-summary="changed"' in shown
    if lang == "en":
        text = " ".join(re.sub(r"<[^>]+>", " ", shown).split())
        assert "You asked: Say which emirate it serves." in text
        assert "They changed: display name, description" in text


@LANGS
def test_a_resubmission_with_nothing_changed_says_so(team, lang):
    channel = _resubmitted(team, "https://x.com/unchanged", reason="Is this really yours?")
    assert resubmission(channel).changed == []
    page = reviewer_in(team, lang).get(review_url("channel", channel, lang=lang))
    shown = section(page, "resubmission-heading")
    assert "Is this really yours?" in shown
    if lang == "en":
        assert "nothing: this is the version that was sent back." in shown
        assert "asked:" in shown  # another reviewer asked: named by their address


def test_a_first_submission_has_no_resubmission_summary(team):
    channel = submitted(team["entity"], team["editor"], "https://x.com/firsttime")
    assert resubmission(channel) is None
    assert section(reviewer_in(team, "en").get(review_url("channel", channel)), "resubmission-heading") == ""


# --- Decide and go to the next ------------------------------------------------------------------------------

@LANGS
def test_decide_and_go_to_the_next_follows_the_queue_then_says_it_is_empty(team, lang):
    first = submitted(team["entity"], team["editor"], "https://x.com/queuefirst")
    second = submitted(team["entity"], team["editor"], "https://x.com/queuesecond")
    client = reviewer_in(team, lang)
    assert ">Approve and go to the next</button>" in section(
        client.get(review_url("channel", first, lang="en")), "decision-heading")

    response = client.post(review_url("channel_action", first, "approve", lang=lang),
                           {"version": first.version, "then_next": "1"})
    assert response.status_code == 302 and response.headers["Location"] == review_url("channel", second, lang=lang)
    response = client.post(review_url("channel_action", second, "request_changes", lang=lang),
                           {"version": second.version, "reason": "Add the Arabic name.", "then_next": "1"})
    assert response.status_code == 302 and response.headers["Location"] == review_url("queue", lang=lang)
    page = client.get(response.headers["Location"])
    if lang == "en":
        assert "The queue is empty: nothing else waits for a decision." in page_text(page)
    assert Channel.private_objects.get(pk=second.pk).status == Status.CHANGES_REQUESTED


def test_the_next_item_is_the_one_after_in_the_queue_order_then_the_first(team):
    channels = [submitted(team["entity"], team["editor"], f"https://x.com/inorder{n}") for n in range(3)]
    middle = queue_position(channels[1].pk)
    assert next_in_queue(channels[1].pk, middle).pk == channels[2].pk
    last = queue_position(channels[2].pk)
    assert next_in_queue(channels[2].pk, last).pk == channels[0].pk  # past the end: from the top


def test_the_next_item_leaves_out_what_the_reviewer_may_not_decide(team):
    first = channel_create(**COMPLETE, actor=team["reviewer"], entity=team["entity"], two_factor=True,
                           link="https://x.com/skipfirst")
    channel_act(actor=team["editor"], channel_id=first.pk, action="submit")
    proposal = approved(team["entity"], team["editor"], team["second_reviewer"], "https://x.com/skipproposal")
    channel_edit(actor=team["reviewer"], channel_id=proposal.pk, two_factor=True, description="Proposed by them")
    decidable = submitted(team["entity"], team["editor"], "https://x.com/skipnot")
    assert next_in_queue(0, None, user=team["reviewer"]).pk == decidable.pk
    assert next_in_queue(0, None, user=team["second_reviewer"]).pk == first.pk
