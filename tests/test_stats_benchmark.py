"""hwb.stats.benchmark: the one rule for which method judges an indicator, and its users."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb.errors import StatsInputError
from hwb.stats.benchmark import METHODS, benchmark_against_england, judging_method, judging_methods


@pytest.mark.parametrize(
    ("benchmark", "goal", "method"),
    [
        ("ci_overlap", None, "ci_overlap"),
        ("quintiles", None, "quintiles"),
        ("none", None, "none"),
        ("ci_overlap", 66.7, "goal"),  # a goal replaces England (Fingertips' "Compared to goal")
        ("quintiles", 66.7, "goal"),
        ("none", 66.7, "none"),  # "not compared" wins over a goal
        ("ci_overlap", np.nan, "ci_overlap"),  # NaN: the catalogue frame's "no goal"
        (None, None, "ci_overlap"),  # no catalogue benchmark: Fingertips' default
    ],
)
def test_judging_method(benchmark, goal, method):
    assert judging_method(benchmark, goal) == method
    assert method in METHODS


def test_judging_methods_is_the_rule_per_row_and_refuses_an_unknown_benchmark():
    benchmark = pd.Series(["ci_overlap", "none", "quintiles", "ci_overlap"], index=[5, 6, 7, 8])
    goal = pd.Series([np.nan, 50.0, np.nan, 66.7], index=[5, 6, 7, 8])
    assert judging_methods(benchmark, goal).tolist() == ["ci_overlap", "none", "quintiles", "goal"]
    assert judging_methods(benchmark).tolist() == ["ci_overlap", "none", "quintiles", "ci_overlap"]
    with pytest.raises(StatsInputError, match="benchmark 'funnel' is not one of"):
        judging_method("funnel")


def _tidy(values: list[float], half_width: float = 2.0) -> pd.DataFrame:
    """One district (then England) per indicator 1, 2, ...: values in pairs, England's interval +-0.5."""
    n = len(values) // 2
    return pd.DataFrame(
        {
            "indicator_id": [i for i in range(1, n + 1) for _ in range(2)],
            "sex": "Persons",
            "age": "All ages",
            "category_type": "",
            "category": "",
            "period": "2022",
            "area_code": ["E07000117", "E92000001"] * n,
            "value": values,
            "lower_95": [v - (half_width if k % 2 == 0 else 0.5) for k, v in enumerate(values)],
            "upper_95": [v + (half_width if k % 2 == 0 else 0.5) for k, v in enumerate(values)],
        }
    )


def _catalogue(polarity: list[str], benchmark: list[str], **extra) -> pd.DataFrame:
    index = pd.Index(range(1, len(polarity) + 1), name="indicator_id")
    return pd.DataFrame({"polarity": polarity, "benchmark": benchmark, **extra}, index=index)


def test_benchmark_against_england_uses_catalogue_polarity():
    out = benchmark_against_england(
        _tidy([30.0, 20, 30, 20]),
        _catalogue(["low_is_good", "high_is_good"], ["ci_overlap", "none"]),
    )
    assert out["comparison"].tolist() == ["Worse", "Not compared"]
    assert out["england_value"].tolist() == [20.0, 20.0]


def test_benchmark_against_england_judges_a_goal_indicator_against_its_goal():
    """As the packs do: 70% diagnosed is significantly below England's 75% but meets a 66.7% goal."""
    tidy = _tidy([70.0, 75, 60, 75])
    catalogue = _catalogue(["high_is_good"] * 2, ["ci_overlap"] * 2, goal=[66.7, np.nan])
    out = benchmark_against_england(tidy, catalogue)
    assert out["comparison"].tolist() == ["Better", "Worse"]  # goal met; England by intervals
    without_goal = benchmark_against_england(tidy, catalogue.drop(columns="goal"))
    assert without_goal["comparison"].tolist() == ["Worse", "Worse"]


def test_judge_applies_each_rows_method_the_one_rule_for_packs_and_what_changed():
    from hwb.stats.benchmark import judge

    labels = pd.Series(["Worse", "Better", "Similar", "Worse", "Similar"], dtype="str")
    method = pd.Series(["ci_overlap", "none", "quintiles", "quintiles", "goal"])
    value = pd.Series([10.0, 5.0, 3.0, 4.0, 70.0])
    goal = pd.Series([np.nan, np.nan, np.nan, np.nan, 66.7])
    quintile = pd.Series(["", "", "Worst quintile", "", ""])
    out = judge(labels, method, value, goal, "high_is_good", quintile)
    assert list(out) == ["Worse", "Not compared", "Worst quintile", "Not compared", "Better"]
    assert out.dtype == labels.dtype
    # without quintiles worked out (a 99.8% label), a quintile row keeps what it was given
    assert list(judge(labels, method, value, goal, "high_is_good"))[2:4] == ["Similar", "Worse"]
