"""Combining areas honestly: one figure for two or more districts, or a plain reason why not.

A partnership that spans two districts needs its own value for each indicator. Where
Fingertips publishes the numerator and denominator, the combined value is exact: sum the
counts and denominators over the areas, then use the *same* methods as for a single area
(:func:`hwb.stats.proportion`, Wilson score limits; :func:`hwb.stats.crude_rate`, Byar's
method, exact Poisson below 10 events) for the value and its 95% and 99.8% limits. Counts
(e.g. resident population) are simply summed.

Everything else gets no combined figure and a reason in plain words:

* directly standardised rates need every area's events and population by age band
  (the published rate and total population are not enough);
* life expectancy needs deaths and populations by age (Chiang II);
* survey estimates are weighted samples: without the sample counts they cannot be pooled;
* values published without counts (scores, modelled estimates, rounded copies);
* a value that is not its count divided by its denominator (adjusted or indirectly
  standardised figures) would not be reproduced by summing;
* any area missing its count or denominator for the period.

:func:`county_values` puts the county beside its districts the same way: the county's
published row where there is one, else the exact figure from all its districts' counts,
else the reason there is none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from hwb.stats import _validate as v
from hwb.wording import join_words

__all__ = [
    "COMBINED_COLUMNS",
    "COUNTY_COLUMNS",
    "combine_areas",
    "county_values",
    "why_not_combinable",
]

#: columns of :func:`combine_areas`' result (besides the group columns)
COMBINED_COLUMNS = [
    "count",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "method",
    "reason",
]

#: how far a published value may sit from count / denominator x multiplier (its rounding and more)
_RELATIVE_TOLERANCE = 0.02
_ABSOLUTE_TOLERANCE = 0.051

_BY_VALUE_TYPE = {
    "dsr": "it is a directly standardised rate: combining needs each district's events and population by "
    "age band, which are not published",
    "life_expectancy": "life expectancy cannot be combined without each district's deaths and population by "
    "age",
    "score": "it is a score published without counts, so there is nothing to add up",
    "ratio": "it is a ratio published without its observed and expected counts",
}
_BY_METHOD = {
    "survey": "it is a survey estimate: without the survey's sample counts it cannot be pooled",
    "sullivan": "healthy life expectancy cannot be combined without each district's deaths, population and "
    "survey responses by age",
    "simulation": "it is a modelled (simulated) figure published without counts",
    "dobson": "it is a directly standardised rate: combining needs events and population by age band",
    "chiang": "life expectancy cannot be combined without each district's deaths and population by age",
    "none": "it is published as a value only, without counts",
}


def why_not_combinable(value_type: str, ci_method: str) -> str:
    """Why an indicator of this value type and interval method cannot be combined ("" when it can).

    Combinable: counts (summed), proportions with Wilson limits, crude rates with Byar's
    or exact Poisson limits. A proportion with Byar's limits is an indirectly standardised
    percentage, which needs expected counts.
    """
    if value_type == "count":
        return ""
    if value_type == "proportion" and ci_method == "wilson":
        return ""
    if value_type == "crude_rate" and ci_method in ("byar", "exact_poisson"):
        return ""
    if value_type == "proportion" and ci_method in ("byar", "exact_poisson"):
        return (
            "it is an indirectly standardised percentage: combining needs each district's expected count, "
            "which is not published"
        )
    return (
        _BY_METHOD.get(ci_method)
        or _BY_VALUE_TYPE.get(value_type)
        or (f"no honest method combines a {value_type.replace('_', ' ')} with {ci_method} limits")
    )


def _name(code: str, names: Mapping[str, str] | None) -> str:
    return (names or {}).get(code, code)


def _group_reason(
    group: pd.DataFrame,
    areas: Sequence[str],
    value_type: str,
    multiplier: float,
    names: Mapping[str, str] | None,
    area_col: str,
) -> str:
    present = set(group[area_col])
    missing = [a for a in areas if a not in present]
    if missing:
        return "no figure for " + join_words([_name(a, names) for a in missing])
    no_count = group[
        group["count"].isna() | ((value_type != "count") & group["denominator"].isna())
    ]
    if len(no_count):
        return (
            "no count "
            + ("" if value_type == "count" else "and denominator ")
            + "for "
            + join_words([_name(a, names) for a in no_count[area_col]])
        )
    if value_type != "count":
        if (group["denominator"] <= 0).any():
            return "a denominator of zero"
        recomputed = group["count"] / group["denominator"] * multiplier
        published = group["value"]
        off = published.notna() & ~np.isclose(
            published, recomputed, rtol=_RELATIVE_TOLERANCE, atol=_ABSOLUTE_TOLERANCE
        )
        if off.any():
            who = join_words([_name(a, names) for a in group.loc[off, area_col]])
            return (
                f"the published value for {who} is not its count divided by its denominator (it is adjusted "
                "or standardised), so adding counts would not reproduce it"
            )
        if value_type == "proportion" and (group["count"] > group["denominator"]).any():
            return "a count larger than its denominator"
    return ""


def combine_areas(
    df: pd.DataFrame,
    areas: Sequence[str],
    value_type: str,
    ci_method: str = "",
    multiplier: float = 100,
    group_cols: str | Iterable[str] | None = "period_sortable",
    area_col: str = "area_code",
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One combined figure for ``areas`` per group (e.g. per period), or the reason there is none.

    ``df`` holds one indicator's rows (``count``, ``denominator``, ``value``) for at least
    ``areas``; other areas are ignored. Returns one row per group with the group columns
    and :data:`COMBINED_COLUMNS`: summed ``count`` and ``denominator``, ``value`` and 95% /
    99.8% limits from :func:`hwb.stats.proportion` or :func:`hwb.stats.crude_rate` (a
    count's value is the sum, without limits), ``method``, and ``reason`` ("" when
    combined; otherwise why not, with the value and limits left blank). ``names`` maps
    area codes to names for the reasons.
    """
    from hwb.stats.intervals import crude_rate, proportion

    func = "combine_areas"
    groups = v.as_list(group_cols)
    v.require_frame(df, func)
    v.require_columns(df, [area_col, "count", "denominator", "value", *groups], func)
    areas = list(dict.fromkeys(areas))
    if not areas:
        raise v.StatsInputError(f"{func}: give at least one area code to combine.")
    mine = df[df[area_col].isin(areas)]
    keys = (
        mine[groups].drop_duplicates().sort_values(groups, kind="stable").itertuples(index=False)
        if groups
        else [()]
    )
    general = why_not_combinable(value_type, ci_method)
    rows = []
    for key in keys:
        key = tuple(key)
        group = mine
        for column, value in zip(groups, key, strict=False):
            group = group[group[column] == value]
        if group[area_col].duplicated().any():
            raise v.StatsInputError(
                f"{func}: more than one row per area for {dict(zip(groups, key, strict=False))}; "
                "pass one indicator, sex and age."
            )
        row: dict = dict(zip(groups, key, strict=False))
        row.update({c: np.nan for c in COMBINED_COLUMNS})
        row["method"] = ""
        row["reason"] = general or _group_reason(
            group, areas, value_type, multiplier, names, area_col
        )
        if not row["reason"]:
            row.update(
                count=float(group["count"].sum()),
                denominator=float(group["denominator"].sum(min_count=len(group))),
            )
        rows.append(row)
    out = pd.DataFrame(rows, columns=[*groups, *COMBINED_COLUMNS])
    done = out["reason"].eq("")
    if done.any() and value_type == "count":
        out.loc[done, "value"] = out.loc[done, "count"]
        out.loc[done, "method"] = "sum"
    elif done.any():  # one call for every period: the same method as for a single area
        method = proportion if value_type == "proportion" else crude_rate
        totals = out.loc[done, ["count", "denominator"]].reset_index(drop=True)
        result = method(totals, confidence=(0.95, 0.998), multiplier=multiplier)
        for column in ("value", "lower_95", "upper_95", "lower_998", "upper_998", "method"):
            out.loc[done, column] = result[column].to_numpy()
    return out


