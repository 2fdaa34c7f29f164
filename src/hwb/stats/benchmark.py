"""Comparing areas with a benchmark (usually England), in the Fingertips wording.

Interval method (Fingertips "compared with benchmark", benchmark type
"confidence intervals overlapping reference value"): an area is *higher* when
the lower limit of its 95% (or 99.8%) interval is above the benchmark value,
*lower* when the upper limit is below it, and *similar* otherwise. With a
polarity the words become better / similar / worse. Missing limits or a missing
benchmark give "Not compared".

Quintile method (Fingertips "quintiles", used where no judgement is made about
what is good): areas of the same type are ranked and split into fifths with the
OHID deprivation-category algorithm (``PHStatsMethods.ph_quantile``); labels are
Lowest / Low / Middle / High / Highest, or Best / Better / Middle / Worse /
Worst when a polarity is given.

Goal method (Fingertips "Compared to goal", e.g. the 66.7% dementia diagnosis
ambition): the value itself against the goal, "Better" when it meets the goal
(at or above it when high is good, at or below when low is good), "Worse" when it
does not; no interval is involved, as in Fingertips' goal benchmarking.

Which method judges an indicator is one rule, :func:`judging_method` (and
:func:`judging_methods` for a column): "none" when the catalogue says the indicator is
not compared; "goal" when it names a national goal; otherwise its catalogue benchmark,
"ci_overlap" or "quintiles". The packs' headline table and the "What changed" page both
judge by it.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import PHStatsMethods as phs

from hwb.stats import _validate as v

__all__ = [
    "METHODS",
    "POLARITIES",
    "benchmark_against_england",
    "compare_to_benchmark",
    "compare_to_goal",
    "judging_method",
    "judging_methods",
    "quintile_labels",
]

POLARITIES = ("high_is_good", "low_is_good", "no_judgement")
NOT_COMPARED = "Not compared"
CI_OVERLAP, QUINTILES, NO_COMPARISON, GOAL = "ci_overlap", "quintiles", "none", "goal"
#: the methods that judge an indicator (see :func:`judging_method`)
METHODS = (CI_OVERLAP, QUINTILES, NO_COMPARISON, GOAL)
_WORDS = {
    "no_judgement": ("Higher", "Similar", "Lower"),
    "high_is_good": ("Better", "Similar", "Worse"),
    "low_is_good": ("Worse", "Similar", "Better"),
}
_QUINTILE_WORDS = {
    "no_judgement": ("Lowest", "Low", "Middle", "High", "Highest"),
    "high_is_good": ("Worst", "Worse", "Middle", "Better", "Best"),
    "low_is_good": ("Best", "Better", "Middle", "Worse", "Worst"),
}


def _polarity_series(df: pd.DataFrame, polarity: str | pd.Series, func: str) -> pd.Series:
    if isinstance(polarity, pd.Series):
        pol = polarity.reindex(df.index)
    elif isinstance(polarity, str) and polarity in df.columns:
        pol = df[polarity]
    elif isinstance(polarity, str):
        pol = pd.Series(polarity, index=df.index)
    else:
        raise v.StatsInputError(
            f"{func}: polarity must be one of {POLARITIES}, a column name or a Series."
        )
    pol = pol.fillna("no_judgement")
    bad = ~pol.isin(POLARITIES)
    if bad.any():
        raise v.StatsInputError(
            f"{func}: polarity {sorted(set(pol[bad]))} at rows {list(pol[bad].index[:5])} is not one of {POLARITIES}."
        )
    return pol


def judging_method(benchmark: str | None, goal: float | None = None) -> str:
    """Which method judges an indicator, from its catalogue ``benchmark`` and ``goal``.

    "none" when the benchmark is "none" (a goal does not change that); "goal" when a goal
    is given; otherwise the benchmark ("ci_overlap" or "quintiles"; "ci_overlap" when not
    given, the Fingertips default).
    """
    if benchmark is None or (isinstance(benchmark, float) and np.isnan(benchmark)):
        benchmark = CI_OVERLAP
    if benchmark not in (CI_OVERLAP, QUINTILES, NO_COMPARISON):
        raise v.StatsInputError(
            f"judging_method: benchmark {benchmark!r} is not one of {(CI_OVERLAP, QUINTILES, NO_COMPARISON)}."
        )
    if benchmark == NO_COMPARISON:
        return NO_COMPARISON
    if goal is not None and not pd.isna(goal):
        return GOAL
    return benchmark


def judging_methods(benchmark: pd.Series, goal: pd.Series | None = None) -> pd.Series:
    """:func:`judging_method` for each row (``goal`` aligned on ``benchmark``'s index)."""
    goals = (
        goal.reindex(benchmark.index)
        if goal is not None
        else pd.Series(np.nan, index=benchmark.index)
    )
    return pd.Series(
        [judging_method(b, g) for b, g in zip(benchmark, goals, strict=False)],
        index=benchmark.index,
        dtype=object,
    )


def compare_to_benchmark(
    df: pd.DataFrame,
    benchmark_col: str = "benchmark",
    confidence: float = 0.95,
    polarity: str | pd.Series = "no_judgement",
    lower_col: str | None = None,
    upper_col: str | None = None,
    out_col: str = "comparison",
) -> pd.DataFrame:
    """Label each row Better/Similar/Worse (or Higher/Similar/Lower) against its benchmark.

    ``lower_col``/``upper_col`` default to ``lower_95``/``upper_95`` (or
    ``lower_998``/``upper_998`` with ``confidence=0.998``). ``polarity`` is one of
    "high_is_good", "low_is_good", "no_judgement", or a column holding one per
    row. Returns a copy of ``df`` with ``out_col`` added.
    """
    func = "compare_to_benchmark"
    level = v.confidences(confidence, func)
    if len(level) != 1:
        raise v.StatsInputError(
            f"{func}: compare at one confidence level at a time (0.95 or 0.998)."
        )
    lower_col = lower_col or v.lower_col(level[0])
    upper_col = upper_col or v.upper_col(level[0])
    v.require_frame(df, func)
    v.require_columns(df, [benchmark_col, lower_col, upper_col], func)
    v.require_numeric(df, [benchmark_col, lower_col, upper_col], func)
    bad = df[lower_col] > df[upper_col]
    if bad.any():
        raise v.StatsInputError(
            f"{func}: {lower_col!r} is above {upper_col!r} at rows {list(bad[bad].index[:5])}."
        )
    pol = _polarity_series(df, polarity, func)
    lo, up, bench = df[lower_col], df[upper_col], df[benchmark_col]
    missing = lo.isna() | up.isna() | bench.isna()
    higher = (lo > bench) & ~missing
    lower = (up < bench) & ~missing
    words = pd.DataFrame([_WORDS[p] for p in pol], index=df.index, columns=["hi", "sim", "lo"])
    label = np.where(
        missing,
        NOT_COMPARED,
        np.where(higher, words["hi"], np.where(lower, words["lo"], words["sim"])),
    )
    out = df.copy()
    out[out_col] = label
    return out


def judge(
    labels: pd.Series,
    method: pd.Series,
    value: pd.Series,
    goal: pd.Series | None = None,
    polarity: str | pd.Series = "no_judgement",
    quintile: pd.Series | None = None,
) -> pd.Series:
    """Each row judged by its method (:func:`judging_methods`), the one rule every caller uses.

    ``labels``: the comparison with England (:func:`compare_to_benchmark`, or a published
    label). A row whose method is "none" reads "Not compared"; "quintiles", its ``quintile``
    label ("Not compared" where none was worked out: too few areas, or no value); "goal",
    :func:`compare_to_goal` of ``value`` against ``goal``; "ci_overlap", its label as given.
    Returns the labels, same index.
    """
    out = labels.copy()
    out[method.eq(NO_COMPARISON)] = NOT_COMPARED
    if quintile is not None:
        ranked = method.eq(QUINTILES)
        labels = quintile.reindex(out.index).fillna("")
        out[ranked] = labels[ranked].where(labels[ranked].ne(""), NOT_COMPARED)
    by_goal = method.eq(GOAL)
    if by_goal.any() and goal is not None:
        pol = polarity[by_goal] if isinstance(polarity, pd.Series) else polarity
        judged = compare_to_goal(
            pd.DataFrame({"value": value[by_goal], "_goal": goal[by_goal]}),
            "_goal",
            polarity=pol,
            out_col="_g",
        )
        out[by_goal] = judged["_g"].to_numpy()
    return out


def compare_to_goal(
    df: pd.DataFrame,
    goal_col: str = "goal",
    value_col: str = "value",
    polarity: str | pd.Series = "high_is_good",
    out_col: str = "compared_goal",
) -> pd.DataFrame:
    """Label each row "Better" (meets the goal) or "Worse" (does not); "Not compared" without a
    value, a goal or a polarity. Returns a copy of ``df`` with ``out_col`` added."""
    func = "compare_to_goal"
    v.require_frame(df, func)
    v.require_columns(df, [goal_col, value_col], func)
    v.require_numeric(df, [goal_col, value_col], func)
    pol = _polarity_series(df, polarity, func)
    value, goal = df[value_col].astype(float), df[goal_col].astype(float)
    meets = np.where(pol == "low_is_good", value <= goal, value >= goal)
    missing = value.isna() | goal.isna() | (pol == "no_judgement")
    out = df.copy()
    out[out_col] = np.where(missing, NOT_COMPARED, np.where(meets, "Better", "Worse"))
    return out


def quintile_labels(
    df: pd.DataFrame,
    value_col: str = "value",
    group_cols: str | Iterable[str] | None = None,
    polarity: str | pd.Series = "no_judgement",
    out_col: str = "quintile",
) -> pd.DataFrame:
    """Rank areas into fifths within each group and label them in the Fingertips wording.

    Use it within one indicator, period and area type (pass those as
    ``group_cols``). Quintile 1 holds the lowest values. Groups with fewer than 5
    values, and rows without a value, get "Not compared". Adds ``out_col`` and
    ``quintile_number`` (1-5).
    """
    func = "quintile_labels"
    groups = v.as_list(group_cols)
    v.require_frame(df, func)
    v.require_columns(df, [value_col, *groups], func)
    v.require_numeric(df, [value_col], func)
    pol = _polarity_series(df, polarity, func)
    work = df[[*groups, value_col]].copy()
    work[value_col] = work[value_col].astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        q = phs.ph_quantile(
            work, value_col, group_cols=groups or None, nquantiles=5, invert=False, type="standard"
        )
    number = q["quantile"].where(work[value_col].notna())
    out = df.copy()
    out["quintile_number"] = number.astype("Int64")
    out[out_col] = [
        NOT_COMPARED if pd.isna(n) else _QUINTILE_WORDS[p][int(n) - 1]
        for n, p in zip(number, pol, strict=False)
    ]
    return out


_KEY = ["indicator_id", "sex", "age", "category_type", "category", "period"]


def _polarity_lookup(polarity, indicator_ids: pd.Series) -> pd.Series:
    if isinstance(polarity, str):
        return pd.Series(polarity, index=indicator_ids.index)
    if isinstance(polarity, pd.DataFrame):
        polarity = polarity["polarity"]
    if isinstance(polarity, (pd.Series, Mapping)):
        return indicator_ids.map(polarity).fillna("no_judgement")
    raise v.StatsInputError(
        "benchmark_against_england: polarity must be a string, a mapping "
        "indicator_id -> polarity, or the catalogue DataFrame."
    )


def benchmark_against_england(
    tidy: pd.DataFrame,
    polarity: str | Mapping | pd.Series | pd.DataFrame = "no_judgement",
    confidence: float = 0.95,
    england_code: str = "E92000001",
    key_cols: Iterable[str] = tuple(_KEY),
    out_col: str = "comparison",
) -> pd.DataFrame:
    """Compare every non-England row of a tidy frame with the matching England row.

    Matching is on ``key_cols`` (indicator, sex, age, category, period). Polarity
    can be one string, a mapping from indicator_id, or the catalogue frame from
    :func:`hwb.data.catalogue.load_catalogue` (its ``polarity`` column; with it, each row
    is judged by the indicator's :func:`judging_method`: "none" rows are "Not compared",
    "quintiles" rows are ranked among areas of the same type with :func:`quintile_labels`,
    and "goal" rows are judged against the catalogue's goal with :func:`compare_to_goal`).
    Returns the area rows with ``england_value`` and ``out_col``.
    """
    func = "benchmark_against_england"
    keys = list(key_cols)
    v.require_frame(tidy, func)
    v.require_columns(tidy, [*keys, "area_code", "value"], func)
    eng = tidy.loc[tidy["area_code"] == england_code, [*keys, "value"]]
    dup = eng.duplicated(keys)
    if dup.any():
        raise v.StatsInputError(
            f"{func}: England ({england_code}) has repeated rows for {keys}: "
            f"{eng[dup].head(3).to_dict('records')}."
        )
    areas = tidy.loc[tidy["area_code"] != england_code].copy()
    merged = areas.merge(
        eng.rename(columns={"value": "england_value"}), on=keys, how="left", validate="many_to_one"
    )
    merged.index = areas.index
    pol = _polarity_lookup(polarity, merged["indicator_id"])
    out = compare_to_benchmark(merged, "england_value", confidence, pol, out_col=out_col)
    if isinstance(polarity, pd.DataFrame) and "benchmark" in polarity.columns:
        goals = merged["indicator_id"].map(polarity["goal"]) if "goal" in polarity.columns else None
        method = judging_methods(merged["indicator_id"].map(polarity["benchmark"]), goals)
        quintile = pd.Series("", index=out.index, dtype=object)
        quint = method == QUINTILES
        if quint.any():
            grp = [*keys, "area_type"] if "area_type" in out.columns else keys
            q = quintile_labels(out.loc[quint], "value", grp, pol[quint], out_col="_q")
            quintile[quint] = q["_q"]
        out[out_col] = judge(out[out_col], method, out["value"], goals, pol, quintile)
    return out
