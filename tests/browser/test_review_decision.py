"""A GCO reviewer decides in a real browser, in Arabic and in English, on a desktop and a 390 px
phone: a submission whose handle looks like another entity's official one shows that warning on its
own; Approve without ticking "I have checked these warnings" is refused by the server with the note
kept; ticked, "Approve and go to the next" lands on the queue's next item. axe-core checks the page."""
from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from accounts.models import Channel, Status
from tests.accounts.staff.test_views import approved, login, submitted
from tests.browser.test_public_journeys import serious_violations

pytestmark = pytest.mark.browser

SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def queue(make_entity, make_user):
    mofa = make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")
    ours = make_entity(slug="moi", name_en="Ministry of Interior", name_ar="وزارة الداخلية")
    first_reviewer, reviewer = make_user(reviewer=True), make_user(reviewer=True)
    approved(mofa, make_user(editor_of=mofa), first_reviewer, "https://x.com/MOFAUAE")
    editor = make_user(editor_of=ours)
    imitation = submitted(ours, editor, "https://x.com/M0FAUAE")  # a zero for the O: first in the queue
    following = submitted(ours, editor, "https://x.com/MOI_Traffic")
    return {"reviewer": reviewer, "imitation": imitation, "next": following}


@pytest.fixture
def reviewer_page(page, queue, live_server):
    client = login(Client(), queue["reviewer"], second_factor=True)
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])
    return page


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_approve_over_a_lookalike_warning_then_go_to_the_next(reviewer_page, queue, expected_refusals, lang, screen):
    page, imitation = reviewer_page, queue["imitation"]
    expected_refusals.append(f"400 /{lang}/review/channels/{imitation.pk}/approve/")  # the unticked press
    page.set_viewport_size(SCREENS[screen])
    page.goto(f"/{lang}/review/channels/{imitation.pk}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")

    box = page.locator(".warning-official[data-warning='official_lookalike']")
    expect(box).to_be_visible()
    expect(box).to_contain_text("MOFAUAE")
    expect(box).to_contain_text("وزارة الخارجية" if lang == "ar" else "Ministry of Foreign Affairs")
    # Sending back and rejecting come before approving.
    forms = page.locator("section[aria-labelledby='decision-heading'] form.action")
    assert [forms.nth(i).get_attribute("class") for i in range(forms.count())] == [
        "action action-request-changes", "action action-reject", "action action-approve"]
    problems = serious_violations(page)
    assert not problems, "axe-core finds on " + page.url + ":\n" + "\n".join(problems)

    approve = page.locator("form.action-approve")
    note = "Called the ministry: the account is theirs."
    approve.locator("textarea[name='reason']").fill(note)
    approve.locator(".decide-buttons button:not([name])").click()  # Approve, the box not ticked
    expect(page.locator(".error-summary[data-error-code='warnings_unacknowledged']")).to_be_visible()
    approve = page.locator("form.action-approve")
    expect(approve.locator("textarea[name='reason']")).to_have_value(note)
    expect(approve.locator("input[name='warnings_checked']")).to_have_attribute("aria-invalid", "true")
    assert Channel.private_objects.get(pk=imitation.pk).status == Status.SUBMITTED

    approve.locator("input[name='warnings_checked']").check()
    approve.locator("button[name='then_next']").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/review/channels/{queue['next'].pk}/$"))
    expect(page.locator("h1")).to_contain_text("MOI_Traffic")
    decided = Channel.private_objects.get(pk=imitation.pk)
    assert decided.status == Status.APPROVED and decided.events.get(action="approve").comment == note
