"""Priorities: the model's long-list, recommended first, with scores, reasons and sensitivity."""

from __future__ import annotations

import pandas as pd

from hwb.model.priorities import (
    COMPONENTS,
    EXCLUDED,
    NOT_RECOMMENDED,
    WORSE_LIST,
    WORSENING_LIST,
    titled,
)
from hwb.pages import display as d
from hwb.pages.model import Pack

#: the catalogue roles of the life expectancy section's measures (and the SII beside them)
from hwb.pages.sections.common import styled_table
from hwb.text import events
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
    return ranked[ranked["recommended"].astype(bool)] if len(ranked) else ranked


def priorities(pack: Pack) -> d.Html:
    """The long-list of candidate priorities: recommended ones first, both lists with every
    score component, "why not" for high-burden candidates passed over, the excluded with
    their reasons, and whether the top three change under other weights (the method:
    :mod:`hwb.stats.priority`, on the methods page)."""
    weights = pack.params.priority_weights
    members = len(getattr(pack, "members", [])) > 1
    ranked = ranked_priorities(pack)
    whom = f"{pack.name} or any of its districts" if members else pack.name
    live = ranked[ranked["status"] != EXCLUDED] if len(ranked) else ranked
    parts = [
        d.paragraph(
            "Candidates are indicators "
            f"where {whom} is significantly worse than England (or misses a national goal), with a "
            "separate list of those similar to England but getting worse. Life expectancy and premature "
            "mortality are one candidate, premature death, recommended wherever it is significantly "
            "worse. Each score component is in the table; the methods page explains them."
        )
    ]
    recommended = ranked[ranked["recommended"]] if len(ranked) else ranked
    if recommended.empty:
        parts.append(
            d.paragraph(
                f"No priority is recommended from the data for {whom}: no indicator fit to judge "
                "is significantly worse than England or similar but getting worse.",
                "hwb-lead",
            )
        )
    else:
        items = [f"{titled(r)} ({r['list']}): {r['reason']}" for _, r in recommended.iterrows()]
        parts += [
            d.paragraph(f"Recommended from the data ({len(recommended)}):", "hwb-lead"),
            d.bullets(items, ordered=True),
        ]
        if WORSE_LIST not in set(live["list"]):
            parts.append(
                d.paragraph(
                    f"No indicator is significantly worse than England for {whom}, so the "
                    "recommendation comes from the list of indicators similar to England but "
                    "getting worse."
                )
            )
    for name, heading in (
        (WORSE_LIST, "Long-list 1: significantly worse than England ({n})"),
        (WORSENING_LIST, "Long-list 2: similar to England but getting worse ({n})"),
    ):
        rows = live[live["list"] == name] if len(live) else live
        if rows.empty:
            parts.append(d.paragraph(heading.format(n=0).split(" (")[0] + " is empty."))
            continue
        parts.append(d.paragraph(heading.format(n=len(rows)), "hwb-lead"))
        parts.append(d.Html(styled_table(_candidate_table(rows)), f"{len(rows)} candidates"))
    passed = (
        ranked[(ranked["status"] == NOT_RECOMMENDED) & ranked["high_burden"]]
        if len(ranked)
        else ranked
    )
    if len(passed):
        parts.append(
            d.paragraph("High burden, but not recommended — why not:", "hwb-lead"),
        )
        parts.append(d.bullets([f"{titled(r)}: {r['why_not']}." for _, r in passed.iterrows()]))
    excluded = ranked[ranked["status"] == EXCLUDED] if len(ranked) else ranked
    if len(excluded):
        parts.append(
            d.paragraph(
                "Not candidates, because the data cannot be judged as a district value: "
                + "; ".join(f"{titled(r)} ({r['why_not']})" for _, r in excluded.iterrows())
                + "."
            )
        )
    weight_words = ", ".join(
        f"{c.replace('_', ' ')} {fmt.number(getattr(weights, c), decimals=0)}" for c in COMPONENTS
    )
    parts.append(
        d.paragraph(
            f"Weights (from the district's parameters): {weight_words}. Each component scores 0 to 1: "
            "significance (1 worse even at 99.8%, 0.5 at 95% only), trend (Fingertips' recent-trend "
            "test: 1 getting worse, 0.5 no significant change), gap (percentile rank among all English "
            "districts, 1 = worst; 0 where the data do not hold them all), people (excess events a "
            "year against England's rate, on a log scale, 1 = the largest here), strategy link."
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


def _excess_words(row: pd.Series) -> str:
    if fmt.is_missing(row["excess"]):
        return f"not known ({row['excess_how']})" if row["excess_how"] else "not known"
    per = " a year" if row["excess_per_year"] else ""
    how = f"; {row['excess_how']}" if row["excess_estimated"] else ""
    return f"{events.about(row['excess'])} {row['excess_noun']}{per}{how}"


def _candidate_table(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Rank": rows["rank"].map(lambda x: fmt.number(x, decimals=0)),
            "Candidate priority": [titled(r) for _, r in rows.iterrows()],
            **{
                c.replace("_", " ").capitalize(): rows[c].map(lambda x: fmt.number(x, decimals=2))
                for c in COMPONENTS
            },
            "Score": rows["score"].map(lambda x: fmt.number(x, decimals=2)),
            "Recommended": rows["recommended"].map({True: "Yes", False: ""}),
            "English rank (1 = best)": [
                f"{fmt.number(r['english_rank'], decimals=0)} of {fmt.number(r['english_n'], decimals=0)}"
                if not fmt.is_missing(r["english_rank"])
                else f"none: {r['rank_reason']}"
                for _, r in rows.iterrows()
            ],
            "Excess events": [_excess_words(r) for _, r in rows.iterrows()],
            "Trend": [f"{r['trend_label']} ({r['trend_method']})" for _, r in rows.iterrows()],
            "Why": [
                r["reason"] + (f" Not recommended: {r['why_not']}." if r["why_not"] else "")
                for _, r in rows.iterrows()
            ],
        }
    ).reset_index(drop=True)
