"""The workflow's rules, cell by cell: every action × who asks × the channel's state.

The expected outcome of each cell is written out here from the rules in DESIGN.md, not read
from accounts/workflow.py, so a change to the transition table that breaks a rule fails.
"""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections
from django.utils import timezone, translation

from accounts.models import Channel, ChannelEvent, Status
from accounts.services import StaleChannel, channel_act, channel_create, channel_edit
from accounts.workflow import NotAllowed, check_allowed, require_editor, require_reviewer
from registry.errors import RegistryError
from tests.accounts.complete import COMPLETE

pytestmark = pytest.mark.django_db

# --- The rules, as the design states them ------------------------------------------------

STATES = ["draft", "submitted", "changes_requested", "approved", "approved_with_proposal", "rejected", "retired",
          "compromised"]
ROLES = ["anonymous", "owner_editor", "other_editor", "reviewer", "maker_reviewer", "admin"]

LEGAL_IN = {
    # On an approved channel an edit is a proposal, decided later by a reviewer.
    "edit": {"draft", "changes_requested", "approved", "approved_with_proposal"},
    "submit": {"draft", "changes_requested"},
    "approve": {"submitted"},
    "request_changes": {"submitted"},
    "reject": {"submitted"},
    "approve_changes": {"approved_with_proposal"},
    "reject_changes": {"approved_with_proposal"},
    "retire": {"approved", "approved_with_proposal", "compromised"},
    "flag_compromised": {"approved", "approved_with_proposal"},
    "restore": {"compromised"},
    "certify": {"approved", "approved_with_proposal"},
}
STAFF_MAY = {"edit", "submit", "retire", "flag_compromised", "certify"}  # editors of the entity and reviewers
FOUR_EYES = {"approve", "request_changes", "reject", "approve_changes", "reject_changes"}
DECIDING_A_SUBMISSION = {"approve", "request_changes", "reject"}
TARGET = {
    "submit": "submitted", "approve": "approved", "request_changes": "changes_requested", "reject": "rejected",
    "retire": "retired", "flag_compromised": "compromised", "restore": "approved",
}


def expected(action: str, role: str, state: str) -> str:
    reviewerish = role in ("reviewer", "maker_reviewer", "admin")
    if role == "anonymous" or role == "other_editor":
        return "forbidden"
    if action not in STAFF_MAY and not reviewerish:
        return "forbidden"
    if state not in LEGAL_IN[action]:
        if action in DECIDING_A_SUBMISSION and state not in ("draft", "submitted"):
            return "already_decided"
        if action in ("approve_changes", "reject_changes") and state == "approved":
            return "already_decided"
        return "illegal_transition"
    if action in FOUR_EYES and role == "maker_reviewer":
        return "four_eyes"
    return "ok"


# --- Building the cells ------------------------------------------------------------------

@pytest.fixture
def cast(make_entity, make_user, django_user_model):
    """The people of the matrix: the maker is a reviewer who registered and submitted (or proposed)."""
    from django.contrib.auth.models import AnonymousUser

    entity = make_entity()
    people = {
        "anonymous": AnonymousUser(),
        "owner_editor": make_user(editor_of=entity),
        "other_editor": make_user(editor_of=make_entity()),
        "reviewer": make_user(reviewer=True),
        "maker_reviewer": make_user(reviewer=True),
        "admin": django_user_model.objects.create_superuser(email="admin@gco.example", password="a-long-password"),
    }
    return entity, people


def channel_in(state: str, entity, maker) -> Channel:
    """A channel brought to `state` through the services, made (and submitted) by `maker`."""
    decider = type(maker).objects.create_user(email=f"decider-{state}@gco.example", is_reviewer=True)
    channel = channel_create(**COMPLETE, two_factor=True, actor=maker, entity=entity, link=f"https://x.com/matrix_{state[:8]}")
    steps = {
        "draft": [],
        "submitted": [("submit", maker)],
        "changes_requested": [("submit", maker), ("request_changes", decider)],
        "approved": [("submit", maker), ("approve", decider)],
        "approved_with_proposal": [("submit", maker), ("approve", decider)],
        "rejected": [("submit", maker), ("reject", decider)],
        "retired": [("submit", maker), ("approve", decider), ("retire", decider)],
        "compromised": [("submit", maker), ("approve", decider), ("flag_compromised", decider)],
    }[state]
    for action, actor in steps:
        channel = channel_act(two_factor=True, actor=actor, channel_id=channel.pk, action=action, reason="Because.")
    if state == "approved_with_proposal":
        channel = channel_edit(two_factor=True, actor=maker, channel_id=channel.pk, description="A new description.")
    return channel


