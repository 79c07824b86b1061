"""The guide "Government Presence on Social Media" as checks: each a rule with an id, a title and
advice (English msgids, Arabic in the catalogue), and a weight.

A channel's score is 100 less the weights of the checks it fails; an owner's (an entity's, or
an official's) is the mean of its channels' scores less the weights of its own failed checks, never
below 0 (ScoreFormula.MEAN, accounts/report/scores.py owner_score). So a channel that starts failing
a check costs its owner that check's weight divided by its number of channels, and an owner of 14
channels is held to the same standard as an owner of one; the report says which checks cost what.
A check that does not apply (a platform with no verified badge, an entity with no naming convention
set, a channel whose platform cannot tell when it last posted) neither passes nor fails, and nor
does one a channel is still new for (NEW: "followers measured", and "active" when it has not posted
yet, in its first REPORT_NEW_CHANNEL_GRACE_DAYS after approval). An owner with no channel is not rated at all
(accounts/report/scores.py): it has nothing to be scored on.

The weights and the core platforms are the GCO's to set: change them here (or CORE_PLATFORMS in
the environment), and every score follows on its next computation.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Channel, Language, RefreshStatus, Status
from accounts.platforms import ADAPTERS, Platform
from accounts.selectors import UNREAD, posted_within

CERTIFIED_WITHIN = timedelta(days=365)


MEASURED_WITHIN = timedelta(days=7)


# Staff report counts by hand, for the platforms the registry cannot read: a monthly report is
# what the guide asks of them, so a count reported within a month is as good as a refresh.
REPORTED_WITHIN = timedelta(days=31)


# What a check answers for a channel too new to have passed it yet: neither a pass nor a failure,
# shown as such ("new: not yet measured").
NEW = "new"


def new_channel_grace() -> timedelta:
    """How long after its approval a channel is not yet expected to have been measured
    (settings.REPORT_NEW_CHANNEL_GRACE_DAYS): the first refresh, or a staff report, takes a while."""
    return timedelta(days=getattr(settings, "REPORT_NEW_CHANNEL_GRACE_DAYS", 14))


def staff_report_only(channel: Channel) -> bool:
    """Whether staff reports are the only way this channel's followers reach the registry: its
    platform has no adapter (accounts/platforms ADAPTERS: LinkedIn, Snapchat, TikTok...), or the
    refresh found it not configured here (Telegram without a bot token), which entity staff cannot
    change either."""
    return channel.platform not in ADAPTERS or channel.refresh_status in (
        RefreshStatus.NOT_CONFIGURED, RefreshStatus.REPORTED)


# Platforms that show their own verified badge on an account (a check mark or similar).
PLATFORMS_WITH_BADGES = frozenset({
    Platform.X, Platform.INSTAGRAM, Platform.FACEBOOK, Platform.YOUTUBE, Platform.TIKTOK, Platform.THREADS,
    Platform.TELEGRAM, Platform.SNAPCHAT, Platform.WHATSAPP, Platform.LINKEDIN,
})


# Platforms whose API gives the website on an account's profile (read by the refresh).
PLATFORMS_SHOWING_WEBSITES = frozenset({Platform.X, Platform.FACEBOOK, Platform.INSTAGRAM})


@dataclass(frozen=True)
class Facts:
    """What the checks read besides the channel itself, gathered once for the whole register."""

    today: date
    channels_with_open_alerts: frozenset[int]
    # The moment "posted within the last 30 days" is measured from (None: now).
    now: datetime | None = None


@dataclass(frozen=True)
class Rule:
    """A check: its title and advice are English msgids, read in either language from the catalogue
    (locale/ar), so the guide's words are the ones every other page uses (docs/arabic.md)."""

    id: str
    scope: str  # "channel" or "owner"
    weight: int
    title: Promise
    advice: Promise
    check: Callable[..., bool | str | None]  # True passes, False fails, None does not apply, NEW not yet
    # The advice for one failing channel, where it depends on the channel (None: `advice` always).
    advice_for: Callable[[Channel], Promise] | None = None

    def channel_advice(self, channel: Channel | None) -> Promise:
        if channel is None or self.advice_for is None:
            return self.advice
        return self.advice_for(channel)

    # The API's report gives both languages at once (title_en, title_ar): stable fields, read here.
    @property
    def title_en(self) -> str:
        return _in_language(self.title, "en")

    @property
    def title_ar(self) -> str:
        return _in_language(self.title, "ar")

    @property
    def advice_en(self) -> str:
        return _in_language(self.advice, "en")

    @property
    def advice_ar(self) -> str:
        return _in_language(self.advice, "ar")


