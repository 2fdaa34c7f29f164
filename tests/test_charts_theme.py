"""The house style: deterministic PNGs, the Analysis Function palette, significance not by colour alone."""

from __future__ import annotations

import io

from PIL import Image

from hwb.charts import theme


def _figure():
    with theme.house_style():
        fig, ax = theme.new_figure()
        ax.plot([2019, 2020, 2021], [11.2, 10.4, 9.8])
        ax.set_title("Falling from 11.2% to 9.8%")
    return fig


def test_same_figure_gives_identical_png_bytes_without_metadata():
    first, second = theme.png_bytes(_figure()), theme.png_bytes(_figure())
    assert first == second
    assert first.startswith(b"\x89PNG")
    assert b"matplotlib" not in first and b"Software" not in first
    image = Image.open(io.BytesIO(first))
    scale = theme.DPI * theme.PRINT_SCALE  # drawn at twice screen resolution, sharp on paper
    assert image.size == (int(theme.WIDTH * scale), int(theme.SIZES["wide"][1] * scale))


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


def test_palette_png_holds_exactly_the_pixels_of_matplotlibs_own_png_mapped_to_the_palette():
    """png_bytes reads the rendered pixels directly; they must be the ones savefig's PNG holds."""
    full = Image.open(io.BytesIO(theme.png_bytes(_figure(), reduce=False))).convert("RGB")
    expected = full.quantize(palette=theme._palette_image(), dither=Image.Dither.NONE)
    reduced = Image.open(io.BytesIO(theme.png_bytes(_figure())))
    assert reduced.mode == "P" and reduced.size == full.size
    assert reduced.convert("RGB").tobytes() == expected.convert("RGB").tobytes()
    colours = {rgb for _, rgb in reduced.convert("RGB").getcolors(256)}
    assert (
        tuple(int(theme.CATEGORICAL[0][i : i + 2], 16) for i in (1, 3, 5)) in colours
    )  # house blue, exact


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
