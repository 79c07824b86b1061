"""The review area as GCO reviewers use it: the queue, the decision page with its warnings and
buttons, alerts and the annual review; and that nobody else gets in."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import ALERT_KINDS_BY_SEVERITY, Alert, AlertKind, Channel, Status
from accounts.services import channel_act, channel_create, channel_edit
from tests.accounts.complete import COMPLETE
from tests.accounts.staff import test_views as staff_tests
from tests.accounts.staff.test_views import approved, login, page_text, snapshot, submitted
from tests.registry.second_factor_steps import PASSWORD, code as app_code, enrolled

team = staff_tests.team  # the fixture, found by pytest under this name

pytestmark = pytest.mark.django_db


def review_url(name: str, channel=None, action: str | None = None, lang: str = "en") -> str:
    args = [channel.pk] if channel is not None else []
    if action:
        args.append(action.replace("_", "-"))
    with translation.override(lang):
        return reverse(f"review:{name}", args=args)


@pytest.fixture
def reviewer_client(team):
    return login(Client(), team["reviewer"], second_factor=True)


def section(response, heading_id: str) -> str:
    content = response.content.decode()
    # The section labelled by the heading, or holding it (a section whose table's scroll box carries the label).
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', content, re.S) or re.search(
        rf'<section[^>]*>(?:(?!</section>).)*?id="{heading_id}".*?</section>', content, re.S)
    return match.group(0) if match else ""


# --- Who gets in -----------------------------------------------------------------------------------

@pytest.mark.parametrize("page", ["queue", "alerts", "annual", "channel"])
def test_editors_and_plain_users_are_refused_with_403(client, team, make_user, page):
    channel = submitted(team["entity"], team["editor"], "https://x.com/guarded")
    url = review_url(page, channel if page == "channel" else None)
    for user in (team["editor"], make_user()):
        login(client, user)
        response = client.get(url)
        assert response.status_code == 403
        assert "Only GCO reviewers can do this." in page_text(response)
        assert channel.handle not in response.content.decode()


@pytest.mark.parametrize("page", ["queue", "alerts", "annual"])
def test_anonymous_visitors_are_sent_to_log_in(client, page):
    response = client.get(review_url(page))
    assert response.status_code == 302 and response.headers["Location"].startswith(reverse("login"))


def test_a_reviewer_without_the_second_factor_is_sent_to_enter_the_code(client, team):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=team["reviewer"], name="phone", confirmed=True)
    login(client, team["reviewer"])  # password only
    response = client.get(review_url("queue"))
    assert response.status_code == 302 and response.headers["Location"].startswith(reverse("two_factor_verify"))


@pytest.mark.parametrize("action", ["approve", "request-changes", "reject", "approve-changes", "reject-changes",
                                    "restore"])
def test_decision_urls_answer_405_to_a_get(reviewer_client, team, action):
    channel = submitted(team["entity"], team["editor"], "https://x.com/getdecide")
    assert reviewer_client.get(review_url("channel_action", channel, action)).status_code == 405
    assert snapshot(channel)[0] == Status.SUBMITTED


def test_staff_actions_are_not_taken_through_the_review_area(reviewer_client, team):
    channel = approved(team["entity"], team["editor"], team["second_reviewer"], "https://x.com/wrongdoor")
    response = reviewer_client.post(review_url("channel_action", channel, "retire"),
                                    {"reason": "x", "version": channel.version})
    assert response.status_code == 404
    assert snapshot(channel)[0] == Status.APPROVED


# --- The queue ---------------------------------------------------------------------------------------

def test_the_queue_lists_submissions_and_proposals_oldest_first_with_their_age(reviewer_client, team, make_official):
    now = timezone.now()
    newer = submitted(team["entity"], team["editor"], "https://x.com/newersub")
    older = submitted(team["other_entity"], team["other_editor"], "https://www.instagram.com/oldersub/")
    proposal = approved(team["entity"], team["editor"], team["second_reviewer"], "https://x.com/proposalsub")
    proposal = channel_edit(actor=team["editor"], channel_id=proposal.pk, description="New words")
    draft = channel_create(**COMPLETE, actor=team["editor"], entity=team["entity"], link="https://x.com/draftsub")
    plain_approved = approved(team["entity"], team["editor"], team["second_reviewer"], "https://x.com/plainappr")
    Channel.private_objects.filter(pk=newer.pk).update(submitted_at=now - timedelta(hours=5))
    Channel.private_objects.filter(pk=older.pk).update(submitted_at=now - timedelta(days=3, hours=1))
    Channel.private_objects.filter(pk=proposal.pk).update(proposed_at=now - timedelta(days=1, hours=2))

    response = reviewer_client.get(review_url("queue"))
    assert response.status_code == 200
    content = response.content.decode()
    rows = re.findall(r'<tr data-channel="(\d+)">(.*?)</tr>', content, re.S)
    assert [int(pk) for pk, _ in rows] == [older.pk, proposal.pk, newer.pk]
    cells = {int(pk): " ".join(re.sub(r"<[^>]+>", " ", row).split()) for pk, row in rows}
    assert cells[older.pk].startswith("3 days New registration")
    assert team["other_entity"].name in cells[older.pk] and "Instagram oldersub" in cells[older.pk]
    assert team["other_editor"].email in cells[older.pk]
    assert cells[proposal.pk].startswith("1 day Proposed changes") and team["editor"].email in cells[proposal.pk]
    assert cells[newer.pk].startswith("5 hours")
    assert str(draft.pk) not in [pk for pk, _ in rows] and str(plain_approved.pk) not in [pk for pk, _ in rows]
    assert f'href="{review_url("channel", older)}"' in content


# --- Landing on the queue, and its counts ------------------------------------------------------------

def _log_in_with_password_and_code(client, user, lang: str, *, with_app: bool):
    """The whole login a person does on the login page (no page sent them there): the password, then,
    with an authenticator app, its code. Returns the last answer."""
    with translation.override(lang):
        login_url, verify_url = reverse("login"), reverse("two_factor_verify")
    device = enrolled(user) if with_app else None
    response = _post(client, login_url, {"username": user.email, "password": PASSWORD})
    if device is None:
        return response
    assert response.status_code == 302 and response.headers["Location"] == verify_url
    return _post(client, verify_url, {"code": app_code(device)})


def _post(client, url, data):
    return client.post(url, data, REMOTE_ADDR="203.0.113.7")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_reviewer_lands_on_the_queue_after_the_code_and_editors_where_they_did(client, team, lang):
    """Issue 16, item 6: a reviewer's login (with the code) opens on the review queue, not on the
    channels of every entity; an editor's still opens on the staff home, with or without an app."""
    with translation.override(lang):
        queue_url, staff_home = reverse("review:queue"), reverse("staff:home")

    landed = _log_in_with_password_and_code(client, team["reviewer"], lang, with_app=True)
    assert landed.status_code == 302 and landed.headers["Location"] == queue_url
    queue = client.get(queue_url)
    assert queue.status_code == 200 and f'<html lang="{lang}"' in queue.content.decode()
    assert 'aria-labelledby="waiting-heading"' in queue.content.decode()

    for editor, with_app in ((team["editor"], True), (team["other_editor"], False)):
        editor_client = Client()
        landed = _log_in_with_password_and_code(editor_client, editor, lang, with_app=with_app)
        assert landed.status_code == 302 and landed.headers["Location"] == staff_home


