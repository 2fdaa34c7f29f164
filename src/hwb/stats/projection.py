"""Projections to the strategy horizons: trends on a scale that keeps values possible.

Model: ordinary least squares of the *transformed* value on time (statsmodels ``OLS``),
projected with ``get_prediction(...).summary_frame(alpha)``; the interval reported is the
*prediction* interval (``obs_ci_lower``/``obs_ci_upper``), which includes year-to-year
scatter, not just uncertainty in the line. Point and limits are transformed back, so
none can leave the possible range:

* ``scale="log"`` for rates, ratios, counts and life expectancy (never below 0): a
  straight line on the log scale is a steady *percentage* change a year;
* ``scale="logit"`` for proportions (between 0 and ``upper``, e.g. 100 for %): the
  line bends as it nears 0% or 100% and never crosses them;
* ``scale="identity"`` (a plain straight line) for scores, which may be negative.
  :func:`scale_for` picks the scale from a catalogue value type.

Time is each period's *midpoint* in decimal years, worked out by the caller from the
period's label (:func:`hwb.data.periods.midpoint`): "2021 - 23" is 2022.5, calendar 2023
is 2023.5, financial "2023/24" is 2023.75 (April to March), school year "2023/24" 2024.17
(September to August); with ``midpoints=True`` a horizon such as 2035 is the middle of
that year, 2035.5. Otherwise the ``year_col`` numbers are whole years and so are horizons.

Pooled periods overlap (2019 - 21, 2020 - 22 and 2021 - 23 share years), so their
values are not independent and an ordinary fit understates the uncertainty. With a
``window`` of more than one year the fit uses non-overlapping periods only (every
``window``-th period back from the latest) when that leaves ``min_points``; otherwise
it uses every period with Newey-West (HAC) standard errors allowing for correlation
over ``window - 1`` lags. The ``method`` column says which.

Why this model: district series are short (often 5-12 points) and noisy, so anything
richer (ARIMA, exponential smoothing, splines) cannot be estimated reliably from them
and would look more certain than it is. "On current trends" is what readers picture;
its assumptions are easy to state and its intervals widen honestly with distance.

Against a benchmark series (usually England) fitted the same way: the benchmark's
projected value at each horizon, and the *target* the district is judged against
(``benchmark_target``): the benchmark's projection, or its latest value where its
projection moves in the harmful direction (``benchmark_worsens``), so a gap never
"closes" only because England gets worse. ``reaches_benchmark`` is "no gap: already as
good as the benchmark" only when the latest value *and* the projection at the last
horizon are at least as good; otherwise "within the strategy period" or "not within the
strategy period", judged at the last horizon (``as_good_now`` marks a district as good
as the benchmark now whose projection falls behind: "not within"). ``benchmark_in_interval`` says whether
the target lies inside the district's prediction interval, and
``change_needed_per_year`` is the steady yearly change from the latest value that would
reach the target by each horizon, always in the improving direction (0 when the latest
value is already at least as good). No "year the lines cross" is reported: it has no
honest uncertainty.

``exclude_years`` (e.g. :data:`COVID_YEARS`) leaves out of the fit every period that
includes any part of those years, when at least ``min_points`` other periods remain
(``n_excluded`` counts them); the latest value is still the latest published.

A projection whose 95% prediction interval at a horizon is wider than
``max_relative_width`` times the projected value (by default 1: the range spans more
than +/-50% of the value on average) gets ``status`` "too uncertain to project": its
numbers are kept for inspection but should not be shown as a projection.
Too few points give a row with ``status`` saying so rather than an exception.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

# HAC (Newey-West) fits import these on first use; importing them here lets the build's
# fork server preload them once instead of every pack importing them again.
import statsmodels.base.covtype
import statsmodels.stats.sandwich_covariance  # noqa: F401
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from hwb.stats import _validate as v
from hwb.stats.benchmark import POLARITIES

__all__ = [
    "COVID_YEARS",
    "MIN_POINTS",
    "NOT_WITHIN",
    "REACHED",
    "TOO_UNCERTAIN",
    "WITHIN",
    "possible_range",
    "project",
    "scale_for",
]

MIN_POINTS = 5
REACHED = "no gap: already as good as the benchmark"
WITHIN = "within the strategy period"
NOT_WITHIN = "not within the strategy period"
TOO_UNCERTAIN = "too uncertain to project"
#: calendar years whose periods a projection may leave out (the COVID-19 pandemic)
COVID_YEARS = (2020, 2021)
#: a 95% range wider than this times the projected value is too uncertain to show
MAX_RELATIVE_WIDTH = 1.0
_EDGE = 1e-6  # how close to a bound a value is pulled before the log or logit

#: months from 1 January to the start of each kind of year-long period


def scale_for(value_type: str, multiplier: float = 100.0) -> tuple[str, float | None]:
    """The projection scale for a catalogue value type, and the upper bound for a logit."""
    if value_type == "proportion":
        return "logit", float(multiplier)
    if value_type in ("crude_rate", "dsr", "ratio", "count", "life_expectancy"):
        return "log", None
    return "identity", None


def possible_range(scale: str, upper: float | None = None) -> tuple[float, float]:
    """The values a scale allows: [0, upper] for logit, [0, inf) for log, anything for identity."""
    if scale == "logit":
        return 0.0, float(upper)
    if scale == "log":
        return 0.0, math.inf
    return -math.inf, math.inf


@dataclass(frozen=True)
class _Scale:
    name: str
    upper: float | None

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if self.name == "log":
            return np.log(np.maximum(x, _EDGE))
        if self.name == "logit":
            p = np.clip(x / self.upper, _EDGE, 1 - _EDGE)
            return np.log(p / (1 - p))
        return x

    def back(self, y) -> np.ndarray:
        y = np.asarray(y, dtype=float)
        if self.name == "log":
            return np.exp(y)
        if self.name == "logit":
            return self.upper / (1 + np.exp(-y))
        return y


@dataclass
class _Fit:
    result: object
    x: np.ndarray
    y: np.ndarray  # original scale
    method: str
    n_excluded: int = 0


def _fit(
    x: np.ndarray,
    y: np.ndarray,
    scale: _Scale,
    window: int,
    min_points: int,
    last_n: int,
    drop: np.ndarray | None = None,
    drop_words: str = "",
) -> _Fit:
    n_excluded = 0
    if drop is not None and drop.any() and (~drop).sum() >= min_points:
        x, y, n_excluded = x[~drop], y[~drop], int(drop.sum())
    keep = _non_overlapping(x, window) if window > 1 else np.ones(len(x), dtype=bool)
    cov: dict = {}
    if window > 1 and keep.sum() >= min_points:
        x, y, method = x[keep], y[keep], f"non-overlapping {window}-year periods"
    elif window > 1:
        method = f"overlapping {window}-year periods, Newey-West standard errors"
        cov = {"cov_type": "HAC", "cov_kwds": {"maxlags": window - 1}}
    else:
        method = "ordinary least squares"
    if n_excluded:
        method += f"; leaving out {n_excluded} period{'s' * (n_excluded > 1)} {drop_words}"
    x, y = x[-last_n:], y[-last_n:]
    model = OLS(scale.forward(y), add_constant(x, has_constant="add"))
    return _Fit(model.fit(**cov), x, y, method, n_excluded)


def _overlaps(x: np.ndarray, span: float, centred: bool, years: Iterable[int]) -> np.ndarray:
    """Which periods (midpoints ``x`` of ``span`` years, or plain years) include any part of ``years``."""
    start = x - span / 2 if centred else x
    end = start + span
    out = np.zeros(len(x), dtype=bool)
    for year in years:
        out |= (start < year + 1 - 1e-9) & (end > year + 1e-9)
    return out


def _non_overlapping(x: np.ndarray, window: int) -> np.ndarray:
    """Every period at least ``window`` years before the last one kept, counting back from the latest."""
    keep = np.zeros(len(x), dtype=bool)
    last = math.inf
    for i in range(len(x) - 1, -1, -1):
        if last - x[i] >= window - 1e-9:
            keep[i] = True
            last = x[i]
    return keep


def _predict(fit: _Fit, at: Iterable[float], alpha: float) -> pd.DataFrame:
    x = add_constant(np.asarray(list(at), dtype=float), has_constant="add")
    return fit.result.get_prediction(x).summary_frame(alpha=alpha)


def _series(
    g: pd.DataFrame, x_col: str, value_col: str, last_n: int, window: int
) -> tuple[np.ndarray, np.ndarray]:
    g = g[g[value_col].notna() & g[x_col].notna()].sort_values(x_col)
    g = g.drop_duplicates(x_col, keep="last").tail(last_n * window)
    return g[x_col].to_numpy(dtype=float), g[value_col].to_numpy(dtype=float)


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
    scale: str = "identity",
    upper: float | None = None,
    midpoints: bool = False,
    window: int = 1,
    exclude_years: Iterable[int] = (),
    max_relative_width: float | None = MAX_RELATIVE_WIDTH,
) -> pd.DataFrame:
    """Project each group's series to each horizon year, with prediction intervals.

    ``scale`` is "identity", "log" or "logit" (``upper`` is then the top of the range,
    e.g. 100 for a percentage); see the module docstring. With ``midpoints`` the
    ``year_col`` numbers are each period's midpoint and ``window`` how many years a period
    pools (:func:`hwb.data.periods.span_years`: the overlap window); otherwise ``year_col``
    holds whole years. ``last_n`` caps the
    points used (in periods of the pooled length for pooled data). ``exclude_years``
    leaves out periods that include those years when ``min_points`` others remain;
    ``max_relative_width`` (None: no limit) marks too-wide projections (module docstring).

    Returns one row per group and horizon: ``status`` ("ok", "too uncertain to project
    ..." or "too few points ..."), ``n_points`` (points fitted), ``n_excluded``,
    ``method``, ``scale``, ``latest_year`` (the latest period's midpoint, or year),
    ``latest_value``, ``slope`` (average change a year from the *latest value* to the
    projected value at the horizon, original units, so it agrees with the two numbers
    shown), ``horizon``, ``projected``, ``lower_<c>``/``upper_<c>``; with a benchmark also
    ``benchmark_projected``, ``benchmark_target``, ``benchmark_worsens``,
    ``as_good_now``, ``reaches_benchmark``, ``benchmark_in_interval`` and ``change_needed_per_year``.
    """
    func = "project"
    groups = v.as_list(group_cols)
    level = v.confidences(confidence, func)
    if len(level) != 1:
        raise v.StatsInputError(f"{func}: give one confidence level (e.g. 0.95).")
    level = level[0]
    v.require_choice(polarity, "polarity", POLARITIES, func)
    v.require_choice(scale, "scale", ["identity", "log", "logit"], func)
    if scale == "logit" and (upper is None or not upper > 0):
        raise v.StatsInputError(f"{func}: scale='logit' needs upper (e.g. 100 for a percentage).")
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
    sc = _Scale(scale, upper)
    window = max(1, int(window)) if midpoints else 1
    offset = 0.5 if midpoints else 0.0
    at = [h + offset for h in horizons]

    exclude_years = sorted(int(y) for y in exclude_years)
    drop_words = "that include " + " or ".join(str(y) for y in exclude_years)

    def left_out(x: np.ndarray) -> np.ndarray | None:
        if not exclude_years:
            return None
        return _overlaps(x, window, midpoints, exclude_years)

    def prepare(frame: pd.DataFrame, col: str) -> tuple[np.ndarray, np.ndarray]:
        return _series(frame, year_col, col, last_n, window)

    bench = None
    if benchmark is not None:
        v.require_columns(benchmark, [year_col, benchmark_value_col], func)
        bx, by = prepare(benchmark, benchmark_value_col)
        if len(bx) >= min_points and len(np.unique(bx)) >= 2:
            bfit = _fit(bx, by, sc, window, min_points, last_n, left_out(bx), drop_words)
            bench = (bx, by, sc.back(_predict(bfit, at, alpha)["mean"].to_numpy()))

    rows = []
    grouped = df.groupby(groups, sort=True, dropna=False) if groups else [((), df)]
    for key, g in grouped:
        key = key if isinstance(key, tuple) else (key,)
        x, y = prepare(g, value_col)
        base = dict(
            zip(groups, key, strict=False),
            latest_year=float(x[-1]) if len(x) else np.nan,
            latest_value=float(y[-1]) if len(y) else np.nan,
            scale=scale,
        )
        if min(len(x), last_n) < min_points or len(np.unique(x)) < 2:
            for h in horizons:
                rows.append(
                    {
                        **base,
                        "n_points": len(x),
                        "status": f"too few points ({len(x)}; need {min_points})",
                        "horizon": h,
                    }
                )
            continue
        fit = _fit(x, y, sc, window, min_points, last_n, left_out(x), drop_words)
        pred = _predict(fit, at, alpha)
        projected = sc.back(pred["mean"].to_numpy())
        lower, upper_ = (
            sc.back(pred["obs_ci_lower"].to_numpy()),
            sc.back(pred["obs_ci_upper"].to_numpy()),
        )
        extra = {}
        if bench is not None:
            extra = _against_benchmark(x, y, projected, lower, upper_, bench, polarity, at)
        for i, h in enumerate(horizons):
            row = {
                **base,
                "n_points": len(fit.x),
                "n_excluded": fit.n_excluded,
                "method": fit.method,
                "status": _status(projected[i], lower[i], upper_[i], max_relative_width),
                "slope": (projected[i] - y[-1]) / (at[i] - x[-1]) if at[i] > x[-1] else np.nan,
                "horizon": h,
                "projected": float(projected[i]),
                lo_c: float(lower[i]),
                up_c: float(upper_[i]),
            }
            row.update({k: (val[i] if isinstance(val, list) else val) for k, val in extra.items()})
            rows.append(row)
    cols = [
        *groups,
        "status",
        "n_points",
        "n_excluded",
        "method",
        "scale",
        "latest_year",
        "latest_value",
        "slope",
        "horizon",
        "projected",
        lo_c,
        up_c,
    ]
    if benchmark is not None:
        cols += [
            "benchmark_projected",
            "benchmark_target",
            "benchmark_worsens",
            "as_good_now",
            "reaches_benchmark",
            "benchmark_in_interval",
            "change_needed_per_year",
        ]
    return pd.DataFrame(rows).reindex(columns=cols)


def _status(projected: float, lower: float, upper: float, limit: float | None) -> str:
    """ "ok", or "too uncertain to project" when the range is wider than ``limit`` times the value."""
    if limit is not None and (upper - lower) > limit * abs(projected):
        return f"{TOO_UNCERTAIN} (95% range wider than {limit:g} times the projected value)"
    return "ok"


def _against_benchmark(x, y, projected, lower, upper, bench, polarity, at) -> dict:
    """Targets (never worse than the benchmark's latest value), whether the district reaches
    the target by the last horizon, and the change a year needed (in the improving direction)."""
    bx, by, bproj = bench
    latest_bench = float(by[np.argmin(np.abs(bx - x[-1]))])
    sign = {"high_is_good": 1.0, "low_is_good": -1.0}.get(polarity, 0.0)
    n = len(at)
    years = [at[i] - x[-1] if at[i] > x[-1] else np.nan for i in range(n)]
    if sign:
        worsens = [bool(sign * (bproj[i] - latest_bench) < 0) for i in range(n)]
        target = [latest_bench if worsens[i] else float(bproj[i]) for i in range(n)]
        now_ok = sign * (y[-1] - latest_bench) >= 0
        later_ok = sign * (projected[-1] - target[-1]) >= 0
        reaches = REACHED if now_ok and later_ok else WITHIN if later_ok else NOT_WITHIN
        change = [sign * max(0.0, sign * (target[i] - y[-1])) / years[i] for i in range(n)]
    else:
        worsens = [False] * n
        target = [float(b) for b in bproj]
        reaches, now_ok = "", False
        change = [(target[i] - y[-1]) / years[i] for i in range(n)]
    inside = [bool(lower[i] <= target[i] <= upper[i]) for i in range(n)]
    return {
        "benchmark_projected": [float(b) for b in bproj],
        "benchmark_target": target,
        "benchmark_worsens": worsens,
        "as_good_now": bool(now_ok),
        "reaches_benchmark": reaches,
        "benchmark_in_interval": inside,
        "change_needed_per_year": [float(c) for c in change],
    }
