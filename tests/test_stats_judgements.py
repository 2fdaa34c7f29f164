"""hwb.stats compare_to_benchmark, quintiles, recent_trend, red_red, spc and project."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb.data.periods import midpoint
from hwb.errors import StatsInputError
from hwb.stats import (
    compare_to_benchmark,
    project,
    quintile_labels,
    recent_trend,
    red_red,
    spc,
    spc_summary,
)

# --- benchmarking -------------------------------------------------------------------------

CASES = pd.DataFrame(
    {
        "value": [10.0, 20, 15, 15, 15],
        "lower_95": [8.0, 18, 13, np.nan, 14],
        "upper_95": [12.0, 22, 17, 17, 16],
        "lower_998": [7.0, 17, 12, np.nan, 13.5],
        "upper_998": [13.0, 23, 18, 18, 16.5],
        "benchmark": [15.0, 15, 15, 15, 16.2],
    }
)


@pytest.mark.parametrize(
    ("polarity", "expected"),
    [
        ("no_judgement", ["Lower", "Higher", "Similar", "Not compared", "Lower"]),
        ("high_is_good", ["Worse", "Better", "Similar", "Not compared", "Worse"]),
        ("low_is_good", ["Better", "Worse", "Similar", "Not compared", "Better"]),
    ],
)
def test_compare_to_benchmark_labels(polarity, expected):
    assert compare_to_benchmark(CASES, polarity=polarity)["comparison"].tolist() == expected


def test_998_interval_is_harder_to_call_different():
    out = compare_to_benchmark(CASES, confidence=0.998, polarity="high_is_good")["comparison"]
    assert out.tolist()[4] == "Similar"  # 16.2 is outside the 95% interval but inside the 99.8% one


def test_compare_refuses_bad_polarity_and_inverted_limits():
    with pytest.raises(StatsInputError, match="polarity"):
        compare_to_benchmark(CASES, polarity="up")
    bad = CASES.assign(lower_95=CASES["upper_95"] + 1)
    with pytest.raises(StatsInputError, match="above"):
        compare_to_benchmark(bad)


def test_quintiles_wording_with_and_without_polarity():
    df = pd.DataFrame({"value": [float(v) for v in range(10)]})
    plain = quintile_labels(df)["quintile"].tolist()
    assert plain[:2] == ["Lowest"] * 2 and plain[4] == "Middle" and plain[-1] == "Highest"
    good = quintile_labels(df, polarity="high_is_good")["quintile"].tolist()
    assert good[0] == "Worst" and good[-1] == "Best"
    few = quintile_labels(df.head(3))["quintile"].tolist()
    assert few == ["Not compared"] * 3


# --- recent trend -------------------------------------------------------------------------


def series(counts, denoms, **extra):
    return pd.DataFrame(
        {
            "period_sortable": range(2015, 2015 + len(counts)),
            "count": counts,
            "denominator": denoms,
            **extra,
        }
    )


def test_chi_squared_trend_by_hand():
    # Cochran-Armitage chi-squared for trend (Armitage & Berry), scores 1..5, worked by hand here
    x = np.array([100.0, 110, 125, 140, 160])
    n = np.array([1000.0] * 5)
    t = np.arange(1, 6)
    p = x.sum() / n.sum()
    u = (x * t).sum() - x.sum() * (n * t).sum() / n.sum()
    sxx = (n * t**2).sum() - (n * t).sum() ** 2 / n.sum()
    expected = u**2 / (p * (1 - p) * sxx)
    out = recent_trend(series(x, n), polarity="low_is_good").iloc[0]
    assert out.statistic == pytest.approx(expected, rel=1e-12)
    assert expected > 9.55 and out.recent_trend == "Increasing and getting worse"


@pytest.mark.parametrize(
    ("polarity", "label"),
    [
        ("high_is_good", "Decreasing and getting worse"),
        ("low_is_good", "Decreasing and getting better"),
        ("no_judgement", "Decreasing"),
    ],
)
def test_trend_labels_follow_polarity(polarity, label):
    out = recent_trend(series([200, 180, 150, 120, 100], [1000] * 5), polarity=polarity)
    assert out.loc[0, "recent_trend"] == label


def test_trend_uses_last_five_points_and_needs_five():
    flat_recent = series([50, 100, 150, 200, 200, 201, 199, 200, 200], [1000] * 9)
    assert recent_trend(flat_recent).loc[0, "recent_trend"] == "No significant change"
    short = recent_trend(series([1, 2, 3, 4], [10] * 4))
    assert short.loc[0, "recent_trend"] == "Cannot be calculated" and short.loc[0, "n_points"] == 4


def test_trend_without_counts_uses_weighted_regression_or_declines():
    df = pd.DataFrame(
        {
            "period_sortable": range(5),
            "value": [70.0, 71, 72, 73, 74],
            "lower_95": [69.8, 70.8, 71.8, 72.8, 73.8],
            "upper_95": [70.2, 71.2, 72.2, 73.2, 74.2],
        }
    )
    out = recent_trend(df, value_type="life_expectancy", polarity="high_is_good")
    assert out.loc[0, "recent_trend"] == "Increasing and getting better"
    assert out.loc[0, "method"] == "weighted regression"
    assert (
        recent_trend(df, value_type="life_expectancy", fallback="none").loc[0, "recent_trend"]
        == "Cannot be calculated"
    )


def test_recent_trend_agrees_with_published_fingertips_trends(real_extract):
    raw = pd.read_csv(real_extract)
    raw[["Category Type", "Category"]] = raw[["Category Type", "Category"]].fillna("")
    keys = ["Indicator ID", "Area Code", "Sex", "Age", "Category Type", "Category"]
    raw = raw.drop_duplicates([*keys, "Time period Sortable"])
    frame = raw.rename(columns={"Count": "count", "Denominator": "denominator"})
    agree = total = opposite = 0
    for indicator in (241, 247, 91894, 93085, 93474):  # proportions with counts
        s = frame[frame["Indicator ID"] == indicator]
        ours = recent_trend(s, "Time period Sortable", keys, value_type="proportion")
        latest = (
            s.sort_values("Time period Sortable").groupby(keys).tail(1)[[*keys, "Recent Trend"]]
        )
        m = ours.merge(latest, on=keys)
        m = m[
            m["Recent Trend"].notna()
            & (m["n_points"] == 5)
            & (m["Recent Trend"] != "Cannot be calculated")
        ]
        word = m["Recent Trend"].str.split(" and").str[0]
        total += len(m)
        agree += int((m["recent_trend"].str.split(" and").str[0] == word).sum())
        opposite += int(
            ((m["direction"] == 1) & (word == "Decreasing")).sum()
            + ((m["direction"] == -1) & (word == "Increasing")).sum()
        )
    assert total >= 100
    assert opposite == 0
    assert agree / total >= 0.9, f"{agree}/{total}"


def test_red_red():
    df = pd.DataFrame(
        {
            "comparison": ["Worse", "Worse", "Similar", "Worse"],
            "recent_trend": [
                "Increasing and getting worse",
                "Increasing and getting better",
                "Increasing and getting worse",
                None,
            ],
        }
    )
    assert red_red(df)["red_red"].tolist() == [True, False, False, False]


# --- SPC ----------------------------------------------------------------------------------


def spc_frame(values):
    return pd.DataFrame(
        {"period_sortable": range(len(values)), "value": [float(v) for v in values]}
    )


def test_spc_limits_agree_with_abspc_and_rules_fire():
    import abspc

    values = [10, 12, 11, 15, 9, 13, 11, 14, 10, 12, 13, 11, 12, 30]
    ours = spc(spc_frame(values), polarity="high_is_good", target=5)
    theirs = abspc.calculate_control_limits(spc_frame(values), "XmR")
    assert ours["upper_process_limit"].iloc[0] == pytest.approx(theirs["ucl"].iloc[0], rel=1e-12)
    assert ours["lower_process_limit"].iloc[0] == pytest.approx(theirs["lcl"].iloc[0], rel=1e-12)
    assert ours["rule_outside"].tolist()[-1] and ours["rule_outside"].sum() == 1
    assert ours["variation"].iloc[0] == "Special cause improving (high)"


def test_spc_seven_point_shift_and_trend_rules():
    shift = spc(spc_frame([4, 10, 4, 10, 4, 10, 4, 9, 9, 9, 9, 9, 9, 9]))
    assert shift["rule_shift"].tolist() == [False] * 7 + [True] * 7
    six = spc(spc_frame([4, 10, 4, 10, 4, 10, 4, 4, 9, 9, 9, 9, 9, 9]))  # only 6 above the mean
    assert not six["rule_shift"].any()
    six_up = spc(spc_frame([5, 9, 4, 8, 5, 1, 2, 3, 4, 5, 6, 3, 8, 2]))
    assert not six_up["rule_trend"].any()
    seven_up = spc(spc_frame([5, 9, 4, 8, 5, 1, 2, 3, 4, 5, 6, 7, 3, 8]), polarity="low_is_good")
    assert seven_up["rule_trend"].tolist()[5:12] == [True] * 7
    assert seven_up["variation"].iloc[0] == "Common cause"  # the latest point is not special


def test_spc_assurance_and_refusal():
    values = [50, 51, 49, 50, 52, 48, 50, 51, 49, 50, 51, 50]
    assert (
        spc(spc_frame(values), polarity="high_is_good", target=40)["assurance"].iloc[0]
        == "Consistently passes target"
    )
    assert (
        spc(spc_frame(values), polarity="high_is_good", target=60)["assurance"].iloc[0]
        == "Consistently fails target"
    )
    assert (
        spc(spc_frame(values), polarity="low_is_good", target=50)["assurance"].iloc[0]
        == "Hit and miss target"
    )
    summary = spc_summary(spc(spc_frame(values)))
    assert summary.loc[0, "n_points"] == 12 and summary.loc[0, "assurance"] == "No target"
    with pytest.raises(StatsInputError, match="at least 12"):
        spc(spc_frame(values[:11]))


def test_spc_only_for_twelve_or_more_non_overlapping_points():
    from hwb.stats.xmr import spc_applicable

    assert spc_applicable(13, "financial") == (True, "")
    assert spc_applicable(12, "calendar")[0]
    ok, why = spc_applicable(11, "calendar")
    assert not ok and "11 periods" in why and "12" in why
    ok, why = spc_applicable(20, "pooled_3y")  # rolling 3-year periods overlap
    assert not ok and "overlap" in why
    assert not spc_applicable(1, "single")[0]


# --- projections --------------------------------------------------------------------------


def test_project_line_interval_reaches_and_change_needed():
    years = np.arange(2013, 2023)
    rng = np.random.default_rng(0)
    area = pd.DataFrame(
        {"year": years, "value": 70 + 0.5 * (years - 2013) + rng.normal(0, 0.2, 10)}
    )
    england = pd.DataFrame({"year": years, "value": 76 + 0.1 * (years - 2013)})
    out = project(area, horizons=(2030, 2035), benchmark=england, polarity="high_is_good")
    r = out.iloc[0]
    assert r.status == "ok" and r.n_points == 10 and r.method == "ordinary least squares"
    assert r.slope == pytest.approx(0.5, abs=0.05)
    assert r.lower_95 < r.projected < r.upper_95
    assert (out.upper_95 - out.lower_95).iloc[1] > (out.upper_95 - out.lower_95).iloc[
        0
    ]  # wider further out
    assert r.benchmark_projected == pytest.approx(76 + 0.1 * 17)
    # the lines would meet around 2027: reported only as "within the strategy period", never as a year
    assert r.reaches_benchmark == "within the strategy period"
    assert "gap_closes_year" not in out
    assert r.change_needed_per_year == pytest.approx((r.benchmark_projected - r.latest_value) / 8)


def test_project_not_within_and_already_there_and_too_few_points():
    years = np.arange(2015, 2023)
    area = pd.DataFrame({"year": years, "value": 70 - 0.2 * (years - 2015)})
    england = pd.DataFrame({"year": years, "value": 76 + 0.1 * (years - 2015)})
    out = project(area, benchmark=england, polarity="high_is_good")
    assert set(out["reaches_benchmark"]) == {"not within the strategy period"}
    better = project(
        england.assign(value=england.value + 5), benchmark=england, polarity="high_is_good"
    )
    assert better["reaches_benchmark"].iloc[0].startswith("no gap")
    short = project(area.head(3), horizons=[2030])
    assert short.loc[0, "status"].startswith("too few points") and np.isnan(
        short.loc[0, "projected"]
    )


def test_falling_rate_and_proportion_never_projected_below_zero():
    """Hyndburn's under-18 conceptions were projected at -16.1 (-47.2 to 15.1) by a straight line."""
    from hwb.stats.projection import possible_range

    years = np.arange(2013, 2024)
    falling = pd.DataFrame(
        {"year": years, "value": 40 - 3.2 * (years - 2013) + np.tile([1.5, -1.5], 6)[:11]}
    )
    line = project(falling, horizons=(2030, 2035))
    assert (line["projected"] < 0).all()  # the old straight line: impossible
    logged = project(falling, horizons=(2030, 2035), scale="log")
    low, _high = possible_range("log")
    assert ((logged[["lower_95", "projected", "upper_95"]] > low).all()).all()
    assert (logged["lower_95"] < logged["projected"]).all() and (
        logged["projected"] < logged["upper_95"]
    ).all()
    # on the log scale a steady fall is a steady percentage fall: worked example, exact data
    exact = pd.DataFrame({"year": years, "value": 40 * 0.9 ** (years - 2013)})
    r = project(exact, horizons=[2030], scale="log").iloc[0]
    assert r.projected == pytest.approx(40 * 0.9**17, rel=1e-6)
    share = pd.DataFrame({"year": years, "value": 3 + 9 * (years - 2013)})  # % rising towards 100
    out = project(share, horizons=(2030, 2035), scale="logit", upper=100)
    assert (
        (
            (out[["lower_95", "projected", "upper_95"]] > 0)
            & (out[["lower_95", "projected", "upper_95"]] < 100)
        )
        .all()
        .all()
    )
    assert possible_range("logit", 100) == (0.0, 100.0)


