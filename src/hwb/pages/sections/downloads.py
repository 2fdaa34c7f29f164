"""The pack's CSV downloads: the headline numbers and the district's time series."""

from __future__ import annotations

import pandas as pd

from hwb.data.catalogue import role_id
from hwb.data.schema import NUMERIC_COLUMNS, VALUE_COLUMNS
from hwb.pages import display as d
from hwb.pages.model import Pack

#: the catalogue roles of the life expectancy section's measures (and the SII beside them)


def download_all(pack: Pack) -> d.Html:
    """Two CSV downloads: the headline numbers (every indicator) and the district's time series."""
    return d.join(
        [
            d.csv_link(
                headline_numbers(pack),
                f"{pack.slug}-headline.csv",
                f"Download the headline numbers for {pack.name} (CSV: every indicator, with "
                f"{pack.county_name}, England, benchmarks, trends and the range of districts)",
            ),
            d.csv_link(
                pack_numbers(pack),
                f"{pack.slug}-series.csv",
                f"Download {pack.name}'s time series (CSV: every period of every indicator; county and "
                "England series are in the tables under each chart)",
            ),
        ]
    )


HEADLINE_EXPORT = [
    "indicator_id",
    "label",
    "programme",
    "unit",
    "sex",
    "age",
    "period",
    *VALUE_COLUMNS,
    "county_value",
    "county_source",
    "england_value",
    "compared_95",
    "compared_998",
    "compared_source",
    "quintile",
    "recent_trend",
    "red_red",
    "districts_n",
    "districts_min",
    "districts_q25",
    "districts_q75",
    "districts_max",
    "rank",
    "status",
    "fitness",
]


def headline_numbers(pack: Pack) -> pd.DataFrame:
    """The headline table as published in the pack (one row per indicator and sex)."""
    return pack.headline[HEADLINE_EXPORT].reset_index(drop=True)


def pack_numbers(pack: Pack) -> pd.DataFrame:
    """The district's rows of each headline breakdown, every period (values rounded to 3 decimals).

    The population is the latest period only (the pyramid); the snapshot holds full precision.
    """
    frame = pack.frame[(pack.frame["area_code"] == pack.code) & (pack.frame["category_type"] == "")]
    shown = pack.headline[["indicator_id", "sex", "age"]].drop_duplicates()
    series = frame.merge(shown, on=["indicator_id", "sex", "age"], how="inner")
    population = frame[frame["indicator_id"] == role_id("population")]
    population = population[population["period_sortable"] == population["period_sortable"].max()]
    out = pd.concat(
        [series[series["indicator_id"] != role_id("population")], population], ignore_index=True
    )
    out = out.sort_values(["indicator_id", "sex", "age", "period_sortable"], kind="stable")
    out = out[["indicator_id", "sex", "age", "period", *VALUE_COLUMNS]].copy()
    for c in NUMERIC_COLUMNS:
        out[c] = out[c].round(3)
    empty = [
        c
        for c in ("lower_998", "upper_998", "count", "denominator", "value_note")
        if out[c].isna().all() or (out[c].astype(str) == "").all()
    ]
    return out.drop(columns=empty).reset_index(drop=True)
