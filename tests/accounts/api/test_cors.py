"""Cross-origin reads: the public read API answers any origin (GET, HEAD and their preflight), without
credentials; no other address of the site, and no write, carries a CORS header."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from rest_framework.test import APIClient

from accounts.models import Status
from accounts.public.replay import copies
from registry.api import endpoint_not_found
from registry.authentication import api_token_issue

pytestmark = pytest.mark.django_db

ELSEWHERE = "https://newsroom.example"
ALLOW_ORIGIN = "Access-Control-Allow-Origin"
CORS_HEADERS = ("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
                "Access-Control-Allow-Headers", "Access-Control-Expose-Headers", "Access-Control-Max-Age")


@pytest.fixture(autouse=True)
def no_copies_left():
    copies.forget()
    yield
    copies.forget()


@pytest.fixture
def channel(make_channel, make_official):
    official = make_official(slug="minister-cors")
    return make_channel("https://x.com/CorsMin", status=Status.APPROVED, entity=official.entity, official=official)


def exists(address: str) -> bool:
    """Whether the site has this address (the change feed and its feeds come from another part of this work)."""
    try:
        return resolve(urlsplit(address).path).func is not endpoint_not_found
    except Resolver404:
        return False


# The change feed: in the CORS list whether or not it is merged yet; tested once it is.
CHANGE_FEED = ["/api/v1/changes/", "/en/feeds/changes.atom", "/ar/feeds/changes.json",
               "/en/feeds/entities/{entity}/changes.json"]


def public_reads(channel) -> list[str]:
    """Every public read address."""
    feeds = [address.format(entity=channel.entity.slug) for address in CHANGE_FEED]
    return [*(address for address in feeds if exists(address)),
        "/api/v1/verify/?q=https://x.com/CorsMin",
        "/api/v1/channels/", "/api/v1/channels/?platform=x", "/api/v1/channels/?format=csv",
        f"/api/v1/channels/{channel.pk}/", f"/api/v1/channels/{channel.pk}/followers/",
        "/api/v1/channels.csv", "/api/v1/channels.json", "/api/v1/channels.xlsx", "/api/v1/presence.csv",
        "/api/v1/entities/", f"/api/v1/entities/{channel.entity.slug}/",
        "/api/v1/officials/", "/api/v1/officials/minister-cors/",
        "/api/v1/stats/",
    ]


# Not public, or not a read: no CORS header, whatever the origin.
ELSEWHERE_ONLY = [
    "/api/v1/alerts/", "/api/v1/imports/", "/api/v1/report/", "/api/v1/auth/token/", "/api/v1/schema/",
    "/api/docs/", "/admin/", "/admin/login/", "/en/staff/", "/en/review/", "/en/auth/login/", "/en/",
    "/en/verify/?q=https://x.com/CorsMin", "/en/open-data/", "/healthz",
]


def no_cors(response) -> bool:
    return not any(header in response for header in CORS_HEADERS)


def test_every_public_read_answers_any_origin_without_credentials(client, channel):
    for address in public_reads(channel):
        for method in (client.get, client.head):
            response = method(address, HTTP_ORIGIN=ELSEWHERE)
            assert response.status_code == 200, (address, response.status_code)
            assert response[ALLOW_ORIGIN] == "*", address
            assert "Access-Control-Allow-Credentials" not in response, address
            assert "origin" not in response.get("Vary", "").lower(), address  # the same answer for every origin


def test_the_change_feed_is_listed_before_it_is_merged(settings):
    """Its addresses match the CORS list already (the test above reads them once they answer)."""
    for address in CHANGE_FEED:
        assert re.match(settings.CORS_URLS_REGEX, address.format(entity="mofa")), address
    for address in ("/en/feeds/", "/fr/feeds/changes.atom", "/api/v1/changes/webhooks/", "/api/v1/changesx/"):
        assert not re.match(settings.CORS_URLS_REGEX, address), address


def test_the_answer_is_the_same_without_an_origin(client, channel):
    """So that a shared cache may give it to anyone: no Vary: Origin needed."""
    assert client.get("/api/v1/stats/")[ALLOW_ORIGIN] == "*"


def test_a_preflight_allows_reads_only(client, channel):
    for address in public_reads(channel):
        response = client.options(address, HTTP_ORIGIN=ELSEWHERE, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
                                  HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept-language")
        assert response.status_code == 200, address
        assert response[ALLOW_ORIGIN] == "*"
        assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
        assert "authorization" not in response["Access-Control-Allow-Headers"]
        assert "accept-language" in response["Access-Control-Allow-Headers"]
        assert "Access-Control-Allow-Credentials" not in response


def test_nothing_else_answers_another_origin(client, channel, make_user):
    for address in ELSEWHERE_ONLY:
        assert no_cors(client.get(address, HTTP_ORIGIN=ELSEWHERE)), address
        preflight = client.options(address, HTTP_ORIGIN=ELSEWHERE, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
        assert no_cors(preflight), address
    assert no_cors(client.get(f"/api/v1/channels/{channel.pk}/events/", HTTP_ORIGIN=ELSEWHERE))
    assert no_cors(client.get("/api/v1/nowhere/", HTTP_ORIGIN=ELSEWHERE))


def test_no_write_carries_a_cors_header(channel, make_user):
    api = APIClient()
    writes = [
        api.post("/api/v1/channels/", {"url": "https://x.com/Another"}, format="json", HTTP_ORIGIN=ELSEWHERE),
        api.post("/api/v1/verify/?q=x", HTTP_ORIGIN=ELSEWHERE),
        api.patch(f"/api/v1/channels/{channel.pk}/", {}, format="json", HTTP_ORIGIN=ELSEWHERE),
        api.post(f"/api/v1/channels/{channel.pk}/retire/", {}, format="json", HTTP_ORIGIN=ELSEWHERE),
        api.delete("/api/v1/channels.csv", HTTP_ORIGIN=ELSEWHERE),
        api.post("/api/v1/auth/token/", {"email": "x@gco.example", "password": "wrong"}, HTTP_ORIGIN=ELSEWHERE),
    ]
    for response in writes:
        assert response.status_code >= 400
        assert no_cors(response), response.wsgi_request.path
    for method in ("POST", "PATCH", "DELETE", "PUT"):
        preflight = api.options("/en/staff/", HTTP_ORIGIN=ELSEWHERE, HTTP_ACCESS_CONTROL_REQUEST_METHOD=method)
        assert no_cors(preflight)


def test_a_request_with_a_token_is_no_cross_origin_read(channel, make_user):
    """A staff member's token sees non-public channels: its answers are for this site's pages only."""
    _token, key = api_token_issue(user=make_user(reviewer=True), second_factor=True)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/v1/channels/", HTTP_ORIGIN=ELSEWHERE)
    assert response.status_code == 200 and no_cors(response)


def test_a_replayed_answer_keeps_the_cors_headers(client, channel):
    """The replay (accounts/public/replay.py) keys no answer by Origin and runs before the rest of the
    site: the headers are added outside it, to a replayed answer as to a drawn one."""
    address = "/api/v1/verify/?q=https://x.com/CorsMin"
    first = client.get(address)  # drawn, and stored for the replay
    with CaptureQueriesContext(connection) as queries:
        again = client.get(address, HTTP_ORIGIN=ELSEWHERE)
    assert len(queries) == 1  # the register's version only: a replay
    assert again.content == first.content
    assert again[ALLOW_ORIGIN] == "*" and "Access-Control-Allow-Credentials" not in again
    not_modified = client.get(address, HTTP_ORIGIN=ELSEWHERE, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304 and not_modified[ALLOW_ORIGIN] == "*"
