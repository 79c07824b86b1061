"""A page's addresses for search engines and previews: its canonical address and the same page in
each language (hreflang), built from the language switcher's links (registry/context_processors.py)."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.utils.translation import get_language

# Query keys that only say where a visitor came from: the same page without them is the canonical one.
TRACKING_KEYS = ("utm_", "fbclid", "gclid", "mc_", "igshid")


@dataclass(frozen=True)
class PageAddresses:
    canonical: str
    alternates: list[tuple[str, str]]  # (hreflang, absolute address), x-default last


def untracked(path: str) -> str:
    """The path without tracking parameters (utm_source=...), the rest of its query kept in order."""
    parts = urlsplit(path)
    if not parts.query:
        return path
    kept = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not key.lower().startswith(TRACKING_KEYS)]
    return urlunsplit(parts._replace(query=urlencode(kept)))


def without_language(path: str) -> str:
    """/ar/directory/ → /directory/: the address that sends each visitor to their language (x-default),
    as django.contrib.sitemaps writes it."""
    for code, _name in settings.LANGUAGES:
        if path == f"/{code}" or path.startswith(f"/{code}/"):
            return path[len(code) + 1:] or "/"
    return path


def page_addresses(request, in_language: dict[str, str]) -> PageAddresses:
    """`in_language`: this page's path in each language (the switcher's), to absolute, untracked addresses."""
    absolute = {code: request.build_absolute_uri(untracked(path)) for code, path in in_language.items()}
    current = get_language() or settings.LANGUAGE_CODE
    default = in_language.get(settings.LANGUAGE_CODE, request.get_full_path())
    return PageAddresses(
        canonical=absolute.get(current, request.build_absolute_uri(untracked(request.get_full_path()))),
        alternates=[*absolute.items(), ("x-default", request.build_absolute_uri(untracked(without_language(default))))],
    )
