"""Where an area sits among its peers, and how far it is from its benchmark.

* :func:`rank_among`: an area's rank among the areas compared, 1 = the best (the highest
  value when high is good, the lowest when low is good); areas level with each other share
  the better rank (pandas' "min" method), so three areas 80, 78, 78 rank 1, 2, 2.
* :func:`ranks`: every value's rank in a series, highest or lowest first, by the same rule.
* :func:`district_range`: the spread of the peers' values a spine chart draws: how many, the
  lowest, the 25th and 75th percentiles (linear interpolation, as ``Series.quantile``) and
  the highest.
* :func:`relative_gap`: how far a value is from its reference (usually England) as a share
  of the reference, signed so that a positive gap is in the *harmful* direction.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from hwb.stats import _validate as v

__all__ = ["district_range", "rank_among", "ranks", "relative_gap"]

POLARITIES = ("high_is_good", "low_is_good", "no_judgement")


def _polarity(polarity: str, func: str) -> str:
    if polarity not in POLARITIES:
        raise v.StatsInputError(f"{func}: polarity {polarity!r} is not one of {POLARITIES}.")
    return polarity


def _missing(value) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def rank_among(value: float, peers: pd.Series, polarity: str) -> float:
    """1 = the best of ``peers`` (highest when high is good, lowest when low is good); areas
    level with ``value`` do not push it down. NaN without a polarity ("no_judgement")."""
    polarity = _polarity(polarity, "rank_among")
    if polarity == "high_is_good":
        return float((peers > value).sum() + 1)
    if polarity == "low_is_good":
        return float((peers < value).sum() + 1)
    return np.nan


def ranks(values: pd.Series, highest_first: bool = True) -> pd.Series:
    """Each value's rank among ``values`` (1 = the highest, or the lowest with
    ``highest_first=False``); ties share the better rank; a missing value has no rank (NaN)."""
    return values.rank(ascending=not highest_first, method="min")


def district_range(peers: pd.Series) -> dict[str, float]:
    """``n``, ``min``, ``q25``, ``q75`` and ``max`` of the peers' values (missing values are skipped
    by the statistics but counted in ``n``; pass values only)."""
    return {
        "n": len(peers),
        "min": peers.min(),
        "q25": peers.quantile(0.25),
        "q75": peers.quantile(0.75),
        "max": peers.max(),
    }


def relative_gap(value: float, reference: float, polarity: str) -> float:
    """(value - reference) / |reference|, positive when the value is on the harmful side of
    the reference (below it when high is good, above it when low is good).

    0 without a value, a reference (or a reference of 0) or a polarity: neither ahead nor behind.
    """
    if _missing(value) or _missing(reference) or float(reference) == 0:
        return 0.0
    gap = (float(value) - float(reference)) / abs(float(reference))
    if polarity == "high_is_good":
        return -gap
    if polarity == "low_is_good":
        return gap
    return 0.0
