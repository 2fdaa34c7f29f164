"""The house style: deterministic SVG, the Analysis Function palette, significance not by colour alone."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd

from hwb.charts import theme

SVG = "{http://www.w3.org/2000/svg}"


def _figure(values=(11.2, 10.4, 9.8)):
    with theme.house_style():
        fig, ax = theme.new_figure()
        ax.plot([2019, 2020, 2021], list(values), "-o")
        ax.set_title("Falling from 11.2% to 9.8%")
    return fig


def test_same_figure_gives_identical_svg_with_text_as_text_and_no_metadata():
    first, second = theme.svg_markup(_figure()), theme.svg_markup(_figure())
    assert first == second
    assert first.startswith("<svg ") and first.endswith("</svg>")
    assert "<?xml" not in first and "<metadata" not in first and "Matplotlib" not in first
    root = ET.fromstring(first)
    width, height = theme.SIZES["wide"]
    assert (root.get("width"), root.get("height")) == (
        f"{width * theme.DPI:g}",
        f"{height * theme.DPI:g}",
    )
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "Falling from 11.2% to 9.8%" in texts  # text kept as text, not glyph outlines
    assert theme.FONT_STACK in first
    assert not re.search(r"\d\.\d{3,}", first)  # every coordinate at two decimals


def test_ids_are_unique_to_a_drawing_and_every_reference_resolves():
    one, other = theme.svg_markup(_figure()), theme.svg_markup(_figure([1.0, 2.0, 3.0]))
    ids_one, ids_other = (
        set(re.findall(r' id="([^"]+)"', one)),
        set(re.findall(r' id="([^"]+)"', other)),
    )
    assert ids_one and not ids_one & ids_other  # two charts inline in one page share no id
    for markup, ids in ((one, ids_one), (other, ids_other)):
        references = set(re.findall(r'(?:url\(#|href="#)([^")]+)', markup))
        assert references and references <= ids


def test_numbers_are_made_stable_on_their_way_into_a_chart():
    drawn = []

    @theme.stable_inputs
    def chart(frame, panels, scale):
        drawn.append((frame, panels, scale))

    nudged = 0.1 + 0.2  # 0.30000000000000004: the last bits differ from 0.3
    frame = pd.DataFrame({"value": [nudged, -1e-17], "label": ["a", "b"], "n": [1, 2]})
    chart(frame, [("title", pd.Series([nudged]), np.array([nudged]))], scale=nudged)
    out, panels, scale = drawn[0]
    assert out["value"].tolist() == [0.3, 0.0] and out["label"].tolist() == ["a", "b"]
    assert str(out["n"].dtype) == "int64"
    assert panels[0][1].tolist() == [0.3] and panels[0][2].tolist() == [0.3] and scale == 0.3
    assert frame["value"].iloc[0] == nudged  # the caller's frame is not changed


def test_palette_is_the_analysis_function_palette():
    from afcharts.af_colours import get_af_colours

    assert list(theme.CATEGORICAL) == [c.upper() for c in get_af_colours("categorical")]
    assert theme.rc_params()["font.sans-serif"] == ["DejaVu Sans"]


def test_significance_categories_differ_in_shape_and_symbol_not_only_colour():
    labels = ["Worse", "Similar", "Better", "Higher", "Lower"]
    markers = {theme.significance_style(x).marker for x in labels}
    symbols = {theme.significance_style(x).symbol for x in labels}
    assert len(markers) == len(labels) and len(symbols) == len(labels)
    assert theme.significance_style("something else") == theme.SIGNIFICANCE["Not compared"]


def test_quintiles_have_their_own_marks_and_spine_names_wrap_never_truncate():
    from hwb.charts.spine import _label, wrap_name
    from hwb.charts.theme import QUINTILE_LABELS, SIGNIFICANCE

    significance_marks = {
        SIGNIFICANCE[k].marker for k in ("Worse", "Similar", "Better", "Higher", "Lower")
    }
    for label in QUINTILE_LABELS:
        assert SIGNIFICANCE[label].marker not in significance_marks
    assert [SIGNIFICANCE[q].symbol for q in QUINTILE_LABELS] == list("①②③④⑤")
    long = "Care users with as much social contact as they would like"
    lines = wrap_name(long)
    assert (
        " ".join(lines) == long
        and all(len(line) <= 34 for line in lines)
        and "…" not in "".join(lines)
    )
    assert _label({"compared_95": "Highest", "compared_998": "Not compared"}) == "Highest fifth"
    assert (
        _label(
            {
                "compared_95": "Worse",
                "compared_998": "Worse",
                "compared_to": "goal",
                "goal": 66.7,
                "unit": "%",
            }
        )
        == "Misses goal (66.7%)"
    )


def test_titles_fit_their_width_smaller_or_wrapped_never_cut():
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    from hwb.charts import theme

    def inches(text, size):
        prop = FontProperties(family=theme.rc_params().get("font.family"), weight="bold", size=size)
        return max(
            TextToPath().get_text_width_height_descent(line, prop, ismath=False)[0] / 72
            for line in text.split("\n")
        )

    short = "Burnley"
    assert theme.fit_title(short, 6.0) == (short, 12.0)
    long = "Living Well: trends in Burnley, Lancashire and England (the 4 furthest behind England of 7)"
    text, size = theme.fit_title(long, 7.8)
    assert 9.5 <= size < 12 and text == long and inches(text, size) <= 7.8
    very_long = long + " with a great many more words that cannot possibly fit on one line at all"
    text, size = theme.fit_title(very_long, 7.8)
    assert size == 9.5 and "\n" in text and inches(text, size) <= 7.8
    assert text.replace("\n", " ") == very_long  # every word kept
