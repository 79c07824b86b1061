"""manage.py add_staff: editors for one entity, reviewers for all; bad input changes nothing."""
import io

import pytest
from django.core.management import CommandError, call_command

from entities.models import Membership
from registry.models import User

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
