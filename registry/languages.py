"""The site's two languages: which one the page being drawn is in."""
from __future__ import annotations

from django.utils.translation import get_language


def in_page_language(arabic, english):
    """`english` on an English page, else `arabic`: Arabic is the site's default language."""
    return english if (get_language() or "").startswith("en") else arabic
