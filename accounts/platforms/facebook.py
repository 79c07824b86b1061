"""Facebook: reading page and profile links and page names; follower counts, and the Graph API's errors."""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.platforms import api
from accounts.platforms.links import (
    HOST_PREFIXES,
    AccountLink,
    AccountLinkError,
    LinkRules,
    Platform,
    SplitLink,
    invalid_handle,
    not_an_account,
    post_without_account,
    reserved_name,
    split_link,
    strip_at,
    with_prefixes,
)
from registry.direction import isolate

PLATFORM = Platform.FACEBOOK
# fb.watch links are always videos; it is listed so they are refused as such, not as an unknown site.
VIDEO_HOSTS = frozenset({"fb.watch"})
HOSTS = (
    with_prefixes(["facebook.com"], (*HOST_PREFIXES, "web."))
    | with_prefixes(["fb.com", "fb.me"])
    | VIDEO_HOSTS
)
EXAMPLE = "https://www.facebook.com/UAEGov"

# Language hosts (ar-ar.facebook.com, en-gb.facebook.com, es-la.facebook.com), seen in links copied
# from Facebook in another language: one "xx-yy" label under facebook.com, which only Facebook serves.
_LANGUAGE_HOST = re.compile(r"[a-z]{2}-[a-z]{2}\.facebook\.com")
_PAGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.]{0,49}")
_ID = re.compile(r"[1-9][0-9]{0,19}")
# Pages without a user name are shown as /{Page-Name}-{id} or /p/{Page-Name}-{id}; user names
# cannot contain "-", so the number after the last "-" is the page id.
_NAME_AND_ID = re.compile(r"[^/\\]+-([1-9][0-9]{4,19})")

# Videos, reels, photos and stories by id: the link does not name the page.
_MEDIA = frozenset({"watch", "reel", "reels", "video", "videos", "photo", "photos", "story.php"})
# Facebook's own pages (and things that are not a page: groups, events, posts by id).
RESERVED = frozenset({
    "ads", "apps", "bookmarks", "business", "checkpoint", "dating", "dialog", "donate", "events",
    "feeds", "friends", "fundraisers", "gaming", "groups", "hashtag", "help", "home", "jobs", "latest",
    "legal", "live", "login", "logout", "marketplace", "media", "memories", "messages", "notes",
    "notifications", "offers", "permalink", "places", "plugins", "policies", "privacy", "recover",
    "saved", "search", "settings", "share", "sharer", "stories", "story", "terms",
})
# Paths whose later segments name a page or its number.
_PAGE_PREFIXES = frozenset({"people", "pages", "p", "pg"})


def rule() -> str:
    # The endings as inserted values: typed into the Arabic sentence, ".com" would show as "com.".
    return _("up to 50 letters (A–Z), digits or dots, not ending in %(com)s or %(net)s; or a page's number.") % {
        "com": isolate(".com", ltr=True), "net": isolate(".net", ltr=True)}


def _page(name: str) -> AccountLink:
    if _ID.fullmatch(name):
        return _numeric(name)
    lowered = name.lower()
    # Facebook refuses user names ending in a domain extension, which keeps "notfacebook.com" out.
    if not _PAGE.fullmatch(name) or name.isdigit() or lowered.endswith((".com", ".net", ".php")):
        raise invalid_handle(name, PLATFORM, rule())
    if lowered in RESERVED | _MEDIA | _PAGE_PREFIXES:  # a bare "watch" would give /watch
        raise reserved_name(name, PLATFORM)
    return AccountLink(
        platform=PLATFORM,
        handle=name,
        handle_key=lowered,
        canonical_url=f"https://www.facebook.com/{name}",
    )


def _numeric(page_id: str) -> AccountLink:
    if not _ID.fullmatch(page_id):
        raise invalid_handle(page_id, PLATFORM, rule())
    # The id namespace is kept apart from names: "id/123" can never equal a page name's key.
    return AccountLink(
        platform=PLATFORM,
        handle=page_id,
        handle_key=f"id/{page_id}",
        canonical_url=f"https://www.facebook.com/profile.php?id={page_id}",
    )


