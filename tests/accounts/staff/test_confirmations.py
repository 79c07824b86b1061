"""Retiring and reporting as compromised on the staff channel page: the first press only says what
the public will see afterwards; only the confirmed press acts, through the same service and the
same checks. And the one sentence that says what "Certify as current" does."""
from __future__ import annotations

import re

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.models import Channel, ChannelEvent, Status
from tests.accounts.staff.test_views import login, page_text, snapshot, staff_url

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "ar"]
REASON = "We moved to @newaccount on 1 May.\nThis one is closed."

RETIRE_CONSEQUENCE = ("This account will be shown as formerly official from today (%(date)s), and verify will "
                      "answer “formerly official” to anyone who checks it.")
COMPROMISED_CONSEQUENCE = "Verify will tell everyone not to trust this account from now on, until the GCO restores it."
CERTIFY_WHY = ("Certifying confirms that this account is still yours and its details are current; it restarts the "
               "twelve-month clock of the annual review.")


def said(msgid: str, lang: str, **values) -> str:
    """The sentence as the page in `lang` says it (the catalogue's words, or the msgid until translated)."""
    with translation.override(lang):
        return gettext(msgid) % values if values else gettext(msgid)


def today_in(lang: str) -> str:
    with translation.override(lang):
        return date_format(timezone.localdate(), "DATE_FORMAT")


@pytest.fixture
def people(make_entity, make_user):
    entity = make_entity()
    return {"entity": entity, "editor": make_user(editor_of=entity), "other_editor": make_user(editor_of=make_entity()),
            "plain": make_user()}


@pytest.fixture
def official(people, make_channel):
    return make_channel(entity=people["entity"], version=3)


def press(client, channel, action, lang, **data):
    return client.post(staff_url("channel_action", channel, action, lang=lang),
                       {"reason": REASON, "version": channel.version, **data})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_first_retire_press_changes_nothing_and_says_what_the_public_will_see(client, people, official, lang):
    before = snapshot(official)
    login(client, people["editor"])

    response = press(client, official, "retire", lang)

    assert response.status_code == 200
    assert snapshot(official) == before
    text = page_text(response)
    assert said(RETIRE_CONSEQUENCE, lang, date=today_in(lang)) in text
    assert said("This cannot be undone.", lang) in text
    content = response.content.decode()
    assert f'<html lang="{lang}"' in content
    assert f'<time datetime="{timezone.localdate():%Y-%m-%d}">' in content
    assert re.search(r'<h1>[^<]+</h1>', content) and '<h2 id="reason-heading">' in content
    # The reason as typed, read in its own direction, and sent again with the confirming press.
    assert '<blockquote class="prose" dir="auto">We moved to @newaccount on 1 May.<br>This one is closed.' in content
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', content, re.S)
    assert form.group(1) == staff_url("channel_action", official, "retire", lang=lang)
    assert re.search(r'<input type="hidden" name="confirm" value="True"', form.group(2))
    assert f'name="version" value="{official.version}"' in form.group(2)
    assert 'name="reason" value="We moved to @newaccount on 1 May.\nThis one is closed."' in form.group(2)
    assert said("Yes, retire it", lang) in form.group(2)
    assert f'href="{staff_url("channel_detail", official, lang=lang)}"' in content  # the way back
    assert "style=" not in content and "<script>" not in content  # the site's CSP allows neither


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_first_compromised_press_changes_nothing_and_says_what_verify_will_answer(client, people, official, lang):
    before = snapshot(official)
    login(client, people["editor"])

    response = press(client, official, "flag-compromised", lang)

    assert response.status_code == 200
    assert snapshot(official) == before
    text = page_text(response)
    assert said(COMPROMISED_CONSEQUENCE, lang) in text
    assert said("Yes, report it", lang) in text
    assert 'name="confirm" value="True"' in response.content.decode()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_confirmed_retire_press_retires_with_its_event(client, people, official, lang):
    login(client, people["editor"])

    response = press(client, official, "retire", lang, confirm="True")

    assert response.status_code == 302
    assert response["Location"] == staff_url("channel_detail", official, lang=lang)
    channel = Channel.private_objects.get(pk=official.pk)
    assert (channel.status, channel.retired_reason) == (Status.RETIRED, REASON)
    assert channel.retired_at.date() == timezone.localdate()
    event = ChannelEvent.objects.filter(channel=official).latest("at")
    assert (event.action, event.from_status, event.to_status, event.actor, event.comment) == (
        "retire", Status.APPROVED, Status.RETIRED, people["editor"], REASON)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_confirmed_compromised_press_flags_with_its_event(client, people, official, lang):
    login(client, people["editor"])

    response = press(client, official, "flag-compromised", lang, confirm="True")

    assert response.status_code == 302
    assert Channel.private_objects.get(pk=official.pk).status == Status.COMPROMISED
    event = ChannelEvent.objects.filter(channel=official).latest("at")
    assert (event.action, event.to_status, event.actor, event.comment) == (
        "flag_compromised", Status.COMPROMISED, people["editor"], REASON)


