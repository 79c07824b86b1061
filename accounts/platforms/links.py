"""What all platforms' link rules share: result types, cleaning pasted text, splitting a URL, exact hosts, handles."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from django.db import models
from django.utils.translation import gettext as _, gettext_lazy

from registry.direction import isolate


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
    WHATSAPP = "whatsapp", gettext_lazy("WhatsApp channel")
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

    def __init__(self, code: str, message: str, *, platform: Platform | None = None, handle: str = ""):
        super().__init__(message)
        self.code = code  # stable, for programs: "unknown_platform", "not_an_account", ...
        self.message = message  # a sentence for people, translated
        # For a handle the platform would refuse (too long, a character it does not allow): which
        # platform and what handle, so verify can still say which official handle it imitates.
        self.platform = platform
        self.handle = handle


class PlatformMismatch(AccountLinkError):
    """A link to one platform given with another platform chosen: a Facebook link filed as X.

    The link is the truth: `found` is the platform its host belongs to and, when the link was read
    (a share link is refused before it is opened), `account` is what it reads as there. Callers
    show the disagreement rather than swallow it: verify answers for `account` with the message as
    a note, the API refuses with the code, an import's preview flags the row.
    """

    def __init__(self, *, found: Platform, chosen: Platform, account: AccountLink | None = None):
        if account is None:
            message = _("This link is for %(found)s, but the platform chosen is %(chosen)s.") % {
                "found": found.label, "chosen": chosen.label}
        else:
            message = _("The platform chosen is %(chosen)s, but this link is to a %(found)s account: %(link)s.") % {
                "chosen": chosen.label, "found": found.label, "link": isolate(account.canonical_url, ltr=True)}
        super().__init__("platform_mismatch", message)
        self.found, self.chosen, self.account = found, chosen, account


@dataclass(frozen=True)
class SplitLink:
    """A pasted web link taken apart: lower-case host, decoded path segments, query, fragment."""

    host: str
    segments: tuple[str, ...]  # percent-decoded, empty ones (from "//" or a trailing "/") dropped
    query: dict[str, list[str]]
    fragment: str = ""  # after "#", as pasted: only the old "#!/" links of X and Facebook read it

    def hashbang_segments(self) -> tuple[str, ...]:
        """The path an old "#!" link stands for (twitter.com/#!/UAEGov, facebook.com/#!/UAEGov), when
        the link's own path is empty: X and Facebook still send such links on to that path."""
        if self.segments or not self.fragment.startswith("!/"):
            return self.segments
        path = self.fragment[2:].split("?", 1)[0]
        segments = tuple(unquote(segment, errors="replace") for segment in path.split("/") if segment)
        if "\\" in path or any(segment in (".", "..") for segment in segments):
            raise _steps_in_path()
        return segments


@dataclass(frozen=True)
class LinkRules:
    """How one platform's account links and handles are read; each platform module defines one as LINKS."""

    platform: Platform
    hosts: frozenset[str]  # every host name, exactly, that is this platform's
    parse_link: Callable[[SplitLink], AccountLink]
    parse_handle: Callable[[str], AccountLink]
    examples: tuple[str, ...]  # forms a person may paste, for help texts
    # For host families listed by rule rather than by name (LinkedIn's country hosts).
    owns_extra_host: Callable[[str], bool] | None = None

    def owns_host(self, host: str) -> bool:
        if host in self.hosts:
            return True
        return self.owns_extra_host is not None and self.owns_extra_host(host)


MAX_TEXT_LENGTH = 2048

# The prefixes every platform serves its pages under (PLATFORMS.md); anything else is a new name.
HOST_PREFIXES: tuple[str, ...] = ("", "www.", "m.", "mobile.")

# Control, format (zero-width, bidi), surrogate, private-use and unassigned characters and line
# separators: invisible or meaningless in a handle, and a classic way to make a look-alike.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
# Letters, digits and hyphens in dot-separated labels: the only host names a platform uses.
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+")


def with_prefixes(hosts: Iterable[str], prefixes: Iterable[str] = HOST_PREFIXES) -> frozenset[str]:
    """Every exact host name: each host under each allowed prefix."""
    prefixes = tuple(prefixes)
    return frozenset(prefix + host for host in hosts for prefix in prefixes)


def clean_text(text: str) -> str:
    """The pasted text without surrounding whitespace; refused when empty, too long or hiding characters."""
    if not isinstance(text, str):
        raise AccountLinkError("empty", _("Paste a link to the account, or type its handle."))
    if len(text) > MAX_TEXT_LENGTH * 4:
        # Checked before stripping so a huge paste is not copied around first.
        raise _too_long()
    text = text.strip()
    if not text:
        raise AccountLinkError("empty", _("Paste a link to the account, or type its handle."))
    if len(text) > MAX_TEXT_LENGTH:
        raise _too_long()
    if any(unicodedata.category(char) in _HIDDEN_CATEGORIES for char in text):
        # Never strip them: a handle with a zero-width or bidi character in it is another handle.
        raise AccountLinkError(
            "invisible_characters",
            _("The text contains invisible or control characters. Type the link or handle again."),
        )
    return text


def _too_long() -> AccountLinkError:
    return AccountLinkError(
        "too_long",
        _("The text is longer than %(limit)d characters; paste only the account's link.")
        % {"limit": MAX_TEXT_LENGTH},
    )


def has_scheme(text: str) -> bool:
    """Whether the text starts like a full link: "https://...", or "//..." as copied from some pages."""
    return text.startswith("//") or _SCHEME.match(text) is not None


def host_part(text: str) -> str:
    """What would be the host if the text were a link without a scheme: up to the first / ? or #."""
    return re.split(r"[/?#]", text, maxsplit=1)[0]


def looks_like_host(text: str) -> bool:
    """Whether the text, read as a host name, is a dotted name (so "x.com" is a link, "UAEGov" is not)."""
    return "." in text.removesuffix(".")


def split_link(text: str) -> SplitLink:
    """Take a cleaned link apart; refuse what a browser would not open as a plain web page on a named host."""
    if text.startswith("//"):
        text = "https:" + text
    elif not has_scheme(text):
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # e.g. an unbalanced "[" or characters that fold into "/" or "@"
        raise _invalid_link() from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise AccountLinkError(
            "invalid_link",
            _("Only web links (starting with https:// or http://) can be read."),
        )
    netloc = parts.netloc
    if "@" in netloc:
        # "https://x.com@evil.example/" opens evil.example: a link that hides its real host.
        raise AccountLinkError(
            "invalid_link",
            _("This link contains an “@” before the site name, which hides the site it really opens."),
        )
    if ":" in netloc:
        raise AccountLinkError(
            "invalid_link",
            _("This link names a port or an address; paste the account's link as the platform shows it."),
        )
    host = netloc
    if host.endswith("."):
        host = host[:-1]  # "x.com." is the same name as "x.com" in DNS
    if not host.isascii() or not _HOST.fullmatch(host.lower()):
        # Non-ASCII and punycode look-alikes ("fаcebook.com") end here or at the exact host match.
        raise unknown_host(netloc)
    segments = tuple(unquote(segment, errors="replace") for segment in parts.path.split("/") if segment)
    if "\\" in parts.path or any(segment in (".", "..") for segment in segments):
        # A browser reads a backslash as "/" and resolves "/x/../y" (also written "%2e%2e") to "/y": the
        # page opened would not be the account named first in the path.
        raise _steps_in_path()
    query = parse_qs(parts.query, keep_blank_values=True, errors="replace")
    return SplitLink(host=host.lower(), segments=segments, query=query, fragment=parts.fragment)


def _steps_in_path() -> AccountLinkError:
    return AccountLinkError(
        "invalid_link",
        _("This link has “..” steps or backslashes in it, which change the page it opens. "
          "Paste the account's link as the platform shows it."),
    )


def _invalid_link() -> AccountLinkError:
    return AccountLinkError("invalid_link", _("This link cannot be read. Check it and paste it again."))


def shown(value: str) -> str:
    """Pasted text as quoted back in a message: shortened, with hidden characters made visible, and
    isolated left to right, so that an Arabic sentence neither reorders it nor turns its quotes."""
    value = value if len(value) <= 80 else value[:80] + "…"
    visible = "".join("\ufffd" if unicodedata.category(char) in _HIDDEN_CATEGORIES else char for char in value)
    return isolate(visible, ltr=True)


def unknown_host(host: str) -> AccountLinkError:
    return AccountLinkError(
        "unknown_platform",
        _("%(name)s is not a social-media platform the register knows.") % {"name": shown(host)},
    )


def other_script_letter(char: str) -> bool:
    """A letter, mark or digit outside ASCII that cannot pass for an ASCII one once lower-cased.

    Handles and names in other scripts ("حكومة", "accessibilité") are real; a Kelvin sign or a
    dotted "İ", whose lower case is a plain ASCII letter, would share a key with an ASCII name.
    """
    category = unicodedata.category(char)
    return (
        not char.isascii()
        and (category[0] in "LM" or category == "Nd")
        and not any(folded.isascii() for folded in char.lower())
    )


def strip_at(text: str) -> str:
    """A bare handle without the one "@" people often type before it."""
    return text[1:] if text.startswith("@") else text


def check_handle(handle: str, pattern: re.Pattern[str], platform: Platform, rule: str) -> str:
    """The handle if it fits the platform's rule, else an `invalid_handle` refusal saying the rule."""
    if pattern.fullmatch(handle) is None:
        raise invalid_handle(handle, platform, rule)
    return handle


def invalid_handle(handle: str, platform: Platform, rule: str) -> AccountLinkError:
    return AccountLinkError(
        "invalid_handle",
        _("“%(handle)s” is not a valid %(platform)s handle: %(rule)s")
        % {"handle": shown(handle), "platform": platform.label, "rule": rule},
        platform=platform, handle=handle,
    )


def reserved_name(handle: str, platform: Platform) -> AccountLinkError:
    return AccountLinkError(
        "invalid_handle",
        _("On %(platform)s, “%(handle)s” is one of the site's own pages, not an account.")
        % {"handle": shown(handle), "platform": platform.label},
    )


def not_an_account(platform: Platform, example: str) -> AccountLinkError:
    return AccountLinkError(
        "not_an_account",
        _("This %(platform)s link is not a link to an account. Paste the link of the account's own page, "
          "such as %(example)s.")
        % {"platform": platform.label, "example": isolate(example, ltr=True)},
    )


def post_without_account(platform: Platform, example: str) -> AccountLinkError:
    return AccountLinkError(
        "not_an_account",
        _("This %(platform)s link is to a post or video and does not name its account. Paste the link of "
          "the account's own page, such as %(example)s.")
        % {"platform": platform.label, "example": isolate(example, ltr=True)},
    )


@dataclass(frozen=True)
class HandleRule:
    """A platform whose accounts are one handle, matched whatever its case (X, Instagram, TikTok...).

    The platform module keeps its own facts (pattern, rule sentence, reserved names, canonical
    link) and gives them here; this builds the account and reads a bare handle, "@" or not.
    """

    platform: Platform
    pattern: re.Pattern[str]
    rule: Callable[[], str]  # the rule sentence, translated when called
    canonical_url: str  # with "{handle}" where the handle goes, e.g. "https://x.com/{handle}"
    # The site's own pages: a bare "home" would otherwise give https://x.com/home.
    reserved: frozenset[str] = frozenset()

    def account(self, handle: str) -> AccountLink:
        check_handle(handle, self.pattern, self.platform, self.rule())
        if handle.lower() in self.reserved:
            raise reserved_name(handle, self.platform)
        return AccountLink(
            platform=self.platform,
            handle=handle,
            handle_key=handle.lower(),
            canonical_url=self.canonical_url.format(handle=handle),
        )

    def parse_handle(self, text: str) -> AccountLink:
        return self.account(strip_at(text))

    def link_rules(
        self, hosts: frozenset[str], parse_link: Callable[[SplitLink], AccountLink], examples: tuple[str, ...]
    ) -> LinkRules:
        """The platform's LINKS, reading bare handles with `parse_handle`."""
        return LinkRules(
            platform=self.platform,
            hosts=hosts,
            parse_link=parse_link,
            parse_handle=self.parse_handle,
            examples=examples,
        )
