"""hwb.stats.project's guards (issue 28): breaks, turning points, the English range, England's
latest value as the target, and no verdict wider than the plausible span; on the shipped
snapshot's real series where the issue cites them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb.data.load import load_snapshot
from hwb.data.periods import midpoint, span_years
from hwb.errors import StatsInputError
from hwb.stats.projection import (
    BREAK_DIRECTION_ONLY,
    COVID_YEARS,
    TOO_UNCERTAIN,
    TURNING_POINT,
    plausible_span,
    project,
    recent_direction,
)

BURNLEY, RIBBLE_VALLEY, WEST_LANCASHIRE, ENGLAND = (
    "E07000117",
    "E07000124",
    "E07000127",
    "E92000001",
)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return load_snapshot()


def _series(frame, indicator, sex, age, area):
    rows = frame[
        (frame["indicator_id"] == indicator)
        & (frame["sex"] == sex)
        & (frame["age"] == age)
        & (frame["category_type"] == "")
        & (frame["area_code"] == area)
    ]
    rows = rows.sort_values("period_sortable", kind="stable")
    return rows.assign(year=[midpoint(p, PERIOD_TYPE[indicator]) for p in rows["period"]])


#: the catalogue's period types of the indicators used here
PERIOD_TYPE = {90366: "pooled_3y", 93088: "school_year", 22401: "financial"}


def _timed(period_type):
    """``project``'s arguments for series timed by their periods' midpoints."""
    return {"midpoints": True, "window": span_years(period_type)}


def _district_range(frame, indicator, sex, period):
    rows = frame[
        (frame["indicator_id"] == indicator)
        & (frame["sex"] == sex)
        & (frame["period"] == period)
        & (frame["category_type"] == "")
        & frame["area_type"].str.startswith("Districts")
    ]
    return float(rows["value"].min()), float(rows["value"].max())


def _life(frame, area, **guards):
    return project(
        _series(frame, 90366, "Female", "All ages", area),
        horizons=(2030, 2035),
        benchmark=_series(frame, 90366, "Female", "All ages", ENGLAND),
        polarity="high_is_good",
        scale="log",
        exclude_years=COVID_YEARS,
        **_timed("pooled_3y"),
        **guards,
    )


def test_burnley_womens_life_expectancy_rose_three_times_so_no_fall_is_projected(frame):
    """The issue: "Burnley women 80.4 -> 79.2 (78.5 to 79.9)", though it rose in 2021-23, 2022-24
    and 2023-25: the fit joins pre- and post-pandemic periods."""
    plain = _life(frame, BURNLEY)
    assert plain["latest_value"].iloc[0] == pytest.approx(80.4)
    assert plain["projected"].iloc[1] == pytest.approx(79.2, abs=0.05)  # what the packs showed
    guarded = _life(frame, BURNLEY, recent_points=3)
    assert set(guarded["status"]) == {TURNING_POINT}
    assert (guarded["recent_direction"] == 1).all()


def test_a_rising_line_that_starts_below_a_rising_series_is_a_turning_point_too():
    """Rose in each of the last three periods and the fitted slope is up, but the line sits
    below the latest value: carried forward it would show a fall from the latest."""
    series = pd.DataFrame(
        {
            "year": [2015, 2016, 2017, 2018, 2019, 2020, 2021],
            "value": [80, 80.1, 80, 79, 79.6, 80.3, 81.0],
        }
    )
    plain = project(series, horizons=(2023,), polarity="high_is_good", scale="log")
    assert plain["slope"].iloc[0] < 0 or plain["projected"].iloc[0] < 81.0
    guarded = project(
        series, horizons=(2023,), polarity="high_is_good", scale="log", recent_points=3
    )
    assert guarded["recent_direction"].iloc[0] == 1.0
    assert guarded["status"].iloc[0] == TURNING_POINT
    steady = series.assign(value=[78, 78.5, 79, 79.5, 80, 80.5, 81.0])
    fine = project(steady, horizons=(2023,), polarity="high_is_good", scale="log", recent_points=3)
    assert fine["status"].iloc[0] == "ok" and fine["projected"].iloc[0] > 81.0


def test_ribble_valley_women_are_never_projected_beyond_the_best_english_district(frame):
    best_low, best_high = _district_range(frame, 90366, "Female", "2023 - 25")
    assert best_high == pytest.approx(87.2)
    plain = _life(frame, RIBBLE_VALLEY)
    assert plain["projected"].iloc[1] == pytest.approx(87.6, abs=0.05)  # the 87.6
    held = _life(frame, RIBBLE_VALLEY, bounds=(best_low, best_high))
    last = held.iloc[1]
    assert last["clamped"] == "high" and last["projected"] == pytest.approx(best_high)
    assert last["upper_95"] <= best_high and held.iloc[0]["clamped"] == ""


def test_englands_latest_value_is_the_target_never_its_projection(frame):
    england = _series(frame, 90366, "Female", "All ages", ENGLAND)
    guarded = _life(frame, BURNLEY, target="latest")
    assert (guarded["benchmark_target"] == england["value"].iloc[-1]).all()
    assert guarded["benchmark_projected"].isna().all() and not guarded["benchmark_worsens"].any()
    plain = _life(frame, BURNLEY)
    assert (
        plain["benchmark_target"].iloc[1] != england["value"].iloc[-1]
    )  # England's own projection


def test_a_range_wider_than_the_districts_span_gets_no_verdict():
    """The issue: West Lancashire's overweight adults "71.3 (26.7 to 94.4)" still got a
    verdict. (The newer 2023/24 and 2024/25 points since shipped narrow that series' range, so
    the rule is shown on a series as noisy as the one the issue saw.)"""
    years = np.arange(2015, 2025)
    noisy = pd.DataFrame({"year": years, "value": [62, 71, 58, 74, 60, 77, 59, 75, 63, 71.0]})
    kwargs = {"scale": "logit", "upper": 100, "max_relative_width": None}
    plain = project(noisy, horizons=(2030, 2035), **kwargs)
    width = plain["upper_95"].iloc[1] - plain["lower_95"].iloc[1]
    assert plain["status"].iloc[1] == "ok"  # unguarded: a verdict on a range this wide
    span = plausible_span("proportion", 100, (52.0, 78.5))  # the English districts' range
    assert span == (52.0, 78.5) and 78.5 - 52.0 < width
    guarded = project(noisy, horizons=(2030, 2035), span=span, **kwargs)
    assert guarded["status"].iloc[1].startswith(TOO_UNCERTAIN)
    assert "plausible span" in guarded["status"].iloc[1]


def test_falls_after_the_2023_24_break_give_the_direction_only(frame):
    series = _series(frame, 22401, "Persons", "65+ yrs", BURNLEY)
    out = project(
        series,
        horizons=(2030, 2035),
        scale="log",
        break_at=midpoint("2023/24", "financial"),
        **_timed("financial"),
    )
    assert set(out["status"]) == {BREAK_DIRECTION_ONLY}
    assert out["n_points"].iloc[0] == 1 and out["projected"].isna().all()
    assert out["recent_direction"].isna().all()  # one period since the break: no direction yet


# --------------------------------------------------------------------------- synthetic
def test_a_break_with_enough_points_after_it_fits_only_those():
    years = np.arange(2010, 2024)
    values = np.where(years < 2016, 50.0, 30.0) + 0.5 * (years - 2010)
    area = pd.DataFrame({"year": years, "value": values})
    out = project(area, horizons=[2030], break_at=2016, max_relative_width=None).iloc[0]
    assert out["status"] == "ok" and out["n_points"] == 8
    assert out["projected"] == pytest.approx(30 + 0.5 * 20)
    assert out["recent_direction"] == 1
    short = project(area, horizons=[2030], break_at=2020).iloc[0]
    assert short["status"] == BREAK_DIRECTION_ONLY and short["recent_direction"] == 1
    with pytest.raises(StatsInputError, match="break_at 'soon'"):
        project(area, break_at="soon")


def test_recent_direction_and_plausible_span():
    assert recent_direction(np.array([1, 2, 3])) == 1
    assert recent_direction(np.array([5, 1, 2, 3])) == 1
    assert recent_direction(np.array([3, 2, 1])) == -1
    assert recent_direction(np.array([1, 3, 2])) == 0
    assert np.isnan(recent_direction(np.array([1.0])))
    assert plausible_span("proportion", 100) == (0.0, 100.0)
    assert plausible_span("dsr", 100000) is None
    assert plausible_span("dsr", 100000, (300.0, 100.0)) == (100.0, 300.0)


def test_a_goal_is_the_target_and_guards_are_off_by_default():
    years = np.arange(2014, 2024)
    area = pd.DataFrame({"year": years, "value": 60 + 0.5 * (years - 2014)})
    out = project(area, horizons=[2030], polarity="high_is_good", goal=66.7).iloc[0]
    assert (
        out["benchmark_target"] == 66.7 and out["reaches_benchmark"] == "within the strategy period"
    )
    plain = project(area, horizons=[2030])
    assert "recent_direction" not in plain and "clamped" not in plain
    with pytest.raises(StatsInputError, match="goal needs a polarity"):
        project(area, goal=66.7)
    with pytest.raises(StatsInputError, match="target="):
        project(area, target="england")
