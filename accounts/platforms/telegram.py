"""Telegram: reading public channel and account links and user names; member counts."""
from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.platforms import api
from accounts.platforms.links import AccountLink, HandleRule, Platform, SplitLink, not_an_account, with_prefixes

PLATFORM = Platform.TELEGRAM
HOSTS = with_prefixes(["t.me", "telegram.me", "telegram.dog"])
EXAMPLE = "https://t.me/uaegov"
_NAME = re.compile(r"[A-Za-z0-9_]{5,32}")

# Telegram's own paths: invites (joinchat/+...), sticker sets, sharing, private posts (/c/)...
RESERVED = frozenset({
    "addemoji", "addlist", "addstickers", "addtheme", "bg", "boost", "c", "confirmphone", "contact",
    "giftcode", "invoice", "iv", "joinchat", "login", "m", "proxy", "setlanguage", "share", "socks",
})


def _rule() -> str:
    return _("5 to 32 letters (A–Z), digits or underscores.")


# A bare "joinchat" would give https://t.me/joinchat: refused as Telegram's own page.
HANDLE_RULE = HandleRule(PLATFORM, _NAME, _rule, canonical_url="https://t.me/{handle}", reserved=RESERVED)


def parse_link(link: SplitLink) -> AccountLink:
    segments = link.segments
    if segments and segments[0].lower() == "s":
        segments = segments[1:]  # /s/{name} is the channel's web preview
    first = segments[0] if segments else ""
    if not first or first.lower() in RESERVED or first.startswith("+"):
        raise not_an_account(PLATFORM, EXAMPLE)
    # /{name} and /{name}/{message id} name the channel.
    return HANDLE_RULE.account(first)


parse_handle = HANDLE_RULE.parse_handle

LINKS = HANDLE_RULE.link_rules(HOSTS, parse_link, examples=(EXAMPLE, "https://t.me/s/uaegov", "@uaegov"))


# --- Members: Telegram Bot API ---------------------------------------------------------------

class Adapter(api.Adapter):
    """`getChatMemberCount?chat_id=@name`, one channel a call. Telegram answers with the count
    only: no permanent id, so a name taken over by another chat is not detected here.

    The bot token is part of the URL path (a fixed setting, never a channel's text). No detail
    recorded from here contains the URL: failures carry Telegram's own description only.
    """

    platform = PLATFORM
    batch_size = 1
    # Telegram documents no limit for reading; its limits for sending are about 30 a second.
    # A third of that keeps a daily refresh of a few hundred channels well clear of a 429.
    calls = (600, 60)

    def configured(self) -> bool:
        return bool(api.setting("TELEGRAM_BOT_TOKEN"))

    def fetch_batch(self, channels):
        answers = {}
        for channel in channels:
            body = self.get_json(
                f"{api.setting('TELEGRAM_API_BASE_URL').rstrip('/')}/bot{api.setting('TELEGRAM_BOT_TOKEN')}"
                "/getChatMemberCount",
                params={"chat_id": f"@{channel.handle}"},
                read_error=_read_error,
            )
            try:
                if not isinstance(body, dict) or body.get("ok") is not True:
                    raise ValueError("not an answer")
                answers[channel.pk] = api.Profile(followers=api.count(body["result"]))
            except (KeyError, TypeError, ValueError):
                answers[channel.pk] = api.Failure(api.FailureKind.BAD_RESPONSE, "no member count in the answer")
        return answers


def _read_error(response, body) -> api.Failure | None:
    """Telegram's refusals: `{"ok": false, "error_code", "description", "parameters"}`."""
    if not isinstance(body, dict) or body.get("ok") is not False:
        return None
    code = body.get("error_code")
    description = str(body.get("description") or "")[:200]
    if code == 429 or response.status_code == 429:
        parameters = body.get("parameters") if isinstance(body.get("parameters"), dict) else {}
        wait = parameters.get("retry_after")
        retry_at = (timezone.now() + timedelta(seconds=wait) if isinstance(wait, int) and wait >= 0
                    else api.retry_after(response))
        return api.Failure(api.FailureKind.RATE_LIMITED, description, retry_at)
    if code in (401, 404):
        # 404 is Telegram's answer to a token it does not know (the method path does not exist).
        return api.Failure(api.FailureKind.UNAUTHORISED, description or "Telegram refused the bot token")
    if code == 400 and "chat not found" in description.lower():
        return api.Failure(api.FailureKind.NOT_FOUND, description)
    if isinstance(code, int) and code >= 500:
        return api.Failure(api.FailureKind.UNAVAILABLE, description)
    # Another refusal about this one chat (e.g. "member list is inaccessible", a 403): that
    # chat's failure, and not a reason to stop counting the others.
    return api.Failure(api.FailureKind.BAD_RESPONSE, description or f"Telegram error {code}")
