"""Statistical process control: the NHS "Making Data Count" XmR chart.

Written here rather than taken from abspc 1.1.0, which we judged first: abspc
follows NHSRplotthedots' rule lengths (a shift of 8 points, a trend of 6) with
no way to change them, whereas this project uses the Making Data Count rules as
set out in the issue (7 points on one side of the mean; 7 points rising or
falling); it has no "neither" variation class for indicators without a
preferred direction; it imports matplotlib on import; and it asks for 15
points. Its XmR limits are the same as ours (the tests check that), so a chart
drawn with abspc from our output would agree.

Method (NHS England, *Making Data Count*, 2019; Wheeler's XmR chart):

* mean of the points; moving ranges |x_i - x_(i-1)|; process limits
  mean ± 2.66 x mean moving range (3 sigma, sigma = mean MR / 1.128);
  "near a limit" means beyond mean ± 2 sigma (two-thirds of the way out).
* Special-cause rules: (1) a point outside the process limits; (2) a run of 7
  or more consecutive points on one side of the mean; (3) a run of 7 or more
  consecutive points each higher (or each lower) than the one before; (4) two
  out of three consecutive points near the same limit (beyond 2 sigma on the
  same side, inside the limits).
* Variation (from the latest point): "Common cause", or "Special cause
  improving", "concerning" or "neither" (no preferred direction), with "(high)"
  or "(low)".
* Assurance (against a target, from the limits): "Consistently passes target",
  "Consistently fails target", "Hit and miss target", or "No target".
* Fewer than 12 points is refused: limits from so few points mislead. The points
  must also be independent: rolling pooled periods (2019 - 21, 2020 - 22, ...) share
  years, which narrows the moving ranges and so the limits; :func:`spc_applicable`
  says whether a series qualifies (at least 12 non-overlapping points, e.g. monthly,
  quarterly or annual single-period series) and, if not, why in words.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from hwb.stats import _validate as v
from hwb.stats.benchmark import POLARITIES

__all__ = ["MIN_POINTS", "RUN_LENGTH", "TREND_LENGTH", "spc", "spc_applicable", "spc_summary"]

MIN_POINTS = 12
RUN_LENGTH = 7
TREND_LENGTH = 7
_SIGMA_FACTOR = 1.128  # d2 for moving ranges of 2


def _runs(flags: np.ndarray, length: int) -> np.ndarray:
    """Mark every element of each run of >= ``length`` consecutive True values."""
    out = np.zeros(len(flags), dtype=bool)
    start = None
    for i, f in enumerate(np.append(flags, False)):
        if f and start is None:
            start = i
        elif not f and start is not None:
            if i - start >= length:
                out[start:i] = True
            start = None
    return out


def _trend_runs(x: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Points in runs of >= ``length`` strictly rising / falling points."""
    d = np.diff(x)
    up, down = np.zeros(len(x), bool), np.zeros(len(x), bool)
    for flags, sign in ((up, 1), (down, -1)):
        steps = _runs(np.sign(d) == sign, length - 1)  # length points = length-1 steps
        for i in np.flatnonzero(steps):
            flags[i] = flags[i + 1] = True
    return up, down


def _two_of_three(near: np.ndarray) -> np.ndarray:
    out = np.zeros(len(near), dtype=bool)
    for i in range(len(near) - 2):
        w = near[i : i + 3]
        if w.sum() >= 2:
            out[i : i + 3] |= w
    return out