def test_a_page_that_sent_the_reviewer_to_log_in_still_comes_first(client, team):
    annual = review_url("annual")
    with translation.override("en"):
        login_url, verify_url = reverse("login"), reverse("two_factor_verify")
    device = enrolled(team["reviewer"])
    _post(client, login_url, {"username": team["reviewer"].email, "password": PASSWORD, "next": annual})
    landed = _post(client, verify_url, {"code": app_code(device), "next": annual})
    assert landed.status_code == 302 and landed.headers["Location"] == annual


def _resubmitted(entity, editor, reviewer, link: str) -> Channel:
    channel = submitted(entity, editor, link)
    channel_act(actor=reviewer, channel_id=channel.pk, action="request_changes", reason="Add a description.",
                two_factor=True)
    return channel_act(actor=editor, channel_id=channel.pk, action="submit")


def _open_alert(make_channel, kind: AlertKind, *, resolved: bool = False) -> Alert:
    return Alert.objects.create(channel=make_channel(), kind=kind, details={},
                                resolved_at=timezone.now() if resolved else None,
                                resolution_note="Checked." if resolved else "")


def counts_shown(response) -> dict[str, str]:
    content = response.content.decode()
    return {name: " ".join(re.sub(r"<[^>]+>", "", text).split())
            for name, text in re.findall(r'<li data-count="(\w+)">(.*?)</li>', content, re.S)}


