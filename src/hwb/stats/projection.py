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

Guards that make a projection follow the data (issue 28), each off unless asked for, so
existing callers are unchanged:

* ``break_at``: a break in the series (:func:`hwb.stats.fitness.series_fitness`): the fit uses
  only the periods from the break on. Where fewer than ``min_points`` remain there is no
  projection: ``status`` is :data:`BREAK_DIRECTION_ONLY` and ``recent_direction`` says which
  way the periods since the break went.
* ``recent_points`` (e.g. 3): ``recent_direction`` is +1 when each of the last
  ``recent_points`` values is higher than the one before, -1 when each is lower, 0 otherwise;
  where it is +1 or -1 and the fitted line runs the other way (a pre-pandemic level pulling
  the line down while the last periods rose), or the projection at any horizon lies on the
  other side of the latest value (a line rising, but from below a series that rose faster),
  ``status`` is :data:`TURNING_POINT`.
* ``bounds`` (the best and worst English district's latest values): the projection and its
  range are held inside them, never beyond; ``clamped`` says "high" or "low" where the
  projected value was held.
* ``span`` (the indicator's plausible span, :func:`plausible_span`): a 95% range wider than
  the span gives ``status`` "too uncertain to project (95% range wider than the plausible
  span ...)", so no verdict is drawn from it.
* ``target="latest"``: the benchmark's *latest* value is the target at every horizon (the
  benchmark is not projected, so England's own projection is never the target); ``goal``:
  a national goal is the target instead.
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
    "BREAK_DIRECTION_ONLY",
    "COVID_YEARS",
    "MIN_POINTS",
    "NOT_WITHIN",
    "REACHED",
    "RECENT_POINTS",
    "TOO_UNCERTAIN",
    "TURNING_POINT",
    "WITHIN",
    "plausible_span",
    "possible_range",
    "project",
    "scale_for",
]

MIN_POINTS = 5
REACHED = "no gap: already as good as the benchmark"
WITHIN = "within the strategy period"
NOT_WITHIN = "not within the strategy period"
TOO_UNCERTAIN = "too uncertain to project"
TURNING_POINT = "turning point: too uncertain to project"
BREAK_DIRECTION_ONLY = "break in the series: recent direction only"
#: periods whose direction is compared with the fitted line
RECENT_POINTS = 3
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


def plausible_span(
    value_type: str, multiplier: float = 100.0, bounds: tuple[float, float] | None = None
) -> tuple[float, float] | None:
    """The span an indicator's values plausibly take: the English districts' range where it is
    known (``bounds``: the best and worst district's latest values), else what the value type
    allows (0 to ``multiplier`` for a proportion, e.g. 0-100%); None when neither bounds it."""
    if bounds is not None and all(np.isfinite(b) for b in bounds):
        low, high = sorted(float(b) for b in bounds)
        if high > low:
            return low, high
    if value_type == "proportion":
        return 0.0, float(multiplier)
    return None


