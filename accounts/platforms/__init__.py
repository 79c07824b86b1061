"""The social-media platforms the register knows, and the one place that reads account links.

`parse_account_link(text, platform=None)` turns whatever a person pastes (a link in any of
its forms, or a handle) into an `AccountLink`: the platform, the handle as the platform
shows it, the key used for matching (`handle_key`), and the canonical link. What is not an
account link is refused with an `AccountLinkError` carrying a stable `code` and a sentence
for people. Each platform's rules live in its own module beside this one.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    X = "x", "X"
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"
    YOUTUBE = "youtube", "YouTube"
    LINKEDIN = "linkedin", "LinkedIn"
    TIKTOK = "tiktok", "TikTok"
    SNAPCHAT = "snapchat", "Snapchat"
    TELEGRAM = "telegram", "Telegram"
    THREADS = "threads", "Threads"
    WHATSAPP = "whatsapp", _("WhatsApp channel")
    BLUESKY = "bluesky", "Bluesky"
    MASTODON = "mastodon", "Mastodon"


@dataclass(frozen=True)
class AccountLink:
    """One social-media account, as read from a link or handle."""

    platform: Platform
    handle: str  # as the platform shows it, e.g. "UAEGov"
    handle_key: str  # what two spellings of the same account share, e.g. "uaegov"
    canonical_url: str  # e.g. "https://x.com/UAEGov"


class AccountLinkError(ValueError):
    """The text is not a link to (or handle of) a social-media account."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code  # stable, for programs: "unknown_platform", "not_an_account", ...
        self.message = message  # a sentence for people, translated


def parse_account_link(text: str, platform: Platform | str | None = None) -> AccountLink:
    raise NotImplementedError  # filled in by the per-platform modules
