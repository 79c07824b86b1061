"""The verdict card: a 1200×630 PNG in the verdict's colours, Arabic joined and right to left, links
left to right on either card, and long text cut before the margins. Read back from the pixels."""
from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from accounts.public.card import (
    BAND_BOTTOM,
    FONT_DIR,
    HEADLINE_SIZES,
    HEIGHT,
    ICON,
    ICON_GAP,
    LINE_BASELINES,
    MARGIN,
    RAQM,
    STRIPE,
    STYLES,
    WIDTH,
    draw_card,
)
from accounts.public.verify import RESULTS
from tests.conftest import missing_tool

PAPER = (255, 255, 255)


@pytest.fixture(autouse=True)
def _raqm():
    if not RAQM:
        missing_tool("Pillow's Raqm layout, to shape Arabic", "install libfribidi0 (libpango-1.0-0 brings it)")


def card(**given) -> Image.Image:
    fields = {"verdict": "official", "headline": "Official", "lines": ["https://x.com/MOFAUAE"],
              "footer": "Official Accounts Registry — checked 30 Nov 2026", "rtl": False} | given
    return Image.open(io.BytesIO(draw_card(**fields))).convert("RGB")


def ink(image: Image.Image, box: tuple[int, int, int, int], background) -> Image.Image:
    """The pixels in `box` that are clearly not `background`, white on black."""
    region = image.crop(box)
    distance = ImageChops.difference(region, Image.new("RGB", region.size, background)).convert("L")
    return distance.point(lambda value: 255 if value > 48 else 0)


def inked(mask: Image.Image) -> int:
    return sum(mask.histogram()[1:])


def column_runs(mask: Image.Image) -> list[tuple[int, int]]:
    """The runs of columns holding ink, left to right: a gap between two runs is a column of paper."""
    columns, _ = mask.getprojection()
    runs, start = [], None
    for x, filled in enumerate([*columns, 0]):
        if filled and start is None:
            start = x
        elif not filled and start is not None:
            runs.append((start, x - 1))
            start = None
    return runs


# The headline's place on an Arabic card: the band left of the icon (the icon is on the right).
ARABIC_HEADLINE = (MARGIN, STRIPE, WIDTH - MARGIN - ICON - ICON_GAP // 2, BAND_BOTTOM)


def test_the_card_is_an_opengraph_sized_png():
    data = draw_card(verdict="official", headline="Official", lines=["https://x.com/MOFAUAE"],
                     footer="Official Accounts Registry", rtl=False)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size) == ("PNG", (WIDTH, HEIGHT)) == ("PNG", (1200, 630))


def hue(rgb: tuple[int, int, int]) -> str:
    r, g, b = rgb
    if max(rgb) - min(rgb) < 12:
        return "grey"
    if g > r + 80 and g > b + 40:
        return "green"
    if r > g + 120 and r > b + 100:
        return "red"
    if r > g + 40 and g > b + 40:
        return "amber"
    return "other"


