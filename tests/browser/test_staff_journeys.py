"""What an entity's editor does in the staff area, in a real browser, in Arabic and in English, on a
desktop screen and on a 390 px phone (issue 16, items 1 to 5): answer a reviewer's request for changes,
register a handle like another entity's official one, report a follower count far from the last one,
retire an account, and certify the year's overdue accounts. Each journey is judged by what the
editor sees; every page visited is in its language and direction and no wider than the screen, and
axe-core finds nothing on the pages these journeys added (the banner, the confirmation step, the
overdue home)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override
from playwright.sync_api import expect

from accounts.models import Alert, AlertKind, Channel, FollowerSnapshot, Status
from accounts.services import channel_act, channel_create
from entities.models import Entity
from registry.direction import without_isolates
from registry.models import User
from tests.accounts.complete import COMPLETE
from tests.browser.staff_steps import LANGUAGES, SCREENS, logged_in, looks_right, said

pytestmark = pytest.mark.browser

REASON = "يُرجى إضافة الوصف باللغة الإنجليزية. Please add the English description."


def text_of(locator) -> str:
    """What a person reads in the element: the isolate marks taken out, spaces collapsed."""
    return " ".join(without_isolates(locator.inner_text()).split())


def status_word(lang: str, status: str) -> str:
    with override(lang):
        return str(Status(status).label)


@dataclass
class Cast:
    """The factories of tests/conftest.py, and the GCO reviewer who asks for changes."""
    make_entity: Callable
    make_user: Callable
    make_channel: Callable
    reviewer: User

    def editor(self, **names) -> tuple[Entity, User]:
        """A new entity and its editor: each journey starts from its own, as a different ministry would."""
        entity = self.make_entity(**names)
        return entity, self.make_user(editor_of=entity)


@pytest.fixture
def cast(make_entity, make_user, make_channel) -> Cast:
    return Cast(make_entity, make_user, make_channel, make_user(email="reviewer@gco.example", reviewer=True))


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_editors_journeys(page, live_server, cast, lang, screen):
    """The five journeys one after another in one browser (one test per language and screen: each
    browser test costs a fresh database, which the CI's budget counts)."""
    for journey in (answer_changes_requested, register_a_look_alike, report_a_far_count, retire_an_account,
                    certify_the_overdue):
        journey(page, live_server, cast, lang, screen)


# --- Item 1: the reviewer's reason where the editor works, and "Save and resubmit" ----------------

def answer_changes_requested(page, live_server, cast: Cast, lang: str, screen: str) -> None:
    entity, editor = cast.editor(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/MOFAUAE")
    channel_act(actor=editor, channel_id=channel.pk, action="submit")
    channel_act(actor=cast.reviewer, channel_id=channel.pk, action="request_changes", reason=REASON,
                two_factor=True)
    page = logged_in(page, live_server, editor, screen=screen)

    page.goto(f"/{lang}/staff/channels/{channel.pk}/")
    banner = page.locator("section#changes-request")
    expect(banner.get_by_role("heading")).to_have_text(said(lang, "A GCO reviewer asked for changes"))
    expect(banner.locator("blockquote")).to_have_text(REASON)
    expect(banner).to_contain_text("reviewer@gco.example")
    # At the top, above the details: not at the foot of the page with the history.
    assert banner.bounding_box()["y"] < page.locator("#details-heading").bounding_box()["y"]
    # The reason reads as a paragraph, not one word per line: its box spans most of the content's width.
    reason, content = banner.locator("blockquote").bounding_box(), page.locator("main").bounding_box()
    assert reason["width"] > content["width"] / 2, (reason, content)
    looks_right(page, lang, axe=True)

    page.locator(f"section.actions a.button[href$='/staff/channels/{channel.pk}/edit/']").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/staff/channels/{channel.pk}/edit/$"))
    expect(page.locator("section#changes-request blockquote")).to_have_text(REASON)
    form = page.locator("form.channel-form")
    resubmit = form.locator("button[name=resubmit]")
    expect(resubmit).to_have_text(said(lang, "Save and resubmit"))
    expect(form.locator("button[type=submit]:not([name])")).to_have_text(said(lang, "Save"))
    looks_right(page, lang, axe=True)

    form.locator("textarea[name=description]").fill("News of the ministry, in Arabic and English.")
    form.locator("input[name=languages][value=ar]").check()
    resubmit.click()

    expect(page).to_have_url(re.compile(rf"/{lang}/staff/channels/{channel.pk}/$"))
    done = page.locator(".messages .message-success")
    expect(done).to_contain_text(status_word(lang, Status.SUBMITTED))
    expect(page.locator("section#changes-request")).to_have_count(0)  # answered: no banner any more
    expect(page.locator("dl.facts")).to_contain_text(status_word(lang, Status.SUBMITTED))
    looks_right(page, lang)
    channel = Channel.private_objects.get(pk=channel.pk)
    assert (channel.status, channel.languages) == (Status.SUBMITTED, ["ar", "en"])


# --- Item 2: registering a look-alike, a taken handle, an incomplete submission -------------------

def register_a_look_alike(page, live_server, cast: Cast, lang: str, screen: str) -> None:
    entity, editor = cast.editor()
    moi = cast.make_entity(slug="moi", name_en="Ministry of Interior", name_ar="وزارة الداخلية")
    cast.make_channel("https://x.com/MOIUAE_demo1", entity=moi)
    moi_name = moi.name_ar if lang == "ar" else moi.name_en
    page = logged_in(page, live_server, editor, screen=screen)

    page.goto(f"/{lang}/staff/channels/new/")
    form = page.locator("form.channel-form")
    # Another entity's public account: the page says whose it is, with no registration number.
    form.locator("input[name=link]").fill("https://x.com/moiuae_demo1")
    form.locator("button[type=submit]").click()
    taken = page.locator("form.channel-form .errorlist")
    expect(taken).to_contain_text(moi_name)
    expect(form.locator("input[name=link]")).to_have_attribute("aria-invalid", "true")
    assert "#" not in text_of(taken)
    looks_right(page, lang)

    # One character away from it: registered as a draft, with the warning and how the handle differs.
    page.locator("form.channel-form input[name=link]").fill("https://x.com/MOIUAE_demo2")
    page.locator("form.channel-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/staff/channels/\d+/$"))
    channel = Channel.private_objects.get(handle="MOIUAE_demo2")
    warning = page.locator("#lookalikes")
    expect(warning).to_contain_text("MOIUAE_demo1")
    expect(warning).to_contain_text(moi_name)
    expect(warning.locator("li")).to_have_count(1)
    assert text_of(warning.locator("li")).split(":", 1)[1].strip()  # the reason, in words
    looks_right(page, lang, axe=True)

    # Submitting the draft as it is: nothing is submitted, and the page lists what is missing.
    submit = page.locator("form.action-submit")
    submit.locator("button[type=submit]").click()
    refused = page.locator(".error-summary")
    expect(refused).to_have_attribute("data-error-code", "incomplete")
    for missing in ("display name", "at least one language", "description"):
        expect(refused).to_contain_text(said(lang, missing))
    looks_right(page, lang)
    assert Channel.private_objects.get(pk=channel.pk).status == Status.DRAFT

    page.locator(f"section.actions a.button[href$='/staff/channels/{channel.pk}/edit/']").click()
    form = page.locator("form.channel-form")
    form.locator("input[name=display_name]").fill("وزارة الخارجية")
    form.locator("input[name=languages][value=ar]").check()
    form.locator("textarea[name=description]").fill("أخبار الوزارة.")
    form.locator("button[type=submit]:not([name])").click()
    expect(page.locator(".messages .message-success")).to_have_text(said(lang, "Saved."))
    # Complete, but without the box ticked: nothing is submitted, and the page says to confirm.
    page.locator("form.action-submit button[type=submit]").click()
    expect(page.locator(".error-summary")).to_have_attribute("data-error-code", "lookalikes_unconfirmed")
    assert Channel.private_objects.get(pk=channel.pk).status == Status.DRAFT
    page.locator("form.action-submit input[name=lookalikes_confirmed]").check()
    page.locator("form.action-submit button[type=submit]").click()
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.locator("dl.facts")).to_contain_text(status_word(lang, Status.SUBMITTED))
    looks_right(page, lang)
    assert Channel.private_objects.get(pk=channel.pk).status == Status.SUBMITTED


