"""The change feed's reads (accounts/opendata/changes.py): which events are public changes, their
order, the filters and the cursor."""
from __future__ import annotations

import pytest

from accounts.models import ChangeKind, ChannelEvent
from accounts.opendata.changes import (
    ChangeFilters,
    ChangeQueryError,
    change_payload,
    changes_page,
    decode_cursor,
    encode_cursor,
    latest_changes,
    public_changes,
    read_filters,
    read_limit,
)
from accounts.workflow import PUBLIC_CHANGES, TRANSITIONS, Action
from tests.accounts.opendata.steps import Workflow, workflow_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def workflow(make_entity, make_user) -> Workflow:
    return workflow_for(make_entity, make_user)


def kinds(events) -> list[str]:
    return [change_payload(event, site_url="https://registry.example")["kind"] for event in events]


def test_the_public_changes_are_the_transitions_that_change_what_the_public_sees():
    assert PUBLIC_CHANGES == {
        Action.APPROVE: ChangeKind.APPROVED, Action.RETIRE: ChangeKind.RETIRED,
        Action.FLAG_COMPROMISED: ChangeKind.COMPROMISED, Action.RESTORE: ChangeKind.RESTORED,
        Action.APPROVE_CHANGES: ChangeKind.CHANGED,
    }
    private = set(TRANSITIONS) - set(PUBLIC_CHANGES)
    assert {Action.SUBMIT, Action.REJECT, Action.REQUEST_CHANGES, Action.PROPOSE, Action.REJECT_CHANGES,
            Action.EDIT, Action.CERTIFY} == private


def test_every_public_change_in_order_and_nothing_else(workflow):
    draft = workflow.draft("https://x.com/only_a_draft")
    submitted = workflow.submitted("https://x.com/waiting_one")
    rejected = workflow.act(workflow.submitted("https://x.com/refused_one"), "reject", reason="Not ours.")
    sent_back = workflow.act(workflow.submitted("https://x.com/sent_back"), "request_changes", reason="Fix it.")
    first = workflow.approved("https://x.com/first_one")
    second = workflow.approved("https://instagram.com/second_one")
    workflow.act(second, "flag_compromised", reason="Taken over.")
    workflow.act(second, "restore")
    workflow.propose(first, display_name="A better name")
    workflow.act(first, "reject_changes", reason="No.")
    workflow.propose(first, display_name="The best name")
    workflow.act(first, "approve_changes")
    workflow.act(first, "certify")
    workflow.act(second, "retire", reason="Closed.")

    changes = list(public_changes())
    assert kinds(changes) == ["approved", "approved", "compromised", "restored", "changed", "retired"]
    assert [event.channel_id for event in changes] == [first.pk, second.pk, second.pk, second.pk, first.pk, second.pk]
    assert [event.pk for event in changes] == sorted(event.pk for event in changes)
    hidden = {draft.pk, submitted.pk, rejected.pk, sent_back.pk}
    assert not any(event.channel_id in hidden for event in changes)
    assert ChannelEvent.objects.filter(channel_id__in=hidden).count() >= 4  # they have events: none is public
    assert kinds(latest_changes(count=2)) == ["retired", "changed"]


def test_a_changed_entry_says_what_the_approved_proposal_set(workflow, make_official):
    official = make_official(entity=workflow.entity, slug="the-minister")
    channel = workflow.approved("https://x.com/minister_desk")
    workflow.propose(channel, display_name="Office of the Minister", official=official)
    workflow.act(channel, "approve_changes")

    change = public_changes(ChangeFilters(kinds=("changed",))).get()
    payload = change_payload(change, site_url="https://registry.example/")
    assert payload["changes"] == {"display_name": "Office of the Minister", "official": "the-minister"}
    assert payload["channel"]["official"] == "the-minister"
    assert payload["channel"]["pages"] == {"ar": f"https://registry.example/ar/channels/{channel.pk}/",
                                           "en": f"https://registry.example/en/channels/{channel.pk}/"}
    assert "comment" not in payload and "actor" not in payload  # reasons and reviewers are not public


