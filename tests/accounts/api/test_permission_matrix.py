"""The permission matrix of tests/accounts/test_workflow.py, cell by cell, through the API.

Same cells, same expected outcomes (imported, not copied); here each action is an HTTP request
and each outcome an exact status and JSON `code`. The anonymous role sends no credentials and
must get 401. Every other role sends a real API token issued with the second factor
(`api_token_issue(second_factor=True)`, as POST /api/v1/auth/token/ issues it after a valid
one-time code), so reviewers' decisions are judged on the rules alone.
"""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import Channel
from tests.accounts import test_workflow
from tests.accounts.api.test_channels import assert_error, detail, token_client
from tests.accounts.test_workflow import CELLS, ROLES, STATES, TARGET, channel_in, expected

pytestmark = pytest.mark.django_db
cast = test_workflow.cast  # the matrix's people, as a fixture of this module too

HTTP_STATUS = {"ok": 200, "forbidden": 403, "four_eyes": 403, "illegal_transition": 409, "already_decided": 409}
assert {expected(a, r, s) for a, r, s in CELLS} == set(HTTP_STATUS), "an outcome the API mapping does not know"
assert {r for _, r, _ in CELLS} == set(ROLES) and {s for _, _, s in CELLS} == set(STATES)


def perform_by_api(client: APIClient, action: str, channel: Channel):
    if action == "edit":
        return client.patch(detail(channel.pk), {"display_name": "Renamed"}, format="json")
    return client.post(detail(channel.pk, action.replace("_", "-")), {"reason": "A reason."}, format="json")


@pytest.mark.parametrize(("action", "role", "state"), CELLS, ids=["-".join(c) for c in CELLS])
def test_permission_matrix_through_the_api(cast, action, role, state):
    entity, people = cast
    channel = channel_in(state, entity, people["maker_reviewer"])
    before = (channel.status, channel.version, channel.events.count())
    client = APIClient() if role == "anonymous" else token_client(people[role], second_factor=True)

    response = perform_by_api(client, action, channel)

    outcome = expected(action, role, state)
    channel.refresh_from_db()
    if role == "anonymous":
        assert_error(response, 401, "not_authenticated")
    elif role == "other_editor" and not channel.is_public:
        # Another entity's non-public channel is not there for them: 404, as for an id that does not exist.
        assert_error(response, 404, "not_found")
    elif outcome == "ok":
        assert response.status_code == 200, response.content
        assert response.json()["status"] == channel.status == TARGET.get(action, before[0])
        assert response.json()["version"] == channel.version == before[1] + 1
        assert channel.events.count() == before[2] + 1
        return
    else:
        assert_error(response, HTTP_STATUS[outcome], outcome)
    assert (channel.status, channel.version, channel.events.count()) == before  # nothing changed


def test_a_reviewer_without_the_second_factor_cannot_approve(cast):
    entity, people = cast
    channel = channel_in("submitted", entity, people["owner_editor"])
    before = (channel.status, channel.version, channel.events.count())

    response = perform_by_api(token_client(people["reviewer"], second_factor=False), "approve", channel)

    assert_error(response, 401, "second_factor_required")  # the token opens nothing, not even the channel
    assert response["WWW-Authenticate"] == "Token"
    channel.refresh_from_db()
    assert (channel.status, channel.version, channel.events.count()) == before
