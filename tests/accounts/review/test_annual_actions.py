"""The annual review as reviewers act on it: channels grouped by entity with who is responsible,
"no active editor" as its own problem, remind now, invite an editor, and who may do so."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entities.models import Membership
from registry.models import User
from tests.accounts.review.test_views import review_url, section_of
from tests.accounts.staff import test_views as staff_tests
from tests.accounts.staff.test_views import login

team = staff_tests.team

pytestmark = pytest.mark.django_db

# What the English pages say; the Arabic ones come with the catalogue (translations_annual.json).
TEXT = {
    "en": {"responsible": "Responsible: its active editors", "no_editor": "No active editor",
           "two": "2 channels overdue", "remind": "Remind now", "invite": "Invite an editor",
           "sent": "Reminder sent to 2 editors of", "invited": "is now an editor of",
           "bad_email": "is not an email address"},
}


def ago(days: int):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def overdue(team, make_entity, make_channel, make_user):
    second_editor = make_user(editor_of=team["entity"])
    orphan = make_entity()
    make_user(editor_of=orphan, is_active=False)  # left: not responsible any more
    return {
        "second_editor": second_editor, "orphan": orphan,
        "ours_a": make_channel("https://x.com/oursoverdue", entity=team["entity"], last_certified_at=ago(400)),
        "ours_b": make_channel("https://x.com/oursolder", entity=team["entity"], last_certified_at=ago(500)),
        "orphan_channel": make_channel("https://x.com/orphanoverdue", entity=orphan, last_certified_at=ago(450)),
    }


@pytest.fixture
def reviewer_client(team):
    return login(Client(), team["reviewer"], second_factor=True)


def _lang(client, lang):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    return client


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_grouped_by_entity_with_who_is_responsible_and_no_editor_flagged(reviewer_client, team, overdue, lang):
    content = _lang(reviewer_client, lang).get(review_url("annual", lang=lang)).content.decode()
    ours, orphan = section_of(content, team["entity"]), section_of(content, overdue["orphan"])
    # The entity of the longest overdue channel first.
    assert content.index(f'data-entity="{team["entity"].pk}"') < content.index(f'data-entity="{overdue["orphan"].pk}"')
    assert team["entity"].name in ours and overdue["orphan"].name in orphan
    assert re.findall(r'<tr data-channel="(\d+)">', ours) == [str(overdue["ours_b"].pk), str(overdue["ours_a"].pk)]
    assert team["editor"].email in ours and overdue["second_editor"].email in ours
    assert team["other_editor"].email not in ours
    assert 'data-problem="no-editor"' in orphan and 'data-problem="no-editor"' not in ours
    assert 'action="' + review_url("annual_remind", overdue["orphan"], lang=lang) not in orphan
    assert 'action="' + f'/{lang}/review/annual/entities/{overdue["orphan"].pk}/invite/' in orphan
    assert f'/{lang}/staff/channels/{overdue["ours_a"].pk}/' in ours  # retire: the page that confirms it
    if lang == "en":
        text = TEXT["en"]
        assert text["responsible"] in ours and text["two"] in ours and text["remind"] in ours
        assert text["no_editor"] in orphan and text["invite"] in orphan
    else:
        assert 'lang="ar"' in content


def test_query_count_stays_flat(reviewer_client, team, make_entity, make_channel, make_user, overdue):
    url = review_url("annual")
    reviewer_client.get(url)
    with CaptureQueriesContext(connection) as few:
        reviewer_client.get(url)
    for n in range(4):
        entity = make_entity()
        make_user(editor_of=entity)
        make_channel(f"https://x.com/more{n}", entity=entity, last_certified_at=ago(400 + n))
    reviewer_client.get(url)  # the register changed: its cached figures are read again once
    with CaptureQueriesContext(connection) as more:
        assert reviewer_client.get(url).status_code == 200
    assert len(more) == len(few)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_remind_now_emails_each_active_editor(reviewer_client, team, overdue, mailoutbox, lang,
                                              django_capture_on_commit_callbacks):
    _lang(reviewer_client, lang)
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(review_url("annual_remind", team["entity"], lang=lang), follow=True)
    assert response.status_code == 200
    assert sorted(message.to[0] for message in mailoutbox) == sorted([team["editor"].email,
                                                                     overdue["second_editor"].email])
    assert all("Annual review: 2 channels to certify" in message.subject for message in mailoutbox)
    assert f"/en/staff/channels/{overdue['ours_a'].pk}/" in mailoutbox[0].body
    assert "orphanoverdue" not in mailoutbox[0].body
    if lang == "en":
        assert TEXT["en"]["sent"] in response.content.decode()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_invite_an_editor_makes_them_one_and_sends_one_email(reviewer_client, overdue, mailoutbox, lang,
                                                             django_capture_on_commit_callbacks):
    _lang(reviewer_client, lang)
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(review_url("annual_invite", overdue["orphan"], lang=lang),
                                        {"email": "  New.Editor@Ministry.example "}, follow=True)
    assert response.status_code == 200
    user = User.objects.get(email="new.editor@ministry.example")
    assert Membership.objects.filter(user=user, entity=overdue["orphan"]).exists()
    assert not user.has_usable_password()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["new.editor@ministry.example"]
    assert "/reset/" in mailoutbox[0].body or "password" in mailoutbox[0].body.lower()
    # Responsible now: the flag is gone.
    content = reviewer_client.get(review_url("annual", lang=lang)).content.decode()
    assert 'data-problem="no-editor"' not in section_of(content, overdue["orphan"])
    if lang == "en":
        assert TEXT["en"]["invited"] in response.content.decode()


def test_inviting_an_existing_user_finds_them(reviewer_client, team, overdue, mailoutbox,
                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reviewer_client.post(review_url("annual_invite", overdue["orphan"]), {"email": team["other_editor"].email})
    assert set(team["other_editor"].memberships.values_list("entity_id", flat=True)) == {
        team["other_entity"].pk, overdue["orphan"].pk}
    assert User.objects.filter(email__iexact=team["other_editor"].email).count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_an_invalid_email_keeps_what_was_typed_with_the_error(reviewer_client, overdue, mailoutbox, lang):
    _lang(reviewer_client, lang)
    url = review_url("annual_invite", overdue["orphan"], lang=lang)
    response = reviewer_client.post(url, {"email": "not-an-email"})
    assert response.status_code == 400
    orphan = section_of(response.content.decode(), overdue["orphan"])
    assert 'value="not-an-email"' in orphan and 'aria-invalid="true"' in orphan
    assert 'data-error-code="invalid_email"' in orphan
    if lang == "en":
        assert TEXT["en"]["bad_email"] in orphan
    assert not Membership.objects.filter(entity=overdue["orphan"]).exclude(user__is_active=False).exists()
    assert mailoutbox == []


@pytest.mark.parametrize("action", ["annual_remind", "annual_invite"])
def test_refused_to_editors_and_anonymous(team, overdue, mailoutbox, action):
    url = review_url(action, overdue["orphan"] if action == "annual_invite" else team["entity"])
    data = {"email": "someone@ministry.example"}
    anonymous = Client().post(url, data)
    assert anonymous.status_code == 302 and "/login/" in anonymous.headers["Location"]
    editor = login(Client(), team["editor"])
    assert editor.post(url, data).status_code == 403
    assert not User.objects.filter(email="someone@ministry.example").exists()
    assert mailoutbox == []


def test_a_reviewer_without_the_second_factor_is_sent_to_it(team, overdue, mailoutbox):
    client = login(Client(), team["reviewer"])
    response = client.post(review_url("annual_remind", team["entity"]))
    assert response.status_code == 302 and "/auth/code/" in response.headers["Location"]
    assert mailoutbox == []
