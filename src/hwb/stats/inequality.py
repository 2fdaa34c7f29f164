"""Slope index of inequality (SII) and relative index of inequality (RII).

Method (Low & Low, J Public Health 2004;26:388-395), as in the PHE/OHID
technical guidance and PHEindicatormethods ``phe_sii``:

* Quantiles (e.g. deprivation deciles) are ordered from most deprived (x = 0)
  to least deprived (x = 1). Each gets a relative rank: the midpoint of its
  share of the total population in the cumulative distribution.
* A population-weighted least-squares line (the sqrt(a) transformation) is
  fitted to the quantile values. The SII is its slope: the modelled
  difference between the least and the most deprived ends. The RII is the
  fitted value at x = 1 divided by the fitted value at x = 0.
* Confidence limits by simulation: each quantile's value is redrawn from a
  normal distribution with its standard error (on the log scale for rates and
  the logit scale for proportions, so intervals stay asymmetric and in range;
  directly for life expectancy and other values), the line is refitted, and
  the limits are the percentiles of the simulated SIIs. The random generator
  is seeded (``seed``), so results are reproducible.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.stats import norm

from hwb.stats import _validate as v

__all__ = ["sii"]

_VALUE_TYPES = ("rate", "proportion", "life_expectancy", "other")


def _fit(values: np.ndarray, a: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted (weights a) least-squares slope and intercept; ``values`` may be (reps, k)."""
    xw = (a * x).sum()
    sxx = (a * (x - xw) ** 2).sum()
    yw = values @ a
    slope = (values - yw[..., None]) @ (a * (x - xw)) / sxx
    return slope, yw - slope * xw


def sii(
    df: pd.DataFrame,
    value_col: str = "value",
    population_col: str = "population",
    quantile_col: str = "quantile",
    group_cols: str | Iterable[str] | None = None,
    value_type: str = "rate",
    lower_col: str | None = "lower_95",
    upper_col: str | None = "upper_95",
    se_col: str | None = None,
    multiplier: float = 1,
    confidence: v.Confidence = 0.95,
    repetitions: int = 10_000,
    seed: int = 20240401,
    rii: bool = True,
) -> pd.DataFrame:
    """SII (and RII) with simulated limits for each group.

    One row per quantile per group. ``quantile_col`` is ordered so that 1 is the
    most deprived. Standard errors come from ``se_col`` or, if absent, from the
    95% limits in ``lower_col``/``upper_col``. For proportions give values on
    their published scale and its ``multiplier`` (100 for per cent). Returns one
    row per group: ``sii``, ``lower_<c>``/``upper_<c>``, and with ``rii=True``
    ``rii``, ``rii_lower_<c>``/``rii_upper_<c>``; plus ``n_quantiles``.
    """
    func = "sii"
    groups = v.as_list(group_cols)
    levels = v.confidences(confidence, func)
    v.require_choice(value_type, "value_type", _VALUE_TYPES, func)
    if repetitions < 1000:
        raise v.StatsInputError(
            f"{func}: repetitions={repetitions}; use at least 1,000 (default 10,000)."
        )
    ci_cols = [se_col] if se_col else [lower_col, upper_col]
    if None in ci_cols:
        raise v.StatsInputError(f"{func}: give se_col, or both lower_col and upper_col.")
    v.require_frame(df, func)
    v.require_columns(df, [value_col, population_col, quantile_col, *ci_cols, *groups], func)
    v.require_numeric(df, [value_col, population_col, *ci_cols], func)
    v.require_positive(df, [population_col], func)
    for col in [value_col, population_col, *ci_cols]:
        bad = df[col].isna()
        if bad.any():
            raise v.StatsInputError(
                f"{func}: column {col!r} is missing at rows {list(bad[bad].index[:5])}; "
                "the SII needs every quantile."
            )
    z95 = float(norm.ppf(0.975))
    rows = []
    grouped = df.groupby(groups, sort=True, dropna=False) if groups else [((), df)]
    for key, g in grouped:
        key = key if isinstance(key, tuple) else (key,)
        where = f" in group {dict(zip(groups, key))}" if groups else ""
        g = g.sort_values(quantile_col)
        if g[quantile_col].duplicated().any():
            raise v.StatsInputError(
                f"{func}: repeated quantiles{where}; one row per quantile please."
            )
        k = len(g)
        if k < 5:
            raise v.StatsInputError(
                f"{func}: only {k} quantiles{where}; the SII needs at least 5 (quintiles)."
            )
        pop = g[population_col].to_numpy(dtype=float)
        a = pop / pop.sum()
        x = np.cumsum(a) - a / 2
        y = g[value_col].to_numpy(dtype=float)
        if value_type == "rate":
            if (y <= 0).any() or (not se_col and (g[lower_col] <= 0).any()):
                raise v.StatsInputError(
                    f"{func}: rates must be above 0 (with a lower limit above 0){where} "
                    "for the log-scale simulation."
                )
            centre = np.log(y)
            se = (
                g[se_col].to_numpy(float) / y
                if se_col
                else (np.log(g[upper_col].to_numpy(float)) - np.log(g[lower_col].to_numpy(float)))
                / (2 * z95)
            )
            back = np.exp
        elif value_type == "proportion":
            p = y / multiplier
            if ((p <= 0) | (p >= 1)).any():
                raise v.StatsInputError(
                    f"{func}: proportions must lie strictly between 0 and {multiplier}{where}."
                )
            centre = np.log(p / (1 - p))
            if se_col:
                se = g[se_col].to_numpy(float) / multiplier / (p * (1 - p))
            else:
                lo = g[lower_col].to_numpy(float) / multiplier
                up = g[upper_col].to_numpy(float) / multiplier
                if ((lo <= 0) | (up >= 1)).any():
                    raise v.StatsInputError(
                        f"{func}: proportion limits must lie strictly inside 0-{multiplier}{where}."
                    )
                se = (np.log(up / (1 - up)) - np.log(lo / (1 - lo))) / (2 * z95)

            def back(t):
                return multiplier / (1 + np.exp(-t))
        else:
            centre = y
            se = (
                g[se_col].to_numpy(float)
                if se_col
                else (g[upper_col].to_numpy(float) - g[lower_col].to_numpy(float)) / (2 * z95)
            )

            def back(t):
                return t

        if (se < 0).any():
            raise v.StatsInputError(
                f"{func}: negative standard error or upper limit below lower limit{where}."
            )
        slope, intercept = _fit(y, a, x)
        rng = np.random.default_rng(seed)
        sims = back(centre + se * rng.standard_normal((repetitions, k)))
        s_slope, s_intercept = _fit(sims, a, x)
        row = dict(zip(groups, key), sii=float(slope))
        for c in levels:
            row[v.lower_col(c)], row[v.upper_col(c)] = np.quantile(
                s_slope, [(1 - c) / 2, (1 + c) / 2]
            )
        if rii:
            row["rii"] = float((intercept + slope) / intercept)
            with np.errstate(divide="ignore", invalid="ignore"):
                s_rii = (s_intercept + s_slope) / s_intercept
            for c in levels:
                row[f"rii_{v.lower_col(c)}"], row[f"rii_{v.upper_col(c)}"] = np.quantile(
                    s_rii, [(1 - c) / 2, (1 + c) / 2]
                )
        row["n_quantiles"] = k
        rows.append(row)
    return pd.DataFrame(rows)
