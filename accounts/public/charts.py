"""Follower history drawn on the server as plain SVG geometry: no script, no chart library, no
third-party request, so the chart shows with JavaScript off and in any mail or print.

The template (accounts/_follower_chart.html) only places what is computed here; labels are
formatted there, in the page's language. Time runs left to right in both languages, as in
Arabic financial and statistical charts, so the SVG is always `dir="ltr"`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from accounts.models import FollowerSnapshot

WIDTH, HEIGHT = 720, 260


# Room for the follower labels on the left and the month labels below.
LEFT, RIGHT, TOP, BOTTOM = 84, 16, 12, 32


Y_TICKS = 4


@dataclass(frozen=True)
class Frame:
    """A chart's box and the margins its axis labels need; the plot is what is left inside."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int

    @property
    def right_edge(self) -> int:
        return self.width - self.right

    @property
    def bottom_edge(self) -> int:
        return self.height - self.bottom

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom


class Framed:
    """What the templates read of a chart's frame (chart.left, chart.right_edge...), in one place
    for every chart that has a `frame`."""

    frame: Frame

    width = property(lambda self: self.frame.width)
    height = property(lambda self: self.frame.height)
    left = property(lambda self: self.frame.left)
    top = property(lambda self: self.frame.top)
    right_edge = property(lambda self: self.frame.right_edge)
    bottom_edge = property(lambda self: self.frame.bottom_edge)


FOLLOWER_FRAME = Frame(WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM)


@dataclass(frozen=True)
class Tick:
    position: float  # pixels along the axis
    value: int | date


@dataclass(frozen=True)
class FollowerChart(Framed):
    points: str  # the polyline's "x,y x,y ..."
    first: FollowerSnapshot
    last: FollowerSnapshot
    low: int
    high: int
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    frame: Frame = FOLLOWER_FRAME

    @property
    def single_point(self) -> tuple[str, str] | None:
        """With one count there is no line to draw: the template marks the point instead."""
        return tuple(self.points.split(",")) if " " not in self.points else None


@dataclass(frozen=True)
class MonthEnd:
    snapshot: FollowerSnapshot
    change: int | None  # since the previous month's last count, when there is one


def nice_step(span: float, ticks: int = Y_TICKS) -> int:
    """A round step (1, 2 or 5 times a power of ten) that cuts `span` into about `ticks` parts."""
    raw = max(span / ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return int(factor * magnitude)
    return int(10 * magnitude)  # pragma: no cover - the loop always returns


def follower_chart(snapshots: list[FollowerSnapshot]) -> FollowerChart | None:
    """The chart of `snapshots` (oldest first), or None when there is nothing to draw."""
    if not snapshots:
        return None
    counts = [snapshot.followers for snapshot in snapshots]
    step = nice_step(max(counts) - min(counts))
    low = (min(counts) // step) * step
    high = max(low + step, -(-max(counts) // step) * step)
    first_day, last_day = snapshots[0].date, snapshots[-1].date
    days = max((last_day - first_day).days, 1)
    plot_width, plot_height = FOLLOWER_FRAME.plot_width, FOLLOWER_FRAME.plot_height

    def x(day: date) -> float:
        return round(LEFT + plot_width * (day - first_day).days / days, 1)

    def y(count: int) -> float:
        return round(TOP + plot_height * (high - count) / (high - low), 1)

    points = " ".join(f"{x(s.date)},{y(s.followers)}" for s in snapshots)
    y_ticks = [Tick(y(value), value) for value in range(low, high + 1, step)]
    x_ticks = [Tick(x(day), day) for day in _month_starts(first_day, last_day)]
    return FollowerChart(points, snapshots[0], snapshots[-1], low, high, y_ticks, x_ticks)


def _month_starts(first: date, last: date, most: int = 6) -> list[date]:
    """First days of the months inside the range, thinned to at most `most` labels."""
    starts = []
    year, month = first.year, first.month
    while True:
        month += 1
        if month == 13:
            year, month = year + 1, 1
        day = date(year, month, 1)
        if day > last:
            break
        starts.append(day)
    every = max(1, math.ceil(len(starts) / most))
    return starts[::every]


def month_ends(snapshots: list[FollowerSnapshot]) -> list[MonthEnd]:
    """Each month's last count and its change from the month before, newest first: the table
    that gives screen-reader users (and everyone) the chart's figures."""
    last_of_month: dict[tuple[int, int], FollowerSnapshot] = {}
    for snapshot in snapshots:
        last_of_month[(snapshot.date.year, snapshot.date.month)] = snapshot
    rows, previous = [], None
    for snapshot in last_of_month.values():
        rows.append(MonthEnd(snapshot, None if previous is None else snapshot.followers - previous))
        previous = snapshot.followers
    return rows[::-1]
