"""SPC (statistical process control) charts in the NHS "Making Data Count" style.

Takes the output of :func:`hwb.stats.spc` (one indicator's points with mean, process
limits and ``point_class``); the panel title is the caller's (the pack puts the recent trend
there, so each indicator has one verdict on change). Special-cause points are drawn with their own marker
shape as well as colour: improvement (filled circle), concern (filled square),
special cause without a judgement (triangle); common cause points are small grey dots.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from hwb.charts import theme

POINT_STYLE = {
    "Improvement": (theme.DARK_BLUE, "o", 45),
    "Concern": (theme.ORANGE, "s", 45),
    "Neither": (theme.LIGHT_PURPLE, "^", 45),
    "Common cause": (theme.LIGHT_GREY, "o", 18),
}
LEGEND = {
    "Improvement": "Unusual: improvement",
    "Concern": "Unusual: concern",
    "Neither": "Unusual (no better or worse)",
    "Common cause": "Usual variation",
}


def _panel(ax, points: pd.DataFrame, title: str) -> None:
    points = points.sort_values("period_sortable", kind="stable").reset_index(drop=True)
    x = range(len(points))
    ax.plot(x, points["value"], color=theme.DARK_GREY, lw=1, zorder=2)
    ax.plot(x, points["mean"], color=theme.DARK_GREY, lw=1, ls="-", alpha=0.6)
    ax.plot(x, points["upper_process_limit"], color=theme.DARK_GREY, lw=1, ls="--")
    ax.plot(x, points["lower_process_limit"], color=theme.DARK_GREY, lw=1, ls="--")
    for cls, (colour, marker, size) in POINT_STYLE.items():
        pick = points["point_class"] == cls
        if pick.any():
            ax.scatter(
                [i for i, p in zip(x, pick, strict=False) if p],
                points.loc[pick, "value"],
                color=colour,
                marker=marker,
                s=size,
                zorder=3,
                edgecolor=theme.DARK_GREY if cls != "Common cause" else "none",
                label=LEGEND[cls],
            )
    labels = list(points["period"])
    step = max(1, math.ceil(len(labels) / 6))
    ax.set_xticks(list(range(0, len(labels), step)), labels[::step], fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title(
        title, fontsize=9, loc="left", fontweight="bold"
    )  # the caller's words, no second verdict
    ax.legend(fontsize=7, loc="best")


@theme.stable_inputs
def spc_grid(panels: Sequence[tuple[str, pd.DataFrame]], title: str, ncols: int = 2) -> Figure:
    """Small multiples of SPC charts: one panel per (indicator title, :func:`hwb.stats.spc` points)."""
    return theme.small_multiples(panels, lambda ax, p: _panel(ax, p[1], p[0]), title, 2.7, ncols)