def test_pooled_periods_dated_by_midpoint_and_overlap_handled():
    periods = [
        f"{y} - {str(y + 2)[2:]}" for y in range(2001, 2022)
    ]  # 2001 - 03 ... 2021 - 23, overlapping
    values = [60 + 0.3 * i for i in range(len(periods))]
    df = pd.DataFrame({"year": [midpoint(p, "pooled_3y") for p in periods], "value": values})
    out = project(df, horizons=[2035], midpoints=True, window=3, scale="log")
    r = out.iloc[0]
    assert r.latest_year == 2022.5  # 2021 - 23 dated by its midpoint
    assert r.method == "non-overlapping 3-year periods" and r.n_points == 7  # 2003-05, ..., 2021-23
    # exact data: the projection is the line through the midpoints, on the log scale
    assert r.projected == pytest.approx(
        np.exp(
            np.polyval(
                np.polyfit([2004.5 + 3 * k for k in range(7)], np.log(values[2::3]), 1), 2035.5
            )
        ),
        rel=1e-6,
    )
    short = df.tail(9)  # only 3 non-overlapping periods: all 9 used, with overlap-robust errors
    s = project(short, horizons=[2035], midpoints=True, window=3).iloc[0]
    assert s.method.startswith("overlapping 3-year periods, Newey-West") and s.n_points == 9


