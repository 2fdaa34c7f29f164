"""Recent trend (the Fingertips method) and the "red-red" flag.

Fingertips tests the five most recent data points for a trend at the 99.8%
level and reports "Increasing", "Decreasing" or "No significant change", with
"and getting better" / "and getting worse" added where the indicator has a
polarity; with fewer than five points the trend "Cannot be calculated".

* Counts and denominators available (proportions and crude rates): the
  chi-squared test for trend (Cochran-Armitage; Armitage & Berry, *Statistical
  methods in medical research*, 2002) with time scores 1..5. Proportions use the
  binomial variance p(1-p); rates use the Poisson variance p (Breslow & Day
  1987, test for trend in rates). 1 degree of freedom; significant when
  chi-squared > 9.55 (p < 0.002).
* Only values and 95% limits available (standardised rates, survey estimates,
  life expectancy): a weighted least-squares regression of value on time, with
  weights 1 / SE^2 where SE = (upper - lower) / (2 x 1.96); significant when
  |slope / SE(slope)| > 3.09 (two-sided p < 0.002). This is our substitute, not
  a Fingertips method; the output's ``method`` column says which test was used.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm

from hwb.stats import _validate as v
from hwb.stats.benchmark import POLARITIES

__all__ = [
    "TREND_CONFIDENCE",
    "TREND_POINTS",
    "recent_trend",
    "red_red",
    "trend_kind",
    "trend_label",
]

TREND_POINTS = 5
TREND_CONFIDENCE = 0.998
CANNOT = "Cannot be calculated"

#: the test :func:`recent_trend` runs for each catalogue value type: the chi-squared test for
#: proportions and crude rates (counts over a population); any other value, a directly
#: standardised rate among them, is "other" (the weighted regression on its limits: its count
#: is not its value times its denominator, so the chi-squared test does not apply)
TREND_KINDS = {"proportion": "proportion", "crude_rate": "rate"}


def trend_kind(value_type: str) -> str:
    """The ``value_type`` argument of :func:`recent_trend` for a catalogue value type
    (``proportion``, ``crude_rate``, ``dsr``, …): every caller judges trends by this one rule."""
    return TREND_KINDS.get(str(value_type), "other")


def trend_label(direction: int, polarity: str = "no_judgement") -> str:
    """Fingertips wording for a trend direction (+1 up, -1 down, 0 none) and polarity."""
    if polarity not in POLARITIES:
        raise v.StatsInputError(f"trend_label: polarity {polarity!r} is not one of {POLARITIES}.")
    if direction == 0:
        return "No significant change"
    word = "Increasing" if direction > 0 else "Decreasing"
    if polarity == "no_judgement":
        return word
    good = (direction > 0) == (polarity == "high_is_good")
    return f"{word} and getting {'better' if good else 'worse'}"


def _chi2_trend(x: np.ndarray, n: np.ndarray, binomial: bool) -> tuple[float, float]:
    """Chi-squared for trend (1 df) and the sign of the trend, scores 1..k."""
    t = np.arange(1, len(x) + 1, dtype=float)
    big_n, big_x = n.sum(), x.sum()
    p = big_x / big_n
    var = p * (1 - p) if binomial else p
    sxx = (n * t**2).sum() - (n * t).sum() ** 2 / big_n
    u = (x * t).sum() - big_x * (n * t).sum() / big_n
    if var <= 0 or sxx <= 0:
        return 0.0, 0.0
    return float(u**2 / (var * sxx)), float(np.sign(u))


def _wls_trend(y: np.ndarray, se: np.ndarray) -> tuple[float, float]:
    """z statistic for the slope of a 1/SE^2-weighted regression of y on time."""
    t = np.arange(1, len(y) + 1, dtype=float)
    w = 1 / se**2
    tw = (w * t).sum() / w.sum()
    sxx = (w * (t - tw) ** 2).sum()
    slope = (w * (t - tw) * y).sum() / sxx
    return float(slope * np.sqrt(sxx)), float(np.sign(slope))


def recent_trend(
    df: pd.DataFrame,
    period_col: str = "period_sortable",
    group_cols: str | Iterable[str] | None = None,
    value_type: str = "proportion",
    polarity: str = "no_judgement",
    count_col: str = "count",
    denominator_col: str = "denominator",
    value_col: str = "value",
    lower_col: str = "lower_95",
    upper_col: str = "upper_95",
    fallback: str = "regression",
) -> pd.DataFrame:
    """The Fingertips recent trend for each group, over its 5 most recent points.

    ``value_type`` is "proportion" or "rate" (which variance the chi-squared test
    uses when counts are present) or anything else (the regression is used).
    ``polarity`` is a string or a column of ``df`` (first value per group).
    Returns one row per group: ``recent_trend`` (the label), ``direction``
    (+1/-1/0, NaN when not calculated), ``statistic``, ``p_value``, ``n_points``,
    ``latest_period`` and ``method``. Never raises for short series: they are
    "Cannot be calculated". ``fallback="none"`` reports "Cannot be calculated"
    instead of using the regression when counts are missing, which is what
    Fingertips shows for survey-based indicators (physically inactive adults, for example).
    """
    func = "recent_trend"
    v.require_choice(fallback, "fallback", ["regression", "none"], func)
    groups = v.as_list(group_cols)
    v.require_frame(df, func)
    v.require_columns(df, [period_col, *groups], func)
    pol_is_col = polarity in df.columns
    if not pol_is_col and polarity not in POLARITIES:
        raise v.StatsInputError(
            f"{func}: polarity {polarity!r} is neither one of {POLARITIES} nor a column."
        )
    crit_chi2 = float(chi2.ppf(TREND_CONFIDENCE, 1))
    crit_z = float(norm.ppf(0.5 + TREND_CONFIDENCE / 2))
    z95 = float(norm.ppf(0.975))
    has_counts = count_col in df.columns and denominator_col in df.columns
    has_ci = all(c in df.columns for c in (value_col, lower_col, upper_col))
    rows = []
    grouped = df.groupby(groups, sort=True, dropna=False) if groups else [((), df)]
    for key, g in grouped:
        key = key if isinstance(key, tuple) else (key,)
        pol = g[polarity].iloc[0] if pol_is_col else polarity
        if pol not in POLARITIES:
            pol = "no_judgement"
        dup = g[period_col].duplicated()
        if dup.any():
            raise v.StatsInputError(
                f"{func}: group {dict(zip(groups, key, strict=False))} has more than one row for period(s) "
                f"{sorted(g.loc[dup, period_col].unique())[:5]}; add the column that separates them to group_cols."
            )
        last = g.sort_values(period_col, kind="stable").tail(TREND_POINTS)
        row = dict(
            zip(groups, key, strict=False),
            recent_trend=CANNOT,
            direction=np.nan,
            statistic=np.nan,
            p_value=np.nan,
            n_points=len(last),
            latest_period=last[period_col].iloc[-1] if len(last) else None,
            method="",
        )
        if len(last) == TREND_POINTS:
            x = last[count_col].to_numpy(dtype=float) if has_counts else None
            n = last[denominator_col].to_numpy(dtype=float) if has_counts else None
            if (
                has_counts
                and value_type in ("proportion", "rate")
                and np.isfinite(x).all()
                and np.isfinite(n).all()
                and (n > 0).all()
            ):
                stat, sign = _chi2_trend(x, n, binomial=value_type == "proportion")
                sig = stat > crit_chi2
                row.update(
                    statistic=stat,
                    p_value=float(chi2.sf(stat, 1)),
                    method="chi-squared test for trend",
                )
            elif has_ci and fallback == "regression":
                y = last[value_col].to_numpy(dtype=float)
                se = (
                    last[upper_col].to_numpy(dtype=float) - last[lower_col].to_numpy(dtype=float)
                ) / (2 * z95)
                if np.isfinite(y).all() and np.isfinite(se).all() and (se > 0).all():
                    stat, sign = _wls_trend(y, se)
                    sig = abs(stat) > crit_z
                    row.update(
                        statistic=stat,
                        p_value=float(2 * norm.sf(abs(stat))),
                        method="weighted regression",
                    )
                else:
                    sign = None
            else:
                sign = None
            if row["method"]:
                direction = int(sign) if sig else 0
                row.update(direction=direction, recent_trend=trend_label(direction, pol))
        rows.append(row)
    cols = [
        *groups,
        "recent_trend",
        "direction",
        "statistic",
        "p_value",
        "n_points",
        "latest_period",
        "method",
    ]
    return pd.DataFrame(rows, columns=cols)


def red_red(
    df: pd.DataFrame,
    comparison_col: str = "comparison",
    trend_col: str = "recent_trend",
    out_col: str = "red_red",
) -> pd.DataFrame:
    """Flag rows that are significantly worse than England *and* getting worse.

    ``comparison_col`` holds :func:`~hwb.stats.benchmark.compare_to_benchmark`
    labels and ``trend_col`` :func:`recent_trend` labels. Adds boolean ``out_col``.
    """
    func = "red_red"
    v.require_frame(df, func)
    v.require_columns(df, [comparison_col, trend_col], func)
    out = df.copy()
    out[out_col] = (df[comparison_col] == "Worse") & df[trend_col].fillna("").str.endswith(
        "and getting worse"
    )
    return out