def recent_direction(values: np.ndarray, points: int = RECENT_POINTS) -> float:
    """+1 when each of the last ``points`` values is higher than the one before, -1 when each is
    lower, 0 otherwise; NaN with fewer than ``points`` values (at least 2)."""
    values = np.asarray(values, dtype=float)
    if points < 2 or len(values) < points:
        return np.nan
    steps = np.diff(values[-points:])
    if (steps > 0).all():
        return 1.0
    if (steps < 0).all():
        return -1.0
    return 0.0


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
    g = g[g[value_col].notna() & g[x_col].notna()].sort_values(x_col, kind="stable")
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
    break_at: str | float | None = None,
    recent_points: int | None = None,
    bounds: tuple[float, float] | None = None,
    span: tuple[float, float] | None = None,
    target: str = "projection",
    goal: float | None = None,
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
    ``break_at`` (the period the break starts in, on the same time scale as ``year_col``), ``recent_points``,
    ``bounds``, ``span``, ``target`` ("projection" or "latest") and ``goal`` are the guards of
    the module docstring, each off by default.

    Returns one row per group and horizon: ``status`` ("ok", "too uncertain to project
    ..." or "too few points ..."), ``n_points`` (points fitted), ``n_excluded``,
    ``method``, ``scale``, ``latest_year`` (the latest period's midpoint, or year),
    ``latest_value``, ``slope`` (average change a year from the *latest value* to the
    projected value at the horizon, original units, so it agrees with the two numbers
    shown), ``horizon``, ``projected``, ``lower_<c>``/``upper_<c>``; with a benchmark also
    ``benchmark_projected``, ``benchmark_target``, ``benchmark_worsens``,
    ``as_good_now``, ``reaches_benchmark``, ``benchmark_in_interval`` and ``change_needed_per_year``
    (with a ``goal``, the same columns against the goal); with any guard, ``recent_direction``
    and ``clamped`` ("", "high" or "low").
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
    v.require_choice(target, "target", ["projection", "latest"], func)
    guarded = any(g is not None for g in (break_at, recent_points, bounds, span, goal)) or (
        target != "projection"
    )
    if recent_points is not None and recent_points < 2:
        raise v.StatsInputError(f"{func}: recent_points must be at least 2 (e.g. 3).")
    if goal is not None and polarity == "no_judgement":
        raise v.StatsInputError(f"{func}: a goal needs a polarity (high_is_good or low_is_good).")
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

    start = None
    if break_at is not None:
        try:
            start = float(break_at)
        except (TypeError, ValueError):
            start = math.nan
        if not np.isfinite(start):
            raise v.StatsInputError(
                f"{func}: break_at {break_at!r} is not a time on the {year_col!r} scale; pass "
                "the period the break starts in as a number (its midpoint with midpoints=True, "
                "from hwb.data.periods.midpoint)."
            )

    def prepare(
        frame: pd.DataFrame, col: str, after: float | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        if after is not None:
            frame = frame[frame[year_col].astype(float) >= after - 1e-9]
        return _series(frame, year_col, col, last_n, window)

    bench = None
    if goal is not None:
        bench = ("goal", float(goal))
    elif benchmark is not None and target == "latest":
        v.require_columns(benchmark, [year_col, benchmark_value_col], func)
        bx, by = prepare(benchmark, benchmark_value_col)
        if len(bx):
            bench = ("latest", bx, by)
    elif benchmark is not None:
        v.require_columns(benchmark, [year_col, benchmark_value_col], func)
        bx, by = prepare(benchmark, benchmark_value_col)
        if len(bx) >= min_points and len(np.unique(bx)) >= 2:
            bfit = _fit(bx, by, sc, window, min_points, last_n, left_out(bx), drop_words)
            bench = (bx, by, sc.back(_predict(bfit, at, alpha)["mean"].to_numpy()))

    rows = []
    grouped = df.groupby(groups, sort=True, dropna=False) if groups else [((), df)]
    for key, g in grouped:
        key = key if isinstance(key, tuple) else (key,)
        x, y = prepare(g, value_col, start)
        base = dict(
            zip(groups, key, strict=False),
            latest_year=float(x[-1]) if len(x) else np.nan,
            latest_value=float(y[-1]) if len(y) else np.nan,
            scale=scale,
        )
        if guarded:
            points = recent_points or RECENT_POINTS
            # after a break, the direction of what remains (at least two periods)
            base["recent_direction"] = recent_direction(
                y, points if start is None else max(2, min(len(y), points))
            )
            base["clamped"] = ""
        if min(len(x), last_n) < min_points or len(np.unique(x)) < 2:
            status = (
                BREAK_DIRECTION_ONLY
                if start is not None
                else f"too few points ({len(x)}; need {min_points})"
            )
            for h in horizons:
                rows.append({**base, "n_points": len(x), "status": status, "horizon": h})
            continue
        fit = _fit(x, y, sc, window, min_points, last_n, left_out(x), drop_words)
        pred = _predict(fit, at, alpha)
        projected = sc.back(pred["mean"].to_numpy())
        lower, upper_ = (
            sc.back(pred["obs_ci_lower"].to_numpy()),
            sc.back(pred["obs_ci_upper"].to_numpy()),
        )
        direction = base.get("recent_direction", np.nan)
        turning = (
            recent_points is not None
            and direction in (1.0, -1.0)
            and (
                np.sign(fit.result.params[1]) != direction
                # a line fitted below a rising series (or above a falling one) would still
                # carry the latest value back the other way
                or bool((np.sign(projected - y[-1]) == -direction).any())
            )
        )
        statuses = [
            TURNING_POINT
            if turning
            else _span_status(lower[i], upper_[i], span)
            or _status(projected[i], lower[i], upper_[i], max_relative_width)
            for i in range(len(horizons))
        ]
        clamped = [""] * len(horizons)
        if bounds is not None:
            low, high = sorted(float(b) for b in bounds)
            clamped = ["high" if p > high else "low" if p < low else "" for p in projected]
            projected, lower, upper_ = (np.clip(a, low, high) for a in (projected, lower, upper_))
        extra = {}
        if bench is not None:
            extra = _against_benchmark(x, y, projected, lower, upper_, bench, polarity, at)
        for i, h in enumerate(horizons):
            row = {
                **base,
                "n_points": len(fit.x),
                "n_excluded": fit.n_excluded,
                "method": fit.method,
                "status": statuses[i],
                "slope": (projected[i] - y[-1]) / (at[i] - x[-1]) if at[i] > x[-1] else np.nan,
                "horizon": h,
                "projected": float(projected[i]),
                lo_c: float(lower[i]),
                up_c: float(upper_[i]),
            }
            if guarded:
                row["clamped"] = clamped[i]
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
    if guarded:
        cols += ["recent_direction", "clamped"]
    if benchmark is not None or goal is not None:
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


def _span_status(lower: float, upper: float, span: tuple[float, float] | None) -> str:
    """ "too uncertain to project" when the range is wider than the plausible span, else ""."""
    if span is None:
        return ""
    low, high = sorted(float(b) for b in span)
    if upper - lower > high - low:
        return f"{TOO_UNCERTAIN} (95% range wider than the plausible span, {low:g} to {high:g})"
    return ""


def _against_benchmark(x, y, projected, lower, upper, bench, polarity, at) -> dict:
    """Targets (never worse than the benchmark's latest value), whether the district reaches
    the target by the last horizon, and the change a year needed (in the improving direction).

    ``bench`` is ``(bx, by, bproj)`` (the benchmark's points and projections), ``("latest",
    bx, by)`` (its latest value is the target) or ``("goal", value)``."""
    n = len(at)
    kind = bench[0] if isinstance(bench[0], str) else "projection"
    fixed = kind in ("latest", "goal")
    if kind == "goal":
        latest_bench = bench[1]
        bproj = np.full(n, np.nan)
    elif kind == "latest":
        _, bx, by = bench
        latest_bench = float(by[np.argmin(np.abs(bx - x[-1]))])
        bproj = np.full(n, np.nan)
    else:
        bx, by, bproj = bench
        latest_bench = float(by[np.argmin(np.abs(bx - x[-1]))])
    sign = {"high_is_good": 1.0, "low_is_good": -1.0}.get(polarity, 0.0)
    years = [at[i] - x[-1] if at[i] > x[-1] else np.nan for i in range(n)]
    if sign:
        if fixed:
            worsens, target = [False] * n, [latest_bench] * n
        else:
            worsens = [bool(sign * (bproj[i] - latest_bench) < 0) for i in range(n)]
            target = [latest_bench if worsens[i] else float(bproj[i]) for i in range(n)]
        now_ok = sign * (y[-1] - latest_bench) >= 0
        later_ok = sign * (projected[-1] - target[-1]) >= 0
        reaches = REACHED if now_ok and later_ok else WITHIN if later_ok else NOT_WITHIN
        change = [sign * max(0.0, sign * (target[i] - y[-1])) / years[i] for i in range(n)]
    else:
        worsens = [False] * n
        target = [latest_bench if fixed else float(b) for b in bproj]
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
