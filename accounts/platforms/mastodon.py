"""Mastodon: reading account links on any server and user@server handles."""
from __future__ import annotations

import re

from django.utils.translation import gettext as _

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
