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

Where inputs are odd, :func:`sii` does what the reference implementation,
PHEindicatormethods ``phe_sii``, does (see its docstring): standard errors given for
rates and proportions are taken to be on the log and logit scales; a group missing a
quantile (or with a missing value) is dropped with a warning; proportion limits outside
0-1 are an error; a negative multiplier flips the sign of the SII and inverts the RII.
"""

from __future__ import annotations

import warnings
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

    As PHEindicatormethods ``phe_sii``:

    * ``se_col`` for a rate is the standard error of log(rate), for a proportion that of
      logit(proportion) (the scales the simulation works on), used as given; for life
      expectancy and other values it is on the values' own scale.
    * Every group needs every quantile present in the frame, with a value, population
      and limits (or SE); a group missing any is left out of the result with a
      ``UserWarning`` naming it (an error if no group is left).
    * Proportion values and limits must lie inside 0-1 (0-``multiplier``); outside is an
      error, never NaN limits.
    * ``confidence`` is one or more distinct levels, each between 0.9 and 1 (or 90 and
      100 as a percentage), e.g. (0.95, 0.99): each gets its ``lower_<c>``/``upper_<c>``.
    * A negative ``multiplier`` flips the polarity: the SII and its limits change sign
      (lower and upper swap) and the RII and its limits are inverted. Its size is the
      proportions' scale as above.
    """
    func = "sii"
    groups = v.as_list(group_cols)
    levels = v.confidences(confidence, func, any_levels=True)
    v.require_choice(value_type, "value_type", _VALUE_TYPES, func)
    sign = -1.0 if v.multiplier_value(multiplier, func, allow_negative=True) < 0 else 1.0
    multiplier = abs(float(multiplier))
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
    z95 = float(norm.ppf(0.975))
    expected = set(df[quantile_col].dropna())
    rows, dropped = [], []
    grouped = df.groupby(groups, sort=True, dropna=False) if groups else [((), df)]
    for key, g in grouped:
        key = key if isinstance(key, tuple) else (key,)
        where = f" in group {dict(zip(groups, key, strict=False))}" if groups else ""
        g = g.sort_values(quantile_col, kind="stable")
        if g[quantile_col].duplicated().any():
            raise v.StatsInputError(
                f"{func}: repeated quantiles{where}; one row per quantile please."
            )
        missing = sorted(expected - set(g[quantile_col].dropna()))
        blank = [
            c for c in [quantile_col, value_col, population_col, *ci_cols] if g[c].isna().any()
        ]
        if missing or blank:
            why = (
                f"quantile(s) {missing} missing"
                if missing
                else f"missing {', '.join(map(repr, blank))}"
            )
            dropped.append(
                f"{dict(zip(groups, key, strict=False)) if groups else 'the data'} ({why})"
            )
            continue
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
            limits = [] if se_col else [lower_col, upper_col]
            if (y <= 0).any() or (g[limits] <= 0).any().any():
                raise v.StatsInputError(
                    f"{func}: rates must be above 0 (with limits above 0){where} "
                    "for the log-scale simulation."
                )
            centre = np.log(y)
            se = (
                g[se_col].to_numpy(float)  # already the SE of log(rate), as phe_sii
                if se_col
                else (np.log(g[upper_col].to_numpy(float)) - np.log(g[lower_col].to_numpy(float)))
                / (2 * z95)
            )
            back = np.exp
        elif value_type == "proportion":
            p = y / multiplier
            if ((p <= 0) | (p >= 1)).any():
                raise v.StatsInputError(
                    f"{func}: proportions must lie strictly between 0 and {multiplier:g}{where} "
                    "(give multiplier=100 for per cents)."
                )
            centre = np.log(p / (1 - p))
            if se_col:
                se = g[se_col].to_numpy(float)  # already the SE of logit(p), as phe_sii
            else:
                lo = g[lower_col].to_numpy(float) / multiplier
                up = g[upper_col].to_numpy(float) / multiplier
                if ((lo <= 0) | (lo >= 1) | (up <= 0) | (up >= 1)).any():
                    raise v.StatsInputError(
                        f"{func}: proportion limits must lie strictly inside 0-{multiplier:g}{where}; "
                        "limits outside that range cannot be put on the logit scale."
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
        row = dict(zip(groups, key, strict=False), sii=sign * float(slope))
        for c in levels:
            lo, up = sign * np.quantile(s_slope, [(1 - c) / 2, (1 + c) / 2])
            row[v.lower_col(c)], row[v.upper_col(c)] = min(lo, up), max(lo, up)
        if rii:
            with np.errstate(divide="ignore", invalid="ignore"):
                value = float((intercept + slope) / intercept)
                s_rii = (s_intercept + s_slope) / s_intercept
                limits = {c: np.quantile(s_rii, [(1 - c) / 2, (1 + c) / 2]) for c in levels}
                if sign < 0:  # inverted, as phe_sii does for a negative multiplier
                    value = 1 / value
                    limits = {c: 1 / lim[::-1] for c, lim in limits.items()}
            row["rii"] = value
            for c in levels:
                row[f"rii_{v.lower_col(c)}"], row[f"rii_{v.upper_col(c)}"] = limits[c]
        row["n_quantiles"] = k
        rows.append(row)
    if dropped:
        warnings.warn(
            f"{func}: left out {len(dropped)} group(s) without every quantile: {'; '.join(dropped[:5])}"
            + (f" and {len(dropped) - 5} more" if len(dropped) > 5 else ""),
            UserWarning,
            stacklevel=2,
        )
    if not rows:
        raise v.StatsInputError(
            f"{func}: no group has every quantile ({sorted(expected)}) with a value, population "
            "and limits; the SII needs them all."
        )
    return pd.DataFrame(rows)
