"""LinkedIn: reading company, showcase and member page links."""
from __future__ import annotations

import re

from django.utils.translation import gettext as _

from accounts.platforms.links import (
    AccountLink,
    AccountLinkError,
    LinkRules,
    Platform,
    SplitLink,
    check_handle,
    not_an_account,
    with_prefixes,
)

PLATFORM = Platform.LINKEDIN
HOSTS = with_prefixes(["linkedin.com"])
EXAMPLE = "https://www.linkedin.com/company/uaegov/"

# Country hosts (ae.linkedin.com, uk.linkedin.com...): exactly one two-letter label under
# linkedin.com, which only LinkedIn can serve; a look-alike registrable domain cannot match.
_COUNTRY_HOST = re.compile(r"[a-z]{2}\.linkedin\.com")
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
# Separate namespaces: company/x and in/x are different pages, so the key keeps the prefix.
NAMESPACES = ("company", "showcase", "in")


def _rule() -> str:
    return _("up to 100 letters (A–Z), digits, hyphens, dots or underscores.")


def _page(namespace: str, slug: str) -> AccountLink:
    check_handle(slug, _SLUG, PLATFORM, _rule())
    return AccountLink(
        platform=PLATFORM,
        handle=f"{namespace}/{slug}",
        handle_key=f"{namespace}/{slug.lower()}",
        canonical_url=f"https://www.linkedin.com/{namespace}/{slug}/",
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
            % {"example": EXAMPLE},
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
