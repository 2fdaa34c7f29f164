"""Chart titles that state the finding, and alt text generated from each chart's own numbers.

Every function here reads the same rows the chart draws, so the words and the picture
cannot disagree. Alt text always contains the key numbers (a screen-reader user gets
the values, not just "a chart").
"""

from __future__ import annotations

import pandas as pd

from hwb.text import format as fmt

JUDGED = ("Better", "Similar", "Worse")
#: an indicator judged by fifths of English districts (benchmark ``quintiles``) has the words
#: "Worst" to "Best" for its fifth: never a test against England, so never "significantly worse"
FIFTHS = {
    "Worst": "worst fifth",
    "Worse": "second-worst fifth",
    "Middle": "middle fifth",
    "Better": "second-best fifth",
    "Best": "best fifth",
}


def fifth_of(row: pd.Series) -> str:
    """The fifth a row judged by fifths is in ("second-worst fifth"), "" for any other row."""
    if row.get("benchmark") != "quintiles":
        return ""
    return FIFTHS.get(str(row["compared_95"]), "")


def value_phrase(row: pd.Series, column: str = "value") -> str:
    return fmt.with_unit(row[column], row["unit"])


def spine_title(
    rows: pd.DataFrame, district: str, topic: str = "", counts: dict[str, int] | None = None
) -> str:
    """E.g. "Burnley is significantly worse than England on 5 of 8 Living Well indicators".

    Only indicators with a polarity count: "similar" for a no-polarity indicator is not a verdict.
    ``counts`` (the pack's judged lists' "significantly worse" and "significantly better" counts
    for these rows, :func:`hwb.stats.findings.list_counts`) are the numbers stated, so the
    caption agrees with the key messages, summary and overview; without them the rows' labels
    are counted."""
    by_test = pd.Series([not fifth_of(r) for _, r in rows.iterrows()], index=rows.index, dtype=bool)
    judged = rows[rows["compared_95"].isin(JUDGED) & rows["polarity"].ne("no_judgement") & by_test]
    topic_words = f" {topic}" if topic else ""
    if judged.empty:
        return f"{district}{topic_words}: no indicator here can be judged against England"
    worse = int((judged["compared_95"] == "Worse").sum())
    better = int((judged["compared_95"] == "Better").sum())
    if counts is not None:
        worse = int(counts.get("significantly worse", 0))
        better = int(counts.get("significantly better", 0))
    n = len(judged)
    if worse:
        return f"{district} is clearly worse than England on {worse} of {n}{topic_words} indicators"
    if better:
        return (
            f"{district} is clearly better than England on {better} of {n}{topic_words} indicators"
        )
    return (
        f"{district} is similar to England on all {n}{topic_words} indicators that can be compared"
    )


def spine_alt(rows: pd.DataFrame, district: str, range_label: str) -> str:
    """Alt text for a spine chart: every indicator with its value, England's and the judgement."""
    parts = [
        f"Spine chart of {len(rows)} indicators for {district} against England and the range of {range_label}."
    ]
    groups: dict[str, list[str]] = {}
    for _, row in rows.iterrows():
        label = (
            row["compared_95"]
            if row["compared_95"] in JUDGED + ("Higher", "Lower")
            else "Not compared"
        )
        if row.get("compared_to", "England") == "goal" and label in JUDGED:
            label = "Goal met" if label == "Better" else "Goal missed"
        fifth = fifth_of(row)
        if fifth:
            label = "Fifths"
        england = (
            f"England {value_phrase(row, 'england_value')}"
            if not fmt.is_missing(row["england_value"])
            else ""
        )
        said = "; ".join(w for w in (england, fifth) if w)
        groups.setdefault(label, []).append(
            f"{row['label']} {value_phrase(row)}" + (f" ({said})" if said else "")
        )
    wording = {
        "Worse": "Significantly worse than England",
        "Better": "Significantly better than England",
        "Similar": "Similar to England",
        "Higher": "Significantly higher than England (neither better nor worse)",
        "Lower": "Significantly lower than England (neither better nor worse)",
        "Not compared": "Not compared",
        "Goal met": "Meets its national goal",
        "Goal missed": "Misses its national goal",
        "Fifths": "Placed among English districts by fifths, not tested against England",
    }
    for key in (
        "Worse",
        "Goal missed",
        "Higher",
        "Similar",
        "Lower",
        "Better",
        "Goal met",
        "Fifths",
        "Not compared",
    ):
        if key in groups:
            parts.append(f"{wording[key]}: {'; '.join(groups[key])}.")
    return " ".join(parts)


def break_words(rows: pd.DataFrame) -> str:
    """Where one area's line (rows sorted by period) is broken, in words: ", with a break in
    the series from 2023/24 (the line is not joined across it)"; "" when its series has no
    break among these periods (``break_sortable``: where the latest break starts)."""
    if "break_sortable" not in rows.columns or rows.empty:
        return ""
    at = rows["break_sortable"].dropna()
    if at.empty:
        return ""
    after = rows[rows["period_sortable"].to_numpy(dtype=float) >= float(at.iloc[0])]
    if after.empty or len(after) == len(rows):
        return ""
    return (
        f", with a break in the series from {after['period'].iloc[0]} "
        "(the line is not joined across it)"
    )


def trend_alt(series: pd.DataFrame, label: str, unit: str, names: dict[str, str]) -> str:
    """Alt text for a trend chart: first and latest value of each area line, and where a line
    is broken (:func:`break_words`)."""
    parts = [f"Line chart of {label} over time."]
    for code, name in names.items():
        rows = series[(series["area_code"] == code) & series["value"].notna()].sort_values(
            "period_sortable",
            kind="stable",
        )
        if rows.empty:
            continue
        first, last = rows.iloc[0], rows.iloc[-1]
        if len(rows) == 1:
            parts.append(f"{name}: {fmt.with_unit(last['value'], unit)} in {last['period']}.")
        else:
            parts.append(
                f"{name}: {fmt.with_unit(first['value'], unit)} in {first['period']}, "
                f"{fmt.with_unit(last['value'], unit)} in {last['period']}{break_words(rows)}."
            )
    return " ".join(parts)