def perform_by_service(user, action: str, channel: Channel) -> str:
    try:
        if action == "edit":
            channel_edit(two_factor=True, actor=user, channel_id=channel.pk, display_name="Renamed")
        else:
            channel_act(two_factor=True, actor=user, channel_id=channel.pk, action=action, reason="A reason.")
    except RegistryError as refused:
        return refused.code
    return "ok"


CELLS = [(a, r, s) for a in LEGAL_IN for r in ROLES for s in STATES]


@pytest.mark.parametrize(("action", "role", "state"), CELLS, ids=["-".join(c) for c in CELLS])
def test_permission_matrix_through_the_services(cast, action, role, state):
    entity, people = cast
    channel = channel_in(state, entity, people["maker_reviewer"])
    before = (channel.status, channel.version, channel.events.count())

    outcome = perform_by_service(people[role], action, channel)

    assert outcome == expected(action, role, state)
    channel.refresh_from_db()
    if outcome == "ok":
        assert channel.events.count() == before[2] + 1
        proposal = action == "edit" and state.startswith("approved")
        assert channel.events.last().action == ("propose" if proposal else action)
        assert channel.status == TARGET.get(action, before[0])
    else:
        assert (channel.status, channel.version, channel.events.count()) == before  # nothing changed


# --- Rules the matrix does not show ---------------------------------------------------------

@pytest.mark.parametrize("action", sorted(FOUR_EYES - {"approve_changes", "reject_changes"}) + ["restore"])
def test_reviewer_actions_need_a_login_with_the_second_factor(make_entity, make_user, action):
    entity = make_entity()
    editor, reviewer = make_user(editor_of=entity), make_user(reviewer=True)
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/secondfactor")
    channel = channel_act(actor=editor, channel_id=channel.pk, action="submit")
    if action == "restore":
        channel = channel_act(two_factor=True, actor=reviewer, channel_id=channel.pk, action="approve")
        channel = channel_act(actor=editor, channel_id=channel.pk, action="flag_compromised", reason="Hacked.")
    with pytest.raises(RegistryError) as refused:
        channel_act(actor=reviewer, channel_id=channel.pk, action=action, reason="A reason.")
    assert refused.value.code == "second_factor_required"
    assert Channel.private_objects.get(pk=channel.pk).status == channel.status


# --- No power without the second factor: the gate itself (issue 10, item 1) -----------------------
# Until then a reviewer (or admin) whose login lacked the code could still take every STAFF action on
# any entity's channel: retire it, flag it compromised, edit it, submit it.

STAFF_ACTIONS = ["retire", "flag_compromised", "certify", "edit", "submit"]


def channel_for(action: str, entity, editor) -> Channel:
    """A channel in a state where `action` is legal."""
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link=f"https://x.com/gate_{action[:10]}")
    if action in ("edit", "submit"):
        return channel
    Channel.private_objects.filter(pk=channel.pk).update(status=Status.APPROVED, approved_at=timezone.now())
    return Channel.private_objects.get(pk=channel.pk)


@pytest.fixture
def gate_cast(make_entity, make_user, django_user_model):
    entity = make_entity()
    return entity, {
        "editor": make_user(editor_of=entity),
        "reviewer": make_user(reviewer=True),
        "superuser": django_user_model.objects.create_superuser(email="root@gco.example", password="a-long-password"),
        "staff": make_user(is_staff=True, editor_of=entity),  # may use the admin, and edits for the entity
    }


