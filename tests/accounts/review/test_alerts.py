"""Alerts: resolving one (the service), the review area's list and resolve form, the API, and the
daily digest to reviewers. Every refusal is checked to leave the alert as it was."""
from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import ALERT_KINDS_BY_SEVERITY, Alert, AlertKind, Channel, ChannelEvent, Status
from accounts.review.alerts import describe
from accounts.services import resolve_alert
from accounts.tasks.alerts import send_alert_digest
from registry.direction import without_isolates
from registry.errors import RegistryError
from tests.accounts.api.test_channels import assert_error, session_client, token_client
from tests.accounts.staff.test_views import login, page_text

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"
# What the follower refresh (accounts/monitoring/refresh.py) writes for each kind.
DETAILS = {
    AlertKind.NOT_FOUND: {"handle": "GoneGov", "detail": "HTTP 404"},
    AlertKind.SUSPENDED: {"handle": "HushGov", "detail": ""},
    AlertKind.RENAMED: {"registered_handle": "OldNameGov", "handle_now": "NewNameGov"},
    AlertKind.ID_CHANGED: {"handle": "SameGov", "registered_id": "1111", "id_now": "2222"},
    AlertKind.FOLLOWER_DROP: {"previous": 120000, "now": 80000, "share": 0.333},
    AlertKind.REFRESH_FAILING: {"since": "2025-03-01T06:00:00+00:00", "last_error": "rate_limited", "detail": "429"},
    AlertKind.DORMANT: {"last_post_at": "2025-01-05T00:00:00+00:00", "days": 120, "source": "api"},
}


@pytest.fixture
def people(make_entity, make_user):
    entity = make_entity()
    return {
        "entity": entity,
        "editor": make_user(editor_of=entity),
        "reviewer": make_user(reviewer=True),
        "second_reviewer": make_user(reviewer=True),
        "plain": make_user(),
    }


@pytest.fixture
def open_alert(people, make_channel):
    channel = make_channel("https://x.com/watchedgov", entity=people["entity"])
    return Alert.objects.create(channel=channel, kind=AlertKind.RENAMED, details=DETAILS[AlertKind.RENAMED])


def state(alert: Alert) -> tuple:
    alert = Alert.objects.get(pk=alert.pk)
    return alert.resolved_at, alert.resolved_by_id, alert.resolution_note


OPEN = (None, None, "")


