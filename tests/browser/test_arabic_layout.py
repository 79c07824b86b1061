"""The Arabic pages laid out in Chromium: a staff date in the Arabic order on one line, the history's
arrow pointing the reading way, a link inside an Arabic sentence kept whole and left to right, and
the directory on a 390 px phone with its table scrolling in its own box (docs/arabic.md)."""
from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import channel_act, channel_create
from tests.accounts.complete import COMPLETE
from tests.accounts.staff.test_views import login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ARABIC_DATETIME = re.compile(r"^\d{1,2} \S+ \d{4}، \d{1,2}:\d{2} [صم]$")

# The boxes of a node's text, as the browser drew them: one rectangle per line (and per run).
TEXT_RECTS = """node => { const range = document.createRange(); range.selectNodeContents(node);
    return Array.from(range.getClientRects(), r => ({left: r.left, right: r.right, top: r.top})); }"""


@pytest.fixture
def editor_page(page, make_entity, make_user, live_server):
    """An editor's browser, and a channel of theirs registered and submitted (two workflow steps)."""
    entity = make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")
    editor = make_user(editor_of=entity)
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/MOFAUAE")
    channel_act(actor=editor, channel_id=channel.pk, action="submit")
    client = login(Client(), editor)
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])
    page.goto(f"/ar/staff/channels/{channel.pk}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    return page


def test_a_staff_date_reads_day_month_year_on_one_line(editor_page):
    editor_page.set_viewport_size(PHONE)  # narrow, so that anything that can break across lines does
    submitted = editor_page.locator("dl.facts time").first
    expect(submitted).to_have_text(ARABIC_DATETIME)  # «16 مارس 2025، 8:02 م», never «مارس 16, 2025»
    lines = submitted.evaluate(TEXT_RECTS)
    assert len({round(line["top"]) for line in lines}) == 1, lines  # one line box: the date never splits
    for cell in editor_page.locator("table.history td time").all():
        expect(cell).to_have_text(ARABIC_DATETIME)
        assert len({round(line["top"]) for line in cell.evaluate(TEXT_RECTS)}) == 1


def test_the_history_arrow_points_the_way_arabic_reads(editor_page):
    # The submit step: from «مسودة» (draft) to the submitted status, read right to left.
    cell = editor_page.locator("table.history tbody tr td:has(.arrow)").first
    expect(cell.locator(".arrow")).to_have_text("←")
    # The letters on either side of the arrow (a long status may wrap after its first word).
    boxes = cell.evaluate("""cell => {
        const arrow = cell.querySelector('.arrow'), range = document.createRange();
        const letter = (node, i) => { range.setStart(node, i); range.setEnd(node, i + 1);
                                      const r = range.getBoundingClientRect();
                                      return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
        const before = arrow.previousSibling, after = arrow.nextSibling;
        return {before: letter(before, before.textContent.trimEnd().length - 1),
                arrow: letter(arrow.firstChild, 0),
                after: letter(after, after.textContent.length - after.textContent.trimStart().length)};
    }""")
    # The status it left is on the right, the arrow in the middle, the status it reached on the left,
    # or, when the cell is too narrow for it, on the next line (which Arabic starts again on the right).
    assert boxes["before"]["left"] >= boxes["arrow"]["right"] - 1, boxes
    next_line = boxes["after"]["top"] >= boxes["arrow"]["bottom"] - 1
    assert next_line or boxes["after"]["right"] <= boxes["arrow"]["left"] + 1, boxes


def test_a_link_inside_an_arabic_sentence_stays_whole_and_left_to_right(page):
    page.goto("/ar/verify/?q=https%3A%2F%2Fx.com%2FNobodyHere_2025")
    sentence = page.locator("[data-result='not_registered'] p:has(bdi)").first
    link = sentence.locator("bdi[dir='ltr']")
    expect(link).to_have_text(re.compile(r"^https://x\.com/NobodyHere_2025$", re.IGNORECASE))
    assert sentence.evaluate("p => getComputedStyle(p).direction") == "rtl"
    # One run: the isolate is drawn as one box, its first letter on the left and its last on the right.
    runs = link.evaluate(TEXT_RECTS)
    assert len(runs) == 1, runs
    first, last = link.evaluate("""bdi => {
        const text = bdi.firstChild, range = document.createRange();
        const at = i => { range.setStart(text, i); range.setEnd(text, i + 1);
                          return range.getBoundingClientRect().left; };
        return [at(0), at(text.length - 1)];
    }""")
    assert first < last  # "https://…" as written, not reordered around its slashes and dots
    # In the Arabic sentence the link comes after the words before it: to their left.
    words = sentence.evaluate("p => { const range = document.createRange(); range.setStart(p.firstChild, 0);"
                              " range.setEnd(p.firstChild, 3); return range.getBoundingClientRect().left; }")
    assert runs[0]["right"] <= words


def test_the_arabic_directory_fits_a_phone_and_its_table_scrolls_in_its_box(page, make_entity, make_channel):
    entity = make_entity(slug="fanr", name_en="Federal Authority for Nuclear Regulation",
                         name_ar="الهيئة الاتحادية للرقابة النووية")
    for n in range(3):
        make_channel(f"https://www.linkedin.com/company/fanruae-demo-{n}", entity=entity,
                     display_name="Federal Authority for Nuclear Regulation", followers=1_254_310 + n,
                     followers_at=timezone.now())
    page.set_viewport_size(PHONE)
    page.goto("/ar/directory/")
    expect(page.locator("table.directory tbody tr")).to_have_count(3)

    # The page opens unscrolled and no wider than the phone: the banner and heading are whole.
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    assert page.evaluate("window.scrollX") == 0
    heading = page.locator("h1").bounding_box()
    assert heading["x"] >= 0 and heading["x"] + heading["width"] <= width

    # The table is wider than the phone and scrolls inside its own box, which a keyboard can reach.
    box = page.locator(".table-scroll:has(table.directory)")
    sizes = box.evaluate("b => ({scroll: b.scrollWidth, client: b.clientWidth})")
    assert sizes["scroll"] > sizes["client"], sizes
    expect(box).to_have_attribute("tabindex", "0")
    expect(box).to_have_accessible_name(re.compile(r"\S"))
    box.focus()
    page.keyboard.press("ArrowLeft")  # right to left: the rest of the table is to the left
    page.wait_for_function("() => document.querySelector('.table-scroll').scrollLeft !== 0")

    # An English display name and the handle are separate blocks: the name under the handle, not around it.
    cell = page.locator("table.directory tbody tr").first.locator("th")
    handle, name = cell.locator("a.channel-link").bounding_box(), cell.locator(".display-name").bounding_box()
    assert name["y"] >= handle["y"] + handle["height"] - 1, (handle, name)