# --- Item 3: a reported follower count far from the last one --------------------------------------

def report_a_far_count(page, live_server, cast: Cast, lang: str, screen: str) -> None:
    entity, editor = cast.editor()
    snap = cast.make_channel("https://www.snapchat.com/add/mofauae", entity=entity)  # no follower API
    before = timezone.localdate() - timedelta(days=12)
    FollowerSnapshot.objects.create(channel=snap, date=before, followers=225_000,
                                    source=FollowerSnapshot.Source.REPORTED)
    page = logged_in(page, live_server, editor, screen=screen)

    page.goto(f"/{lang}/staff/channels/{snap.pk}/")
    section = page.locator("section.followers")
    with override(lang):
        on = date_format(before, "DATE_FORMAT")
        previous = said(lang, "Previous count: %(followers)s on %(date)s.", followers="225,000", date=on)
    expect(section.locator("[data-latest-count]")).to_have_text(previous)
    # 2,261 typed for ~225,000, in Arabic-Indic digits with the Arabic thousands separator.
    typed = "٢٬٢٦١" if lang == "ar" else "۲,۲۶۱"  # Persian digits on the English page
    section.locator("input[name=followers]").fill(typed)
    section.get_by_role("button", name=said(lang, "Record the count")).click()

    question = page.locator("[data-change-to-confirm]")
    expect(question).to_contain_text("225,000")
    expect(question).to_contain_text("2,261")
    expect(question).to_contain_text(on)
    expect(question).to_contain_text("99%")
    if lang == "en":
        assert f"From 225,000 on {on} to 2,261: 99% fewer." in text_of(question)
    expect(page.locator("input[name=followers]")).to_have_value(typed)  # kept as typed
    confirm = page.locator("input[name=confirm]")
    expect(confirm).not_to_be_checked()
    looks_right(page, lang, axe=True)
    assert Channel.private_objects.get(pk=snap.pk).followers is None  # not recorded yet

    # The box is required: pressing without it records nothing.
    page.locator("form.action-followers button[type=submit]").click()
    assert confirm.evaluate("box => !box.validity.valid")
    assert not FollowerSnapshot.objects.filter(channel=snap, date=timezone.localdate()).exists()
    confirm.check()
    page.locator("form.action-followers button[type=submit]").click()
    expect(page.locator(".messages .message-success")).to_contain_text("2,261")
    expect(page.locator(f"tr[data-snapshot='{timezone.localdate():%Y-%m-%d}']")).to_contain_text("2,261")
    looks_right(page, lang)
    assert Channel.private_objects.get(pk=snap.pk).followers == 2_261
    # The fall opens the usual follower-drop alert for the reviewers.
    assert Alert.objects.filter(channel=snap, kind=AlertKind.FOLLOWER_DROP, resolved_at=None).count() == 1


