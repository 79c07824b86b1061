"""The review area's services. The invitation an editor receives (entity_editor_invite) is its own
email, in Arabic then English, saying what they were made and giving the link to set their password;
someone who already has a password is told to log in as usual, and the link works. Accepting a
rename a "renamed" alert saw (accept_rename) proposes the new handle and link (the service and the
alerts page's button, in both languages), approved by another reviewer through the workflow, and is
refused with a clear code where the link cannot go."""
from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from accounts.lookalikes import closest_officials
from accounts.models import Alert, AlertKind, Channel, Status
from accounts.review.services import accept_rename, entity_editor_invite
from accounts.services import channel_act, channel_edit
from registry.direction import without_isolates
from registry.errors import RegistryError
from registry.models import User
from tests.accounts.review.test_views import review_url, section
from tests.accounts.staff import test_views as staff_tests
from tests.accounts.staff.test_views import approved, login, page_text, snapshot, submitted

pytestmark = pytest.mark.django_db

team = staff_tests.team  # the fixture, found by pytest under this name


def renamed(channel: Channel, handle_now: str) -> Alert:
    # What the follower refresh writes (accounts/monitoring/refresh.py).
    return Alert.objects.create(channel=channel, kind=AlertKind.RENAMED,
                                details={"registered_handle": channel.handle, "handle_now": handle_now})


def test_accepting_a_rename_proposes_the_new_handle_and_link(team):
    channel = approved(team["entity"], team["editor"], team["second_reviewer"], "https://x.com/OldNameGov")
    alert = renamed(channel, "NewNameGov")
    channel = accept_rename(actor=team["reviewer"], alert_id=alert.pk, two_factor=True)
    assert channel.proposed_changes == {"handle": "NewNameGov", "handle_key": "newnamegov",
                                        "canonical_url": "https://x.com/NewNameGov"}
    assert channel.proposed_by == team["reviewer"]
    public = Channel.public_objects.get(pk=channel.pk)
    assert (public.handle, public.canonical_url) == ("OldNameGov", "https://x.com/OldNameGov")
    proposal = channel.events.get(action="propose")
    assert proposal.actor == team["reviewer"] and proposal.changes["handle"] == "NewNameGov"
    assert Alert.objects.get(pk=alert.pk).is_open  # resolved by a reviewer, with a note


def test_approving_the_rename_changes_handle_and_link_but_not_by_who_proposed_it(team):
    channel = approved(team["entity"], team["editor"], team["second_reviewer"], "https://x.com/BeforeGov")
    channel = accept_rename(actor=team["reviewer"], alert_id=renamed(channel, "AfterGov").pk, two_factor=True)

    with pytest.raises(RegistryError) as refused:  # four eyes
        channel_act(actor=team["reviewer"], channel_id=channel.pk, action="approve_changes", two_factor=True)
    assert refused.value.code == "four_eyes"

    channel = channel_act(actor=team["second_reviewer"], channel_id=channel.pk, action="approve_changes",
                          two_factor=True)
    channel = Channel.public_objects.get(pk=channel.pk)
    assert (channel.handle, channel.handle_key, channel.canonical_url, channel.status) == (
        "AfterGov", "aftergov", "https://x.com/AfterGov", Status.APPROVED)
    assert channel.proposed_changes == {}
    decided = channel.events.get(action="approve_changes")
    assert decided.actor == team["second_reviewer"] and decided.changes["handle"] == "AfterGov"
    # Look-alikes are checked against the new handle from now on.
    assert [other.pk for other, _ in closest_officials("aftergov", "x", exact_counts=True)] == [channel.pk]


