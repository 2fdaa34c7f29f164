"""hwb.stats.ranges: ranks, the district range and the relative gap, against worked examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb.errors import StatsInputError
from hwb.stats.ranges import district_range, rank_among, ranks, relative_gap

PEERS = pd.Series([80.0, 78, 78, 75])


@pytest.mark.parametrize(
    ("value", "polarity", "rank"),
    [
        (80.0, "high_is_good", 1),  # the highest is best
        (78.0, "high_is_good", 2),  # level areas share the better rank
        (75.0, "high_is_good", 4),  # two level areas above it: 3 is skipped
        (80.0, "low_is_good", 4),
        (78.0, "low_is_good", 2),
        (75.0, "low_is_good", 1),
        (76.0, "high_is_good", 4),  # a value not among the peers still gets its place
    ],
)
def test_rank_among(value, polarity, rank):
    assert rank_among(value, PEERS, polarity) == rank


def test_rank_without_a_polarity_is_missing_and_a_bad_polarity_is_refused():
    assert np.isnan(rank_among(78.0, PEERS, "no_judgement"))
    with pytest.raises(StatsInputError, match="polarity 'higher' is not one of"):
        rank_among(78.0, PEERS, "higher")


def test_ranks_agree_with_rank_among():
    values = pd.Series([80.0, 78, np.nan, 78, 75])
    assert ranks(values).tolist()[:2] == [1.0, 2.0]
    assert np.isnan(ranks(values).iloc[2])
    assert ranks(values).dropna().tolist() == [1.0, 2.0, 2.0, 4.0]
    assert ranks(values, highest_first=False).dropna().tolist() == [4.0, 2.0, 2.0, 1.0]
    for value in PEERS:
        assert ranks(PEERS)[PEERS == value].iloc[0] == rank_among(value, PEERS, "high_is_good")


def test_district_range_quartiles_by_linear_interpolation():
    # positions (n - 1) * 0.25 = 0.75 and 2.25 between the sorted values 10, 20, 30, 40
    assert district_range(pd.Series([40.0, 10, 30, 20])) == {
        "n": 4,
        "min": 10.0,
        "q25": 17.5,
        "q75": 32.5,
        "max": 40.0,
    }
    assert district_range(pd.Series([5.0])) == {
        "n": 1,
        "min": 5.0,
        "q25": 5.0,
        "q75": 5.0,
        "max": 5.0,
    }


@pytest.mark.parametrize(
    ("value", "reference", "polarity", "gap"),
    [
        (78.0, 80.0, "high_is_good", 0.025),  # 2 years short of 80: 2.5% worse
        (82.0, 80.0, "high_is_good", -0.025),
        (27.0, 22.0, "low_is_good", 5 / 22),  # 5 above 22 where low is good: worse
        (-1.0, -2.0, "low_is_good", 0.5),  # a share of |reference|
        (27.0, 22.0, "no_judgement", 0.0),  # neither ahead nor behind
        (27.0, 0.0, "low_is_good", 0.0),  # no share of nothing
        (np.nan, 22.0, "low_is_good", 0.0),
        (27.0, None, "low_is_good", 0.0),
    ],
)
def test_relative_gap(value, reference, polarity, gap):
    assert relative_gap(value, reference, polarity) == pytest.approx(gap)
