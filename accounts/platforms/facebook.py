"""Facebook: reading page and profile links and page names."""
from __future__ import annotations

import re

from django.utils.translation import gettext as _

from accounts.platforms.links import (
    HOST_PREFIXES,
    AccountLink,
    LinkRules,
    Platform,
    SplitLink,
    invalid_handle,
    not_an_account,
    post_without_account,
    reserved_name,
    strip_at,
    with_prefixes,
)

PLATFORM = Platform.FACEBOOK
# fb.watch links are always videos; it is listed so they are refused as such, not as an unknown site.
VIDEO_HOSTS = frozenset({"fb.watch"})
HOSTS = (
    with_prefixes(["facebook.com"], (*HOST_PREFIXES, "web."))
    | with_prefixes(["fb.com", "fb.me"])
    | VIDEO_HOSTS
)
EXAMPLE = "https://www.facebook.com/UAEGov"

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
    return _("up to 50 letters (A–Z), digits or dots, not ending in .com or .net; or a page's number.")


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
    segments = link.segments
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
)