def alert_kinds_shown(response) -> list[tuple[str, str]]:
    content = response.content.decode()
    return [(kind, " ".join(re.sub(r"<[^>]+>", "", text).split()))
            for kind, text in re.findall(r'<li data-kind="(\w+)">(.*?)</li>', content, re.S)]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_queue_counts_new_resubmitted_and_proposed_and_open_alerts_most_serious_first(
    reviewer_client, team, make_channel, lang
):
    submitted(team["entity"], team["editor"], "https://x.com/countnew1")
    submitted(team["other_entity"], team["other_editor"], "https://x.com/countnew2")
    resubmission = _resubmitted(team["entity"], team["editor"], team["second_reviewer"], "https://x.com/countagain")
    proposal = approved(team["entity"], team["editor"], team["second_reviewer"], "https://x.com/countprop")
    channel_edit(actor=team["editor"], channel_id=proposal.pk, description="New words")
    sent_back = submitted(team["entity"], team["editor"], "https://x.com/countback")  # with the editor: not counted
    channel_act(actor=team["second_reviewer"], channel_id=sent_back.pk, action="request_changes", reason="Fix.",
                two_factor=True)
    for kind in (AlertKind.REFRESH_FAILING, AlertKind.FOLLOWER_DROP, AlertKind.ID_CHANGED, AlertKind.REFRESH_FAILING,
                 AlertKind.SUSPENDED):
        _open_alert(make_channel, kind)
    _open_alert(make_channel, AlertKind.RENAMED, resolved=True)  # resolved: not counted

    response = reviewer_client.get(review_url("queue", lang=lang))
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.content.decode()
    with translation.override(lang):
        expected = {
            "new": translation.ngettext("%(counter)s new registration", "%(counter)s new registrations", 2)
            % {"counter": 2},
            "resubmitted": translation.ngettext(
                "%(counter)s registration resubmitted after changes were requested",
                "%(counter)s registrations resubmitted after changes were requested", 1) % {"counter": 1},
            "proposals": translation.ngettext(
                "%(counter)s official channel with proposed changes",
                "%(counter)s official channels with proposed changes", 1) % {"counter": 1},
        }
        labels = {kind: str(kind.label) for kind in AlertKind}
    assert counts_shown(response) == expected
    assert alert_kinds_shown(response) == [
        ("id_changed", f"{labels[AlertKind.ID_CHANGED]}: 1"),
        ("suspended", f"{labels[AlertKind.SUSPENDED]}: 1"),
        ("follower_drop", f"{labels[AlertKind.FOLLOWER_DROP]}: 1"),
        ("refresh_failing", f"{labels[AlertKind.REFRESH_FAILING]}: 2"),
    ]
    content = response.content.decode()
    with translation.override(lang):
        assert f'href="{reverse("review:alerts")}?kind=id_changed"' in content
    row = re.search(rf'<tr data-channel="{resubmission.pk}">(.*?)</tr>', content, re.S).group(1)
    with translation.override(lang):
        assert translation.gettext("Resubmitted after changes were requested") in row
    if lang == "en":
        assert counts_shown(response)["new"] == "2 new registrations"


def test_an_empty_queue_says_so_in_its_counts(reviewer_client):
    response = reviewer_client.get(review_url("queue"))
    assert counts_shown(response) == {
        "new": "0 new registrations",
        "resubmitted": "0 registrations resubmitted after changes were requested",
        "proposals": "0 official channels with proposed changes",
    }
    assert alert_kinds_shown(response) == [] and "No open alerts." in page_text(response)


def test_every_alert_kind_has_its_place_in_the_order_of_severity():
    assert sorted(ALERT_KINDS_BY_SEVERITY) == sorted(AlertKind) and len(set(ALERT_KINDS_BY_SEVERITY)) == len(AlertKind)
    assert ALERT_KINDS_BY_SEVERITY[0] == AlertKind.ID_CHANGED  # a possible hijack, the public still told "official"
    assert ALERT_KINDS_BY_SEVERITY[-1] == AlertKind.REFRESH_FAILING


def _waiting_work(team, make_channel, n: int, tag: str) -> None:
    """`n` of each: new registrations, resubmissions, proposals and open alerts of every kind."""
    for i in range(n):
        submitted(team["entity"], team["editor"], f"https://x.com/{tag}new{i}")
        _resubmitted(team["other_entity"], team["other_editor"], team["second_reviewer"], f"https://x.com/{tag}re{i}")
        proposal = approved(team["entity"], team["editor"], team["second_reviewer"], f"https://x.com/{tag}pr{i}")
        channel_edit(actor=team["editor"], channel_id=proposal.pk, description=f"New words {i}")
    for kind in AlertKind:
        for _ in range(n):
            _open_alert(make_channel, kind)


