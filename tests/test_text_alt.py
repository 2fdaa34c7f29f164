"""Alt text and spine captions read the rows a chart draws: a broken line says so, and an
indicator judged by fifths of districts is never "significantly worse than England"."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwb.text.alt import break_words, fifth_of, spine_alt, spine_title, trend_alt


def _rows(break_at: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": ["D"] * 3 + ["E"] * 3,
            "period": ["2021/22", "2022/23", "2023/24"] * 2,
            "period_sortable": [20210000, 20220000, 20230000] * 2,
            "value": [2032.0, 1866.0, 1339.0, 2100.0, 1933.0, 1984.0],
            "break_sortable": [break_at] * 3 + [np.nan] * 3,
        }
    )


def test_a_broken_line_is_said_to_be_broken():
    rows = _rows(20230000)
    text = trend_alt(rows, "Falls admissions 65+", "per 100,000", {"D": "Burnley", "E": "England"})
    assert (
        "Burnley: 2,032 per 100,000 in 2021/22, 1,339 per 100,000 in 2023/24, with a break in "
        "the series from 2023/24 (the line is not joined across it)." in text
    )
    assert "England: 2,100 per 100,000 in 2021/22, 1,984 per 100,000 in 2023/24." in text
    # a break before every period shown breaks nothing on the chart
    assert break_words(_rows(20200000)[lambda t: t["area_code"] == "D"]) == ""
    assert break_words(_rows(np.nan)[lambda t: t["area_code"] == "D"]) == ""


def _spine_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["Obesity in Year 6", "School readiness: literacy", "Housing affordability"],
            "value": [24.4, 68.4, 3.9],
            "england_value": [21.9, 70.5, 7.6],
            "unit": ["%", "%", "times annual earnings"],
            "compared_95": ["Worse", "Worse", "Best"],
            "polarity": ["low_is_good", "high_is_good", "low_is_good"],
            "benchmark": ["ci_overlap", "quintiles", "quintiles"],
        }
    )


def test_an_indicator_judged_by_fifths_is_not_called_significantly_worse():
    """Lancaster's spine said 'Significantly worse than England' for school readiness in the
    second-worst fifth of districts: 7 in its spines against 5 on its judged list."""
    rows = _spine_rows()
    assert [fifth_of(r) for _, r in rows.iterrows()] == ["", "second-worst fifth", "best fifth"]
    alt = spine_alt(rows, "Lancaster", "all English districts")
    worse = alt.split("Significantly worse than England: ")[1].split(".")[0]
    assert "Obesity in Year 6" in worse and "School readiness" not in worse
    assert (
        "Placed among English districts by fifths, not tested against England: School "
        "readiness: literacy 68.4% (England 70.5%; second-worst fifth)" in alt
    )
    title = spine_title(rows, "Lancaster", counts={"significantly worse": 1})
    assert title == "Lancaster is clearly worse than England on 1 of 1 indicators"
