"""The verdict card: the picture a chat app shows when someone shares a verify answer (its og:image),
drawn on the server as a 1200×630 PNG that reads at a glance in English or Arabic.

Arabic must be shaped (joined letter forms) and laid out right to left. Pillow does both only
through its Raqm layout (libraqm, bundled in Pillow's wheels, which loads the system's FriBiDi);
without it Pillow silently falls back to drawing isolated letters left to right, the classic broken
Arabic. So Raqm is required and checked: a machine without it gets `CardUnavailable`, never a wrong
card. Every machine that runs this site has FriBiDi already, because WeasyPrint's Pango depends on
it (Dockerfile and .ci/run install libpango-1.0-0, which pulls libfribidi0 and libharfbuzz0b).

The fonts are the site's IBM Plex Sans Arabic, the WOFF2 subsets in static/fonts/ibm-plex-sans-arabic/
merged once per weight (Arabic subset first, then Latin) into one TTF with fontTools, so a single
font draws Arabic, Latin, both sets of digits and mixed lines alike:
    fontTools.merge.Merger().merge([<arabic subset as TTF>, <latin subset as TTF>]).save(...)
(both subsets carry identical hinting tables, so the merged hinting is sound).
"""
from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont, features

WIDTH, HEIGHT = 1200, 630  # OpenGraph's size

# Nothing is drawn in the side margins but the band and the paper.
MARGIN = 40

# The band: the verdict's tint from the top down to BAND_BOTTOM, a stripe of its strong colour on
# top, and in it the icon (a disc of the strong colour) beside the headline.
STRIPE = 18
BAND_BOTTOM = 262
ICON = 150
ICON_GAP = 36

# Detail lines below the band, then the footer under a gold rule (the site header's).
LINE_BASELINES = (344, 414, 484)
RULE_TOP, RULE_HEIGHT = 534, 4
FOOTER_BASELINE = 596

# Sizes tried largest first before a text is cut with an ellipsis.
HEADLINE_SIZES = (84, 76, 68, 60)
LINE_SIZES = (46, 42, 38)
FOOTER_SIZES = (30, 27, 24)

PAPER = "#ffffff"
INK = "#1a1a1a"
MUTED = "#595959"
GOLD = "#B68A35"
ELLIPSIS = "…"
WORD_END = 12

FONT_DIR = settings.BASE_DIR / "static" / "fonts" / "ibm-plex-sans-arabic"
RAQM = features.check("raqm")


@dataclass(frozen=True)
class Style:
    """A verdict's look, from static/css/site.css's .verify-* rules: `strong` is the border colour
    (stripe and icon disc), `tint` the answer's background (the band), `text` its heading colour
    (at least 7:1 on the tint)."""

    strong: str
    tint: str
    text: str
    icon: str  # check, cross, dash, exclamation, question


_OFFICIAL = Style(strong="#00843D", tint="#eaf6ef", text="#00602c", icon="check")
_DANGER = Style(strong="#C8102E", tint="#fdecee", text="#9e0c24", icon="cross")
_FORMER = Style(strong="#6b6b6b", tint="#f1f1f1", text="#3d3d3d", icon="dash")
_CAUTION = Style(strong="#b26a00", tint="#fff4e0", text="#6e4200", icon="exclamation")
# The input could not be read: no statement about any account, so neither colour of a verdict;
# the site's ink on a light grey.
_NEUTRAL = Style(strong=INK, tint="#f4f4f4", text=INK, icon="question")

STYLES: dict[str, Style] = {
    "official": _OFFICIAL,
    "under_check": _CAUTION,
    "formerly_official": _FORMER,
    "compromised": _DANGER,
    "not_registered": _CAUTION,
    "known_impostor": _DANGER,
    "invalid": _NEUTRAL,
}


class CardUnavailable(RuntimeError):
    """This machine's Pillow cannot shape Arabic (no Raqm layout), so no card is drawn."""


