"""LinkedIn: reading company, showcase and member page links."""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from django.utils.translation import gettext as _

from accounts.platforms.links import (
    AccountLink,
    AccountLinkError,
    LinkRules,
    Platform,
    SplitLink,
    invalid_handle,
    not_an_account,
    other_script_letter,
    with_prefixes,
)
from registry.direction import isolate

PLATFORM = Platform.LINKEDIN
HOSTS = with_prefixes(["linkedin.com"])
EXAMPLE = "https://www.linkedin.com/company/uaegov/"

# Country hosts (ae.linkedin.com, uk.linkedin.com...): exactly one two-letter label under
# linkedin.com, which only LinkedIn can serve; a look-alike registrable domain cannot match.
_COUNTRY_HOST = re.compile(r"[a-z]{2}\.linkedin\.com")
_SLUG_ASCII = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
# Separate namespaces: company/x and in/x are different pages, so the key keeps the prefix.
# /school/{slug} is a university's page (public universities are government entities).
NAMESPACES = ("company", "showcase", "school", "in")


def _rule() -> str:
    return _("up to 100 letters, digits, hyphens, dots or underscores, starting with a letter or digit.")


def _slug(slug: str) -> str:
    """The slug if LinkedIn could serve it: letters (accented and other scripts too: "accessibilité"),
    digits, "-", "." and "_". Text Unicode would rewrite (an "e" and a separate accent rather than
    "é") or a letter whose lower case is ASCII (a Kelvin sign) is refused: it would share a key with
    another page's slug, or open another page."""
    fits = (
        1 <= len(slug) <= 100
        and unicodedata.is_normalized("NFC", slug)
        and all(char in _SLUG_ASCII or other_script_letter(char) for char in slug)
        and slug[0] not in "_.-"
    )
    if not fits:
        raise invalid_handle(slug, PLATFORM, _rule())
    return slug


def _page(namespace: str, slug: str) -> AccountLink:
    # The handle keeps the slug as people read it ("company/normes-d-accessibilité-canada"), the key
    # its lower case, so the raw and the percent-encoded link are one page; the canonical link is
    # percent-encoded, as LinkedIn serves it (/company/normes-d-accessibilit%C3%A9-canada/).
    slug = _slug(slug)
    return AccountLink(
        platform=PLATFORM,
        handle=f"{namespace}/{slug}",
        handle_key=f"{namespace}/{slug.lower()}",
        canonical_url=f"https://www.linkedin.com/{namespace}/{quote(slug, safe='')}/",
    )


def _from_segments(segments: tuple[str, ...]) -> AccountLink:
    namespace = segments[0].lower() if segments else ""
    if namespace in NAMESPACES and len(segments) >= 2:
        return _page(namespace, segments[1])  # /company/{slug}/posts/ etc. name the page too
    raise not_an_account(PLATFORM, EXAMPLE)


def parse_link(link: SplitLink) -> AccountLink:
    return _from_segments(link.segments)


def parse_handle(text: str) -> AccountLink:
    if "/" not in text:
        # A bare slug could be a company or a member: refuse rather than pick one.
        raise AccountLinkError(
            "not_an_account",
            _("A LinkedIn name alone does not say which page it is. Paste the page's link, such as "
              "%(example)s.")
            % {"example": isolate(EXAMPLE, ltr=True)},
        )
    return _from_segments(tuple(part for part in text.split("/") if part))


LINKS = LinkRules(
    platform=PLATFORM,
    hosts=HOSTS,
    parse_link=parse_link,
    parse_handle=parse_handle,
    examples=(EXAMPLE, "https://www.linkedin.com/showcase/uaegov-events/", "company/uaegov"),
    owns_extra_host=lambda host: _COUNTRY_HOST.fullmatch(host) is not None,
)
