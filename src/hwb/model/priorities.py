"""A long-list of candidate priorities the partnership chooses from, and how it was drawn up.

**Who is a candidate.** Only indicators with a polarity that are judged against a
benchmark (England, or a national goal where the catalogue names one):

* list 1, *significantly worse*: the district is significantly worse than England (95%
  confidence; Fingertips' published label where no interval is published), or misses
  its goal;
* list 2, *similar but getting worse*: not significantly different, and the recent trend
  is "getting worse" (a separate, labelled list: not a problem yet, heading the wrong way).

Better-than-England and similar-and-steady indicators are never candidates.

**Nested outcomes are merged**: under-75 preventable mortality and its CVD, cancer and
respiratory parts (``part_of`` in data/catalogue.yml) are one candidate (the strongest
indicator leads, the rest are named).
Other indicators of the same strategy outcome are merged the same way.

**Scores.** Each candidate is scored 0 to 1 on five pieces of evidence, weighted by the
district's ``priority_weights`` (parameters/defaults.yml); a larger sum ranks higher:

* significance: 1 when worse even at 99.8% confidence (or missing a goal), 0.5 at 95% only,
  0 on list 2;
* trend: 1 when the recent trend is "getting worse";
* gap: the size of the problem on a scale every unit shares, the district's percentile rank
  among the districts compared, in the harmful direction (1 = the worst district, 0 = the
  best); 0 when no ranking is available (said in the reason);
* people: excess events, i.e. the district's count minus the count expected at England's
  rate (or the goal) in the harmful direction, a year for events and pooled periods (said in
  words, e.g. "about 40 more preventable deaths under 75 a year than at England's rate"),
  scored as the district's percentile rank of excess events among the districts compared
  (1 = the most excess events), so deaths, admissions and children share one scale; 0 when no
  count is published (said in the reason);
* strategy_link: 1 for outcomes the Lancashire place plan names (``place_plan_outcomes`` in
  data/catalogue.yml), 0.5 for other Starting,
  Living or Ageing Well outcomes.

**A partnership of two districts** is ranked for the combined area, and each member
district's own significantly-worse indicators are candidates too wherever the combined area
has no figure or is not itself significantly worse (``members``; the row's ``district``
names the district, and its label and title say "... in Wyre"). They are scored by the same
five pieces of evidence, from the district's own figures, rank among districts and excess
events, and merged by outcome with the combined area's candidates.

**Recommended**: the top ``recommend`` of list 1. When list 1 is empty the pack says so
and recommends from list 2; when both are empty, the indicator on which the district ranks
least well among the districts (its highest percentile, which need not be low) is offered as
a labelled "watch" item, so every pack recommends at least one.

``rank`` is the candidate's place in the long-list; ``district_rank`` (of ``districts_n``)
is the area's rank among the districts on that indicator (1 = best).
:func:`sensitivity` re-ranks under other weights and says whether the top three change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from hwb.data.catalogue import nested_parts, place_plan_outcomes
from hwb.data.periods import years_in
from hwb.params import PriorityWeights, SharedDefaults
from hwb.stats import burden
from hwb.text import events
from hwb.text import format as fmt

PROGRAMMES = ("Starting Well", "Living Well", "Ageing Well")
COMPONENTS = tuple(
    PriorityWeights.model_fields
)  # the weighted pieces of evidence, as the schema names them
#: how many candidates :func:`rank_priorities` recommends when not told: the schema's default
DEFAULT_RECOMMEND = SharedDefaults.model_fields["recommended_priorities"].default

WORSE_LIST = "significantly worse"
WORSENING_LIST = "similar but getting worse"
WATCH_LIST = "watch: nothing significantly worse or getting worse"

#: other weightings the sensitivity view tries
ALTERNATIVE_WEIGHTS = {
    "equal weights": {c: 1.0 for c in COMPONENTS},
    "evidence of a problem only (significance, trend)": {"significance": 1.0, "trend": 1.0},
    "size only (rank among districts, excess events)": {"gap": 1.0, "people": 1.0},
    "without the strategy link": {"strategy_link": 0.0},
}

COLUMNS = [
    "rank",
    "list",
    "outcome",
    "indicator_id",
    "label",
    "district",
    *COMPONENTS,
    "district_rank",
    "districts_n",
    "percentile",
    "excess",
    "score",
    "recommended",
    "reason",
]


class Member(NamedTuple):
    """A member district of a two-district partnership, as :func:`rank_priorities` reads it:
    its name, its (current) headline rows and its peers (:func:`peer_rows`)."""

    name: str
    headline: pd.DataFrame
    peers: pd.DataFrame | None = None


def labelled(row: pd.Series) -> str:
    """A candidate's indicator label, with the member district's name where it is one district's
    finding ("Alcohol-related mortality in Wyre")."""
    district = row.get("district", "")
    return (
        f"{row['label']} in {district}" if isinstance(district, str) and district else row["label"]
    )


def titled(row: pd.Series) -> str:
    """A candidate's outcome as a title, with the member district's name where it is one district's
    finding ("Reduce alcohol harm in Wyre")."""
    district = row.get("district", "")
    title = fmt.upper_first(row["outcome"])
    return f"{title} in {district}" if isinstance(district, str) and district else title


def _getting_worse(row: pd.Series) -> bool:
    return str(row.get("recent_trend", "")).endswith("getting worse")


def candidate_list(row: pd.Series) -> str:
    """Which list an indicator belongs on ("" when it is not a candidate)."""
    if (
        row.get("status", "ok") != "ok"
        or row["polarity"] == "no_judgement"
        or row["benchmark"] == "none"
    ):
        return ""
    if row["compared_95"] == "Worse":
        return WORSE_LIST
    if row["compared_95"] == "Similar" and _getting_worse(row):
        return WORSENING_LIST
    return ""


def harmful_percentile(row: pd.Series) -> float:
    """Percentile rank among the districts compared, 1 = the worst, 0 = the best; NaN without a ranking."""
    rank, n = row.get("rank"), row.get("districts_n")
    if fmt.is_missing(rank) or fmt.is_missing(n):
        return np.nan
    return burden.percentile_rank(rank, n)


def _reference(row: pd.Series) -> tuple[float, str]:
    """The value the district is judged against, and its name in words."""
    goal = row.get("goal", np.nan)
    if row.get("compared_to", "England") == "goal" and not fmt.is_missing(goal):
        return float(goal), f"the national goal of {fmt.with_unit(goal, row['unit'])}"
    return row["england_value"], "England's rate"


def excess_events(row: pd.Series) -> float:
    """Observed minus expected events at England's rate (or the goal), in the harmful direction.

    Expected = count x reference / value (for a crude rate or proportion this is the
    denominator times the reference rate; for an age-standardised rate, an approximation).
    A year for events and pooled periods. 0 when the district is on the right side; NaN
    without a count, value or reference.
    """
    count, value = row.get("count"), row.get("value")
    if fmt.is_missing(count) or fmt.is_missing(value):
        return np.nan
    return float(_excess_events(row, np.array([float(count)]), np.array([float(value)]))[0])


def _excess_events(row: pd.Series, counts: np.ndarray, values: np.ndarray) -> np.ndarray:
    """:func:`excess_events` for each of ``counts`` and ``values`` (arrays of floats), judged as
    ``row`` is: against its reference, with its polarity and period. One pass for a district
    and all its peers, where a row at a time would be quadratic in the number of districts."""
    reference, _ = _reference(row)
    if fmt.is_missing(reference):
        return np.full(len(counts), np.nan)
    _, per_year = events.event_noun(
        row["indicator_id"], str(row.get("short_name", "")), str(row.get("value_type", ""))
    )
    years = years_in(row["period"]) if per_year else 1
    return burden.excess_events(
        counts, values, float(reference), row["polarity"] == "low_is_good", years
    )


def _components(row: pd.Series) -> dict[str, float]:
    on_list = row["list"]
    if on_list == WORSE_LIST:
        significance = (
            1.0 if row["compared_998"] == "Worse" or row.get("compared_to") == "goal" else 0.5
        )
    else:
        significance = 0.0
    percentile = row["percentile"]
    if row["outcome"] in place_plan_outcomes():
        link = 1.0
    elif row["programme"] in PROGRAMMES:
        link = 0.5
    else:
        link = 0.0
    return {
        "significance": significance,
        "trend": 1.0 if _getting_worse(row) else 0.0,
        "gap": 0.0 if np.isnan(percentile) else float(percentile),
        "strategy_link": link,
    }


def _merged_outcome(frame: pd.DataFrame) -> pd.Series:
    """Each row's outcome, with the parts of a nested outcome (the catalogue's ``part_of``) given
    their parent's outcome."""
    outcome = frame["outcome"].copy()
    for parent, parts in nested_parts().items():
        parent_outcome = frame.loc[frame["indicator_id"] == parent, "outcome"]
        if len(parent_outcome):
            outcome[frame["indicator_id"].isin(parts)] = parent_outcome.iloc[0]
    return outcome


