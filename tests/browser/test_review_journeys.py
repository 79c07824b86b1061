"""What a GCO reviewer does, in a real browser, in Arabic and in English, on a desktop screen and on a
390 px phone (issue 16, items 6, 8, 9 and 10): log in with the password and a wrong authenticator code,
then the right one, and land on the review queue with its counts; read the alerts, the most serious
first, and flag one as compromised; work through the annual review by entity, reminding one and
inviting an editor for another. Each page visited is in its language and direction and no wider than
the screen, and axe-core finds nothing on the code page with its error, the queue, the alerts and the
annual review."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import override
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import ALERT_KINDS_BY_SEVERITY, Alert, AlertKind, Channel, Status
from accounts.review.alerts import SEVERITY_OF
from accounts.services import channel_act, channel_edit
from registry.models import User
from tests.accounts.review.test_alerts import DETAILS
from tests.accounts.staff.test_views import approved, submitted
from tests.browser.staff_steps import LANGUAGES, SCREENS, looks_right, said
from tests.registry.second_factor_steps import PASSWORD, code, enrolled

pytestmark = pytest.mark.browser

ALERTED = (AlertKind.REFRESH_FAILING, AlertKind.FOLLOWER_DROP, AlertKind.ID_CHANGED)  # opened in this order


def ago(days: int):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def register(make_entity, make_user, make_channel) -> dict:
    """A ministry with its editor and work waiting: one new registration, one resubmitted, one proposal;
    three open alerts opened least serious first; two accounts overdue for the annual review. And an
    authority whose only editor has left, with one overdue account."""
    mofa = make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")
    editor = make_user(email="editor@mofa.example", editor_of=mofa)
    colleague = make_user(email="another.reviewer@gco.example", reviewer=True)
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    submitted(mofa, editor, "https://x.com/MOFAUAE_new")
    again = submitted(mofa, editor, "https://x.com/MOFAUAE_again")
    channel_act(actor=colleague, channel_id=again.pk, action="request_changes", reason="Add a description.",
                two_factor=True)
    channel_act(actor=editor, channel_id=again.pk, action="submit")
    proposal = approved(mofa, editor, colleague, "https://x.com/MOFAUAE_prop")
    channel_edit(actor=editor, channel_id=proposal.pk, description="New words")
    alerts = {}
    for n, kind in enumerate(ALERTED):
        channel = make_channel(f"https://x.com/MOFAUAE_alert{n}", entity=mofa, last_certified_at=timezone.now())
        alerts[kind] = Alert.objects.create(channel=channel, kind=kind, details=DETAILS[kind])
        Alert.objects.filter(pk=alerts[kind].pk).update(opened_at=ago(10 - n))
    youth = make_entity(slug="youth", name_en="Federal Youth Authority", name_ar="الهيئة الاتحادية للشباب")
    make_user(email="gone@youth.example", editor_of=youth, is_active=False)
    return {
        "mofa": mofa, "editor": editor, "reviewer": reviewer, "device": enrolled(reviewer), "alerts": alerts,
        "youth": youth,
        "overdue": [make_channel("https://x.com/MOFAUAE", entity=mofa, last_certified_at=ago(500)),
                    make_channel("https://www.instagram.com/mofauae/", entity=mofa, last_certified_at=ago(400))],
        "orphaned": make_channel("https://x.com/UAEYouth", entity=youth, last_certified_at=ago(450)),
    }


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_reviewers_journeys(page, live_server, register, mailoutbox, lang, screen):
    """The journeys one after another in one browser, as one working session (one test per language
    and screen: each browser test costs a fresh database, which the CI's budget counts)."""
    page.set_viewport_size(SCREENS[screen])
    log_in_with_a_wrong_code_then_the_right_one(page, register, lang)
    read_the_alerts_and_flag_one(page, register, lang)
    work_through_the_annual_review(page, register, mailoutbox, lang)


# --- Items 8 and 6: the code page after a wrong code, and where a reviewer lands -----------------

def log_in_with_a_wrong_code_then_the_right_one(page, register: dict, lang: str) -> None:
    device: TOTPDevice = register["device"]
    page.goto(f"/{lang}/auth/login/")
    looks_right(page, lang)
    login = page.locator("main form")
    login.locator("input[name=username]").fill("reviewer@gco.example")
    login.locator("input[name=password]").fill(PASSWORD)
    login.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/auth/code/"))
    lasts = said(lang, "The app shows a new code every %(seconds)s second, and each code works only while it is "
                       "shown. If the code changes while you type, enter the new one: your password is not needed "
                       "again.",
                 "The app shows a new code every %(seconds)s seconds, and each code works only while it is shown. If "
                 "the code changes while you type, enter the new one: your password is not needed again.",
                 30, seconds=30)
    expect(page.locator("main")).to_contain_text(lasts)

    field = page.locator("input[name=code]")
    field.fill(f"{(int(code(device)) + 1) % 10**6:06d}")  # one digit off
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(said(
        lang, "That code is not right. Enter the code your app shows now, or one of your backup codes."))
    expect(field).to_have_value("")  # nothing to delete before typing the next code
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    looks_right(page, lang, axe=True)

    # The right code typed at once, inside the wait after the wrong one (set here, so that the test
    # does not depend on how fast the machine types): "in a moment", never "1 seconds".
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=1,
                                                   throttling_failure_timestamp=timezone.now())
    field.fill(code(device))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(said(
        lang, "After a wrong code the next one is checked only after a short wait. Try again in a moment with the "
              "code your app shows."))
    assert "1 second" not in page.locator("main").inner_text()
    expect(field).to_have_value("")
    looks_right(page, lang)

    # The moment has passed: the code alone logs in, without the password again, onto the queue.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=ago(1))
    field.fill(code(device))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/review/$"))
    expect(page.locator("h1")).to_have_text(said(lang, "Review queue"))
    counts = {
        "new": said(lang, "%(counter)s new registration", "%(counter)s new registrations", 1, counter=1),
        "resubmitted": said(lang, "%(counter)s registration resubmitted after changes were requested",
                            "%(counter)s registrations resubmitted after changes were requested", 1, counter=1),
        "proposals": said(lang, "%(counter)s official channel with proposed changes",
                          "%(counter)s official channels with proposed changes", 1, counter=1),
    }
    for name, sentence in counts.items():
        expect(page.locator(f"li[data-count={name}]")).to_have_text(sentence)
    kinds = page.locator("li[data-kind]")
    expect(kinds).to_have_count(3)
    assert kinds.evaluate_all("items => items.map(item => item.dataset.kind)") == [
        kind.value for kind in ALERT_KINDS_BY_SEVERITY if kind in ALERTED]  # the most serious first
    expect(page.locator("table.queue tbody tr")).to_have_count(3)
    looks_right(page, lang, axe=True)