def alerts_url(lang: str = "en", **query) -> str:
    with translation.override(lang):
        url = reverse("review:alerts")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def resolve_url(alert, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse("review:alert_resolve", args=[alert.pk])


def rows(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-alert="(\d+)">', response.content.decode())]


# --- The service ---------------------------------------------------------------------------------

def test_a_reviewer_resolves_an_open_alert_with_a_note(people, open_alert):
    before = timezone.now()
    alert = resolve_alert(user=people["reviewer"], alert_id=open_alert.pk, note="  The ministry renamed it.  ",
                          two_factor=True)
    resolved_at, resolved_by, note = state(open_alert)
    assert (resolved_by, note) == (people["reviewer"].pk, "The ministry renamed it.")
    assert before <= resolved_at <= timezone.now() and alert.resolved_at == resolved_at
    assert not Alert.objects.get(pk=open_alert.pk).is_open


@pytest.mark.parametrize(("who", "two_factor", "note", "code"), [
    ("editor", True, "A note.", "forbidden"),
    ("plain", True, "A note.", "forbidden"),
    ("anonymous", True, "A note.", "forbidden"),
    ("reviewer", False, "A note.", "second_factor_required"),
    ("reviewer", True, "", "note_required"),
    ("reviewer", True, " \n\t ", "note_required"),
    ("reviewer", True, "x" * 2001, "too_long"),
])
def test_refusals_change_nothing(people, open_alert, who, two_factor, note, code):
    user = AnonymousUser() if who == "anonymous" else people[who]
    with pytest.raises(RegistryError) as refused:
        resolve_alert(user=user, alert_id=open_alert.pk, note=note, two_factor=two_factor)
    assert refused.value.code == code and refused.value.message
    assert state(open_alert) == OPEN


def test_an_already_resolved_alert_is_a_conflict_and_keeps_the_first_note(people, open_alert):
    resolve_alert(user=people["reviewer"], alert_id=open_alert.pk, note="First look.", two_factor=True)
    first = state(open_alert)
    with pytest.raises(RegistryError) as refused:
        resolve_alert(user=people["second_reviewer"], alert_id=open_alert.pk, note="Second look.", two_factor=True)
    assert (refused.value.code, refused.value.http_status) == ("already_resolved", 409)
    assert state(open_alert) == first


def test_an_alert_that_does_not_exist_is_not_found(people):
    with pytest.raises(RegistryError) as refused:
        resolve_alert(user=people["reviewer"], alert_id=999999, note="Note.", two_factor=True)
    assert (refused.value.code, refused.value.http_status) == ("not_found", 404)


@pytest.mark.django_db(transaction=True)
def test_reviewers_resolving_one_alert_at_once_keep_exactly_one_note(make_channel, make_user):
    reviewers = [make_user(reviewer=True) for _ in range(8)]
    alert = Alert.objects.create(channel=make_channel("https://x.com/contestedalert"), kind=AlertKind.NOT_FOUND)
    start = threading.Barrier(len(reviewers))
    outcomes: list[str] = []

    def resolve(reviewer):
        try:
            start.wait()
            resolve_alert(user=reviewer, alert_id=alert.pk, note=f"Seen by {reviewer.email}.", two_factor=True)
            outcomes.append("ok")
        except RegistryError as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()  # this thread's own connection: none left open for the teardown

    threads = [threading.Thread(target=resolve, args=(reviewer,)) for reviewer in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already_resolved"] * 7 + ["ok"]
    resolved = Alert.objects.select_related("resolved_by").get(pk=alert.pk)
    assert resolved.resolution_note == f"Seen by {resolved.resolved_by.email}."


# --- Details in words ------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "expected"), [
    (AlertKind.NOT_FOUND, "GoneGov is not found on the platform (HTTP 404)"),
    (AlertKind.SUSPENDED, "HushGov is suspended on the platform"),
    (AlertKind.RENAMED, "OldNameGov → NewNameGov"),
    (AlertKind.ID_CHANGED, "SameGov: id 1111 → 2222"),
    (AlertKind.FOLLOWER_DROP, "120,000 → 80,000 followers (−33%)"),
    (AlertKind.REFRESH_FAILING, "Failing since March 1, 2025, 10 a.m.: Rate limited (429)"),
    (AlertKind.DORMANT, "No post since Jan. 5, 2025 (120 days)"),
])
def test_each_kind_reads_as_a_sentence(make_channel, kind, expected):
    alert = Alert(channel=make_channel(), kind=kind, details=DETAILS[kind])
    with translation.override("en"):
        assert without_isolates(describe(alert)) == expected  # the values' isolates: tests/registry/test_direction.py


def test_missing_details_read_as_a_dash_not_an_error(make_channel):
    with translation.override("en"):
        assert describe(Alert(channel=make_channel(), kind=AlertKind.RENAMED, details={})) == "— → —"
        assert without_isolates(describe(Alert(channel=make_channel(), kind=AlertKind.FOLLOWER_DROP,
                                               details={"previous": 200, "now": 50}))) == "200 → 50 followers (−75%)"
        assert describe(Alert(channel=make_channel(), kind=AlertKind.REFRESH_FAILING, details=[])) == \
            "Failing since —: —"
        assert describe(Alert(channel=make_channel(), kind=AlertKind.DORMANT, details={})) == "No post since —"
        assert describe(Alert(channel=make_channel(), kind=AlertKind.DORMANT, details={
            "last_post_at": "2025-01-05", "days": 1, "source": "reported"})) == \
            "No post since Jan. 5, 2025 (1 day) · reported by the entity"


# --- The review area's list ----------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_log_in(client, open_alert):
    for response in (client.get(alerts_url()), client.post(resolve_url(open_alert), {"note": "x"})):
        assert response.status_code == 302 and response.headers["Location"].startswith(reverse("login"))
    assert state(open_alert) == OPEN


@pytest.mark.parametrize("who", ["editor", "plain"])
def test_editors_and_plain_users_are_refused_with_403(client, people, open_alert, who):
    login(client, people[who])
    response = client.get(alerts_url())
    assert response.status_code == 403 and "Only GCO reviewers can do this." in page_text(response)
    assert "watchedgov" not in response.content.decode()
    response = client.post(resolve_url(open_alert), {"note": "Not mine to close."})
    assert response.status_code == 403
    assert state(open_alert) == OPEN


@pytest.mark.parametrize(("enrolled", "step"), [(True, "two_factor_verify"), (False, "two_factor_setup")])
def test_a_reviewer_without_the_second_factor_is_sent_to_that_step(client, people, open_alert, enrolled, step):
    if enrolled:
        TOTPDevice.objects.create(user=people["reviewer"], name="phone", confirmed=True)
    login(client, people["reviewer"])  # password only
    for response in (client.get(alerts_url()), client.post(resolve_url(open_alert), {"note": "Seen."})):
        assert response.status_code == 302 and response.headers["Location"].startswith(reverse(step))
    assert state(open_alert) == OPEN


@pytest.fixture
def reviewer_client(people):
    return login(Client(), people["reviewer"], second_factor=True)


@pytest.fixture
def listed(people, make_channel, make_official):
    """Alerts of several kinds on two channels (one an official's), one of them resolved."""
    now = timezone.now()
    official = make_official(entity=people["entity"], name_en="Minister Test")
    own = make_channel("https://x.com/ownlisted", entity=people["entity"])
    ministers = make_channel("https://x.com/ministerlisted", entity=people["entity"], official=official)

    def alert(channel, kind, hours_ago, **fields):
        return Alert.objects.create(channel=channel, kind=kind, details=DETAILS[kind],
                                    opened_at=now - timedelta(hours=hours_ago), **fields)

    return {
        "own": own, "ministers": ministers,
        "renamed": alert(own, AlertKind.RENAMED, 30),
        "drop": alert(ministers, AlertKind.FOLLOWER_DROP, 2),
        "id": alert(own, AlertKind.ID_CHANGED, 50),
        "resolved": alert(ministers, AlertKind.NOT_FOUND, 200, resolved_at=now - timedelta(hours=1),
                          resolved_by=people["second_reviewer"], resolution_note="It came back."),
    }


def test_the_list_shows_each_open_alert_with_its_channel_owner_kind_and_details(reviewer_client, people, listed):
    response = reviewer_client.get(alerts_url())
    assert response.status_code == 200
    assert rows(response) == [listed["id"].pk, listed["renamed"].pk, listed["drop"].pk]  # the longest open first
    content = response.content.decode()
    cells = {int(pk): " ".join(re.sub(r"<[^>]+>", " ", without_isolates(row)).split())
             for pk, row in re.findall(r'<tr data-alert="(\d+)">(.*?)</tr>', content, re.S)}
    renamed, drop, changed = cells[listed["renamed"].pk], cells[listed["drop"].pk], cells[listed["id"].pk]
    assert "ownlisted" in renamed and people["entity"].name in renamed
    assert "Handle renamed" in renamed and "OldNameGov → NewNameGov" in renamed
    assert "Followers dropped sharply" in drop and "120,000 → 80,000 followers (−33%)" in drop
    assert "Minister Test" in drop
    assert "SameGov: id 1111 → 2222" in changed
    for key in ("renamed", "drop", "id"):
        channel_url = reverse("review:channel", args=[listed[key].channel_id])
        assert f'href="{channel_url}"' in content
        assert f'action="{resolve_url(listed[key])}?state=open"' in content
    assert 'for="note-{}"'.format(listed["renamed"].pk) in content


def test_filters_by_state_and_kind(reviewer_client, listed):
    assert rows(reviewer_client.get(alerts_url(state="resolved"))) == [listed["resolved"].pk]
    content = reviewer_client.get(alerts_url(state="resolved")).content.decode()
    assert "It came back." in content and 'name="note"' not in content  # nothing left to resolve
    # All: the open ones first, then the resolved.
    assert rows(reviewer_client.get(alerts_url(state="all"))) == [
        listed["id"].pk, listed["renamed"].pk, listed["drop"].pk, listed["resolved"].pk,
    ]
    assert rows(reviewer_client.get(alerts_url(kind="follower_drop"))) == [listed["drop"].pk]
    assert rows(reviewer_client.get(alerts_url(state="all", kind="not_found"))) == [listed["resolved"].pk]
    assert rows(reviewer_client.get(alerts_url(kind="not_found"))) == []
    # Unknown values read as no filter, never an error page.
    assert len(rows(reviewer_client.get(alerts_url(state="bogus", kind="bogus")))) == 3


def test_resolving_from_the_list_keeps_the_filters_and_drops_the_row(reviewer_client, people, listed):
    response = reviewer_client.post(f"{resolve_url(listed['drop'])}?state=open&kind=follower_drop",
                                     {"note": "Bots purged by the platform."})
    assert response.status_code == 302
    assert response.headers["Location"] == alerts_url(state="open", kind="follower_drop")
    resolved_at, resolved_by, note = state(listed["drop"])
    assert resolved_at is not None and (resolved_by, note) == (people["reviewer"].pk, "Bots purged by the platform.")
    page = reviewer_client.get(response.headers["Location"])
    assert "Alert resolved." in page_text(page) and rows(page) == []


def test_a_resolve_without_a_note_is_refused_beside_the_row(reviewer_client, listed):
    response = reviewer_client.post(resolve_url(listed["renamed"]), {"note": "   "})
    assert response.status_code == 400
    content = response.content.decode()
    assert 'data-error-code="note_required"' in content
    assert f'id="note-{listed["renamed"].pk}-error"' in content
    assert listed["renamed"].pk in rows(response)
    assert state(listed["renamed"]) == OPEN


def test_resolving_what_someone_else_just_resolved_is_409_and_keeps_what_was_typed(reviewer_client, people, listed):
    resolve_alert(user=people["second_reviewer"], alert_id=listed["renamed"].pk, note="Done first.",
                  two_factor=True)
    first = state(listed["renamed"])
    response = reviewer_client.post(resolve_url(listed["renamed"]), {"note": "My own findings."})
    assert response.status_code == 409
    assert 'data-error-code="already_resolved"' in response.content.decode()
    assert "My own findings." in page_text(response)
    assert state(listed["renamed"]) == first


def test_resolving_an_alert_that_does_not_exist_is_404(reviewer_client):
    assert reviewer_client.post(reverse("review:alert_resolve", args=[999999]), {"note": "x"}).status_code == 404


def test_resolve_is_post_only(reviewer_client, open_alert):
    assert reviewer_client.get(resolve_url(open_alert)).status_code == 405
    assert state(open_alert) == OPEN


def _alerts_on_new_channels(make_channel, count: int, make_official, entity) -> None:
    official = make_official(entity=entity)
    for n in range(count):
        channel = make_channel(f"https://x.com/many{n}x{count}", entity=entity, official=official if n % 2 else None)
        kind = list(AlertKind)[n % len(AlertKind)]
        Alert.objects.create(channel=channel, kind=kind, details=DETAILS[kind],
                             resolved_at=timezone.now() if n % 3 == 0 else None,
                             resolution_note="Checked." if n % 3 == 0 else "")


@pytest.mark.parametrize("state_shown", ["open", "all"])
def test_a_page_of_50_costs_the_same_queries_as_one_of_5(reviewer_client, people, make_channel, make_official,
                                                         make_entity, state_shown):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert reviewer_client.get(alerts_url(state=state_shown)).status_code == 200
        return len(captured)

    _alerts_on_new_channels(make_channel, 5, make_official, people["entity"])
    reviewer_client.get(alerts_url(state=state_shown))  # what every page shows is read once per register version
    few = queries()
    _alerts_on_new_channels(make_channel, 45, make_official, make_entity())
    assert len(rows(reviewer_client.get(alerts_url(state="all")))) == 50
    assert queries() == few


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_list_renders_in_both_languages_with_the_navigation_link(reviewer_client, listed, lang):
    response = reviewer_client.get(alerts_url(lang, state="all"))
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<html lang="{lang}"' in content
    assert f'href="{alerts_url(lang)}" aria-current="page"' in content  # in the area's navigation
    assert len(rows(response)) == 4


# --- Severity and actions from the list ---------------------------------------------------------


@pytest.fixture
def by_severity(people, make_channel):
    """One open alert of every kind, opened least serious first, plus an older second follower drop
    and a resolved id change: open ones must come out by severity, then oldest first."""
    channel = make_channel("https://x.com/severitygov", entity=people["entity"])
    now = timezone.now()
    made = {}
    for hours, kind in enumerate(reversed(ALERT_KINDS_BY_SEVERITY)):
        made[kind] = Alert.objects.create(channel=channel, kind=kind, details=DETAILS[kind],
                                          opened_at=now - timedelta(hours=hours))
    other = make_channel("https://x.com/severityother", entity=people["entity"])  # one open alert per kind
    made["old_drop"] = Alert.objects.create(channel=other, kind=AlertKind.FOLLOWER_DROP,
                                            details=DETAILS[AlertKind.FOLLOWER_DROP],
                                            opened_at=now - timedelta(days=30))
    made["resolved"] = Alert.objects.create(channel=channel, kind=AlertKind.ID_CHANGED,
                                            details=DETAILS[AlertKind.ID_CHANGED], opened_at=now - timedelta(days=60),
                                            resolved_at=now, resolved_by=people["reviewer"], resolution_note="Ok.")
    return made


def _expected_open(made) -> list[int]:
    order = []
    for kind in ALERT_KINDS_BY_SEVERITY:
        if kind == AlertKind.FOLLOWER_DROP:
            order.append(made["old_drop"].pk)  # the longest waiting first within a kind
        order.append(made[kind].pk)
    return order


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_open_alerts_come_by_severity_then_oldest_and_resolved_after(reviewer_client, by_severity, lang):
    assert rows(reviewer_client.get(alerts_url(lang))) == _expected_open(by_severity)
    assert rows(reviewer_client.get(alerts_url(lang, state="all"))) == [
        *_expected_open(by_severity), by_severity["resolved"].pk]


@pytest.mark.parametrize(("lang", "words"), [
    ("en", {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low"}),
    ("ar", {"critical": "حرج", "high": "مرتفع", "medium": "متوسط", "low": "منخفض"}),
])
def test_each_row_says_its_severity_in_words_and_by_class(reviewer_client, by_severity, lang, words, settings):
    content = reviewer_client.get(alerts_url(lang)).content.decode()
    found = dict(re.findall(r'<tr data-alert="(\d+)">.*?class="severity severity-(\w+)"', content, re.S))
    assert found[str(by_severity[AlertKind.ID_CHANGED].pk)] == "critical"
    assert found[str(by_severity[AlertKind.RENAMED].pk)] == "high"
    assert found[str(by_severity[AlertKind.NOT_FOUND].pk)] == "medium"
    assert found[str(by_severity[AlertKind.REFRESH_FAILING].pk)] == "low"
    assert found[str(by_severity[AlertKind.DORMANT].pk)] == "medium"
    assert "style=" not in re.search(r"<table class=\"alerts\">.*</table>", content, re.S).group(0)
    if lang == "en" or _arabic_compiled():
        for level, word in words.items():
            assert re.search(rf'severity-{level}"[^>]*>{word}</span>', content)


def _arabic_compiled() -> bool:
    with translation.override("ar"):
        return translation.gettext("Critical") != "Critical"


def flag_url(alert, lang="en"):
    with translation.override(lang):
        return reverse("review:alert_flag", args=[alert.pk])


def notify_url(alert, lang="en"):
    with translation.override(lang):
        return reverse("review:alert_notify", args=[alert.pk])


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_reviewer_flags_the_channel_compromised_from_an_id_change(reviewer_client, by_severity, lang, mailoutbox):
    alert = by_severity[AlertKind.ID_CHANGED]
    page = reviewer_client.get(alerts_url(lang)).content.decode()
    assert f'action="{flag_url(alert, lang)}?state=open"' in page
    assert f'action="{flag_url(by_severity[AlertKind.REFRESH_FAILING], lang)}' not in page  # only where needed
    response = reviewer_client.post(flag_url(alert, lang) + "?state=open", {"reason": "Id 2222 is not ours."})
    assert response.status_code == 302
    channel = Channel.private_objects.get(pk=alert.channel_id)
    assert channel.status == Status.COMPROMISED
    event = ChannelEvent.objects.filter(channel=channel).latest("at", "id")
    assert event.action == "flag_compromised" and event.comment == "Id 2222 is not ours."
    assert state(alert) == OPEN  # resolved separately, with what was found


def test_flagging_without_a_reason_is_refused_and_changes_nothing(reviewer_client, by_severity):
    alert = by_severity[AlertKind.RENAMED]
    response = reviewer_client.post(flag_url(alert) + "?state=open", {"reason": "  "})
    assert response.status_code == 400
    assert Channel.private_objects.get(pk=alert.channel_id).status == Status.APPROVED
    assert not ChannelEvent.objects.filter(channel_id=alert.channel_id, action="flag_compromised").exists()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_notifying_sends_one_email_per_active_editor_and_says_how_many(reviewer_client, people, by_severity,
                                                                        make_user, mailoutbox, lang):
    second = make_user(editor_of=people["entity"])
    gone = make_user(editor_of=people["entity"])
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    alert = by_severity[AlertKind.SUSPENDED]
    response = reviewer_client.post(notify_url(alert, lang) + "?state=open", follow=True)
    assert response.status_code == 200
    assert len(mailoutbox) == 2 and all(len(message.to) == 1 for message in mailoutbox)
    assert sorted(message.to[0] for message in mailoutbox) == sorted([people["editor"].email, second.email])
    assert "HushGov" in mailoutbox[0].body
    if lang == "en":
        assert "2 editors of the entity were emailed." in page_text(response)
    assert state(alert) == OPEN


def test_notifying_an_entity_without_editors_sends_nothing_and_says_so(reviewer_client, make_entity, make_channel,
                                                                      mailoutbox):
    channel = make_channel("https://x.com/lonelygov", entity=make_entity())
    alert = Alert.objects.create(channel=channel, kind=AlertKind.NOT_FOUND, details=DETAILS[AlertKind.NOT_FOUND])
    response = reviewer_client.post(notify_url(alert) + "?state=open", follow=True)
    assert mailoutbox == []
    assert "No one was emailed: the entity has no active editor." in page_text(response)


@pytest.mark.parametrize("who", ["editor", "plain", None])
def test_flag_and_notify_are_refused_to_editors_and_anonymous(client, people, by_severity, mailoutbox, who):
    if who:
        login(client, people[who])
    alert = by_severity[AlertKind.ID_CHANGED]
    for response in (client.post(flag_url(alert), {"reason": "Not mine."}), client.post(notify_url(alert))):
        assert response.status_code == (403 if who else 302)
    assert Channel.private_objects.get(pk=alert.channel_id).status == Status.APPROVED
    assert mailoutbox == []


# --- The API -------------------------------------------------------------------------------------

def test_the_api_lists_alerts_for_reviewers_only(people, listed):
    assert_error(APIClient().get(ALERTS), 401, "not_authenticated")
    assert_error(token_client(people["editor"]).get(ALERTS), 403, "forbidden")
    assert_error(token_client(people["plain"]).get(ALERTS), 403, "forbidden")

    # Without the second factor a reviewer reads nothing: the token is refused, the session is nobody.
    assert_error(token_client(people["reviewer"], second_factor=False).get(ALERTS), 401, "second_factor_required")
    assert_error(session_client(people["reviewer"], second_factor=False).get(ALERTS), 401, "not_authenticated")

    response = token_client(people["reviewer"]).get(ALERTS)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 4
    assert [row["id"] for row in body["results"]] == [
        listed["id"].pk, listed["renamed"].pk, listed["drop"].pk, listed["resolved"].pk,
    ]
    drop = body["results"][2]
    assert set(drop) == {"id", "channel", "kind", "details", "opened_at", "resolved_at", "resolution_note"}
    assert (drop["channel"], drop["kind"], drop["details"]) == (
        listed["ministers"].pk, "follower_drop", DETAILS[AlertKind.FOLLOWER_DROP],
    )
    assert drop["resolved_at"] is None and drop["resolution_note"] == ""
    resolved = body["results"][3]
    assert resolved["resolved_at"] and resolved["resolution_note"] == "It came back."


@pytest.mark.parametrize(("query", "expected"), [
    ({"kind": "renamed"}, ["renamed"]),
    ({"open": "true"}, ["id", "renamed", "drop"]),
    ({"open": "false"}, ["resolved"]),
    ({"open": "false", "kind": "renamed"}, []),
    ({"channel": "MINISTERS"}, ["drop", "resolved"]),
    ({"channel": "MINISTERS", "open": "true"}, ["drop"]),
])
def test_the_api_filters_by_kind_open_and_channel(people, listed, query, expected):
    query = {key: listed["ministers"].pk if value == "MINISTERS" else value for key, value in query.items()}
    response = token_client(people["reviewer"]).get(ALERTS, query)
    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [listed[key].pk for key in expected]


@pytest.mark.parametrize("query", [{"kind": "bogus"}, {"open": "maybe"}, {"channel": "abc"}, {"channel": "1.5"},
                                   {"channel": str(10**30)}])
def test_the_api_refuses_bad_filters_in_the_error_shape(people, listed, query):
    assert_error(token_client(people["reviewer"]).get(ALERTS, query), 400, "invalid", next(iter(query)))


def test_the_api_list_is_paged_and_costs_the_same_for_5_and_50(people, make_channel, make_official, make_entity):
    client = token_client(people["reviewer"])
    client.get(ALERTS)  # the token's first use writes when it was used: not the list's cost

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(ALERTS, {"page_size": 200}).status_code == 200
        return len(captured)

    _alerts_on_new_channels(make_channel, 5, make_official, people["entity"])
    few = queries()
    _alerts_on_new_channels(make_channel, 45, make_official, make_entity())
    assert queries() == few
    page = client.get(ALERTS, {"page_size": 20, "page": 2}).json()
    assert (page["count"], len(page["results"])) == (50, 20) and page["next"] and page["previous"]


def test_a_reviewer_resolves_through_the_api(people, open_alert):
    response = token_client(people["reviewer"]).post(f"{ALERTS}{open_alert.pk}/resolve/",
                                                     {"note": "Renamed by the ministry."}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == open_alert.pk and body["resolved_at"] and body["resolution_note"] == "Renamed by the ministry."
    assert state(open_alert)[1:] == (people["reviewer"].pk, "Renamed by the ministry.")


@pytest.mark.parametrize(("client_of", "payload", "status", "code"), [
    ("anonymous", {"note": "x"}, 401, "not_authenticated"),
    ("editor", {"note": "x"}, 403, "forbidden"),
    ("reviewer_token_without_code", {"note": "x"}, 401, "second_factor_required"),
    ("reviewer_session_without_code", {"note": "x"}, 401, "not_authenticated"),  # the session is nobody to the API
    ("reviewer", {}, 400, "note_required"),
    ("reviewer", {"note": "  "}, 400, "note_required"),
    ("reviewer", {"note": None}, 400, "note_required"),
    ("reviewer", {"note": "x" * 2001}, 400, "too_long"),
    ("reviewer", {"note": "x", "resolved_by": 1}, 400, "invalid"),
])
def test_api_refusals_to_resolve_change_nothing(people, open_alert, client_of, payload, status, code):
    client = {
        "anonymous": lambda: APIClient(),
        "editor": lambda: token_client(people["editor"]),
        "reviewer_token_without_code": lambda: token_client(people["reviewer"], second_factor=False),
        "reviewer_session_without_code": lambda: session_client(people["reviewer"], second_factor=False),
        "reviewer": lambda: token_client(people["reviewer"]),
    }[client_of]()
    assert_error(client.post(f"{ALERTS}{open_alert.pk}/resolve/", payload, format="json"), status, code)
    assert state(open_alert) == OPEN


def test_the_api_answers_409_for_an_alert_already_resolved_and_404_for_none(people, open_alert):
    resolve_alert(user=people["second_reviewer"], alert_id=open_alert.pk, note="First.", two_factor=True)
    client = token_client(people["reviewer"])
    assert_error(client.post(f"{ALERTS}{open_alert.pk}/resolve/", {"note": "Again."}, format="json"), 409,
                 "already_resolved")
    assert state(open_alert)[2] == "First."
    assert_error(client.post(f"{ALERTS}999999/resolve/", {"note": "x"}, format="json"), 404, "not_found")
    assert_error(client.get(f"{ALERTS}{open_alert.pk}/resolve/"), 405, "method_not_allowed")


def test_the_schema_documents_the_alerts_endpoints():
    schema = APIClient().get(reverse("api-schema"), {"format": "json"}).json()
    listing = schema["paths"]["/api/v1/alerts/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"kind", "open", "channel", "page", "page_size"}
    assert {"200", "400", "401", "403"} <= set(listing["responses"])
    resolve = schema["paths"]["/api/v1/alerts/{id}/resolve/"]["post"]
    assert "requestBody" in resolve and {"200", "400", "401", "403", "404", "409"} <= set(resolve["responses"])
    assert set(schema["components"]["schemas"]["Alert"]["properties"]) == {
        "id", "channel", "kind", "details", "opened_at", "resolved_at", "resolution_note",
    }


# --- The daily digest --------------------------------------------------------------------------

@pytest.fixture
def digest(people, make_channel, make_user):
    """Two new alerts (one already resolved), one opened two days ago and still open, and who is who."""
    now = timezone.now()
    channel = make_channel("https://x.com/digestgov", entity=people["entity"])
    other = make_channel("https://www.instagram.com/digestgram/", entity=people["entity"])
    return {
        "new": Alert.objects.create(channel=channel, kind=AlertKind.RENAMED, details=DETAILS[AlertKind.RENAMED],
                                    opened_at=now - timedelta(hours=3)),
        "new_resolved": Alert.objects.create(
            channel=other, kind=AlertKind.FOLLOWER_DROP, details=DETAILS[AlertKind.FOLLOWER_DROP],
            opened_at=now - timedelta(hours=20), resolved_at=now, resolved_by=people["reviewer"],
            resolution_note="Checked."),
        "old": Alert.objects.create(channel=other, kind=AlertKind.NOT_FOUND, details=DETAILS[AlertKind.NOT_FOUND],
                                    opened_at=now - timedelta(days=2)),
        "inactive_reviewer": make_user(reviewer=True, is_active=False),
    }


def test_every_active_reviewer_gets_one_email_listing_the_new_alerts(people, digest, mailoutbox, settings):
    settings.SITE_URL = "https://registry.gco.example/"
    assert send_alert_digest.delay().get() == 2

    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [people["reviewer"].email, people["second_reviewer"].email])
    assert all(len(message.to) == 1 for message in mailoutbox)
    body, subject = without_isolates(mailoutbox[0].body), mailoutbox[0].subject
    assert "Alerts: 2 new in the last 24 hours" in subject
    assert "OldNameGov → NewNameGov" in body and "120,000 → 80,000 followers (−33%)" in body
    assert "digestgov" in body and "digestgram" in body and people["entity"].name_en in body
    assert "GoneGov" not in body  # opened two days ago: not new
    assert "2 alerts are open in all." in body  # the new open one and the old one
    assert "already resolved" in body
    for lang in ("ar", "en"):
        assert f"https://registry.gco.example/{lang}/review/alerts/" in body
        assert f"https://registry.gco.example/{lang}/review/channels/{digest['new'].channel_id}/" in body
    # Arabic first, then English, as the other emails.
    assert body.index(people["entity"].name_ar) < body.index(people["entity"].name_en)
    assert body.index("/ar/review/alerts/") < body.index("/en/review/alerts/")


def test_nothing_new_sends_nothing(people, make_channel, mailoutbox):
    Alert.objects.create(channel=make_channel(), kind=AlertKind.NOT_FOUND, opened_at=timezone.now() - timedelta(
        hours=25))
    assert send_alert_digest.delay().get() == 0
    assert mailoutbox == []


def test_a_second_run_the_same_day_sends_no_duplicates(digest, mailoutbox):
    assert send_alert_digest.delay().get() == 2
    assert send_alert_digest.delay().get() == 0
    assert len(mailoutbox) == 2


class FailingOnceBackend(EmailBackend):
    """The outbox, except that the second message ever handed to it fails as a mail server would."""

    handed = 0

    def send_messages(self, messages):
        FailingOnceBackend.handed += len(messages)
        if FailingOnceBackend.handed == 2:
            raise ConnectionRefusedError("the mail server went away")
        return super().send_messages(messages)


def test_a_retry_after_a_failed_send_sends_only_what_was_not_sent(people, digest, settings):
    from celery.exceptions import Retry

    settings.EMAIL_BACKEND = "tests.accounts.review.test_alerts.FailingOnceBackend"
    FailingOnceBackend.handed = 0
    mail.outbox = []

    with pytest.raises((Retry, OSError)):  # the worker would retry it; here the failure surfaces
        send_alert_digest.delay().get()
    assert len(mail.outbox) == 1
    sent_first = mail.outbox[0].to

    assert send_alert_digest.delay().get() == 1  # the retry: only the reviewer who got nothing
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [people["reviewer"].email, people["second_reviewer"].email])
    assert mail.outbox[1].to != sent_first
    assert send_alert_digest.delay().get() == 0  # and the day is done
    assert len(mail.outbox) == 2


def test_the_mark_names_the_reviewer_and_the_day(people, digest, mailoutbox):
    assert send_alert_digest.delay().get() == 2
    day = timezone.localdate().isoformat()
    for reviewer in (people["reviewer"], people["second_reviewer"]):
        assert cache.get(f"alert-digest:{reviewer.pk}:{day}") is True
    assert cache.get(f"alert-digest:{digest['inactive_reviewer'].pk}:{day}") is None