def spc(
    df: pd.DataFrame,
    value_col: str = "value",
    period_col: str = "period_sortable",
    group_cols: str | Iterable[str] | None = None,
    polarity: str = "no_judgement",
    target: float | None = None,
    min_points: int = MIN_POINTS,
) -> pd.DataFrame:
    """XmR chart values and special-cause flags for every point, per group.

    Returns the input rows (sorted by period within group) with ``mean``,
    ``lower_process_limit``, ``upper_process_limit``, ``lower_near``,
    ``upper_near``, the rule flags ``rule_outside``, ``rule_shift``,
    ``rule_trend``, ``rule_two_of_three``, ``special_cause``, ``point_class``
    ("Common cause", "Improvement", "Concern", "Neither"), and per group the
    ``variation`` and ``assurance`` labels. Raises
    :class:`~hwb.errors.StatsInputError` for a group with fewer than
    ``min_points`` (at least 12) values.
    """
    func = "spc"
    groups = v.as_list(group_cols)
    v.require_frame(df, func)
    v.require_columns(df, [value_col, period_col, *groups], func)
    v.require_numeric(df, [value_col], func)
    v.require_choice(polarity, "polarity", POLARITIES, func)
    if min_points < MIN_POINTS:
        raise v.StatsInputError(
            f"{func}: min_points={min_points}; SPC needs at least {MIN_POINTS} points."
        )
    parts = []
    grouped = df.groupby(groups, sort=True, dropna=False) if groups else [((), df)]
    for key, g in grouped:
        key = key if isinstance(key, tuple) else (key,)
        where = f" for {dict(zip(groups, key, strict=False))}" if groups else ""
        g = g[g[value_col].notna()].sort_values(period_col, kind="stable").copy()
        if len(g) < min_points:
            raise v.StatsInputError(
                f"{func}: only {len(g)} points{where}; an SPC chart needs at least {min_points}. "
                "Show a plain trend chart instead."
            )
        x = g[value_col].to_numpy(dtype=float)
        mean = x.mean()
        mr = np.abs(np.diff(x)).mean()
        sigma = mr / _SIGMA_FACTOR
        ucl, lcl = mean + 3 * sigma, mean - 3 * sigma
        unear, lnear = mean + 2 * sigma, mean - 2 * sigma
        outside = (x > ucl) | (x < lcl)
        above, below = x > mean, x < mean
        shift_hi, shift_lo = _runs(above, RUN_LENGTH), _runs(below, RUN_LENGTH)
        up, down = _trend_runs(x, TREND_LENGTH)
        near_hi = (x > unear) & (x <= ucl)
        near_lo = (x < lnear) & (x >= lcl)
        two_hi, two_lo = _two_of_three(near_hi), _two_of_three(near_lo)
        high = (x > ucl) | shift_hi | up | two_hi
        low = (x < lcl) | shift_lo | down | two_lo
        g["mean"] = mean
        g["lower_process_limit"], g["upper_process_limit"] = lcl, ucl
        g["lower_near"], g["upper_near"] = lnear, unear
        g["rule_outside"] = outside
        g["rule_shift"] = shift_hi | shift_lo
        g["rule_trend"] = up | down
        g["rule_two_of_three"] = two_hi | two_lo
        g["special_cause"] = high | low
        good_high = polarity == "high_is_good"
        if polarity == "no_judgement":
            cls = np.where(high | low, "Neither", "Common cause")
        else:
            improving = np.where(good_high, high, low)
            cls = np.where(
                improving, "Improvement", np.where(high | low, "Concern", "Common cause")
            )
        g["point_class"] = cls
        last_dir = (
            "high" if high[-1] and not low[-1] else "low" if low[-1] and not high[-1] else None
        )
        if last_dir is None:
            variation = "Common cause"
        elif polarity == "no_judgement":
            variation = f"Special cause neither ({last_dir})"
        else:
            good = (last_dir == "high") == good_high
            variation = f"Special cause {'improving' if good else 'concerning'} ({last_dir})"
        if target is None or polarity == "no_judgement":
            assurance = "No target"
        elif (good_high and lcl > target) or (not good_high and ucl < target):
            assurance = "Consistently passes target"
        elif (good_high and ucl < target) or (not good_high and lcl > target):
            assurance = "Consistently fails target"
        else:
            assurance = "Hit and miss target"
        g["variation"], g["assurance"] = variation, assurance
        parts.append(g)
    return pd.concat(parts) if parts else df.iloc[0:0]


def spc_applicable(n_points: int, period_type: str) -> tuple[bool, str]:
    """Whether an XmR chart is valid for a series of ``n_points`` periods of ``period_type``
    (a catalogue period type), and if not, the reason as a phrase ("" when valid)."""
    if str(period_type).startswith("pooled"):
        return (
            False,
            "its periods overlap (rolling pooled years), which makes the limits too narrow",
        )
    if str(period_type) == "single":
        return False, "it is published for one period only"
    if n_points < MIN_POINTS:
        return (
            False,
            f"it has {n_points} {'period' if n_points == 1 else 'periods'}; a chart needs {MIN_POINTS}",
        )
    return True, ""


def spc_summary(
    points: pd.DataFrame, group_cols: str | Iterable[str] | None = None
) -> pd.DataFrame:
    """One row per group from :func:`spc` output: points, mean, limits, variation, assurance."""
    groups = v.as_list(group_cols)
    cols = ["mean", "lower_process_limit", "upper_process_limit", "variation", "assurance"]
    if groups:
        first = points.groupby(groups, sort=True, dropna=False)[cols].first()
        first.insert(0, "n_points", points.groupby(groups, sort=True, dropna=False).size())
        return first.reset_index()
    out = points[cols].iloc[[0]].reset_index(drop=True)
    out.insert(0, "n_points", len(points))
    return out
