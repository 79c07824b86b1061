"""What an editor may learn about other entities' registrations: a taken handle names its holder
only to those who may see it, and a write to a channel they may not see is a 404, as for an id
that does not exist (the API and the staff area alike)."""
from __future__ import annotations

import pytest
from django.utils import translation

from accounts.models import Channel, Status
from accounts.services import HandleAlreadyRegistered, channel_act, channel_create, channel_edit
from tests.accounts.api.test_channels import CHANNELS, assert_error, detail, token_client
from tests.accounts.complete import COMPLETE
from tests.accounts.staff.test_views import login, page_text, snapshot, staff_url

pytestmark = pytest.mark.django_db

HANDLE = "https://x.com/SharedHandle"


@pytest.fixture
def two_entities(make_entity, make_user):
    """Entity A with its editor, entity B with its editor, a reviewer."""
    a, b = make_entity(slug="entity-a"), make_entity(slug="entity-b")
    return {
        "a": a, "a_editor": make_user(editor_of=a), "b": b, "b_editor": make_user(editor_of=b),
        "reviewer": make_user(reviewer=True),
    }


def held_by_b(people, status: str) -> Channel:
    """B's registration of HANDLE, brought to `status` through the services."""
    channel = channel_create(**COMPLETE, actor=people["b_editor"], entity=people["b"], link=HANDLE)
    if status == Status.DRAFT:
        return channel
    channel = channel_act(actor=people["b_editor"], channel_id=channel.pk, action="submit")
    if status == Status.SUBMITTED:
        return channel
    if status == Status.CHANGES_REQUESTED:
        return channel_act(actor=people["reviewer"], channel_id=channel.pk, action="request_changes",
                           reason="Add a description.", two_factor=True)
    channel = channel_act(actor=people["reviewer"], channel_id=channel.pk, action="approve", two_factor=True)
    if status == Status.COMPROMISED:
        return channel_act(actor=people["b_editor"], channel_id=channel.pk, action="flag_compromised",
                           reason="Taken over.")
    return channel


def names_holder(message: str, holder: Channel) -> bool:
    return holder.entity.name_en in message or holder.entity.name_ar in message or f"#{holder.pk}" in message


# --- A taken handle: named only to those who may see the holder ----------------------------------

@pytest.mark.parametrize(("status", "who", "named"), [
    (Status.SUBMITTED, "a_editor", False),
    (Status.CHANGES_REQUESTED, "a_editor", False),
    (Status.SUBMITTED, "reviewer", True),
    (Status.SUBMITTED, "b_editor", True),
    (Status.APPROVED, "a_editor", True),
    (Status.COMPROMISED, "a_editor", True),
])
def test_a_taken_handle_names_its_holder_only_to_those_who_may_see_it(two_entities, status, who, named):
    holder = held_by_b(two_entities, status)
    entity = two_entities["b"] if who == "b_editor" else two_entities["a"]

    with translation.override("en"), pytest.raises(HandleAlreadyRegistered) as refused:
        channel_create(**COMPLETE, actor=two_entities[who], entity=entity, link="twitter.com/sharedhandle",
                       two_factor=who == "reviewer")  # a reviewer acts only with the code

    message = refused.value.message
    assert refused.value.code == "handle_taken" and refused.value.field == "url"
    assert names_holder(message, holder) is named, message
    assert (refused.value.holder == holder) if named else (refused.value.holder is None)
    if not named:
        assert "already registered, or under review" in message and "Government Communication Office" in message
    assert Channel.private_objects.count() == 1


def test_the_database_refusal_on_submit_does_not_name_another_entitys_submission(two_entities):
    """A's draft was made before B claimed the handle; A's submit is refused by the constraint."""
    people = two_entities
    draft = channel_create(**COMPLETE, actor=people["a_editor"], entity=people["a"], link=HANDLE)
    holder = held_by_b(people, Status.SUBMITTED)

    with translation.override("en"), pytest.raises(HandleAlreadyRegistered) as refused:
        channel_act(actor=people["a_editor"], channel_id=draft.pk, action="submit")

    assert not names_holder(refused.value.message, holder) and refused.value.holder is None
    assert Channel.private_objects.get(pk=draft.pk).status == Status.DRAFT