# --- Item 4: retiring asks first, showing what the public will see --------------------------------

def retire_an_account(page, live_server, cast: Cast, lang: str, screen: str) -> None:
    entity, editor = cast.editor()
    channel = cast.make_channel("https://x.com/MOFAUAE_old", entity=entity)
    page = logged_in(page, live_server, editor, screen=screen)

    page.goto(f"/{lang}/staff/channels/{channel.pk}/")
    certify = page.locator("form.action-certify")
    expect(certify.locator("#certify-why")).to_have_text(said(
        lang, "Certifying confirms that this account is still yours and its details are current; it restarts the "
              "twelve-month clock of the annual review."))
    expect(certify.locator("button")).to_have_attribute("aria-describedby", "certify-why")
    retire = page.locator("form.action-retire")
    retire.locator("textarea[name=reason]").fill("انتقلنا إلى حساب جديد. We moved to a new account.")
    retire.locator("button[type=submit]").click()

    # The second step: what the public will see from today, and that it cannot be undone.
    expect(page.locator("h1")).to_have_text(said(lang, "Retire this account?"))
    consequence = page.locator("[data-consequence]")
    with override(lang):
        today = date_format(timezone.localdate(), "DATE_FORMAT")
    expect(consequence).to_contain_text(today)
    expect(consequence).to_contain_text(said(lang, "This cannot be undone."))
    if lang == "en":
        expect(consequence).to_contain_text("This account will be shown as formerly official from today")
    expect(page.locator("blockquote")).to_have_text("انتقلنا إلى حساب جديد. We moved to a new account.")
    expect(page.get_by_role("link", name=said(lang, "No, go back to the channel"))).to_be_visible()
    looks_right(page, lang, axe=True)
    assert Channel.private_objects.get(pk=channel.pk).status == Status.APPROVED  # nothing done yet

    page.get_by_role("button", name=said(lang, "Yes, retire it")).click()
    expect(page).to_have_url(re.compile(rf"/{lang}/staff/channels/{channel.pk}/$"))
    expect(page.locator("dl.facts")).to_contain_text(status_word(lang, Status.RETIRED))
    looks_right(page, lang)
    assert Channel.private_objects.get(pk=channel.pk).status == Status.RETIRED


