"""Platform share links (vm.tiktok.com/…, facebook.com/share/…, t.co/…): which account they lead to.

A link copied from a phone app often hides the account behind a short code. The registry asks
the platform once: ONE request, to a fixed host on the allow-list below (never a host taken from
the pasted text; only the short code, checked character by character, comes from it), no
redirect followed, a few seconds at most. The answer counts only if it names a page on that same
platform; a share link that leads anywhere else is refused, and said so, because an official
account's share link would not.

Error codes (besides those of `parse_account_link`): short_link_unresolved, short_link_elsewhere,
and invalid_link for text that is not one of these share links.
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from accounts.platforms import LINK_RULES, parse_account_link
from accounts.platforms.links import (
    HOST_PREFIXES,
    AccountLink,
    AccountLinkError,
    Platform,
    PlatformMismatch,
    SplitLink,
    clean_text,
    shown,
    split_link,
    with_prefixes,
)
from registry.direction import isolate

log = logging.getLogger(__name__)

# Each network step (connect, send, each read) waits at most this long, and the page body is
# read for at most this long from the start: verify answers a person who is waiting.
TIMEOUT_SECONDS = 3.0
# A share page that answers with HTML names its target in <head>; more than this is not read.
MAX_BODY_BYTES = 256 * 1024
USER_AGENT = "OfficialAccountsRegistry/1.0 (+verify)"
# A viral share link costs one request a day, not one per person who checks it; a failure is
# asked again soon, as the platform may only have been slow.
CACHE_SUCCESS_SECONDS = 24 * 60 * 60
CACHE_FAILURE_SECONDS = 5 * 60

# The short code: the only part of the request taken from the pasted text. Real codes are 8 to
# 20 characters; the floor keeps "facebook.com/share/p" from reading as the code "p".
SHORT_CODE = re.compile(r"[A-Za-z0-9_-]{4,64}")

UNRESOLVED = "short_link_unresolved"
ELSEWHERE = "short_link_elsewhere"


@dataclass(frozen=True)
class ShortLinkShape:
    """One form of a platform's share link: its host names, the fixed path before the code,
    and the one base the request goes to."""

    platform: Platform
    hosts: frozenset[str]  # exact host names, as pasted
    prefix: tuple[str, ...]  # fixed path segments before the code, lower-case
    request_host: str  # the host asked, whatever spelling of `hosts` was pasted
    trailing_slash: bool  # the form the app gives: asking another form costs a redirect of its own

    def path(self, code: str) -> str:
        return "/" + "/".join((*self.prefix, code)) + ("/" if self.trailing_slash else "")


@dataclass(frozen=True)
class ShortLink:
    """A pasted share link, read: its shape and its checked code."""

    shape: ShortLinkShape
    code: str

    @property
    def platform(self) -> Platform:
        return self.shape.platform

    @property
    def public_url(self) -> str:
        return f"https://{self.shape.request_host}{self.shape.path(self.code)}"

    @property
    def cache_key(self) -> str:
        return f"short-link:{self.platform}:{self.shape.request_host}{self.shape.path(self.code)}"


def _shape(platform: Platform, hosts: Iterable[str], prefix: tuple[str, ...], request_host: str,
           trailing_slash: bool) -> ShortLinkShape:
    return ShortLinkShape(platform, frozenset(hosts), prefix, request_host, trailing_slash)


_FACEBOOK = with_prefixes(["facebook.com"], (*HOST_PREFIXES, "web."))

# The allow-list: only the platforms' own share-link hosts, in the forms their apps give.
# Not here on purpose: youtu.be (a video, never an account), fb.me/NAME (already a Facebook
# host, read as the page NAME without asking), instagr.am (Instagram's old host for the same
# paths, nothing to ask), Threads (no share-link host), and any general shortener.
SHORT_LINK_HOSTS: dict[Platform, tuple[ShortLinkShape, ...]] = {
    Platform.FACEBOOK: (
        # /share/{id}/ for a profile or page; /share/p|r|v/{id}/ for a post, reel or video.
        _shape(Platform.FACEBOOK, _FACEBOOK, ("share",), "www.facebook.com", True),
        *(_shape(Platform.FACEBOOK, _FACEBOOK, ("share", kind), "www.facebook.com", True) for kind in "prv"),
    ),
    Platform.TIKTOK: (
        _shape(Platform.TIKTOK, {"vm.tiktok.com"}, (), "vm.tiktok.com", True),
        _shape(Platform.TIKTOK, {"vt.tiktok.com"}, (), "vt.tiktok.com", True),
        _shape(Platform.TIKTOK, with_prefixes(["tiktok.com"]), ("t",), "www.tiktok.com", True),
    ),
    # t.co shortens any address posted on X: only a target on X itself is taken (X's own hosts).
    Platform.X: (_shape(Platform.X, {"t.co"}, (), "t.co", False),),
    Platform.LINKEDIN: (_shape(Platform.LINKEDIN, {"lnkd.in"}, (), "lnkd.in", False),),
    Platform.SNAPCHAT: (
        _shape(Platform.SNAPCHAT, {"t.snapchat.com"}, (), "t.snapchat.com", False),
        _shape(Platform.SNAPCHAT, with_prefixes(["snapchat.com"], ("", "www.")), ("t",), "www.snapchat.com", False),
    ),
}


def _shape_of(link: SplitLink) -> ShortLinkShape | None:
    """The share-link form this link has (host and path around one code), or None."""
    for shapes in SHORT_LINK_HOSTS.values():
        for shape in shapes:
            if (link.host in shape.hosts and len(link.segments) == len(shape.prefix) + 1
                    and tuple(segment.lower() for segment in link.segments[:-1]) == shape.prefix):
                return shape
    return None


def _read(text: str) -> ShortLink | None:
    """The share link the text is, with a code safe to put in a request; None if it is not one.
    Raises the reading refusals of `split_link` (empty, ".." steps, a hidden host...)."""
    link = split_link(clean_text(text))
    shape = _shape_of(link)
    if shape is None or not SHORT_CODE.fullmatch(link.segments[-1]):
        return None
    return ShortLink(shape, link.segments[-1])


def is_short_link(text: str) -> bool:
    """Whether the pasted text is one of the platforms' share links `expand` can open (no network)."""
    try:
        return _read(text) is not None
    except AccountLinkError:
        return False


