"""The write API (/api/v1/channels/): the services behind it, its answers and every error code.

Clients authenticate as a real client would: with an API token from `api_token_issue` sent as
`Authorization: Token <key>`, or with a session (force_login) that django-otp marks as verified.
"""
from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.exceptions import Throttled
from rest_framework.test import APIClient

from accounts.models import Channel, ChannelEvent, Status
from accounts.services import channel_act, channel_create, channel_edit
from accounts.workflow import allowed_actions
from registry.api import exception_handler
from registry.authentication import api_token_issue
from registry.models import ApiToken
from tests.accounts.complete import COMPLETE

pytestmark = pytest.mark.django_db

CHANNELS = "/api/v1/channels/"


def token_client(user, *, second_factor: bool = True) -> APIClient:
    """A client sending a real API token; `second_factor`: whether it was issued with a one-time code."""
    _, key = api_token_issue(user=user, second_factor=second_factor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def login_client(user, *, with_code: bool) -> tuple[APIClient, dict]:
    """A client holding a token from POST /api/v1/auth/token/, as a real client gets one."""
    credentials = {"username": user.email.upper(), "password": "a-long-test-password"}
    if with_code:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        credentials["otp"] = str(TOTP(device.bin_key, device.step, device.t0, device.digits).token()).zfill(6)
    issued = APIClient().post("/api/v1/auth/token/", credentials, format="json")
    assert issued.status_code == 200, issued.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    return client, issued.json()


def session_client(user, *, second_factor: bool) -> APIClient:
    """A client logged in with a session; with `second_factor`, django-otp sees it as verified."""
    client = APIClient()
    client.force_login(user)
    if second_factor:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def detail(channel_id: int, action: str | None = None) -> str:
    return f"{CHANNELS}{channel_id}/" + (f"{action}/" if action else "")


def assert_error(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["detail"], str) and body["detail"]
    if field is not None:
        assert body["errors"][field], body
    return body


@pytest.fixture
def staff(make_entity, make_user):
    entity = make_entity(slug="mofa")
    editor = make_user(editor_of=entity)
    return entity, editor, make_user(reviewer=True), make_user(reviewer=True)


def approved(entity, editor, reviewer, link="https://x.com/approved_one") -> Channel:
    channel = channel_create(actor=editor, entity=entity, link=link, **{**COMPLETE, "display_name": "Approved name"})
    channel_act(actor=editor, channel_id=channel.pk, action="submit")
    return channel_act(actor=reviewer, channel_id=channel.pk, action="approve", two_factor=True)


# --- The happy path ---------------------------------------------------------------------------

def test_register_edit_submit_and_read_the_history(staff, make_official):
    entity, editor, reviewer, _ = staff
    official = make_official(entity=entity, slug="the-minister")
    client = token_client(editor)

    created = client.post(CHANNELS, {
        "url": " https://mobile.twitter.com/MoFA_Test?lang=ar ", "entity": "mofa", "official": "the-minister",
        "languages": ["ar", "en"], "description": "The ministry's account.", "display_name": "MoFA",
    }, format="json")

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["version"] == 1
    assert (body["platform"], body["handle"], body["url"]) == ("x", "MoFA_Test", "https://x.com/MoFA_Test")
    assert (body["entity"], body["official"], body["languages"]) == ("mofa", "the-minister", ["ar", "en"])
    assert body["actions"] == ["edit", "submit"]
    assert created["Location"] == detail(body["id"])
    channel = Channel.private_objects.get(pk=body["id"])
    assert (channel.created_by, channel.official) == (editor, official)

    edited = client.patch(detail(channel.pk), {"display_name": "Ministry of Foreign Affairs", "version": 1},
                          format="json")
    assert edited.status_code == 200, edited.content
    assert (edited.json()["display_name"], edited.json()["version"]) == ("Ministry of Foreign Affairs", 2)
    assert edited["ETag"].startswith('"2.')

    submitted = client.post(detail(channel.pk, "submit"), {}, format="json")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted" and submitted.json()["submitted_at"]
    assert submitted.json()["actions"] == []  # the editor waits for a reviewer

    events = client.get(detail(channel.pk, "events"))
    assert events.status_code == 200
    assert [(e["action"], e["from_status"], e["to_status"], e["actor"]) for e in events.json()] == [
        ("create", "", "draft", editor.email),
        ("edit", "draft", "draft", editor.email),
        ("submit", "draft", "submitted", editor.email),
    ]
    assert events.json()[1]["changes"] == {"display_name": "Ministry of Foreign Affairs"}

    decided = token_client(reviewer).post(detail(channel.pk, "approve"), format="json")
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "approved" and decided.json()["since"]


def test_the_whole_flow_with_tokens_from_the_login_endpoint(staff):
    entity, editor, reviewer, other_reviewer = staff
    editor_client, _ = login_client(editor, with_code=False)
    created = editor_client.post(CHANNELS, {"url": "x.com/flow_test", "entity": "mofa", **COMPLETE},
                                  format="json")
    assert created.status_code == 201, created.content
    channel_id = created.json()["id"]
    assert editor_client.post(detail(channel_id, "submit"), format="json").json()["status"] == "submitted"

    # A reviewer's password alone gets no token: none without an authenticator app, none without its code.
    password_only = {"username": other_reviewer.email, "password": "a-long-test-password"}
    assert_error(APIClient().post("/api/v1/auth/token/", password_only, format="json"),
                 403, "second_factor_enrolment_required")
    TOTPDevice.objects.create(user=other_reviewer, name="phone", confirmed=True)
    assert_error(APIClient().post("/api/v1/auth/token/", password_only, format="json"), 401, "otp_required")
    assert not ApiToken.objects.filter(user=other_reviewer).exists()
    assert Channel.private_objects.get(pk=channel_id).status == Status.SUBMITTED

    with_code, issued = login_client(reviewer, with_code=True)
    assert issued["second_factor"] is True
    assert "approve" in with_code.get(detail(channel_id)).json()["actions"]
    approved_now = with_code.post(detail(channel_id, "approve"), format="json")
    assert approved_now.status_code == 200 and approved_now.json()["status"] == "approved"
    assert APIClient().get(detail(channel_id)).json()["status"] == "approved"  # the public sees it now


def test_a_draft_may_move_to_another_link_and_drop_its_official(staff, make_official):
    entity, editor, _, _ = staff
    official = make_official(entity=entity)
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/first_try", official=official)
    response = token_client(editor).patch(
        detail(channel.pk), {"url": "https://twitter.com/Second_Try", "official": None}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["url"], body["handle"], body["official"]) == ("https://x.com/Second_Try", "Second_Try", None)


def test_register_by_platform_and_handle(staff):
    entity, editor, _, _ = staff
    response = token_client(editor).post(
        CHANNELS, {"platform": "instagram", "handle": "@MoFA.Test", "entity": "mofa"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert (response.json()["platform"], response.json()["url"]) == ("instagram", "https://www.instagram.com/MoFA.Test/")


def test_a_session_works_as_well_as_a_token(staff):
    entity, editor, _, _ = staff
    response = session_client(editor, second_factor=False).post(
        CHANNELS, {"url": "https://x.com/by_session", "entity": "mofa"}, format="json"
    )
    assert response.status_code == 201, response.content


def test_an_edit_of_an_approved_channel_is_a_proposal_the_public_does_not_see(staff, make_official):
    entity, editor, reviewer, other_reviewer = staff
    make_official(entity=entity, slug="spokesperson")
    channel = approved(entity, editor, reviewer)

    proposed = token_client(editor).patch(
        detail(channel.pk), {"display_name": "New name", "official": "spokesperson"}, format="json"
    )
    assert proposed.status_code == 200, proposed.content
    assert proposed.json()["display_name"] == "Approved name"
    assert proposed.json()["proposed_changes"] == {"display_name": "New name", "official": "spokesperson"}

    public = APIClient().get(detail(channel.pk))
    assert public.status_code == 200
    assert public.json()["display_name"] == "Approved name" and public.json()["official"] is None
    assert not {"proposed_changes", "version", "submitted_at", "decided_at"} & set(public.json())

    decided = token_client(other_reviewer).post(detail(channel.pk, "approve-changes"), format="json")
    assert decided.status_code == 200, decided.content
    assert (decided.json()["display_name"], decided.json()["official"]) == ("New name", "spokesperson")
    assert decided.json()["proposed_changes"] == {}


def test_actions_list_what_the_requester_may_do_now(staff):
    entity, editor, reviewer, _ = staff
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/whatnow")
    channel_act(actor=editor, channel_id=channel.pk, action="submit")

    assert token_client(reviewer).get(detail(channel.pk)).json()["actions"] == [
        "approve", "request-changes", "reject"
    ]
    # Without the second factor a reviewer is offered nothing they would be refused; by the API, their
    # token is refused outright.
    assert allowed_actions(reviewer, channel, two_factor=False) == []
    assert_error(token_client(reviewer, second_factor=False).get(detail(channel.pk)), 401, "second_factor_required")
    assert token_client(editor).get(detail(channel.pk)).json()["actions"] == []


def test_reasons_are_kept_in_the_history(staff):
    entity, editor, reviewer, _ = staff
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/sendback")
    channel_act(actor=editor, channel_id=channel.pk, action="submit")
    response = token_client(reviewer).post(
        detail(channel.pk, "request-changes"), {"reason": "Add the Arabic description."}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "changes_requested"
    last = token_client(editor).get(detail(channel.pk, "events")).json()[-1]
    assert (last["action"], last["comment"], last["actor"]) == (
        "request-changes", "Add the Arabic description.", reviewer.email
    )


# --- Who sees what --------------------------------------------------------------------------

def test_the_public_never_sees_a_channel_that_is_not_public(staff, make_channel):
    entity, editor, reviewer, _ = staff
    draft = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/secret_draft")
    shown = {status: make_channel(status=status, entity=entity) for status in Status.values}
    anonymous = APIClient()

    assert_error(anonymous.get(detail(draft.pk)), 404, "not_found")
    for status, channel in shown.items():
        response = anonymous.get(detail(channel.pk))
        assert response.status_code == (200 if status in ("approved", "retired", "compromised") else 404), status
    listed = anonymous.get(CHANNELS).json()
    assert sorted(c["status"] for c in listed["results"]) == ["approved", "compromised", "retired"]
    assert listed["count"] == 3
    assert_error(anonymous.get(detail(draft.pk, "events")), 401, "not_authenticated")


def test_staff_see_their_own_entitys_drafts_and_nobody_elses(staff, make_entity, make_user):
    entity, editor, reviewer, _ = staff
    draft = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/our_draft")
    outsider = make_user(editor_of=make_entity())

    assert token_client(editor).get(detail(draft.pk)).json()["version"] == 1
    assert token_client(reviewer).get(detail(draft.pk)).status_code == 200
    assert_error(token_client(outsider).get(detail(draft.pk)), 404, "not_found")
    assert_error(token_client(outsider).get(detail(draft.pk, "events")), 404, "not_found")
    assert [c["id"] for c in token_client(outsider).get(CHANNELS).json()["results"]] == []
    assert [c["id"] for c in token_client(editor).get(CHANNELS).json()["results"]] == [draft.pk]


def test_an_outsider_reads_a_public_channel_without_its_staff_fields(staff, make_entity, make_user):
    entity, editor, reviewer, _ = staff
    channel = approved(entity, editor, reviewer)
    outsider = make_user(editor_of=make_entity())
    body = token_client(outsider).get(detail(channel.pk)).json()
    assert body["status"] == "approved" and body["actions"] == []
    assert "proposed_changes" not in body and "version" not in body


def test_lists_are_paged_with_a_hard_maximum(staff, make_channel):
    entity, _, _, _ = staff
    for _n in range(3):
        make_channel(entity=entity)
    page = APIClient().get(CHANNELS, {"page_size": 2}).json()
    assert (page["count"], len(page["results"])) == (3, 2) and page["next"]
    assert len(APIClient().get(CHANNELS, {"page_size": 100000}).json()["results"]) == 3
    assert_error(APIClient().get(CHANNELS, {"page": 99}), 404, "not_found")


# --- Bad input: a clear error, nothing changed -----------------------------------------------

def _nothing_created():
    assert not Channel.private_objects.exists()
    assert not ChannelEvent.objects.exists()


@pytest.mark.parametrize(("payload", "status", "code", "field"), [
    ({"url": "https://x.com/fine", "entity": "no-such-entity"}, 400, "unknown_entity", "entity"),
    ({"url": "https://x.com/fine", "entity": "mofa", "official": "nobody"}, 400, "unknown_official", "official"),
    ({"url": "https://x.com/hashtag/UAE", "entity": "mofa"}, 400, "not_an_account", "url"),
    ({"url": "https://www.instagram.com/p/C1abcDEF/", "entity": "mofa"}, 400, "not_an_account", "url"),
    ({"url": "https://notfacebook.com/mofa", "entity": "mofa"}, 400, "unknown_platform", "url"),
    ({"url": "https://www.x.com/", "entity": "mofa"}, 400, "not_an_account", "url"),
    ({"handle": "mofa", "platform": "myspace", "entity": "mofa"}, 400, "unknown_platform", "url"),
    ({"handle": "mofa", "entity": "mofa"}, 400, "platform_required", "url"),
    ({"url": "https://x.com/fine", "entity": "mofa", "description": "x" * 2001}, 400, "too_long", "description"),
    ({"url": "https://x.com/fine", "entity": "mofa", "display_name": "x" * 201}, 400, "too_long", "display_name"),
    ({"url": "https://x.com/fine", "entity": "mofa", "languages": ["klingon"]}, 400, "invalid", "languages"),
    ({"url": "https://x.com/fine", "entity": "mofa", "languages": "ar"}, 400, "invalid", "languages"),
    ({"url": "https://x.com/fine"}, 400, "invalid", "entity"),
    ({"entity": "mofa"}, 400, "invalid", "url"),
    ({"url": "https://x.com/fine", "entity": "mofa", "status": "approved"}, 400, "invalid", "status"),
    ({"url": ["https://x.com/fine"], "entity": "mofa"}, 400, "invalid", "url"),
    ({"url": "https://x.com/fine", "entity": "mofa", "description": "a\x00b"}, 400, "invalid", "description"),
    ({"url": "https://x.com/fine", "entity": "mo\x00fa"}, 400, "invalid", "entity"),
    ({"url": "https://x.com/fi\x00ne", "entity": "mofa"}, 400, "invalid", "url"),
])
def test_bad_registrations_are_refused_with_a_code_and_the_field(staff, payload, status, code, field):
    _, editor, _, _ = staff
    assert_error(token_client(editor).post(CHANNELS, payload, format="json"), status, code, field)
    _nothing_created()


def test_a_link_of_another_platform_than_given_is_refused_naming_both(staff):
    """The link is the truth, but a registration is never made on a guess: the caller is told which
    platform the link is on, and nothing is written."""
    _, editor, _, _ = staff
    response = token_client(editor).post(
        CHANNELS, {"url": "https://www.facebook.com/MOFAUAE", "platform": "x", "entity": "mofa"}, format="json")
    assert_error(response, 400, "platform_mismatch", "url")
    detail = response.json()["detail"]
    assert "https://www.facebook.com/MOFAUAE" in detail and "X" in detail and "Facebook" in detail
    _nothing_created()
    response = token_client(editor).post(
        CHANNELS, {"url": "https://www.facebook.com/MOFAUAE", "platform": "facebook", "entity": "mofa"}, format="json")
    assert response.status_code == 201 and response.json()["platform"] == "facebook"


def test_a_one_megabyte_description_is_refused_cleanly(staff):
    _, editor, _, _ = staff
    response = token_client(editor).post(
        CHANNELS, {"url": "https://x.com/bigone", "entity": "mofa", "description": "و" * 1_000_000}, format="json"
    )
    assert_error(response, 400, "too_long", "description")
    _nothing_created()


def test_a_body_over_the_upload_limit_is_refused_before_it_is_read(staff, settings):
    _, editor, _, _ = staff
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000
    response = token_client(editor).post(
        CHANNELS, {"url": "https://x.com/bigone", "entity": "mofa", "description": "x" * 1_100_000}, format="json"
    )
    assert_error(response, 413, "too_large")
    form = token_client(editor).post(
        CHANNELS, {"url": "https://x.com/bigone", "entity": "mofa", "description": "x" * 1_100_000}
    )  # multipart, the other parser
    assert_error(form, 413, "too_large")
    _nothing_created()


@pytest.mark.parametrize("body", ['{"url": "https://x.com/a", "entity": ', "[1, 2]", "null", '"text"', "NaN"])
def test_malformed_json_is_a_400(staff, body):
    _, editor, _, _ = staff
    response = token_client(editor).post(CHANNELS, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] in ("malformed", "invalid")
    _nothing_created()


def test_a_handle_already_registered_names_its_holder(staff, make_entity, make_user):
    entity, editor, reviewer, _ = staff
    holder = approved(entity, editor, reviewer, link="https://x.com/TakenHandle")
    other = make_entity(slug="other")
    rival = make_user(editor_of=other)

    response = token_client(rival).post(CHANNELS, {"url": "twitter.com/takenhandle", "entity": "other"}, format="json")

    body = assert_error(response, 409, "handle_taken", "url")
    assert body["holder"] == {"id": holder.pk, "entity": "mofa"}
    assert Channel.private_objects.count() == 1


def test_a_stale_version_is_refused_and_changes_nothing(staff):
    entity, editor, _, _ = staff
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/stale_one")
    channel_edit(actor=editor, channel_id=channel.pk, display_name="Someone else's change")  # now version 2
    client = token_client(editor)

    assert_error(client.patch(detail(channel.pk), {"display_name": "Mine", "version": 1}, format="json"), 409, "stale")
    assert_error(client.patch(detail(channel.pk), {"display_name": "Mine"}, format="json", HTTP_IF_MATCH='"1"'),
                 409, "stale")
    assert_error(client.post(detail(channel.pk, "submit"), {"version": 1}, format="json"), 409, "stale")
    assert_error(client.post(detail(channel.pk, "submit"), format="json", HTTP_IF_MATCH='W/"1"'), 409, "stale")
    for junk in ("yesterday", '"²"', '"-1"'):
        assert_error(client.patch(detail(channel.pk), {"display_name": "Mine"}, format="json", HTTP_IF_MATCH=junk),
                     400, "invalid", "version")
    channel.refresh_from_db()
    assert (channel.display_name, channel.status, channel.version) == ("Someone else's change", "draft", 2)

    current = client.patch(detail(channel.pk), {"display_name": "Mine"}, format="json", HTTP_IF_MATCH='"2"')
    assert current.status_code == 200 and current.json()["version"] == 3


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_missing_reason_is_a_400(staff, reason):
    entity, editor, reviewer, _ = staff
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/noreason")
    channel_act(actor=editor, channel_id=channel.pk, action="submit")
    payload = {} if reason is None else {"reason": reason}
    assert_error(token_client(reviewer).post(detail(channel.pk, "reject"), payload, format="json"),
                 400, "reason_required", "reason")
    assert Channel.private_objects.get(pk=channel.pk).status == Status.SUBMITTED


def test_a_reason_over_the_limit_is_too_long(staff):
    entity, editor, reviewer, _ = staff
    channel = approved(entity, editor, reviewer)
    assert_error(token_client(editor).post(detail(channel.pk, "retire"), {"reason": "x" * 2001}, format="json"),
                 400, "too_long", "reason")


def test_patch_refuses_what_it_cannot_change(staff):
    entity, editor, _, _ = staff
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/fixed")
    client = token_client(editor)
    assert_error(client.patch(detail(channel.pk), {"status": "approved"}, format="json"), 400, "invalid", "status")
    assert_error(client.patch(detail(channel.pk), {"official": "nobody"}, format="json"),
                 400, "unknown_official", "official")
    assert_error(client.patch(detail(channel.pk), {"url": "https://x.com/i/lists/123"}, format="json"),
                 400, "not_an_account", "url")
    assert Channel.private_objects.get(pk=channel.pk).version == 1


def test_an_official_of_another_entity_is_refused(staff, make_official):
    entity, editor, _, _ = staff
    stranger = make_official(slug="someone-elses")
    response = token_client(editor).post(
        CHANNELS, {"url": "https://x.com/fine", "entity": "mofa", "official": stranger.slug}, format="json"
    )
    assert_error(response, 400, "official_not_of_entity", "official")


# --- Refusals: 401, 403, 404, 405, 409 ------------------------------------------------------

def test_anonymous_writes_are_401_with_a_challenge(staff):
    entity, editor, _, _ = staff
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/anon")
    anonymous = APIClient()
    for response in (
        anonymous.post(CHANNELS, {"url": "https://x.com/anon2", "entity": "mofa"}, format="json"),
        anonymous.patch(detail(channel.pk), {"display_name": "x"}, format="json"),
        anonymous.post(detail(channel.pk, "submit"), format="json"),
    ):
        assert_error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"] == "Token"
    assert Channel.private_objects.get(pk=channel.pk).version == 1


@pytest.mark.parametrize("header", ["Token not-a-real-key", "Token", "Token a b"])
def test_a_wrong_token_is_401_not_anonymous(staff, header):
    response = APIClient().get(CHANNELS, HTTP_AUTHORIZATION=header)
    assert_error(response, 401, "invalid_token")
    assert response["WWW-Authenticate"] == "Token"


def test_editors_cannot_register_for_another_entity(staff, make_entity, make_user):
    make_entity(slug="elsewhere")
    _, editor, _, _ = staff
    assert_error(token_client(editor).post(CHANNELS, {"url": "https://x.com/notmine", "entity": "elsewhere"},
                                           format="json"), 403, "forbidden")
    _nothing_created()


def test_nobody_approves_their_own_submission(staff):
    entity, _, reviewer, _ = staff
    channel = channel_create(**COMPLETE, two_factor=True, actor=reviewer, entity=entity, link="https://x.com/my_own")
    channel_act(actor=reviewer, channel_id=channel.pk, action="submit", two_factor=True)
    assert_error(token_client(reviewer).post(detail(channel.pk, "approve"), format="json"), 403, "four_eyes")


def test_reviewer_decisions_need_the_second_factor_by_session_too(staff):
    entity, editor, reviewer, _ = staff
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/needs_otp")
    channel = channel_act(actor=editor, channel_id=channel.pk, action="submit")
    before = (channel.status, channel.version, channel.events.count())
    # A session without the code is nobody to the API: it is asked to log in, and nothing changes.
    assert_error(session_client(reviewer, second_factor=False).post(detail(channel.pk, "approve"), format="json"),
                 401, "not_authenticated")
    channel.refresh_from_db()
    assert (channel.status, channel.version, channel.events.count()) == before
    response = session_client(reviewer, second_factor=True).post(detail(channel.pk, "approve"), format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"


def test_illegal_and_already_decided_transitions_are_409(staff):
    entity, editor, reviewer, other_reviewer = staff
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/twice")
    assert_error(token_client(reviewer).post(detail(channel.pk, "approve"), format="json"), 409, "illegal_transition")
    channel_act(actor=editor, channel_id=channel.pk, action="submit")
    assert token_client(reviewer).post(detail(channel.pk, "approve"), format="json").status_code == 200
    assert_error(token_client(other_reviewer).post(detail(channel.pk, "reject"), {"reason": "No."}, format="json"),
                 409, "already_decided")
    assert ChannelEvent.objects.filter(channel=channel, action__in=["approve", "reject"]).count() == 1


def test_a_channel_that_does_not_exist_is_404(staff):
    _, editor, _, _ = staff
    client = token_client(editor)
    assert_error(client.get(detail(999999)), 404, "not_found")
    assert_error(client.patch(detail(999999), {"display_name": "x"}, format="json"), 404, "not_found")
    assert_error(client.post(detail(999999, "submit"), format="json"), 404, "not_found")
    assert_error(client.get(detail(999999, "events")), 404, "not_found")
    assert_error(client.post(detail(1, "make-official"), format="json"), 404, "not_found")
    assert_error(client.get(detail(10**30)), 404, "not_found")
    assert_error(client.post(detail(10**30, "submit"), format="json"), 404, "not_found")
    assert_error(client.get("/api/v1/channels"), 404, "not_found")  # no slash: JSON still, never HTML


def test_put_and_delete_are_not_offered(staff):
    entity, editor, _, _ = staff
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/stays")
    client = token_client(editor)
    assert_error(client.put(detail(channel.pk), {"display_name": "x"}, format="json"), 405, "method_not_allowed")
    assert_error(client.delete(detail(channel.pk)), 405, "method_not_allowed")
    assert Channel.private_objects.filter(pk=channel.pk).exists()


def test_throttling_answers_429_with_retry_after():
    response = exception_handler(Throttled(wait=12.2), {})
    assert (response.status_code, response.data["code"], response["Retry-After"]) == (429, "throttled", "13")


# --- The schema and its docs ------------------------------------------------------------------

def test_the_schema_documents_every_endpoint_and_its_errors():
    response = APIClient().get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    paths = schema["paths"]
    channel = "/api/v1/channels/{id}/"
    assert set(paths["/api/v1/channels/"]) >= {"get", "post"}
    assert set(paths[channel]) >= {"get", "patch"} and "put" not in paths[channel] and "delete" not in paths[channel]
    assert "get" in paths[channel + "events/"]
    for action in ("submit", "approve", "request-changes", "reject", "retire", "flag-compromised", "restore",
                   "certify", "approve-changes", "reject-changes"):
        operation = paths[f"{channel}{action}/"]["post"]
        assert "requestBody" in operation, action
        assert {"200", "400", "401", "403", "404", "409"} <= set(operation["responses"]), action
        assert any(p["name"] == "If-Match" for p in operation["parameters"])
    create = paths["/api/v1/channels/"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"url", "platform", "handle", "entity", "official", "languages", "description"} <= set(
        schema["components"]["schemas"][body]["properties"]
    )
    assert {"201", "400", "401", "403", "409"} <= set(create["responses"])
    representation = schema["components"]["schemas"]["Channel"]["properties"]
    assert {"id", "version", "status", "actions", "proposed_changes", "since"} <= set(representation)
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_the_docs_page_loads_everything_from_this_site():
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    # The examples to copy (templates/accounts/_api_examples.html) are text: their links load nothing.
    page = re.sub(r'<pre dir="ltr" class="example".*?</pre>', "", page, flags=re.S)
    assert not re.search(r"(?:https?:)?//(?!testserver)[a-z0-9.-]+\.[a-z]{2,}", page, re.I), "an external host"
    # The CSP nonces are random base64: one may spell "cdn" by chance, so they are left out of this check.
    assert "cdn" not in re.sub(r'nonce="[^"]*"', "", page).lower()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert len(assets) >= 3
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset


def test_a_read_etag_changes_with_every_field_shown_and_if_match_still_checks_the_version(staff):
    entity, editor, _, _ = staff
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/etag_one")
    client = token_client(editor)
    first = client.get(detail(channel.pk))
    etag = first["ETag"]
    assert etag.startswith('"1.') and client.get(detail(channel.pk), HTTP_IF_NONE_MATCH=etag).status_code == 304

    # A refresh changes the count, not the version: the old ETag no longer matches.
    Channel.private_objects.filter(pk=channel.pk).update(followers=1234, followers_at=timezone.now())
    again = client.get(detail(channel.pk), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again.json()["followers"] == 1234 and again["ETag"] != etag
    assert again["ETag"].startswith('"1.')

    # The ETag as given is a valid If-Match: its version is what is checked.
    edited = client.patch(detail(channel.pk), {"display_name": "Mine"}, format="json", HTTP_IF_MATCH=again["ETag"])
    assert edited.status_code == 200 and edited.json()["version"] == 2
    assert_error(client.patch(detail(channel.pk), {"display_name": "Late"}, format="json",
                              HTTP_IF_MATCH=again["ETag"]), 409, "stale")

