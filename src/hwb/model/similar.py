"""Each district among its ONS similar authorities: the ``similar`` table of the model.

ONS names, for every authority, the 20 authorities most like it (``global``, ``economic``
or ``demographic`` variables; :mod:`hwb.data.similar_areas`); the parameter
``similar_areas`` chooses the group. :func:`similar_table` puts each district of a
partnership among its group, indicator by indicator, for the headline indicators that
are current (:func:`hwb.model.headline.current`), have a polarity and whose latest period
covers the group: one row per area (the district, role ``district``, and each similar
authority, role ``similar``), with the district's rank in the group
(:func:`hwb.stats.ranges.rank_among`: 1 is the best), how many were ranked, the
authorities without a value, the county and England values for the same period, and the
district's fitness label (``fitness``; ``survey_without_limits`` for a survey estimate
published without limits, whose rank the page shows but does not call best or worst).

*Covers the group*: ONS's groups are UK-wide, and English indicators have no value for a
Welsh, Scottish or Northern Irish authority, so those are named in the group but not
ranked. Of the English authorities in the group, an indicator must have a value for at
least :data:`MIN_COVERAGE` (and for the district itself); the ones without one are listed
in ``not_ranked`` so the page can name them (an authority whose code changed after the
data were published, such as Barnsley's and Sheffield's in 2025, has no value under its
new code).
"""

from __future__ import annotations

import pandas as pd

from hwb.model.headline import OK, current
from hwb.stats.ranges import rank_among

#: the share of the English authorities of a group that must have a value in the
#: district's latest period before the district is ranked among them
MIN_COVERAGE = 0.8
ENGLISH = "E"

COLUMNS = [
    "area",
    "district_code",
    "group_type",
    "indicator_id",
    "sex",
    "short_name",
    "unit",
    "polarity",
    "period",
    "role",
    "similar_rank",
    "area_code",
    "area_name",
    "value",
    "rank_in_group",
    "ranked_n",
    "group_english",
    "not_ranked",
    "county_value",
    "england_value",
    "fitness",
    "survey_without_limits",
]


def similar_table(
    frame: pd.DataFrame,
    neighbours: pd.DataFrame,
    members: list[tuple[str, str, str, pd.DataFrame]],
    group_type: str,
) -> pd.DataFrame:
    """The ``similar`` table (see the module docstring).

    ``frame``: the snapshot as loaded; ``neighbours``: :func:`~hwb.data.similar_areas.
    load_similar_areas` rows of ``group_type``; ``members``: each district as
    ``(slug, ons_code, name, headline_table)``.
    """
    rows: list[dict] = []
    plain = frame[frame["category_type"] == ""]
    for slug, code, name, headline in members:
        group = neighbours[
            (neighbours["area_code"] == code) & (neighbours["group_type"] == group_type)
        ].sort_values("rank", kind="stable")
        if group.empty:
            continue
        english = group[group["similar_area_code"].str.startswith(ENGLISH)]
        judged = current(headline)
        judged = judged[(judged["status"] == OK) & (judged["polarity"] != "no_judgement")]
        for _, h in judged.iterrows():
            latest = plain[
                (plain["indicator_id"] == h["indicator_id"])
                & (plain["sex"] == h["sex"])
                & (plain["age"] == h["age"])
                & (plain["period_sortable"] == h["period_sortable"])
            ]
            values = latest.drop_duplicates("area_code").set_index("area_code")["value"].dropna()
            if code not in values.index:
                continue
            covered = english["similar_area_code"].isin(values.index)
            if len(english) == 0 or covered.mean() < MIN_COVERAGE:
                continue
            ranked = english[covered]
            peers = values.reindex(ranked["similar_area_code"])
            rank = rank_among(float(values[code]), peers, h["polarity"])
            common = {
                "area": slug,
                "district_code": code,
                "group_type": group_type,
                "indicator_id": int(h["indicator_id"]),
                "sex": h["sex"],
                "short_name": h["short_name"],
                "unit": h["unit"],
                "polarity": h["polarity"],
                "period": h["period"],
                "rank_in_group": rank,
                "ranked_n": len(ranked) + 1,
                "group_english": len(english),
                "not_ranked": "; ".join(english.loc[~covered, "similar_area_name"]),
                "county_value": h["county_value"],
                "england_value": h["england_value"],
                "fitness": h["fitness"] if isinstance(h.get("fitness"), str) else "",
                "survey_without_limits": _flag(h.get("survey_without_limits", False)),
            }
            rows.append(
                {
                    **common,
                    "role": "district",
                    "similar_rank": 0,
                    "area_code": code,
                    "area_name": name,
                    "value": float(values[code]),
                }
            )
            for _, n in ranked.iterrows():
                rows.append(
                    {
                        **common,
                        "role": "similar",
                        "similar_rank": int(n["rank"]),
                        "area_code": n["similar_area_code"],
                        "area_name": n["similar_area_name"],
                        "value": float(values[n["similar_area_code"]]),
                    }
                )
    return pd.DataFrame(rows, columns=COLUMNS)


def _flag(value) -> bool:
    """A fitness flag as a bool (missing is False)."""
    return bool(value) and not pd.isna(value)


def group_table(neighbours: pd.DataFrame, members: list[tuple[str, str]], group_type: str):
    """Each member district's group: ``area`` (its slug), ``district_code``, ``group_type``,
    ``rank`` and the similar authority's ``similar_area_code`` and ``similar_area_name``."""
    parts = [
        neighbours[
            (neighbours["area_code"] == code) & (neighbours["group_type"] == group_type)
        ].assign(area=slug)
        for slug, code in members
    ]
    columns = ["area", "area_code", "group_type", "rank", "similar_area_code", "similar_area_name"]
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)[columns]
    return out.rename(columns={"area_code": "district_code"})
