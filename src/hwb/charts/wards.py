"""Ward chart: every ward of a district by deprivation, the priority wards marked and labelled.

One horizontal bar per ward (most deprived at the top), its IMD 2019 score written at the
bar's end. Priority wards are dark blue bars with a ◆ and bold names; the other wards are
light grey, so the two differ in lightness and shape, not hue alone. Dotted and dashed
lines mark England's and the district's middle ward, each labelled in words.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from hwb.charts import theme

PRIORITY_MARK = "◆"


@theme.stable_inputs
def ward_chart(
    rows: pd.DataFrame,
    district_median: float,
    england_median: float,
    district: str,
    title: str,
    *,
    england_words: str = "England's middle ward",
    measure: str = "IMD 2019 score",
) -> Figure:
    """``rows``: one per ward with columns ward, imd_score and priority (bool), any order.
    ``england_words`` names England's line, ``measure`` the score (the x-axis)."""
    rows = rows.sort_values(
        ["imd_score", "ward"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    with theme.house_style():
        fig, ax = theme.new_figure(size=(theme.WIDTH, 1.4 + 0.27 * max(len(rows), 1)))
        colours = [theme.DARK_BLUE if p else theme.LIGHT_GREY for p in rows["priority"]]
        ax.barh(
            range(len(rows)), rows["imd_score"], color=colours, edgecolor=theme.DARK_GREY, lw=0.5
        )
        for i, r in rows.iterrows():
            ax.text(
                r["imd_score"] + 0.6,
                i,
                f"{r['imd_score']:.1f}",
                va="center",
                fontsize=8,
                fontweight="bold" if r["priority"] else "normal",
            )
        labels = [
            f"{PRIORITY_MARK} {w}" if p else w
            for w, p in zip(rows["ward"], rows["priority"], strict=False)
        ]
        ax.set_yticks(range(len(rows)), labels, fontsize=9)
        for tick, priority in zip(ax.get_yticklabels(), rows["priority"], strict=False):
            tick.set_fontweight("bold" if priority else "normal")
        top = -0.9
        for value, style, colour, words in (
            (
                england_median,
                ":",
                theme.ENGLAND_COLOUR,
                f"{england_words} {england_median:.1f}",
            ),
            (
                district_median,
                "--",
                theme.TURQUOISE,
                f"{district}'s middle ward {district_median:.1f}",
            ),
        ):
            if pd.notna(value):
                ax.axvline(value, color=colour, ls=style, lw=1.6)
                ax.text(value, top, f" {words}", fontsize=8, color=theme.DARK_GREY, va="bottom")
                top -= 0.9
        ax.set_ylim(len(rows) - 0.4, top - 0.2)
        ax.set_xlim(0, max(float(rows["imd_score"].max()) if len(rows) else 1.0, 1.0) * 1.12)
        ax.grid(axis="x", color="0.85")
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(
            f"{measure} (higher is more deprived); {PRIORITY_MARK} dark bars: priority wards"
        )
        # never cut: the title fits the width beside the ward names (smaller, or wrapped)
        text, size = theme.fit_title(title, 0.68 * fig.get_figwidth())
        ax.set_title(text, loc="left", fontsize=size, fontweight="bold")
    return fig