@pytest.mark.parametrize("role", ["reviewer", "superuser", "staff"])
@pytest.mark.parametrize("action", STAFF_ACTIONS)
def test_whoever_must_use_the_second_factor_takes_no_staff_action_without_it(gate_cast, role, action):
    entity, people = gate_cast
    channel = channel_for(action, entity, people["editor"])
    with pytest.raises(NotAllowed) as refused, translation.override("en"):  # the site's default is Arabic
        check_allowed(people[role], action, channel, reason="A reason.", two_factor=False)
    assert refused.value.code == "second_factor_required"
    assert "authenticator app" in refused.value.message
    assert check_allowed(people[role], action, channel, reason="A reason.", two_factor=True).action == action


@pytest.mark.parametrize("action", STAFF_ACTIONS)
def test_an_editor_needs_no_second_factor_for_their_entitys_channels(gate_cast, action):
    entity, people = gate_cast
    channel = channel_for(action, entity, people["editor"])
    assert check_allowed(people["editor"], action, channel, reason="A reason.", two_factor=False).action == action


@pytest.mark.parametrize("action", ["retire", "flag_compromised", "certify", "submit"])
def test_through_the_service_a_reviewer_without_the_second_factor_changes_nothing(gate_cast, action):
    entity, people = gate_cast
    channel = channel_for(action, entity, people["editor"])
    before = (channel.status, channel.version, channel.events.count())
    with pytest.raises(RegistryError) as refused:
        channel_act(actor=people["reviewer"], channel_id=channel.pk, action=action, reason="Hacked.")
    assert refused.value.code == "second_factor_required"
    channel.refresh_from_db()
    assert (channel.status, channel.version, channel.events.count()) == before

    done = channel_act(two_factor=True, actor=people["reviewer"], channel_id=channel.pk, action=action,
                       reason="Hacked.")
    assert done.events.last().action == action and done.events.last().actor == people["reviewer"]


def test_through_the_service_an_editor_still_acts_without_it(gate_cast):
    entity, people = gate_cast
    channel = channel_for("retire", entity, people["editor"])
    done = channel_act(actor=people["editor"], channel_id=channel.pk, action="flag_compromised", reason="Hacked.")
    assert done.status == Status.COMPROMISED


def test_require_reviewer_asks_who_first_then_the_second_factor(gate_cast):
    _entity, people = gate_cast
    with pytest.raises(NotAllowed) as not_a_reviewer:
        require_reviewer(people["editor"], two_factor=True)
    assert not_a_reviewer.value.code != "second_factor_required"
    with pytest.raises(NotAllowed) as no_code:
        require_reviewer(people["reviewer"], two_factor=False)
    assert no_code.value.code == "second_factor_required"
    require_reviewer(people["reviewer"], two_factor=True)
    require_reviewer(people["superuser"], two_factor=True)


def test_require_editor_lets_editors_act_for_their_entity_and_reviewers_only_with_the_code(gate_cast, make_entity):
    entity, people = gate_cast
    require_editor(people["editor"], entity.pk, two_factor=False)
    with pytest.raises(NotAllowed) as elsewhere:
        require_editor(people["editor"], make_entity().pk, two_factor=True)
    assert elsewhere.value.code != "second_factor_required"
    for role in ("reviewer", "superuser", "staff"):
        with pytest.raises(NotAllowed) as no_code:
            require_editor(people[role], entity.pk, two_factor=False)
        assert no_code.value.code == "second_factor_required"
        require_editor(people[role], entity.pk, two_factor=True)


@pytest.fixture
def people(make_entity, make_user):
    entity = make_entity()
    return entity, make_user(editor_of=entity), make_user(reviewer=True), make_user(reviewer=True)


