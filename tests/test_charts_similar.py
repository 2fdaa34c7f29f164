"""The similar-areas dot plot: one row per indicator, every point drawn, shapes by role."""

from __future__ import annotations

import pandas as pd

from hwb.charts.similar import similar_dot_plot


def test_dot_plot_draws_one_row_per_indicator_with_every_area():
    rows = pd.DataFrame(
        {
            "panel": ["A"] * 4 + ["B"] * 3,
            "role": ["district", "similar", "similar", "england", "district", "similar", "county"],
            "value": [1.0, 2.0, 3.0, 2.5, 10.0, 12.0, None],
            "unit": ["%"] * 4 + ["years"] * 3,
        }
    )
    fig = similar_dot_plot(rows, ["A", "B"], "Burnley", "Lancashire", "Burnley among its peers")
    first, second = fig.axes
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["A", "B"]
    drawn = [len(c.get_offsets()) for c in first.collections]
    assert sorted(drawn) == [1, 1, 2]  # similar (2), England, Burnley
    assert sum(len(c.get_offsets()) for c in second.collections) == 2  # county missing: not drawn
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["Burnley", "Similar authorities", "Lancashire", "England"]