def test_every_public_name_is_still_a_function_after_its_module_is_imported_directly():
    """``hwb.stats.spc`` once named both a function and its module: importing the module
    directly (as the pack does, so the fork server preloads it) replaced the function."""
    import importlib
    import types

    from hwb import stats

    for module in sorted(set(stats._WHERE.values())):
        importlib.import_module(f"hwb.stats.{module}")
    for name in stats.__all__:
        value = getattr(stats, name)
        assert not isinstance(value, types.ModuleType), f"hwb.stats.{name} is a module"
        assert value is getattr(importlib.import_module(f"hwb.stats.{stats._WHERE[name]}"), name)


# --- goals (Fingertips "Compared to goal") ------------------------------------------------


def test_compare_to_goal_meets_or_not_by_polarity():
    from hwb.stats import compare_to_goal

    df = pd.DataFrame({"value": [66.7, 66.6, 70.0, np.nan], "goal": [66.7, 66.7, 66.7, 66.7]})
    high = compare_to_goal(df, polarity="high_is_good")["compared_goal"].tolist()
    assert high == ["Better", "Worse", "Better", "Not compared"]  # exactly at the goal meets it
    low = compare_to_goal(df, polarity="low_is_good")["compared_goal"].tolist()
    assert low == ["Better", "Better", "Worse", "Not compared"]
    assert set(compare_to_goal(df, polarity="no_judgement")["compared_goal"]) == {"Not compared"}


