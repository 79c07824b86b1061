"""Mastodon: reading account links on any server and user@server handles; follower counts."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from django.conf import settings
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
    shown,
)

PLATFORM = Platform.MASTODON
# Any server may run Mastodon, but a link is only read as Mastodon without being told when
# its host is one of these well-known servers; any other unknown host is never guessed.
WELL_KNOWN_INSTANCES = frozenset({
    "mastodon.social", "mastodon.online", "mstdn.social", "mas.to", "fosstodon.org", "mastodon.world",
    "hachyderm.io", "infosec.exchange", "techhub.social", "universeodon.com",
})
EXAMPLE = "https://mastodon.social/@uaegov"

_USER = re.compile(r"[A-Za-z0-9_]{1,30}")  # Mastodon's rule for user names
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_INSTANCE = re.compile(rf"(?=.{{1,253}}\Z)(?:{_LABEL}\.)+[a-z](?:[a-z0-9-]{{0,61}}[a-z0-9])?")
# "@user@server" or "user@server" typed without a link.
BARE_HANDLE = re.compile(r"@?[A-Za-z0-9_]{1,30}@[A-Za-z0-9.-]{1,254}")


def _rule() -> str:
    return _("a user name and its server, as in uaegov@mastodon.social.")


def _account(user: str, instance: str) -> AccountLink:
    instance = instance.lower().removesuffix(".")
    if not _USER.fullmatch(user):
        raise invalid_handle(user, PLATFORM, _rule())
    # Punycode server names are refused here as for known platforms: look-alikes are cheap.
    if not _INSTANCE.fullmatch(instance) or any(label.startswith("xn--") for label in instance.split(".")):
        raise AccountLinkError(
            "invalid_handle",
            _("“%(name)s” is not a server name a Mastodon account can be on.") % {"name": shown(instance)},
        )
    return AccountLink(
        platform=PLATFORM,
        handle=f"{user}@{instance}",
        handle_key=f"{user.lower()}@{instance}",
        canonical_url=f"https://{instance}/@{user}",
    )


def instance_of(account: AccountLink) -> str:
    """The server an account is on, e.g. "mastodon.social"."""
    return account.handle_key.partition("@")[2]


def parse_link(link: SplitLink) -> AccountLink:
    segments = link.segments
    first = segments[0] if segments else ""
    if first.startswith("@"):
        user, _at, other_instance = first[1:].partition("@")
        # /@user@other.server is another server's account shown here: it is that server's account.
        return _account(user, other_instance or link.host)
    if first.lower() == "users" and len(segments) >= 2:
        return _account(segments[1], link.host)  # the ActivityPub address of the account
    raise not_an_account(PLATFORM, EXAMPLE)


def parse_handle(text: str) -> AccountLink:
    user, at, instance = text.removeprefix("@").partition("@")
    if not at:
        raise invalid_handle(text, PLATFORM, _rule())
    return _account(user, instance)


LINKS = LinkRules(
    platform=PLATFORM,
    hosts=WELL_KNOWN_INSTANCES,
    parse_link=parse_link,
    parse_handle=parse_handle,
    examples=(EXAMPLE, "@uaegov@mastodon.social"),
)


# --- Followers: each account's own server --------------------------------------------------

def allowed_instances() -> frozenset[str]:
    """The servers the registry calls: the well-known ones and those named in MASTODON_INSTANCES."""
    named = getattr(settings, "MASTODON_INSTANCES", None) or []
    return WELL_KNOWN_INSTANCES | {str(name).strip().lower().removesuffix(".") for name in named}


class Adapter(api.Adapter):
    """`GET https://{server}/api/v1/accounts/lookup?acct={user}`, one account a call, asked of
    the server in its handle. That server name came from a person, so it is called only when it
    is exactly one of `allowed_instances()`; any other answers not_configured, saying why, and
    is never put into MASTODON_API_BASE_URL. No credentials are sent.
    """

    platform = PLATFORM
    batch_size = 1
    # Mastodon's default limit is 300 calls per 5 minutes per address, on each server; the
    # registry's budget is one for all servers together, so it stays within every one of them.
    calls = (300, 5 * 60)
    tells_last_post = True  # last_status_at, a day

    def configured(self) -> bool:
        return True

    def fetch_batch(self, channels):
        return {channel.pk: self._lookup(channel) for channel in channels}

    def _lookup(self, channel) -> api.Answer:
        user = channel.handle.partition("@")[0]
        instance = channel.handle_key.partition("@")[2]
        if instance not in allowed_instances():
            return api.Failure(
                api.FailureKind.NOT_CONFIGURED,
                f"{instance} is not a Mastodon server the registry calls; add it to MASTODON_INSTANCES",
            )
        base = api.setting("MASTODON_API_BASE_URL").replace("{instance}", instance).rstrip("/")
        try:
            body = self.get_json(f"{base}/api/v1/accounts/lookup", params={"acct": user}, read_error=_read_error)
        except api.PlatformError as error:
            if error.failure.kind != api.FailureKind.UNAUTHORISED:
                raise
            # No credentials were sent: this is one server refusing anonymous look-ups, which
            # is no reason to stop asking the others.
            return api.Failure(api.FailureKind.UNAUTHORISED, f"{instance} refuses anonymous look-ups")
        if not isinstance(body, dict):
            return api.Failure(api.FailureKind.BAD_RESPONSE, "the answer is not an account")
        if body.get("suspended") is True:
            return api.Failure(api.FailureKind.SUSPENDED, f"suspended by {instance}")
        if isinstance(body.get("moved"), dict):
            # Its followers moved with it: the count left here is no longer the account's.
            return api.Failure(api.FailureKind.NOT_FOUND, f"moved to {body['moved'].get('acct', 'another account')}")
        try:
            followers = api.count(body["followers_count"])
        except (KeyError, TypeError, ValueError):
            return api.Failure(api.FailureKind.BAD_RESPONSE, "no follower count for this account")
        username = str(body.get("username") or "")
        return api.Profile(
            followers=followers,
            platform_id=str(body.get("id", "")),
            handle=f"{username}@{instance}" if username else "",
            display_name=str(body.get("display_name") or ""),
            posts=api.optional_count(body.get("statuses_count")),
            last_post_at=_day(body.get("last_status_at")),
        )


def _day(value) -> datetime | None:
    """`last_status_at`: the day of the account's latest post (Mastodon keeps the date only, and null
    for an account that never posted), as the start of that day in UTC; None when it is not a date."""
    if not isinstance(value, str) or not value:
        return None
    try:
        # Older servers sent a full time; either way only the day is kept.
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return datetime.combine(day, time.min, tzinfo=UTC)


def _read_error(response, body) -> api.Failure | None:
    if response.status_code == 404:
        return api.Failure(api.FailureKind.NOT_FOUND, "the server has no account by this name")
    if response.status_code == 410:
        return api.Failure(api.FailureKind.SUSPENDED, "the server has removed the account")
    return None  # 429 and its X-RateLimit-Reset are read by the shared code