def test_the_queue_and_its_counts_cost_the_same_queries_for_3_and_15_of_everything(reviewer_client, team, make_channel):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert reviewer_client.get(review_url("queue")).status_code == 200
        return len(captured)

    _waiting_work(team, make_channel, 1, "few")
    reviewer_client.get(review_url("queue"))  # what every page shows is read once per register version
    few = queries()
    _waiting_work(team, make_channel, 4, "many")
    reviewer_client.get(review_url("queue"))
    assert counts_shown(reviewer_client.get(review_url("queue")))["new"] == "5 new registrations"
    assert queries() == few


# --- The decision page ---------------------------------------------------------------------------------

def test_another_reviewer_approves_from_the_decision_page(reviewer_client, team):
    channel = submitted(team["entity"], team["editor"], "https://x.com/decideme")
    page = reviewer_client.get(review_url("channel", channel))
    decision = section(page, "decision-heading")
    for label in ("Approve", "Request changes", "Reject"):
        assert f">{label}</button>" in decision
    assert " disabled" not in decision
    assert f'name="version" value="{channel.version}"' in decision

    response = reviewer_client.post(review_url("channel_action", channel, "approve"), {"version": channel.version})
    assert response.status_code == 302 and response.headers["Location"] == review_url("channel", channel)
    assert Channel.public_objects.get(pk=channel.pk).status == Status.APPROVED
    assert "Approved: the channel is now official." in page_text(reviewer_client.get(response.headers["Location"]))


def test_the_reviewer_who_submitted_it_sees_the_buttons_disabled_and_is_refused(team):
    maker = team["reviewer"]
    channel = channel_create(**COMPLETE, two_factor=True, actor=maker, entity=team["entity"], link="https://x.com/ownwork")
    channel = channel_act(actor=maker, channel_id=channel.pk, action="submit", two_factor=True)
    client = login(Client(), maker, second_factor=True)

    decision = section(client.get(review_url("channel", channel)), "decision-heading")
    assert decision.count("<button type=\"button\" class=\"button\" disabled") == 3 and "<form" not in decision
    assert "You made or edited this submission, so another reviewer must decide it." in decision

    before = snapshot(channel)
    response = client.post(review_url("channel_action", channel, "approve"), {"version": channel.version})
    assert response.status_code == 403
    assert "another reviewer must decide it" in page_text(response)
    assert snapshot(channel) == before


def test_the_decision_page_shows_the_proposal_field_by_field(reviewer_client, team, make_official):
    official = make_official(entity=team["entity"], name_en="Minister Test")
    channel = approved(team["entity"], team["editor"], team["second_reviewer"], "https://x.com/diffme")
    channel_edit(actor=team["editor"], channel_id=channel.pk, description="Proposed words", official=official)
    page = reviewer_client.get(review_url("channel", channel))
    diff = page.content.decode()
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td class="old" dir="auto">(.*?)</td>'
                      r'<td class="new" dir="auto">(.*?)</td></tr>', diff, re.S)
    assert ("description", COMPLETE["description"], "Proposed words") in rows
    assert ("official", "—", "Minister Test") in rows
    decision = section(page, "decision-heading")
    assert ">Approve changes</button>" in decision and ">Reject changes</button>" in decision

    response = reviewer_client.post(review_url("channel_action", channel, "reject_changes"),
                                    {"reason": "", "version": channel.version + 1})
    assert response.status_code == 400 and "Give a reason" in page_text(response)
    response = reviewer_client.post(review_url("channel_action", channel, "approve_changes"),
                                    {"version": Channel.private_objects.get(pk=channel.pk).version})
    assert response.status_code == 302
    assert Channel.public_objects.get(pk=channel.pk).description == "Proposed words"


def test_a_missing_reason_is_refused_and_nothing_changes(reviewer_client, team):
    channel = submitted(team["entity"], team["editor"], "https://x.com/noreason")
    before = snapshot(channel)
    response = reviewer_client.post(review_url("channel_action", channel, "reject"),
                                    {"reason": "", "version": channel.version})
    assert response.status_code == 400
    assert "Give a reason: it is kept in the channel's history." in page_text(response)
    assert 'aria-describedby="reject-reason_error"' in response.content.decode()
    assert snapshot(channel) == before


