"""Reading Telegram links and user names: accepted forms, refusals, canonical links."""
from __future__ import annotations

from accounts.platforms import AccountLink, Platform
from tests.platforms.table import handle_keys, table_tests


def telegram(name: str) -> AccountLink:
    return AccountLink(Platform.TELEGRAM, name, name.lower(), f"https://t.me/{name}")


ACCEPTED = [
    ("https://t.me/uaegov", None, telegram("uaegov")),
    ("t.me/s/uaegov", None, telegram("uaegov")),
    ("http://telegram.me/UAEGov/", None, telegram("UAEGov")),
    ("https://telegram.dog/uaegov", None, telegram("uaegov")),
    ("HTTPS://T.ME/UAEGOV", None, telegram("UAEGOV")),
    ("www.t.me/uaegov?start=hello#x", None, telegram("uaegov")),
    ("https://t.me/uaegov/1234", None, telegram("uaegov")),
    ("https://t.me/s/uaegov/1234?single", None, telegram("uaegov")),
    ("https://t.me/uae_gov_news", None, telegram("uae_gov_news")),
    ("@uaegov", "telegram", telegram("uaegov")),
    ("UAEGov", Platform.TELEGRAM, telegram("UAEGov")),
]

REFUSED = [
    ("t.me.evil.example/uaegov", None, "unknown_platform"),
    ("nott.me/uaegov", None, "unknown_platform"),
    ("telegram.org.evil.example/uaegov", None, "unknown_platform"),
    ("uaegov.t.me", None, "unknown_platform"),
    ("https://t.me@evil.example/uaegov", None, "invalid_link"),
    ("https://t.me/joinchat/AbCdEf", None, "not_an_account"),
    ("https://t.me/+AbCdEf123", None, "not_an_account"),
    ("https://t.me/addstickers/SomeSet", None, "not_an_account"),
    ("https://t.me/share/url?url=x", None, "not_an_account"),
    ("https://t.me/c/123456/789", None, "not_an_account"),
    ("https://t.me/proxy?server=x", None, "not_an_account"),
    ("https://t.me/", None, "not_an_account"),
    ("https://t.me/uae", None, "invalid_handle"),
    ("https://t.me/uae-gov", None, "invalid_handle"),
    ("@uаegov", "telegram", "invalid_handle"),  # a Cyrillic а
    ("joinchat", "telegram", "invalid_handle"),
    ("@uaegov", None, "platform_required"),
    ("https://t.me/uaegov", "x", "platform_mismatch"),
]


test_accepted, test_canonical_link_reads_back_the_same, test_refused = table_tests(ACCEPTED, REFUSED)


def test_spellings_of_one_channel_share_a_key():
    spellings = ["https://t.me/UAEGov", "t.me/s/uaegov/12", "telegram.me/uaegov", "@UAEGOV"]
    assert handle_keys(spellings, "telegram") == {"uaegov"}