def expand(text: str) -> str:
    """The address the share link leads to, on its own platform, asking the platform once (or the
    cache). Raises AccountLinkError: short_link_unresolved, short_link_elsewhere, or invalid_link."""
    short = _readable(text)
    outcome = _Outcome.from_cache(cache.get(short.cache_key))
    if outcome is None:
        outcome = _ask(short)
        cache.set(short.cache_key, outcome.for_cache(),
                  CACHE_SUCCESS_SECONDS if outcome.target else CACHE_FAILURE_SECONDS)
    if outcome.target:
        return outcome.target
    raise _refusal(outcome, short.platform)


def resolve(text: str, platform: Platform | str | None = None) -> AccountLink:
    """The account a share link leads to: `expand`, then the target read as any pasted link is."""
    short = _readable(text)
    chosen = platform.value if isinstance(platform, Platform) else str(platform or "").strip().lower()
    if chosen in Platform.values and chosen != short.platform:
        # Refused before asking anyone, as the same link on the platform's own host would be.
        raise PlatformMismatch(found=short.platform, chosen=Platform(chosen))
    target = expand(text)
    try:
        return parse_account_link(target, platform or short.platform)
    except AccountLinkError as error:
        if error.code != "not_an_account":
            raise
        # The target's own sentence would speak of a link the person never pasted.
        raise AccountLinkError(
            "not_an_account",
            _("This share link opens a %(platform)s page that is not an account, such as a post or a group. "
              "Paste the link of the account's own page, such as %(example)s.")
            % {"platform": short.platform.label, "example": isolate(LINK_RULES[short.platform].examples[0], ltr=True)},
        ) from error


def _readable(text: str) -> ShortLink:
    short = _read(text)
    if short is None:
        raise AccountLinkError(
            "invalid_link",
            _("This is not a share link that can be opened: a share link ends in a short code of letters "
              "and digits. Copy it again from the app, or paste the account's own link (its profile page)."),
        )
    return short


