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


def test_benchmark_against_england_judges_a_goal_indicator_against_its_goal():
    """As the packs do: 70% diagnosed is significantly below England's 75% but meets a 66.7% goal."""
    tidy = pd.DataFrame(
        {
            "indicator_id": [1, 1, 2, 2],
            "sex": "Persons",
            "age": "All ages",
            "category_type": "",
            "category": "",
            "period": "2022",
            "area_code": ["E07000117", "E92000001"] * 2,
            "value": [70.0, 75, 60, 75],
            "lower_95": [68.0, 74.5, 58, 74.5],
            "upper_95": [72.0, 75.5, 62, 75.5],
        }
    )
    catalogue = pd.DataFrame(
        {"polarity": ["high_is_good", "high_is_good"], "benchmark": ["ci_overlap", "ci_overlap"],
         "goal": [66.7, np.nan]},
        index=pd.Index([1, 2], name="indicator_id"),
    )
    out = benchmark_against_england(tidy, catalogue)
    assert out["comparison"].tolist() == ["Better", "Worse"]  # goal met; England by intervals
    without_goal = benchmark_against_england(tidy, catalogue.drop(columns="goal"))
    assert without_goal["comparison"].tolist() == ["Worse", "Worse"]
