"""The Fingertips-style spine chart: the district against England and the range of districts.

One row per indicator. England sits on the centre line; the grey bar runs from the
worst to the best district in the snapshot (the darker middle part from the 25th to
the 75th percentile), oriented so that *worse is always to the left*. Indicators without
a polarity (deprivation, prevalence) have no better or worse: lower is to the left, their
names are in italics with "lower ◀ ▶ higher" under the bar, and their marks are the
Higher / Similar / Lower ones (or the quintile's own hexagon), never the better/worse ones.
The district is a marker whose colour and shape show the 95% benchmark; the word is
printed at the right of the row as well. Long names wrap onto a second line; none is cut.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from hwb.charts import theme
from hwb.text import format as fmt

NAME_X, VALUE_X, LABEL_X = -3.35, -1.12, 1.12
XLIM = (-3.4, 2.75)
ROW_INCHES, EXTRA_INCHES = 0.42, 1.15
NAME_CHARS = 34
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


def spine_chart(rows: pd.DataFrame, title: str, district_name: str, range_label: str) -> Figure:
    """Draw ``rows`` (headline-table rows with a value) as a spine chart and return the Figure.

    ``range_label`` says what the grey bars span, e.g. "the 12 districts in this snapshot".
    """
    rows = rows.reset_index(drop=True)
    n = max(len(rows), 1)
    two_lines = any(len(wrap_name(x)) > 1 for x in rows["label"])
    row_inches = ROW_INCHES * (1.3 if two_lines else 1.0)
    neutral = rows["polarity"].eq("no_judgement")
    notes = textwrap.wrap(
        f"Bars: range of {range_label} (darker: middle half). Line: England.", NOTE_CHARS
    )
    if neutral.any():
        notes.append("Names in italics: no better or worse; lower is to the left.")
    extra = 0.16 * max(len(notes) - 1, 0)
    with theme.house_style():
        fig, ax = theme.new_figure(size=(theme.WIDTH, EXTRA_INCHES + extra + row_inches * n))
        ax.set_xlim(*XLIM)
        ax.set_ylim(n + 0.3 + extra / row_inches, -1.3)
        ax.axis("off")
        ax.text(NAME_X, -0.95, "Indicator (period)", fontweight="bold", va="center", fontsize=10)
        ax.text(
            VALUE_X, -0.95, district_name, fontweight="bold", ha="right", va="center", fontsize=10
        )
        ax.text(-1, -0.95, "◀ worse", ha="left", va="center", fontsize=9, color=theme.DARK_GREY)
        ax.text(1, -0.95, "better ▶", ha="right", va="center", fontsize=9, color=theme.DARK_GREY)
        ax.text(
            0,
            -0.95,
            "England",
            ha="center",
            va="center",
            fontsize=9,
            color=theme.DARK_GREY,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
            zorder=4,
        )
        ax.text(LABEL_X, -0.95, "vs England (95%)", fontweight="bold", va="center", fontsize=10)
        ax.vlines(0, -0.5, n - 0.5, color=theme.ENGLAND_COLOUR, lw=1.5, zorder=2)
        for i, row in rows.iterrows():
            if i % 2 == 0:
                ax.axhspan(i - 0.5, i + 0.5, color=theme.PALE_GREY, zorder=0, lw=0)
            lines = wrap_name(row["label"])
            style_name = "italic" if neutral.iloc[i] else "normal"
            ax.text(
                NAME_X,
                i - 0.12 - 0.13 * (len(lines) - 1),
                "\n".join(lines),
                va="center",
                fontsize=9.5,
                fontstyle=style_name,
                linespacing=0.95,
            )
            ax.text(
                NAME_X, i + 0.27, str(row["period"]), va="center", fontsize=8, color=theme.DARK_GREY
            )
            ax.text(
                VALUE_X,
                i,
                fmt.with_unit(row["value"], row["unit"] if row["unit"] == "%" else ""),
                ha="right",
                va="center",
                fontsize=10,
            )
            ax.text(LABEL_X, i, _label(row), va="center", fontsize=9)
            pos = spine_positions(row)
            if pos is None:
                ax.text(
                    0.05,
                    i,
                    "no England value to compare with",
                    va="center",
                    fontsize=8,
                    color=theme.DARK_GREY,
                )
                continue
            low, high = (
                sorted([pos["min"], pos["max"]]) if not np.isnan(pos["min"]) else (np.nan, np.nan)
            )
            if not np.isnan(low):
                ax.barh(i, high - low, left=low, height=0.5, color=theme.PALE_BLUE, zorder=1, lw=0)
            if not np.isnan(pos["q25"]):
                q_low, q_high = sorted([pos["q25"], pos["q75"]])
                ax.barh(
                    i,
                    q_high - q_low,
                    left=q_low,
                    height=0.5,
                    color=theme.LIGHT_BLUE,
                    zorder=1,
                    lw=0,
                )
            if neutral.iloc[i]:
                ax.text(
                    0,
                    i + 0.36,
                    "lower ◀   ▶ higher",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color=theme.DARK_GREY,
                    zorder=4,
                )
            style = theme.significance_style(row["compared_95"])
            ax.scatter(
                [pos["value"]],
                [i],
                s=110,
                marker=style.marker,
                color=style.colour,
                edgecolor=theme.DARK_GREY,
                linewidth=1,
                zorder=3,
            )
        ax.set_title(title, loc="left", fontsize=12, fontweight="bold", wrap=True)
        ax.text(
            NAME_X,
            n - 0.1,
            "\n".join(notes),
            fontsize=8,
            color=theme.DARK_GREY,
            ha="left",
            va="top",
        )
    return fig


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
                if r["compared_95"] in QUINTILE_WORDS or r.get("compared_to") == "goal"
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
