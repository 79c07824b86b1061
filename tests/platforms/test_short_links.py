"""Share links (vm.tiktok.com/…, facebook.com/share/…, t.co/…) opened with one request to a local
stub standing in for the platforms' short-link hosts: which account they lead to, and every way
they are refused."""
from __future__ import annotations

import socket
import time

import pytest
import redis
from django.utils import translation

from accounts.platforms import AccountLink, AccountLinkError, Platform
from accounts.platforms.short_links import (
    CACHE_FAILURE_SECONDS,
    CACHE_SUCCESS_SECONDS,
    MAX_BODY_BYTES,
    SHORT_LINK_HOSTS,
    TIMEOUT_SECONDS,
    USER_AGENT,
    expand,
    is_short_link,
    resolve,
)
from tests.platforms.stub import PlatformStub, Reply

REQUEST_HOSTS = sorted({shape.request_host for shapes in SHORT_LINK_HOSTS.values() for shape in shapes})
TIKTOK_SHARE = "https://vm.tiktok.com/ZMabc123/"
FACEBOOK_SHARE = "https://www.facebook.com/share/1AbCdEfGh/"


@pytest.fixture(autouse=True)
def in_english():
    """The sentences are checked in English (the site's default language is Arabic)."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def server():
    with PlatformStub() as running:
        yield running


@pytest.fixture
def stub(server, settings):
    """Every short-link host answered by the stub; each test starts with no routes and no requests."""
    server.routes.clear()
    server.requests.clear()
    settings.SHORT_LINK_BASE_URLS = {host: server.url for host in REQUEST_HOSTS}
    return server


def redirect(location: str, status: int = 301) -> Reply:
    return Reply(status, b"", {"Location": location})


def page(head: str, padding: int = 0) -> Reply:
    """A 200 answer with an HTML page, as Facebook may give for a share link."""
    return Reply(200, f"<!DOCTYPE html><html><head>{' ' * padding}{head}</head><body></body></html>".encode())


def refused(text: str, platform=None) -> AccountLinkError:
    with pytest.raises(AccountLinkError) as error:
        resolve(text, platform)
    assert error.value.message  # a sentence for the person, not only a code
    return error.value


# --- Which texts are share links (no network) -----------------------------------------------

@pytest.mark.parametrize("text", [
    "https://vm.tiktok.com/ZMabc123/",
    "vm.tiktok.com/ZMabc123",
    "https://vt.tiktok.com/ZSabc123/?k=1",
    "https://www.tiktok.com/t/ZTabc123/",
    "https://www.facebook.com/share/1AbCdEfGh/",
    "https://m.facebook.com/share/1AbCdEfGh/?mibextid=abc",
    "web.facebook.com/share/1AbCdEfGh",
    "https://www.facebook.com/share/p/1AbCdEfGh/",
    "https://www.facebook.com/share/r/1AbCdEfGh/",
    "https://www.facebook.com/share/v/1AbCdEfGh/",
    "https://t.co/AbC123xYz0",
    "https://lnkd.in/dAbC-12x",
    "https://t.snapchat.com/AbCd1234",
    "https://snapchat.com/t/AbCd1234",
    "  HTTPS://VM.TIKTOK.COM/ZMabc123/  ",
])
def test_share_links_are_recognised(text):
    assert is_short_link(text)


@pytest.mark.parametrize("text", [
    "https://youtu.be/dQw4w9WgXcQ",  # a video, never an account
    "https://x.com/UAEGov",
    "https://www.tiktok.com/@uaegov",
    "https://fb.me/UAEGov",  # already a Facebook host: the page UAEGov, nothing to ask
    "https://instagr.am/uaegov",
    "https://www.threads.net/@uaegov",
    "https://www.facebook.com/share/",  # no code
    "https://www.facebook.com/share/p/",  # "p" is the kind, not a code
    "https://www.facebook.com/share/x/1AbCdEfGh/",  # not a kind Facebook uses
    "https://www.facebook.com/share/1AbCdEfGh/extra/",
    "https://www.facebook.com/sharer/sharer.php?u=x",
    "https://vm.tiktok.com/",
    "https://vm.tiktok.com/ZMabc123/more/",
    "https://t.co/ab",  # too short for a code
    "https://vm.tiktok.com.evil.example/ZMabc123/",
    "https://notfacebook.com/share/1AbCdEfGh/",
    "https://evil.example/share/1AbCdEfGh/",
    "https://t.co.evil.example/AbC123xYz0",
    "https://t.co@evil.example/AbC123xYz0",
    "http://vm.tiktok.com:8080/ZMabc123/",
    "https://vm.tiktok.com/../../x",
    "https://vm.tiktok.com/ZM%2Fabc123/",
    "https://vm.tiktok.com/ZM abc123/",
    "ftp://vm.tiktok.com/ZMabc123/",
    "UAEGov",
    "@uaegov",
    "",
    "https://vm.tiktok.com/ZMabc\u200b123/",
])
def test_other_texts_are_not_share_links(text):
    assert not is_short_link(text)


# --- Resolved ----------------------------------------------------------------------------------

def test_a_tiktok_share_link_names_the_account_it_redirects_to(stub):
    stub.route("/ZMabc123/", redirect("https://www.tiktok.com/@uaegov/video/7300000000000000000?is_from_webapp=1"))

    account = resolve(TIKTOK_SHARE)

    assert account == AccountLink(Platform.TIKTOK, "uaegov", "uaegov", "https://www.tiktok.com/@uaegov")
    assert len(stub.requests) == 1
    seen = stub.requests[0]
    assert (seen.method, seen.path) == ("GET", "/ZMabc123/")
    assert seen.headers["user-agent"] == USER_AGENT


def test_a_facebook_share_link_names_the_page_it_redirects_to(stub):
    stub.route("/share/1AbCdEfGh/", redirect("https://www.facebook.com/UAEGov", 302))

    account = resolve(FACEBOOK_SHARE, "facebook")

    assert (account.platform, account.handle, account.handle_key) == (Platform.FACEBOOK, "UAEGov", "uaegov")
    assert len(stub.requests) == 1


@pytest.mark.parametrize("head", [
    '<meta property="og:url" content="https://www.facebook.com/UAEGov/">',
    '<link rel="canonical" href="https://www.facebook.com/UAEGov">',
    '<meta content="https://m.facebook.com/UAEGov?ref=share&amp;mibextid=x" property="og:url" />',
    # The canonical link wins over og:url when both are there.
    '<meta property="og:url" content="https://www.facebook.com/Other"><link rel="canonical" '
    'href="https://www.facebook.com/UAEGov">',
])
def test_a_share_link_answered_with_the_page_itself_is_read_from_its_head(stub, head):
    stub.route("/share/1AbCdEfGh/", page(head))

    assert resolve(FACEBOOK_SHARE).handle == "UAEGov"
    assert len(stub.requests) == 1


def test_a_relative_location_is_on_the_share_links_own_host(stub):
    stub.route("/share/p/1AbCdEfGh/", redirect("/UAEGov/posts/pfbid0abc"))

    assert expand("https://www.facebook.com/share/p/1AbCdEfGh/") == "https://www.facebook.com/UAEGov/posts/pfbid0abc"
    assert resolve("https://www.facebook.com/share/p/1AbCdEfGh/").handle == "UAEGov"


def test_the_request_goes_to_the_allow_listed_host_whatever_spelling_was_pasted(stub, server, settings):
    # Only www.facebook.com is pointed at the stub: a request anywhere else would fail.
    settings.SHORT_LINK_BASE_URLS = {"www.facebook.com": server.url}
    stub.route("/share/1AbCdEfGh/", redirect("https://www.facebook.com/UAEGov"))

    assert resolve("m.facebook.com/share/1AbCdEfGh?mibextid=wwXIfr&x=/../evil").handle == "UAEGov"
    assert [seen.path for seen in stub.requests] == ["/share/1AbCdEfGh/"]
    assert stub.requests[0].query == {}  # nothing of the pasted query is sent


def test_an_x_short_link_is_taken_only_when_it_leads_to_x(stub):
    stub.route("/AbC123xYz0", redirect("https://twitter.com/UAEGov/status/1234567890"))

    account = resolve("https://t.co/AbC123xYz0")

    assert (account.platform, account.handle) == (Platform.X, "UAEGov")
    assert [seen.path for seen in stub.requests] == ["/AbC123xYz0"]


@pytest.mark.parametrize(("text", "path", "target", "expected"), [
    ("https://lnkd.in/dAbC-12x", "/dAbC-12x", "https://ae.linkedin.com/company/uaegov/", "company/uaegov"),
    ("https://t.snapchat.com/AbCd1234", "/AbCd1234", "https://www.snapchat.com/add/uaegov", "uaegov"),
    ("https://snapchat.com/t/AbCd1234", "/t/AbCd1234", "https://www.snapchat.com/@uaegov", "uaegov"),
    ("https://www.tiktok.com/t/ZTabc123/", "/t/ZTabc123/", "https://www.tiktok.com/@uaegov", "uaegov"),
])
def test_the_other_platforms_share_links(stub, text, path, target, expected):
    stub.route(path, redirect(target))

    assert resolve(text).handle == expected
    assert [seen.path for seen in stub.requests] == [path]


# --- Refused: where it leads ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "path", "target", "host"), [
    (TIKTOK_SHARE, "/ZMabc123/", "https://evil.example/@x", "evil.example"),
    (TIKTOK_SHARE, "/ZMabc123/", "//tiktok.com.evil.example/@uaegov", "tiktok.com.evil.example"),
    (FACEBOOK_SHARE, "/share/1AbCdEfGh/", "https://www.instagram.com/uaegov/", "www.instagram.com"),
    # t.co shortens any address: X's own short-link host is no X page either.
    ("https://t.co/AbC123xYz0", "/AbC123xYz0", "https://evil.example/UAEGov", "evil.example"),
    ("https://t.co/AbC123xYz0", "/AbC123xYz0", "https://t.co/ZzZ987", "t.co"),
    ("https://lnkd.in/dAbC-12x", "/dAbC-12x", "https://linkedin.com.evil.example/company/uaegov",
     "linkedin.com.evil.example"),
])
def test_a_share_link_leading_off_its_platform_is_refused_and_says_where(stub, text, path, target, host):
    stub.route(path, redirect(target))

    error = refused(text)

    assert error.code == "short_link_elsewhere"
    assert host in error.message
    assert len(stub.requests) == 1


def test_a_page_naming_another_site_is_refused_too(stub):
    stub.route("/share/1AbCdEfGh/", page('<link rel="canonical" href="https://evil.example/UAEGov">'))

    assert refused(FACEBOOK_SHARE).code == "short_link_elsewhere"


@pytest.mark.parametrize("target", [
    "https://vt.tiktok.com/ZSxyz789/",
    "https://vm.tiktok.com/ZMabc123/",  # itself
    "https://tiktok.com/t/ZTabc123/",
])
def test_a_share_link_leading_to_another_share_link_is_not_followed(stub, target):
    stub.route("/ZMabc123/", redirect(target))
    stub.route("/ZSxyz789/", redirect("https://www.tiktok.com/@uaegov"))
    stub.route("/t/ZTabc123/", redirect("https://www.tiktok.com/@uaegov"))

    assert refused(TIKTOK_SHARE).code == "short_link_unresolved"
    assert [seen.path for seen in stub.requests] == ["/ZMabc123/"]


@pytest.mark.parametrize("target", [
    "https://www.tiktok.com@evil.example/@uaegov",  # a host hidden behind "@"
    "https://www.tiktok.com:8443/@uaegov",
    "javascript:alert(1)",
    "snssdk1233://user/profile/123",  # the app's own scheme
])
def test_a_target_that_cannot_be_read_as_a_web_page_is_refused(stub, target):
    stub.route("/ZMabc123/", redirect(target))

    assert refused(TIKTOK_SHARE).code in ("short_link_unresolved", "short_link_elsewhere")
    assert len(stub.requests) == 1


def test_a_share_link_to_a_post_without_its_account_says_so(stub):
    stub.route("/share/p/1AbCdEfGh/", redirect("https://www.facebook.com/permalink.php?story_fbid=1&id=2"))

    error = refused("https://www.facebook.com/share/p/1AbCdEfGh/")

    assert error.code == "not_an_account"
    assert "share link" in error.message


def test_a_share_link_for_another_platform_than_chosen_is_refused_without_asking(stub):
    error = refused(TIKTOK_SHARE, Platform.INSTAGRAM)

    assert error.code == "platform_mismatch"
    assert stub.requests == []


# --- Refused: no answer -------------------------------------------------------------------------

@pytest.mark.parametrize("reply", [
    Reply(404, b"Not Found"),
    Reply(500, b"oops"),
    Reply(302, b""),  # a redirect without a Location
    Reply(200, b"<html><head><title>Log in</title></head></html>"),  # a page that does not say what it is
    Reply(403, b"", {"Location": "https://www.tiktok.com/@uaegov"}),
])
def test_a_share_link_the_platform_does_not_open_is_unresolved(stub, reply):
    stub.route("/ZMabc123/", reply)

    error = refused(TIKTOK_SHARE)

    assert error.code == "short_link_unresolved"
    assert "profile page" in error.message
    assert len(stub.requests) == 1


def test_a_share_link_with_no_answer_in_time_is_unresolved(stub):
    calls = []

    def slow_once(seen):
        calls.append(seen)
        return Reply(301, b"", {"Location": "https://www.tiktok.com/@uaegov"}, delay=3.5 if len(calls) == 1 else 0)

    stub.route("/ZMabc123/", slow_once)
    started = time.monotonic()

    assert refused(TIKTOK_SHARE).code == "short_link_unresolved"
    assert time.monotonic() - started < TIMEOUT_SECONDS + 0.4
    assert len(stub.requests) == 1


def test_an_unreachable_host_is_unresolved(stub, settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    settings.SHORT_LINK_BASE_URLS = {"vm.tiktok.com": closed}

    assert refused(TIKTOK_SHARE).code == "short_link_unresolved"


def test_only_the_start_of_a_page_is_read(stub):
    # The address named past the first 256 KB is never seen.
    stub.route("/share/1AbCdEfGh/", page('<meta property="og:url" content="https://www.facebook.com/UAEGov">',
                                         padding=MAX_BODY_BYTES))

    assert refused(FACEBOOK_SHARE).code == "short_link_unresolved"


@pytest.mark.parametrize("text", [
    "https://vm.tiktok.com/../../x",
    "https://vm.tiktok.com/%2e%2e/x/",
    "https://vm.tiktok.com/ZM%2F..%2Fx/",
    "https://vm.tiktok.com/ZMabc%2F123/",
    "https://vm.tiktok.com/ZM%3Fa=b/",
    "https://www.facebook.com/share/1AbC%23x/",
    "https://t.co/" + "a" * 65,
    "https://x.com/UAEGov",  # not a share link at all
])
def test_a_code_that_is_not_a_share_code_is_refused_without_asking(stub, text):
    stub.route("/x", redirect("https://www.tiktok.com/@uaegov"))

    error = refused(text)

    assert error.code == "invalid_link"
    assert stub.requests == []
    with pytest.raises(AccountLinkError):
        expand(text)
    assert stub.requests == []


# --- One request, then the cache --------------------------------------------------------------

def test_a_resolved_share_link_is_asked_once(stub):
    stub.route("/ZMabc123/", redirect("https://www.tiktok.com/@uaegov"))

    first = resolve(TIKTOK_SHARE)
    second = resolve("vm.tiktok.com/ZMabc123?lang=ar")

    assert first == second
    assert len(stub.requests) == 1


def test_a_failure_is_remembered_and_refused_the_same(stub):
    stub.route("/ZMabc123/", redirect("https://evil.example/@x"))
    first = refused(TIKTOK_SHARE)
    stub.route("/ZMabc123/", redirect("https://www.tiktok.com/@uaegov"))  # too late: the refusal is cached

    second = refused(TIKTOK_SHARE)

    assert first.code == "short_link_elsewhere"
    assert (second.code, second.message) == (first.code, first.message)
    assert len(stub.requests) == 1


def test_codes_differing_in_case_or_host_are_different_links(stub):
    stub.route("/ZMabc123/", redirect("https://www.tiktok.com/@one"))
    stub.route("/ZMABC123/", redirect("https://www.tiktok.com/@two"))

    assert resolve("https://vm.tiktok.com/ZMabc123/").handle == "one"
    assert resolve("https://vm.tiktok.com/ZMABC123/").handle == "two"
    assert resolve("https://vt.tiktok.com/ZMabc123/").handle == "one"  # vt.tiktok.com is asked on its own
    assert len(stub.requests) == 3


def test_success_is_kept_a_day_and_failure_five_minutes(stub, redis_url, settings):
    stub.route("/ZMabc123/", redirect("https://www.tiktok.com/@uaegov"))
    stub.route("/ZSxyz789/", Reply(404, b""))

    resolve(TIKTOK_SHARE)
    refused("https://vt.tiktok.com/ZSxyz789/")

    client = redis.Redis.from_url(redis_url)
    ttls = {key.decode().rsplit(":", 1)[-1]: client.ttl(key) for key in client.scan_iter("*short-link:*")}
    assert set(ttls) == {"vm.tiktok.com/ZMabc123/", "vt.tiktok.com/ZSxyz789/"}
    assert CACHE_SUCCESS_SECONDS - 60 < ttls["vm.tiktok.com/ZMabc123/"] <= CACHE_SUCCESS_SECONDS
    assert CACHE_FAILURE_SECONDS - 60 < ttls["vt.tiktok.com/ZSxyz789/"] <= CACHE_FAILURE_SECONDS