def parse_link(link: SplitLink) -> AccountLink:
    # facebook.com/#!/{page}: the 2010-2012 site's address, which Facebook still sends on to /{page}.
    segments = link.hashbang_segments()
    first = segments[0].lower() if segments else ""
    if first == "profile.php":
        ids = link.query.get("id", [])
        if len(ids) != 1:
            # Facebook reads the last of several ids; refuse rather than pick one.
            raise not_an_account(PLATFORM, EXAMPLE)
        return _numeric(ids[0])
    if first in ("people", "pages") and len(segments) >= 3:
        return _numeric(segments[2])  # /people/{name}/{id}, /pages/{name}/{id}
    if first == "p" and len(segments) >= 2 and (match := _NAME_AND_ID.fullmatch(segments[1])):
        return _numeric(match.group(1))
    if first == "pg" and len(segments) >= 2:
        return _page(segments[1])  # the old /pg/{page}/about form
    if link.host in VIDEO_HOSTS or first in _MEDIA:
        raise post_without_account(PLATFORM, EXAMPLE)
    if not first or first in RESERVED or first in _PAGE_PREFIXES or first.endswith(".php"):
        raise not_an_account(PLATFORM, EXAMPLE)
    if "-" in segments[0] and (match := _NAME_AND_ID.fullmatch(segments[0])):
        return _numeric(match.group(1))
    # /{page}, /{page}/posts/{id}, /{page}/about ... name the page.
    return _page(segments[0])


def parse_handle(text: str) -> AccountLink:
    return _page(strip_at(text))


LINKS = LinkRules(
    platform=PLATFORM,
    hosts=HOSTS,
    parse_link=parse_link,
    parse_handle=parse_handle,
    examples=(EXAMPLE, "https://www.facebook.com/profile.php?id=100064000000000", "UAEGov"),
    owns_extra_host=lambda host: _LANGUAGE_HOST.fullmatch(host) is not None,
)


# --- Meta's Graph API: what its errors mean (Facebook and Instagram) --------------------------

# Error codes for too many calls: application, user, and API-level limits (PLATFORMS.md lists
# them as unconfirmed; Meta's error reference agrees).
THROTTLED = frozenset({4, 17, 32, 613})
# The token: invalid or expired (190), session (102), or not granted the permission asked (10, 200–299).
TOKEN_REFUSED = frozenset({10, 102, 190})


