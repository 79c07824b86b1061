"""Another website calls the register: a page served from another local origin (a second HTTP server
on another port) asks the live server's verify API with fetch() and shows the answer, and embeds the
channel's badge; a fetch of an address that is not the public read API fails there (no CORS)."""
from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Status
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_public_journeys import serious_violations

pytestmark = pytest.mark.browser

# The other website: its page, and its script (a file, as a site with a Content-Security-Policy would
# have it). It reads the live server's address and the channel's id from config.json.
NEWSROOM_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A newsroom's fact check</title></head>
<body>
  <h1>Is @CrossOriginMin official?</h1>
  <p id="answer">asking…</p>
  <p id="entity"></p>
  <p id="private">asking…</p>
  <p id="schema">asking…</p>
  <div id="badge"></div>
  <script src="check.js"></script>
</body></html>
"""
NEWSROOM_SCRIPT = """
async function reads(url) {
  try {
    const response = await fetch(url);
    return "read " + response.status;
  } catch (error) {
    return "blocked";  // a network or CORS failure: the page may not read the answer
  }
}

(async () => {
  const config = await (await fetch("config.json")).json();
  if (config.badge) {
    const img = document.createElement("img");
    img.src = config.registry + config.badge;
    img.alt = "Official account badge";
    document.getElementById("badge").append(img);
  }
  try {
    const answer = await (await fetch(config.registry + "/api/v1/verify/?q=" +
                                      encodeURIComponent("https://x.com/CrossOriginMin"))).json();
    document.getElementById("answer").textContent = answer.result;
    document.getElementById("entity").textContent = answer.channel.entity.name_en;
  } catch (error) {
    document.getElementById("answer").textContent = "blocked";
  }
  document.getElementById("private").textContent = await reads(config.registry + "/api/v1/alerts/");
  document.getElementById("schema").textContent = await reads(config.registry + "/api/v1/schema/");
})();
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass


@pytest.fixture
def newsroom(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A static site on 127.0.0.1 on a port of its own: another origin than the live server's."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    finally:
        server.shutdown()
        server.server_close()


def test_another_website_reads_the_verify_api_and_shows_the_badge(browser, live_server, newsroom, make_entity,
                                                                   make_channel):
    site, folder = newsroom
    entity = make_entity(slug="cross-origin", name_en="Ministry of Open Data", name_ar="وزارة البيانات المفتوحة")
    channel = make_channel("https://x.com/CrossOriginMin", entity=entity, status=Status.APPROVED)
    badge = reverse("badge", args=[channel.pk])
    (folder / "index.html").write_text(NEWSROOM_PAGE)
    (folder / "check.js").write_text(NEWSROOM_SCRIPT)
    (folder / "config.json").write_text(json.dumps({"registry": live_server.url, "badge": badge}))
    registry = urlsplit(live_server.url)
    assert urlsplit(site).netloc != registry.netloc  # two origins: the test means nothing otherwise

    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    elsewhere: list[str] = []

    def only_the_two_sites(route):
        url = urlsplit(route.request.url)
        if f"{url.scheme}://{url.netloc}" in (site, f"{registry.scheme}://{registry.netloc}"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_two_sites)
    try:
        page = context.new_page()
        page.goto(f"{site}/index.html")
        # CORS works: the other site's script read the register's answer.
        expect(page.locator("#answer")).to_have_text("official")
        expect(page.locator("#entity")).to_have_text("Ministry of Open Data")
        # Not the public read API: the browser keeps the answer from the other site's script, whether the
        # register refused the caller (alerts: 401) or would have answered anyone (the schema: 200).
        expect(page.locator("#private")).to_have_text("blocked")
        expect(page.locator("#schema")).to_have_text("blocked")
        image = page.locator("#badge img")
        expect(image).to_have_count(1)
        page.wait_for_function("() => document.querySelector('#badge img').complete")
        assert image.evaluate("img => img.naturalWidth") > 0, "the badge did not load on the other site"
    finally:
        context.close()
    assert not elsewhere, f"the page asked a third host for: {elsewhere}"


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_open_data_pages_and_the_api_examples_in_a_browser(page, language, make_channel):
    """Nothing blocked by the Content-Security-Policy, nothing asked of another host (the `page` fixture
    checks both), no serious accessibility fault, the code left to right on an Arabic page."""
    make_channel("https://x.com/OpenDataMin")
    page.set_extra_http_headers({"Accept-Language": language})
    for address in (f"/{language}/open-data/", f"/{language}/open-data/register/", f"/{language}/open-data/presence/",
                    "/api/docs/"):
        page.goto(address)
        expect(page.locator("h1, h2").first).to_be_visible()
        if address != "/api/docs/":  # Swagger UI's own page is drf-spectacular's
            faults = serious_violations(page)
            assert not faults, (address, faults)
    expect(page.locator("#api-examples pre").first).to_have_css("direction", "ltr")
    expect(page.locator(".api-intro")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    page.goto(f"/{language}/open-data/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    expect(page.locator("#api-examples pre").first).to_have_css("direction", "ltr")
    expect(page.locator("table, a[href='/api/v1/channels.xlsx']").first).to_be_visible()