def _in_language(text: Promise, language: str) -> str:
    with translation.override(language):
        return str(text)


# --- Channel checks ---------------------------------------------------------------------------

def _certified(channel: Channel, owner: Any, facts: Facts) -> bool:
    if channel.status != Status.APPROVED:
        return False
    last = channel.last_certified_at or channel.approved_at
    return last is not None and facts.today - timezone.localdate(last) <= CERTIFIED_WITHIN


def _badge(channel: Channel, owner: Any, facts: Facts) -> bool | None:
    # Unknown (no refresh has read it: no API, no credentials, or the API does not say) is not
    # a failure: staff are told to apply for a badge only when the platform says there is none.
    if channel.platform not in PLATFORMS_WITH_BADGES or channel.platform_verified is None:
        return None
    return channel.platform_verified


def _naming(channel: Channel, owner: Any, facts: Facts) -> bool | None:
    entity = channel.entity
    if channel.official_id is not None or not entity.naming_pattern:
        return None  # an official's channels carry the person's name, not the entity's
    try:
        pattern = re.compile(entity.naming_pattern, re.IGNORECASE)
    except re.error:
        return None
    handle_ok = pattern.search(channel.handle) is not None
    name = channel.display_name or channel.platform_name
    name_ok = not name or pattern.search(name) is not None or any(
        part and part.casefold() in name.casefold() for part in (entity.name_en, entity.name_ar)
    )
    return handle_ok and name_ok


