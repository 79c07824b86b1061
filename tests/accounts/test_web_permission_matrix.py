"""The permission matrix through the web views: every action × who asks × the channel's state,
posted to the staff and review areas' URLs as a browser would, with the exact outcome of each
cell. The rules (`expected`) and the cells come from the services' matrix in test_workflow.py."""
from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import Channel, Status
from accounts.workflow import check_allowed
from registry.errors import RegistryError
from tests.accounts import test_workflow as service_matrix
from tests.accounts.staff.test_views import login
from tests.accounts.test_workflow import CELLS, TARGET, channel_in, expected

cast = service_matrix.cast  # the people of the matrix: a fixture, found by pytest under this name

pytestmark = pytest.mark.django_db

REVIEW_AREA_ACTIONS = {"approve", "request_changes", "reject", "approve_changes", "reject_changes", "restore"}
WITH_SECOND_FACTOR = {"reviewer", "maker_reviewer", "admin"}


def en(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def edit_form(channel: Channel) -> dict:
    """The edit form as its page fills it in, with the display name changed."""
    values = {
        "display_name": "Renamed", "description": channel.description, "languages": channel.languages,
        "official": channel.official_id or "", "version": channel.version,
    }
    values.update({k: v for k, v in channel.proposed_changes.items() if k != "display_name"})
    if channel.status in (Status.DRAFT, Status.CHANGES_REQUESTED):
        values.update(link=channel.canonical_url, platform="")
    return values


def request_for(action: str, channel: Channel) -> tuple[str, dict, str]:
    """(URL to post to, form data, the channel page a success redirects to)."""
    slug = action.replace("_", "-")
    if action == "edit":
        return en("staff:channel_edit", channel.pk), edit_form(channel), en("staff:channel_detail", channel.pk)
    # The confirmed press (retire and flag-compromised ask first; the others ignore it): the one that acts.
    data = {"reason": "A reason.", "version": channel.version, "confirm": "True"}
    if action in REVIEW_AREA_ACTIONS:
        return en("review:channel_action", channel.pk, slug), data, en("review:channel", channel.pk)
    return en("staff:channel_action", channel.pk, slug), data, en("staff:channel_detail", channel.pk)


def refusal_sentence(user, action: str, channel: Channel) -> str:
    """The sentence the one permission check gives for this cell, in English."""
    checked = "propose" if action == "edit" and channel.status == Status.APPROVED else action
    with translation.override("en"):
        try:
            check_allowed(user, checked, channel, reason="A reason.", two_factor=True)
        except RegistryError as refused:
            return refused.message
    raise AssertionError(f"{action} by {user} was expected to be refused")


def state_of(channel: Channel) -> tuple:
    channel = Channel.private_objects.get(pk=channel.pk)
    return channel.status, channel.version, channel.events.count()


@pytest.mark.parametrize(("action", "role", "state"), CELLS, ids=["-".join(cell) for cell in CELLS])
def test_permission_matrix_through_the_web_views(cast, action, role, state):
    entity, people = cast
    channel = channel_in(state, entity, people["maker_reviewer"])
    client = Client()
    if role != "anonymous":
        login(client, people[role], second_factor=role in WITH_SECOND_FACTOR)
    url, data, channel_page = request_for(action, channel)
    before = state_of(channel)
    outcome = expected(action, role, state)

    response = client.post(url, data)

    if role == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith(en("login") + "?next=")
    elif role == "other_editor" and "/staff/" in url:
        # The staff area does not show another entity's channels at all: 404, as for an id that does not exist.
        assert response.status_code == 404
    elif outcome == "ok":
        assert response.status_code == 302, response.content.decode()[:3000]
        assert response.headers["Location"] == channel_page
    else:
        assert response.status_code == (409 if outcome in ("illegal_transition", "already_decided") else 403)
        content = response.content.decode()
        assert f'data-error-code="{outcome}"' in content
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())
        assert refusal_sentence(people[role], action, channel) in text

    after = Channel.private_objects.get(pk=channel.pk)
    if outcome == "ok" and role != "anonymous":
        assert after.events.count() == before[2] + 1
        proposal = action == "edit" and state.startswith("approved")
        assert after.events.last().action == ("propose" if proposal else action)
        assert after.status == TARGET.get(action, before[0])
        assert after.version > before[1]
        if action == "edit":
            shown = after.proposed_changes.get("display_name") if proposal else after.display_name
            assert shown == "Renamed"
    else:
        assert state_of(channel) == before  # nothing changed
