"""The follower chart's geometry: round axis steps, the line inside the plot, months labelled."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from accounts.models import FollowerSnapshot
from accounts.public.charts import HEIGHT, LEFT, TOP, WIDTH, follower_chart, month_ends, nice_step


def snapshots(counts: list[int], first: date = date(2026, 1, 15)) -> list[FollowerSnapshot]:
    return [FollowerSnapshot(date=first + timedelta(days=i), followers=c) for i, c in enumerate(counts)]


@pytest.mark.parametrize(("span", "step"), [(0, 1), (3, 1), (40, 10), (90, 50), (1_000, 500), (7_000_000, 2_000_000)])
def test_steps_are_one_two_or_five_times_a_power_of_ten(span, step):
    assert nice_step(span) == step


def test_the_line_spans_the_plot_and_the_axis_holds_every_count():
    chart = follower_chart(snapshots([1_050, 1_200, 980, 1_310]))
    assert (chart.low, chart.high) == (900, 1_400)
    xs = [float(p.split(",")[0]) for p in chart.points.split(" ")]
    ys = [float(p.split(",")[1]) for p in chart.points.split(" ")]
    assert xs[0] == LEFT and xs[-1] == chart.right_edge == WIDTH - 16
    assert all(TOP <= y <= chart.bottom_edge for y in ys)
    assert ys.index(min(ys)) == 3 and ys.index(max(ys)) == 2  # the highest count is drawn highest
    assert [tick.value for tick in chart.y_ticks] == list(range(900, 1_401, 100))
    assert chart.bottom_edge < HEIGHT


def test_a_flat_history_still_has_an_axis_and_one_count_is_a_point():
    flat = follower_chart(snapshots([500] * 10))
    assert flat.low == 500 and flat.high == 501 and flat.single_point is None
    single = follower_chart(snapshots([42]))
    assert single.single_point == (str(float(LEFT)), single.points.split(",")[1])
    assert follower_chart([]) is None


def test_month_labels_fall_on_first_days_and_stay_few():
    chart = follower_chart(snapshots(list(range(365)), first=date(2025, 11, 27)))
    labels = [tick.value for tick in chart.x_ticks]
    assert all(day.day == 1 for day in labels) and 1 < len(labels) <= 6
    assert labels[0] == date(2025, 12, 1)


def test_month_ends_are_newest_first_with_the_change_since_the_month_before():
    rows = month_ends(snapshots([100, 110, 120], first=date(2026, 1, 31)) + snapshots([90], first=date(2026, 3, 2)))
    assert [(row.snapshot.date, row.snapshot.followers, row.change) for row in rows] == [
        (date(2026, 3, 2), 90, -30),
        (date(2026, 2, 2), 120, 20),
        (date(2026, 1, 31), 100, None),
    ]
