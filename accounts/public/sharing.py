"""Sharing a verify answer: its short readable link (/v/x/MOFAUAE), the words a chat app's preview
shows, and the verdict card drawn for it (card.py draws; this decides what it says)."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _, gettext_lazy

from accounts.models import Status
from accounts.public.verify import Result, VerifyAnswer

# What a preview says first, per verdict: the answer, in a few words.
HEADLINES = {
    Result.OFFICIAL: gettext_lazy("Official account"),
    Result.UNDER_CHECK: gettext_lazy("Under check: do not rely on it for now"),
    Result.FORMERLY_OFFICIAL: gettext_lazy("Formerly official"),
    Result.COMPROMISED: gettext_lazy("Compromised: do not trust it now"),
    Result.KNOWN_IMPOSTOR: gettext_lazy("Known impostor: not an official account"),
    Result.NOT_REGISTERED: gettext_lazy("Not in the register"),
}


@dataclass(frozen=True)
class Preview:
    """The answer as a shared link shows it: the verdict, the account, whose it is, when checked."""

    verdict: str
    headline: str
    account: str  # the account's link, always read left to right
    owner: str  # whose it is (or resembles), or ""
    checked: str  # "Checked on 30 November 2026"

    @property
    def description(self) -> str:
        return " — ".join(part for part in (self.account, self.owner, self.checked) if part)

    @property
    def title(self) -> str:
        """What a shared link's preview says first: "Official account of <owner>" when it is one."""
        if self.verdict == Result.OFFICIAL and self.owner:
            return _("Official account of %(owner)s") % {"owner": self.owner}
        return self.headline


def short_path(answer: VerifyAnswer) -> str | None:
    """/<language>/v/<platform>/<handle> for an answer about one account, else None."""
    if answer.link is None or answer.result == Result.INVALID:
        return None
    # One link per account, however it was typed: the register's spelling when it is registered.
    registered = answer.channel is not None and answer.channel.platform == answer.link.platform
    handle = answer.channel.handle if registered else answer.link.handle
    return reverse("verify_short", args=[answer.link.platform.value, handle])


def readable(url: str) -> str:
    """A link as people read it: percent-escapes decoded (Arabic stays Arabic), the scheme dropped."""
    return unquote(url).removeprefix("https://").removeprefix("http://")


def _owner_name(channel) -> str:
    if channel is None:
        return ""
    return f"{channel.official.name}, {channel.entity.name}" if channel.official else channel.entity.name


def preview(answer: VerifyAnswer) -> Preview | None:
    """What a shared answer says; None for input that named no account (nothing to vouch for)."""
    if answer.result not in HEADLINES or answer.link is None:
        return None
    if answer.channel is not None:
        owner = _owner_name(answer.channel)
        account = answer.channel.canonical_url
    else:
        account = answer.link.canonical_url
        closest = answer.lookalikes[0] if answer.lookalikes else None
        owner = _("Looks like an account of %(owner)s") % {"owner": _owner_name(closest)} if closest else ""
    checked = _("Checked on %(date)s") % {"date": date_format(timezone.localdate(), "j E Y")}
    return Preview(verdict=answer.result, headline=str(HEADLINES[answer.result]), account=readable(account),
                   owner=owner, checked=checked)


@dataclass(frozen=True)
class PageSummary:
    """What a public page's preview says (meta description, OpenGraph, Twitter card), in the page's language."""

    title: str
    description: str


# A channel page's preview, per what the page says of the channel (its verdict, as verify's).
_CHANNEL_SUMMARIES = {
    Result.OFFICIAL: gettext_lazy("Official account of %(owner)s in the UAE Government Communication Office "
                                  "register."),
    Result.UNDER_CHECK: gettext_lazy("Under check: do not rely on this account for now. Registered to %(owner)s."),
    Result.FORMERLY_OFFICIAL: gettext_lazy("Formerly official account of %(owner)s: not run by the government "
                                           "any more."),
    Result.COMPROMISED: gettext_lazy("Account of %(owner)s flagged as compromised: do not trust it now."),
}


def channel_verdict(channel, caution: str) -> str:
    """The verdict a public channel's page and badge show: the same words as verify's answer."""
    if channel.status == Status.RETIRED:
        return Result.FORMERLY_OFFICIAL
    if channel.status == Status.COMPROMISED:
        return Result.COMPROMISED
    return Result.UNDER_CHECK if caution else Result.OFFICIAL


def channel_summary(channel, caution: str) -> PageSummary:
    """A public channel page's preview: "@MOFAUAE (X)", "Official account of …"."""
    return PageSummary(
        title=f"{readable(channel.canonical_url)} ({channel.get_platform_display()})",
        description=str(_CHANNEL_SUMMARIES[channel_verdict(channel, caution)]) % {"owner": _owner_name(channel)},
    )


def entity_summary(entity) -> PageSummary:
    return PageSummary(
        title=entity.name,
        description=_("The official social-media accounts of %(entity)s and its officials, in the UAE Government "
                      "Communication Office register.") % {"entity": entity.name},
    )
