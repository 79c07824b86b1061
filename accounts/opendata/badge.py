"""The "official account" badge an entity puts on its own website: /badge/<channel id>.svg, a picture
of what the register says of the account now (official; under check; formerly official or compromised,
in red), and the HTML snippet that embeds it, linked to the channel's public page.

It follows the register by itself: drawn once per register version (accounts/public/cache.py, like
every public page, so a flag shows with the next request) and kept by browsers and caches for
minutes at most. A channel the public may not see is no badge (404), as the API answers it.
Language: `?lang=ar|en` (Arabic, the site's language, without it), not the visitor's browser, so that
the entity chooses the badge that suits its page and every cache holds one picture per address."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.utils.translation import gettext as _, gettext_lazy

from accounts.models import PUBLIC_STATUSES, Channel, Status
from accounts.public.sharing import HEADLINES, channel_verdict
from accounts.public.verify import Result, caution_for
from accounts.web import public_page
from registry.direction import isolate

# Seconds a browser or a shared cache may keep a badge: a flag must show on the entity's site within
# minutes. PUBLIC_PAGE_MAX_AGE if it is shorter.
BADGE_MAX_AGE = 300

REGISTER_NAME = gettext_lazy("UAE Government Communication Office register")

# Background per verdict; the text is white on each, at a contrast of 4.5:1 or more (WCAG AA),
# checked by the tests. Red says "do not trust it as official", whether retired or compromised.
COLOURS = {
    Result.OFFICIAL: "#006b32",
    Result.UNDER_CHECK: "#7a5c1f",
    Result.FORMERLY_OFFICIAL: "#b00020",
    Result.COMPROMISED: "#b00020",
}
TEXT_COLOUR = "#ffffff"


@dataclass(frozen=True)
class Badge:
    verdict: str
    colour: str
    account: str  # "X · @MOFAUAE"
    headline: str
    register: str
    title: str
    description: str
    width: int
    rtl: bool
    language: str


def _printable(text: str) -> str:
    """Text fit for XML 1.0: control and unassigned characters dropped (a handle is typed by people)."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cs", "Cn") or ch in "\t")


def _width(lines: list[tuple[str, float]]) -> int:
    """A width that holds each (text, font size) line: about 0.6 em a letter, with margins."""
    return max(280, int(max(len(text) * size * 0.6 for text, size in lines)) + 32)


def badge_for(channel: Channel, language: str) -> Badge:
    verdict = channel_verdict(channel, caution_for(channel) if channel.status == Status.APPROVED else "")
    handle = _printable(channel.handle)
    platform = channel.get_platform_display()
    headline = str(HEADLINES[verdict])
    register = str(REGISTER_NAME)
    account = f"{platform} · {isolate(handle, ltr=True)}"
    return Badge(
        verdict=verdict, colour=COLOURS[verdict], account=account, headline=headline, register=register,
        title=_("%(verdict)s: %(handle)s on %(platform)s, in the UAE Government Communication Office register") % {
            "verdict": headline, "handle": isolate(handle, ltr=True), "platform": platform},
        description=_("This badge shows what the register says of the account now, and changes by itself if the "
                      "account is retired or flagged as compromised."),
        width=_width([(handle + platform, 15), (headline, 14), (register, 12)]),
        rtl=translation.get_language_bidi(), language=language,
    )


def _language(request) -> str:
    asked = request.GET.get("lang", "")
    return asked if asked in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@public_page
def _drawn(request, pk: int, language: str):
    channel = get_object_or_404(Channel.public_objects.with_owner(), pk=pk)
    with translation.override(language):
        svg = render_to_string("accounts/badge.svg",
                               {"badge": badge_for(channel, language), "text_colour": TEXT_COLOUR})
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Language"] = language  # the badge's, not the one the browser asked for
    return response


def badge(request, pk: int):
    """/badge/<id>.svg[?lang=en]."""
    response = _drawn(request, pk, _language(request))
    patch_cache_control(response, max_age=min(BADGE_MAX_AGE, settings.PUBLIC_PAGE_MAX_AGE))
    # Pictures for other sites' pages: say so, whatever policy a proxy adds for the site's own.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@dataclass(frozen=True)
class BadgeSnippet:
    image: str  # the badge's address
    alt: str  # its text alternative
    html: str  # what to paste into a page


def badge_snippet(channel: Channel, *, absolute) -> BadgeSnippet | None:
    """The HTML an entity copies into its website, in the current language: the badge, linked to the
    channel's public page. None for a channel the public cannot see (no badge yet)."""
    if channel.status not in PUBLIC_STATUSES:
        return None
    language = translation.get_language() or settings.LANGUAGE_CODE
    image = absolute(reverse("badge", args=[channel.pk])) + f"?lang={language}"
    page = absolute(reverse("channel", args=[channel.pk]))
    # The words stay true whatever the register says later: the picture itself carries the verdict.
    alt = _("Status of %(handle)s on %(platform)s in the UAE Government Communication Office register of "
            "official accounts") % {"handle": channel.handle, "platform": channel.get_platform_display()}
    # Each part escaped, the whole plain text (not marked safe): pages show it escaped, as the characters to copy.
    html = f'<a href="{escape(page)}"><img src="{escape(image)}" alt="{escape(alt)}"></a>'
    return BadgeSnippet(image=image, alt=alt, html=html)
