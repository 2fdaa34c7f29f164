"""One set of judged lists that every page reads, so their counts agree by construction.

Key messages, the spine chart's "significantly worse" count, the four-page summary, the
overview's counts and the priorities all read :func:`judged_lists` of one area's judged
headline table and its series' fitness (:func:`hwb.stats.fitness.series_fitness`), instead
of each filtering the table its own way (issue 27: Burnley's summary said 3 indicators were
significantly worse, its pack 7, its spine 11).

The lists (``list`` column, :data:`LISTS`):

* ``significantly worse`` / ``significantly better``: judged against England (or the
  national goal, where the catalogue names one) at 95% confidence, by the interval test or,
  where the value was published without limits, by Fingertips' own published comparison
  (``compared_source`` says which);
* ``worsening`` / ``improving``: the recent trend is "... and getting worse" / "... and
  getting better".

Left out of every list, with the reason in :func:`judged_table`'s ``left_out``: rows
without a current value (``status`` not "ok"), indicators with no polarity or not judged
against England or a goal (quintiles, no comparison), and series unfit to judge as
district values (estimates for a larger area, old series). Left out of the better/worse
lists: a series whose latest value is the first after a declared local change of recording
(:func:`hwb.stats.fitness.fresh_break`: its level is not comparable with England's yet); a
change that reached England's figure too, or a detected break whose cause is not known,
stops trends and projections across it but not the comparison.
Left out of the trend lists: a trend read across a break (fewer than 5 points after it) or
from a survey estimate without limits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwb.stats import _validate as v
from hwb.stats.fitness import fitness_for, fresh_break, testable, trendable

__all__ = [
    "BETTER",
    "IMPROVING",
    "LISTS",
    "LIST_COLUMNS",
    "WORSE",
    "WORSENING",
    "judged_lists",
    "judged_table",
    "list_counts",
]

WORSE, BETTER = "significantly worse", "significantly better"
WORSENING, IMPROVING = "worsening", "improving"
LISTS = (WORSE, BETTER, WORSENING, IMPROVING)
LIST_COLUMNS = [
    "list",
    "indicator_id",
    "sex",
    "age",
    "label",
    "period",
    "value",
    "england_value",
    "compared_to",
    "compared_95",
    "compared_998",
    "compared_source",
    "recent_trend",
]
_NEEDED = [
    "indicator_id",
    "sex",
    "age",
    "label",
    "period",
    "period_sortable",
    "value",
    "england_value",
    "polarity",
    "benchmark",
    "status",
    "compared_95",
    "compared_998",
    "compared_source",
    "recent_trend",
]


def judged_table(headline: pd.DataFrame, fitness: pd.DataFrame, area_code: str) -> pd.DataFrame:
    """``headline`` (one area's judged headline table) with its fitness and, per row, the lists
    it is on (boolean columns ``worse``, ``better``, ``worsening``, ``improving``) and
    ``left_out``: a tuple of why it is left out of lists ("no current value", "not judged",
    "larger_area_estimate", "old", "declared break at the latest period", "trend across a break or
    from a survey without limits")."""
    func = "judged_lists"
    v.require_frame(headline, func)
    v.require_columns(headline, _NEEDED, func)
    rows = headline.assign(area_code=area_code)
    if "compared_to" not in rows.columns:
        rows["compared_to"] = "England"
    mine = fitness[fitness["area_code"] == area_code]
    rows = fitness_for(rows, mine)
    current = rows["status"].eq("ok")
    judged = (
        rows["polarity"].ne("no_judgement")
        & rows["benchmark"].ne("quintiles")
        & rows["compared_to"].isin(["England", "goal"])
    )
    fit = testable(rows)
    fresh = fresh_break(rows)
    trend_ok = trendable(rows)
    base = current & judged & fit
    label = rows["compared_95"].astype(str)
    trend = rows["recent_trend"].fillna("").astype(str)
    rows["worse"] = base & ~fresh & label.eq("Worse")
    rows["better"] = base & ~fresh & label.eq("Better")
    rows["worsening"] = base & trend_ok & trend.str.endswith("and getting worse")
    rows["improving"] = base & trend_ok & trend.str.endswith("and getting better")
    reasons = []
    for i in rows.index:
        why = []
        if not current[i]:
            why.append("no current value")
        elif not judged[i]:
            why.append("not judged")
        why += [f for f in ("larger_area_estimate", "old") if rows.at[i, f]]
        if fresh[i]:
            why.append("declared break at the latest period")
        if fit[i] and not trend_ok[i]:
            why.append("trend across a break or from a survey without limits")
        reasons.append(tuple(why))
    rows["left_out"] = reasons
    return rows


def judged_lists(headline: pd.DataFrame, fitness: pd.DataFrame, area_code: str) -> pd.DataFrame:
    """The area's judged lists, one row per indicator (and sex) on each list, in
    :data:`LISTS` order then headline order; columns :data:`LIST_COLUMNS`."""
    table = judged_table(headline, fitness, area_code)
    parts = []
    for name, column in zip(LISTS, ("worse", "better", "worsening", "improving"), strict=True):
        on = table[table[column]]
        parts.append(on.assign(list=name))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return out.reindex(columns=LIST_COLUMNS)


def list_counts(lists: pd.DataFrame) -> dict[str, int]:
    """How many indicators are on each list (every list named, 0 when empty)."""
    counted = lists["list"].value_counts() if len(lists) else pd.Series(dtype="int64")
    return {name: int(counted.get(name, np.int64(0))) for name in LISTS}