# --- Item 5: the year's overdue accounts on the staff home, certified together --------------------

def certify_the_overdue(page, live_server, cast: Cast, lang: str, screen: str) -> None:
    entity, editor = cast.editor()
    long_ago = timezone.now() - timedelta(days=400)
    ours = cast.make_channel("https://x.com/UAEMOFA", entity=entity, last_certified_at=long_ago,
                        display_name="وزارة الخارجية")
    gone = cast.make_channel("https://www.instagram.com/mofauae/", entity=entity, last_certified_at=long_ago)
    cast.make_channel("https://x.com/UAEMOFA_news", entity=entity, last_certified_at=timezone.now())
    page = logged_in(page, live_server, editor, screen=screen)

    page.goto(f"/{lang}/staff/")
    count = page.locator("[data-overdue-count]")
    expect(count).to_have_attribute("data-overdue-count", "2")
    expect(count).to_contain_text(said(lang, "%(counter)s channel is overdue for the annual review.",
                                       "%(counter)s channels are overdue for the annual review.", 2, counter=2))
    markers = page.locator("[data-marker=overdue]")
    expect(markers).to_have_count(2)
    expect(markers.first).to_have_text("⚠ " + said(lang, "overdue for the annual review"))  # in words too
    boxes = page.locator("form.certify-many input[name=channel]")
    expect(boxes).to_have_count(2)
    looks_right(page, lang, axe=True)

    page.locator(f"form.certify-many input[value='{gone.pk}']").uncheck()  # no longer ours: left for retiring
    page.get_by_role("button", name=said(lang, "Yes, these are all still ours")).click()

    expect(page.locator(".messages .message-success")).to_have_text(said(
        lang, "%(count)d channel certified as current for another year.",
        "%(count)d channels certified as current for another year.", 1, count=1))
    expect(page.locator("[data-overdue-count]")).to_have_attribute("data-overdue-count", "1")
    expect(page.locator("[data-marker=overdue]")).to_have_count(1)
    looks_right(page, lang)
    assert ours.events.filter(action="certify").count() == 1 and not gone.events.filter(action="certify").exists()
