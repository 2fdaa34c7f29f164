"""The long-list of candidate priorities a partnership chooses from, as the model step writes it.

The method is :func:`hwb.stats.priority.priority_candidates` (issue 28; its docstring and
:func:`hwb.stats.priority.method_markdown`, which the methods page prints, give it in
full): burden measured the same way for every candidate (excess events a year against
England's rate, estimated from rate x population where no count is published), life
expectancy, premature mortality and its parts one candidate ("premature death", always
recommended where it is significantly worse than England), English-wide percentile ranks
only where every English district is in the data, a computed trend (after any break),
significance from Fingertips' published comparison where limits are missing, and series
unfit to judge as a district value (an estimate for a larger area, old) excluded with the
reason.

This module adds what a pack needs around it:

* :func:`rank_priorities`: one area's candidates, with the columns pages read
  (``outcome`` the candidate's title, ``indicator_id`` and ``label`` of its lead indicator,
  ``reason`` at most :data:`REASON_WORDS` words: the detail is in the score columns); for a
  partnership of two districts, each member district's own candidates where the combined
  area has no live candidate of the same problem, or has it only as "similar but getting
  worse" (``district`` names the district). Nothing is recommended when nothing is
  significantly worse or getting worse: the pack says so plainly.
* :func:`sensitivity`: whether the top of the list changes under other weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from hwb.params import PriorityWeights, SharedDefaults
from hwb.stats.priority import (
    COMPONENTS,
    EXCLUDED,
    NOT_RECOMMENDED,
    PRIORITY_COLUMNS,
    RECOMMENDED,
    WORSE_LIST,
    WORSENING_LIST,
    priority_candidates,
)
from hwb.text import events
from hwb.text import format as fmt

__all__ = [
    "COLUMNS",
    "COMPONENTS",
    "EXCLUDED",
    "NOT_RECOMMENDED",
    "REASON_WORDS",
    "RECOMMENDED",
    "WORSENING_LIST",
    "WORSE_LIST",
    "Area",
    "labelled",
    "member_findings",
    "rank_priorities",
    "reason",
    "sensitivity",
    "titled",
]

#: how many candidates :func:`rank_priorities` recommends when not told: the schema's default
DEFAULT_RECOMMEND = SharedDefaults.model_fields["recommended_priorities"].default
#: the longest a candidate's reason may be; the score columns hold the detail
REASON_WORDS = 40

#: other weightings the sensitivity view tries
ALTERNATIVE_WEIGHTS = {
    "equal weights": {c: 1.0 for c in COMPONENTS},
    "evidence of a problem only (significance, trend)": {"significance": 1.0, "trend": 1.0},
    "size only (English rank, excess events)": {"gap": 1.0, "people": 1.0},
    "without the strategy link": {"strategy_link": 0.0},
}

#: the columns pages read first, then the method's own (tuples written as "; "-joined text)
_FRONT = ["rank", "district", "outcome", "list", "status", "recommended", "indicator_id", "label"]
COLUMNS = [
    *_FRONT,
    *COMPONENTS,
    "score",
    "reason",
    *[
        c
        for c in PRIORITY_COLUMNS
        if c not in (*_FRONT, *COMPONENTS, "score", "title", "lead_indicator_id", "lead_label")
    ],
]
_TUPLES = ("indicator_ids", "members", "excluded_because")


class Area(NamedTuple):
    """One area whose candidates :func:`rank_priorities` draws up: its name, code, judged
    headline table (current rows), fitness records and its rows of every period (the trend
    after a break), and the population of each age its rates cover."""

    name: str
    code: str
    headline: pd.DataFrame
    fitness: pd.DataFrame
    series: pd.DataFrame
    population: Mapping[str, Any]


def labelled(row: pd.Series) -> str:
    """A candidate's lead indicator, with the member district's name where it is one district's
    finding ("Alcohol-related mortality in Wyre")."""
    district = row.get("district", "")
    return (
        f"{row['label']} in {district}" if isinstance(district, str) and district else row["label"]
    )


def titled(row: pd.Series) -> str:
    """A candidate as a title, with the member district's name where it is one district's
    finding ("Reduce alcohol harm in Wyre")."""
    district = row.get("district", "")
    title = fmt.upper_first(row["outcome"])
    return f"{title} in {district}" if isinstance(district, str) and district else title


def member_findings(combined: pd.DataFrame, member: pd.DataFrame) -> pd.DataFrame:
    """A member district's significantly-worse rows where the combined area's row (same
    indicator and sex) is missing, has no figure, or is not itself significantly worse;
    ``scope`` says which, in words."""
    judged = member[
        member.get("status", pd.Series("ok", index=member.index)).eq("ok")
        & member["polarity"].ne("no_judgement")
        & member["benchmark"].ne("none")
    ]
    worse = judged[judged["compared_95"] == "Worse"]
    by_key = {(r["indicator_id"], r["sex"]): r for _, r in combined.iterrows()}
    keep, scope = [], []
    for index, r in worse.iterrows():
        other = by_key.get((r["indicator_id"], r["sex"]))
        if other is None or other.get("status", "ok") != "ok" or fmt.is_missing(other["value"]):
            keep.append(index)
            scope.append("the combined area has no figure for it")
        elif other["compared_95"] != "Worse":
            keep.append(index)
            verdict = {"Similar": "similar to England", "Better": "better than England"}.get(
                other["compared_95"], "not significantly worse than England"
            )
            scope.append(f"the combined area is {verdict}")
    out = worse.loc[keep].copy()
    out["scope"] = scope
    return out


def _ordinal_rank(row: pd.Series) -> str:
    if fmt.is_missing(row["english_rank"]):
        return ""
    return (
        f"{fmt.number(row['english_rank'], decimals=0)} of "
        f"{fmt.number(row['english_n'], decimals=0)} English districts (1 = best)"
    )


def _burden(row: pd.Series, polarity: str) -> str:
    bits = []
    if not fmt.is_missing(row["gap_years"]) and row["gap_years"] > 0:
        bits.append(f"life expectancy up to {fmt.number(row['gap_years'], decimals=1)} years short")
    if not fmt.is_missing(row["excess"]) and row["excess"] > 0:
        more = "fewer" if polarity == "high_is_good" else "more"
        per = " a year" if row["excess_per_year"] else ""
        bits.append(f"about {events.about(row['excess'])} {more} {row['excess_noun']}{per}")
    return ", ".join(bits)


def _significance(row: pd.Series) -> str:
    if row["list"] == WORSENING_LIST:
        return "similar to England but getting worse"
    if row["significance"] >= 1.0:
        return "significantly worse than England (99.8%)"
    if row["significance_source"] == "published":
        return "significantly worse than England (95%, Fingertips' comparison)"
    return "significantly worse than England (95%)"


def reason(row: pd.Series, polarity: str = "low_is_good") -> str:
    """A candidate's reason in at most :data:`REASON_WORDS` words: its lead indicator, how
    significant, its burden, its English rank, its trend; the last parts are dropped to fit
    (every part is in the table's columns). ``polarity``: that of the indicator the excess
    events come from ("fewer" children vaccinated, "more" deaths)."""
    if row["status"] == EXCLUDED:
        return fmt.upper_first(str(row["why_not"])) + "."
    parts = [
        f"{labelled(row)}: {_significance(row)}",
        _burden(row, polarity),
        _ordinal_rank(row),
        f"trend: {fmt.lower_first(str(row['trend_label']))}" if row["trend"] else "",
    ]
    parts = [p for p in parts if p]
    while len(parts) > 1:
        text = "; ".join(parts) + "."
        if len(text.split()) <= REASON_WORDS:
            return text
        parts.pop()
    return " ".join(("; ".join(parts) + ".").split()[:REASON_WORDS])


def _weight_map(weights: PriorityWeights | Mapping[str, float]) -> dict[str, float]:
    """Every component's weight (a mapping is validated by the schema, which supplies missing ones)."""
    return PriorityWeights.model_validate(weights).model_dump()


def _candidates(
    area: Area,
    catalogue: pd.DataFrame,
    weights: Mapping[str, float],
    recommend: int,
    context: Mapping[str, Any],
    district: str = "",
) -> pd.DataFrame:
    table = priority_candidates(
        area.headline,
        area.fitness,
        catalogue,
        area.code,
        peers=context.get("peers"),
        complete=context.get("complete", ()),
        series=area.series,
        population=area.population,
        groups=context.get("groups"),
        place_plan=context.get("place_plan", ()),
        weights=weights,
        recommend=recommend,
    )
    table = table.rename(
        columns={"title": "outcome", "lead_indicator_id": "indicator_id", "lead_label": "label"}
    )
    table["district"] = district
    polarity = catalogue["polarity"] if "polarity" in catalogue else pd.Series(dtype=object)
    table["reason"] = [
        reason(
            r,
            ""
            if pd.isna(r["excess_indicator_id"])
            else str(polarity.get(int(r["excess_indicator_id"]), "low_is_good")),
        )
        for _, r in table.iterrows()
    ]
    return table


def _order(table: pd.DataFrame) -> pd.DataFrame:
    """Recommended first, then the others by list and score, then the excluded; ``rank``
    numbers those not excluded."""
    live = table[table["status"] != EXCLUDED].copy()
    live["_chosen"] = ~live["recommended"].astype(bool)
    live["_list"] = live["list"].map({WORSE_LIST: 0, WORSENING_LIST: 1}).fillna(2)
    live = live.sort_values(
        ["_chosen", "_list", "score", "district", "outcome"],
        ascending=[True, True, False, True, True],
        kind="mergesort",
    ).drop(columns=["_chosen", "_list"])
    out = pd.concat(
        [
            live,
            table[table["status"] == EXCLUDED].sort_values(["district", "outcome"], kind="stable"),
        ],
        ignore_index=True,
    )
    out["rank"] = [float(i + 1) if i < len(live) else np.nan for i in range(len(out))]
    for column in _TUPLES:
        out[column] = [
            "; ".join(str(x) for x in value) if isinstance(value, (tuple, list)) else ""
            for value in out[column]
        ]
    out["excess_indicator_id"] = pd.to_numeric(out["excess_indicator_id"], errors="coerce").astype(
        float
    )
    out["recommended"] = out["recommended"].astype(bool)
    out["high_burden"] = out["high_burden"].fillna(False).astype(bool)
    for column in ("excess_per_year", "excess_estimated"):
        out[column] = out[column].fillna(False).astype(bool)
    return out[COLUMNS]


def rank_priorities(
    area: Area,
    catalogue: pd.DataFrame,
    weights: PriorityWeights | Mapping[str, float],
    recommend: int = DEFAULT_RECOMMEND,
    *,
    context: Mapping[str, Any] | None = None,
    members: Sequence[Area] = (),
) -> pd.DataFrame:
    """The long-list (:data:`COLUMNS`): ``area``'s candidates by
    :func:`hwb.stats.priority.priority_candidates`, and, for a partnership of several
    districts, each of ``members``' candidates for a problem the combined area has no live
    candidate for, or has only as "similar but getting worse" (their ``district`` names the
    member; each keeps its own recommendation, so a problem found in one district is
    recommended where it would be for that district alone).

    ``context``: what every area shares: ``peers`` (districts' rows to rank among),
    ``complete`` (ids of indicators whose data hold every English district), ``groups``
    (:func:`hwb.data.catalogue.priority_groups`), ``place_plan`` (its outcomes).
    """
    context = context or {}
    weights = _weight_map(weights)
    table = _candidates(area, catalogue, weights, recommend, context)
    pieces = [table]
    live = table[table["status"] != EXCLUDED]
    worse = set(live.loc[live["list"] == WORSE_LIST, "candidate"])
    known = set(live["candidate"])
    for member in members:
        own = _candidates(member, catalogue, weights, recommend, context, member.name)
        keep = own[
            (own["status"] != EXCLUDED)
            & (
                ~own["candidate"].isin(known)
                | ((own["list"] == WORSE_LIST) & ~own["candidate"].isin(worse))
            )
        ]
        if len(keep):
            pieces.append(keep)
    out = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else table
    if out.empty:
        return pd.DataFrame(columns=COLUMNS)
    return _order(out)


def sensitivity(
    ranked: pd.DataFrame, weights: PriorityWeights | Mapping[str, float], top: int = 3
) -> pd.DataFrame:
    """Does the top of the long-list change under other weights? One row per weighting.

    Re-weighs the score components ``ranked`` (:func:`rank_priorities`) already holds;
    candidates stay in their lists (significantly worse before similar but getting worse).
    Columns: Weights, Top (the first ``top`` candidates, with the district for a member
    district's finding) and "Same top three?" ("yes", "same candidates, different order", "no").
    """
    live = ranked[ranked["status"] != EXCLUDED]
    if live.empty:
        return pd.DataFrame(columns=["Weights", "Top", "Same top three?"])
    weights = _weight_map(weights)

    def _top(trial: Mapping[str, float]) -> list[str]:
        frame = live.assign(
            _score=sum(float(trial.get(c, 0.0)) * live[c].astype(float) for c in COMPONENTS),
            _list=live["list"].map({WORSE_LIST: 0, WORSENING_LIST: 1}).fillna(2),
        ).sort_values(
            ["_list", "_score", "district", "outcome"],
            ascending=[True, False, True, True],
            kind="mergesort",
        )
        return [titled(r) for _, r in frame.head(top).iterrows()]

    main = _top(weights)
    rows = [("the district's weights", main)]
    for name, alternative in ALTERNATIVE_WEIGHTS.items():
        trial = {**weights, **alternative} if name == "without the strategy link" else alternative
        rows.append((name, _top(trial)))
    out = []
    for name, found in rows:
        same = (
            "yes"
            if found == main
            else "same candidates, different order"
            if set(found) == set(main)
            else "no"
        )
        out.append({"Weights": name, "Top": "; ".join(found), "Same top three?": same})
    return pd.DataFrame(out)


def not_recommended_high_burden(ranked: pd.DataFrame) -> pd.DataFrame:
    """The candidates with a high burden that are not recommended, for the "why not" lines."""
    if ranked.empty:
        return ranked
    return ranked[(ranked["status"] == NOT_RECOMMENDED) & ranked["high_burden"]]