def test_project_never_presents_a_worsening_england_as_the_target():
    """Preston alcohol mortality 'reached England by 2035' needing +0.60 a year, because England's
    own rate was projected to rise: the target is England's latest value, the change an improvement."""
    years = np.arange(2017, 2024)
    area = pd.DataFrame({"year": years, "value": 52 - 1.0 * (years - 2017)})  # 52 -> 46, falling
    england = pd.DataFrame({"year": years, "value": 36 + 1.0 * (years - 2017)})  # 36 -> 42, rising
    out = project(area, benchmark=england, polarity="low_is_good", max_relative_width=None)
    r = out.iloc[-1]
    assert r.benchmark_projected > 50  # England projected to get worse ...
    assert bool(r.benchmark_worsens) and r.benchmark_target == pytest.approx(
        42
    )  # ... so: its latest
    assert r.projected < 42 and r.reaches_benchmark == "within the strategy period"
    assert (out["change_needed_per_year"] < 0).all()  # lower is better: always a fall
    assert r.change_needed_per_year == pytest.approx((42 - 46) / (2035 - 2023))
    # a district still above England's latest in 2035 does not "reach" it, whatever England does
    slow = project(
        area.assign(value=60.0 - 0.1 * (years - 2017)), benchmark=england, polarity="low_is_good"
    )
    assert set(slow["reaches_benchmark"]) == {"not within the strategy period"}
    assert (slow["change_needed_per_year"] < 0).all()


