"""Judgements the catalogue asks for beyond "compared with England": goals, and no comparison.

:func:`catalogue_judgements` runs on a headline table after its England comparisons:

Which method judges an indicator is :func:`hwb.stats.benchmark.judging_method`'s rule:

* an indicator whose catalogue ``benchmark`` is ``none`` (e.g. the slope index of
  inequality: a district's SII uses local deprivation deciles, England's national
  ones) reads "Not compared", whatever label a published file carries;
* an indicator with a catalogue ``goal`` (e.g. dementia diagnosis: the 66.7% national
  ambition) is judged against the goal instead of England (Fingertips' "Compared to
  goal"): "Better" when its value meets the goal, "Worse" when it does not. The England
  comparison is kept in ``compared_england_95``;
* the red-red flag is recomputed from the final labels.

Columns added: ``goal`` (NaN when none), ``compared_to`` ("England", "goal" or "" when
not compared) and ``compared_england_95``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwb.stats.benchmark import GOAL, NO_COMPARISON, NOT_COMPARED, compare_to_goal, judging_methods
from hwb.stats.trend import red_red


def catalogue_judgements(table: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """The headline table with goal and no-comparison judgements applied (see the module docstring)."""
    out = table.copy()
    goals = catalogue["goal"] if "goal" in catalogue.columns else pd.Series(dtype=float)
    out["goal"] = out["indicator_id"].map(goals).astype(float)
    out["compared_england_95"] = out["compared_95"]
    method = judging_methods(out["benchmark"], out["goal"])
    none = method.eq(NO_COMPARISON)
    out.loc[none, ["compared_95", "compared_998", "compared_england_95"]] = NOT_COMPARED
    has_goal = method.eq(GOAL)
    if has_goal.any():
        judged = compare_to_goal(
            out.loc[has_goal], "goal", polarity=out.loc[has_goal, "polarity"], out_col="_goal"
        )
        out.loc[has_goal, "compared_95"] = judged["_goal"].to_numpy()
        out.loc[has_goal, "compared_998"] = judged["_goal"].to_numpy()
    out["compared_to"] = np.where(
        out["compared_95"].eq(NOT_COMPARED), "", np.where(has_goal, "goal", "England")
    )
    out["red_red"] = red_red(out, comparison_col="compared_95", trend_col="recent_trend")[
        "red_red"
    ].astype(bool)
    return out