def draw_card(*, verdict: str, headline: str, lines: list[str], footer: str, rtl: bool) -> bytes:
    """The card as PNG bytes, 1200×630: the verdict's band and icon with `headline` large beside it,
    one to three detail `lines` (the account link, the owner's name) and the `footer`.

    On an Arabic card (`rtl`) everything is aligned right and the headline and footer read right to
    left; each detail line takes its direction from its first letter, as the page's dir="auto" does,
    so an account link is drawn left to right on either card. A text too long for its place is drawn
    smaller, then cut with an ellipsis: nothing ever runs into the margins."""
    if not RAQM:
        raise CardUnavailable("Pillow has no Raqm layout here (libfribidi missing), so Arabic cannot be shaped.")
    if verdict not in STYLES:
        raise ValueError(f"No card for the verdict {verdict!r}.")
    style = STYLES[verdict]
    if not 1 <= len(lines) <= len(LINE_BASELINES):
        raise ValueError(f"A card has one to {len(LINE_BASELINES)} detail lines, not {len(lines)}.")
    card = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, WIDTH - 1, BAND_BOTTOM - 1), fill=style.tint)
    draw.rectangle((0, 0, WIDTH - 1, STRIPE - 1), fill=style.strong)

    icon_top = (STRIPE + BAND_BOTTOM - ICON) // 2
    icon_left = WIDTH - MARGIN - ICON if rtl else MARGIN
    icon = _icon(style)
    card.paste(icon, (icon_left, icon_top), icon)
    if rtl:
        headline_box = (MARGIN, WIDTH - MARGIN - ICON - ICON_GAP)
    else:
        headline_box = (MARGIN + ICON + ICON_GAP, WIDTH - MARGIN)
    card_direction = "rtl" if rtl else "ltr"
    _write(draw, headline, box=headline_box, y=icon_top + ICON // 2, anchor_y="m", weight=700,
           sizes=HEADLINE_SIZES, colour=style.text, direction=card_direction, right=rtl)

    for line, baseline in zip(lines, LINE_BASELINES, strict=False):
        _write(draw, line, box=(MARGIN, WIDTH - MARGIN), y=baseline, anchor_y="s", weight=400,
               sizes=LINE_SIZES, colour=INK, direction=_direction_of(line, default=card_direction), right=rtl)

    draw.rectangle((MARGIN, RULE_TOP, WIDTH - MARGIN - 1, RULE_TOP + RULE_HEIGHT - 1), fill=GOLD)
    _write(draw, footer, box=(MARGIN, WIDTH - MARGIN), y=FOOTER_BASELINE, anchor_y="s", weight=400,
           sizes=FOOTER_SIZES, colour=MUTED, direction=card_direction, right=rtl)

    out = io.BytesIO()
    card.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def _direction_of(text: str, *, default: str) -> str:
    """The direction of a text's first strong letter (Unicode bidi rules P2–P3, HTML's dir="auto"):
    "https://…" and "@handle" are left to right even on an Arabic card."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return default


def _write(draw: ImageDraw.ImageDraw, text: str, *, box: tuple[int, int], y: int, anchor_y: str, weight: int,
           sizes: tuple[int, ...], colour: str, direction: str, right: bool) -> None:
    """Draw `text` on one line between the x positions in `box`, flush right or left, at the
    largest of `sizes` at which its ink fits, else at the smallest cut with an ellipsis."""
    text = " ".join(text.split())
    if not text:
        return
    left_edge, right_edge = box
    language = "ar" if direction == "rtl" else None
    anchor = "l" + anchor_y
    for size in sizes:
        font = _font(weight, size)
        fitted = _fit(text, font, right_edge - left_edge, direction, language, anchor, cut=size == sizes[-1])
        if fitted is not None:
            break
    if not fitted:
        return
    ink_left, _, ink_right, _ = font.getbbox(fitted, direction=direction, language=language, anchor=anchor)
    # A whole-pixel origin keeps glyphs crisp and the same on either side of the card.
    x = right_edge - ink_right if right else left_edge - ink_left
    draw.text((x, y), fitted, font=font, fill=colour, anchor=anchor, direction=direction, language=language)


def _fit(text: str, font: ImageFont.FreeTypeFont, width: int, direction: str, language: str | None, anchor: str,
         *, cut: bool) -> str | None:
    """`text` if its ink is at most `width` wide; else, when `cut`, its longest beginning that fits
    with an ellipsis after it, ending at a word unless that drops more than WORD_END characters (a
    link has no words: it is cut anywhere). The ellipsis falls at the text's end: the left on a
    right-to-left line. Else None."""

    def fits(candidate: str) -> bool:
        ink_left, _, ink_right, _ = font.getbbox(candidate, direction=direction, language=language, anchor=anchor)
        return ink_right - ink_left <= width

    if fits(text):
        return text
    if not cut:
        return None
    # Binary search on the number of characters kept: each try is one layout.
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(_cut(text, middle)):
            low = middle
        else:
            high = middle - 1
    space = text.rfind(" ", 0, low + 1)
    if space > low - WORD_END:
        low = space
    return _cut(text, low) if low else ""


def _cut(text: str, keep: int) -> str:
    """The first `keep` characters and an ellipsis, never leaving a mark without its letter nor a
    space before the ellipsis."""
    while 0 < keep < len(text) and unicodedata.combining(text[keep]):
        keep -= 1
    return text[:keep].rstrip() + ELLIPSIS


@lru_cache(maxsize=32)
def _font(weight: int, size: int) -> ImageFont.FreeTypeFont:
    # Opening the font file is most of the cost of a small drawing: one object per weight and size.
    path = FONT_DIR / f"ibm-plex-sans-arabic-{weight}.ttf"
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)


SUPERSAMPLE = 4


@lru_cache(maxsize=len(STYLES))
def _icon(style: Style) -> Image.Image:
    """The verdict's icon, white on a disc of its strong colour, drawn four times larger and scaled
    down so its edges are smooth (Pillow's shapes have no anti-aliasing). An RGBA image: its alpha is
    the paste mask."""
    size = ICON * SUPERSAMPLE
    icon = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(icon)
    draw.ellipse((0, 0, size - 1, size - 1), fill=style.strong)
    centre = size / 2
    stroke = round(size * 0.1)

    def at(x: float, y: float) -> tuple[float, float]:
        return centre + x * size, centre + y * size

    if style.icon == "check":
        draw.line([at(-0.24, 0.01), at(-0.07, 0.18), at(0.25, -0.17)], fill="white", width=stroke, joint="curve")
        _round_ends(draw, [at(-0.24, 0.01), at(0.25, -0.17)], stroke)
    elif style.icon == "cross":
        for start, end in ((at(-0.19, -0.19), at(0.19, 0.19)), (at(-0.19, 0.19), at(0.19, -0.19))):
            draw.line([start, end], fill="white", width=stroke)
            _round_ends(draw, [start, end], stroke)
    elif style.icon == "dash":
        draw.line([at(-0.22, 0), at(0.22, 0)], fill="white", width=stroke)
        _round_ends(draw, [at(-0.22, 0), at(0.22, 0)], stroke)
    else:
        mark = "!" if style.icon == "exclamation" else "?"
        font = _font(700, round(size * 0.62))
        ink_left, ink_top, ink_right, ink_bottom = font.getbbox(mark, anchor="ls")
        origin = (centre - (ink_left + ink_right) / 2, centre - (ink_top + ink_bottom) / 2)
        draw.text(origin, mark, font=font, fill="white", anchor="ls")
    return icon.resize((ICON, ICON), Image.Resampling.LANCZOS)


def _round_ends(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], stroke: int) -> None:
    for x, y in points:
        draw.ellipse((x - stroke / 2, y - stroke / 2, x + stroke / 2, y + stroke / 2), fill="white")
