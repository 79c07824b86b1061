"""The presence report's charts as plain SVG geometry, drawn on the server like accounts/public/charts.py:
no script, no chart library, no third-party request, so they show in print, in a PDF and with
JavaScript off.

Axes that carry a quantity (scores, months) run left to right in both languages, as
accounts/public/charts.py explains, and their labels are digits only; the horizontal bars carry no
axis and grow from the page's start side. The templates (report/_bars.html,
_distribution.html, _trend.html) only place what is computed here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from accounts.models import ScoreRecord
from accounts.public.charts import Frame, Framed, Tick, nice_step

WIDTH = 720


PLOT_HEIGHT = 240


LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36


REPORT_FRAME = Frame(WIDTH, PLOT_HEIGHT, LEFT, RIGHT, TOP, BOTTOM)


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: the bar is drawn in a 100-wide box, from the page's start side."""

    label: str
    value: int
    length: float  # 0..100, the longest bar 100
    x: float  # where the bar starts in its box: 0 left to right, 100 - length right to left


def bar_chart(rows: list[tuple[str, int]], *, rtl: bool = False) -> list[Bar]:
    """Horizontal bars, one per (label, value), the largest value the longest bar.

    The labels and values stay in the HTML table around each bar, not in the SVG, because
    WeasyPrint draws SVG text one character at a time: Arabic in it comes out unjoined and
    backwards in the PDF, while the table is laid out (and mirrored) like the rest of the page.
    """
    most = max((value for _label, value in rows), default=0) or 1
    bars = []
    for label, value in rows:
        length = round(100 * value / most, 1)
        bars.append(Bar(label, value, length, round(100 - length, 1) if rtl else 0))
    return bars


@dataclass(frozen=True)
class Column:
    label: str  # "0–9", ..., "90–100"
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class Distribution(Framed):
    columns: list[Column]
    y_ticks: list[Tick]
    frame: Frame = REPORT_FRAME


def score_bands(bands: int = 10) -> list[tuple[int, int]]:
    """(low, high) of each band; the last one holds the perfect 100 too."""
    size = 100 // bands
    return [(low, low + size - 1 if low + size < 100 else 100) for low in range(0, 100, size)]


def score_distribution(scores: list[int], bands: int = 10) -> Distribution:
    """How many owners score in each band of ten points."""
    limits = score_bands(bands)
    counts = [sum(low <= score <= high for score in scores) for low, high in limits]
    step = nice_step(max(counts, default=0))
    top_count = max(step, -(-max(counts, default=0) // step) * step)
    plot_width, plot_height = REPORT_FRAME.plot_width, REPORT_FRAME.plot_height
    slot = plot_width / len(limits)
    columns = []
    for index, ((low, high), count) in enumerate(zip(limits, counts, strict=True)):
        height = round(plot_height * count / top_count, 1)
        columns.append(Column(f"{low}–{high}", count, round(LEFT + index * slot + slot * 0.15, 1),
                              round(TOP + plot_height - height, 1), round(slot * 0.7, 1), height))
    ticks = [Tick(round(TOP + plot_height * (top_count - value) / top_count, 1), value)
             for value in range(0, top_count + 1, step)]
    return Distribution(columns, ticks)


@dataclass(frozen=True)
class Trend(Framed):
    points: str  # the polyline's "x,y x,y ..."
    dots: list[tuple[float, float, ScoreRecord]]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    frame: Frame = REPORT_FRAME


def score_trend(records: list[ScoreRecord]) -> Trend | None:
    """An owner's monthly scores (oldest first) on a 0–100 scale; None with no month kept yet.
    A month it was not rated (no channel) has no dot: its table row says so."""
    records = [record for record in records if record.score is not None]
    if not records:
        return None
    plot_width, plot_height = REPORT_FRAME.plot_width, REPORT_FRAME.plot_height
    first = records[0].month
    months = max(_month_index(records[-1].month) - _month_index(first), 1)

    def x(month: date) -> float:
        if len(records) == 1:
            return round(LEFT + plot_width / 2, 1)
        return round(LEFT + plot_width * (_month_index(month) - _month_index(first)) / months, 1)

    def y(score: int) -> float:
        return round(TOP + plot_height * (100 - score) / 100, 1)

    dots = [(x(record.month), y(record.score), record) for record in records]
    every = max(1, -(-len(records) // 6))  # at most six month labels
    return Trend(
        points=" ".join(f"{dot_x},{dot_y}" for dot_x, dot_y, _record in dots),
        dots=dots,
        x_ticks=[Tick(x(record.month), record.month) for record in records[::every]],
        y_ticks=[Tick(y(value), value) for value in range(0, 101, 25)],
    )


def _month_index(month: date) -> int:
    return month.year * 12 + month.month
