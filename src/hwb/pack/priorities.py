"""A transparent, data-led ranking of candidate priorities.

A candidate is a strategy outcome from the catalogue (e.g. "reduce childhood obesity"),
judged on the indicator that makes the strongest case for it. Five pieces of evidence
each score between 0 and 1 and are weighted by ``priority_weights`` from the district's
parameters (parameters/defaults.yml):

* significance: 1 if significantly worse than England at 99.8%, 0.6 if at 95% only, else 0;
* trend: 1 if the recent trend is "getting worse", else 0;
* gap: the relative gap to England in the bad direction, 1 at 25% or more, 0 if none;
* people: the number of people the latest value counts, relative to the largest such
  count among the candidates (0 when no count is published);
* strategy_link: 1 when the outcome is one the Lancashire place plan names (life
  expectancy, healthy life expectancy, inequalities, emergency admissions, demand for
  care, premature mortality), 0.5 for other Starting / Living / Ageing Well outcomes, else 0.

The score is the weighted sum; the top ``recommended_priorities`` candidates with a
positive score are recommended (always at least one when any candidate exists).
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from hwb.text import format as fmt
from hwb.text.messages import relative_gap

FULL_GAP = 0.25
PLACE_PLAN_OUTCOMES = frozenset({
    "increase life expectancy", "improve healthy life expectancy", "narrow the gap in life expectancy",
    "reduce health inequalities", "reduce emergency admissions", "reduce demand for care",
    "reduce premature mortality",
})
PROGRAMMES = ("Starting Well", "Living Well", "Ageing Well")
COMPONENTS = ("significance", "trend", "gap", "people", "strategy_link")


def _components(row: pd.Series) -> dict[str, float]:
    significance = 1.0 if row["compared_998"] == "Worse" else 0.6 if row["compared_95"] == "Worse" else 0.0
    trend = 1.0 if str(row["recent_trend"]).endswith("getting worse") else 0.0
    gap = float(np.clip(relative_gap(row) / FULL_GAP, 0.0, 1.0)) if row["polarity"] != "no_judgement" else 0.0
    if row["outcome"] in PLACE_PLAN_OUTCOMES:
        link = 1.0
    elif row["programme"] in PROGRAMMES:
        link = 0.5
    else:
        link = 0.0
    return {"significance": significance, "trend": trend, "gap": gap, "strategy_link": link}


def rank_priorities(headline: pd.DataFrame, weights: Mapping[str, float], recommend: int = 3) -> pd.DataFrame:
    """One row per candidate outcome, best case first, with each component, the score and a reason.

    ``headline`` is the pack's headline table; only indicators with a value and a
    polarity are candidates. Columns: rank, outcome, indicator_id, label, the five
    component scores, score, recommended, reason.
    """
    rows = headline[(headline["status"] == "ok") & (headline["polarity"] != "no_judgement")
                    & (headline["benchmark"] != "none")].copy()
    columns = ["rank", "outcome", "indicator_id", "label", *COMPONENTS, "score", "recommended", "reason"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    parts = pd.DataFrame([_components(r) for _, r in rows.iterrows()], index=rows.index)
    counts = rows["count"].astype(float)
    top = counts.max(skipna=True)
    parts["people"] = (counts / top).fillna(0.0) if top and np.isfinite(top) and top > 0 else 0.0
    for c in COMPONENTS:
        rows[c] = parts[c].astype(float)
    rows["score"] = sum(float(weights.get(c, 0.0)) * rows[c] for c in COMPONENTS)
    rows = rows.sort_values(["score", "indicator_id", "sex"], ascending=[False, True, True], kind="mergesort")
    best = rows.drop_duplicates("outcome", keep="first").copy()
    best["reason"] = [_reason(r, rows[rows["outcome"] == r["outcome"]]) for _, r in best.iterrows()]
    best["rank"] = range(1, len(best) + 1)
    positive = best["score"] > 0
    best["recommended"] = positive & (best["rank"] <= max(1, recommend))
    if not best["recommended"].any():
        best.loc[best.index[0], "recommended"] = True
    return best[columns].reset_index(drop=True)


def _reason(row: pd.Series, same_outcome: pd.DataFrame) -> str:
    """One sentence: the evidence for this candidate, in words and numbers."""
    value = fmt.with_unit(row["value"], row["unit"])
    england = fmt.with_unit(row["england_value"], row["unit"])
    bits = [f"{row['label']} is {value} against {england} for England"]
    if row["compared_998"] == "Worse":
        bits.append("significantly worse even at 99.8% confidence")
    elif row["compared_95"] == "Worse":
        bits.append("significantly worse at 95% confidence")
    elif row["compared_95"] in ("Similar", "Better"):
        bits.append(f"{row['compared_95'].lower()} to England" if row["compared_95"] == "Similar"
                    else "better than England")
    if row["trend"]:
        bits.append("and getting worse")
    if not fmt.is_missing(row["count"]) and row["people"] > 0:
        bits.append(f"about {fmt.number(row['count'], 'people', 0)} people counted in {row['period']}")
    others = [lab for lab in same_outcome["label"] if lab != row["label"]]
    if others:
        bits.append(f"also evidenced by {fmt.join_words(others)}")
    link = ("a place-plan outcome" if row["strategy_link"] == 1.0
            else "a Starting, Living or Ageing Well outcome" if row["strategy_link"] else "")
    if link:
        bits.append(link)
    return "; ".join(bits) + "."
