"""The headers of every kind of answer: the Content-Security-Policy, the Permissions-Policy, and
`Cache-Control: private, no-store` on anything answered to a login (while public pages stay public)."""
from __future__ import annotations

import re

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import path
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import Status
from registry.authentication import api_token_issue
from registry.urls import urlpatterns as site_urlpatterns


def _raise(request: HttpRequest):
    raise RuntimeError("a bug, to see the headers of the error page")


# The site's URLs, plus one that fails, for the 500 page.
urlpatterns = [path("test-server-error/", _raise), *site_urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.registry.test_headers")]

STRICT_POLICY = {
    "default-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}
# Powerful features the site never uses: each must be off for every origin, this one included.
FEATURES_OFF = ("camera", "microphone", "geolocation", "payment", "usb", "serial", "hid", "midi")
# What a strict CSP blocks in a page: inline <style> and style="", inline <script>, on*="" handlers,
# javascript: URLs. A page that holds one of them has lost its look or its behaviour. A JSON-LD data block
# (<script type="application/ld+json">, accounts/opendata/structured_data.py) is not among them: browsers
# never run a script element of a type that is not JavaScript, so the policy does not apply to it.
INLINE = re.compile(r'<style|\sstyle=|<script(?![^>]*\ssrc=)(?! type="application/ld\+json">)|\son[a-z]+=|javascript:',
                    re.IGNORECASE)


def csp_of(response) -> dict[str, set[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.status_code} {response.get('Content-Type')}"
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: set(sources) for name, *sources in directives}


def features_of(response) -> dict[str, str]:
    header = response.get("Permissions-Policy")
    assert header, "no Permissions-Policy"
    return dict(item.strip().split("=", 1) for item in header.split(","))


def with_second_factor(client, user):
    """Log `user` in as if they had typed their authenticator's code."""
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def register(make_entity, make_channel, make_user):
    entity = make_entity(slug="mofa")
    channel = make_channel("https://x.com/MOFAUAE", entity=entity, status=Status.APPROVED)
    editor = make_user(email="editor@mofa.example", editor_of=entity)
    reviewer = make_user(email="reviewer@gco.example", reviewer=True)
    admin = make_user(email="admin@gco.example", is_staff=True, is_superuser=True)
    return {"entity": entity, "channel": channel, "editor": editor, "reviewer": reviewer, "admin": admin}


def _anonymous(url, **extra):
    return lambda register: Client().get(url(register) if callable(url) else url, **extra)


def _as(who, url, *, second_factor=False):
    def get(register):
        client = Client()
        if second_factor:
            with_second_factor(client, register[who])
        else:
            client.force_login(register[who])
        return client.get(url)
    return get


def _csrf_failure(register):
    return Client(enforce_csrf_checks=True).post("/en/auth/login/", {"username": "a@b.example", "password": "x"})


def _throttled_verify(register):
    client = Client()
    for _ in range(2):
        response = client.get("/en/verify/", {"q": "https://x.com/MOFAUAE"})
    return response


def _server_error(register):
    return Client(raise_request_exception=False).get("/test-server-error/")


# Every kind of answer the site gives, with the status it must have (so each is the page meant).
PAGES = {
    "home": (_anonymous("/en/"), 200),
    "home in Arabic": (_anonymous("/ar/"), 200),
    "verify": (_anonymous("/en/verify/?q=https://x.com/MOFAUAE"), 200),
    "directory": (_anonymous("/en/directory/"), 200),
    "entities": (_anonymous("/en/entities/"), 200),
    "entity": (_anonymous("/en/entities/mofa/"), 200),
    "channel": (_anonymous(lambda register: f"/en/channels/{register['channel'].pk}/"), 200),
    "presence": (_anonymous("/en/presence/"), 200),
    "badge": (_anonymous(lambda register: f"/badge/{register['channel'].pk}.svg"), 200),
    "sitemap": (_anonymous("/sitemap.xml"), 200),
    "login": (_anonymous("/en/auth/login/"), 200),
    "password reset": (_anonymous("/en/auth/password-reset/"), 200),
    "staff area": (_as("editor", "/en/staff/"), 200),
    "staff channel": (lambda register: _as("editor", f"/en/staff/channels/{register['channel'].pk}/")(register), 200),
    "review queue": (_as("reviewer", "/en/review/", second_factor=True), 200),
    "review alerts": (_as("reviewer", "/en/review/alerts/", second_factor=True), 200),
    "presence report": (_as("reviewer", "/en/review/report/", second_factor=True), 200),
    "printable report": (_as("reviewer", "/en/review/report/print/", second_factor=True), 200),
    "admin": (_as("admin", "/admin/", second_factor=True), 200),
    "admin list": (_as("admin", "/admin/accounts/channel/", second_factor=True), 200),
    "API JSON": (_anonymous("/api/v1/channels/"), 200),
    "API schema": (_anonymous("/api/v1/schema/"), 200),
    "not found": (_anonymous("/en/no-such-page/"), 404),
    "API not found": (_anonymous("/api/v1/no-such-endpoint/"), 404),
    "forbidden page": (_as("editor", "/en/review/"), 403),
    "CSRF failure": (_csrf_failure, 403),
    "too many requests": (_throttled_verify, 429),
    "server error": (_server_error, 500),
}


@pytest.fixture
def one_verify_a_minute(settings):
    settings.VERIFY_PAGE_THROTTLE = "1/min"


@pytest.mark.parametrize("kind", PAGES)
def test_every_kind_of_page_carries_the_strict_policy_and_turns_off_unused_features(
    kind, register, one_verify_a_minute
):
    fetch, status = PAGES[kind]
    response = fetch(register)
    assert response.status_code == status, response.content[:500]
    assert csp_of(response) == STRICT_POLICY
    features = features_of(response)
    for feature in FEATURES_OFF:
        assert features.get(feature) == "()", f"{feature} is not turned off: {response['Permissions-Policy']}"


@pytest.mark.parametrize("kind", [kind for kind, (_, status) in PAGES.items() if kind not in {
    "API JSON", "API schema", "API not found",  # JSON and YAML, not pages
    "admin", "admin list",  # Django's own templates: their scripts are static files; checked in a browser
}])
def test_no_page_holds_inline_style_or_script_that_the_policy_would_block(kind, register, one_verify_a_minute):
    fetch, _ = PAGES[kind]
    body = fetch(register).content.decode()
    found = INLINE.search(body)
    assert found is None, f"{kind}: …{body[max(0, found.start() - 120):found.end() + 120]}…"


def test_the_api_docs_run_swagger_ui_by_this_answers_nonce_and_nothing_else_is_allowed():
    first, second = Client().get("/api/docs/"), Client().get("/api/docs/")
    assert first.status_code == 200
    policy = csp_of(first)
    nonces = [source for source in policy["script-src"] if source.startswith("'nonce-")]
    assert len(nonces) == 1
    assert policy == {**STRICT_POLICY, "script-src": {"'self'", nonces[0]}, "img-src": {"'self'", "data:"}}
    body = first.content.decode()
    inline_scripts = re.findall(r"<script(?![^>]*\ssrc=)([^>]*)>", body)
    assert inline_scripts == [f' nonce="{nonces[0][7:-1]}"'], "the one inline script must carry the nonce"
    assert "<style" not in body and "unsafe-inline" not in first["Content-Security-Policy"]
    assert "swagger-ui-bundle.js" in body and "/static/css/api-docs.css" in body  # from our static files
    assert csp_of(second)["script-src"] != policy["script-src"], "a nonce is never reused"
    assert features_of(first)["camera"] == "()"


def test_the_docs_additions_stay_on_the_docs_page():
    policy = csp_of(Client().get("/en/"))
    assert "script-src" not in policy and "img-src" not in policy


# --- Cache-Control ------------------------------------------------------------------------------

PRIVATE = "private, no-store"


def test_the_staff_area_is_never_stored(client, register):
    client.force_login(register["editor"])
    response = client.get("/en/staff/")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE
    assert not response.has_header("ETag")


def test_the_review_area_is_never_stored(register):
    response = with_second_factor(Client(), register["reviewer"]).get("/en/review/")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_a_public_page_seen_by_a_logged_in_user_is_never_stored(client, register):
    """A public page may greet the user by name; a shared cache must not hand it to the next visitor."""
    client.force_login(register["editor"])
    response = client.get("/en/")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_an_api_answer_to_a_token_is_never_stored(register):
    _, key = api_token_issue(user=register["editor"], second_factor=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/channels/")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE
    assert not response.has_header("ETag")


def test_an_api_answer_to_a_session_is_never_stored(register):
    client = APIClient()
    client.force_login(register["editor"])
    response = client.get("/api/v1/channels/")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_an_api_error_to_a_token_is_never_stored(register):
    _, key = api_token_issue(user=register["editor"], second_factor=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/channels/999999/")
    assert response.status_code == 404
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.parametrize("url", ["/en/", "/ar/", "/en/entities/", "/en/presence/"])
def test_anonymous_public_pages_stay_publicly_cacheable(client, register, settings, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}"
    assert response.has_header("ETag")
    # One copy for everyone: nothing about an anonymous visit reads the session (or a shared cache
    # would keep a copy per cookie).
    assert "Cookie" not in response.get("Vary", "")


def test_the_anonymous_verify_page_stays_public_and_revalidated(client, register):
    response = client.get("/en/verify/", {"q": "https://x.com/MOFAUAE"})
    assert response["Cache-Control"] == "public, no-cache"


def test_a_form_refused_by_the_csrf_check_is_explained_in_the_sites_layout(register):
    """Django's own CSRF page carries an inline <style> the policy blocks; the site's says what to do."""
    response = _csrf_failure(register)
    assert response.status_code == 403
    body = response.content.decode()
    assert "The form could not be sent" in body
    assert "reload the page and send the form again" in body
    assert 'href="/static/css/site.css"' in body and "<style" not in body
