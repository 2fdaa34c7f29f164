"""Values and confidence limits of the drawn demonstration rows, by :mod:`hwb.stats`.

:func:`add_limits` is the only place the generator computes limits: Wilson for
proportions, Byar's (exact below 10 events) for crude rates and one-weight DSRs, and a
demonstration approximation (value +/- z x SE) for life expectancy, SII and scores.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

LIMIT_COLUMNS = {
    0.95: ("Lower CI 95.0 limit", "Upper CI 95.0 limit"),
    0.998: ("Lower CI 99.8 limit", "Upper CI 99.8 limit"),
}


def add_limits(frame: pd.DataFrame) -> pd.DataFrame:
    """Fill value and 95%/99.8% limits of the drawn rows with :mod:`hwb.stats`, the whole frame at once.

    Rows carry what was drawn in private columns (``_kind``, ``_num``, ``_den``,
    ``_mult``, ``_factor``, ``_se``); this is the only place limits are computed:

    * ``wilson`` (proportions, and survey proportions from an effective sample size):
      :func:`hwb.stats.proportion`, one call per multiplier;
    * ``poisson`` (crude rates, and the one-weight DSRs described below): the limits
      of the count from :func:`hwb.stats.poisson_limits` (Byar's, exact below 10
      events), computed once per distinct count (the counts repeat a lot, and the
      PHStatsMethods functions behind it work one count at a time), then scaled to
      the rate: ``limit x multiplier x factor / denominator``. For a crude rate the
      factor is 1, which is exactly what :func:`hwb.stats.crude_rate` returns. For a
      DSR the generator does not draw deaths by age band; it draws one count and an
      effective age weight (``factor``), and Dobson's method with a single weight
      reduces to that weight times the Poisson limits of the count;
    * ``normal`` (life expectancy, healthy life expectancy, SII, gaps, survey scores):
      a DEMONSTRATION APPROXIMATION, not a published method: ``value +/- z x SE`` with
      an SE that shrinks with population (:class:`~hwb.data.demo.specs.Spec` ``se``). The
      generator draws no deaths and populations by age, so Chiang's method cannot apply.
    """
    from hwb import stats  # the one implementation of each interval formula

    frame = frame.copy()
    kind = frame["_kind"].to_numpy() if "_kind" in frame else np.full(len(frame), None)
    for column in (c for pair in LIMIT_COLUMNS.values() for c in pair):
        if column not in frame:
            frame[column] = np.nan
        frame[column] = frame[column].astype(float)
    frame["Value"] = frame["Value"].astype(float)

    wilson = kind == "wilson"
    for mult in sorted(set(frame.loc[wilson, "_mult"])):
        rows = wilson & (frame["_mult"] == mult).to_numpy()
        result = stats.proportion(
            frame.loc[rows, ["_num", "_den"]],
            count_col="_num",
            denominator_col="_den",
            confidence=tuple(LIMIT_COLUMNS),
            multiplier=mult,
        )
        frame.loc[rows, "Value"] = result["value"].to_numpy()
        for level, (low, high) in LIMIT_COLUMNS.items():
            lower, upper = stats.limit_columns(level)
            frame.loc[rows, low] = result[lower].to_numpy()
            frame.loc[rows, high] = result[upper].to_numpy()

    poisson = kind == "poisson"
    if poisson.any():
        counts = frame.loc[poisson, "_num"].to_numpy(dtype=float)
        scale = (
            frame.loc[poisson, "_mult"].to_numpy(dtype=float)
            * frame.loc[poisson, "_factor"].to_numpy(dtype=float)
            / frame.loc[poisson, "_den"].to_numpy(dtype=float)
        )
        distinct, where = np.unique(counts, return_inverse=True)
        frame.loc[poisson, "Value"] = counts * scale
        for level, (low, high) in LIMIT_COLUMNS.items():
            lower, upper = stats.poisson_limits(distinct, level)
            frame.loc[poisson, low] = lower[where] * scale
            frame.loc[poisson, high] = upper[where] * scale

    normal = kind == "normal"
    if normal.any():
        value = frame.loc[normal, "Value"].to_numpy(dtype=float)
        se = frame.loc[normal, "_se"].to_numpy(dtype=float)
        for level, (low, high) in LIMIT_COLUMNS.items():
            z = float(sps.norm.ppf(0.5 + level / 2))
            frame.loc[normal, low] = value - z * se
            frame.loc[normal, high] = value + z * se
    return frame