def excess_percentile(row: pd.Series, peers: pd.DataFrame | None) -> float:
    """The district's percentile rank of excess events among ``peers`` (same indicator, sex, age,
    period and area type; 1 = the most excess events); NaN without counts."""
    if peers is None or np.isnan(row["excess"]):
        return np.nan
    same = peers[
        (peers["indicator_id"] == row["indicator_id"])
        & (peers["sex"] == row["sex"])
        & (peers["age"] == row["age"])
        & (peers["period"] == row["period"])
    ]
    if len(same) < 2:
        return np.nan
    excess = _excess_events(
        row, same["count"].to_numpy(dtype=float), same["value"].to_numpy(dtype=float)
    )
    return burden.share_below(excess, row["excess"])


def peer_rows(frame: pd.DataFrame, district: str) -> pd.DataFrame:
    """Headline rows of the districts of the same area type as ``district`` (for :func:`excess_percentile`)."""
    mine = frame.loc[frame["area_code"] == district, "area_type"]
    if mine.empty:
        return frame.iloc[:0]
    rows = frame[(frame["area_type"] == mine.mode().iloc[0]) & (frame["category_type"] == "")]
    return rows[rows["value"].notna() & rows["count"].notna()]


def _weight_map(weights: PriorityWeights | Mapping[str, float]) -> dict[str, float]:
    """Every component's weight (a mapping is validated by the schema, which supplies missing weights)."""
    return PriorityWeights.model_validate(weights).model_dump()