def test_a_retired_entry_tells_no_reason_and_no_reviewer(workflow):
    channel = workflow.approved("https://x.com/closing_down")
    workflow.act(channel, "retire", reason="Internal: the team left.")
    payload = change_payload(public_changes(ChangeFilters(kinds=("retired",))).get(), site_url="https://r.example")
    assert "Internal" not in str(payload)
    assert workflow.reviewer.email not in str(payload)
    assert payload["status"] == "retired" and payload["channel"]["status"] == "retired"


def test_filters_by_entity_platform_and_kind(workflow, make_entity, make_user):
    other = make_entity(slug="other-authority")
    other_editor = make_user(editor_of=other)
    ours = workflow.approved("https://x.com/ours_on_x")
    workflow.approved("https://instagram.com/ours_on_ig")
    theirs = workflow.approved("https://x.com/theirs_on_x", entity=other, editor=other_editor)
    workflow.act(ours, "retire", reason="Closed.")

    assert {e.channel_id for e in public_changes(read_filters(entity="other-authority"))} == {theirs.pk}
    assert {e.channel_id for e in public_changes(read_filters(platform="x"))} == {ours.pk, theirs.pk}
    assert kinds(public_changes(read_filters(kinds=["retired"]))) == ["retired"]
    assert kinds(public_changes(read_filters(kinds=["retired,approved"]))) == ["approved"] * 3 + ["retired"]
    assert kinds(public_changes(read_filters(entity="ministry-of-tests", platform="x", kinds=["approved"]))) == [
        "approved"]


@pytest.mark.parametrize(("given", "code"), [
    ({"entity": "no-such-entity"}, "unknown_entity"),
    ({"platform": "myspace"}, "unknown_platform"),
    ({"kinds": ["approved", "submitted"]}, "unknown_kind"),
    ({"kinds": ["rejected"]}, "unknown_kind"),
])
def test_unknown_filters_are_refused_with_their_code(db, given, code):
    with pytest.raises(ChangeQueryError) as refused:
        read_filters(**given)
    assert refused.value.code == code and refused.value.message


def test_an_inactive_entity_is_unknown(make_entity):
    make_entity(slug="closed-entity", is_active=False)
    with pytest.raises(ChangeQueryError) as refused:
        read_filters(entity="closed-entity")
    assert refused.value.code == "unknown_entity"


def test_the_cursor_is_opaque_stable_and_checked():
    cursor = encode_cursor(12345)
    assert "12345" not in cursor and cursor == encode_cursor(12345)
    assert decode_cursor(cursor) == 12345
    for bad in ["12345", "not-a-cursor", "!!!", encode_cursor(1)[:-1] + "$", "YzEuLTE", "YzEuMWUz", "x" * 500]:
        with pytest.raises(ChangeQueryError) as refused:
            decode_cursor(bad)
        assert refused.value.code == "invalid_cursor"


@pytest.mark.parametrize("value", ["0", "201", "-1", "ten", "1.5", "٣"])
def test_limits_outside_one_to_the_most_are_refused(value):
    with pytest.raises(ChangeQueryError) as refused:
        read_limit(value)
    assert refused.value.code == "invalid_limit"


def test_pages_resume_after_the_cursor(workflow):
    channels = [workflow.approved(f"https://x.com/paged_{n}") for n in range(5)]
    first, more = changes_page(ChangeFilters(), after=None, limit=2)
    assert more and [e.channel_id for e in first] == [c.pk for c in channels[:2]]
    second, more = changes_page(ChangeFilters(), after=first[-1].pk, limit=2)
    assert more and [e.channel_id for e in second] == [c.pk for c in channels[2:4]]
    third, more = changes_page(ChangeFilters(), after=second[-1].pk, limit=2)
    assert not more and [e.channel_id for e in third] == [channels[4].pk]
