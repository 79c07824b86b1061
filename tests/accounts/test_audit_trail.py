"""The audit trail: channel events the database will not empty, records the admin shows but never changes
or deletes, and the history of who may act (memberships and staff roles), which the admin shows and never
reverts. Admin requests come from a superuser whose session passed the second factor."""
from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import Alert, Channel, ChannelEvent, FollowerSnapshot, Status
from accounts.services import channel_act, channel_create
from entities.models import Entity, Membership
from registry.models import User
from tests.accounts.complete import COMPLETE
from tests.registry.second_factor_steps import enrolled, verified_client

pytestmark = pytest.mark.django_db

ADMIN = "/admin"


@pytest.fixture
def admin_client(django_user_model):
    admin = django_user_model.objects.create_superuser(email="admin@gco.example", password="a-long-test-password")
    client = verified_client(admin, enrolled(admin))
    client.user = admin
    return client


@pytest.fixture
def submitted(make_entity, make_user) -> Channel:
    entity = make_entity()
    editor = make_user(editor_of=entity)
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/audited")
    return channel_act(actor=editor, channel_id=channel.pk, action="submit")


# --- The channel events: TRUNCATE refused like UPDATE and DELETE ---------------------------------

@pytest.mark.django_db(transaction=True)  # committed rows, as in production (and the flush after it still works)
@pytest.mark.parametrize("statement", [
    "TRUNCATE accounts_channelevent",
    "TRUNCATE accounts_channelevent RESTART IDENTITY",
    "TRUNCATE accounts_channel, accounts_channelevent CASCADE",
    "TRUNCATE accounts_channel CASCADE",  # reaches the events through their foreign key
])
def test_postgresql_refuses_to_truncate_the_channel_events(submitted, statement):
    events = ChannelEvent.objects.filter(channel=submitted).count()
    assert events == 2

    # Without CASCADE, the webhook delivery log's foreign key to the events refuses it first; with it, the
    # trigger does. Either way nothing is emptied.
    refusal = "append-only: TRUNCATE refused" if "CASCADE" in statement else (
        "append-only: TRUNCATE refused|referenced in a foreign key constraint")
    with pytest.raises(DatabaseError, match=refusal), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement)

    assert ChannelEvent.objects.filter(channel=submitted).count() == events
    assert Channel.private_objects.filter(pk=submitted.pk).exists()


# --- The admin shows the records and changes none of them ------------------------------------------

def _records(channel: Channel) -> dict[str, object]:
    reviewer = User.objects.create_user(email="reviewer@gco.example", is_reviewer=True)
    snapshot = FollowerSnapshot.objects.create(channel=channel, date=date(2026, 1, 5), followers=1200)
    alert = Alert.objects.create(channel=channel, kind=Alert.Kind.NOT_FOUND, resolved_by=reviewer,
                                 resolved_at=timezone.now(), resolution_note="Checked with the ministry: renamed.")
    return {"channelevent": channel.events.first(), "followersnapshot": snapshot, "alert": alert,
            "channel": channel}


def _state(record) -> dict:
    fresh = type(record)._base_manager.get(pk=record.pk)
    return {field.attname: getattr(fresh, field.attname) for field in type(record)._meta.concrete_fields}


