"""Population pyramid: the district's share of people in each 5-year age band, by sex.

Bars are the district (men to the left, women to the right, as a percentage of the
district's whole population so districts of any size compare); the county and
England are outlines of the same shares (dashed and dotted steps).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from hwb.charts import theme
from hwb.text import format as fmt

_BAND = re.compile(r"^(\d+)(?:-(\d+)|\+) yrs$")


def band_start(age: str) -> int | None:
    """``"5-9 yrs"`` -> 5, ``"90+ yrs"`` -> 90; None for anything else (e.g. "All ages")."""
    match = _BAND.match(str(age))
    return int(match.group(1)) if match else None


def pyramid_shares(frame: pd.DataFrame) -> pd.DataFrame:
    """Percent of each area's population in each (sex, band): columns area_code, sex, age, start, percent.

    ``frame`` holds one period's population rows (any areas) with Male/Female 5-year bands.
    """
    rows = frame[frame["sex"].isin(["Male", "Female"]) & frame["value"].notna()].copy()
    rows["start"] = rows["age"].map(band_start)
    rows = rows[rows["start"].notna()]
    # keep only 5-year bands (and the open top band): drop wider groupings like "0-15 yrs"
    width = rows["age"].str.extract(_BAND)[1].astype(float) - rows["start"]
    rows = rows[(width == 4) | rows["age"].str.endswith("+ yrs")]
    total = rows.groupby("area_code")["value"].transform("sum")
    rows["percent"] = 100 * rows["value"] / total
    rows["start"] = rows["start"].astype(int)
    return (
        rows[["area_code", "area_name", "sex", "age", "start", "value", "percent"]]
        .sort_values(["area_code", "sex", "start"], kind="stable")
        .reset_index(drop=True)
    )


@theme.stable_inputs
def pyramid_chart(
    shares: pd.DataFrame, codes: dict[str, str], names: dict[str, str], title: str
) -> Figure:
    """Draw :func:`pyramid_shares` output: bars for ``codes["district"]``, outlines for county and England."""
    district = shares[shares["area_code"] == codes["district"]]
    bands = sorted(district["start"].unique())
    labels = dict(zip(district["start"], district["age"], strict=False))
    y = {b: i for i, b in enumerate(bands)}
    with theme.house_style():
        fig, ax = theme.new_figure(size="tall")
        for sex, sign, colour in (("Male", -1, theme.DARK_BLUE), ("Female", 1, theme.TURQUOISE)):
            rows = district[district["sex"] == sex]
            ax.barh(
                rows["start"].map(y),
                sign * rows["percent"],
                height=0.85,
                color=colour,
                label=f"{names['district']}: {'men' if sex == 'Male' else 'women'}",
            )
            for role, style in (("county", "--"), ("england", ":")):
                other = shares[(shares["area_code"] == codes[role]) & (shares["sex"] == sex)]
                other = other[other["start"].isin(bands)].sort_values("start", kind="stable")
                if other.empty:
                    continue
                ys = np.array([y[b] for b in other["start"]], dtype=float)
                ax.step(
                    sign * other["percent"].to_numpy(),
                    ys,
                    where="mid",
                    linestyle=style,
                    lw=1.6,
                    color=theme.DARK_GREY if role == "england" else theme.DARK_PINK,
                    label=names[role] if sex == "Male" else None,
                )
        ax.set_yticks(range(len(bands)), [labels[b].replace(" yrs", "") for b in bands], fontsize=8)
        limit = float(np.nanmax(np.abs(shares["percent"]))) * 1.1 if len(shares) else 1.0
        ax.set_xlim(-limit, limit)
        ticks = ax.get_xticks()
        ax.set_xticks(ticks, [f"{fmt.number(abs(t), decimals=0)}%" for t in ticks])
        ax.set_xlim(-limit, limit)
        ax.axvline(0, color=theme.DARK_GREY, lw=0.8)
        ax.grid(axis="x", color="0.85")
        ax.grid(axis="y", visible=False)
        ax.text(0.02, 0.98, "Men", transform=ax.transAxes, fontweight="bold", va="top")
        ax.text(
            0.98, 0.98, "Women", transform=ax.transAxes, fontweight="bold", va="top", ha="right"
        )
        ax.set_xlabel("Share of the area's population in each age band")
        ax.legend(loc="lower right", fontsize=8)
        text, size = theme.fit_title(title, 0.85 * fig.get_figwidth())
        ax.set_title(text, loc="left", fontsize=size, fontweight="bold")
    return fig
