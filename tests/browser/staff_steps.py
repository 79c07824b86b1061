"""Steps the staff and review journeys share (tests/browser/test_staff_journeys.py and
test_review_journeys.py): a logged-in browser, the two screen sizes, and what every page visited
must be at either size: in its language and direction, no wider than the screen, and with nothing
axe-core finds."""
from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.utils import translation
from playwright.sync_api import expect

from tests.accounts.staff.test_views import login

LANGUAGES = ["ar", "en"]
SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def said(lang: str, msgid: str, plural: str | None = None, number: int | None = None, **values) -> str:
    """A sentence as the page in `lang` says it: the catalogue's words (or the msgid until translated)."""
    with translation.override(lang):
        text = translation.gettext(msgid) if plural is None else translation.ngettext(msgid, plural, number)
    return text % values if values else text


def logged_in(page, live_server, user, *, second_factor: bool = False, screen: str = "desktop"):
    """The page of someone already logged in (editors need no code; with `second_factor`, as if the
    code had been typed), at the screen's size."""
    client = login(Client(), user, second_factor=second_factor)
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])
    page.set_viewport_size(SCREENS[screen])
    return page


def axe_violations(page) -> list[str]:
    """Every violation axe-core finds on the page as it is now (of any impact), with the elements."""
    found = []
    for violation in Axe().run(page).response["violations"]:
        found.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        found += [f"    {' '.join(map(str, node['target']))}: {node['html'][:300]}" for node in violation["nodes"]]
    return found


def looks_right(page, lang: str, *, axe: bool = False) -> None:
    """What every page of a journey must be: in the page's language and direction; on a phone no wider
    than the screen (a wide table scrolls in its own box, not the page); with `axe`, nothing axe-core finds."""
    html = page.locator("html")
    expect(html).to_have_attribute("lang", lang)
    expect(html).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    # Measured once the stylesheets are in: a page laid out before them (a click's navigation is only
    # committed when the next line runs, on a busy machine) is an unstyled table, wider than any phone.
    page.wait_for_load_state("load")
    widths = page.evaluate("({page: document.documentElement.scrollWidth, screen: window.innerWidth})")
    assert widths["page"] <= widths["screen"], f"{page.url} is wider than the screen: {widths}"
    if axe:
        problems = axe_violations(page)
        assert not problems, "axe-core finds on " + page.url + ":\n" + "\n".join(problems)
