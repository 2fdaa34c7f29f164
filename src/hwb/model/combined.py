"""A partnership of several districts as one area: its combined rows, and why some are missing.

:func:`combined_frame` makes the combined area's rows with :func:`hwb.stats.combine_areas`
for every indicator, sex, age and period: counts and denominators summed, then Wilson or
Byar's limits as for any district; an indicator that cannot be combined honestly has no
combined rows. The combined rows carry the members' area type and replace the members'
rows, so the benchmark against England, the recent trend, the range among the districts
(the members counted once, as one area), projections and priorities are all computed for
the combined area by the same code as a district's. :func:`explain_gaps` says, on the
combined headline table, why a row is missing (``status`` :data:`NOT_COMBINED`,
``combine_note`` the reason) or older than the members' latest figures.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from hwb.model.headline import OK, split_by_indicator
from hwb.stats.combine import combine_areas, why_not_combinable

#: status of a headline row for which the members have values but no combined figure is honest
NOT_COMBINED = "no combined figure"


def combined_frame(
    frame: pd.DataFrame,
    catalogue: pd.DataFrame,
    codes: list[str],
    code: str,
    name: str,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """``frame`` with the members' rows replaced by the combined area's (where they can be combined).

    Every catalogue indicator's headline rows (each sex and age) are combined period by
    period with :func:`hwb.stats.combine_areas`. ``frame.attrs["combine_reasons"]`` maps
    ``(indicator_id, sex, age)`` to ``{period_sortable: reason}`` for the periods left out.
    """
    groups = split_by_indicator(frame)
    pieces, reasons = [], {}
    for indicator_id, entry in catalogue.iterrows():
        rows = groups.get(int(indicator_id))
        if rows is None:
            continue
        rows = rows[rows["area_code"].isin(codes)]
        for (sex, age), part in rows.groupby(["sex", "age"], sort=True):
            combined = combine_areas(
                part,
                codes,
                entry["value_type"],
                entry["ci_method"],
                entry["multiplier"],
                names=names,
            )
            left_out = combined[combined["reason"] != ""]
            reasons[(int(indicator_id), sex, age)] = dict(
                zip(left_out["period_sortable"], left_out["reason"], strict=False)
            )
            made = combined[combined["reason"] == ""]
            if made.empty:
                continue
            template = part.sort_values(
                ["period_sortable", "area_code"], kind="stable"
            ).drop_duplicates("period_sortable")
            template = (
                template.set_index("period_sortable").loc[made["period_sortable"]].reset_index()
            )
            values = made.drop(columns=["method", "reason"]).reset_index(drop=True)
            for column in values.columns.drop("period_sortable"):
                template[column] = values[column].to_numpy()
            pieces.append(
                template.assign(
                    area_code=code,
                    area_name=name,
                    value_note="",
                    recent_trend="",
                    compared_england="",
                )
            )
    kept = frame[~frame["area_code"].isin(codes)]
    out = pd.concat([kept, *pieces], ignore_index=True) if pieces else kept.reset_index(drop=True)
    out = out.astype(frame.dtypes.to_dict(), errors="ignore")
    out.attrs = {**frame.attrs, "combine_reasons": reasons}
    return out


def explain_gaps(
    headline: pd.DataFrame,
    catalogue: pd.DataFrame,
    members: list[pd.DataFrame],
    reasons: Mapping[tuple, Mapping[int, str]],
) -> pd.DataFrame:
    """Say why a combined row is missing or older than the members' latest figures
    (``members``: each member district's headline table, in the same row order)."""
    headline = headline.copy()
    headline["combine_note"] = ""
    for index, row in headline.iterrows():
        entry = catalogue.loc[int(row["indicator_id"])]
        latest = [m.loc[index] for m in members if m.loc[index, "status"] == OK]
        if not latest:
            continue
        newest = max(r["period_sortable"] for r in latest)
        by_period = reasons.get((int(row["indicator_id"]), row["sex"], entry["age"]), {})
        reason = why_not_combinable(entry["value_type"], entry["ci_method"]) or by_period.get(
            newest, ""
        )
        if row["status"] != OK:
            headline.at[index, "status"] = NOT_COMBINED
            headline.at[index, "combine_note"] = (
                reason or "the districts' figures are for different periods"
            )
        elif row["period_sortable"] < newest and reason:
            period = next(r["period"] for r in latest if r["period_sortable"] == newest)
            headline.at[index, "combine_note"] = (
                f"combined for {row['period']}, not {period}: {reason}"
            )
    return headline
