"""The review area's emailing services: the invitation an editor receives (entity_editor_invite) is
its own email, in Arabic then English, saying what they were made and giving the link to set their
password; someone who already has a password is told to log in as usual. The link works."""
from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from accounts.review.services import entity_editor_invite
from registry.direction import without_isolates
from registry.models import User

pytestmark = pytest.mark.django_db

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