# --- Item 9: alerts by severity, and flagging one as compromised ---------------------------------

def read_the_alerts_and_flag_one(page, register: dict, lang: str) -> None:
    alerts = register["alerts"]
    page.locator("nav.area-nav a[href$='/review/alerts/']").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/review/alerts/$"))
    rows = page.locator("tr[data-alert]")
    expect(rows).to_have_count(3)
    # Opened least serious first, listed most serious first; each says its severity in words.
    order = [AlertKind.ID_CHANGED, AlertKind.FOLLOWER_DROP, AlertKind.REFRESH_FAILING]
    assert rows.evaluate_all("rows => rows.map(row => row.dataset.alert)") == [str(alerts[k].pk) for k in order]
    colours = set()
    for kind in order:
        severity = page.locator(f"tr[data-alert='{alerts[kind].pk}'] [data-severity]")
        with override(lang):
            expect(severity).to_have_text(str(SEVERITY_OF[kind].label))
        colours.add(severity.evaluate("badge => getComputedStyle(badge).backgroundColor + getComputedStyle(badge)"
                                      ".color + getComputedStyle(badge).borderInlineStartColor"))
    assert len(colours) == 3, colours  # and each looks its own
    looks_right(page, lang, axe=True)

    # Flag the possible hijack: the reason is asked for before anything is sent.
    hijacked = page.locator(f"tr[data-alert='{alerts[AlertKind.ID_CHANGED].pk}'] form.action-flag-compromised")
    hijacked.locator("button[type=submit]").click()
    reason = hijacked.locator("textarea[name=reason]")
    assert reason.evaluate("box => box.validity.valueMissing")
    channel = alerts[AlertKind.ID_CHANGED].channel
    assert Channel.private_objects.get(pk=channel.pk).status == Status.APPROVED
    reason.fill("معرّف المنصة تغيّر دون علم الجهة. The platform id changed without the ministry knowing.")
    hijacked.locator("button[type=submit]").click()
    expect(page.locator(".messages .message-success")).to_have_text(said(
        lang, "The channel is flagged as compromised: the public is now told not to trust it."))
    looks_right(page, lang)
    assert Channel.private_objects.get(pk=channel.pk).status == Status.COMPROMISED


