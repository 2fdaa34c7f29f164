"""The spine chart, written as SVG: every row's words and numbers, worse to the left, shapes
that differ by comparison, the same bytes every time."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd

from hwb.charts import theme
from hwb.charts.spine import _x, spine_chart

SVG = "{http://www.w3.org/2000/svg}"


def _rows() -> pd.DataFrame:
    base = {
        "unit": "%",
        "districts_min": 10.0,
        "districts_q25": 14.0,
        "districts_q75": 18.0,
        "districts_max": 25.0,
        "england_value": 16.0,
        "compared_998": "Not compared",
    }
    return pd.DataFrame(
        [
            {**base, "label": "Adult smoking", "period": "2024", "value": 22.0,
             "polarity": "low_is_good", "compared_95": "Worse"},
            {**base, "label": "Care users with as much social contact as they would like",
             "period": "2018/19", "value": 12.0, "polarity": "high_is_good",
             "compared_95": "Worse", "compared_998": "Worse"},
            {**base, "label": "Diabetes (QOF) & <others>", "period": "2023/24",
             "value": 17.0, "polarity": "no_judgement", "compared_95": "Higher"},
            {**base, "label": "No England value", "period": "2022", "value": 5.0,
             "polarity": "low_is_good", "compared_95": "Not compared", "england_value": np.nan},
        ]
    )  # fmt: skip


def _svg(rows=None) -> ET.Element:
    chart = spine_chart(_rows() if rows is None else rows, "A title", "Burnley", "the 12 districts")
    return ET.fromstring(chart.markup())


def _texts(root: ET.Element) -> list[str]:
    return ["\n".join(span.text or "" for span in t) for t in root.iter(f"{SVG}text")]


def test_every_row_shows_its_name_period_value_and_comparison_in_words():
    texts = "\n".join(_texts(_svg()))
    for words in (
        "Adult smoking", "2024", "22.0%", "Worse", "2018/19", "12.0%", "Worse (99.8%: Worse)",
        "Diabetes (QOF) & <others>", "Higher", "no England value to compare with",
        "Indicator (period)", "Burnley", "vs England (95%)", "Bars: range of the 12 districts",
        "Names in italics: no better or worse",
    ):  # fmt: skip
        assert words in texts, words
    assert "nan" not in texts.lower()
    assert "Care users with as much social\ncontact as they would like" in texts  # wrapped, whole


def test_worse_is_left_of_england_whatever_the_polarity_and_marks_differ_by_comparison():
    root = _svg()
    england = _x(0)
    worse_square_low_is_good, worse_square_high_is_good = (
        float(p.get("points").split()[0].split(",")[0])
        for p in root.iter(f"{SVG}polygon")
        if len(p.get("points").split()) == 4 and p.get("fill") == theme.ORANGE
    )
    assert worse_square_low_is_good < england and worse_square_high_is_good < england
    fills = {p.get("fill") for p in root.iter(f"{SVG}polygon")}
    assert {theme.ORANGE, theme.MID_BLUE} <= fills  # Worse square, Higher triangle
    triangle = [p for p in root.iter(f"{SVG}polygon") if p.get("fill") == theme.MID_BLUE]
    assert len(triangle) == 1 and len(triangle[0].get("points").split()) == 3
    italic = [t for t in root.iter(f"{SVG}text") if t.get("font-style") == "italic"]
    assert ["Diabetes (QOF) & <others>"] == [t[0].text for t in italic]


def test_same_rows_give_the_same_bytes_and_stable_coordinates():
    first = spine_chart(_rows(), "A title", "Burnley", "the 12 districts")
    second = spine_chart(_rows(), "A title", "Burnley", "the 12 districts")
    assert first.markup() == second.markup()
    assert first.width == theme.WIDTH * theme.DPI
    assert first.markup().startswith("<svg ") and first.markup().endswith("</svg>")
    assert not re.search(r"\d\.\d{3,}", first.markup())  # coordinates rounded: stable text


def test_height_grows_with_the_rows_and_everything_is_inside_the_chart():
    one = spine_chart(_rows().iloc[:1], "A title", "Burnley", "the 12 districts")
    four = spine_chart(_rows(), "A title", "Burnley", "the 12 districts")
    assert four.height > one.height
    root = ET.fromstring(four.markup())
    for rect in root.iter(f"{SVG}rect"):
        if rect.get("x") is None:
            continue  # the background
        x, w = float(rect.get("x")), float(rect.get("width"))
        assert 0 <= x and x + w <= four.width
        assert 0 <= float(rect.get("y")) <= four.height
    for span in root.iter(f"{SVG}tspan"):
        assert 0 <= float(span.get("x")) <= four.width
        assert 0 < float(span.get("y")) < four.height


def test_an_indicator_judged_by_fifths_says_its_fifth_not_worse():
    """School readiness is judged by fifths of English districts: its row says which fifth,
    never the "Worse" of a test against England (issue 27: spines counted it as worse)."""
    rows = (
        _rows()
        .iloc[:1]
        .assign(label="School readiness: literacy", polarity="high_is_good", benchmark="quintiles")
    )
    texts = _texts(_svg(rows))
    assert "Second-worst fifth" in texts and "Worse" not in texts
    tested = _texts(_svg(_rows().iloc[:1].assign(benchmark="ci_overlap")))
    assert "Worse" in tested
