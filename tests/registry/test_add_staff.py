"""manage.py add_staff: editors for one entity, reviewers for all (with their enrolment link); bad input
changes nothing."""
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from entities.models import Membership
from registry.authentication import api_token_issue
from registry.models import ApiToken, EnrolmentLink, User
from tests.registry.second_factor_steps import enrol_through_link, path_of

pytestmark = pytest.mark.django_db
PASSWORD = "harbour-lantern-42"


def add_staff(*args, **kwargs):
    out = io.StringIO()
    call_command("add_staff", *args, stdout=out, **kwargs)
    return out.getvalue()


def test_editor_is_created_as_member_of_the_entity(make_entity, password_works):
    entity = make_entity(slug="mofa")
    output = add_staff("Editor@MOFA.example", "--role", "editor", "--entity", "mofa", "--password", PASSWORD)
    user = User.objects.get(email="editor@mofa.example")
    assert not user.is_reviewer
    assert list(Membership.objects.filter(user=user).values_list("entity", "role")) == [(entity.pk, "editor")]
    assert "Created editor@mofa.example as editor of mofa" in output
    assert password_works("editor@mofa.example", PASSWORD)


def test_reviewer_password_from_the_environment(monkeypatch, password_works):
    monkeypatch.setenv("STAFF_PASSWORD", PASSWORD)
    add_staff("reviewer@gco.example", "--role", "reviewer")
    user = User.objects.get(email="reviewer@gco.example")
    assert user.is_reviewer and not user.memberships.exists()
    assert password_works("reviewer@gco.example", PASSWORD)


def test_running_again_updates_instead_of_duplicating(make_entity, password_works):
    make_entity(slug="mofa")
    add_staff("editor@mofa.example", "--role", "editor", "--entity", "mofa", "--password", PASSWORD)
    output = add_staff("editor@mofa.example", "--role", "editor", "--entity", "mofa", "--password", "new-" + PASSWORD)
    assert "Updated" in output
    assert User.objects.count() == 1 and Membership.objects.count() == 1
    assert password_works("editor@mofa.example", "new-" + PASSWORD)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x@gco.example", "--role", "editor", "--entity", "nope", "--password", PASSWORD], "no entity “nope”"),
        (["x@gco.example", "--role", "editor", "--password", PASSWORD], "An editor needs an entity"),
        (["x@gco.example", "--role", "reviewer", "--entity", "mofa", "--password", PASSWORD], "leave out --entity"),
        (["not-an-email", "--role", "reviewer", "--password", PASSWORD], "is not an email address"),
        (["x@gco.example", "--role", "reviewer", "--password", "short"], "too short"),
        (["x@gco.example", "--role", "reviewer", "--password", "password123"], "too common"),
    ],
    ids=["unknown-entity", "editor-without-entity", "reviewer-with-entity", "bad-email", "short", "common"],
)
def test_bad_input_is_refused_with_a_sentence_and_changes_nothing(make_entity, args, message):
    make_entity(slug="mofa")
    with pytest.raises(CommandError, match=message):
        add_staff(*args)
    assert User.objects.count() == 0 and Membership.objects.count() == 0


def test_unknown_role_is_refused():
    with pytest.raises(CommandError, match="invalid choice"):
        add_staff("x@gco.example", "--role", "admin", "--password", PASSWORD)


def test_without_a_password_or_terminal_it_stops(monkeypatch):
    monkeypatch.delenv("STAFF_PASSWORD", raising=False)
    monkeypatch.setattr("os.isatty", lambda fd: False)
    with pytest.raises(CommandError, match="No password"):
        add_staff("x@gco.example", "--role", "reviewer")
    assert not User.objects.exists()


# --- The second factor: a reviewer's first authenticator app only through the printed link -----------

def printed_link(output: str) -> str:
    match = re.search(r"Enrolment link \(single use, valid 24 hours; give it to (\S+) only\):\n  (\S+)", output)
    assert match, output
    return match.group(2)


def test_a_new_reviewer_gets_an_enrolment_link_that_sets_up_their_app(client):
    output = add_staff("reviewer@gco.example", "--role", "reviewer", "--password", PASSWORD)
    link = printed_link(output)
    assert link.startswith("http://127.0.0.1:8000/en/auth/enrol/")
    reviewer = User.objects.get(email="reviewer@gco.example")
    assert EnrolmentLink.objects.filter(user=reviewer, used_at__isnull=True).count() == 1

    device, codes = enrol_through_link(client, reviewer, link=link, password=PASSWORD)
    assert len(codes) == 10
    assert client.get(reverse("review:queue")).status_code == 200
    assert client.get(path_of(link)).status_code == 404  # spent

    again = add_staff("reviewer@gco.example", "--role", "reviewer", "--password", PASSWORD)
    assert "Enrolment link" not in again  # the app is set up: nothing to enrol
    assert TOTPDevice.objects.get(user=reviewer) == device


def test_an_editor_gets_no_enrolment_link(make_entity):
    make_entity(slug="mofa")
    output = add_staff("editor@mofa.example", "--role", "editor", "--entity", "mofa", "--password", PASSWORD)
    assert "Enrolment link" not in output
    assert not EnrolmentLink.objects.exists()


def test_running_it_again_for_a_reviewer_replaces_the_link_and_ends_their_api_tokens(client, make_entity):
    make_entity(slug="mofa")
    add_staff("someone@gco.example", "--role", "editor", "--entity", "mofa", "--password", PASSWORD)
    user = User.objects.get(email="someone@gco.example")
    _, key = api_token_issue(user=user, second_factor=False)
    first = printed_link(add_staff("someone@gco.example", "--role", "reviewer", "--password", "new-" + PASSWORD))
    assert not ApiToken.objects.filter(user=user).exists()  # a new password ends every token
    assert client.get("/api/v1/entities/", headers={"Authorization": f"Token {key}"}).status_code == 401

    second = printed_link(add_staff("someone@gco.example", "--role", "reviewer", "--password", "new-" + PASSWORD))
    assert client.get(path_of(first)).status_code == 404  # only the newest link works
    assert client.get(path_of(second)).status_code == 302
