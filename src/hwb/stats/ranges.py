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
* :func:`weighted_average`: the weighted average of small areas' values within each larger
  area (a ward's deprivation score as the population-weighted average of its
  neighbourhoods' scores, as MHCLG averages LSOA scores to districts).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from hwb.stats import _validate as v

__all__ = ["district_range", "rank_among", "ranks", "relative_gap", "weighted_average"]

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


def weighted_average(
    frame: pd.DataFrame, value_col: str, weight_col: str, group_cols: list[str]
) -> pd.DataFrame:
    """Per group: ``value`` (the ``weight_col``-weighted average of ``value_col``), ``weight``
    (the summed weights) and ``n`` (the rows averaged). Every value and weight must be
    present, weights not negative and each group's total weight positive."""
    func = "weighted_average"
    for column in (value_col, weight_col, *group_cols):
        if column not in frame.columns:
            raise v.StatsInputError(f"{func}: no column {column!r} in the frame.")
    values = pd.to_numeric(frame[value_col], errors="coerce")
    weights = pd.to_numeric(frame[weight_col], errors="coerce")
    bad = frame.index[values.isna() | weights.isna() | (weights < 0)]
    if len(bad):
        raise v.StatsInputError(
            f"{func}: {len(bad)} row(s) have a missing value or a missing or negative weight "
            f"(first at index {list(bad[:5])}); fill or drop them before averaging."
        )
    work = frame[group_cols].copy()
    work["_vw"], work["_w"] = values * weights, weights
    out = work.groupby(group_cols, sort=True).agg(
        _vw=("_vw", "sum"), weight=("_w", "sum"), n=("_w", "size")
    )
    if (out["weight"] <= 0).any():
        raise v.StatsInputError(
            f"{func}: group(s) {list(out.index[out['weight'] <= 0][:5])} have no weight."
        )
    out["value"] = out.pop("_vw") / out["weight"]
    return out.reset_index()[[*group_cols, "value", "weight", "n"]]
