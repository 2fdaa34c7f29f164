"""Gap chart: one indicator across the districts, each with its 95% interval, against England.

Districts are sorted worst first; each is a dot (shape and colour by its benchmark)
with a horizontal interval line, and England is a vertical dotted line, so the gap
for every district can be read against one reference.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from hwb.charts import theme


@theme.stable_inputs
def gap_chart(rows: pd.DataFrame, england: float, title: str, unit: str) -> Figure:
    """``rows``: one per district with columns name, value, lower_95, upper_95, compared_95 (drawn top to bottom)."""
    rows = rows.reset_index(drop=True)
    with theme.house_style():
        fig, ax = theme.new_figure(size=(theme.WIDTH, 1.2 + 0.32 * max(len(rows), 1)))
        for i, r in rows.iterrows():
            if pd.notna(r["lower_95"]) and pd.notna(r["upper_95"]):
                ax.plot([r["lower_95"], r["upper_95"]], [i, i], color=theme.DARK_GREY, lw=1.2)
            style = theme.significance_style(r["compared_95"])
            ax.scatter(
                [r["value"]],
                [i],
                marker=style.marker,
                s=60,
                color=style.colour,
                edgecolor=theme.DARK_GREY,
                zorder=3,
            )
        if pd.notna(england):
            ax.axvline(england, color=theme.ENGLAND_COLOUR, ls=":", lw=1.6)
            ax.text(
                england,
                -0.9,
                f" England {england:.1f}",
                fontsize=8,
                color=theme.ENGLAND_COLOUR,
                va="bottom",
            )
        ax.set_yticks(
            range(len(rows)),
            [f"{n}  ({v:.1f})" for n, v in zip(rows["name"], rows["value"], strict=False)],
            fontsize=9,
        )
        ax.set_ylim(len(rows) - 0.4, -1.2)
        ax.grid(axis="x", color="0.85")
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(unit)
        text, size = theme.fit_title(title, 0.6 * fig.get_figwidth())
        ax.set_title(text, loc="left", fontsize=size, fontweight="bold")
    return fig
