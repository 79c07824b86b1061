"""Browser fixtures: the machine's Chromium driven by Playwright against pytest-django's live server.

No browser is downloaded: Playwright launches Debian's `chromium` at /usr/bin/chromium, which
`.ci/run` installs. Every request the page makes to a host other than the live server is refused
and fails the test, so a page that would ask a third party for a font or a script cannot pass.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.conftest import CHROMIUM, NO_CHROMIUM, missing_tool

# Playwright's sync API runs an asyncio event loop in the test's own thread, so Django believes
# the factories' queries come from async code and refuses them (SynchronousOnlyOperation). They
# do not: each query still runs synchronously, one at a time, so the check only gets in the way.
# It is set when this directory is collected, before any test of the run touches the database.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root in a container, where Chromium's sandbox cannot start
    "--disable-gpu",
    # No update checks, metrics or first-run pages: the only requests are the test's own.
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Long enough for a loaded CI machine, short enough that a missing element fails quickly.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run; each test gets its own context (cookies, cache)."""
    if not os.access(CHROMIUM, os.X_OK):  # only under CI: elsewhere these tests are set aside at collection
        missing_tool(*NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def expected_refusals() -> list[str]:
    """"<status> <path>" of answers a test expects the server to refuse, such as a form sent without
    its confirmation answered 400 with the sentence: not counted as failed requests."""
    return []


@pytest.fixture
def page(browser, live_server, expected_refusals) -> Iterator:
    """A fresh page whose relative URLs go to the live server (`page.goto("/ar/")`)."""
    origin = urlsplit(live_server.url)
    elsewhere: list[str] = []

    def only_the_live_server(route):
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob") or (url.scheme, url.netloc) == (origin.scheme, origin.netloc):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", only_the_live_server)
    broken: list[str] = []

    def note_failure(response):
        # A form sent and answered 400 or 409 is the page that tells the person what to put right (the
        # staff area's refusals): shown, not broken. Anything else at 400 and above is.
        answered_form = (response.request.method == "POST" and response.request.resource_type == "document"
                         and response.status in (400, 409))
        expected = f"{response.status} {urlsplit(response.url).path}" in expected_refusals
        if response.status >= 400 and not answered_form and not expected:
            broken.append(f"{response.status} {response.url}")

    context.on("response", note_failure)
    # Chromium reports each thing the Content-Security-Policy blocked (an inline style or script, a
    # data: image...) on the console: a page that needs one has lost part of its look or behaviour.
    blocked: list[str] = []

    def note_blocked(message):
        if "Content Security Policy" in message.text:
            blocked.append(message.text)

    context.on("console", note_blocked)
    try:
        yield context.new_page()
    finally:
        context.close()
    assert not elsewhere, f"the page asked another host for: {elsewhere}"
    assert not broken, f"these requests failed: {broken}"
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"
