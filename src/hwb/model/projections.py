"""Projections of an area's judged indicators to its strategy horizons (:func:`hwb.stats.project`)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from hwb.data.periods import midpoint, span_years
from hwb.model.headline import OK, stale
from hwb.stats.projection import COVID_YEARS, project, scale_for
from hwb.text import format as fmt


def projections(
    headline: pd.DataFrame,
    series: Callable[[int, str], pd.DataFrame],
    catalogue: pd.DataFrame,
    horizons: list[int],
    code: str,
    england_code: str,
) -> pd.DataFrame:
    """:func:`hwb.stats.project` for every judged indicator with enough points, against England (or its goal).

    ``series(indicator_id, sex)``: the indicator's rows for the area and England. Each is
    modelled on the scale its value type allows (log for rates, logit for percentages),
    its periods dated by their midpoints, overlapping pooled periods handled, periods that
    include 2020 or 2021 (COVID-19) left out where 5 others remain, and any horizon whose
    95% range is wider than the projected value marked too uncertain.
    """
    frames = []
    h = headline
    rows = h[(h["status"] == OK) & (h["polarity"] != "no_judgement") & (h["benchmark"] != "none")]
    rows = rows[~stale(h[h["status"] == OK]).reindex(rows.index, fill_value=False)]
    for _, r in rows.iterrows():
        entry = catalogue.loc[int(r["indicator_id"])]
        rows_of = series(r["indicator_id"], r["sex"])
        rows_of = rows_of.assign(
            year=[midpoint(p, entry["period_type"]) for p in rows_of["period"]]
        )
        mine = rows_of[rows_of["area_code"] == code]
        reference = rows_of[rows_of["area_code"] == england_code]
        goal = r.get("goal")
        if r.get("compared_to") == "goal" and not fmt.is_missing(goal):
            reference = mine.assign(value=float(goal))
        scale, upper = scale_for(entry["value_type"], entry["multiplier"])
        result = project(
            mine,
            horizons=horizons,
            benchmark=reference if len(reference) else None,
            polarity=r["polarity"],
            scale=scale,
            upper=upper,
            year_col="year",
            midpoints=True,
            window=span_years(entry["period_type"]),
            exclude_years=COVID_YEARS,
        )
        frames.append(
            result.assign(
                indicator_id=r["indicator_id"],
                sex=r["sex"],
                label=r["label"],
                unit=r["unit"],
                compared_95=r["compared_95"],
                polarity=r["polarity"],
                compared_to=r.get("compared_to", "England"),
                period_type=entry["period_type"],
                latest_period=r["period"],
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
