"""Reading WhatsApp channel links and ids: accepted forms, refusals, canonical links."""
from __future__ import annotations

from accounts.platforms import AccountLink, Platform, parse_account_link
from tests.platforms.table import table_tests

CHANNEL_ID = "0029VaAbCdEfGhIjKlMnOp1q"


def channel(channel_id: str) -> AccountLink:
    return AccountLink(Platform.WHATSAPP, channel_id, channel_id, f"https://whatsapp.com/channel/{channel_id}")


ACCEPTED = [
    (f"https://whatsapp.com/channel/{CHANNEL_ID}", None, channel(CHANNEL_ID)),
    (f"https://www.whatsapp.com/channel/{CHANNEL_ID}", None, channel(CHANNEL_ID)),
    (f"whatsapp.com/channel/{CHANNEL_ID}/", None, channel(CHANNEL_ID)),
    (f"http://WWW.WHATSAPP.COM/CHANNEL/{CHANNEL_ID}", None, channel(CHANNEL_ID)),
    (f"https://whatsapp.com/channel/{CHANNEL_ID}?utm_source=x#top", None, channel(CHANNEL_ID)),
    (f"https://whatsapp.com/channel/{CHANNEL_ID}/123", None, channel(CHANNEL_ID)),  # a post in the channel
    (f"  whatsapp.com/channel/{CHANNEL_ID}  ", None, channel(CHANNEL_ID)),
    (CHANNEL_ID, "whatsapp", channel(CHANNEL_ID)),
    (CHANNEL_ID, Platform.WHATSAPP, channel(CHANNEL_ID)),
]

REFUSED = [
    (f"whatsapp.com.evil.example/channel/{CHANNEL_ID}", None, "unknown_platform"),
    (f"notwhatsapp.com/channel/{CHANNEL_ID}", None, "unknown_platform"),
    (f"whatsapp.co/channel/{CHANNEL_ID}", None, "unknown_platform"),
    (f"https://whatsapp.com@evil.example/channel/{CHANNEL_ID}", None, "invalid_link"),
    ("https://wa.me/971500000000", None, "not_an_account"),
    ("https://chat.whatsapp.com/AbCdEfGhIjKlMnOp", None, "not_an_account"),
    ("https://whatsapp.com/channel/", None, "not_an_account"),
    ("https://www.whatsapp.com/download", None, "not_an_account"),
    ("https://whatsapp.com/channel/short", None, "invalid_handle"),
    ("https://whatsapp.com/channel/0029Va-AbCdEfGhIjKlMnOp", None, "invalid_handle"),
    (CHANNEL_ID, None, "platform_required"),
    (f"https://whatsapp.com/channel/{CHANNEL_ID}", "telegram", "platform_mismatch"),
]


test_accepted, test_canonical_link_reads_back_the_same, test_refused = table_tests(ACCEPTED, REFUSED)


def test_channel_ids_keep_their_case():
    upper = parse_account_link(f"https://whatsapp.com/channel/{CHANNEL_ID.upper()}")
    assert upper.handle_key != parse_account_link(f"https://whatsapp.com/channel/{CHANNEL_ID}").handle_key