def test_a_handle_held_by_another_channel_is_refused_and_nothing_changes(team):
    approved(team["other_entity"], team["other_editor"], team["second_reviewer"], "https://x.com/HeldGov")
    channel = approved(team["entity"], team["editor"], team["second_reviewer"], "https://x.com/WantsGov")
    alert = renamed(channel, "HeldGov")
    before = snapshot(channel)
    with pytest.raises(RegistryError) as refused:
        accept_rename(actor=team["reviewer"], alert_id=alert.pk, two_factor=True)
    assert refused.value.code == "handle_taken"
    assert snapshot(channel) == before and Channel.private_objects.get(pk=channel.pk).proposed_changes == {}


def test_a_proposed_link_on_another_platform_or_held_is_refused_with_its_code(team):
    submitted(team["other_entity"], team["other_editor"], "https://x.com/UnderReviewGov")
    channel = approved(team["entity"], team["editor"], team["second_reviewer"], "https://x.com/StaysGov")
    before = snapshot(channel)
    for link, code in (("https://www.instagram.com/staysgov", "link_locked"),
                       ("https://x.com/UnderReviewGov", "handle_taken")):
        with pytest.raises(RegistryError) as refused:
            channel_edit(actor=team["editor"], channel_id=channel.pk, link=link)
        assert refused.value.code == code
    assert snapshot(channel) == before


def test_only_an_open_renamed_alert_of_an_official_channel_is_accepted(team, make_channel):
    channel = approved(team["entity"], team["editor"], team["second_reviewer"], "https://x.com/DropGov")
    drop = Alert.objects.create(channel=channel, kind=AlertKind.FOLLOWER_DROP, details={"previous": 10, "now": 1})
    with pytest.raises(RegistryError) as refused:
        accept_rename(actor=team["reviewer"], alert_id=drop.pk, two_factor=True)
    assert refused.value.code == "not_a_rename"
    with pytest.raises(RegistryError) as refused:
        accept_rename(actor=team["editor"], alert_id=renamed(channel, "Other").pk, two_factor=True)
    assert refused.value.code == "forbidden"
    same = renamed(make_channel("https://x.com/SameGov", status=Status.COMPROMISED), "Whatever")
    with pytest.raises(RegistryError) as refused:
        accept_rename(actor=team["reviewer"], alert_id=same.pk, two_factor=True)
    assert refused.value.code == "channel_not_official"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_alerts_page_offers_accept_the_rename_and_the_decision_page_shows_it(team, lang):
    channel = approved(team["entity"], team["editor"], team["second_reviewer"], "https://x.com/PageOldGov")
    alert = renamed(channel, "PageNewGov")
    client = login(Client(), team["reviewer"], second_factor=True)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    accept_url = review_url("alerts", lang=lang) + f"{alert.pk}/accept-rename/"
    page = client.get(review_url("alerts", lang=lang)).content.decode()
    form = rf'<form method="post" action="{re.escape(accept_url)}\?[^"]*" class="action action-accept-rename">'
    assert re.search(form, page)

    response = client.post(accept_url)
    assert response.status_code == 302 and response.headers["Location"] == review_url("channel", channel, lang=lang)
    decision = client.get(response.headers["Location"])
    assert "PageNewGov" in decision.content.decode() and "https://x.com/PageNewGov" in decision.content.decode()
    if lang == "en":
        assert "The new handle PageNewGov is proposed. Another reviewer must approve it" in page_text(decision)
    # The reviewer who proposed it may not approve it: the button says why.
    assert 'data-refusal="four_eyes"' in section(decision, "decision-heading")

    second = login(Client(), team["second_reviewer"], second_factor=True)
    second.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    response = second.post(review_url("channel_action", channel, "approve_changes", lang=lang),
                           {"version": Channel.private_objects.get(pk=channel.pk).version})
    assert response.status_code == 302
    assert Channel.public_objects.get(pk=channel.pk).handle == "PageNewGov"