@pytest.mark.parametrize("action", ["request_changes", "reject", "retire", "flag_compromised"])
def test_these_actions_need_a_reason(people, action):
    entity, editor, reviewer, _ = people
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/needsreason")
    channel = channel_act(two_factor=True, actor=editor, channel_id=channel.pk, action="submit")
    if action in ("retire", "flag_compromised"):
        channel = channel_act(two_factor=True, actor=reviewer, channel_id=channel.pk, action="approve")
    for blank in ("", "   "):
        with pytest.raises(RegistryError) as refused:
            channel_act(two_factor=True, actor=reviewer, channel_id=channel.pk, action=action, reason=blank)
        assert refused.value.code == "reason_required"
    done = channel_act(two_factor=True, actor=reviewer, channel_id=channel.pk, action=action, reason="Wrong entity.")
    assert done.events.last().comment == "Wrong entity."


def test_an_edit_to_an_approved_channel_waits_for_a_reviewer(people, make_official):
    entity, editor, reviewer, other_reviewer = people
    official = make_official(entity=entity)
    channel = channel_create(actor=editor, entity=entity, link="https://x.com/proposal_demo",
                             **{**COMPLETE, "display_name": "Old"})
    channel_act(two_factor=True, actor=editor, channel_id=channel.pk, action="submit")
    channel_act(two_factor=True, actor=reviewer, channel_id=channel.pk, action="approve")

    channel = channel_edit(actor=editor, channel_id=channel.pk, display_name="New", official=official)
    public = Channel.public_objects.get(pk=channel.pk)
    assert (public.display_name, public.official_id) == ("Old", None)  # the public still sees the approved one
    assert channel.proposed_changes == {"display_name": "New", "official": official.pk}

    channel = channel_act(two_factor=True, actor=other_reviewer, channel_id=channel.pk, action="approve_changes")
    public = Channel.public_objects.get(pk=channel.pk)
    assert (public.display_name, public.official_id, public.proposed_changes) == ("New", official.pk, {})
    assert public.events.last().changes == {"display_name": "New", "official": official.pk}


def test_rejected_changes_leave_the_approved_channel_as_it_was(people):
    entity, editor, reviewer, _ = people
    channel = channel_create(actor=editor, entity=entity, link="https://x.com/keepme",
                             **{**COMPLETE, "description": "Approved text"})
    channel_act(two_factor=True, actor=editor, channel_id=channel.pk, action="submit")
    channel_act(two_factor=True, actor=reviewer, channel_id=channel.pk, action="approve")
    channel_edit(actor=editor, channel_id=channel.pk, description="Impostor text")
    channel = channel_act(two_factor=True, actor=reviewer, channel_id=channel.pk, action="reject_changes",
                          reason="Not agreed.")
    assert (channel.description, channel.proposed_changes, channel.proposed_at) == ("Approved text", {}, None)


def test_an_approved_channel_cannot_move_to_another_platform_but_a_rename_is_a_proposal(people):
    entity, editor, reviewer, _ = people
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/staysput")
    channel_act(two_factor=True, actor=editor, channel_id=channel.pk, action="submit")
    channel_act(two_factor=True, actor=reviewer, channel_id=channel.pk, action="approve")
    with pytest.raises(RegistryError) as refused:
        channel_edit(actor=editor, channel_id=channel.pk, link="https://www.instagram.com/staysput")
    assert refused.value.code == "link_locked"
    assert Channel.private_objects.get(pk=channel.pk).handle == "staysput"
    # The same account renamed on its platform: proposed, the public still sees the approved handle.
    channel = channel_edit(actor=editor, channel_id=channel.pk, link="https://x.com/somewhere_else")
    assert channel.proposed_changes["handle"] == "somewhere_else"
    assert Channel.public_objects.get(pk=channel.pk).handle == "staysput"


def test_a_stale_form_is_refused_and_changes_nothing(people):
    entity, editor, _, _ = people
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/staleform")
    opened_at_version = channel.version
    channel_edit(actor=editor, channel_id=channel.pk, expected_version=opened_at_version, display_name="First")
    with pytest.raises(StaleChannel):
        channel_edit(actor=editor, channel_id=channel.pk, expected_version=opened_at_version, display_name="Second")
    assert Channel.private_objects.get(pk=channel.pk).display_name == "First"


