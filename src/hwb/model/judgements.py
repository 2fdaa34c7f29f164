"""Judgements the catalogue asks for beyond "compared with England": goals, and no comparison.

:func:`catalogue_judgements` runs on a headline table after its England comparisons, with
:func:`hwb.stats.benchmark.judge` (the What changed page's rule too):

Which method judges an indicator is :func:`hwb.stats.benchmark.judging_method`'s rule:

* an indicator whose catalogue ``benchmark`` is ``none`` (e.g. the slope index of
  inequality: a district's SII uses local deprivation deciles, England's national
  ones) reads "Not compared", whatever label a published file carries;
* an indicator with a catalogue ``goal`` (e.g. dementia diagnosis: the 66.7% national
  ambition) is judged against the goal instead of England (Fingertips' "Compared to
  goal"): "Better" when its value meets the goal, "Worse" when it does not. The England
  comparison is kept in ``compared_england_95``;
* an indicator judged by ``quintiles`` reads its quintile among the districts, where one
  was worked out;
* the red-red flag is worked out from the final labels.

Columns added: ``goal`` (NaN when none), ``compared_to`` ("England", "goal" or "" when
not compared) and ``compared_england_95``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwb.stats.benchmark import CI_OVERLAP, GOAL, NOT_COMPARED, judge, judging_methods
from hwb.stats.trend import red_red


def catalogue_judgements(table: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """The headline table judged by each indicator's method (see the module docstring), by
    :func:`hwb.stats.benchmark.judge`, the rule the What changed page uses too."""
    out = table.copy()
    goals = catalogue["goal"] if "goal" in catalogue.columns else pd.Series(dtype=float)
    out["goal"] = out["indicator_id"].map(goals).astype(float)
    method = judging_methods(out["benchmark"], out["goal"])
    quintile = out["quintile"] if "quintile" in out.columns else None
    # beside a goal, the England comparison as if there were none
    england = method.where(~method.eq(GOAL), CI_OVERLAP)
    out["compared_england_95"] = judge(
        out["compared_95"], england, out["value"], out["goal"], out["polarity"], quintile
    )
    out["compared_95"] = judge(
        out["compared_95"], method, out["value"], out["goal"], out["polarity"], quintile
    )
    out["compared_998"] = judge(
        out["compared_998"], method, out["value"], out["goal"], out["polarity"]
    )
    has_goal = method.eq(GOAL)
    out["compared_to"] = np.where(
        out["compared_95"].eq(NOT_COMPARED), "", np.where(has_goal, "goal", "England")
    )
    out["red_red"] = red_red(out, comparison_col="compared_95", trend_col="recent_trend")[
        "red_red"
    ].astype(bool)
    return out
