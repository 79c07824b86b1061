"""X (formerly Twitter): reading account links and handles."""
from __future__ import annotations

import re
from datetime import UTC, datetime

from django.utils.translation import gettext as _

from accounts.platforms import api
from accounts.platforms.links import AccountLink, HandleRule, Platform, SplitLink, not_an_account, with_prefixes

PLATFORM = Platform.X
HOSTS = with_prefixes(["x.com", "twitter.com"])
_HANDLE = re.compile(r"[A-Za-z0-9_]{1,15}")

# First path segments that are X's own pages, not accounts. Most are also too short or
# otherwise impossible to register, but the list keeps e.g. /home from reading as @home.
RESERVED = frozenset({
    "about", "account", "compose", "download", "explore", "hashtag", "help", "home", "i", "intent",
    "jobs", "login", "logout", "messages", "notifications", "oauth", "privacy", "rules", "search",
    "settings", "share", "signup", "tos", "who_to_follow",
})


def _rule() -> str:
    return _("1 to 15 letters (A–Z), digits or underscores.")


# A bare "home" would give https://x.com/home: refused as X's own page.
HANDLE_RULE = HandleRule(PLATFORM, _HANDLE, _rule, canonical_url="https://x.com/{handle}", reserved=RESERVED)


def parse_link(link: SplitLink) -> AccountLink:
    # /{handle}, and everything under it (/{handle}/status/{id}, /{handle}/media...) names the account.
    # Older links still served by X: /@{handle} (one "@", as people write the handle) and
    # /#!/{handle} (the 2010-2012 site's address, which X sends on to /{handle}).
    segments = link.hashbang_segments()
    if len(segments) == 2 and segments[0].lower() == "intent" and segments[1].lower() in ("follow", "user"):
        # A "Follow" button's link (twitter.com/intent/follow?screen_name=UAEGov) names its one account.
        names = link.query.get("screen_name", [])
        if len(names) == 1:
            return HANDLE_RULE.account(names[0].removeprefix("@"))
    name = segments[0].removeprefix("@") if segments else ""
    if not name or name.lower() in RESERVED:
        raise not_an_account(PLATFORM, "https://x.com/UAEGov")
    return HANDLE_RULE.account(name)


parse_handle = HANDLE_RULE.parse_handle

LINKS = HANDLE_RULE.link_rules(
    HOSTS, parse_link, examples=("https://x.com/UAEGov", "https://twitter.com/UAEGov/status/1234567890", "@UAEGov")
)


# --- Followers: X API v2 ---------------------------------------------------------------------

class Adapter(api.Adapter):
    """`GET /2/users/by?usernames=` for up to 100 handles a call; handles that come back unknown
    but whose permanent id we know are looked up by id (`/2/users?ids=`), to tell a renamed
    account from a vanished one."""

    platform = PLATFORM
    batch_size = 100
    calls = (300, 15 * 60)  # requests per window (seconds), per app
    tells_last_post = True  # most_recent_tweet_id carries its time
    FIELDS = "public_metrics,verified,verified_type,url,entities,name,username,most_recent_tweet_id"

    def configured(self) -> bool:
        return bool(api.setting("X_BEARER_TOKEN"))

    def fetch_batch(self, channels):
        by_handle = {channel.handle_key: channel for channel in channels}
        body = self._get("/2/users/by", {"usernames": ",".join(channel.handle for channel in channels)})
        answers = {}
        for user in _objects(body, "data"):
            channel = by_handle.get(str(user.get("username", "")).lower())
            if channel is not None:
                answers[channel.pk] = _profile(user)
        missing_ids = {}
        for error in _objects(body, "errors"):
            channel = by_handle.get(str(error.get("value", "")).lower())
            if channel is None or channel.pk in answers:
                continue
            answers[channel.pk] = _failure(error)
            if channel.platform_id and answers[channel.pk].kind == api.FailureKind.NOT_FOUND:
                missing_ids[channel.platform_id] = channel
        if missing_ids:
            try:
                renamed = _objects(self._get("/2/users", {"ids": ",".join(missing_ids)}), "data")
            except api.PlatformError as error:
                # The counts already read stand; only the accounts looked up again share the refusal.
                for channel in missing_ids.values():
                    answers[channel.pk] = error.failure
                return answers
            for user in renamed:
                channel = missing_ids.get(str(user.get("id", "")))
                if channel is not None:
                    answers[channel.pk] = _profile(user)
        return answers

    def _get(self, path: str, params: dict[str, str]) -> dict:
        body = self.get_json(
            api.setting("X_API_BASE_URL").rstrip("/") + path,
            params={**params, "user.fields": self.FIELDS},
            headers={"Authorization": f"Bearer {api.setting('X_BEARER_TOKEN')}"},
        )
        if not isinstance(body, dict):
            raise api.PlatformError(api.Failure(api.FailureKind.BAD_RESPONSE, "the answer is not an object"))
        return body


def _profile(user: dict) -> api.Answer:
    try:
        followers = api.count(user["public_metrics"]["followers_count"])
    except (KeyError, TypeError, ValueError):
        return api.Failure(api.FailureKind.BAD_RESPONSE, "no follower count for this account")
    return api.Profile(
        followers=followers,
        platform_id=str(user.get("id", "")),
        handle=str(user.get("username", "")),
        display_name=str(user.get("name", "")),
        verified=bool(user.get("verified")),
        profile_url=_website(user),
        posts=api.optional_count((user.get("public_metrics") or {}).get("tweet_count")),
        last_post_at=snowflake_time(user.get("most_recent_tweet_id")),
    )


# X's ids are Snowflakes: the top 42 bits count milliseconds since X's epoch (4 Nov 2010, 01:42:54.657 UTC).
SNOWFLAKE_EPOCH_MS = 1288834974657


def snowflake_time(post_id) -> datetime | None:
    """When the post with this id was made, read from the id itself; None for no id or not one."""
    text = str(post_id or "")
    if not (text.isascii() and text.isdigit()) or len(text) > 20:
        return None
    since_epoch = int(text) >> 22
    if since_epoch < 24 * 3600 * 1000:
        # Posts from before Snowflakes (2010) had small sequential ids, which carry no time.
        return None
    milliseconds = since_epoch + SNOWFLAKE_EPOCH_MS
    try:
        return datetime.fromtimestamp(milliseconds / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _website(user: dict) -> str:
    """The website on the profile: X gives `url` as a t.co short link, and the address it stands
    for in `entities.url.urls[].expanded_url`."""
    try:
        for link in user["entities"]["url"]["urls"]:
            if link.get("expanded_url"):
                return str(link["expanded_url"])
    except (KeyError, TypeError, AttributeError):
        pass
    url = str(user.get("url") or "")
    return "" if url.startswith("https://t.co/") else url


def _objects(body: dict, key: str) -> list[dict]:
    """`data` or `errors` of an X answer: a list of objects, or the answer is unreadable."""
    value = body.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise api.PlatformError(api.Failure(api.FailureKind.BAD_RESPONSE, f"`{key}` is not a list of objects"))
    return value


def _failure(error: dict) -> api.Failure:
    detail = str(error.get("detail", ""))
    if "suspended" in detail.lower():
        return api.Failure(api.FailureKind.SUSPENDED, detail[:200])
    if str(error.get("type", "")).endswith("/resource-not-found") or error.get("title") == "Not Found Error":
        return api.Failure(api.FailureKind.NOT_FOUND, detail[:200])
    # Anything else about one account (not authorised to see it, ...) says nothing of its existence.
    return api.Failure(api.FailureKind.BAD_RESPONSE, detail[:200] or str(error.get("title", ""))[:200])