def test_project_already_as_good_only_when_the_projection_is_too():
    """Preston falls 65+ was 'already as good' while projected 2,036 against England's 1,376."""
    years = np.arange(2017, 2024)
    area = pd.DataFrame({"year": years, "value": 1300 * 1.04 ** (years - 2017)})  # rising
    england = pd.DataFrame({"year": years, "value": 2000 * 0.97 ** (years - 2017)})  # falling
    out = project(area, benchmark=england, polarity="low_is_good", scale="log")
    r = out.iloc[-1]
    assert r.latest_value < england["value"].iloc[-1] and r.projected > r.benchmark_target
    assert bool(r.as_good_now) and r.reaches_benchmark == "not within the strategy period"
    # a district better now and on current trends is "already as good"; no change is needed
    good = project(area.assign(value=800.0), benchmark=england, polarity="low_is_good", scale="log")
    assert good["reaches_benchmark"].iloc[-1].startswith("no gap")


def test_project_average_change_runs_from_the_latest_value():
    """Burnley men: -0.04 a year was shown beside latest 76.5 and projected 75.4 (-0.10 a year)."""
    years = np.arange(2014, 2024)
    area = pd.DataFrame(
        {"year": years, "value": 78 - 0.1 * (years - 2014) + np.tile([0.3, -0.3], 5)}
    )
    out = project(area, horizons=(2030, 2035), scale="log")
    for _, r in out.iterrows():
        assert r.slope == pytest.approx((r.projected - r.latest_value) / (r.horizon - 2023))


def test_project_too_wide_a_range_is_too_uncertain_to_project():
    """Physical inactivity 2035 was shown as 7.1-81.2%: a range no decision can use."""
    years = np.arange(2018, 2024)
    noisy = pd.DataFrame({"year": years, "value": [20.0, 31.0, 18.0, 33.0, 21.0, 30.0]})
    out = project(noisy, horizons=(2030, 2035), scale="logit", upper=100)
    assert out["status"].str.startswith("too uncertain to project").all()
    assert ((out["upper_95"] - out["lower_95"]) > out["projected"]).all()
    assert (
        project(noisy, scale="logit", upper=100, max_relative_width=None)["status"] == "ok"
    ).all()
    steady = noisy.assign(value=20 + 0.5 * (years - 2018) + np.tile([0.2, -0.2], 3))
    assert (project(steady, scale="logit", upper=100)["status"] == "ok").all()


def test_project_leaves_out_covid_periods_when_enough_remain():
    from hwb.stats.projection import COVID_YEARS, _overlaps

    years = np.arange(2014, 2025)
    values = 200 - 2.0 * (years - 2014)
    spiked = pd.DataFrame(
        {"year": years, "value": np.where(np.isin(years, COVID_YEARS), 280.0, values)}
    )
    kept = project(spiked, horizons=[2030], scale="log")
    left = project(spiked, horizons=[2030], scale="log", exclude_years=COVID_YEARS).iloc[0]
    recent = spiked.tail(10)  # the ten most recent periods, then those two left out
    clean = project(recent[~recent.year.isin(COVID_YEARS)], horizons=[2030], scale="log").iloc[0]
    assert left.n_excluded == 2 and "leaving out 2 periods that include 2020 or 2021" in left.method
    assert left.projected == pytest.approx(clean.projected)
    assert kept.iloc[0].projected > left.projected + 10  # the peaks pulled the old line up
    # too few periods left: all are used
    short = project(spiked.tail(6), horizons=[2030], scale="log", exclude_years=COVID_YEARS)
    assert short.loc[0, "n_excluded"] == 0 and short.loc[0, "n_points"] == 6
    # which periods include 2020 or 2021: by their dates, not only their labels
    labels = ["2017 - 19", "2018 - 20", "2021 - 23", "2022 - 24"]
    x = np.array([midpoint(p, "pooled_3y") for p in labels])
    assert list(_overlaps(x, 3, True, COVID_YEARS)) == [False, True, True, False]
    fy = np.array([midpoint(p, "financial") for p in ["2018/19", "2019/20", "2021/22", "2022/23"]])
    assert list(_overlaps(fy, 1, True, COVID_YEARS)) == [False, True, True, False]