#: columns of :func:`county_values` (besides the group columns)
COUNTY_COLUMNS = [*COMBINED_COLUMNS[2:7], "count", "denominator", "source", "reason"]
PUBLISHED = "published"
COMPUTED = "computed from the districts' counts"


def county_values(
    df: pd.DataFrame,
    county: str,
    districts: Sequence[str],
    value_type: str,
    ci_method: str = "",
    multiplier: float = 100,
    group_cols: str | Iterable[str] | None = "period_sortable",
    area_col: str = "area_code",
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The county's value beside its districts' for each group (e.g. each period).

    The county's published row where ``df`` has one (``source`` "published"); otherwise the
    value computed exactly from every district's count and denominator by
    :func:`combine_areas` (``source`` "computed from the districts' counts"), which needs
    ``districts`` to be all of the county's districts; otherwise no value and ``reason`` says
    why (e.g. "life expectancy cannot be combined without each district's deaths and
    population by age"). ``df`` holds one indicator, sex and age. Returns one row per group
    with :data:`COUNTY_COLUMNS`.
    """
    func = "county_values"
    groups = v.as_list(group_cols)
    v.require_frame(df, func)
    v.require_columns(df, [area_col, "value", *groups], func)
    if not districts:
        raise v.StatsInputError(f"{func}: give the county's districts (all of them).")
    mine = df[df[area_col].isin([county, *districts])]
    keys = (
        mine[groups].drop_duplicates().sort_values(groups, kind="stable")
        if groups
        else pd.DataFrame([{}])
    )
    published = mine[(mine[area_col] == county) & mine["value"].notna()]
    if published.duplicated(groups).any():
        raise v.StatsInputError(
            f"{func}: more than one row for {county} per {groups}; pass one indicator, sex and age."
        )
    work = mine.copy()
    for column in ("count", "denominator"):
        if column not in work.columns:
            work[column] = np.nan
    combined = combine_areas(
        work, districts, value_type, ci_method, multiplier, groups or None, area_col, names
    )
    rows = []
    for key in keys.itertuples(index=False):
        key = tuple(key)
        row: dict = dict(zip(groups, key, strict=False))
        row.update({c: np.nan for c in COUNTY_COLUMNS})
        own = published
        other = combined
        for column, value in zip(groups, key, strict=False):
            own = own[own[column] == value]
            other = other[other[column] == value]
        if len(own):
            first = own.iloc[0]
            for column in COUNTY_COLUMNS[:7]:
                row[column] = float(first[column]) if column in own.columns else np.nan
            row["source"], row["reason"] = PUBLISHED, ""
        elif len(other) and not other.iloc[0]["reason"]:
            first = other.iloc[0]
            for column in COUNTY_COLUMNS[:7]:
                row[column] = float(first[column])
            row["source"], row["reason"] = COMPUTED, ""
        else:
            row["source"] = ""
            row["reason"] = (
                other.iloc[0]["reason"]
                if len(other)
                else "no figure for the county or its districts"
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=[*groups, *COUNTY_COLUMNS])