def test_of_two_reviewers_deciding_at_once_the_second_reads_already_decided_with_their_reason(team):
    channel = submitted(team["entity"], team["editor"], "https://x.com/raced")
    first = login(Client(), team["reviewer"], second_factor=True)
    second = login(Client(), team["second_reviewer"], second_factor=True)
    version_both_saw = channel.version

    response = first.post(review_url("channel_action", channel, "approve"), {"version": version_both_saw})
    assert response.status_code == 302
    typed = "The handle belongs to a private person."
    response = second.post(review_url("channel_action", channel, "reject"),
                           {"reason": typed, "version": version_both_saw})
    assert response.status_code == 409
    text = page_text(response)
    assert "This submission has already been decided: the channel is now “Approved”." in text
    assert typed in text  # what they typed is not lost
    assert "Decision" in text  # the decision page itself, not an error page
    channel.refresh_from_db()
    assert channel.status == Status.APPROVED and channel.decided_by == team["reviewer"]
    assert channel.events.filter(action__in=["approve", "reject"]).count() == 1


def test_lookalike_and_earlier_registrations_are_flagged_with_links(reviewer_client, team):
    live = approved(team["other_entity"], team["other_editor"], team["second_reviewer"], "https://x.com/MOFAUAE")
    earlier = approved(team["other_entity"], team["other_editor"], team["second_reviewer"], "https://x.com/oldhandle")
    earlier = channel_act(actor=team["other_editor"], channel_id=earlier.pk, action="retire", reason="Moved.")
    rejected = submitted(team["entity"], team["editor"], "https://x.com/oldhandle")
    rejected = channel_act(actor=team["reviewer"], channel_id=rejected.pk, action="reject", reason="No.",
                           two_factor=True)

    imitation = submitted(team["entity"], team["editor"], "https://x.com/M0FAUAE")
    warnings = section(reviewer_client.get(review_url("channel", imitation)), "warnings-heading")
    assert f'href="{review_url("channel", live)}"' in warnings and "MOFAUAE" in warnings
    assert team["other_entity"].name in warnings

    again = submitted(team["entity"], team["editor"], "https://twitter.com/OldHandle")
    page = reviewer_client.get(review_url("channel", again))
    warnings = section(page, "warnings-heading")
    text = " ".join(re.sub(r"<[^>]+>", " ", warnings).split())
    assert f"registered before by {team['other_entity'].name} (registration #{earlier.pk}), retired on" in text
    assert f"registered before by {team['entity'].name} (registration #{rejected.pk}), rejected on" in text
    assert f'href="{review_url("channel", earlier)}"' in warnings
    assert f'href="{review_url("channel", rejected)}"' in warnings

    clean = submitted(team["entity"], team["editor"], "https://www.youtube.com/@NothingLikeIt")
    assert section(reviewer_client.get(review_url("channel", clean)), "warnings-heading") == ""


# --- Alerts ----------------------------------------------------------------------------------------------

def test_open_alerts_oldest_first_and_resolved_ones_on_request(reviewer_client, team, make_channel):
    now = timezone.now()
    first = make_channel("https://x.com/alertone", entity=team["entity"])
    second = make_channel("https://x.com/alerttwo", entity=team["other_entity"])
    newer = Alert.objects.create(channel=first, kind=Alert.Kind.FOLLOWER_DROP, opened_at=now - timedelta(hours=2))
    older = Alert.objects.create(channel=second, kind=Alert.Kind.NOT_FOUND, opened_at=now - timedelta(days=2))
    resolved = Alert.objects.create(channel=first, kind=Alert.Kind.RENAMED, opened_at=now - timedelta(days=9),
                                    resolved_at=now - timedelta(days=1), resolved_by=team["reviewer"],
                                    resolution_note="Renamed by the ministry itself.")

    content = reviewer_client.get(review_url("alerts")).content.decode()
    assert [int(pk) for pk in re.findall(r'<tr data-alert="(\d+)">', content)] == [older.pk, newer.pk]
    assert "Account not found on the platform" in content and team["other_entity"].name in content
    assert f'href="{review_url("channel", second)}"' in content

    content = reviewer_client.get(review_url("alerts"), {"state": "resolved"}).content.decode()
    assert [int(pk) for pk in re.findall(r'<tr data-alert="(\d+)">', content)] == [resolved.pk]
    assert "Renamed by the ministry itself." in content and team["reviewer"].email in content

    content = reviewer_client.get(review_url("alerts"), {"state": "all"}).content.decode()
    assert len(re.findall(r'<tr data-alert="(\d+)">', content)) == 3


