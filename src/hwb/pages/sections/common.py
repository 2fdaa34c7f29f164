"""Helpers every section shares: tables, area names, what is missing, the banner."""

from __future__ import annotations

import pandas as pd

from hwb.data.catalogue import role_ids
from hwb.data.snapshot import banner_text
from hwb.pages import display as d
from hwb.pages.model import OK, Pack

#: the catalogue roles of the life expectancy section's measures (and the SII beside them)
from hwb.text import format as fmt

#: the catalogue roles of the life expectancy section's measures (and the SII beside them)
LIFE_ROLES = ("life_at_birth", "healthy_life", "life_at_65")
MAX_TREND_PANELS = 4
MAX_SPC_PANELS = 2
MAX_PROJECTION_PANELS = 4
TABLE_STYLE = "font-size:0.85em"


def life_ids() -> tuple[int, ...]:
    """The ids of the life expectancy measures: the catalogue's :data:`LIFE_ROLES` indicators."""
    return role_ids(*LIFE_ROLES)


def areas(pack: Pack) -> tuple[dict[str, str], dict[str, str]]:
    codes = {"district": pack.code, "county": pack.county_code, "england": pack.england_code}
    names = {"district": pack.name, "county": pack.county_name, "england": "England"}
    return codes, names


def names_by_code(pack: Pack) -> dict[str, str]:
    codes, names = areas(pack)
    return {codes[r]: names[r] for r in codes}


def styled_table(frame: pd.DataFrame, raw: tuple[str, ...] = ()) -> str:
    return (
        f'<div style="{TABLE_STYLE};overflow-x:auto">{d.table(frame, raw_html_columns=raw)}</div>'
    )


def missing_sentence(rows: pd.DataFrame) -> str:
    """ "Not available: A (not published for districts); B (not in this snapshot)."""
    gone = rows[rows["status"] != OK]
    if gone.empty:
        return ""
    by_reason: dict[str, list[str]] = {}
    for _, r in gone.drop_duplicates("indicator_id").iterrows():
        by_reason.setdefault(r["status"], []).append(r["short_name"])
    parts = [f"{fmt.join_words(v)} ({k})" for k, v in by_reason.items()]
    return "Not available here: " + "; ".join(parts) + "."


def banner(pack: Pack) -> d.Html:
    """The demonstration-data banner when the snapshot is synthetic; nothing for real data."""
    text = banner_text(pack.manifest)
    return d.banner(text) if text else d.Html("", "")


def range_label(rows: pd.DataFrame) -> str:
    """What a spine chart's grey bars span, in words (each indicator's own coverage)."""
    shown = rows[rows["districts_n"] > 0] if len(rows) else rows
    if shown.empty:
        return "no districts (no comparable values)"
    scopes = shown.groupby("range_scope", sort=True)["short_name"].apply(
        lambda s: list(dict.fromkeys(s))
    )
    if len(scopes) == 1:
        return str(scopes.index[0])
    parts = [f"{scope} for {fmt.join_words(names)}" for scope, names in scopes.items()]
    return "; ".join(parts)


# --------------------------------------------------------------------------- fitness beside a value
#: what each fitness label beside a value means for the reader (issue 27), in the order shown
FITNESS_MEANINGS = (
    (
        "estimate for a larger area",
        (
            "the value is an estimate shared with neighbouring districts (e.g. apportioned from a "
            "former NHS area), not a measurement of this district: shown, but not compared with "
            "England, ranked or used in the key messages, lists or priorities"
        ),
    ),
    (
        "old (",
        (
            "the latest period ended five or more years before the newest data here: shown as "
            "history, not compared with England, ranked or used in the key messages, lists or priorities"
        ),
    ),
    (
        "break in the series",
        (
            "the way it is recorded or estimated changed in that period, so earlier values are "
            "not comparable: no trend is read across the break, charts leave a gap at it, and "
            "after a local change of recording the value is not compared with England"
        ),
    ),
    (
        "survey estimate, no limits",
        (
            "a survey estimate published without confidence limits: the comparison is Fingertips' "
            "own, and no trend or control chart is drawn from it"
        ),
    ),
)


def fitness_of(row: pd.Series) -> str:
    """A headline row's fitness label ("" when fit or when the model has none)."""
    value = row.get("fitness", "")
    return value if isinstance(value, str) else ""


def label_of(row: pd.Series) -> str:
    """A row's label with its fitness beside it: "Smoking at time of delivery – estimate for
    a larger area"."""
    return f"{row['label']} – {fitness_of(row)}" if fitness_of(row) else str(row["label"])


def labelled(rows: pd.DataFrame) -> list[str]:
    """Each row's :func:`label_of`."""
    return [label_of(r) for _, r in rows.iterrows()]


def fitness_note(rows: pd.DataFrame) -> str:
    """One sentence per fitness label used in ``rows``, saying what it means, then each break's
    reason (:func:`break_note`); "" when none."""
    used = [fitness_of(r) for _, r in rows.iterrows()]
    parts = [
        f'"{label.rstrip(" (")}": {meaning}'
        for label, meaning in FITNESS_MEANINGS
        if any(label in u for u in used)
    ]
    if not parts:
        return ""
    breaks = break_note(rows)
    return "Labels beside a value: " + "; ".join(parts) + "." + (f" {breaks}" if breaks else "")


def break_note(rows: pd.DataFrame) -> str:
    """Why each series in ``rows`` has a break, in one sentence: the catalogue's reason where it
    is declared, else that the data show it ("" when no row has a break)."""
    if "break_in_series" not in rows.columns:
        return ""
    broken = rows[rows["break_in_series"].fillna(False).astype(bool)]
    if broken.empty:
        return ""
    parts = []
    for _, r in broken.drop_duplicates(["indicator_id"]).iterrows():
        reason = r.get("break_reason", "")
        reason = (
            reason
            if isinstance(reason, str) and reason
            else "most of the county's districts changed at once, far beyond their usual "
            "year-to-year variation; the cause is not yet known"
        )
        parts.append(f"{r['short_name']} from {r['break_period']}: {reason}")
    return "Why a series breaks: " + "; ".join(parts) + "."


def county_note(rows: pd.DataFrame, county: str) -> str:
    """Why the county's figure is missing for some rows, in one sentence grouped by reason
    ("" when every row has one): the county's published row and the exact figure from its
    districts' counts were both tried (:func:`hwb.model.headline.with_county`)."""
    if "county_value" not in rows.columns:
        return ""
    gone = rows[rows["county_value"].isna()]
    if gone.empty:
        return ""
    by_reason: dict[str, list[str]] = {}
    for _, r in gone.iterrows():
        reason = str(r.get("county_reason", "") or "")
        if not reason or reason.startswith("no count and denominator"):
            reason = f"no {county} row in this snapshot, and no district counts to add up"
        else:
            reason = f"no {county} row in this snapshot, and {reason}"
        by_reason.setdefault(reason, []).append(str(r["short_name"]))
    parts = [
        f"{fmt.join_words(list(dict.fromkeys(names)))} ({reason})"
        for reason, names in by_reason.items()
    ]
    return f"No {county} figure for " + "; ".join(parts) + "."
