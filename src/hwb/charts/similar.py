"""Similar-areas dot plot: a district among its ONS similar authorities, a few indicators.

One row per indicator, each on its own scale: every similar authority a small grey dot,
the district a large dark-blue circle, England a dark-grey diamond and the county a
turquoise triangle (shape as well as colour, so the chart reads without colour). The row
label names the indicator and the district's rank in the group (1 = the best).
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from hwb.charts import theme
from hwb.text import format as fmt

#: how each kind of point is drawn: (marker, size, colour, label)
STYLES = {
    "similar": ("o", 28, theme.LIGHT_GREY, "Similar authorities"),
    "district": ("o", 110, theme.DISTRICT_COLOUR, None),
    "county": ("^", 70, theme.COUNTY_COLOUR, None),
    "england": ("D", 60, theme.ENGLAND_COLOUR, "England"),
}


@theme.stable_inputs
def similar_dot_plot(
    rows: pd.DataFrame, panels: list[str], district: str, county: str, title: str
) -> Figure:
    """``rows``: ``panel`` (the row's label, one of ``panels``, drawn top to bottom), ``role``
    (similar, district, county or england), ``value`` and ``unit``."""
    n = max(len(panels), 1)
    labels = {"district": district, "county": county}
    with theme.house_style():
        fig, axes = theme.new_figure(
            size=(theme.WIDTH, 1.55 + 0.72 * n), nrows=n, ncols=1, squeeze=False, layout="none"
        )
        for ax, panel in zip(axes.flat, panels, strict=False):
            mine = rows[rows["panel"] == panel]
            for role in ("similar", "england", "county", "district"):
                points = mine[(mine["role"] == role) & mine["value"].notna()]
                if points.empty:
                    continue
                marker, size, colour, _ = STYLES[role]
                ax.scatter(
                    points["value"],
                    [0] * len(points),
                    marker=marker,
                    s=size,
                    color=colour,
                    edgecolor=theme.DARK_GREY if role != "similar" else "none",
                    linewidth=0.6,
                    zorder=3 if role == "district" else 2,
                    alpha=0.9 if role == "similar" else 1.0,
                )
            ax.set_yticks([])
            ax.set_ylim(-0.6, 0.6)
            unit = str(mine["unit"].iloc[0]) if len(mine) else ""
            ax.set_title(panel, loc="left", fontsize=9, pad=3)
            ax.tick_params(axis="x", labelsize=8)
            ax.xaxis.set_major_formatter(
                lambda x, _pos, u=unit: fmt.number(x, u if u != "%" else "")
            )
            ax.grid(axis="x", color="0.88")
            ax.grid(axis="y", visible=False)
            for side in ("left", "right", "top"):
                ax.spines[side].set_visible(False)
        handles = [
            Line2D(
                [],
                [],
                marker=STYLES[r][0],
                linestyle="none",
                markersize=7 if r != "similar" else 5,
                markerfacecolor=STYLES[r][2],
                markeredgecolor=theme.DARK_GREY if r != "similar" else STYLES[r][2],
                label=STYLES[r][3] or labels[r],
            )
            for r in ("district", "similar", "county", "england")
        ]
        height = fig.get_figheight()
        fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0.01, 1 - 0.45 / height),
            ncol=4,
            fontsize=8,
            frameon=False,
        )
        text, size = theme.fit_title(title, 0.97 * fig.get_figwidth())
        fig.suptitle(text, x=0.01, ha="left", fontsize=size, fontweight="bold")
        fig.subplots_adjust(
            left=0.03, right=0.97, bottom=0.45 / height, top=1 - 1.25 / height, hspace=1.4
        )
    return fig
