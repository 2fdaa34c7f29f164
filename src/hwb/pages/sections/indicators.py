"""All headline indicators: one table, each value with its interval, county, England, judgement and trend."""

from __future__ import annotations

import pandas as pd

from hwb.data.catalogue import role_id
from hwb.model.headline import TREND_WITHHELD
from hwb.pages import display as d
from hwb.pages.model import ENGLAND_WIDE, OK, Pack

#: the catalogue roles of the life expectancy section's measures (and the SII beside them)
from hwb.pages.sections.common import county_note, fitness_note, fitness_of, styled_table
from hwb.stats.trend import trend_kind
from hwb.text import format as fmt
from hwb.text.messages import quintile_phrase


def compared_cell(row: pd.Series) -> str:
    """The "compared" cell of a table: badge (shape, colour, word), and what it is compared with."""
    label = str(row["compared_95"])
    if row.get("compared_to", "England") == "goal":
        met = "meets" if label == "Better" else "misses"
        return (
            f"{d.badge(label)} {met} the national goal of {d.escape(fmt.with_unit(row['goal'], row['unit']))} "
            f"(England: {d.escape(str(row.get('compared_england_95', 'Not compared')).lower())})"
        )
    fifth = quintile_phrase(
        label,
        int(row["indicator_id"]),
        int(row["districts_n"] or 0),
        ENGLAND_WIDE,
        str(row.get("benchmark", "")),
    )
    if fifth:
        return f"{d.badge(label)} {d.escape(fifth)}"
    if row["indicator_id"] == role_id("inequality"):
        return f"{d.badge(label)} (a district's SII is not comparable with England's)"
    mark = " *" if row.get("compared_source") == "published" else ""
    if label in ("Higher", "Lower"):
        return f"{d.badge(label)}{mark} (neither better nor worse)"
    return d.badge(label) + mark


PUBLISHED_NOTE = (
    "* Published without confidence intervals (values rounded at source): the comparison with "
    "England is the one Fingertips published, not recalculated here."
)


def trend_cell(row: pd.Series) -> str:
    """The recent trend, marked † when it is our weighted-regression substitute, not Fingertips' test."""
    if row.get("trend_source") == TREND_WITHHELD:
        return f"Not read ({fitness_of(row) or 'not judged as a district value'})"
    trend = str(row["recent_trend"]) or "Not available"
    return f"{trend} †" if uses_regression(row) else trend


def uses_regression(row: pd.Series) -> bool:
    """Whether the pack's own trend test fell back to the weighted regression (no counts, or a rate
    that is not a proportion or crude rate); Fingertips' published trends never do."""
    if row.get("trend_source") != "calculated" or str(row["recent_trend"]) in (
        "",
        "Cannot be calculated",
    ):
        return False
    has_counts = not (fmt.is_missing(row.get("count")) or fmt.is_missing(row.get("denominator")))
    return not (has_counts and trend_kind(row.get("value_type")) != "other")


REGRESSION_NOTE = (
    "† Trend from our weighted regression of the last five values on their confidence intervals: "
    "Fingertips publishes no trend for this kind of indicator, so this is our substitute, not "
    "Fingertips' test."
)


def headline(pack: Pack) -> d.Html:
    """Every indicator with a district value: 95% CI, county, England, judgement and trend."""
    rows = pack.headline[pack.headline["status"] == OK]
    if rows.empty:
        return d.paragraph(f"This snapshot has no indicator values for {pack.name}.")
    table = pd.DataFrame(
        {
            "Indicator": rows["label"],
            "Unit": rows["unit"],
            "Period": rows["period"],
            pack.name: [
                f"{fmt.number(r['value'])}; {fitness_of(r)}"
                if fitness_of(r)
                else fmt.number(r["value"])
                for _, r in rows.iterrows()
            ],
            "95% CI": [
                fmt.interval(lo, hi)
                for lo, hi in zip(rows["lower_95"], rows["upper_95"], strict=False)
            ],
            pack.county_name: [
                fmt.number(v) if not fmt.is_missing(v) else "–" for v in rows["county_value"]
            ],
            "England": rows["england_value"].map(fmt.number),
            "Compared with England (or goal)": [compared_cell(r) for _, r in rows.iterrows()],
            "Recent trend": [trend_cell(r) for _, r in rows.iterrows()],
        }
    )
    parts = [
        d.Html(
            styled_table(table, ("Compared with England (or goal)",)), f"{len(table)} indicators"
        )
    ]
    notes = ["95% CI: the 95% confidence interval, the range the true value very probably lies in."]
    if any(uses_regression(r) for _, r in rows.iterrows()):
        notes.append(REGRESSION_NOTE)
    if rows["compared_source"].eq("published").any():
        notes.append(PUBLISHED_NOTE)
    parts.append(d.paragraph(" ".join(notes)))
    for note in (fitness_note(rows), county_note(rows, pack.county_name)):
        if note:
            parts.append(d.paragraph(note))
    return d.join(parts)