def test_a_rename_like_another_entitys_official_handle_needs_the_acknowledgement(team):
    approved(team["other_entity"], team["other_editor"], team["second_reviewer"], "https://x.com/MOEUAE")
    channel = approved(team["entity"], team["editor"], team["second_reviewer"], "https://x.com/EduOffice")
    accept_rename(actor=team["reviewer"], alert_id=renamed(channel, "M0EUAE").pk, two_factor=True)
    second = login(Client(), team["second_reviewer"], second_factor=True)
    version = Channel.private_objects.get(pk=channel.pk).version
    response = second.post(review_url("channel_action", channel, "approve_changes"), {"version": version})
    assert response.status_code == 400 and 'data-error-code="warnings_unacknowledged"' in response.content.decode()
    response = second.post(review_url("channel_action", channel, "approve_changes"),
                           {"version": version, "warnings_checked": "1"})
    assert response.status_code == 302 and Channel.public_objects.get(pk=channel.pk).handle == "M0EUAE"


# --- Inviting an editor ---

SITE = settings.SITE_URL.rstrip("/")


def said(lang: str, msgid: str) -> str:
    with translation.override(lang):
        return translation.gettext(msgid)


@pytest.fixture
def orphan(make_entity):
    return make_entity(name_en="Federal Youth Authority", name_ar="الهيئة الاتحادية للشباب")


def invite(reviewer, entity, email: str, capture) -> object:
    with capture(execute=True):
        entity_editor_invite(actor=reviewer, entity_id=entity.pk, email=email, two_factor=True)


def test_a_new_editor_is_told_what_they_are_and_sets_a_password_through_the_link(
        make_user, orphan, mailoutbox, django_capture_on_commit_callbacks):
    invite(make_user(reviewer=True), orphan, "New.Editor@Youth.example", django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["new.editor@youth.example"]
    subject, body = message.subject, without_isolates(message.body)
    assert subject == " | ".join(said(lang, "Set your password for the Official Accounts Registry")
                                 for lang in ("ar", "en"))
    arabic, english = body.split("——————————")
    assert "الهيئة الاتحادية للشباب" in arabic and "Federal Youth Authority" in english
    assert ("The GCO has made the account new.editor@youth.example an editor of Federal Youth Authority at the "
            "Official Accounts Registry.") in english
    assert "To begin, choose your password with this link:" in english
    assert "Someone asked to reset" not in body  # not the reset email's words: nobody asked
    # One link per language, to the page that sets the password, and the login page after it.
    links = {lang: re.findall(rf"{re.escape(SITE)}(/{lang}/auth/reset/[^/\s]+/[^/\s]+/)", part)
             for lang, part in (("ar", arabic), ("en", english))}
    assert len(links["ar"]) == 1 and len(links["en"]) == 1
    assert f"{SITE}/en/auth/login/" in english and f"{SITE}/ar/auth/login/" in arabic

    client = Client()
    opened = client.get(links["en"][0], follow=True)
    assert opened.status_code == 200 and opened.context["validlink"]
    set_password = opened.redirect_chain[-1][0]
    done = client.post(set_password, {"new_password1": "a-new-long-password-42",
                                      "new_password2": "a-new-long-password-42"})
    assert done.status_code == 302
    assert User.objects.get(email="new.editor@youth.example").check_password("a-new-long-password-42")


def test_someone_with_a_password_is_told_to_log_in_as_usual(make_user, make_entity, orphan, mailoutbox,
                                                             django_capture_on_commit_callbacks):
    existing = make_user(email="editor@moe.example", editor_of=make_entity())
    invite(make_user(reviewer=True), orphan, "editor@moe.example", django_capture_on_commit_callbacks)

    message = mailoutbox[0]
    assert message.to == [existing.email]
    with translation.override("en"):
        assert message.subject.endswith("You are now an editor of Federal Youth Authority at the Official Accounts "
                                        "Registry")
    english = without_isolates(message.body).split("——————————")[1]
    assert "Log in as usual, with your email address and your password:" in english
    assert "If you have forgotten your password, choose a new one with this link:" in english
    assert existing.memberships.filter(entity=orphan).exists()