def on_official_domain(link: str, domains: list[str]) -> bool:
    """Whether `link` is on one of `domains` or a subdomain of one: the host's labels must end
    with the domain's, so "mofa.gov.ae.evil.example" and "notmofa.gov.ae" never count."""
    try:
        host = (urlsplit(link if "//" in link else f"https://{link}").hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def _profile_link(channel: Channel, owner: Any, facts: Facts) -> bool | None:
    domains = channel.entity.official_domains
    if not domains:
        return None
    if not channel.profile_link and channel.platform not in PLATFORMS_SHOWING_WEBSITES:
        return None  # the registry cannot read this platform's profile website: unknown, not failed
    return bool(channel.profile_link) and on_official_domain(channel.profile_link, domains)


def _measured(channel: Channel, owner: Any, facts: Facts) -> bool | str:
    counted = None if channel.followers_at is None else facts.today - timezone.localdate(channel.followers_at)
    if counted is not None:
        if channel.refresh_status == RefreshStatus.OK and counted <= MEASURED_WITHIN:
            return True
        # REPORTED: the platform has no API the registry can use (no adapter, or not configured).
        if channel.refresh_status == RefreshStatus.REPORTED and counted <= REPORTED_WITHIN:
            return True
    if channel.approved_at is not None and facts.today - timezone.localdate(channel.approved_at) < new_channel_grace():
        return NEW
    return False


def _measured_advice(channel: Channel) -> Promise:
    if staff_report_only(channel):
        return _("The registry cannot read this platform's counts: report the channel's followers on its staff "
                 "page at least once a month.")
    return _("Check why refreshing fails: the channel's page in the review area says why.")


ACTIVE_WITHIN_DAYS = 30


def _active(channel: Channel, owner: Any, facts: Facts) -> bool | str | None:
    # The posts over the 30 days, when `assess` read them with the list (its `posts_30d`
    # annotation); otherwise posted_within reads them itself.
    posted = posted_within(channel, ACTIVE_WITHIN_DAYS, now=facts.now, posts=getattr(channel, "posts_30d", UNREAD))
    if posted is False and channel.approved_at is not None and (
            facts.today - timezone.localdate(channel.approved_at) < new_channel_grace()):
        return NEW  # an account just made official may be just taken up again: give it time to post
    return posted  # None: the platform cannot tell (and nobody reported a last post)


def _no_alert(channel: Channel, owner: Any, facts: Facts) -> bool:
    return channel.pk not in facts.channels_with_open_alerts


# --- Owner checks (entities; an official has only the channel checks) ---------------------------

def core_platforms() -> list[str]:
    return list(getattr(settings, "CORE_PLATFORMS", ["x", "instagram", "facebook", "youtube", "linkedin"]))


def _core_presence(owner: Any, channels: list[Channel], facts: Facts) -> bool | None:
    if owner.kind_of_owner != "entity":
        return None
    present = {channel.platform for channel in channels if channel.status == Status.APPROVED}
    return set(core_platforms()) <= present


def _both_languages(owner: Any, channels: list[Channel], facts: Facts) -> bool | None:
    if owner.kind_of_owner != "entity":
        return None
    languages = {code for channel in channels if channel.status == Status.APPROVED for code in channel.languages}
    return {Language.ARABIC, Language.ENGLISH} <= languages


def _no_duplicates(owner: Any, channels: list[Channel], facts: Facts) -> bool | None:
    if owner.kind_of_owner != "entity":
        return None
    seen: dict[str, int] = {}
    for channel in channels:
        # A second account on a platform is fine when its description states what it is for.
        if channel.status == Status.APPROVED and not channel.description.strip():
            seen[channel.platform] = seen.get(channel.platform, 0) + 1
    return all(count <= 1 for count in seen.values())


RULES: list[Rule] = [
    Rule("certified", "channel", 5,
         _("Approved and certified within 12 months"),
         _("Certify the channel in the staff area (annual review), or retire it if it is no longer run."),
         _certified),
    Rule("badge", "channel", 3,
         _("The platform's verified badge is shown"),
         _("Apply for the platform's verification (government badge) for this account."),
         _badge),
    Rule("naming", "channel", 2,
         _("Handle and name follow the entity's naming convention"),
         _("Rename the account so its handle and name carry the entity's abbreviation or name."),
         _naming),
    Rule("profile_link", "channel", 2,
         _("The profile links to an official domain"),
         _("Put the entity's official website (on its official domain) in the account's profile."),
         _profile_link),
    Rule("measured", "channel", 2,
         _("Followers measured: refreshed within 7 days, or reported by staff within 31 days"),
         _("Where the registry cannot read the platform's counts, report the followers on the channel's staff "
           "page; where it can, check why refreshing fails."),
         _measured, _measured_advice),
    # 3, as the badge: below the safety checks (certified, no alert: 5), above the housekeeping
    # ones (2). A channel silent past DORMANT_AFTER_DAYS also has its dormant alert open, so it loses
    # "no alert" too: a heavier weight here would count one silence twice over.
    Rule("active", "channel", 3,
         _("Active: posted within the last 30 days"),
         _("Post regularly, or retire the account if it is no longer run: an abandoned official account "
           "is a poor presence and easy to take over."),
         _active),
    Rule("no_alert", "channel", 5,
         _("No open alert"),
         _("Look into the alert in the review area and resolve it with a note."),
         _no_alert),
    Rule("core_platforms", "owner", 10,
         _("Present on the core platforms"),
         _("Register official accounts on the core platforms the GCO names."),
         _core_presence),
    Rule("languages", "owner", 5,
         _("Accounts in Arabic and English"),
         _("Publish in both Arabic and English, in one account or in one for each."),
         _both_languages),
    Rule("no_duplicates", "owner", 5,
         _("No duplicate accounts on one platform without a stated purpose"),
         _("Merge or retire the extra account, or state its purpose in its description."),
         _no_duplicates),
]


RULES_BY_ID = {rule.id: rule for rule in RULES}


CHANNEL_RULES = [rule for rule in RULES if rule.scope == "channel"]


OWNER_RULES = [rule for rule in RULES if rule.scope == "owner"]
