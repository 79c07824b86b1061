"""YouTube: reading channel links (@handle, channel id, custom and legacy names) and handles; subscriber counts."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.platforms import api
from accounts.platforms.links import (
    AccountLink,
    AccountLinkError,
    LinkRules,
    Platform,
    SplitLink,
    invalid_handle,
    not_an_account,
    other_script_letter,
    post_without_account,
    shown,
    with_prefixes,
)

PLATFORM = Platform.YOUTUBE
# youtu.be links are always videos; it is listed so they are refused as such, not as an unknown site.
SHORT_HOSTS = with_prefixes(["youtu.be"], ("", "www."))
HOSTS = with_prefixes(["youtube.com"]) | SHORT_HOSTS
EXAMPLE = "https://www.youtube.com/@UAEGov"

_CHANNEL_ID = re.compile(r"UC[A-Za-z0-9_-]{22}")  # ids are case-sensitive: keep them as they are
_ASCII_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")

# Videos and posts: the link has the video's id, not its channel.
_VIDEOS = frozenset({"watch", "shorts", "embed", "live", "v", "e", "clip", "playlist", "post", "watch_popup"})
# YouTube's own pages at the top of the site, never a channel's name: youtube.com/{name} reads
# as a channel only when {name} is none of these (compared without case). Gathered from the
# site's own paths (feeds, search, sign-in, legal and help pages, sections such as /gaming or
# /podcasts, programs' endpoints such as /oembed and /iframe_api); a name YouTube may still use
# for a page is refused, never guessed.
RESERVED = frozenset({
    "about", "account", "ads", "alerts", "analytics", "annotation_iframe", "api", "attribution_link",
    "audiolibrary", "browse", "c", "channel", "channel_switcher", "channels", "comment", "comments",
    "copyright", "create_channel", "creators", "csp_report", "dashboard", "dev", "error", "explore",
    "fashion", "feed", "feeds", "gaming", "get_video_info", "handle", "hashtag", "help", "howyoutubeworks",
    "html5", "iframe_api", "img", "inbox", "index", "intl", "jobs", "kids", "learning", "live_chat",
    "live_dashboard", "login", "logout", "messages", "mobile", "movies", "music", "my_videos", "new", "news",
    "nonprofits", "oembed", "oops", "originals", "paid_memberships", "player", "playlists", "podcasts",
    "policies", "premium", "privacy", "profile", "ptracking", "purchases", "red", "redirect", "reporthistory",
    "results", "s", "search", "select_site", "share", "shared", "signin", "signup", "source", "space",
    "sports", "store", "storefront", "studio", "subscribe_embed", "subscription_manager", "supported_browsers",
    "t", "terms", "testtube", "timedtext", "trending", "trends", "tv", "upload", "user", "verify",
    "verify_age", "view_play_list", "yt", "youtubei", *_VIDEOS,
})
# Families of YouTube's own pages: /account_notifications, /account_privacy...
_RESERVED_PREFIXES = ("account_", "feed_", "live_", "yt_")


def _rule() -> str:
    return _("letters, digits, dots, hyphens or underscores; 3 to 30 of them for a handle.")


def _name(value: str, min_length: int, max_length: int) -> str:
    """A handle or custom name, if every character is a letter, digit, mark, "." "_" or "-".

    YouTube handles may be in other scripts than Latin. Text that Unicode would rewrite (not in
    NFC form, e.g. a Kelvin sign for "K") or a letter whose lower case is plain ASCII (the
    Kelvin sign again, "İ") is refused: otherwise it would share a key with an ASCII handle.
    """
    fits = (
        min_length <= len(value) <= max_length
        and unicodedata.is_normalized("NFC", value)
        and all(char in _ASCII_NAME_CHARS or other_script_letter(char) for char in value)
    )
    if not fits or value.startswith(".") or value.endswith("."):
        raise invalid_handle(value, PLATFORM, _rule())
    return value


def _at_handle(value: str) -> AccountLink:
    handle = _name(value, 3, 30)
    return AccountLink(
        platform=PLATFORM,
        handle=f"@{handle}",
        handle_key=f"@{handle.lower()}",
        canonical_url=f"https://www.youtube.com/@{quote(handle, safe='')}",
    )


def _channel(channel_id: str) -> AccountLink:
    if not _CHANNEL_ID.fullmatch(channel_id):
        raise AccountLinkError(
            "invalid_handle",
            _("“%(id)s” is not a YouTube channel id: those are “UC” and 22 more letters, digits, “-” or “_”.")
            % {"id": shown(channel_id)},
        )
    return AccountLink(
        platform=PLATFORM,
        handle=channel_id,
        handle_key=f"channel/{channel_id}",
        canonical_url=f"https://www.youtube.com/channel/{channel_id}",
    )


def _named(namespace: str, value: str) -> AccountLink:
    # /c/{name} and /user/{name} are older, separate namespaces: the key keeps the prefix.
    #
    # What YouTube documents ("Understand your channel URLs", support.google.com/youtube/answer/6180214):
    # a custom URL is served as both youtube.com/c/{name} and youtube.com/{name} (since 2015 the two
    # forms lead to the same channel), so a name at the top of the site is read as the custom URL
    # c/{name}: both spellings share one key. A legacy username is youtube.com/user/{name}, a name of
    # its own that may differ from the channel's custom URL. An @handle is a third namespace: when
    # handles came (2022) most channels with a custom URL were offered it as their handle, "in most
    # cases", and could choose another, and the old URLs keep working; so @{name} and c/{name} may
    # be two channels, and are never taken for one another.
    name = _name(value, 1, 100)
    return AccountLink(
        platform=PLATFORM,
        handle=f"{namespace}/{name}",
        handle_key=f"{namespace}/{name.lower()}",
        canonical_url=f"https://www.youtube.com/{namespace}/{quote(name, safe='')}",
    )


def _from_segments(segments: tuple[str, ...]) -> AccountLink:
    first = segments[0] if segments else ""
    lowered = first.lower()
    if first.startswith("@"):
        return _at_handle(first[1:])  # /@{handle}/videos etc. name the channel too
    if lowered in ("channel", "c", "user") and len(segments) >= 2:
        if lowered == "channel":
            return _channel(segments[1])
        return _named(lowered, segments[1])
    if lowered in _VIDEOS:
        raise post_without_account(PLATFORM, EXAMPLE)
    if not first or lowered in RESERVED or lowered.startswith(_RESERVED_PREFIXES) or "." in first:
        # The site itself (/feed/trending, /results?..., /channel without its id) or one of its
        # files (/robots.txt, /favicon.ico): custom URLs have no dots.
        raise not_an_account(PLATFORM, EXAMPLE)
    # youtube.com/{name}, and its tabs (/videos, /featured, /about...): the custom URL c/{name}.
    return _named("c", first)


def parse_link(link: SplitLink) -> AccountLink:
    if link.host in SHORT_HOSTS:
        raise post_without_account(PLATFORM, EXAMPLE)
    return _from_segments(link.segments)


def parse_handle(text: str) -> AccountLink:
    if "/" in text:
        # "channel/UC...", "c/name", "user/name" typed without the site
        return _from_segments(tuple(part for part in text.split("/") if part))
    if _CHANNEL_ID.fullmatch(text):
        return _channel(text)
    return _at_handle(text.removeprefix("@"))


LINKS = LinkRules(
    platform=PLATFORM,
    hosts=HOSTS,
    parse_link=parse_link,
    parse_handle=parse_handle,
    examples=(EXAMPLE, "https://www.youtube.com/channel/UCxxxxxxxxxxxxxxxxxxxxxx", "@UAEGov"),
)


# --- Subscribers: YouTube Data API v3 ----------------------------------------------------------

# YouTube's quota day starts at midnight Pacific time, whatever the registry's time zone.
QUOTA_TIME_ZONE = ZoneInfo("America/Los_Angeles")
# Refusals every later call would meet too: a batch stops calling at the first one.
_REFUSALS = frozenset({api.FailureKind.RATE_LIMITED, api.FailureKind.QUOTA_EXHAUSTED, api.FailureKind.UNAUTHORISED})
CUSTOM_NAME_DETAIL = (
    "YouTube's API cannot look up a /c/ custom name; record the channel's id (UC…) or register it "
    "by its @handle or /channel/ link"
)


class Adapter(api.Adapter):
    """`channels?part=snippet,statistics&id=` for up to 50 channel ids a call: the channels
    registered by id, and every channel whose permanent id is known (a renamed @handle is still
    found that way, and its new handle opens a `renamed` alert). An @handle whose id is not known
    yet is looked up alone (`forHandle`), as is a legacy /user/ name (`forUsername`); the refresh
    keeps the id it learns, so from then on the channel is read in the batched call.

    A /c/ custom name is not read: the API has no look-up for custom names, and trying the name
    as a handle could count a stranger's channel that happens to hold it. Until the channel's id
    is recorded it answers not_looked_up, saying so: never not_found, whose alert would tell the
    public that a live official channel is gone (a reviewer hears of it as a failing refresh).
    """

    platform = PLATFORM
    batch_size = 50
    # The key's quota: 10,000 units a day, 1 unit a channels call. The limiter's day runs in UTC,
    # YouTube's in Pacific time; a quotaExceeded answer blocks calls until YouTube's midnight.
    calls = (10_000, 24 * 60 * 60)

    def configured(self) -> bool:
        return bool(api.setting("YOUTUBE_API_KEY"))

    def fetch_batch(self, channels):
        answers: dict[int, api.Answer] = {}
        by_id: dict[str, list] = {}
        alone = []  # (channel, its look-up parameter)
        for channel in channels:
            channel_id = channel.platform_id or (channel.handle if channel.handle_key.startswith("channel/") else "")
            if channel_id:
                by_id.setdefault(channel_id, []).append(channel)
            elif channel.handle_key.startswith("@"):
                alone.append((channel, {"forHandle": channel.handle}))
            elif channel.handle_key.startswith("user/"):
                alone.append((channel, {"forUsername": channel.handle.partition("/")[2]}))
            else:
                answers[channel.pk] = api.Failure(api.FailureKind.NOT_LOOKED_UP, CUSTOM_NAME_DETAIL)
        lookups = [({"id": ",".join(by_id)}, [c for group in by_id.values() for c in group])] if by_id else []
        lookups += [(params, [channel]) for channel, params in alone]
        answered = False
        for params, asked in lookups:
            try:
                items = self._channels(params)
            except api.PlatformError as error:
                if error.failure.kind in _REFUSALS:
                    if not answered:
                        raise  # nothing spent yet: `fetch` stops the whole refresh of YouTube
                    # Keep what the quota already paid for; the rest share the refusal.
                    for channel in channels:
                        answers.setdefault(channel.pk, error.failure)
                    return answers
                for channel in asked:
                    answers[channel.pk] = error.failure
                continue
            answered = True
            if "id" in params:
                for item in items:
                    for channel in by_id.get(str(item.get("id", "")), []):
                        answers[channel.pk] = _profile(item, channel)
            elif items:
                answers[asked[0].pk] = _profile(items[0], asked[0])
            for channel in asked:
                answers.setdefault(channel.pk, api.Failure(
                    api.FailureKind.NOT_FOUND, "YouTube has no channel by this " + _asked_by(params)))
        return answers

    def _channels(self, params: dict[str, str]) -> list[dict]:
        body = self.get_json(
            api.setting("YOUTUBE_API_BASE_URL").rstrip("/") + "/channels",
            params={"part": "snippet,statistics", **params, "key": api.setting("YOUTUBE_API_KEY")},
            read_error=_read_error,
        )
        # A list with no match has no `items` at all: only the `kind` tells it from a wrong answer,
        # which must never read as "every channel is gone".
        if not isinstance(body, dict) or body.get("kind") != "youtube#channelListResponse":
            raise api.PlatformError(api.Failure(api.FailureKind.BAD_RESPONSE, "the answer is not a channel list"))
        items = body.get("items", [])
        if not isinstance(items, list):
            raise api.PlatformError(api.Failure(api.FailureKind.BAD_RESPONSE, "the channel list is not a list"))
        return [item for item in items if isinstance(item, dict)]


def _asked_by(params: dict[str, str]) -> str:
    if "forHandle" in params:
        return "handle"
    if "forUsername" in params:
        return "user name"
    return "id (deleted or terminated)"


def _profile(item: dict, channel) -> api.Answer:
    statistics = item.get("statistics")
    if not isinstance(statistics, dict):
        return api.Failure(api.FailureKind.BAD_RESPONSE, "no statistics for this channel")
    if statistics.get("hiddenSubscriberCount") is True:
        # YouTube then sends no count (or a meaningless one): never record it.
        return api.Failure(api.FailureKind.BAD_RESPONSE, "subscriber count hidden by the channel")
    try:
        followers = api.count(statistics["subscriberCount"])  # a string, rounded by YouTube
    except (KeyError, TypeError, ValueError):
        return api.Failure(api.FailureKind.BAD_RESPONSE, "no subscriber count for this channel")
    snippet = item.get("snippet") if isinstance(item.get("snippet"), dict) else {}
    custom_url = str(snippet.get("customUrl") or "")
    # Only a channel registered by @handle has a handle to compare: one registered by id or by a
    # /user/ name would read YouTube's @handle as a rename.
    handle = custom_url if channel.handle_key.startswith("@") and custom_url.startswith("@") else ""
    return api.Profile(
        followers=followers,
        platform_id=str(item.get("id", "")),
        handle=handle,
        display_name=str(snippet.get("title") or ""),
        posts=api.optional_count(statistics.get("videoCount")),  # a string too
    )


def next_quota_day(now: datetime | None = None) -> datetime:
    """When YouTube gives a used-up daily quota back: the next midnight, Pacific time."""
    today = (now or timezone.now()).astimezone(QUOTA_TIME_ZONE).date()
    return datetime.combine(today + timedelta(days=1), time.min, tzinfo=QUOTA_TIME_ZONE)


def _read_error(response, body) -> api.Failure | None:
    """YouTube's error body says why a call was refused: `error.errors[].reason`."""
    error = body.get("error") if response.status_code >= 400 and isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    listed = error.get("errors") if isinstance(error.get("errors"), list) else []
    reasons = {str(entry.get("reason", "")) for entry in listed if isinstance(entry, dict)}
    message = str(error.get("message") or "")[:200]
    if reasons & {"quotaExceeded", "dailyLimitExceeded"}:
        return api.Failure(api.FailureKind.QUOTA_EXHAUSTED, message, next_quota_day())
    if reasons & {"rateLimitExceeded", "userRateLimitExceeded"}:
        return api.Failure(api.FailureKind.RATE_LIMITED, message, api.retry_after(response))
    if reasons & {"keyInvalid", "keyExpired", "accessNotConfigured", "ipRefererBlocked"}:
        return api.Failure(api.FailureKind.UNAUTHORISED, message)
    return None