def test_editing_a_draft_onto_another_entitys_submitted_handle_does_not_name_it(two_entities):
    people = two_entities
    draft = channel_create(**COMPLETE, actor=people["a_editor"], entity=people["a"], link="https://x.com/somethingelse")
    holder = held_by_b(people, Status.SUBMITTED)
    channel_act(actor=people["a_editor"], channel_id=draft.pk, action="submit")
    channel_act(actor=people["reviewer"], channel_id=draft.pk, action="request_changes", reason="Wrong account.",
                two_factor=True)

    with translation.override("en"), pytest.raises(HandleAlreadyRegistered) as refused:
        channel_edit(actor=people["a_editor"], channel_id=draft.pk, link=HANDLE)

    assert not names_holder(refused.value.message, holder) and refused.value.holder is None


def test_the_api_409_for_another_entitys_submission_names_nobody(two_entities):
    holder = held_by_b(two_entities, Status.SUBMITTED)

    response = token_client(two_entities["a_editor"]).post(
        CHANNELS, {"url": "twitter.com/sharedhandle", "entity": "entity-a"}, format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    body = assert_error(response, 409, "handle_taken", "url")
    assert "holder" not in body
    assert not names_holder(body["detail"], holder) and not names_holder(str(body["errors"]), holder)
    assert Channel.private_objects.count() == 1


def test_the_staff_form_409_for_another_entitys_submission_names_nobody(client, two_entities):
    holder = held_by_b(two_entities, Status.SUBMITTED)
    login(client, two_entities["a_editor"])

    response = client.post(staff_url("channel_create"), {"link": "twitter.com/sharedhandle",
                                                         "entity": two_entities["a"].pk})

    assert response.status_code == 409
    text = page_text(response)
    assert "already registered, or under review" in text
    assert not names_holder(text, holder)
    assert staff_url("channel_detail", holder) not in response.content.decode()


# --- Writes to a channel the caller may not see: 404, as for no channel at all ---------------------

API_WRITES = [
    ("patch", None, {"display_name": "Hijacked"}),
    ("post", "submit", {}),
    ("post", "retire", {"reason": "Because."}),
    ("post", "flag-compromised", {"reason": "Because."}),
    ("post", "certify", {}),
]


@pytest.mark.parametrize(("method", "action", "data"), API_WRITES)
@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED])
def test_an_api_write_to_another_entitys_unpublished_channel_is_a_404_like_a_missing_id(
        two_entities, method, action, data, status):
    theirs = held_by_b(two_entities, status)
    before = snapshot(theirs)
    client = token_client(two_entities["a_editor"])
    missing_id = Channel.private_objects.order_by("-pk").first().pk + 1000

    answer = getattr(client, method)(detail(theirs.pk, action), data, format="json")
    nothing = getattr(client, method)(detail(missing_id, action), data, format="json")

    assert_error(answer, 404, "not_found")
    assert answer.json() == assert_error(nothing, 404, "not_found")
    assert snapshot(theirs) == before


def test_an_api_write_to_another_entitys_public_channel_is_still_refused_with_the_reason(two_entities):
    """A public channel is there for everyone to read, so refusing the write with 403 tells nothing."""
    theirs = held_by_b(two_entities, Status.APPROVED)
    before = snapshot(theirs)

    response = token_client(two_entities["a_editor"]).post(detail(theirs.pk, "retire"), {"reason": "Mine now."},
                                                           format="json")

    assert_error(response, 403, "forbidden")
    assert snapshot(theirs) == before


def test_the_owning_editor_still_writes_through_the_api(two_entities):
    mine = held_by_b(two_entities, Status.DRAFT)
    response = token_client(two_entities["b_editor"]).post(detail(mine.pk, "submit"), {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.SUBMITTED


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.APPROVED])
@pytest.mark.parametrize(("url_name", "action", "data"), [
    ("channel_edit", None, {"link": HANDLE, "display_name": "Hijacked", "version": 1}),
    ("channel_action", "submit", {"version": 1}),
    ("channel_action", "retire", {"reason": "Because.", "version": 1}),
    ("channel_action", "certify", {"version": 1}),
])
def test_a_staff_area_write_to_another_entitys_channel_is_a_404_like_a_missing_id(
        client, two_entities, status, url_name, action, data):
    theirs = held_by_b(two_entities, status)
    before = snapshot(theirs)
    login(client, two_entities["a_editor"])
    missing = Channel(pk=Channel.private_objects.order_by("-pk").first().pk + 1000)

    answer = client.post(staff_url(url_name, theirs, action), {**data, "version": theirs.version})
    nothing = client.post(staff_url(url_name, missing, action), data)

    assert answer.status_code == nothing.status_code == 404
    assert "You can act only for the entities" not in page_text(answer)
    assert snapshot(theirs) == before
