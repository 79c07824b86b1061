"""The staff area as entity staff use it: register by link, submit, edit, act, read the history;
and the bad input a person may give, which must be refused clearly and change nothing."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Channel, ChannelEvent, Status
from accounts.services import channel_act, channel_create, channel_edit
from registry.direction import without_isolates
from tests.accounts.complete import COMPLETE

pytestmark = pytest.mark.django_db


# --- Helpers the review and matrix tests share ----------------------------------------------

def login(client, user, *, second_factor: bool = False):
    """Log `user` in; with `second_factor`, as if they had typed their authenticator code."""
    client.force_login(user)
    if second_factor:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def page_text(response) -> str:
    """The page as a person reads it: tags dropped (an isolate or a date's <time> adds no space), entities
    decoded, the invisible isolate marks taken out, spaces collapsed."""
    text = re.sub(r"</?(?:bdi|time)\b[^>]*>", "", without_isolates(response.content.decode()))
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())


def staff_url(name: str, channel=None, action: str | None = None, lang: str = "en") -> str:
    from django.utils import translation

    args = [channel.pk] if channel is not None else []
    if action:
        args.append(action.replace("_", "-"))
    with translation.override(lang):
        return reverse(f"staff:{name}", args=args)


def snapshot(channel: Channel) -> tuple:
    channel = Channel.private_objects.get(pk=channel.pk)
    return channel.status, channel.version, channel.events.count(), channel.display_name, channel.description


def submitted(entity, editor, link: str) -> Channel:
    """A submission, on the editor's word where its handle looks like another entity's account."""
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link=link)
    return channel_act(actor=editor, channel_id=channel.pk, action="submit", lookalikes_confirmed=True)


def approved(entity, editor, reviewer, link: str) -> Channel:
    channel = submitted(entity, editor, link)
    return channel_act(actor=reviewer, channel_id=channel.pk, action="approve", two_factor=True)


@pytest.fixture
def team(make_entity, make_user):
    """An entity with an editor, another entity with its own editor, and two reviewers."""
    entity, other_entity = make_entity(), make_entity()
    return {
        "entity": entity,
        "editor": make_user(editor_of=entity),
        "other_entity": other_entity,
        "other_editor": make_user(editor_of=other_entity),
        "reviewer": make_user(reviewer=True),
        "second_reviewer": make_user(reviewer=True),
    }


def home_total(client) -> int:
    content = client.get("/en/").content.decode()
    return int(re.search(r'data-total="channels">([\d,]+)<', content).group(1).replace(",", ""))


# --- The flow a person follows -----------------------------------------------------------------

def test_register_submit_and_get_approved_by_a_reviewer_then_the_public_total_changes(client, team, django_user_model):
    from django.test import Client

    editor, reviewer = team["editor"], team["reviewer"]
    public_before = home_total(Client())

    login(client, editor)
    form = client.get(staff_url("channel_create"))
    assert form.status_code == 200
    assert "https://x.com/UAEGov" in page_text(form)  # the accepted link forms are shown

    response = client.post(staff_url("channel_create"), {
        "link": "  https://mobile.twitter.com/FlowTestGov?lang=ar ", "entity": team["entity"].pk,
        "display_name": "Flow Test", "languages": ["ar", "en"], "description": "Our news.",
    })
    channel = Channel.private_objects.get(handle_key="flowtestgov")
    assert response.status_code == 302 and response.headers["Location"] == staff_url("channel_detail", channel)
    assert (channel.platform, channel.handle, channel.status, channel.entity) == ("x", "FlowTestGov", "draft",
                                                                                  team["entity"])
    assert channel.languages == ["ar", "en"] and channel.created_by == editor

    page = client.get(staff_url("channel_detail", channel))
    assert "Submit for review" in page_text(page)
    response = client.post(staff_url("channel_action", channel, "submit"), {"version": channel.version})
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.status == Status.SUBMITTED and channel.submitted_by == editor

    # The editor cannot approve their own submission: the server refuses, whatever the page shows.
    response = client.post(reverse("review:channel_action", args=[channel.pk, "approve"]),
                           {"version": channel.version})
    assert response.status_code == 403
    assert "Only GCO reviewers can do this." in page_text(response)
    assert Channel.private_objects.get(pk=channel.pk).status == Status.SUBMITTED

    # Three days later a reviewer finds it in the queue, with its age, and approves it.
    Channel.private_objects.filter(pk=channel.pk).update(submitted_at=timezone.now() - timedelta(days=3, hours=2))
    reviewer_client = login(Client(), reviewer, second_factor=True)
    queue = reviewer_client.get(reverse("review:queue"))
    row = re.search(rf'<tr data-channel="{channel.pk}">.*?</tr>', queue.content.decode(), re.S).group(0)
    assert "3\xa0days" in row and "FlowTestGov" in row and editor.email in row and team["entity"].name in row
    response = reviewer_client.post(reverse("review:channel_action", args=[channel.pk, "approve"]),
                                    {"version": channel.version})
    assert response.status_code == 302 and response.headers["Location"] == reverse("review:channel", args=[channel.pk])

    channel.refresh_from_db()
    assert channel.status == Status.APPROVED and channel.decided_by == reviewer
    assert home_total(Client()) == public_before + 1


def test_a_bare_handle_needs_the_platform(client, team):
    login(client, team["editor"])
    response = client.post(staff_url("channel_create"), {"link": "@BareHandleGov", "entity": team["entity"].pk})
    assert response.status_code == 400
    assert "Choose the platform" in page_text(response)
    assert not Channel.private_objects.exists()

    response = client.post(staff_url("channel_create"), {
        "link": "@BareHandleGov", "platform": "instagram", "entity": team["entity"].pk,
    })
    assert response.status_code == 302
    assert Channel.private_objects.get().platform == "instagram"


def test_the_entity_is_preselected_when_the_editor_has_one(client, team):
    login(client, team["editor"])
    content = client.get(staff_url("channel_create")).content.decode()
    select = re.search(r'<select name="entity".*?</select>', content, re.S).group(0)
    assert select.count("<option") == 1 and f'value="{team["entity"].pk}" selected' in select
    assert team["other_entity"].name not in select


# --- Bad input: refused with the sentence, what was typed kept, nothing changed --------------------

@pytest.mark.parametrize(("link", "sentence"), [
    ("https://x.com/", "is not a link to an account"),
    ("https://notfacebook.com/UAEGov", "not a social-media platform the register knows"),
    ("https://www.instagram.com/p/C0a1b2c3d4e/", "is to a post or video"),
    ("https://x.com/hashtag/UAE", "is not a link to an account"),
    ("", "This field is required."),
])
def test_a_link_that_is_not_an_account_is_refused_and_kept_in_the_form(client, team, link, sentence):
    login(client, team["editor"])
    response = client.post(staff_url("channel_create"), {
        "link": link, "entity": team["entity"].pk, "display_name": "Typed name", "description": "Typed text",
    })
    assert response.status_code == 400
    text = page_text(response)
    assert sentence in text
    content = response.content.decode()
    assert 'value="Typed name"' in content and re.search(r">\s*Typed text</textarea>", content)
    if link:
        assert f'value="{html.escape(link)}"' in content
    # The error is tied to the link field for screen readers.
    assert re.search(r'<input[^>]*name="link"[^>]*aria-describedby="[^"]*id_link_error', content)
    assert 'id="id_link_error"' in content
    assert not Channel.private_objects.exists()


def test_a_handle_already_registered_names_its_holder_and_links_to_it(client, team):
    holder = approved(team["entity"], team["editor"], team["reviewer"], "https://x.com/TakenHandle")
    login(client, team["editor"])
    response = client.post(staff_url("channel_create"), {
        "link": "twitter.com/takenhandle/", "entity": team["entity"].pk,
    })
    assert response.status_code == 409
    text = page_text(response)
    assert f"already registered to {team['entity'].name} (“Approved”)" in text
    assert "#" not in text.split("already registered")[1].split(".")[0]  # no number the editor cannot open
    assert f'href="{staff_url("channel_detail", holder)}"' in response.content.decode()
    assert Channel.private_objects.count() == 1


def test_a_handle_held_by_another_entity_is_named_but_not_linked(client, team):
    holder = approved(team["other_entity"], team["other_editor"], team["reviewer"], "https://x.com/OtherHeld")
    login(client, team["editor"])
    response = client.post(staff_url("channel_create"),
                           {"link": "https://x.com/otherheld", "entity": team["entity"].pk})
    assert response.status_code == 409
    assert team["other_entity"].name in page_text(response)
    assert staff_url("channel_detail", holder) not in response.content.decode()


def test_an_entity_id_the_editor_does_not_edit_for_is_refused(client, team):
    login(client, team["editor"])
    for tampered in (team["other_entity"].pk, 987654321, "not-a-number"):
        response = client.post(staff_url("channel_create"), {"link": "https://x.com/tampered", "entity": tampered})
        assert response.status_code == 400
        assert "Select a valid choice" in page_text(response)
    assert not Channel.private_objects.exists()


def test_an_official_of_another_entity_is_refused(client, team, make_official):
    stranger = make_official(entity=team["other_entity"])
    login(client, team["editor"])
    response = client.post(staff_url("channel_create"), {
        "link": "https://x.com/wrongofficial", "entity": team["entity"].pk, "official": stranger.pk,
    })
    assert response.status_code == 400
    assert not Channel.private_objects.exists()


def test_a_one_megabyte_description_is_refused_cleanly(client, team):
    login(client, team["editor"])
    response = client.post(staff_url("channel_create"), {
        "link": "https://x.com/verbose", "entity": team["entity"].pk, "description": "x" * 1_000_000,
    })
    assert response.status_code == 400
    assert "at most 2000 characters (it has 1000000)" in page_text(response)
    assert not Channel.private_objects.exists()

    channel = channel_create(**COMPLETE, actor=team["editor"], entity=team["entity"], link="https://x.com/verbose")
    before = snapshot(channel)
    response = client.post(staff_url("channel_edit", channel), {
        "link": channel.canonical_url, "description": "x" * 1_000_000, "version": channel.version,
    })
    assert response.status_code == 400
    assert snapshot(channel) == before


def test_a_reason_is_required_to_retire_and_nothing_changes_without_one(client, team):
    channel = approved(team["entity"], team["editor"], team["reviewer"], "https://x.com/retireme")
    before = snapshot(channel)
    login(client, team["editor"])
    response = client.post(staff_url("channel_action", channel, "retire"),
                           {"reason": "   ", "version": channel.version})
    assert response.status_code == 400
    assert "Give a reason" in page_text(response)
    content = response.content.decode()
    assert re.search(r'<textarea[^>]*name="reason"[^>]*aria-describedby="retire-reason_error"', content)
    assert snapshot(channel) == before

    response = client.post(staff_url("channel_action", channel, "retire"),
                           {"reason": "Merged into @newaccount.", "version": channel.version, "confirm": "True"})
    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.status, channel.retired_reason) == (Status.RETIRED, "Merged into @newaccount.")


def test_a_stale_form_is_refused_and_the_typed_reason_is_shown_again(client, team):
    channel = approved(team["entity"], team["editor"], team["reviewer"], "https://x.com/stalepage")
    opened_version = channel.version
    # While the editor's page is open, a colleague certifies the channel.
    channel_act(actor=team["reviewer"], channel_id=channel.pk, action="certify", two_factor=True)
    before = snapshot(channel)

    login(client, team["editor"])
    typed = "We moved to a new account on 1 May."
    response = client.post(staff_url("channel_action", channel, "retire"), {"reason": typed, "version": opened_version})
    assert response.status_code == 409
    assert "Someone else changed this channel after you opened it" in page_text(response)
    content = response.content.decode()
    assert re.search(rf'<textarea name="reason"[^>]*id="retire-reason">\s*{typed}</textarea>', content)
    assert snapshot(channel) == before


def test_a_stale_edit_keeps_what_was_typed_and_overwrites_nothing(client, team):
    channel = channel_create(**COMPLETE, actor=team["editor"], entity=team["entity"], link="https://x.com/staleedit")
    opened_version = channel.version
    channel_edit(two_factor=True, actor=team["reviewer"], channel_id=channel.pk,
                 display_name="Changed meanwhile")
    login(client, team["editor"])
    response = client.post(staff_url("channel_edit", channel), {
        "link": channel.canonical_url, "display_name": "My typed name", "version": opened_version,
    })
    assert response.status_code == 409
    assert "Someone else changed this channel" in page_text(response)
    assert 'value="My typed name"' in response.content.decode()
    assert Channel.private_objects.get(pk=channel.pk).display_name == "Changed meanwhile"


def test_a_form_without_its_version_is_refused(client, team):
    channel = channel_create(**COMPLETE, actor=team["editor"], entity=team["entity"], link="https://x.com/noversion")
    before = snapshot(channel)
    login(client, team["editor"])
    response = client.post(staff_url("channel_action", channel, "submit"), {})
    assert response.status_code == 400
    assert "out of date or incomplete" in page_text(response)
    assert snapshot(channel) == before


# --- Editing ---------------------------------------------------------------------------------------

def test_editing_a_draft_changes_it_and_the_field_history_shows_old_and_new(client, team):
    channel = channel_create(actor=team["editor"], entity=team["entity"], link="https://x.com/historyme",
                             display_name="Old name")
    login(client, team["editor"])
    form = client.get(staff_url("channel_edit", channel))
    assert form.status_code == 200 and 'value="Old name"' in form.content.decode()
    response = client.post(staff_url("channel_edit", channel), {
        "link": channel.canonical_url, "display_name": "New name", "languages": ["en"], "version": channel.version,
    })
    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.display_name, channel.languages, channel.status) == ("New name", ["en"], Status.DRAFT)

    text = page_text(client.get(staff_url("channel_detail", channel)))
    assert "display name : Old name → New name" in text
    assert "Edit" in text and team["editor"].email in text


def test_editing_an_approved_channel_makes_a_proposal_the_public_does_not_see(client, team):
    channel = approved(team["entity"], team["editor"], team["reviewer"], "https://x.com/proposeme")
    login(client, team["editor"])
    form = client.get(staff_url("channel_edit", channel))
    assert "Your changes will be a proposal that a GCO reviewer must approve" in page_text(form)
    # An approved channel keeps its platform; its link changes only for a rename, as a proposal.
    assert 'name="platform"' not in form.content.decode() and 'name="link"' in form.content.decode()

    response = client.post(staff_url("channel_edit", channel), {
        "display_name": "Proposed name", "description": "Proposed text", "version": channel.version,
        "languages": COMPLETE["languages"],  # left ticked, as the form shows them
    })
    assert response.status_code == 302
    public = Channel.public_objects.get(pk=channel.pk)
    assert (public.display_name, public.description) == (COMPLETE["display_name"], COMPLETE["description"])
    assert public.proposed_changes == {"display_name": "Proposed name", "description": "Proposed text"}

    text = page_text(client.get(staff_url("channel_detail", channel)))
    assert "Changes waiting for a reviewer" in text and "Proposed name" in text
    home = client.get(staff_url("home")).content.decode()
    assert 'data-marker="proposal"' in home


def test_a_renamed_account_is_proposed_through_the_edit_form_on_its_own_platform_only(client, team):
    channel = approved(team["entity"], team["editor"], team["reviewer"], "https://x.com/FormOldName")
    login(client, team["editor"])
    form = {"display_name": COMPLETE["display_name"], "description": COMPLETE["description"],
            "languages": COMPLETE["languages"], "version": channel.version}
    response = client.post(staff_url("channel_edit", channel), {**form, "link": "https://www.instagram.com/formold"})
    assert response.status_code == 400
    assert "An approved channel cannot move to another platform." in page_text(response)
    assert Channel.private_objects.get(pk=channel.pk).proposed_changes == {}

    response = client.post(staff_url("channel_edit", channel), {**form, "link": "FormNewName"})
    assert response.status_code == 302
    channel = Channel.private_objects.get(pk=channel.pk)
    assert channel.proposed_changes == {"handle": "FormNewName", "handle_key": "formnewname",
                                        "canonical_url": "https://x.com/FormNewName"}
    assert Channel.public_objects.get(pk=channel.pk).handle == "FormOldName"
    again = client.get(staff_url("channel_edit", channel)).content.decode()
    assert 'value="https://x.com/FormNewName"' in again  # the form shows the proposal


# --- Who may see and do what -------------------------------------------------------------------------

def test_an_editor_cannot_see_or_act_on_another_entitys_channel(client, team):
    theirs = channel_create(**COMPLETE, actor=team["other_editor"], entity=team["other_entity"], link="https://x.com/notyours")
    before = snapshot(theirs)
    login(client, team["editor"])
    assert client.get(staff_url("channel_detail", theirs)).status_code == 404
    assert client.get(staff_url("channel_edit", theirs)).status_code == 404
    assert theirs.handle not in client.get(staff_url("home")).content.decode()

    # Posting to it is a 404 too, as for an id that does not exist: a 403 would say the channel is there.
    response = client.post(staff_url("channel_action", theirs, "submit"), {"version": theirs.version})
    assert response.status_code == 404
    response = client.post(staff_url("channel_edit", theirs), {
        "link": theirs.canonical_url, "display_name": "Hijacked", "version": theirs.version,
    })
    assert response.status_code == 404
    assert snapshot(theirs) == before
    assert client.get(staff_url("channel_detail", theirs) .replace(str(theirs.pk), "99999999")).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, team):
    channel = channel_create(**COMPLETE, actor=team["editor"], entity=team["entity"], link="https://x.com/anonymous")
    for url in (staff_url("home"), staff_url("channel_create"), staff_url("channel_detail", channel)):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith(reverse("login"))
    response = client.post(staff_url("channel_action", channel, "submit"), {"version": channel.version})
    assert response.status_code == 302 and response.headers["Location"].startswith(reverse("login"))
    assert snapshot(channel)[0] == Status.DRAFT


@pytest.mark.parametrize("action", ["submit", "retire", "flag-compromised", "certify"])
def test_action_urls_answer_405_to_a_get(client, team, action):
    channel = channel_create(**COMPLETE, actor=team["editor"], entity=team["entity"], link="https://x.com/getme")
    login(client, team["editor"])
    response = client.get(staff_url("channel_action", channel, action))
    assert response.status_code == 405
    assert snapshot(channel)[0] == Status.DRAFT


def test_actions_need_the_csrf_token(team):
    from django.test import Client

    channel = channel_create(**COMPLETE, actor=team["editor"], entity=team["entity"], link="https://x.com/csrfme")
    client = login(Client(enforce_csrf_checks=True), team["editor"])
    response = client.post(staff_url("channel_action", channel, "submit"), {"version": channel.version})
    assert response.status_code == 403
    assert snapshot(channel)[0] == Status.DRAFT


def test_an_unknown_action_is_not_a_page(client, team):
    channel = channel_create(**COMPLETE, actor=team["editor"], entity=team["entity"], link="https://x.com/unknownaction")
    login(client, team["editor"])
    for action in ("delete", "approve", "propose", "create"):  # approve is the review area's, not the staff area's
        assert client.post(staff_url("channel_action", channel, action), {"version": 1}).status_code == 404


# --- The staff home page ----------------------------------------------------------------------------

def test_home_lists_the_editors_channels_with_status_followers_and_certification(client, team, make_channel):
    mine = make_channel("https://x.com/minelisted", entity=team["entity"], followers=1_234_567,
                        followers_at=timezone.now(), last_certified_at=timezone.now())
    make_channel("https://x.com/theirslisted", entity=team["other_entity"])
    login(client, team["editor"])
    response = client.get(staff_url("home"))
    text = page_text(response)
    assert "minelisted" in text and "theirslisted" not in text
    assert "1,234,567" in text and "Approved" in text
    assert f'href="{staff_url("channel_detail", mine)}"' in response.content.decode()


def test_reviewers_see_every_entity_and_can_filter_by_one(client, team, make_channel):
    make_channel("https://x.com/firstentity", entity=team["entity"])
    make_channel("https://x.com/secondentity", entity=team["other_entity"])
    login(client, team["reviewer"], second_factor=True)
    text = page_text(client.get(staff_url("home")))
    assert "firstentity" in text and "secondentity" in text
    text = page_text(client.get(staff_url("home"), {"entity": team["other_entity"].pk}))
    assert "firstentity" not in text and "secondentity" in text


def test_the_review_link_shows_only_for_reviewers_and_logout_is_a_post_form(client, team):
    login(client, team["editor"])
    content = client.get(staff_url("home")).content.decode()
    assert reverse("review:queue") not in content
    assert re.search(rf'<form class="logout" method="post" action="{reverse("logout")}">', content)
    login(client, team["reviewer"], second_factor=True)
    assert reverse("review:queue") in client.get(staff_url("home")).content.decode()


def test_the_staff_area_speaks_arabic_right_to_left(client, team):
    login(client, team["editor"])
    content = client.get(staff_url("home", lang="ar")).content.decode()
    assert '<html lang="ar" dir="rtl">' in content
    assert "Log out" not in content


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_home_page_costs_the_same_queries_for_5_or_50_channels(client, team, make_channel, make_official):
    official = make_official(entity=team["entity"])
    login(client, team["editor"])
    for n in range(5):
        make_channel(f"https://x.com/few{n}", entity=team["entity"], official=official)
    client.get(staff_url("home"))  # what every page shows is read once per register version
    with_five = count_queries(client, staff_url("home"))
    for n in range(45):
        make_channel(f"https://x.com/many{n}", entity=team["entity"], official=official,
                     status=[Status.DRAFT, Status.APPROVED, Status.SUBMITTED][n % 3])
    client.get(staff_url("home"))
    assert count_queries(client, staff_url("home") + "?page=2") == with_five
    assert count_queries(client, staff_url("home")) == with_five


def test_the_channel_page_lists_its_events_newest_first_with_who_and_reason(client, team):
    channel = submitted(team["entity"], team["editor"], "https://x.com/eventful")
    channel_act(actor=team["reviewer"], channel_id=channel.pk, action="request_changes",
                reason="Add the English description.", two_factor=True)
    login(client, team["editor"])
    content = client.get(staff_url("channel_detail", channel)).content.decode()
    events = re.search(r'<section class="workflow-history">.*?</section>', content, re.S).group(0)
    text = page_text(client.get(staff_url("channel_detail", channel)))
    assert "Add the English description." in text
    assert "Submitted → Changes requested" in text and team["reviewer"].email in text
    steps = [m.group(1) for m in re.finditer(r"(Registered|Submit for review|Request changes)", events)]
    assert steps[:3] == ["Request changes", "Submit for review", "Registered"]
    assert ChannelEvent.objects.filter(channel=channel).count() == 3