@pytest.mark.parametrize("model", ["channelevent", "followersnapshot", "alert", "channel"])
def test_the_admin_shows_the_records_and_refuses_to_change_add_or_delete_them(admin_client, submitted, model):
    record = _records(submitted)[model]
    before = _state(record)
    base = f"{ADMIN}/accounts/{model}/"

    assert admin_client.get(base).status_code == 200
    page = admin_client.get(f"{base}{record.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="_save"' not in content and "deletelink" not in content  # a page to read, no buttons

    tampered = {"followers": "1", "resolution_note": "Nothing to see.", "status": Status.APPROVED,
                "comment": "Rewritten.", "to_status": Status.APPROVED}
    assert admin_client.post(f"{base}{record.pk}/change/", tampered).status_code == 403
    assert admin_client.post(f"{base}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get(f"{base}add/").status_code == 403
    listed = admin_client.get(base).content.decode()
    assert "delete_selected" not in listed
    admin_client.post(base, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"})

    assert _state(record) == before


def test_an_alerts_resolution_note_is_shown_but_not_editable(admin_client, submitted):
    alert = _records(submitted)["alert"]

    content = admin_client.get(f"{ADMIN}/accounts/alert/{alert.pk}/change/").content.decode()

    assert "Checked with the ministry: renamed." in content
    assert 'name="resolution_note"' not in content


# --- History: memberships and staff roles are kept, shown, never reverted ------------------------------

def test_membership_changes_keep_their_history_with_who_made_them(admin_client, make_entity, make_user):
    entity, editor = make_entity(), make_user()

    added = admin_client.post(f"{ADMIN}/entities/membership/add/",
                              {"user": editor.pk, "entity": entity.pk, "role": "editor"})
    assert added.status_code == 302, added.content.decode()[:2000]
    membership = Membership.objects.get(user=editor, entity=entity)
    removed = admin_client.post(f"{ADMIN}/entities/membership/{membership.pk}/delete/", {"post": "yes"})
    assert removed.status_code == 302

    history = Membership.history.filter(id=membership.pk).order_by("history_date")
    assert [(row.history_type, row.user_id, row.entity_id) for row in history] == [
        ("+", editor.pk, entity.pk), ("-", editor.pk, entity.pk),
    ]
    assert {row.history_user_id for row in history} == {admin_client.user.pk}


def test_staff_role_changes_keep_their_history_without_the_password(admin_client, make_user):
    user = make_user(email="editor@moe.example")
    group = Group.objects.create(name="GCO communications")

    response = admin_client.post(f"{ADMIN}/registry/user/{user.pk}/change/", {
        "email": user.email, "first_name": "", "last_name": "", "is_reviewer": "on", "is_active": "on",
        "is_staff": "on", "groups": [group.pk], "date_joined_0": "2026-01-05", "date_joined_1": "09:00:00",
        "last_login_0": "", "last_login_1": "",
    })
    assert response.status_code == 302, response.content.decode()[:3000]

    latest = user.history.latest()
    assert (latest.is_reviewer, latest.is_staff, latest.is_superuser, latest.is_active) == (True, True, False, True)
    assert latest.history_user_id == admin_client.user.pk
    assert [g.group_id for g in latest.groups.all()] == [group.pk]
    assert user.history.earliest().is_reviewer is False
    recorded = {field.name for field in User.history.model._meta.fields}
    assert "password" not in recorded and "last_login" not in recorded

    page = admin_client.get(f"{ADMIN}/registry/user/{user.pk}/history/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "GCO reviewer:" in page.content.decode()  # the Changes column: the field, its old and new value


def test_a_login_is_not_a_change_of_role_and_adds_no_history(client, make_user):
    user = make_user(email="editor@moe.example")
    before = user.history.count()
    response = client.post("/en/auth/login/", {"username": "editor@moe.example", "password": "a-long-test-password"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_history_revert_page_sends_back_to_the_history_and_changes_nothing(admin_client, submitted, method):
    """It answered 500 for channels (simple_history needs `objects`, which Channel has not), and saved a
    POST for any model, whatever SIMPLE_HISTORY_REVERT_DISABLED said."""
    draft_version = submitted.history.earliest()
    assert draft_version.status == Status.DRAFT and submitted.status == Status.SUBMITTED
    entity = submitted.entity
    entity.name_en = "Renamed ministry"
    entity.save()
    first_name = entity.history.earliest()

    for model, obj, version, form in (
        ("accounts/channel", submitted, draft_version, {}),
        ("entities/entity", entity, first_name, {"slug": entity.slug, "name_en": first_name.name_en,
                                                 "name_ar": entity.name_ar, "kind": entity.kind}),
    ):
        url = f"{ADMIN}/{model}/{obj.pk}/history/{version.history_id}/"
        response = getattr(admin_client, method)(url, form)
        assert response.status_code == 302
        assert response["Location"] == f"{ADMIN}/{model}/{obj.pk}/history/"
        assert admin_client.get(response["Location"]).status_code == 200

    assert Channel.private_objects.get(pk=submitted.pk).status == Status.SUBMITTED
    assert Entity.objects.get(pk=entity.pk).name_en == "Renamed ministry"
