"""The Fingertips-style spine chart: the district against England and the range of districts.

One row per indicator. England sits on the centre line; the grey bar runs from the
worst to the best district in the snapshot (the darker middle part from the 25th to
the 75th percentile), oriented so that *worse is always to the left*. Indicators without
a polarity (deprivation, prevalence) have no better or worse: lower is to the left, their
names are in italics with "lower ◀ ▶ higher" under the bar, and their marks are the
Higher / Similar / Lower ones (or the quintile's own hexagon), never the better/worse ones.
The district is a marker whose colour and shape show the 95% benchmark; the word is
printed at the right of the row as well. Long names wrap onto a second line; none is cut.

Written as SVG (:mod:`hwb.charts.svg`), not drawn by matplotlib: the chart is mostly text
in fixed columns, which matplotlib spends a tenth of a second a chart laying out.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from hwb.charts import svg, theme
from hwb.text import format as fmt
from hwb.text.alt import fifth_of

NAME_X, VALUE_X, LABEL_X = -3.35, -1.12, 1.12
XLIM = (-3.4, 2.75)  # the horizontal scale across the chart's width, less its margins
ROW_INCHES = 0.42
WIDTH_PX = theme.WIDTH * theme.DPI
MARGIN_PX, HEADER_GAP_PX = 8, 14
MARKER_PT = 110**0.5  # the area of matplotlib's scatter marker of size 110
NOTE_LINE_HEIGHT = 1.3
NAME_CHARS = 34
AREA_CHARS = 14  # the value column's heading (the area's name) fits beside "Indicator (period)"
NOTE_CHARS = 125
QUINTILE_WORDS = {
    "Lowest": "Lowest fifth",
    "Low": "Low fifth",
    "Middle": "Middle fifth",
    "High": "High fifth",
    "Highest": "Highest fifth",
}


def _label(row: pd.Series) -> str:
    base = row["compared_95"]
    extra = row.get("compared_998", "Not compared")
    if base in QUINTILE_WORDS:
        return QUINTILE_WORDS[base]
    if fifth_of(row):  # judged by fifths of districts, not tested against England
        return fmt.upper_first(fifth_of(row))
    if base == "Not compared":
        return "Not compared"
    if row.get("compared_to", "England") == "goal":
        met = "Meets" if base == "Better" else "Misses"
        return f"{met} goal ({fmt.with_unit(row['goal'], row['unit'])})"
    return f"{base} (99.8%: {extra})" if extra != "Not compared" else base


def wrap_name(name: str, width: int = NAME_CHARS) -> list[str]:
    """An indicator name in lines of at most ``width`` characters: wrapped, never truncated."""
    return textwrap.wrap(str(name), width=width, break_long_words=False) or [""]


def spine_positions(row: pd.Series) -> dict[str, float] | None:
    """Scaled positions (-1..1, England at 0) of the district and the range; None if unplottable."""
    england = row["england_value"]
    if fmt.is_missing(england) or fmt.is_missing(row["value"]):
        return None
    points = [row[c] for c in ("districts_min", "districts_max", "value")]
    points = [float(p) for p in points if not fmt.is_missing(p)]
    half = max(abs(p - float(england)) for p in points) if points else 0.0
    if half == 0:
        half = abs(float(england)) or 1.0
    flip = -1.0 if row["polarity"] == "low_is_good" else 1.0

    def scale(x):
        return np.nan if fmt.is_missing(x) else flip * (float(x) - float(england)) / half

    return {
        k: scale(row[c])
        for k, c in (
            ("value", "value"),
            ("min", "districts_min"),
            ("q25", "districts_q25"),
            ("q75", "districts_q75"),
            ("max", "districts_max"),
        )
    }


def _x(u: float) -> float:
    """A position on the chart's horizontal scale (England 0, the bar -1..1; names and
    labels at :data:`NAME_X`, :data:`VALUE_X`, :data:`LABEL_X`) in SVG pixels."""
    return MARGIN_PX + (u - XLIM[0]) * (WIDTH_PX - 2 * MARGIN_PX) / (XLIM[1] - XLIM[0])


@theme.stable_inputs
def spine_chart(
    rows: pd.DataFrame, title: str, district_name: str, range_label: str
) -> svg.SvgChart:
    """Draw ``rows`` (headline-table rows with a value) as a spine chart (SVG).

    ``range_label`` says what the grey bars span, e.g. "the 12 districts in this snapshot".
    """
    rows = rows.reset_index(drop=True)
    n = len(rows)
    two_lines = any(len(wrap_name(x)) > 1 for x in rows["label"])
    row_px = ROW_INCHES * theme.DPI * (1.3 if two_lines else 1.0)
    neutral = rows["polarity"].eq("no_judgement")
    notes = textwrap.wrap(
        f"Bars: range of {range_label} (darker: middle half). Line: England.", NOTE_CHARS
    )
    if neutral.any():
        notes.append("Names in italics: no better or worse; lower is to the left.")

    heading, heading_size = theme.fit_title(title, (WIDTH_PX - 2 * MARGIN_PX) / theme.DPI)
    title_px = svg.pt(heading_size) * 1.25 * (heading.count("\n") + 1)
    # the area's name heads the value column, which is narrow: long names take two lines
    area = "\n".join(textwrap.wrap(district_name, AREA_CHARS) or [""])
    header_px = svg.pt(10) * 1.2 * (area.count("\n") + 1)
    header_y = MARGIN_PX + title_px + HEADER_GAP_PX + header_px / 2
    top = header_y + header_px / 2 + HEADER_GAP_PX
    notes_top = top + n * row_px + 14
    height = notes_top + svg.pt(8) * NOTE_LINE_HEIGHT * len(notes) + MARGIN_PX
    chart = svg.SvgChart(WIDTH_PX, round(height))

    chart.text(
        _x(NAME_X), MARGIN_PX + title_px / 2, heading, heading_size, weight="bold", line_height=1.25
    )
    grey = theme.DARK_GREY
    chart.text(_x(NAME_X), header_y, "Indicator (period)", 10, weight="bold")
    chart.text(_x(VALUE_X), header_y, area, 10, weight="bold", anchor="end")
    chart.text(_x(-1), header_y, "◀ worse", 9, colour=grey)
    chart.text(_x(1), header_y, "better ▶", 9, colour=grey, anchor="end")
    chart.text(_x(0), header_y, "England", 9, colour=grey, anchor="middle")
    chart.text(_x(LABEL_X), header_y, "vs England (95%)", 10, weight="bold")

    marks = []
    for i, row in rows.iterrows():
        middle = top + (i + 0.5) * row_px
        if i % 2 == 0:
            chart.rect(
                MARGIN_PX, middle - row_px / 2, WIDTH_PX - 2 * MARGIN_PX, row_px, theme.PALE_GREY
            )
        lines = wrap_name(row["label"])
        chart.text(
            _x(NAME_X),
            middle - (0.12 + 0.13 * (len(lines) - 1)) * row_px,
            "\n".join(lines),
            9.5,
            style="italic" if neutral.iloc[i] else "normal",
            line_height=1.1,
        )
        chart.text(_x(NAME_X), middle + 0.27 * row_px, str(row["period"]), 8, colour=grey)
        value = fmt.with_unit(row["value"], row["unit"] if row["unit"] == "%" else "")
        chart.text(_x(VALUE_X), middle, value, 10, anchor="end")
        chart.text(_x(LABEL_X), middle, _label(row), 9)
        pos = spine_positions(row)
        if pos is None:
            chart.text(_x(0.05), middle, "no England value to compare with", 8, colour=grey)
            continue
        bar = (middle - row_px / 4, row_px / 2)
        if not np.isnan(pos["min"]):
            low, high = sorted([pos["min"], pos["max"]])
            chart.rect(_x(low), bar[0], _x(high) - _x(low), bar[1], theme.PALE_BLUE)
        if not np.isnan(pos["q25"]):
            low, high = sorted([pos["q25"], pos["q75"]])
            chart.rect(_x(low), bar[0], _x(high) - _x(low), bar[1], theme.LIGHT_BLUE)
        if neutral.iloc[i]:
            marks.append(("text", middle + 0.36 * row_px))
        marks.append(("marker", middle, pos["value"], theme.significance_style(row["compared_95"])))
    # England's line over the bars, then the district's marks over the line
    chart.line(_x(0), top, _x(0), top + n * row_px, theme.ENGLAND_COLOUR, svg.pt(1.5))
    for mark in marks:
        if mark[0] == "text":
            # no-break spaces, which SVG does not collapse: a gap for England's line
            words = "lower ◀\u00a0\u00a0\u00a0▶ higher"
            chart.text(_x(0), mark[1], words, 7, colour=grey, anchor="middle")
        else:
            _, middle, value, style = mark
            chart.marker(_x(value), middle, style.marker, MARKER_PT, style.colour, grey)
    chart.text(
        _x(NAME_X),
        notes_top + svg.pt(8) * NOTE_LINE_HEIGHT * len(notes) / 2,
        "\n".join(notes),
        8,
        colour=grey,
        line_height=NOTE_LINE_HEIGHT,
    )
    return chart


def spine_data(rows: pd.DataFrame) -> pd.DataFrame:
    """The numbers a spine chart shows, as the table under it."""
    out = pd.DataFrame(
        {
            "Indicator": rows["label"],
            "Period": rows["period"],
            "Unit": rows["unit"],
            "District": rows["value"].map(fmt.number),
            "95% CI": [
                fmt.interval(lo, hi)
                for lo, hi in zip(rows["lower_95"], rows["upper_95"], strict=False)
            ],
            "England": rows["england_value"].map(fmt.number),
            "Worst district (lowest if no better or worse)": [
                _end(r, worst=True) for _, r in rows.iterrows()
            ],
            "A quarter of districts are worse than (lower quartile if no better or worse)": [
                _quartile(r, worst=True) for _, r in rows.iterrows()
            ],
            "A quarter of districts are better than (upper quartile if no better or worse)": [
                _quartile(r, worst=False) for _, r in rows.iterrows()
            ],
            "Best district (highest if no better or worse)": [
                _end(r, worst=False) for _, r in rows.iterrows()
            ],
            "Compared with England (95%)": [
                _label(r)
                if r["compared_95"] in QUINTILE_WORDS
                or r.get("compared_to") == "goal"
                or fifth_of(r)
                else r["compared_95"]
                for _, r in rows.iterrows()
            ],
            "Compared with England (99.8%)": rows["compared_998"],
        }
    )
    return out.reset_index(drop=True)


def _quartile(row: pd.Series, worst: bool) -> str:
    """The quartile on the worse (or better) side: for low-is-good indicators the 75th
    percentile is the worse one, so the columns read in the same direction as the ends."""
    low, high = row["districts_q25"], row["districts_q75"]
    if row["polarity"] == "low_is_good":
        low, high = high, low
    return fmt.number(low if worst else high)


def _end(row: pd.Series, worst: bool) -> str:
    low, high = row["districts_min"], row["districts_max"]
    if row["polarity"] == "high_is_good":
        value = low if worst else high
    elif row["polarity"] == "low_is_good":
        value = high if worst else low
    else:
        value = low if worst else high
    return fmt.number(value)