def member_findings(combined: pd.DataFrame, member: pd.DataFrame) -> pd.DataFrame:
    """A member district's rows on list 1 (significantly worse) where the combined area's row
    (same indicator and sex) is missing, has no figure, or is not itself significantly worse;
    ``scope`` says which, in words."""
    worse = member[[candidate_list(r) == WORSE_LIST for _, r in member.iterrows()]]
    by_key = {(r["indicator_id"], r["sex"]): r for _, r in combined.iterrows()}
    keep, scope = [], []
    for index, r in worse.iterrows():
        other = by_key.get((r["indicator_id"], r["sex"]))
        if other is None or other.get("status", "ok") != "ok" or fmt.is_missing(other["value"]):
            keep.append(index)
            scope.append("the combined area has no figure for it")
        elif candidate_list(other) != WORSE_LIST:
            keep.append(index)
            verdict = {
                "Similar": "similar to England",
                "Better": "better than England",
            }.get(other["compared_95"], "not significantly worse than England")
            scope.append(f"the combined area is {verdict}")
    out = worse.loc[keep].copy()
    out["scope"] = scope
    return out


def _with_defaults(headline: pd.DataFrame) -> pd.DataFrame:
    rows = headline.copy()
    for column, default in (
        ("goal", np.nan),
        ("compared_to", "England"),
        ("short_name", ""),
        ("value_type", ""),
        ("scope", ""),
    ):
        if column not in rows:
            rows[column] = default
    return rows


def _candidates(
    headline: pd.DataFrame, peers: pd.DataFrame | None, district: str = ""
) -> pd.DataFrame:
    """The rows of ``headline`` on list 1 or 2, with their percentile and excess events; the
    headline's ``rank`` (among districts) becomes ``district_rank``."""
    rows = _with_defaults(headline)
    rows["list"] = [candidate_list(r) for _, r in rows.iterrows()]
    rows["percentile"] = [harmful_percentile(r) for _, r in rows.iterrows()]
    rows = rows.rename(columns={"rank": "district_rank"})
    candidates = rows[rows["list"] != ""].copy()
    candidates["district"] = district
    if candidates.empty:
        return candidates
    candidates["excess"] = [excess_events(r) for _, r in candidates.iterrows()]
    candidates["excess_percentile"] = [
        excess_percentile(r, peers) for _, r in candidates.iterrows()
    ]
    return candidates