@pytest.mark.parametrize("confirm", ["", "False"])
@pytest.mark.parametrize("action", ["retire", "flag-compromised"])
def test_a_press_without_confirm_never_acts_however_often_it_is_sent(client, people, official, action, confirm):
    before = snapshot(official)
    login(client, people["editor"])
    for _ in range(2):
        assert press(client, official, action, "en", confirm=confirm).status_code == 200
    assert snapshot(official) == before


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("confirm", [None, "True"])
@pytest.mark.parametrize("action", ["retire", "flag-compromised"])
def test_a_missing_reason_is_refused_at_either_press(client, people, official, action, confirm, lang):
    before = snapshot(official)
    login(client, people["editor"])
    data = {"reason": "   "} if confirm is None else {"reason": "   ", "confirm": confirm}

    response = press(client, official, action, lang, **data)

    assert response.status_code == 400
    assert said("Give a reason: it is kept in the channel's history.", lang) in page_text(response)
    assert 'name="confirm"' not in response.content.decode()  # the channel's page, not a confirmation
    assert snapshot(official) == before


@pytest.mark.parametrize("confirm", [None, "True"])
@pytest.mark.parametrize("action", ["retire", "flag-compromised"])
def test_someone_without_permission_is_refused_at_either_press(client, people, official, make_user, action, confirm):
    before = snapshot(official)
    data = {} if confirm is None else {"confirm": confirm}
    # Another entity's editor does not see the channel at all: a 404, as for an id that does not exist.
    login(client, people["other_editor"])
    assert press(client, official, action, "en", **data).status_code == 404
    # Someone who edits for no entity: the same.
    login(client, people["plain"])
    assert press(client, official, action, "en", **data).status_code == 404
    # A reviewer whose login has not passed the second factor is sent to it first, as everywhere.
    login(client, make_user(reviewer=True))
    response = press(client, official, action, "en", **data)
    assert response.status_code == 302 and "/auth/code/" in response["Location"]
    # Nobody logged in: to the login page.
    client.logout()
    response = press(client, official, action, "en", **data)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert snapshot(official) == before


@pytest.mark.parametrize("confirm", [None, "True"])
def test_a_press_the_channels_state_does_not_allow_is_refused_at_either_press(client, people, make_channel, confirm):
    retired = make_channel(entity=people["entity"], status=Status.RETIRED)
    before = snapshot(retired)
    login(client, people["editor"])
    data = {} if confirm is None else {"confirm": confirm}

    response = press(client, retired, "retire", "en", **data)

    assert response.status_code == 409
    assert 'data-error-code="illegal_transition"' in response.content.decode()
    assert snapshot(retired) == before


def test_a_confirmed_press_on_a_channel_that_moved_on_is_refused(client, people, official):
    """Confirming an hour later, after a colleague retired it: the refusal, not a second retirement."""
    login(client, people["editor"])
    assert press(client, official, "retire", "en").status_code == 200
    other = client.__class__()
    login(other, people["editor"])
    assert press(other, official, "retire", "en", confirm="True").status_code == 302
    events = ChannelEvent.objects.filter(channel=official).count()

    response = press(client, official, "retire", "en", confirm="True")

    assert response.status_code == 409
    assert ChannelEvent.objects.filter(channel=official).count() == events


@pytest.mark.parametrize("lang", LANGUAGES)
def test_certify_says_what_it_does(client, people, official, lang):
    login(client, people["editor"])
    response = client.get(staff_url("channel_detail", official, lang=lang))
    content = response.content.decode()
    assert said(CERTIFY_WHY, lang) in page_text(response)
    assert re.search(r'<p class="why" id="certify-why">', content)
    assert 'aria-describedby="certify-why"' in content