# --- The annual review -----------------------------------------------------------------------------------

def section_of(content: str, entity) -> str:
    match = re.search(rf'<section class="annual-entity" data-entity="{entity.pk}".*?</section>', content, re.S)
    return match.group(0) if match else ""


def test_the_annual_review_lists_overdue_channels_oldest_first_with_their_editors(reviewer_client, team, make_channel,
                                                                                  make_user):
    now = timezone.now()
    second_editor = make_user(editor_of=team["entity"])
    make_user(editor_of=team["entity"], is_active=False, email="gone@gco.example")
    overdue = make_channel("https://x.com/overdueone", entity=team["entity"],
                           last_certified_at=now - timedelta(days=400))
    older = make_channel("https://x.com/overduetwo", entity=team["other_entity"], approved_at=now - timedelta(days=800),
                         last_certified_at=None)
    make_channel("https://x.com/currentone", entity=team["entity"], last_certified_at=now - timedelta(days=100))

    content = reviewer_client.get(review_url("annual")).content.decode()
    rows = re.findall(r'<tr data-channel="(\d+)">(.*?)</tr>', content, re.S)
    assert [int(pk) for pk, _ in rows] == [older.pk, overdue.pk]
    ours = section_of(content, team["entity"])
    assert f'<tr data-channel="{overdue.pk}">' in ours
    assert team["editor"].email in ours and second_editor.email in ours
    assert "gone@gco.example" not in ours and team["other_editor"].email not in ours
    assert team["entity"].name in ours
    assert "currentone" not in content


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_page_renders_in_both_languages(team, make_channel, make_official, lang):
    staff_url = staff_tests.staff_url
    official = make_official(entity=team["entity"])
    channel = approved(team["entity"], team["editor"], team["second_reviewer"], "https://x.com/bilingual")
    channel_edit(actor=team["editor"], channel_id=channel.pk, official=official, languages=["ar", "en"],
                 description="وصف جديد")
    Alert.objects.create(channel=channel, kind=Alert.Kind.RENAMED)
    make_channel("https://x.com/annualdue", entity=team["entity"],
                 last_certified_at=timezone.now() - timedelta(days=400))
    editor = login(Client(), team["editor"])
    reviewer = login(Client(), team["reviewer"], second_factor=True)
    pages = [
        (editor, staff_url("home", lang=lang)), (editor, staff_url("channel_create", lang=lang)),
        (editor, staff_url("channel_detail", channel, lang=lang)),
        (editor, staff_url("channel_edit", channel, lang=lang)),
        (reviewer, review_url("queue", lang=lang)), (reviewer, review_url("channel", channel, lang=lang)),
        (reviewer, review_url("alerts", lang=lang)), (reviewer, review_url("annual", lang=lang)),
    ]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in content
        assert "css/staff.css" in content.split("</head>")[0]
        # Every form field has a label; every table header cell says what it heads.
        for field_id in re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', content):
            if f'id="{field_id}"' in content and 'type="hidden"' not in re.search(
                    rf'<[^>]*id="{field_id}"[^>]*>', content).group(0):
                assert f'for="{field_id}"' in content, (url, field_id)
        assert "<th>" not in content, url


@pytest.mark.django_db(transaction=True)
def test_reviewers_pressing_at_the_same_moment_get_one_decision_and_clear_answers(make_entity, make_user):
    import threading

    from django.db import close_old_connections

    entity = make_entity()
    editor = make_user(editor_of=entity)
    channel = submitted(entity, editor, "https://x.com/samemoment")
    clients = [login(Client(), make_user(reviewer=True), second_factor=True) for _ in range(6)]
    actions = ["approve", "reject", "request-changes"]
    start = threading.Barrier(len(clients))
    answers: list[tuple[int, str]] = []

    def press(client, action):
        try:
            start.wait()
            response = client.post(review_url("channel_action", channel, action),
                                   {"reason": "Decided.", "version": channel.version})
            answers.append((response.status_code, page_text(response) if response.status_code != 302 else ""))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=press, args=(c, actions[i % 3])) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(code for code, _ in answers) == [302] + [409] * 5
    for code, text in answers:
        if code == 409:
            assert "This submission has already been decided" in text and "Decision" in text
    assert Channel.private_objects.get(pk=channel.pk).events.filter(
        action__in=["approve", "reject", "request_changes"]).count() == 1
