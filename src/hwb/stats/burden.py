"""How big a problem is, on scales every indicator shares: excess events, percentile ranks,
and whether two intervals overlap.

* :func:`excess_events`: observed minus expected events at a reference rate (England's, or a
  goal), in the harmful direction, never below zero. Expected = count x reference / value:
  for a crude rate or proportion that is the denominator times the reference; for a
  standardised rate, an approximation.
* :func:`percentile_rank`: where a rank of ``n`` sits between the best (0) and the worst (1).
* :func:`share_below`: the share of the *other* values below one value (1 = the largest).
* :func:`intervals_overlap`: do two intervals overlap (None when either is missing)?
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["excess_events", "intervals_overlap", "percentile_rank", "share_below"]


def excess_events(
    counts: np.ndarray,
    values: np.ndarray,
    reference: float,
    low_is_good: bool,
    years: float = 1.0,
) -> np.ndarray:
    """Excess events for each of ``counts`` and ``values`` (arrays of floats) against
    ``reference``, divided by ``years`` (a pooled period's length, for events a year).

    ``low_is_good``: excess is observed minus expected (else expected minus observed). NaN
    where a count or value is missing or the value is not positive, or without a reference."""
    counts = np.asarray(counts, dtype=float)
    values = np.asarray(values, dtype=float)
    if reference is None or math.isnan(float(reference)):
        return np.full(len(counts), np.nan)
    usable = ~np.isnan(counts) & ~np.isnan(values) & (values > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = counts * float(reference) / values
    excess = counts - expected if low_is_good else expected - counts
    excess = excess / float(years)
    return np.where(usable, np.maximum(excess, 0.0) + 0.0, np.nan)


def percentile_rank(rank: float, n: float) -> float:
    """``(rank - 1) / (n - 1)``: 0 for rank 1 of ``n``, 1 for rank ``n``; NaN when either is
    missing or there are fewer than two."""
    if rank is None or n is None or math.isnan(float(rank)) or math.isnan(float(n)):
        return math.nan
    if float(n) < 2:
        return math.nan
    return (float(rank) - 1) / (float(n) - 1)


def share_below(values: np.ndarray, mine: float) -> float:
    """The share of the other ``values`` (``mine`` among them) that are smaller than ``mine``:
    0 for the smallest, 1 for the largest; NaN with fewer than two values."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) < 2:
        return math.nan
    return float((values < mine).sum()) / (len(values) - 1)


def intervals_overlap(
    lower_a: float, upper_a: float, lower_b: float, upper_b: float
) -> bool | None:
    """Whether ``[lower_a, upper_a]`` and ``[lower_b, upper_b]`` overlap; None when a limit is missing."""
    limits = [lower_a, upper_a, lower_b, upper_b]
    if any(x is None or math.isnan(float(x)) for x in limits):
        return None
    return float(lower_a) <= float(upper_b) and float(lower_b) <= float(upper_a)
