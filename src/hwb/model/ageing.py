"""The older population to the strategy horizons: the ``ageing`` table of the model.

ONS's 2022-based sub-national population projections (:func:`hwb.data.projections.
load_projections`: all ages and 65+, every five years from 2022) for each district of a
partnership and, for two districts, the partnership (the districts' sum: the projections
are counts, so they add), with the county beside them. A horizon between two published
years is read on the straight line between them (:func:`hwb.stats.interpolate.between_years`).
One row per area and year (the 2022 base, then each horizon): ``population_65``,
``population_all``, ``share_65`` (per cent), and the change in people aged 65 and over
since the base (``more_65``). The base's check against the mid-2022 estimate is the
manifest's (``base_check``), which the page quotes.
"""

from __future__ import annotations

import pandas as pd

from hwb.data.projections import BASE_YEAR
from hwb.stats.interpolate import between_years

COLUMNS = [
    "area",
    "area_code",
    "area_name",
    "role",
    "year",
    "population_65",
    "population_all",
    "share_65",
    "more_65",
]


def ageing_table(
    projections: pd.DataFrame,
    areas: list[tuple[str, str, str, str, list[str]]],
    horizons: list[int],
) -> pd.DataFrame:
    """The ``ageing`` table (see the module docstring).

    ``areas``: ``(slug, code, name, role, district codes)`` for each area shown; an area
    of more than one district is their sum. An area with no projection rows is left
    out, and so is a horizon past the last published year."""
    rows = []
    for slug, code, name, role, codes in areas:
        mine = projections[projections["area_code"].isin(codes)]
        if set(mine["area_code"]) != set(codes):
            continue
        totals = mine.groupby(["age_group", "year"], sort=True)["population"].sum()
        older = {int(y): float(v) for y, v in totals["65+"].items()}
        everyone = {int(y): float(v) for y, v in totals["all ages"].items()}
        base = older[BASE_YEAR]
        published = [h for h in horizons if min(older) <= h <= max(older)]
        for year in [BASE_YEAR, *published]:
            at_65 = between_years(older, year)
            at_all = between_years(everyone, year)
            rows.append(
                {
                    "area": slug,
                    "area_code": code,
                    "area_name": name,
                    "role": role,
                    "year": year,
                    "population_65": at_65,
                    "population_all": at_all,
                    "share_65": 100 * at_65 / at_all,
                    "more_65": at_65 - base,
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)
