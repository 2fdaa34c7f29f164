"""Resident population for the ages an indicator covers, from the snapshot's age bands.

Where an indicator's count is not published, the priority method estimates its excess
events as (rate - England's rate) x the population the rate is of
(:func:`hwb.stats.priority.priority_candidates`). That population is the catalogue's
``population`` indicator (ONS mid-year estimates in five-year bands, "0-4 yrs" ... "90+ yrs",
and "All ages") summed over the bands that exactly make up the indicator's ages ("<75 yrs"
is 0-4 to 70-74; "65+ yrs" is 65-69 to 90+). Ages the bands cannot make up exactly ("18+
yrs" would split 15-19) get no population: nothing is apportioned.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from itertools import pairwise

import pandas as pd

__all__ = ["age_range", "population_for_ages"]

_BAND = re.compile(r"^(\d+)-(\d+) yrs$")
_FROM = re.compile(r"^(\d+)\+ yrs$")
_UNDER = re.compile(r"^<(\d+) yrs?$")


def age_range(label: str) -> tuple[float, float] | None:
    """The ages a Fingertips age label covers, as [first, end): "<75 yrs" -> (0, 75),
    "65+ yrs" -> (65, inf), "0-4 yrs" -> (0, 5), "All ages" -> (0, inf); None when not understood."""
    text = str(label).strip()
    if text == "All ages":
        return 0.0, math.inf
    if found := _BAND.match(text):
        return float(found.group(1)), float(found.group(2)) + 1
    if found := _FROM.match(text):
        return float(found.group(1)), math.inf
    if found := _UNDER.match(text):
        return 0.0, float(found.group(1))
    return None


def population_for_ages(
    frame: pd.DataFrame,
    population_id: int,
    area_code: str,
    ages: Iterable[str],
    sex: str = "Persons",
) -> dict[str, tuple[float, str]]:
    """Age label -> (population, period) for ``area_code`` in the latest period of indicator
    ``population_id`` (the catalogue's ``population`` role), for each of ``ages`` the bands
    make up exactly; labels they cannot make up are left out."""
    rows = frame[
        (frame["indicator_id"] == population_id)
        & (frame["area_code"] == area_code)
        & (frame["sex"] == sex)
        & (frame["category_type"] == "")
        & frame["value"].notna()
    ]
    if rows.empty:
        return {}
    latest = rows[rows["period_sortable"] == rows["period_sortable"].max()]
    period = str(latest["period"].iloc[0])
    bands = {}
    for label, value in zip(latest["age"], latest["value"], strict=True):
        span = age_range(label)
        if span is not None and label != "All ages":
            bands[span] = float(value)
    total = latest.loc[latest["age"] == "All ages", "value"]
    out: dict[str, tuple[float, str]] = {}
    for label in dict.fromkeys(ages):
        wanted = age_range(label)
        if wanted is None:
            continue
        if wanted == (0.0, math.inf) and len(total):
            out[label] = (float(total.iloc[0]), period)
            continue
        inside = {
            span: v for span, v in bands.items() if span[0] >= wanted[0] and span[1] <= wanted[1]
        }
        covered = sorted(inside)
        exact = (
            covered
            and covered[0][0] == wanted[0]
            and covered[-1][1] == wanted[1]
            and all(a[1] == b[0] for a, b in pairwise(covered))
        )
        if exact:
            out[label] = (sum(inside.values()), period)
    return out
