"""The numbers behind a pack, as one long table a user downloads and a reviewer diffs.

One row per area of the pack (the pack's area, then each member district of a
two-district partnership), headline indicator (and sex) and period: the value with its
95% and 99.8% limits, count and denominator, the county's and England's values for the
same period and, on the row of the period the pack shows (``latest``), the judgement
against England (or a goal) and the recent trend. ``fitness`` says, on every row of a
series, what a reader must know before judging it ("estimate for a larger area", "old
(2017/18)", "break in the series 2023/24", "survey estimate, no limits";
:func:`hwb.model.headline.with_fitness`). ``source`` is the snapshot file the
row came from (for a combined area's row, the file its members' rows came from).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from hwb.data.schema import VALUE_COLUMNS

NUMBERS_COLUMNS = [
    "indicator_id",
    "indicator",
    "area_code",
    "area_name",
    "sex",
    "age",
    "period",
    *VALUE_COLUMNS,
    "county_value",
    "england_value",
    "latest",
    "judgement",
    "judged_against",
    "recent_trend",
    "fitness",
    "source",
]

_KEY = ["indicator_id", "sex", "age", "period_sortable"]


def numbers_table(
    headlines: Sequence[pd.DataFrame], series: pd.DataFrame, areas: Sequence, area
) -> pd.DataFrame:
    """The long table (see the module docstring). ``headlines``: each of ``areas``' headline
    table, in the same order; ``series``: the model's series rows; ``area``: the pack's
    area's parameters (for the county and England codes)."""

    def values_of(code: str, name: str) -> pd.DataFrame:
        rows = series[series["area_code"] == code][[*_KEY, "value"]]
        return rows.drop_duplicates(_KEY).rename(columns={"value": name})

    county = values_of(area.parent_code, "county_value")
    england = values_of(area.england_code, "england_value")
    pieces = []
    for table, place in zip(headlines, areas, strict=True):
        shown = table[table["status"] == "ok"]
        if shown.empty:
            continue
        if "fitness" not in shown.columns:
            shown = shown.assign(fitness="")
        rows = series[series["area_code"] == place.code].merge(
            shown[["indicator_id", "sex", "age", "label", "fitness"]],
            on=["indicator_id", "sex", "age"],
        )
        latest = shown[
            [*_KEY, "compared_95", "compared_to", "recent_trend", "county_value"]
        ].rename(
            columns={
                "compared_95": "judgement",
                "compared_to": "judged_against",
                "county_value": "_county_latest",
            }
        )
        rows = rows.drop(columns=["recent_trend"]).merge(latest, on=_KEY, how="left")
        rows = rows.merge(county, on=_KEY, how="left").merge(england, on=_KEY, how="left")
        # the county's value computed from its districts' counts (the headline's) where it
        # published none
        rows["county_value"] = rows["county_value"].fillna(rows["_county_latest"])
        rows["latest"] = rows["judgement"].notna()
        for column in ("judgement", "judged_against", "recent_trend"):
            rows[column] = rows[column].fillna("").astype("str")
        rows = rows.rename(columns={"label": "indicator", "source_file": "source"})
        order = {
            key: i for i, key in enumerate(zip(shown["indicator_id"], shown["sex"], strict=True))
        }
        rows["_order"] = [order[k] for k in zip(rows["indicator_id"], rows["sex"], strict=True)]
        pieces.append(
            rows.sort_values(["_order", "period_sortable"], kind="stable")[NUMBERS_COLUMNS]
        )
    if not pieces:
        return pd.DataFrame(columns=NUMBERS_COLUMNS)
    return pd.concat(pieces, ignore_index=True)
