"""Priorities: the model's long-list, recommended first, with scores, reasons and sensitivity."""

from __future__ import annotations

import pandas as pd

from hwb.model.priorities import COMPONENTS, WATCH_LIST, WORSE_LIST, WORSENING_LIST, titled
from hwb.pages import display as d
from hwb.pages.model import Pack

#: the catalogue roles of the life expectancy section's measures (and the SII beside them)
from hwb.pages.sections.common import styled_table
from hwb.text import format as fmt


def ranked_priorities(pack: Pack) -> pd.DataFrame:
    """The pack's long-list (the model's ``priorities``: :func:`hwb.model.priorities.rank_priorities`
    with the pack's own weights, number to recommend, peers and, for two districts, each
    member's own findings); the Priorities section, the four-page summary and the overview
    all show this one."""
    return pack.table("priorities")


def recommended_priorities(pack: Pack) -> pd.DataFrame:
    """The rows of :func:`ranked_priorities` the pack recommends."""
    ranked = ranked_priorities(pack)
    return ranked[ranked["recommended"]] if len(ranked) else ranked


def priorities(pack: Pack) -> d.Html:
    """The long-list of candidate priorities: recommended ones first, both lists, the scores and
    reasons, and whether the top three change under other weights (see :mod:`hwb.model.priorities`)."""
    weights = pack.params.priority_weights
    members = len(getattr(pack, "members", [])) > 1
    ranked = ranked_priorities(pack)
    if ranked.empty:
        return d.paragraph(
            f"No indicator with a judgement has a value for {pack.name} in this snapshot, "
            "so no priority can be drawn from the data."
        )
    whom = f"{pack.name} or one of its districts" if members else pack.name
    parts = [
        d.paragraph(
            f"A long-list for the partnership to choose from, not a decision: only indicators where {whom} is "
            "significantly worse than England (or misses a national goal) are candidates, with a separate list of "
            "those similar to England but getting worse. Each candidate's reason gives the evidence; the methods page "
            "explains the scores."
        )
    ]
    recommended = ranked[ranked["recommended"]]
    lists = set(ranked["list"])
    if WORSE_LIST not in lists:
        whom = f"{pack.name} or any of its districts" if members else pack.name
        parts.append(
            d.paragraph(
                f"No indicator is significantly worse than England for {whom}, so the recommendation "
                "comes from the list of indicators similar to England but getting worse."
                if WORSENING_LIST in lists
                else f"No indicator is significantly worse than England for {whom} and none is getting "
                f"worse, so the indicator on which {pack.name} ranks least well among the districts is "
                "offered to watch (its rank is in its reason: least well need not mean low)."
            )
        )
    items = [f"{titled(r)} ({r['list']}): {r['reason']}" for _, r in recommended.iterrows()]
    parts += [
        d.paragraph(f"Recommended from the data ({len(recommended)}):", "hwb-lead"),
        d.bullets(items, ordered=True),
    ]
    for name, heading in (
        (WORSE_LIST, "Long-list 1: significantly worse than England ({n})"),
        (WORSENING_LIST, "Long-list 2: similar to England but getting worse ({n})"),
        (WATCH_LIST, "To watch ({n})"),
    ):
        rows = ranked[ranked["list"] == name]
        if rows.empty:
            if name == WORSENING_LIST and WORSE_LIST in lists:
                parts.append(
                    d.paragraph("Long-list 2 (similar to England but getting worse) is empty.")
                )
            continue
        parts.append(d.paragraph(heading.format(n=len(rows)), "hwb-lead"))
        parts.append(d.Html(styled_table(_candidate_table(rows)), f"{len(rows)} candidates"))
    weight_words = ", ".join(
        f"{c.replace('_', ' ')} {fmt.number(getattr(weights, c), decimals=0)}" for c in COMPONENTS
    )
    parts.append(
        d.paragraph(
            f"Weights (from the district's parameters): {weight_words}. Each piece of evidence scores 0 to 1: "
            "significance (1 worse even at 99.8%, 0.5 at 95% only), trend (1 getting worse), "
            "gap (percentile rank among the districts, 1 = worst), "
            "people (percentile rank of excess events, 1 = most), strategy link."
        )
    )
    view = pack.table("sensitivity")
    if len(view) > 1:
        changed = (view["Same top three?"].iloc[1:] != "yes").sum()
        verdict = (
            "The top three are the same under every other weighting tried."
            if changed == 0
            else f"The top three change under {int(changed)} of the {len(view) - 1} other weightings tried: "
            "read the ranking as a guide, not a verdict."
        )
        parts.append(
            d.paragraph(
                f"Sensitivity: does the top of the long-list depend on the weights? {verdict}"
            )
        )
        parts.append(d.Html(styled_table(view), "sensitivity"))
    return d.join(parts)


def _candidate_table(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Rank": rows["rank"],
            "Candidate priority": [titled(r) for _, r in rows.iterrows()],
            **{
                c.replace("_", " ").capitalize(): rows[c].map(lambda x: fmt.number(x, decimals=2))
                for c in COMPONENTS
            },
            "Score": rows["score"].map(lambda x: fmt.number(x, decimals=2)),
            "Recommended": rows["recommended"].map({True: "Yes", False: ""}),
            "Why": rows["reason"],
        }
    ).reset_index(drop=True)