def test_a_draft_holding_a_live_handle_cannot_be_submitted(people):
    entity, editor, reviewer, _ = people
    draft = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/twins")
    rival = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://twitter.com/TWINS")
    channel_act(two_factor=True, actor=editor, channel_id=rival.pk, action="submit")
    with pytest.raises(RegistryError) as refused:
        channel_act(two_factor=True, actor=editor, channel_id=draft.pk, action="submit")
    assert refused.value.code == "handle_taken" and refused.value.holder == rival
    assert Channel.private_objects.get(pk=draft.pk).status == Status.DRAFT


def test_retiring_keeps_the_record(people):
    entity, editor, reviewer, _ = people
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/oldaccount")
    channel_act(two_factor=True, actor=editor, channel_id=channel.pk, action="submit")
    channel_act(two_factor=True, actor=reviewer, channel_id=channel.pk, action="approve")
    channel = channel_act(two_factor=True, actor=editor, channel_id=channel.pk, action="retire",
                          reason="Merged into @newaccount.")
    retired = Channel.public_objects.get(pk=channel.pk)
    assert (retired.status, retired.retired_reason) == (Status.RETIRED, "Merged into @newaccount.")
    assert retired.retired_at is not None and retired.approved_at is not None


def test_certifying_starts_the_twelve_months_again(people):
    entity, editor, reviewer, _ = people
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/certifyme")
    channel_act(two_factor=True, actor=editor, channel_id=channel.pk, action="submit")
    channel_act(two_factor=True, actor=reviewer, channel_id=channel.pk, action="approve")
    Channel.private_objects.filter(pk=channel.pk).update(last_certified_at=timezone.now() - timedelta(days=400))
    channel = channel_act(two_factor=True, actor=editor, channel_id=channel.pk, action="certify")
    assert timezone.now() - channel.last_certified_at < timedelta(minutes=1)


def test_emails_go_out_after_commit_to_the_people_concerned(people, mailoutbox, django_capture_on_commit_callbacks):
    entity, editor, reviewer, other_reviewer = people
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/mailme")
    with django_capture_on_commit_callbacks(execute=False) as pending:
        channel_act(two_factor=True, actor=editor, channel_id=channel.pk, action="submit")
    assert mailoutbox == []  # nothing is sent before the transaction commits
    for callback in pending:
        callback()
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == sorted([reviewer.email, other_reviewer.email])
    assert "x.com" not in mailoutbox[0].subject and "mailme" in mailoutbox[0].subject
    body = mailoutbox[0].body
    assert body.index(f"/ar/review/channels/{channel.pk}/") < body.index(f"/en/review/channels/{channel.pk}/")

    with django_capture_on_commit_callbacks(execute=True):
        channel_act(two_factor=True, actor=reviewer, channel_id=channel.pk, action="reject",
                    reason="Not an official account.")
    assert mailoutbox[-1].to == [editor.email]
    assert "Not an official account." in mailoutbox[-1].body


@pytest.mark.django_db(transaction=True)
def test_twenty_reviewers_deciding_one_submission_at_once_make_exactly_one_decision(make_entity, make_user):
    entity = make_entity()
    editor = make_user(editor_of=entity)
    reviewers = [make_user(reviewer=True) for _ in range(20)]
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/contested")
    channel_act(two_factor=True, actor=editor, channel_id=channel.pk, action="submit")

    start = threading.Barrier(len(reviewers))
    outcomes: list[str] = []

    def decide(reviewer, action):
        try:
            start.wait()
            channel_act(two_factor=True, actor=reviewer, channel_id=channel.pk, action=action, reason="Decided.")
            outcomes.append("ok")
        except RegistryError as refused:
            outcomes.append(refused.code)
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=decide, args=(r, ["approve", "reject", "request_changes"][i % 3]))
        for i, r in enumerate(reviewers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already_decided"] * 19 + ["ok"]
    decisions = ChannelEvent.objects.filter(channel=channel, action__in=["approve", "reject", "request_changes"])
    assert decisions.count() == 1
    assert Channel.private_objects.get(pk=channel.pk).status == {
        "approve": Status.APPROVED, "reject": Status.REJECTED, "request_changes": Status.CHANGES_REQUESTED,
    }[decisions.get().action]
