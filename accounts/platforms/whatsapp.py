"""WhatsApp channels: reading channel links and ids."""
from __future__ import annotations

import re

from django.utils.translation import gettext as _

from accounts.platforms.links import (
    AccountLink,
    LinkRules,
    Platform,
    SplitLink,
    check_handle,
    not_an_account,
    with_prefixes,
)
from registry.direction import isolate

PLATFORM = Platform.WHATSAPP
# wa.me and chat.whatsapp.com are chats and group invites, never channels; listed so they are
# refused as such rather than as an unknown site.
CHAT_HOSTS = frozenset({"wa.me", "chat.whatsapp.com", "api.whatsapp.com"})
HOSTS = with_prefixes(["whatsapp.com"], ("", "www.")) | CHAT_HOSTS
EXAMPLE = "https://whatsapp.com/channel/0029VaAbCdEfGhIjKlMnOp1q"
# Channel ids seen so far are 24 letters and digits; the exact rule is not published.
_ID = re.compile(r"[A-Za-z0-9]{16,40}")


def _rule() -> str:
    return _("a channel id of letters and digits, as in %(example)s.") % {"example": isolate(EXAMPLE, ltr=True)}


def _channel(channel_id: str) -> AccountLink:
    check_handle(channel_id, _ID, PLATFORM, _rule())
    # Channel ids are case-sensitive: the key keeps the case.
    return AccountLink(
        platform=PLATFORM,
        handle=channel_id,
        handle_key=channel_id,
        canonical_url=f"https://whatsapp.com/channel/{channel_id}",
    )


def parse_link(link: SplitLink) -> AccountLink:
    segments = link.segments
    if link.host not in CHAT_HOSTS and len(segments) >= 2 and segments[0].lower() == "channel":
        return _channel(segments[1])
    raise not_an_account(PLATFORM, EXAMPLE)


def parse_handle(text: str) -> AccountLink:
    return _channel(text)


LINKS = LinkRules(
    platform=PLATFORM,
    hosts=HOSTS,
    parse_link=parse_link,
    parse_handle=parse_handle,
    examples=(EXAMPLE, "0029VaAbCdEfGhIjKlMnOp1q"),
)
