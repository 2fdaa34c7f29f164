"""Candidate priorities scored on the size of the problem, measured the same way for each.

:func:`priority_candidates` turns one area's judged headline table into a table of
candidate priorities with every score component shown (issue 28). :func:`method_markdown`
is the same method in words for the methods page.

**Who is a candidate.** An indicator with a polarity, judged against England (or a national
goal), with a current value, that is *significantly worse* (list 1) or *similar and getting
worse* (list 2). A series unfit to judge as a district value (an estimate for a larger
area, or old: :mod:`hwb.stats.fitness`) is never a candidate: it is listed as excluded, with
the reason.

**One candidate per problem.** Indicators of one ``priority_group`` in the catalogue are one
candidate: "premature death" is life expectancy, under-75 preventable mortality and its CVD,
cancer and respiratory parts. Other indicators are grouped by the outcome of the overall
indicator they are part of (``part_of``), else their own outcome. The member with the
highest significance, then the worse English rank, leads.

**Score components** (each 0 to 1, weighted by the district's ``priority_weights``):

* ``significance``: 1 when significantly worse at 99.8% confidence, or missing a national
  goal; 0.5 at 95% only (including Fingertips' published comparison, at 95%, where a value
  was published without limits: ``significance_source`` "published"); 0 on list 2.
* ``trend``: Fingertips' recent-trend test (:func:`hwb.stats.trend.recent_trend`: the
  chi-squared test for trend on counts, else the weighted regression on the limits) over the
  five most recent points *after any break*, or Fingertips' published trend: 1 "getting
  worse", 0.5 "no significant change", 0 "getting better"; 0 when it cannot be calculated
  (fewer than five points since a break, a survey without limits, no counts or limits), said
  in ``trend_label``. The most concerning member's trend counts.
* ``gap``: the area's percentile rank among *all English districts* in the harmful
  direction (1 = the worst, 0 = the best), only where the data hold every English district
  (``complete``); otherwise no rank, ``rank_reason`` says so (ranks among the North West's
  districts are not mixed with ranks among England's). The worst-ranked member counts.
* ``people`` (the burden): *excess events a year* against England's rate (or the goal):
  the published count minus the count expected at England's rate (count x England's value
  / the area's value); where no count is published, about (rate - England's rate) x the
  population of the ages the rate covers, for a crude or age-standardised rate, or
  (percentage - England's) x the published denominator for a percentage (whose denominator
  is often not the population: cancers diagnosed, people discharged), else not estimated
  (``excess_estimated``, and ``excess_how`` says how). Pooled periods are divided by their
  years; counts of people at a time (children in low-income families) are a number at a
  time, not a year. For life expectancy the gap in
  years is reported (``gap_years``) and its burden is the excess deaths behind it, from
  under-75 preventable mortality in the same group. The largest member's excess counts (parts
  are subsets of the whole; deaths are never added to admissions). Scored on a log scale
  against the largest burden among the area's candidates: log(1 + excess) / log(1 + largest),
  so the largest scores 1 and a tenth of it about half.
* ``strategy_link``: 1 when a member's outcome is one the place plan names, 0.5 for other
  Starting, Living or Ageing Well outcomes, else 0.

**Recommended**: every candidate of a group declared ``recommend_when_worse`` (premature
death) that is significantly worse; then list 1 by score until ``recommend`` are chosen;
list 2 only when list 1 is empty. A candidate not recommended gets ``why_not``; one with a
high burden (``people`` at least 0.5, or among the worst fifth of English districts) is
marked ``high_burden`` so pages can say why it was passed over.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd

from hwb.stats import _validate as v
from hwb.stats.fitness import fitness_for, testable, trendable
from hwb.stats.ranges import rank_among
from hwb.stats.trend import recent_trend

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "EXCLUDED",
    "NOT_RECOMMENDED",
    "PRIORITY_COLUMNS",
    "RECOMMENDED",
    "WORSENING_LIST",
    "WORSE_LIST",
    "method_markdown",
    "priority_candidates",
]

WORSE_LIST = "significantly worse"
WORSENING_LIST = "similar but getting worse"
RECOMMENDED, NOT_RECOMMENDED, EXCLUDED = "recommended", "not recommended", "excluded"
COMPONENTS = ("significance", "trend", "gap", "people", "strategy_link")
#: the weights when none are given (those of parameters/defaults.yml's schema)
DEFAULT_WEIGHTS = {
    "significance": 3.0,
    "trend": 2.0,
    "gap": 2.0,
    "people": 1.0,
    "strategy_link": 1.0,
}
#: programmes whose outcomes score 0.5 for their strategy link
PROGRAMMES = ("Starting Well", "Living Well", "Ageing Well")
#: a candidate not recommended is high-burden from these scores
HIGH_PEOPLE, HIGH_PERCENTILE = 0.5, 0.8
_TREND_SCORE = {"getting worse": 1.0, "No significant change": 0.5, "getting better": 0.0}

PRIORITY_COLUMNS = [
    "rank",
    "candidate",
    "title",
    "list",
    "status",
    "recommended",
    "recommended_because",
    "lead_indicator_id",
    "lead_label",
    "indicator_ids",
    "members",
    *COMPONENTS,
    "score",
    "significance_source",
    "trend_label",
    "trend_method",
    "percentile",
    "english_rank",
    "english_n",
    "rank_reason",
    "excess",
    "excess_per_year",
    "excess_noun",
    "excess_indicator_id",
    "excess_estimated",
    "excess_how",
    "gap_years",
    "high_burden",
    "why_not",
    "excluded_because",
]
_NEEDED = [
    "indicator_id",
    "sex",
    "age",
    "label",
    "outcome",
    "programme",
    "polarity",
    "value_type",
    "multiplier",
    "benchmark",
    "status",
    "period",
    "period_sortable",
    "value",
    "count",
    "england_value",
    "compared_95",
    "compared_998",
    "compared_source",
    "recent_trend",
]


def _group_info(groups: Mapping[str, Any] | None) -> dict[str, tuple[str, bool]]:
    out = {}
    for name, group in (groups or {}).items():
        if isinstance(group, Mapping):
            out[name] = (str(group["title"]), bool(group.get("recommend_when_worse", False)))
        else:
            out[name] = (str(group.title), bool(group.recommend_when_worse))
    return out


def _candidate_key(row: pd.Series, catalogue: pd.DataFrame) -> str:
    indicator = int(row["indicator_id"])
    group = catalogue.at[indicator, "priority_group"] if indicator in catalogue.index else ""
    if isinstance(group, str) and group:
        return group
    parent = catalogue.at[indicator, "part_of"] if indicator in catalogue.index else pd.NA
    if not pd.isna(parent) and int(parent) in catalogue.index:
        return str(catalogue.at[int(parent), "outcome"])
    return str(row["outcome"])


def _reference(row: pd.Series) -> float:
    goal = row.get("goal", np.nan)
    if row.get("compared_to", "England") == "goal" and not pd.isna(goal):
        return float(goal)
    return float(row["england_value"]) if not pd.isna(row["england_value"]) else np.nan


def _which_list(row: pd.Series, trend_label: str) -> str:
    if row["compared_95"] == "Worse":
        return WORSE_LIST
    if row["compared_95"] == "Similar" and trend_label.endswith("getting worse"):
        return WORSENING_LIST
    return ""


def _trend(
    row: pd.Series, series: pd.DataFrame | None, can_trend: bool, break_sortable: float
) -> tuple[str, str]:
    """The member's recent trend (label, method): Fingertips' published one, else computed on
    the points after any break; "Cannot be calculated" where no trend may be read."""
    if not can_trend:
        return "Cannot be calculated", "not read: a break or a survey without limits"
    broken = not math.isnan(break_sortable)
    if not broken and row.get("trend_source", "") == "published" and row["recent_trend"]:
        return str(row["recent_trend"]), "published by Fingertips"
    if series is None:
        return str(row["recent_trend"] or "Cannot be calculated"), "as in the headline table"
    points = series[
        (series["indicator_id"] == row["indicator_id"])
        & (series["sex"] == row["sex"])
        & (series["age"] == row["age"])
        & series["value"].notna()
    ]
    if broken:  # only the points since the break: a trend never runs across one
        points = points[points["period_sortable"] >= break_sortable]
    kind = {"proportion": "proportion", "crude_rate": "rate"}.get(row["value_type"], "other")
    result = recent_trend(points, value_type=kind, polarity=row["polarity"]).iloc[0]
    return str(result["recent_trend"]), str(result["method"] or "too few points")


def _trend_score(label: str) -> float:
    for words, score in _TREND_SCORE.items():
        if label.endswith(words):
            return score
    return 0.0


def _percentile(
    row: pd.Series, peers: pd.DataFrame | None, complete: Collection[int]
) -> tuple[float, float, float, str]:
    """(percentile, rank, n, reason): among all English districts only."""
    if int(row["indicator_id"]) not in complete:
        return np.nan, np.nan, np.nan, "the data do not hold every English district"
    if peers is None:
        return np.nan, np.nan, np.nan, "no districts given to rank among"
    same = peers[
        (peers["indicator_id"] == row["indicator_id"])
        & (peers["sex"] == row["sex"])
        & (peers["age"] == row["age"])
        & (peers["period"] == row["period"])
        & peers["value"].notna()
    ].drop_duplicates("area_code")
    n = len(same)
    if n < 2:
        return np.nan, np.nan, np.nan, "fewer than two districts in the period"
    rank = rank_among(float(row["value"]), same["value"], row["polarity"])
    return (rank - 1) / (n - 1), rank, float(n), ""


def _excess(
    row: pd.Series, catalogue: pd.DataFrame, population: Mapping[str, Any]
) -> tuple[float, bool, bool, str]:
    """(excess, a year?, estimated?, how) for one member; NaN with the reason in ``how``."""
    indicator = int(row["indicator_id"])
    per_year = (
        bool(catalogue.at[indicator, "events_per_year"]) if indicator in catalogue.index else False
    )
    years = int(catalogue.at[indicator, "period_years"]) if indicator in catalogue.index else 1
    reference = _reference(row)
    value, count = row["value"], row["count"]
    sign = {"low_is_good": 1.0, "high_is_good": -1.0}.get(row["polarity"], 0.0)
    if row["value_type"] == "life_expectancy" or pd.isna(reference) or pd.isna(value) or not sign:
        return np.nan, per_year, False, "no events counted"
    if not pd.isna(count) and value > 0:
        expected = float(count) * reference / float(value)
        excess = sign * (float(count) - expected)
        if per_year:
            excess /= years
        return max(excess, 0.0), per_year, False, "from the published count"
    denominator = row.get("denominator", np.nan)
    if row["value_type"] == "proportion" and not pd.isna(denominator) and denominator > 0:
        excess = sign * (float(value) - reference) / float(row["multiplier"]) * float(denominator)
        if per_year:
            excess /= years
        how = "about: (percentage - England's) x the published denominator"
        return max(excess, 0.0), per_year, True, how
    if row["value_type"] == "proportion":
        # a percentage's denominator is often not the population (cancers diagnosed, people
        # discharged, people with dementia): without it the excess is not estimated
        return np.nan, per_year, False, "no count or denominator published for the percentage"
    if row["value_type"] in ("crude_rate", "dsr") and row["age"] in population:
        found = population[row["age"]]
        people, period = found if isinstance(found, tuple) else (found, "")
        excess = sign * (float(value) - reference) / float(row["multiplier"]) * float(people)
        when = f" ({period})" if period else ""
        how = f"about: (rate - England's rate) x population aged {row['age']}{when}"
        return max(excess, 0.0), True, True, how
    return np.nan, per_year, False, f"no count published and no population for ages {row['age']}"


def _strategy_link(members: pd.DataFrame, place_plan: Collection[str]) -> float:
    if members["outcome"].isin(list(place_plan)).any():
        return 1.0
    if members["programme"].isin(PROGRAMMES).any():
        return 0.5
    return 0.0


def priority_candidates(
    headline: pd.DataFrame,
    fitness: pd.DataFrame,
    catalogue: pd.DataFrame,
    area_code: str,
    *,
    peers: pd.DataFrame | None = None,
    complete: Collection[int] = (),
    series: pd.DataFrame | None = None,
    population: Mapping[str, Any] | None = None,
    groups: Mapping[str, Any] | None = None,
    place_plan: Collection[str] = (),
    weights: Mapping[str, float] | None = None,
    recommend: int = 3,
) -> pd.DataFrame:
    """One area's candidate priorities, scored as the module docstring says.

    ``headline``: the area's judged headline table (:func:`hwb.pages.model.headline_table`).
    ``fitness``: :func:`hwb.stats.fitness.series_fitness` (at least the area's series).
    ``catalogue``: :func:`hwb.data.catalogue.load_catalogue` (``priority_group``,
    ``part_of``, ``outcome``, ``events_per_year``, ``event_noun``, ``period_years``).
    ``peers``: districts' rows (indicator_id, sex, age, period, area_code, value) to rank
    among; ``complete``: ids of indicators whose data hold every English district (only those
    are ranked). ``series``: the area's rows of every period, for the trend after a break
    (without it the headline's trend is used). ``population``: age label -> population (or
    (population, period)) of the area, for estimated excess
    (:func:`hwb.data.population.population_for_ages`). ``groups``:
    :func:`hwb.data.catalogue.priority_groups`. ``place_plan``: the place plan's outcomes.
    ``weights``: component -> weight (default :data:`DEFAULT_WEIGHTS`).

    Returns :data:`PRIORITY_COLUMNS`, one row per candidate: recommended first, then the
    others by list and score, then the excluded; ``rank`` numbers the candidates that are not
    excluded.
    """
    func = "priority_candidates"
    v.require_frame(headline, func)
    v.require_columns(headline, _NEEDED, func)
    weights = {**DEFAULT_WEIGHTS, **dict(weights or {})}
    unknown = sorted(set(weights) - set(COMPONENTS))
    if unknown:
        raise v.StatsInputError(f"{func}: weights {unknown} are not components {list(COMPONENTS)}.")
    if recommend < 1:
        raise v.StatsInputError(f"{func}: recommend must be at least 1, not {recommend}.")
    info = _group_info(groups)
    population = population or {}
    rows = headline[
        headline["status"].eq("ok")
        & headline["polarity"].ne("no_judgement")
        & headline["benchmark"].ne("none")
        & headline["benchmark"].ne("quintiles")
    ].assign(area_code=area_code)
    rows = fitness_for(rows, fitness[fitness["area_code"] == area_code])
    if "trend_source" not in rows:
        rows["trend_source"] = ""
    rows["_fit"] = testable(rows)
    rows["_can_trend"] = trendable(rows) | (
        rows["break_in_series"]
        & ~rows["survey_without_limits"]
        & rows["_fit"]
        & (series is not None)
    )
    trends = [
        _trend(
            r,
            series,
            bool(r["_can_trend"]),
            float(r["break_sortable"]) if r["break_in_series"] else math.nan,
        )
        for _, r in rows.iterrows()
    ]
    rows["_trend_label"] = [t[0] for t in trends]
    rows["_trend_method"] = [t[1] for t in trends]
    rows["_list"] = [_which_list(r, r["_trend_label"]) for _, r in rows.iterrows()]
    rows["_key"] = [_candidate_key(r, catalogue) for _, r in rows.iterrows()]
    # life expectancy has no list of its own in a group: it joins its group's candidate
    listed_keys = set(rows.loc[rows["_list"] != "", "_key"])
    members_all = rows[rows["_key"].isin(listed_keys)]

    out = []
    for key, members in members_all.groupby("_key", sort=True):
        fit = members[members["_fit"]]
        title = info.get(key, (key, False))[0]
        if fit.empty or (fit["_list"] == "").all():
            reasons = sorted(
                {f for _, r in members.iterrows() for f in ("larger_area_estimate", "old") if r[f]}
            )
            out.append(
                _excluded_row(key, title, members, tuple(reasons) or ("not significantly worse",))
            )
            continue
        out.append(_scored_row(key, title, fit, catalogue, peers, complete, population, place_plan))
    if not out:
        return pd.DataFrame(columns=PRIORITY_COLUMNS)
    table = pd.DataFrame(out)
    _people_scores(table)
    table["score"] = sum(float(weights[c]) * table[c].astype(float) for c in COMPONENTS)
    table.loc[table["status"] == EXCLUDED, "score"] = np.nan
    return _recommend(table, info, recommend)


def _scored_row(key, title, fit, catalogue, peers, complete, population, place_plan) -> dict:
    significance = []
    for _, r in fit.iterrows():
        if r["_list"] != WORSE_LIST:
            significance.append(0.0)
        elif r["compared_998"] == "Worse" or r.get("compared_to") == "goal":
            significance.append(1.0)
        else:
            significance.append(0.5)
    fit = fit.assign(_significance=significance)
    ranked = [_percentile(r, peers, complete) for _, r in fit.iterrows()]
    fit = fit.assign(
        _percentile=[x[0] for x in ranked],
        _rank=[x[1] for x in ranked],
        _n=[x[2] for x in ranked],
        _rank_reason=[x[3] for x in ranked],
    )
    fit = fit.sort_values(
        ["_significance", "_percentile"], ascending=False, na_position="last", kind="mergesort"
    )
    lead = fit.iloc[0]
    best_rank = fit[fit["_percentile"].notna()]
    ranked_row = (
        best_rank.sort_values("_percentile", ascending=False, kind="stable").iloc[0]
        if len(best_rank)
        else lead
    )
    trend_scores = [_trend_score(t) for t in fit["_trend_label"]]
    trend_at = int(np.argmax(trend_scores))
    excess = [_excess(r, catalogue, population) for _, r in fit.iterrows()]
    known = [(e[0], i) for i, e in enumerate(excess) if not math.isnan(e[0])]
    if known:
        amount, at = max(known)
        _, per_year, estimated, how = excess[at]
        source = fit.iloc[at]
        noun = str(catalogue.at[int(source["indicator_id"]), "event_noun"] or "events")
        excess_id = int(source["indicator_id"])
    else:
        amount, per_year, estimated, noun, excess_id = np.nan, False, False, "", pd.NA
        how = "; ".join(dict.fromkeys(e[3] for e in excess))
    life = fit[fit["value_type"] == "life_expectancy"]
    gaps = [
        (float(r["england_value"]) - float(r["value"]))
        * (1 if r["polarity"] == "high_is_good" else -1)
        for _, r in life.iterrows()
    ]
    return {
        "candidate": key,
        "title": title,
        "list": WORSE_LIST if (fit["_list"] == WORSE_LIST).any() else WORSENING_LIST,
        "status": NOT_RECOMMENDED,
        "lead_indicator_id": int(lead["indicator_id"]),
        "lead_label": str(lead["label"]),
        "indicator_ids": tuple(dict.fromkeys(int(i) for i in fit["indicator_id"])),
        "members": tuple(fit["label"]),
        "significance": float(max(significance)),
        "significance_source": str(lead["compared_source"]),
        "trend": float(trend_scores[trend_at]),
        "trend_label": str(fit["_trend_label"].iloc[trend_at]),
        "trend_method": str(fit["_trend_method"].iloc[trend_at]),
        "gap": 0.0 if math.isnan(ranked_row["_percentile"]) else float(ranked_row["_percentile"]),
        "percentile": float(ranked_row["_percentile"]),
        "english_rank": float(ranked_row["_rank"]),
        "english_n": float(ranked_row["_n"]),
        "rank_reason": str(ranked_row["_rank_reason"]),
        "excess": float(amount),
        "excess_per_year": bool(per_year),
        "excess_noun": noun,
        "excess_indicator_id": excess_id,
        "excess_estimated": bool(estimated),
        "excess_how": how,
        "gap_years": max(gaps) if gaps else np.nan,
        "strategy_link": _strategy_link(fit, place_plan),
        "excluded_because": (),
    }


def _excluded_row(key: str, title: str, members: pd.DataFrame, because: tuple[str, ...]) -> dict:
    row = {c: np.nan for c in PRIORITY_COLUMNS}
    lead = members.iloc[0]
    row.update(
        candidate=key,
        title=title,
        list=str(lead["_list"]),
        status=EXCLUDED,
        recommended=False,
        recommended_because="",
        lead_indicator_id=int(lead["indicator_id"]),
        lead_label=str(lead["label"]),
        indicator_ids=tuple(dict.fromkeys(int(i) for i in members["indicator_id"])),
        members=tuple(members["label"]),
        excluded_because=because,
        why_not="excluded: " + " and ".join(b.replace("_", " ") for b in because),
        high_burden=False,
        excess_per_year=False,
        excess_estimated=False,
        **dict.fromkeys(COMPONENTS, 0.0),
    )
    return row


def _people_scores(table: pd.DataFrame) -> None:
    live = table["status"] != EXCLUDED
    excess = table["excess"].astype(float).where(live)
    largest = excess.max()
    if pd.isna(largest) or largest <= 0:
        table["people"] = 0.0
        return
    table["people"] = (np.log1p(excess.fillna(0.0)) / np.log1p(largest)).where(live, 0.0)


def _recommend(
    table: pd.DataFrame, info: dict[str, tuple[str, bool]], recommend: int
) -> pd.DataFrame:
    live = table[table["status"] != EXCLUDED].copy()
    live["_order"] = live["list"].map({WORSE_LIST: 0, WORSENING_LIST: 1})
    live = live.sort_values(
        ["_order", "score", "candidate"], ascending=[True, False, True], kind="mergesort"
    )
    forced = [
        i
        for i, r in live.iterrows()
        if r["list"] == WORSE_LIST and info.get(r["candidate"], ("", False))[1]
    ]
    pool = live[live["list"] == WORSE_LIST] if (live["list"] == WORSE_LIST).any() else live
    chosen = list(forced)
    for i in pool.index:
        if len(chosen) >= max(recommend, len(forced)):
            break
        if i not in chosen:
            chosen.append(i)
    for column in ("why_not", "excluded_because"):
        if column not in table:
            table[column] = ""
    table["why_not"] = table["why_not"].astype(object)
    table["recommended"] = table.index.isin(chosen)
    table.loc[chosen, "status"] = RECOMMENDED
    table["recommended_because"] = ""
    for i in chosen:
        title = table.at[i, "title"]
        table.at[i, "recommended_because"] = (
            f"{title} is significantly worse than England" if i in forced else "score"
        )
    lowest = table.loc[chosen, "score"].min() if chosen else np.nan
    for i in live.index:
        if i in chosen:
            table.at[i, "why_not"] = ""
            continue
        if table.at[i, "list"] == WORSENING_LIST and (live["list"] == WORSE_LIST).any():
            table.at[i, "why_not"] = (
                "not significantly worse than England (similar, but getting worse)"
            )
        else:
            table.at[i, "why_not"] = (
                f"score {table.at[i, 'score']:.2f}, below the lowest recommended ({lowest:.2f})"
            )
    pct = table["percentile"].astype(float)
    table["high_burden"] = (table["status"] != EXCLUDED) & (
        (table["people"] >= HIGH_PEOPLE) | (pct >= HIGH_PERCENTILE).fillna(False)
    )
    order = pd.concat(
        [
            table.loc[chosen],
            table.loc[[i for i in live.index if i not in chosen]],
            table[table["status"] == EXCLUDED].sort_values("candidate", kind="mergesort"),
        ]
    )
    order["rank"] = [r + 1 if s != EXCLUDED else np.nan for r, s in enumerate(order["status"])]
    return order[PRIORITY_COLUMNS].reset_index(drop=True)


def method_markdown(weights: Mapping[str, float] | None = None, recommend: int = 3) -> str:
    """The priority method in words for the methods page (MyST markdown), with the weights used."""
    weights = {**DEFAULT_WEIGHTS, **dict(weights or {})}
    shown = ", ".join(f"{c.replace('_', ' ')} {weights[c]:g}" for c in COMPONENTS)
    return f"""## How candidate priorities are chosen

A **candidate** is an indicator that is significantly worse than England (or misses a
national goal), or similar to England but getting worse. Values that are estimates for a
larger area (such as smoking at time of delivery, apportioned from NHS areas) or old (the
latest period ended five or more years before the newest in the data) are never candidates;
they are listed as excluded, with the reason.

Indicators of one problem are **one candidate**: *premature death* joins life expectancy,
under-75 preventable mortality and its cardiovascular, cancer and respiratory parts; other
indicators are joined by the outcome they evidence.

Each candidate is **scored** from 0 to 1 on five components, weighted ({shown}):

- **significance**: 1 when worse even at 99.8% confidence, or missing a national goal; 0.5
  when worse at 95% (also by Fingertips' published comparison where a value was published
  without limits); 0 when similar but getting worse.
- **trend**: Fingertips' recent-trend test on the last five points after any break in the
  series: 1 getting worse, 0.5 no significant change, 0 getting better or no trend.
- **gap**: the rank among all English districts, 1 for the worst and 0 for the best; no
  rank (0) unless the data hold every English district.
- **people**: the excess events (below), on a log scale: 1 for the largest among the
  candidates, about 0.5 for a tenth of it, 0 for none.
- **strategy link**: 1 for a place-plan outcome, 0.5 for another Starting, Living or Ageing
  Well outcome, else 0.

**Burden is measured the same way for every candidate**: the excess events a year above
what England's rate would give — the published count minus the count expected at England's
rate, or, where no count is published, about (rate − England's rate) × the population of
the ages the rate covers (for a percentage, × its published denominator, which is often not
the population; without one the excess is not estimated). For life expectancy it is the gap in years and the excess
premature deaths behind it.

The top {recommend} of the significantly-worse list are **recommended**; premature death is
always recommended where it is significantly worse than England. A candidate with a high
burden that is not recommended says why not. Every component is shown in the table.
"""
