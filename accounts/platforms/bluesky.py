"""Bluesky: reading profile links, domain handles and DIDs; follower counts."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.platforms import api
from accounts.platforms.links import (
    AccountLink,
    LinkRules,
    Platform,
    SplitLink,
    invalid_handle,
    not_an_account,
    strip_at,
    with_prefixes,
)

PLATFORM = Platform.BLUESKY
HOSTS = with_prefixes(["bsky.app"])
EXAMPLE = "https://bsky.app/profile/uaegov.bsky.social"

# AT Protocol handle syntax: a DNS name of letters, digits and hyphens, at least two labels,
# the last starting with a letter, at most 253 characters.
_HANDLE = re.compile(
    r"(?=.{1,253}\Z)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
)
# Top-level names the protocol refuses for handles.
_DISALLOWED_TLDS = frozenset({
    "alt", "arpa", "example", "internal", "invalid", "local", "localhost", "onion", "test",
})
# did:plc ids are lower-case base32; did:web names a domain. Both are permanent, so case is kept.
_DID = re.compile(r"did:plc:[a-z2-7]{24}|did:web:[a-z0-9.-]{1,253}")


def _rule() -> str:
    return _("a domain name such as uaegov.bsky.social, or a did:plc: identifier.")


def _account(value: str) -> AccountLink:
    if value.startswith("did:"):
        if not _DID.fullmatch(value):
            raise invalid_handle(value, PLATFORM, _rule())
        key = value
    else:
        if not _HANDLE.fullmatch(value) or value.rsplit(".", 1)[-1].lower() in _DISALLOWED_TLDS:
            raise invalid_handle(value, PLATFORM, _rule())
        key = value.lower()  # handles are domain names: case does not matter
    return AccountLink(
        platform=PLATFORM, handle=value, handle_key=key, canonical_url=f"https://bsky.app/profile/{value}"
    )


def parse_link(link: SplitLink) -> AccountLink:
    segments = link.segments
    if len(segments) >= 2 and segments[0].lower() == "profile":
        # /profile/{handle}/post/{id}, /profile/{handle}/feed/{name} name the account too.
        return _account(strip_at(segments[1]))
    raise not_an_account(PLATFORM, EXAMPLE)


def parse_handle(text: str) -> AccountLink:
    return _account(strip_at(text))


LINKS = LinkRules(
    platform=PLATFORM,
    hosts=HOSTS,
    parse_link=parse_link,
    parse_handle=parse_handle,
    examples=(
        EXAMPLE,
        "https://bsky.app/profile/uaegov.bsky.social/post/3kabcdefghi2x",
        "@uaegov.bsky.social",
    ),
)


# --- Followers: the public AppView ----------------------------------------------------------

class Adapter(api.Adapter):
    """`app.bsky.actor.getProfiles?actors=a&actors=b`, up to 25 actors a call, each channel asked
    by its handle (or by its DID, when it was registered by one). A handle that now names another
    DID reads as an id change. Channels missing from the answer whose DID is known are asked
    again by DID, to tell a renamed account (found, with its new handle: a `renamed` alert) from
    a vanished one (not_found). No credentials: the public AppView answers anyone.
    """

    platform = PLATFORM
    batch_size = 25
    # Bluesky documents 3,000 requests per 5 minutes per IP address for its services' APIs and
    # none for the AppView: half of that leaves room for anything else on the same address.
    calls = (1_500, 5 * 60)

    def configured(self) -> bool:
        return True

    def fetch_batch(self, channels):
        by_key = {channel.handle_key: channel for channel in channels}
        answers: dict[int, api.Answer] = {}
        for profile in self._profiles([channel.handle for channel in channels]):
            channel = by_key.get(str(profile.get("handle", "")).lower()) or by_key.get(str(profile.get("did", "")))
            if channel is not None:
                answers[channel.pk] = _profile(profile, channel)
        renamed = {channel.platform_id: channel for channel in channels
                   if channel.pk not in answers and channel.platform_id and channel.platform_id != channel.handle}
        if renamed:
            try:
                found = self._profiles(list(renamed))
            except api.PlatformError as error:
                found = []
                for channel in renamed.values():  # the counts the first call read are kept
                    answers[channel.pk] = error.failure
            for profile in found:
                channel = renamed.get(str(profile.get("did", "")))
                if channel is not None:
                    answers[channel.pk] = _profile(profile, channel)
        # getProfiles leaves out what it cannot resolve: deleted, deactivated, taken down.
        gone = api.Failure(api.FailureKind.NOT_FOUND, "Bluesky has no profile by this name")
        for channel in channels:
            answers.setdefault(channel.pk, gone)
        return answers

    def _profiles(self, actors: list[str]) -> list[dict]:
        body = self.get_json(
            api.setting("BLUESKY_API_BASE_URL").rstrip("/") + "/xrpc/app.bsky.actor.getProfiles",
            params=[("actors", actor) for actor in actors],
            read_error=_read_error,
        )
        # `profiles` is always in a good answer; without it, a wrong answer would read as "all gone".
        profiles = body.get("profiles") if isinstance(body, dict) else None
        if not isinstance(profiles, list):
            raise api.PlatformError(api.Failure(api.FailureKind.BAD_RESPONSE, "the answer has no profiles list"))
        return [profile for profile in profiles if isinstance(profile, dict)]


def _profile(profile: dict, channel) -> api.Answer:
    try:
        followers = api.count(profile["followersCount"])
    except (KeyError, TypeError, ValueError):
        return api.Failure(api.FailureKind.BAD_RESPONSE, "no follower count for this profile")
    did = str(profile.get("did", ""))
    # The handle in the registry's own form: a channel registered by its DID keeps comparing DIDs
    # (its domain handle is no rename). A handle that no longer proves its domain comes back as
    # "handle.invalid", which reads as a rename: a reviewer should look at that too.
    handle = did if channel.handle.startswith("did:") else str(profile.get("handle", ""))
    verification = profile.get("verification")
    verified = None
    if isinstance(verification, dict) and "verifiedStatus" in verification:
        verified = verification["verifiedStatus"] == "valid"
    return api.Profile(
        followers=followers,
        platform_id=did,
        handle=handle,
        display_name=str(profile.get("displayName") or ""),
        verified=verified,
        posts=api.optional_count(profile.get("postsCount")),
    )


def _read_error(response, body) -> api.Failure | None:
    """A 429 from Bluesky says when to come back in `RateLimit-Reset` (the IETF draft's header,
    which Bluesky sends as a Unix time)."""
    if response.status_code != 429:
        return None
    reset = response.headers.get("ratelimit-reset", "").strip()
    if not reset.isdigit():
        return api.Failure(api.FailureKind.RATE_LIMITED, "HTTP 429", api.retry_after(response))
    seconds = int(reset)
    # The draft allows seconds from now; a value that large can only be a Unix time.
    retry_at = (datetime.fromtimestamp(seconds, tz=UTC) if seconds > 1_000_000_000
                else timezone.now() + timedelta(seconds=seconds))
    return api.Failure(api.FailureKind.RATE_LIMITED, "HTTP 429", retry_at)
