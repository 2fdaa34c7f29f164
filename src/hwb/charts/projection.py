"""Projection charts: recent values, the straight-line trend to the strategy horizons, and its
95% prediction interval, with England's projected line for comparison.

Takes the district and England series (tidy rows) and :func:`hwb.stats.project` output.
Observed points are solid markers; projections are hollow markers on a dashed line, so
"measured" and "projected" differ by shape and line style, not only by shade. A break in the
series is a gap in the measured line, marked as in the trend charts
(:func:`hwb.charts.trends.split_at_break`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from hwb.charts import theme
from hwb.charts.trends import mark_break, split_at_break


def _panel(
    ax,
    district: pd.DataFrame,
    england: pd.DataFrame,
    projection: pd.DataFrame,
    title: str,
    unit: str,
    names: dict[str, str],
) -> None:
    district = district[district["value"].notna()].sort_values("year", kind="stable")
    england = england[england["value"].notna()].sort_values("year", kind="stable")
    pieces = split_at_break(district)
    for i, piece in enumerate(pieces):
        ax.plot(
            piece["year"],
            piece["value"],
            "-o",
            color=theme.DISTRICT_COLOUR,
            ms=4,
            lw=2,
            label=f"{names['district']} (measured)" if i == 0 else None,
        )
    if len(pieces) > 1:  # a break: two lines, and a marked gap between them
        at = (float(pieces[0]["year"].iloc[-1]) + float(pieces[1]["year"].iloc[0])) / 2
        mark_break(ax, at)
    for i, piece in enumerate(split_at_break(england)):
        ax.plot(
            piece["year"],
            piece["value"],
            ":",
            color=theme.ENGLAND_COLOUR,
            lw=1.6,
            label=f"{names['england']} (measured)" if i == 0 else None,
        )
    ok = projection[projection["status"] == "ok"].sort_values("horizon", kind="stable")
    if len(ok) and len(district):
        last_year, last_value = float(district["year"].iloc[-1]), float(district["value"].iloc[-1])
        years = np.concatenate([[last_year], ok["horizon"].to_numpy(dtype=float)])
        values = np.concatenate([[last_value], ok["projected"].to_numpy(dtype=float)])
        lower = np.concatenate([[last_value], ok["lower_95"].to_numpy(dtype=float)])
        upper = np.concatenate([[last_value], ok["upper_95"].to_numpy(dtype=float)])
        ax.fill_between(
            years,
            lower,
            upper,
            color=theme.PALE_BLUE,
            alpha=0.7,
            lw=0,
            label="95% prediction interval",
        )
        ax.plot(years, values, "--", color=theme.DISTRICT_COLOUR, lw=1.6)
        ax.scatter(
            years[1:],
            values[1:],
            facecolor="white",
            edgecolor=theme.DISTRICT_COLOUR,
            s=40,
            zorder=3,
            label=f"{names['district']} (projected)",
        )
        if "benchmark_projected" in ok and ok["benchmark_projected"].notna().any() and len(england):
            ey = np.concatenate(
                [[float(england["year"].iloc[-1])], ok["horizon"].to_numpy(dtype=float)]
            )
            ev = np.concatenate(
                [
                    [float(england["value"].iloc[-1])],
                    ok["benchmark_projected"].to_numpy(dtype=float),
                ]
            )
            ax.plot(
                ey,
                ev,
                "--",
                color=theme.ENGLAND_COLOUR,
                lw=1,
                label=f"{names['england']} (projected)",
            )
    ax.set_title(title, fontsize=9.5, loc="left", fontweight="bold")
    if unit:
        ax.set_ylabel(unit, fontsize=8)
    ax.tick_params(labelsize=8)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=6.5, loc="best")


@theme.stable_inputs
def projection_grid(
    panels: Sequence[tuple[str, str, pd.DataFrame, pd.DataFrame, pd.DataFrame]],
    names: dict[str, str],
    title: str,
    ncols: int = 2,
) -> Figure:
    """Small multiples: one panel per (title, unit, district rows, England rows, projection rows)."""
    return theme.small_multiples(
        panels,
        lambda ax, p: _panel(ax, p[2], p[3], p[4], p[0], p[1], names),
        title,
        2.8,
        ncols,
    )
