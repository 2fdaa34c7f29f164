"""Trend charts: the district over time with its 95% interval, beside the county and England.

Lines are labelled directly at their right-hand end (no legend to decode), and the
three areas differ by colour *and* line style (solid, dashed, dotted). Several
indicators are drawn as small multiples in one figure so a page stays light.

A line is never drawn across a break in its series (the rows' ``break_sortable``: where the
series' latest break starts, from the model): the points before and after the break are two
lines with a gap between them, and a thin grey vertical line marked "break" stands in the gap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from hwb.charts import theme
from hwb.text import format as fmt

LINE_STYLES = {"district": "-", "county": "--", "england": ":"}
PANEL_HEIGHT = 2.6


#: the label on the vertical line that marks a break in a series
BREAK_MARK = "break"


def split_at_break(rows: pd.DataFrame) -> list[pd.DataFrame]:
    """One area's rows (sorted by period) as the pieces to draw as separate lines: the rows
    before its series' break (``break_sortable``) and the rows from it on; the whole as one
    piece when there is no break among them."""
    if "break_sortable" not in rows.columns or rows.empty:
        return [rows]
    at = rows["break_sortable"].dropna()
    if at.empty:
        return [rows]
    after = rows["period_sortable"].to_numpy(dtype=float) >= float(at.iloc[0])
    pieces = [rows[~after], rows[after]]
    return [p for p in pieces if len(p)]


def mark_break(ax, at: float) -> None:
    """A thin grey vertical line at ``at`` (between the last point before a break and the first
    after it), labelled :data:`BREAK_MARK` at the top."""
    ax.axvline(at, color=theme.LIGHT_GREY, lw=0.9, ls=(0, (2, 2)), zorder=2)
    ax.annotate(
        BREAK_MARK,
        (at, 1),
        xycoords=("data", "axes fraction"),
        xytext=(0, -2),
        textcoords="offset points",
        fontsize=7,
        color=theme.DARK_GREY,
        ha="center",
        va="top",
    )


def _draw_panel(
    ax, series: pd.DataFrame, codes: dict[str, str], names: dict[str, str], title: str, unit: str
) -> None:
    periods = (
        series[["period_sortable", "period"]]
        .drop_duplicates("period_sortable")
        .sort_values("period_sortable", kind="stable")
    )
    position = {p: i for i, p in enumerate(periods["period_sortable"])}
    colours = {
        "district": theme.DISTRICT_COLOUR,
        "county": theme.COUNTY_COLOUR,
        "england": theme.ENGLAND_COLOUR,
    }
    ends = []
    breaks: set[float] = set()
    for role in ("england", "county", "district"):
        rows = series[(series["area_code"] == codes[role]) & series["value"].notna()].sort_values(
            "period_sortable",
            kind="stable",
        )
        if rows.empty:
            continue
        pieces = split_at_break(rows)
        for piece in pieces:
            x = piece["period_sortable"].map(position).to_numpy(dtype=float)
            if role == "district" and piece["lower_95"].notna().any():
                low = piece["lower_95"].to_numpy(dtype=float)
                high = piece["upper_95"].to_numpy(dtype=float)
                if len(piece) == 1:  # one point on its own (after a break): a bar, not a band
                    ax.vlines(x, low, high, color=theme.PALE_BLUE, lw=6, zorder=1)
                else:
                    ax.fill_between(x, low, high, color=theme.PALE_BLUE, alpha=0.8, lw=0, zorder=1)
            ax.plot(
                x,
                piece["value"],
                LINE_STYLES[role],
                color=colours[role],
                lw=2 if role == "district" else 1.6,
                marker="o" if role == "district" or len(piece) == 1 else None,
                ms=4 if role == "district" else 3,
                zorder=3,
            )
        if len(pieces) > 1:
            breaks.add(float(position[pieces[1]["period_sortable"].iloc[0]]) - 0.5)
        x = rows["period_sortable"].map(position).to_numpy(dtype=float)
        ends.append((x[-1], float(rows["value"].iloc[-1]), names[role], colours[role]))
    for at in sorted(breaks):
        mark_break(ax, at)
    labels = list(periods["period"])
    step = max(1, math.ceil(len(labels) / 6))
    # counted back from the latest period, so it is always labelled and never crowds its neighbour
    ticks = sorted(range(len(labels) - 1, -1, -step))
    ax.set_xticks(ticks, [labels[i] for i in ticks], fontsize=8)
    ax.set_xlim(-0.3, max(len(labels) - 1, 1) + 0.3)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title(title, fontsize=9.5, loc="left", fontweight="bold")
    if unit:
        ax.set_ylabel(unit, fontsize=8)
    _label_ends(ax, ends)


def _label_ends(ax, ends) -> None:
    """Name each line at its last point, nudged apart so labels do not overlap."""
    if not ends:
        return
    low, high = ax.get_ylim()
    span = (high - low) or 1.0
    placed: list[float] = []
    for x, y, name, colour in sorted(ends, key=lambda e: e[1]):
        target = y
        for p in placed:
            if abs(target - p) < 0.09 * span:
                target = p + 0.09 * span
        placed.append(target)
        ax.annotate(
            name,
            (x, y),
            xytext=(6, (target - y) / span * 140),
            textcoords="offset points",
            fontsize=7.5,
            color=colour,
            va="center",
            ha="left",
            annotation_clip=False,
        )


@theme.stable_inputs
def trend_grid(
    panels: Sequence[tuple[str, str, pd.DataFrame]],
    codes: dict[str, str],
    names: dict[str, str],
    title: str,
    ncols: int = 2,
) -> Figure:
    """Small multiples: one panel per (panel title, unit, series) with district, county and England lines.

    ``codes``/``names`` map the roles "district", "county", "england" to area codes and display names.
    """
    return theme.small_multiples(
        panels,
        lambda ax, p: _draw_panel(ax, p[2], codes, names, p[0], p[1]),
        title,
        PANEL_HEIGHT,
        ncols,
    )


def trend_data(
    panels: Sequence[tuple[str, str, pd.DataFrame]], names_by_code: dict[str, str]
) -> pd.DataFrame:
    """The numbers behind a trend grid: one row per indicator and period, one column per area."""
    frames = []
    codes = list(names_by_code)
    for panel_title, unit, series in panels:
        rows = series[series["value"].notna()]
        periods = (
            rows[["period_sortable", "period"]]
            .drop_duplicates()
            .sort_values("period_sortable", kind="stable")
        )
        table = pd.DataFrame(
            {"Indicator": panel_title, "Unit": unit, "Period": periods["period"].to_numpy()}
        )
        for i, code in enumerate(codes):
            area = rows[rows["area_code"] == code].set_index("period_sortable")
            values = area["value"].reindex(periods["period_sortable"])
            table[names_by_code[code]] = values.map(fmt.number).to_numpy()
            if i == 0:
                lo = area["lower_95"].reindex(periods["period_sortable"])
                hi = area["upper_95"].reindex(periods["period_sortable"])
                table[f"{names_by_code[code]} 95% CI"] = [
                    fmt.interval(a, b) for a, b in zip(lo, hi, strict=False)
                ]
        frames.append(table)
    if not frames:
        return pd.DataFrame(columns=["Indicator", "Unit", "Period"])
    return pd.concat(frames, ignore_index=True)
