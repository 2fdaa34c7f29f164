"""The model's comparator tables (issue 29): similar authorities and the older population.

:func:`comparator_tables` returns ``similar`` and ``similar_group`` (each district among
its ONS similar authorities, :mod:`hwb.model.similar`) and ``ageing`` (the 65+ population
projected to the horizons, :mod:`hwb.model.ageing`) for a partnership. A snapshot without
the similar-areas or projections tables (a single CSV, a demonstration snapshot) gives
empty tables, which the pages explain; so do parameters without a similar-areas group or
horizons (the overview's, which shows neither).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from hwb.data.projections import load_projections
from hwb.data.similar_areas import load_similar_areas
from hwb.errors import DataInvalid
from hwb.model.ageing import COLUMNS as AGEING_COLUMNS
from hwb.model.ageing import ageing_table
from hwb.model.similar import COLUMNS as SIMILAR_COLUMNS
from hwb.model.similar import group_table, similar_table


def comparator_tables(
    source: Path, frame: pd.DataFrame, grouping, member_tables: list[pd.DataFrame]
) -> dict[str, pd.DataFrame]:
    """``similar``, ``similar_group`` and ``ageing`` for ``grouping`` (its districts' headline
    tables ``member_tables``, in the same order) from the snapshot in ``source``."""
    area = grouping.area
    districts = list(grouping.districts)
    group_type = getattr(area, "similar_areas", None)
    horizons = getattr(area, "horizons", None)
    neighbours = projections = None
    if group_type:
        try:
            neighbours = load_similar_areas(source, group_type=group_type)
        except DataInvalid:
            neighbours = None
    if neighbours is None:
        similar = pd.DataFrame(columns=SIMILAR_COLUMNS)
        group = group_table(pd.DataFrame(), [], group_type or "")
    else:
        members = [
            (d.slug, d.ons_code, d.name, h) for d, h in zip(districts, member_tables, strict=True)
        ]
        similar = similar_table(frame, neighbours, members, group_type)
        group = group_table(neighbours, [(d.slug, d.ons_code) for d in districts], group_type)
    if horizons:
        try:
            projections = load_projections(source)
        except DataInvalid:
            projections = None
    if projections is None:
        ageing = pd.DataFrame(columns=AGEING_COLUMNS)
    else:
        shown = [(d.slug, d.ons_code, d.name, "district", [d.ons_code]) for d in districts]
        if len(districts) > 1:
            shown.append(
                (
                    area.slug,
                    area.ons_code,
                    area.name,
                    "partnership",
                    [d.ons_code for d in districts],
                )
            )
        shown.append(("county", area.parent_code, area.county_name, "county", [area.parent_code]))
        ageing = ageing_table(projections, shown, list(horizons))
    return {"similar": similar, "similar_group": group, "ageing": ageing}
