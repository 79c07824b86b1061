"""The report's chart geometry: bars from the page's start side, score bands, the monthly trend."""
from __future__ import annotations

from datetime import date

import pytest

from accounts.models import ScoreRecord
from accounts.report.charts import PLOT_HEIGHT, TOP, bar_chart, score_bands, score_distribution, score_trend


def test_the_largest_value_is_the_longest_bar_and_right_to_left_bars_start_on_the_right():
    ltr = bar_chart([("X", 400), ("Instagram", 100), ("Bluesky", 0)])
    assert [(bar.length, bar.x) for bar in ltr] == [(100, 0), (25, 0), (0, 0)]
    rtl = bar_chart([("X", 400), ("Instagram", 100)], rtl=True)
    assert [(bar.length, bar.x) for bar in rtl] == [(100, 0), (25, 75)]  # each ends at the right edge
    assert bar_chart([]) == [] and bar_chart([("X", 0)])[0].length == 0


def test_ten_bands_cover_every_score_once():
    bands = score_bands()
    assert bands[0] == (0, 9) and bands[-1] == (90, 100) and len(bands) == 10
    for score in range(101):
        assert sum(low <= score <= high for low, high in bands) == 1


@pytest.mark.parametrize(("scores", "top_tick"), [([], 1), ([100, 95, 42], 2), ([80] * 7 + [10], 8)])
def test_the_distribution_counts_each_band_and_its_axis_holds_the_tallest(scores, top_tick):
    chart = score_distribution(scores)
    counts = {column.label: column.count for column in chart.columns}
    assert sum(counts.values()) == len(scores)
    assert chart.y_ticks[-1].value >= max(counts.values(), default=0)
    assert chart.y_ticks[-1].value == top_tick
    tallest = max(chart.columns, key=lambda column: column.count)
    if scores:
        assert tallest.y >= TOP and tallest.y + tallest.height <= PLOT_HEIGHT


def test_the_trend_places_months_left_to_right_and_higher_scores_higher():
    records = [ScoreRecord(month=date(2026, month, 1), score=score, failing=[])
               for month, score in ((1, 60), (2, 80), (4, 70))]
    trend = score_trend(records)
    xs = [x for x, _y, _record in trend.dots]
    ys = [y for _x, y, _record in trend.dots]
    assert xs == sorted(xs) and xs[0] == trend.left and xs[-1] == trend.right_edge
    assert xs[1] - xs[0] == pytest.approx((xs[2] - xs[0]) / 3, abs=0.2)  # March, missing, keeps its place
    assert ys[1] < ys[2] < ys[0]
    assert [tick.value for tick in trend.y_ticks] == [0, 25, 50, 75, 100]
    assert score_trend([]) is None
    single = score_trend(records[:1])
    assert len(single.dots) == 1 and trend.left < single.dots[0][0] < trend.right_edge
