"""Projections to the strategy horizons: linear trends with prediction intervals.

Model: ordinary least squares of value on year (statsmodels ``OLS``) over the
most recent ``last_n`` points (10 by default), projected with
``get_prediction(...).summary_frame(alpha)``; the interval reported is the
*prediction* interval (``obs_ci_lower``/``obs_ci_upper``), which includes
year-to-year scatter, not just uncertainty in the line.

Why this model: district series are short (often 5-12 annual points) and noisy,
so anything richer (ARIMA, exponential smoothing, splines) cannot be estimated
reliably from them and would look more certain than it is. A straight line is
what readers picture by "on current trends", its assumptions are easy to state,
and its prediction intervals widen honestly with distance from the data. The
caveats (no allowance for policy change, saturation or shocks such as COVID-19;
the line can run outside a possible range, e.g. below 0%) are stated in the
methods page; projections are not clipped to a possible range.

Also reported, against a benchmark series (usually England) fitted the same way:
the benchmark's projected value at each horizon; the first whole year after the
latest data in which the two fitted lines meet (``gap_closes_year``) or a
phrase saying why there is none; and the steady yearly change from the latest
value that would reach the benchmark's projected value by the horizon.
Too few points give a row with ``status`` saying so rather than an exception.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from hwb.stats import _validate as v
from hwb.stats.benchmark import POLARITIES

__all__ = ["MIN_POINTS", "project"]

MIN_POINTS = 5


def _fit(years: np.ndarray, values: np.ndarray):
    return OLS(values, add_constant(years, has_constant="add")).fit()


def _predict(fit, years: Iterable[float], alpha: float) -> pd.DataFrame:
    x = add_constant(np.asarray(list(years), dtype=float), has_constant="add")
    return fit.get_prediction(x).summary_frame(alpha=alpha)


def _series(
    g: pd.DataFrame, year_col: str, value_col: str, last_n: int
) -> tuple[np.ndarray, np.ndarray]:
    g = g[g[value_col].notna() & g[year_col].notna()].sort_values(year_col).tail(last_n)
    return g[year_col].to_numpy(dtype=float), g[value_col].to_numpy(dtype=float)


def project(
    df: pd.DataFrame,
    value_col: str = "value",
    year_col: str = "year",
    horizons: Iterable[int] = (2030, 2035),
    group_cols: str | Iterable[str] | None = None,
    benchmark: pd.DataFrame | None = None,
    benchmark_value_col: str = "value",
    polarity: str = "no_judgement",
    last_n: int = 10,
    min_points: int = MIN_POINTS,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Project each group's series to each horizon year, with prediction intervals.

    ``benchmark`` (optional) is one series with ``year_col`` and
    ``benchmark_value_col`` (e.g. England's rows for the same indicator).
    Returns one row per group and horizon: ``status`` ("ok" or "too few points
    ..."), ``n_points``, ``latest_year``, ``latest_value``, ``slope`` (change per
    year), ``horizon``, ``projected``, ``lower_<c>``/``upper_<c>`` (prediction
    interval), and with a benchmark ``benchmark_projected``, ``gap_closes_year``
    (nullable integer), ``gap_closes`` (the year as text, "not on current trends",
    or "no gap: already better than the benchmark" when polarity says so) and
    ``change_needed_per_year``.
    """
    func = "project"
    groups = v.as_list(group_cols)
    level = v.confidences(confidence, func)
    if len(level) != 1:
        raise v.StatsInputError(f"{func}: give one confidence level (e.g. 0.95).")
    level = level[0]
    v.require_choice(polarity, "polarity", POLARITIES, func)
    v.require_frame(df, func)
    v.require_columns(df, [value_col, year_col, *groups], func)
    v.require_numeric(df, [value_col, year_col], func)
    horizons = sorted(int(h) for h in horizons)
    if not horizons:
        raise v.StatsInputError(f"{func}: horizons is empty; pass e.g. (2030, 2035).")
    if min_points < 3:
        raise v.StatsInputError(f"{func}: min_points must be at least 3 for a prediction interval.")
    alpha = 1 - level
    lo_c, up_c = v.lower_col(level), v.upper_col(level)

    bench_fit = None
    if benchmark is not None:
        v.require_columns(benchmark, [year_col, benchmark_value_col], func)
        by, bv = _series(benchmark, year_col, benchmark_value_col, last_n)
        if len(by) >= min_points:
            bench_fit = _fit(by, bv)

    rows = []
    grouped = df.groupby(groups, sort=True, dropna=False) if groups else [((), df)]
    for key, g in grouped:
        key = key if isinstance(key, tuple) else (key,)
        years, values = _series(g, year_col, value_col, last_n)
        base = dict(
            zip(groups, key),
            n_points=len(years),
            latest_year=int(years[-1]) if len(years) else pd.NA,
            latest_value=float(values[-1]) if len(values) else np.nan,
        )
        if len(years) < min_points or len(np.unique(years)) < 2:
            for h in horizons:
                rows.append(
                    {
                        **base,
                        "status": f"too few points ({len(years)}; need {min_points})",
                        "horizon": h,
                    }
                )
            continue
        fit = _fit(years, values)
        pred = _predict(fit, horizons, alpha)
        slope = float(fit.params[1])
        if bench_fit is not None:
            bpred = _predict(bench_fit, horizons, alpha)["mean"].to_numpy()
            bslope = float(bench_fit.params[1])
            last = years[-1]
            gap_now = (fit.params[0] + slope * last) - (bench_fit.params[0] + bslope * last)
            better_now = (polarity == "high_is_good" and gap_now >= 0) or (
                polarity == "low_is_good" and gap_now <= 0
            )
            meet = None
            if not better_now and slope != bslope and gap_now != 0:
                t = (bench_fit.params[0] - fit.params[0]) / (slope - bslope)
                if t > last:
                    meet = math.ceil(t)
            if better_now:
                closes = "no gap: already better than the benchmark"
            elif meet is not None:
                closes = str(meet)
            else:
                closes = "not on current trends"
        for i, h in enumerate(horizons):
            row = {
                **base,
                "status": "ok",
                "slope": slope,
                "horizon": h,
                "projected": float(pred["mean"].iloc[i]),
                lo_c: float(pred["obs_ci_lower"].iloc[i]),
                up_c: float(pred["obs_ci_upper"].iloc[i]),
            }
            if bench_fit is not None:
                row.update(
                    benchmark_projected=float(bpred[i]),
                    gap_closes_year=meet,
                    gap_closes=closes,
                    change_needed_per_year=(float(bpred[i]) - values[-1]) / (h - years[-1])
                    if h > years[-1]
                    else np.nan,
                )
            rows.append(row)
    cols = [
        *groups,
        "status",
        "n_points",
        "latest_year",
        "latest_value",
        "slope",
        "horizon",
        "projected",
        lo_c,
        up_c,
    ]
    if benchmark is not None:
        cols += ["benchmark_projected", "gap_closes_year", "gap_closes", "change_needed_per_year"]
    out = pd.DataFrame(rows).reindex(columns=cols)
    if "gap_closes_year" in out:
        out["gap_closes_year"] = out["gap_closes_year"].astype("Int64")
    return out
