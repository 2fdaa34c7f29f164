"""Trend and projection charts never join a line across a break in a series (issue 27)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwb.charts.projection import projection_grid
from hwb.charts.trends import BREAK_MARK, split_at_break, trend_grid

CODES = {"district": "D", "county": "C", "england": "E"}
NAMES = {"district": "Burnley", "county": "Lancashire", "england": "England"}
PERIODS = ["2018/19", "2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]


def _series(break_at: dict[str, str | None]) -> pd.DataFrame:
    """Falls-like rows: each area's six periods, with where its series' break starts."""
    rows = []
    values = {"D": [2085, 2025, 1938, 2032, 1866, 1339], "C": [1815, 1976, 1771, 1903, 1866, 1643]}
    values["E"] = [2228, 2256, 2062, 2100, 1933, 1984]
    for area, vals in values.items():
        brk = break_at.get(area)
        for i, (period, value) in enumerate(zip(PERIODS, vals, strict=True)):
            rows.append(
                {
                    "area_code": area,
                    "period": period,
                    "period_sortable": 20180000 + i * 10000,
                    "value": float(value),
                    "lower_95": float(value) - 100,
                    "upper_95": float(value) + 100,
                    "break_sortable": np.nan
                    if brk is None
                    else 20180000 + PERIODS.index(brk) * 10000,
                }
            )
    return pd.DataFrame(rows)


def _lines_x(ax) -> list[list[float]]:
    return [list(map(float, line.get_xdata())) for line in ax.get_lines() if len(line.get_xdata())]


def test_split_at_break_gives_the_pieces_before_and_after():
    rows = _series({"D": "2023/24"})
    district = rows[rows["area_code"] == "D"]
    before, after = split_at_break(district)
    assert list(before["period"]) == PERIODS[:5] and list(after["period"]) == ["2023/24"]
    assert len(split_at_break(rows[rows["area_code"] == "E"])) == 1  # no break: one line
    assert len(split_at_break(district.drop(columns="break_sortable"))) == 1  # no column: whole
    early = _series({"D": "2018/19"})  # a break before the first period shown: one line
    assert len(split_at_break(early[early["area_code"] == "D"])) == 1


def test_a_trend_line_is_not_joined_across_a_break_and_the_gap_is_marked():
    fig = trend_grid(
        [("Falls admissions 65+", "per 100,000", _series({"D": "2023/24", "C": "2023/24"}))],
        CODES,
        NAMES,
        "Ageing Well",
    )
    ax = fig.axes[0]
    gap = 4.5  # between the fifth period (x = 4) and the sixth (x = 5)
    crossing = [x for x in _lines_x(ax) if min(x) < gap < max(x) and len(x) > 2]
    # England has no break: its line runs on; Burnley's and Lancashire's stop at the break
    assert len(crossing) == 1
    assert [t.get_text() for t in ax.texts if t.get_text() == BREAK_MARK] == [BREAK_MARK]
    vertical = [x for x in _lines_x(ax) if len(x) == 2 and x[0] == x[1] == gap]
    assert vertical, "a vertical line marks the break"
    unbroken = trend_grid([("Falls", "", _series({}))], CODES, NAMES, "Ageing Well").axes[0]
    assert not [t for t in unbroken.texts if t.get_text() == BREAK_MARK]


def test_a_projection_chart_leaves_the_gap_too():
    series = _series({"D": "2021/22"}).assign(
        year=lambda t: 2018.5 + t["period_sortable"] / 10000 - 2018
    )
    district = series[series["area_code"] == "D"]
    england = series[series["area_code"] == "E"]
    projection = pd.DataFrame(
        {
            "status": ["ok", "ok"],
            "horizon": [2030.5, 2035.5],
            "projected": [1500.0, 1400.0],
            "lower_95": [1200.0, 1000.0],
            "upper_95": [1800.0, 1800.0],
        }
    )
    fig = projection_grid([("Falls", "per 100,000", district, england, projection)], NAMES, "x")
    ax = fig.axes[0]
    measured = [x for x in _lines_x(ax) if max(x) <= 2024 and len(x) > 2]
    # Burnley's measured line is two pieces (3 periods, then 3), England's one
    assert sorted(len(x) for x in measured) == [3, 3, 6]
    assert BREAK_MARK in [t.get_text() for t in ax.texts]
    assert [t.get_text() for t in ax.get_legend().get_texts()].count("Burnley (measured)") == 1