@pytest.mark.parametrize(("verdict", "expected"), [
    ("official", "green"), ("compromised", "red"), ("known_impostor", "red"), ("formerly_official", "grey"),
    ("under_check", "amber"), ("not_registered", "amber"), ("invalid", "grey"),
])
def test_the_band_has_the_verdicts_colour(verdict, expected):
    image = card(verdict=verdict)
    assert hue(image.getpixel((WIDTH // 2, STRIPE // 2))) == expected
    assert image.getpixel((WIDTH - MARGIN - 5, BAND_BOTTOM - 5)) != PAPER  # the band's tint beside the headline
    assert image.getpixel((WIDTH // 2, BAND_BOTTOM + 5)) == PAPER


def test_every_answer_of_verify_has_a_card():
    assert set(RESULTS) <= set(STYLES)


def test_each_kind_of_verdict_has_its_own_icon_so_it_reads_without_colour():
    def icon(verdict: str) -> bytes:
        top = (STRIPE + BAND_BOTTOM - ICON) // 2
        glyph = card(verdict=verdict).crop((MARGIN, top, MARGIN + ICON, top + ICON)).convert("L")
        return glyph.point(lambda value: 255 if value > 200 else 0).tobytes()  # the white mark on the disc

    kinds = ["official", "compromised", "formerly_official", "under_check", "invalid"]
    assert len({icon(verdict) for verdict in kinds}) == len(kinds)
    assert icon("known_impostor") == icon("compromised") and icon("not_registered") == icon("under_check")


def test_unknown_verdicts_and_line_counts_are_refused():
    with pytest.raises(ValueError):
        card(verdict="verified")
    with pytest.raises(ValueError):
        card(lines=[])
    with pytest.raises(ValueError):
        card(lines=["a", "b", "c", "d"])


def test_arabic_letters_are_joined():
    # تحقق: four letters that all join both ways, so a shaped word is one unbroken stroke.
    word = "تحقق"
    shaped = column_runs(ink(card(headline=word, rtl=True), ARABIC_HEADLINE, STYLES["official"].tint))
    assert len(shaped) == 1
    # The classic failure, for comparison: the same letters in isolated forms, side by side.
    font = ImageFont.truetype(str(FONT_DIR / "ibm-plex-sans-arabic-700.ttf"), HEADLINE_SIZES[0],
                              layout_engine=ImageFont.Layout.BASIC)
    unshaped = Image.new("RGB", (ARABIC_HEADLINE[2] - ARABIC_HEADLINE[0], BAND_BOTTOM - STRIPE), PAPER)
    ImageDraw.Draw(unshaped).text((20, 20), word, font=font, fill=(0, 0, 0))
    isolated = column_runs(ink(unshaped, (0, 0, *unshaped.size), PAPER))
    assert len(isolated) >= 3
    assert shaped[0][1] - shaped[0][0] != isolated[-1][1] - isolated[0][0]


def test_arabic_reads_right_to_left():
    # رسمي: its first letter ر must stand at the right end of the word, exactly where a card with
    # ر alone draws it, and not at the left end.
    tint = STYLES["official"].tint
    word = ink(card(headline="رسمي", rtl=True), ARABIC_HEADLINE, tint)
    letter = ink(card(headline="ر", rtl=True), ARABIC_HEADLINE, tint)
    box = letter.getbbox()
    assert box[2] == word.getbbox()[2]  # both flush against the icon
    own = inked(letter)
    assert inked(ImageChops.difference(word.crop(box), letter.crop(box))) < own * 0.2
    left = word.getbbox()[0]
    at_left_end = word.crop((left, box[1], left + box[2] - box[0], box[3]))
    assert inked(ImageChops.difference(at_left_end, letter.crop(box))) > own * 0.5


def line_row(image: Image.Image, index: int) -> Image.Image:
    """The ink of detail line `index`, cropped to itself, so lines can be compared across cards."""
    baseline = LINE_BASELINES[index]
    mask = ink(image, (MARGIN, baseline - 56, WIDTH - MARGIN, baseline + 14), PAPER)
    return mask.crop(mask.getbbox())


def test_an_account_link_is_drawn_left_to_right_on_an_arabic_card():
    links = ["@MOFAUAE", "https://www.instagram.com/mofauae/"]
    english = card(lines=links)
    arabic = card(headline="رسمي", lines=[*links, "وزارة الخارجية"],
                  footer="سجل الحسابات الرسمية — تم التحقق في ٣٠ نوفمبر ٢٠٢٦", rtl=True)
    for index in range(len(links)):
        assert line_row(arabic, index).tobytes() == line_row(english, index).tobytes()
    # Right aligned all the same, like the rest of the Arabic card.
    assert ink(arabic, (0, 0, WIDTH, HEIGHT), PAPER).crop((0, LINE_BASELINES[0] - 56, WIDTH,
                                                             LINE_BASELINES[0] + 14)).getbbox()[2] > WIDTH - MARGIN - 4
    # What the comparison guards against: laid out right to left, the @ moves to the other end.
    font = ImageFont.truetype(str(FONT_DIR / "ibm-plex-sans-arabic-400.ttf"), 46, layout_engine=ImageFont.Layout.RAQM)
    drawn = {}
    for direction in ("ltr", "rtl"):
        image = Image.new("L", (600, 100), 0)
        ImageDraw.Draw(image).text((10, 70), links[0], font=font, fill=255, anchor="ls", direction=direction)
        drawn[direction] = image.crop(image.getbbox()).tobytes()
    assert drawn["ltr"] != drawn["rtl"]


@pytest.mark.parametrize("rtl", [False, True])
def test_long_text_is_cut_before_the_margins(rtl):
    short = card(verdict="compromised", headline="X", lines=["x"], footer="x", rtl=rtl)
    name = "وزارة الخارجية والتعاون الدولي — إدارة الاتصال الحكومي والإعلام الرقمي والعلاقات العامة " * 3
    long = card(verdict="compromised", headline="Known impostor of a very long government entity name " * 3,
                lines=["https://www.facebook.com/" + "MinistryOfForeignAffairs" * 12, name, "Ministry " * 60],
                footer="Official Accounts Registry — checked 30 Nov 2026 " * 4, rtl=rtl)
    for side in ((0, 0, MARGIN, HEIGHT), (WIDTH - MARGIN, 0, WIDTH, HEIGHT)):
        assert ImageChops.difference(long.crop(side), short.crop(side)).getbbox() is None
    # Cut, not dropped: every line still spans most of the card.
    for baseline in LINE_BASELINES:
        x0, _, x1, _ = ink(long, (0, baseline - 56, WIDTH, baseline + 14), PAPER).getbbox()
        assert x1 - x0 > (WIDTH - 2 * MARGIN) * 0.8
