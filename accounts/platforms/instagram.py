"""Instagram: reading account links and handles; follower counts of business and creator accounts."""
from __future__ import annotations

import re
from urllib.parse import quote

from django.utils.translation import gettext as _

from accounts.platforms import api
from accounts.platforms.facebook import graph_failure
from accounts.platforms.links import (
    AccountLink,
    HandleRule,
    Platform,
    SplitLink,
    not_an_account,
    post_without_account,
    with_prefixes,
)

PLATFORM = Platform.INSTAGRAM
# instagr.am: Instagram's first short domain, still sending /{handle} on to instagram.com/{handle}.
HOSTS = with_prefixes(["instagram.com"]) | with_prefixes(["instagr.am"], ("", "www."))
# Threads uses the same handles. A dot may not start or end one, nor follow another.
HANDLE = re.compile(r"(?!\.)(?!.*\.\.)(?!.*\.\Z)[A-Za-z0-9._]{1,30}")
EXAMPLE = "https://www.instagram.com/uaegov/"

# Posts, reels and videos: the link has only the media's code, not the account.
_MEDIA = frozenset({"p", "reel", "reels", "tv"})
# Instagram's own pages, never accounts.
RESERVED = frozenset({
    "about", "accounts", "api", "challenge", "developer", "direct", "directory", "emails", "explore",
    "graphql", "legal", "lite", "oauth", "press", "privacy", "s", "session", "terms", "web",
})
# Paths that name an account in their second segment.
_ACCOUNT_PREFIXES = frozenset({"stories", "_u"})


def rule() -> str:
    return _("1 to 30 letters (A–Z), digits, dots or underscores; no dot first, last or twice in a row.")


HANDLE_RULE = HandleRule(
    PLATFORM,
    HANDLE,
    rule,
    canonical_url="https://www.instagram.com/{handle}/",
    reserved=RESERVED | _MEDIA | _ACCOUNT_PREFIXES,  # a bare "p" would give /p/
)


def parse_link(link: SplitLink) -> AccountLink:
    segments = link.segments
    first = segments[0].lower() if segments else ""
    if first in _MEDIA:
        raise post_without_account(PLATFORM, EXAMPLE)
    if first in _ACCOUNT_PREFIXES and len(segments) >= 2:
        # /stories/{handle}/{id} and the app's /_u/{handle} name the account; /stories/highlights/ does not.
        if segments[1].lower() == "highlights":
            raise not_an_account(PLATFORM, EXAMPLE)
        return HANDLE_RULE.account(segments[1])
    if not first or first in RESERVED or first in _ACCOUNT_PREFIXES:
        raise not_an_account(PLATFORM, EXAMPLE)
    # /{handle}/, /{handle}/reels/, /{handle}/p/{code}/ all name the account.
    return HANDLE_RULE.account(segments[0])


parse_handle = HANDLE_RULE.parse_handle

LINKS = HANDLE_RULE.link_rules(
    HOSTS, parse_link, examples=(EXAMPLE, "https://www.instagram.com/stories/uaegov/", "@uaegov")
)


# --- Followers: the Graph API's business discovery --------------------------------------------

class Adapter(api.Adapter):
    """`GET /{our business account}?fields=business_discovery.username({handle}){...}`, one
    account a call, read through the GCO's own Instagram business account. Only business and
    creator accounts can be read so (Meta refuses a personal one). Instagram is asked
    by handle only (business discovery takes no id), so a renamed account reads as not found,
    and a handle now held by another account as an id change.
    """

    platform = PLATFORM
    batch_size = 1
    # Business discovery counts against the business account's Business Use Case limit, which
    # Meta sizes by the account's reach; 200 an hour is the floor Meta's app limits start from.
    calls = (200, 60 * 60)
    FIELDS = "followers_count,media_count,username,id,name,website"

    def configured(self) -> bool:
        return bool(api.setting("META_ACCESS_TOKEN") and api.setting("META_INSTAGRAM_USER_ID"))

    def fetch_batch(self, channels):
        answers = {}
        for channel in channels:
            if not HANDLE.fullmatch(channel.handle):
                # The handle is written into a field expression: nothing but a handle may go there.
                answers[channel.pk] = api.Failure(api.FailureKind.NOT_FOUND, "not an Instagram handle")
                continue
            own_account = quote(api.setting("META_INSTAGRAM_USER_ID"), safe="")
            body = self.get_json(
                f"{api.setting('META_GRAPH_BASE_URL').rstrip('/')}/{own_account}",
                params={"fields": f"business_discovery.username({channel.handle}){{{self.FIELDS}}}",
                        "access_token": api.setting("META_ACCESS_TOKEN")},
                read_error=_read_error,
            )
            found = body.get("business_discovery") if isinstance(body, dict) else None
            answers[channel.pk] = (_profile(found) if isinstance(found, dict) else
                                   api.Failure(api.FailureKind.BAD_RESPONSE, "no business_discovery in the answer"))
        return answers


def _account_missing(error: dict) -> bool:
    # 110/2207013: "The user with username: … cannot be found." (also a personal account's answer)
    return (error.get("code") == 110 or error.get("error_subcode") == 2207013
            or "cannot be found" in str(error.get("message", "")).lower())


def _read_error(response, body) -> api.Failure | None:
    return graph_failure(response, body, not_found=_account_missing)


def _profile(account: dict) -> api.Answer:
    try:
        followers = api.count(account["followers_count"])
    except (KeyError, TypeError, ValueError):
        return api.Failure(api.FailureKind.BAD_RESPONSE, "no followers_count for this account")
    return api.Profile(
        followers=followers,
        platform_id=str(account.get("id", "")),
        handle=str(account.get("username") or ""),
        display_name=str(account.get("name") or ""),
        profile_url=str(account.get("website") or ""),
        posts=api.optional_count(account.get("media_count")),
    )
