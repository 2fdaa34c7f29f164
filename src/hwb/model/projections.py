"""Projections of an area's judged indicators to its strategy horizons, guarded so they follow
the data (:func:`hwb.stats.projection.project`, issue 28).

Every projection is made with all of the statistics core's guards:

* **breaks**: a series with a break (declared in the catalogue or detected,
  :func:`hwb.stats.fitness.series_fitness`) is fitted only on the periods from the break on;
  with fewer than 5 of them there is no projection, only the recent direction
  (:data:`~hwb.stats.projection.BREAK_DIRECTION_ONLY`);
* **turning points**: where each of the last 3 periods moved one way and the fitted line runs
  the other (a life expectancy that rose in each of its last three periods, pulled down by the
  pandemic years), "turning point: too uncertain to project";
* **the English range**: the projection and its range are held between the best and worst
  English district's latest values (``bounds_from`` says which districts the data hold);
* **plausible span**: a 95% range wider than the indicator's plausible span
  (:func:`~hwb.stats.projection.plausible_span`) gets no verdict;
* **the target**: England's *latest* value (or the national goal), never England's own
  projection.

Series that are estimates for a larger area, old, or surveys without limits are not
projected (:func:`hwb.stats.fitness.projectable`). For a partnership of several districts
each member district is projected too (the ``area_code`` column says whose row it is).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from hwb.data.periods import midpoint, span_years
from hwb.model.headline import OK
from hwb.stats.fitness import fitness_for, projectable
from hwb.stats.projection import COVID_YEARS, RECENT_POINTS, plausible_span, project, scale_for
from hwb.text import format as fmt

__all__ = ["district_bounds", "projections"]


def district_bounds(
    districts: pd.DataFrame, indicator_id: int, sex: str, age: str, period: str, complete: bool
) -> tuple[tuple[float, float] | None, str]:
    """The lowest and highest district value of an indicator in ``period`` (its latest), and
    which districts they are drawn from in words; (None, reason) with fewer than two."""
    same = districts[
        (districts["indicator_id"] == indicator_id)
        & (districts["sex"] == sex)
        & (districts["age"] == age)
        & (districts["period"] == period)
        & districts["value"].notna()
    ].drop_duplicates("area_code")
    if len(same) < 2:
        return None, "no range: fewer than two districts in the period"
    words = (
        f"all English districts ({len(same)})"
        if complete
        else f"the {len(same)} districts in the data (not every English district)"
    )
    return (float(same["value"].min()), float(same["value"].max())), words


def projections(
    headline: pd.DataFrame,
    series: Callable[[int, str], pd.DataFrame],
    catalogue: pd.DataFrame,
    horizons: list[int],
    code: str,
    england_code: str,
    *,
    fitness: pd.DataFrame,
    districts: pd.DataFrame,
    complete: frozenset[int] = frozenset(),
    members: Sequence[tuple[str, pd.DataFrame]] = (),
) -> pd.DataFrame:
    """:func:`hwb.stats.projection.project` with every guard (module docstring) for every
    judged indicator of ``code`` (and of each of ``members``: (area code, its headline table)).

    ``series(indicator_id, sex)``: the indicator's rows for the areas and England.
    ``fitness``: fitness records of the areas' series (:mod:`hwb.stats.fitness`; for a
    combined area, :func:`~hwb.stats.fitness.combined_fitness`). ``districts``: every
    district's rows, for the English range. ``complete``: ids whose data hold every English
    district. Each is modelled on the scale its value type allows (log for rates, logit for
    percentages), periods dated by their midpoints, overlapping pooled periods handled and
    periods that include 2020 or 2021 (COVID-19) left out where 5 others remain.
    """
    frames = []
    for area, table in [(code, headline), *members]:
        frames += _area_projections(
            table,
            series,
            catalogue,
            horizons,
            area,
            england_code,
            fitness,
            districts,
            complete,
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _area_projections(
    headline, series, catalogue, horizons, code, england_code, fitness, districts, complete
) -> list[pd.DataFrame]:
    h = headline
    rows = h[(h["status"] == OK) & (h["polarity"] != "no_judgement") & (h["benchmark"] != "none")]
    rows = fitness_for(rows.assign(area_code=code), fitness[fitness["area_code"] == code])
    rows = rows[projectable(rows)]
    frames = []
    for _, r in rows.iterrows():
        entry = catalogue.loc[int(r["indicator_id"])]
        rows_of = series(r["indicator_id"], r["sex"])
        rows_of = rows_of.assign(
            year=[midpoint(p, entry["period_type"]) for p in rows_of["period"]]
        )
        mine = rows_of[rows_of["area_code"] == code]
        reference = rows_of[rows_of["area_code"] == england_code]
        goal = r.get("goal")
        goal = float(goal) if r.get("compared_to") == "goal" and not fmt.is_missing(goal) else None
        scale, upper = scale_for(entry["value_type"], entry["multiplier"])
        bounds, bounds_from = district_bounds(
            districts,
            int(r["indicator_id"]),
            r["sex"],
            r["age"],
            r["period"],
            int(r["indicator_id"]) in complete,
        )
        break_at = (
            midpoint(r["break_period"], entry["period_type"]) if r["break_in_series"] else None
        )
        if break_at is not None and np.isnan(break_at):
            break_at = None
        result = project(
            mine,
            horizons=horizons,
            benchmark=reference if len(reference) and goal is None else None,
            polarity=r["polarity"],
            scale=scale,
            upper=upper,
            year_col="year",
            midpoints=True,
            window=span_years(entry["period_type"]),
            exclude_years=COVID_YEARS,
            break_at=break_at,
            recent_points=RECENT_POINTS,
            bounds=bounds,
            span=plausible_span(entry["value_type"], float(entry["multiplier"]), bounds),
            target="latest",
            goal=goal,
        )
        frames.append(
            result.assign(
                area_code=code,
                indicator_id=r["indicator_id"],
                sex=r["sex"],
                label=r["label"],
                unit=r["unit"],
                compared_95=r["compared_95"],
                polarity=r["polarity"],
                compared_to=r.get("compared_to", "England"),
                period_type=entry["period_type"],
                latest_period=r["period"],
                break_period=r["break_period"] if r["break_in_series"] else "",
                bounds_from=bounds_from,
                bound_low=np.nan if bounds is None else bounds[0],
                bound_high=np.nan if bounds is None else bounds[1],
            )
        )
    return frames