def _scored(
    headline: pd.DataFrame,
    weights: Mapping[str, float],
    peers: pd.DataFrame | None = None,
    members: Sequence[Member] = (),
) -> pd.DataFrame:
    pieces = [_candidates(headline, peers)]
    for member in members:
        found = member_findings(headline, member.headline)
        pieces.append(_candidates(found, member.peers, member.name))
    filled = [p for p in pieces if not p.empty]
    if not filled:
        return pieces[0]
    candidates = filled[0] if len(filled) == 1 else pd.concat(filled, ignore_index=True)
    candidates["outcome"] = _merged_outcome(candidates).where(
        lambda s: s.notna(), candidates["outcome"]
    )
    parts = pd.DataFrame([_components(r) for _, r in candidates.iterrows()], index=candidates.index)
    parts["people"] = candidates["excess_percentile"].fillna(0.0)
    for c in COMPONENTS:
        candidates[c] = parts[c].astype(float)
    return _weigh(candidates, weights)


def _weigh(candidates: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    out = candidates.copy()
    out["score"] = sum(float(weights[c]) * out[c] for c in COMPONENTS)
    out["_list_order"] = out["list"].map({WORSE_LIST: 0, WORSENING_LIST: 1}).fillna(2)
    return out.sort_values(
        ["_list_order", "score", "percentile", "indicator_id", "sex", "district"],
        ascending=[True, False, False, True, True, True],
        kind="mergesort",
        na_position="last",
    )


def _best_per_outcome(scored: pd.DataFrame) -> pd.DataFrame:
    return scored.drop_duplicates("outcome", keep="first").copy()


def rank_priorities(
    headline: pd.DataFrame,
    weights: PriorityWeights | Mapping[str, float],
    recommend: int = DEFAULT_RECOMMEND,
    peers: pd.DataFrame | None = None,
    members: Sequence[Member] = (),
) -> pd.DataFrame:
    """The long-list: one row per candidate outcome, list 1 first, then list 2, best case first.

    ``peers`` (:func:`peer_rows`) are every district's rows, for the percentile rank of
    excess events; without them the people score is 0. ``members``: for a partnership of
    several districts, each member district (:class:`Member`), whose significantly-worse
    findings not shared by the combined area are candidates too (:func:`member_findings`).
    Columns: rank (place in the list), list, outcome, indicator_id, label, district (the
    member district of a one-district finding, else ""), the five component scores,
    district_rank and districts_n (the area's rank among the districts), percentile, excess,
    score, recommended, reason (see the module docstring).
    """
    scored = _scored(headline, _weight_map(weights), peers, members)
    if scored.empty:
        return _watch_item(headline)
    best = _best_per_outcome(scored)
    best["reason"] = [
        _reason(r, scored[scored["outcome"] == r["outcome"]]) for _, r in best.iterrows()
    ]
    best["rank"] = range(1, len(best) + 1)
    worse = best["list"] == WORSE_LIST
    pool = best[worse] if worse.any() else best
    chosen = pool.index[: max(1, recommend)]
    best["recommended"] = best.index.isin(chosen)
    return best[COLUMNS].reset_index(drop=True)


def _watch_item(headline: pd.DataFrame) -> pd.DataFrame:
    """When nothing is significantly worse or getting worse: the indicator on which the area ranks
    least well among the districts (its highest percentile), labelled as such."""
    rows = headline[(headline["status"] == "ok") & (headline["polarity"] != "no_judgement")].copy()
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    rows["percentile"] = [harmful_percentile(r) for _, r in rows.iterrows()]
    rows = rows[rows["percentile"].notna()].sort_values(
        ["percentile", "indicator_id"],
        ascending=[False, True],
        kind="stable",
    )
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    r = rows.iloc[0].copy().rename({"rank": "district_rank"})
    r["list"], r["excess"], r["score"], r["rank"], r["recommended"], r["district"] = (
        WATCH_LIST,
        np.nan,
        np.nan,
        1,
        True,
        "",
    )
    for c in COMPONENTS:
        r[c] = np.nan
    r["reason"] = (
        f"{r['label']} is {fmt.with_unit(r['value'], r['unit'])} against "
        f"{fmt.with_unit(r['england_value'], r['unit'])} for England, not significantly worse and not "
        f"getting worse; it is offered to watch as the indicator on which the area ranks least well "
        f"among the districts, {_watch_position(r['percentile'])}: {_rank_words(r)}."
    )
    return pd.DataFrame([r])[COLUMNS].reset_index(drop=True)


def _watch_position(percentile: float) -> str:
    """Where the watch item sits among the districts, in words true to its percentile."""
    if percentile >= 0.75:
        return "in the bottom quarter"
    if percentile > 0.5:
        return "in the lower half, not the bottom"
    return "though it is in the better half"


def _rank_words(row: pd.Series) -> str:
    """The area's rank among the districts (``district_rank`` of ``districts_n``), in words."""
    if np.isnan(row["percentile"]) or fmt.is_missing(row.get("district_rank")):
        return "no ranking among districts is available"
    n = int(row["districts_n"])
    worse_than = fmt.number(100 * row["percentile"], decimals=0)
    return f"ranked {int(row['district_rank'])} of {n} districts (1 = best; worse than {worse_than}% of them)"


def _reason(row: pd.Series, same_outcome: pd.DataFrame) -> str:
    """One sentence: the evidence for this candidate, in words and numbers."""
    value = fmt.with_unit(row["value"], row["unit"])
    reference, reference_words = _reference(row)
    if row.get("compared_to") == "goal":
        side = "below" if row["polarity"] == "high_is_good" else "above"
        bits = [f"{labelled(row)} is {value}, {side} {reference_words}"]
    else:
        bits = [
            f"{labelled(row)} is {value} against {fmt.with_unit(reference, row['unit'])} for England"
        ]
        if row["list"] == WORSE_LIST:
            bits.append(
                "significantly worse even at 99.8% confidence"
                if row["compared_998"] == "Worse"
                else "significantly worse at 95% confidence"
            )
        else:
            bits.append("similar to England")
    if row["trend"]:
        bits.append("and getting worse")
    if isinstance(row.get("scope"), str) and row["scope"]:
        bits.append(f"a finding for {row['district']} alone: {row['scope']}")
    bits.append(_rank_words(row))
    if not np.isnan(row["excess"]):
        bits.append(
            events.excess_phrase(
                row["excess"],
                row["indicator_id"],
                row["polarity"] == "high_is_good",
                f"at {reference_words}",
                str(row.get("short_name", "")),
                str(row.get("value_type", "")),
            )
        )
    else:
        bits.append("no count is published, so the excess number of events is not known")
    others = [
        lab for lab in (labelled(r) for _, r in same_outcome.iterrows()) if lab != labelled(row)
    ]
    if others:
        bits.append(f"also evidenced by {fmt.join_words(others)}")
    link = (
        "a place-plan outcome"
        if row["strategy_link"] == 1.0
        else "a Starting, Living or Ageing Well outcome"
        if row["strategy_link"]
        else ""
    )
    if link:
        bits.append(link)
    return "; ".join(bits) + "."


def sensitivity(
    headline: pd.DataFrame,
    weights: PriorityWeights | Mapping[str, float],
    top: int = 3,
    peers: pd.DataFrame | None = None,
    members: Sequence[Member] = (),
) -> pd.DataFrame:
    """Does the top of the long-list change under other weights? One row per weighting.

    Columns: Weights, Top (the first ``top`` candidate outcomes, in order, with the district
    for a member district's finding) and "Same top three?" ("yes", "same outcomes,
    different order", or "no"). ``peers`` and ``members`` as for :func:`rank_priorities`.
    """
    weights = _weight_map(weights)
    scored = _scored(headline, weights, peers, members)
    if scored.empty:
        return pd.DataFrame(columns=["Weights", "Top", "Same top three?"])

    def _top(frame: pd.DataFrame) -> list[str]:
        return [titled(r) for _, r in _best_per_outcome(frame).head(top).iterrows()]

    main = _top(scored)
    rows = [("the district's weights", main)]
    for name, alternative in ALTERNATIVE_WEIGHTS.items():
        trial = dict(weights)
        if name == "without the strategy link":
            trial.update(alternative)
        else:
            trial = {c: float(alternative.get(c, 0.0)) for c in COMPONENTS}
        rows.append((name, _top(_weigh(scored, trial))))
    out = []
    for name, outcomes in rows:
        same = (
            "yes"
            if outcomes == main
            else "same outcomes, different order"
            if set(outcomes) == set(main)
            else "no"
        )
        out.append(
            {
                "Weights": name,
                "Top": "; ".join(outcomes),
                "Same top three?": same,
            }
        )
    return pd.DataFrame(out)
