"""Sharing a verify answer: its short readable link (/v/x/MOFAUAE), the words a chat app's preview
shows, and the verdict card drawn for it (card.py draws; this decides what it says)."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _, gettext_lazy

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
