"""How big a problem is (hwb.stats.burden): excess events, percentile ranks, overlapping intervals."""

from __future__ import annotations

import math

import numpy as np

from hwb.stats import burden


def test_excess_events_are_observed_minus_expected_in_the_harmful_direction_a_year():
    counts = np.array([120.0, 80.0, np.nan, 50.0])
    values = np.array([12.0, 8.0, 10.0, 0.0])  # per 1,000: 10,000 people each
    out = burden.excess_events(counts, values, 10.0, low_is_good=True, years=2)
    assert out[0] == 10.0  # 120 observed, 100 expected, over two years
    assert out[1] == 0.0  # on the right side: no excess, never negative
    assert math.isnan(out[2]) and math.isnan(out[3])  # no count; a value of zero
    high = burden.excess_events(counts[:2], values[:2], 10.0, low_is_good=False)
    assert list(high) == [0.0, 20.0]
    assert np.isnan(burden.excess_events(counts, values, float("nan"), True)).all()


def test_percentile_ranks_run_from_the_best_to_the_worst():
    assert burden.percentile_rank(1, 5) == 0.0 and burden.percentile_rank(5, 5) == 1.0
    assert burden.percentile_rank(2, 3) == 0.5
    assert math.isnan(burden.percentile_rank(1, 1)) and math.isnan(
        burden.percentile_rank(np.nan, 4)
    )


def test_share_below_counts_the_other_values_and_skips_missing_ones():
    assert burden.share_below(np.array([1.0, 2.0, 3.0, np.nan]), 3.0) == 1.0
    assert burden.share_below(np.array([1.0, 2.0, 3.0]), 1.0) == 0.0
    assert math.isnan(burden.share_below(np.array([1.0, np.nan]), 1.0))


def test_intervals_overlap_or_not_and_none_without_limits():
    assert burden.intervals_overlap(1, 3, 2, 4) is True
    assert burden.intervals_overlap(1, 2, 2, 4) is True  # touching counts as overlapping
    assert burden.intervals_overlap(1, 2, 3, 4) is False
    assert burden.intervals_overlap(1, float("nan"), 3, 4) is None
