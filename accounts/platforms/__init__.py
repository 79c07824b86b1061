"""The social-media platforms the register knows, and the one place that reads account links.

`parse_account_link(text, platform=None)` turns whatever a person pastes (a link in any of
its forms, or a handle) into an `AccountLink`: the platform, the handle as the platform
shows it, the key used for matching (`handle_key`), and the canonical link. What is not an
account link is refused with an `AccountLinkError` carrying a stable `code` and a sentence
for people. Each platform's rules live in its own module beside this one (its `LINKS`);
what they share (cleaning, splitting a URL, exact hosts) is in `links`.

Error codes: empty, too_long, invisible_characters, invalid_link, unknown_platform,
platform_required, platform_mismatch, not_an_account, invalid_handle. A link of one platform
given with another platform chosen is a `PlatformMismatch` (code platform_mismatch) carrying
the account the link reads as on its own platform: the link is the truth, and the caller shows
the disagreement. A link that reads as no account is refused for that, whatever was chosen.
"""
from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.platforms import (
    bluesky,
    facebook,
    instagram,
    linkedin,
    mastodon,
    snapchat,
    telegram,
    threads,
    tiktok,
    whatsapp,
    x,
    youtube,
)
from accounts.platforms.links import (
    AccountLink,
    AccountLinkError,
    LinkRules,
    Platform,
    PlatformMismatch,
    clean_text,
    has_scheme,
    host_part,
    looks_like_host,
    shown,
    split_link,
    unknown_host,
)

__all__ = [
    "LINK_RULES",
    "PLATFORM_HOSTS",
    "AccountLink",
    "AccountLinkError",
    "Platform",
    "PlatformMismatch",
    "link_examples",
    "parse_account_link",
    "platform_for_host",
]

LINK_RULES: dict[Platform, LinkRules] = {
    rules.platform: rules
    for rules in (
        x.LINKS,
        instagram.LINKS,
        facebook.LINKS,
        youtube.LINKS,
        linkedin.LINKS,
        tiktok.LINKS,
        snapchat.LINKS,
        telegram.LINKS,
        threads.LINKS,
        whatsapp.LINKS,
        bluesky.LINKS,
        mastodon.LINKS,
    )
}

# Each platform's host names, exactly (LinkedIn also takes country hosts such as
# ae.linkedin.com; Mastodon lists only the well-known servers read without being told).
PLATFORM_HOSTS: dict[Platform, frozenset[str]] = {
    platform: rules.hosts for platform, rules in LINK_RULES.items()
}


def platform_for_host(host: str) -> Platform | None:
    """The platform whose exact host name this is, or None; never a substring or suffix match."""
    host = host.lower().removesuffix(".")
    for rules in LINK_RULES.values():
        if rules.owns_host(host):
            return rules.platform
    return None


def link_examples() -> dict[Platform, tuple[str, ...]]:
    """A few forms each platform's accounts may be given in, for help texts."""
    return {platform: rules.examples for platform, rules in LINK_RULES.items()}


def parse_account_link(text: str, platform: Platform | str | None = None) -> AccountLink:
    text = clean_text(text)
    chosen = _chosen_platform(platform)
    if has_scheme(text):
        account = _parse_link(text, chosen)
    elif chosen in (None, Platform.MASTODON) and mastodon.BARE_HANDLE.fullmatch(text):
        account = mastodon.parse_handle(text)
    elif not text.startswith("@") and _is_link(text, chosen):
        account = _parse_link(text, chosen)
    elif chosen is not None:
        account = LINK_RULES[chosen].parse_handle(text)
    else:
        raise AccountLinkError(
            "platform_required",
            _("Choose the platform “%(handle)s” is on, or paste the account's link.")
            % {"handle": shown(text)},
        )
    if account.platform == Platform.MASTODON:
        _refuse_platform_host_as_server(account)
    return account


def _chosen_platform(platform: Platform | str | None) -> Platform | None:
    if platform is None or platform == "":
        return None
    if isinstance(platform, Platform):
        return platform
    if isinstance(platform, str) and platform.strip().lower() in Platform.values:
        return Platform(platform.strip().lower())
    raise AccountLinkError(
        "unknown_platform",
        _("%(name)s is not a social-media platform the register knows.") % {"name": shown(str(platform))},
    )


def _is_link(text: str, chosen: Platform | None) -> bool:
    """Whether text without a scheme is a link ("x.com/uaegov") rather than a handle ("uae.gov")."""
    host = host_part(text)
    if platform_for_host(host) is not None:
        return True
    if chosen is None:
        return looks_like_host(host)
    # With a platform chosen, a dotted name alone may be a handle (Bluesky "uaegov.bsky.social",
    # Instagram "uae.gov"); only a dotted name followed by a path or query is a link.
    return looks_like_host(host) and host != text


def _parse_link(text: str, chosen: Platform | None) -> AccountLink:
    link = split_link(text)
    found = platform_for_host(link.host)
    if found is None:
        if chosen == Platform.MASTODON:
            return mastodon.parse_link(link)  # told it is Mastodon: any server
        if link.segments and link.segments[0].startswith("@"):
            # Looks like a Mastodon account on a server not on the short list: say how, never guess.
            raise AccountLinkError(
                "unknown_platform",
                _("%(name)s is not a platform the register knows. If it is a Mastodon server, "
                  "choose Mastodon as the platform.")
                % {"name": shown(link.host)},
            )
        raise unknown_host(link.host)
    account = LINK_RULES[found].parse_link(link)  # a link that reads as no account is refused as such
    if chosen is not None and found != chosen:
        # The link is the truth, and the disagreement is said, never swallowed: see PlatformMismatch.
        raise PlatformMismatch(found=found, chosen=chosen, account=account)
    return account


def _refuse_platform_host_as_server(account: AccountLink) -> None:
    # "uaegov@x.com" or mastodon.social/@uaegov@x.com: x.com is X's, never a Mastodon server.
    server = mastodon.instance_of(account)
    owner = platform_for_host(server)
    if owner is not None and owner != Platform.MASTODON:
        raise AccountLinkError(
            "platform_mismatch",
            _("%(name)s is %(platform)s, not a Mastodon server.") % {"name": shown(server), "platform": owner.label},
        )


# Platforms whose follower counts the registry reads itself. The others (no API that answers
# for any account with the registry's own credentials) take counts reported by entity staff.
ADAPTERS = {
    module.PLATFORM: module.Adapter
    for module in (x, youtube, telegram, bluesky, facebook, instagram, mastodon)
}


def adapter_for(platform: str, **options):
    """The follower adapter of `platform` (options: client, limiter, max_wait), or None for a
    platform whose counts are reported by staff."""
    adapter_class = ADAPTERS.get(Platform(platform))
    return None if adapter_class is None else adapter_class(**options)