def graph_failure(response, body, *, not_found: Callable[[dict], bool]) -> api.Failure | None:
    """The failure a Graph API error body (`{"error": {"message", "type", "code", "error_subcode",
    "fbtrace_id"}}`) stands for; `not_found` tells the platform's own "no such account" errors.
    None when the body is no Graph error (the status code's meaning applies)."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    code = error.get("code") if isinstance(error.get("code"), int) else None
    message = str(error.get("message") or "")[:200]
    if code in THROTTLED or response.status_code == 429:
        return api.Failure(api.FailureKind.RATE_LIMITED, message, throttled_until(response))
    if code in TOKEN_REFUSED or (code is not None and 200 <= code < 300):
        return api.Failure(api.FailureKind.UNAUTHORISED, message)
    if code in (1, 2) or response.status_code >= 500:  # "unknown error", "service unavailable"
        return api.Failure(api.FailureKind.UNAVAILABLE, message)
    if not_found(error):
        return api.Failure(api.FailureKind.NOT_FOUND, message)
    return api.Failure(api.FailureKind.BAD_RESPONSE, f"Graph API error {code}: {message}")


def throttled_until(response):
    """When Meta lets the app call again: `Retry-After` if sent, else the longest
    `estimated_time_to_regain_access` (minutes) of the business use case usage header, else an hour."""
    if response.headers.get("retry-after"):
        return api.retry_after(response)
    minutes = 0
    try:
        usage = json.loads(response.headers.get("x-business-use-case-usage") or "{}")
        for entries in usage.values():
            for entry in entries:
                minutes = max(minutes, int(entry.get("estimated_time_to_regain_access") or 0))
    except (AttributeError, TypeError, ValueError):
        pass  # an unreadable header: the hour below
    return timezone.now() + (timedelta(minutes=minutes) if minutes > 0 else timedelta(hours=1))


# --- Followers: the Graph API's Page fields ---------------------------------------------------

def _alias_missing(error: dict) -> bool:
    # 803: "(#803) Some of the aliases you requested do not exist"; 100/33: no object with that id.
    return error.get("code") == 803 or (error.get("code") == 100 and error.get("error_subcode") == 33)


def _read_error(response, body) -> api.Failure | None:
    return graph_failure(response, body, not_found=_alias_missing)


class Adapter(api.Adapter):
    """`GET /?ids=a,b&fields=followers_count,...`, up to 50 pages a call, each by the name or
    number it was registered with. A page whose name now belongs to another page reads as an id
    change; a name that is gone, on a page whose id is known, is asked again by id, to tell a
    renamed page (found, its `link` showing the new name: a `renamed` alert) from a vanished one.

    Facebook refuses a whole call when one name in it does not exist (#803). Its message lists
    the missing names, but in words, not in a field; so a refused call is halved until each
    missing name is alone: one vanished page among 50 costs about a dozen more calls, and the
    others are still counted.
    """

    platform = PLATFORM
    batch_size = 50
    # Meta documents app-token limits as 200 calls an hour per app user, with no users for an
    # app token; the Page business limits depend on the Page. 200 an hour is the floor.
    calls = (200, 60 * 60)
    FIELDS = "followers_count,fan_count,name,verification_status,link,website"

    def configured(self) -> bool:
        return bool(api.setting("META_ACCESS_TOKEN"))

    def fetch_batch(self, channels):
        found: dict[str, dict | api.Failure] = {}  # lower-case name or id → the page, or why not
        answers: dict[int, api.Answer] = {}
        renamed = {}  # known id → channel whose name is gone
        try:
            self._read_pages([channel.handle for channel in channels], found)
            for channel in channels:
                page = found.get(channel.handle.lower())
                if isinstance(page, dict):
                    answers[channel.pk] = _profile(page, channel)
                elif page is not None and channel.platform_id and channel.platform_id != channel.handle:
                    renamed[channel.platform_id] = channel
                elif page is not None:
                    answers[channel.pk] = page
                # else not mentioned at all: `fetch` answers so
            if renamed:
                self._read_pages(list(renamed), found)
        except api.PlatformError as error:
            if not found:
                raise  # nothing read: `fetch` shares the failure (and stops, for a refusal)
            for channel in channels:  # keep what was read; the rest share the failure
                if channel.pk not in answers:
                    answers[channel.pk] = error.failure
            return answers
        for page_id, channel in renamed.items():
            page = found.get(page_id)
            answers[channel.pk] = _profile(page, channel) if isinstance(page, dict) else found[channel.handle.lower()]
        return answers

    def _read_pages(self, aliases: list[str], found: dict) -> None:
        """Read these pages into `found`, halving the call on #803 until each missing name is alone."""
        try:
            body = self.get_json(
                api.setting("META_GRAPH_BASE_URL").rstrip("/") + "/",
                params={"ids": ",".join(aliases), "fields": self.FIELDS,
                        "access_token": api.setting("META_ACCESS_TOKEN")},
                read_error=_read_error,
            )
        except api.PlatformError as error:
            if error.failure.kind != api.FailureKind.NOT_FOUND:
                raise
            if len(aliases) == 1:
                found[aliases[0].lower()] = error.failure
                return
            middle = len(aliases) // 2
            self._read_pages(aliases[:middle], found)
            self._read_pages(aliases[middle:], found)
            return
        if not isinstance(body, dict):
            raise api.PlatformError(api.Failure(api.FailureKind.BAD_RESPONSE, "the answer is not an object"))
        for alias, page in body.items():
            if isinstance(page, dict):
                found[str(alias).lower()] = page


def _profile(page: dict, channel) -> api.Answer:
    try:
        followers = api.count(page["followers_count"])
    except (KeyError, TypeError, ValueError):
        # fan_count (likes) is another figure: never put in its place.
        return api.Failure(api.FailureKind.BAD_RESPONSE, "no followers_count for this page")
    status = page.get("verification_status")
    website = str(page.get("website") or "").split()
    return api.Profile(
        followers=followers,
        platform_id=str(page.get("id", "")),
        # A page registered by its number has no name to compare: its name is no rename.
        handle="" if channel.handle_key.startswith("id/") else _page_name(page.get("link")),
        display_name=str(page.get("name") or ""),
        verified=status in ("blue_verified", "gray_verified") if isinstance(status, str) else None,
        profile_url=website[0] if website else "",  # the first of the sites the page lists
    )


def _page_name(link) -> str:
    """The page's name as its Facebook link shows it now; "" for a link by number or elsewhere."""
    if not isinstance(link, str):
        return ""
    try:
        split = split_link(link)
        if not LINKS.owns_host(split.host):
            return ""
        account = parse_link(split)
    except AccountLinkError:
        return ""
    return "" if account.handle_key.startswith("id/") else account.handle