# --- The one request ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Outcome:
    """What asking the platform gave, as cached: a target, or a refusal's code (and the host it led to)."""

    target: str = ""
    code: str = ""
    host: str = ""

    # Cached as plain strings, so a cached answer outlives a change to this class.
    def for_cache(self) -> tuple[str, str, str]:
        return (self.target, self.code, self.host)

    @classmethod
    def from_cache(cls, value) -> _Outcome | None:
        if not (isinstance(value, tuple) and len(value) == 3 and all(isinstance(part, str) for part in value)):
            return None  # nothing cached (or something unreadable): ask again
        return cls(*value)


def _ask(short: ShortLink) -> _Outcome:
    base = settings.SHORT_LINK_BASE_URLS.get(short.shape.request_host) or f"https://{short.shape.request_host}"
    url = base.rstrip("/") + short.shape.path(short.code)
    deadline = time.monotonic() + TIMEOUT_SECONDS
    try:
        with httpx.Client(timeout=httpx.Timeout(TIMEOUT_SECONDS), follow_redirects=False,
                          headers={"User-Agent": USER_AGENT}) as client, client.stream("GET", url) as response:
            if response.is_redirect:
                locations = response.headers.get_list("location")
                if len(locations) != 1:
                    return _unresolved(short, f"{len(locations)} Location headers")
                return _target(short, locations[0])
            if response.status_code == 200:
                # Facebook may answer with the page itself rather than a redirect: its <head> names it.
                named = _page_address(_bounded_body(response, deadline))
                if named is None:
                    return _unresolved(short, "a page without a canonical link")
                return _target(short, named)
            return _unresolved(short, f"status {response.status_code}")
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
        return _unresolved(short, f"{type(exc).__name__}: {exc}")


def _bounded_body(response: httpx.Response, deadline: float) -> str:
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) >= MAX_BODY_BYTES or time.monotonic() > deadline:
            break  # what has come so far is read; a page names itself early, in <head>
    return bytes(body[:MAX_BODY_BYTES]).decode("utf-8", errors="replace")


def _target(short: ShortLink, location: str) -> _Outcome:
    """The address the platform pointed to, if it is a page of that same platform that needs no
    further request."""
    # Relative to the public share link, never to a test stub's address: "/UAEGov" on
    # www.facebook.com is https://www.facebook.com/UAEGov.
    address = urljoin(short.public_url, location.strip())
    try:
        address = clean_text(address)
        link = split_link(address)
    except AccountLinkError:
        return _unresolved(short, f"an unreadable target {address[:200]!r}")
    if not LINK_RULES[short.platform].owns_host(link.host):
        log.info("share link %s leads off %s, to %s", short.public_url, short.platform.label, link.host)
        return _Outcome(code=ELSEWHERE, host=link.host)
    if _shape_of(link) is not None:
        # One request per share link, never a chain of them.
        return _unresolved(short, f"another share link {address[:200]!r}")
    return _Outcome(target=address)


def _unresolved(short: ShortLink, why: str) -> _Outcome:
    log.info("share link %s not resolved: %s", short.public_url, why)
    return _Outcome(code=UNRESOLVED)


def _refusal(outcome: _Outcome, platform: Platform) -> AccountLinkError:
    if outcome.code == ELSEWHERE:
        return AccountLinkError(
            ELSEWHERE,
            _("This %(platform)s share link leads to a page on %(host)s, not on %(platform)s. An official "
              "account's share link would not do that, so treat it with care. Open the account in the app, "
              "copy its own link (its profile page), and check that instead.")
            % {"platform": platform.label, "host": shown(outcome.host)},
        )
    return AccountLinkError(
        UNRESOLVED,
        _("We could not open this share link to see which account it belongs to. Open it in the app, copy "
          "the account's own link (its profile page), and check that instead."),
    )


class _PageAddress(HTMLParser):
    """Reads <link rel="canonical" href> and <meta property="og:url" content> from a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.canonical: str | None = None
        self.og_url: str | None = None

    def handle_starttag(self, tag, attrs):
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "link" and "canonical" in values.get("rel", "").lower().split() and self.canonical is None:
            self.canonical = values.get("href") or None
        elif tag == "meta" and values.get("property", "").lower() == "og:url" and self.og_url is None:
            self.og_url = values.get("content") or None


def _page_address(html: str) -> str | None:
    """The address a page gives for itself: its canonical link, else its og:url."""
    parser = _PageAddress()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # HTMLParser on badly broken markup
        pass
    return parser.canonical or parser.og_url