# --- Item 10: the annual review, by entity: remind now, invite an editor --------------------------

def work_through_the_annual_review(page, register: dict, mailoutbox, lang: str) -> None:
    mofa, youth = register["mofa"], register["youth"]
    page.locator("nav.area-nav a[href$='/review/annual/']").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/review/annual/$"))
    groups = page.locator("section.annual-entity")
    # The entity of the longest overdue account first, each group with its own accounts.
    assert groups.evaluate_all("groups => groups.map(group => group.dataset.entity)")[:2] == [
        str(mofa.pk), str(youth.pk)]
    ours, orphan = (page.locator(f"section.annual-entity[data-entity='{entity.pk}']") for entity in (mofa, youth))
    with override(lang):
        expect(ours.locator("h2")).to_contain_text(mofa.name)
        expect(orphan.locator("h2")).to_contain_text(youth.name)
    overdue_rows = ours.locator("tr[data-channel]")
    assert overdue_rows.evaluate_all("rows => rows.map(row => row.dataset.channel)") == [
        str(channel.pk) for channel in register["overdue"]]
    expect(ours.locator(".responsible")).to_have_text(said(lang, "Responsible: its active editors"))
    expect(ours.locator("ul.editors")).to_contain_text("editor@mofa.example")
    expect(orphan.locator("[data-problem=no-editor]")).to_contain_text(said(lang, "No active editor"))
    expect(orphan.locator("tr[data-channel]")).to_have_count(1)
    looks_right(page, lang, axe=True)

    mailoutbox.clear()  # what the register's making sent (submissions, the flag) is not this journey's
    ours.get_by_role("button", name=said(lang, "Remind now")).click()
    expect(page.locator(".messages .message-success")).to_be_visible()
    assert [message.to for message in mailoutbox] == [["editor@mofa.example"]]
    looks_right(page, lang)

    # The authority has nobody: invite its new editor, who is emailed the link to set a password.
    orphan = page.locator(f"section.annual-entity[data-entity='{youth.pk}']")
    orphan.locator("input[name=email]").fill("New.Editor@Youth.example")
    orphan.get_by_role("button", name=said(lang, "Invite an editor")).click()
    expect(page.locator(".messages .message-success")).to_contain_text("new.editor@youth.example")
    orphan = page.locator(f"section.annual-entity[data-entity='{youth.pk}']")
    expect(orphan.locator("[data-problem=no-editor]")).to_have_count(0)  # responsible now
    expect(orphan.locator("ul.editors")).to_contain_text("new.editor@youth.example")
    looks_right(page, lang)
    invitation = mailoutbox[-1]
    assert invitation.to == ["new.editor@youth.example"]
    assert said("en", "Set your password for the Official Accounts Registry") in invitation.subject
    assert User.objects.get(email="new.editor@youth.example").memberships.filter(entity=youth).exists()
