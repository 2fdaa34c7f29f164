"""The house style: palette, fonts, sizes and deterministic rendering, in one place.

Colours are the UK Government Analysis Function palette (``afcharts``), which is
colour-blind safe. Significance is never shown by colour alone: every category
also has its own marker shape and its word ("Worse", "Similar", ...) appears as
text on the chart or beside it.

Rendering is deterministic: a fixed font bundled with matplotlib (DejaVu Sans, so
every machine draws the same glyphs), a fixed ``svg.hashsalt``, PNG at screen
resolution (100 dpi) drawn at :data:`PRINT_SCALE` times the pixels (200 pixels an inch, so
charts stay sharp on paper and high-density screens; pages show them at their 100-dpi size)
and no metadata (no software version or date in the file).
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import afcharts
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.backends import backend_agg  # noqa: F401 - loaded for the first figure anyway; at import, the fork server preloads it
from matplotlib.figure import Figure
from PIL import Image

# --- palette (Analysis Function; afcharts/config/af_colours.yaml) ---------------------
DARK_BLUE = "#12436D"
TURQUOISE = "#28A197"
DARK_PINK = "#801650"
ORANGE = "#F46A25"
DARK_GREY = "#3D3D3D"
LIGHT_PURPLE = "#A285D1"
MID_BLUE = "#2073BC"
LIGHT_BLUE = "#6BACE6"
PALE_BLUE = "#ADD1F1"
LIGHT_GREY = "#BFBFBF"
PALE_GREY = "#F2F2F2"
CATEGORICAL = (DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE)

#: Colours for the three areas every chart compares.
DISTRICT_COLOUR = DARK_BLUE
COUNTY_COLOUR = TURQUOISE
ENGLAND_COLOUR = DARK_GREY


@dataclass(frozen=True)
class SignificanceStyle:
    """How one benchmark label is drawn: fill colour, text colour on that fill, marker, word."""

    colour: str
    text_colour: str
    marker: str
    symbol: str  # a text shape used in tables, so the category survives without colour


SIGNIFICANCE: dict[str, SignificanceStyle] = {
    "Worse": SignificanceStyle(ORANGE, "#000000", "s", "■"),
    "Similar": SignificanceStyle(LIGHT_GREY, "#000000", "D", "◆"),
    "Better": SignificanceStyle(DARK_BLUE, "#FFFFFF", "o", "●"),
    "Higher": SignificanceStyle(MID_BLUE, "#FFFFFF", "^", "▲"),
    "Lower": SignificanceStyle(PALE_BLUE, "#000000", "v", "▼"),
    "Not compared": SignificanceStyle("#FFFFFF", "#000000", "o", "○"),
}
for _quintile, _style in (("Best", "Better"), ("Worst", "Worse")):
    SIGNIFICANCE.setdefault(_quintile, SIGNIFICANCE[_style])
#: Quintiles (fifths of the districts ranked by value) have their own marks, not the significance
#: shapes: a hexagon shaded from light (lowest fifth) to dark (highest) and a numbered circle.
QUINTILE_LABELS = ("Lowest", "Low", "Middle", "High", "Highest")
for _n, (_label, _fill, _text) in enumerate(
    zip(
        QUINTILE_LABELS,
        ("#EDE6F7", "#D0BFEA", "#A285D1", "#6F4FAE", "#3F2470"),
        ("#000000", "#000000", "#000000", "#FFFFFF", "#FFFFFF"),
        strict=False,
    )
):
    SIGNIFICANCE[_label] = SignificanceStyle(_fill, _text, "h", "①②③④⑤"[_n])


def significance_style(label: str) -> SignificanceStyle:
    """The style for a benchmark label; anything unknown is drawn as "Not compared"."""
    return SIGNIFICANCE.get(label, SIGNIFICANCE["Not compared"])


# --- sizes (inches at 100 dpi: 8 in = 800 px, the width of the book's text column) ---
DPI = 100
#: pixels drawn per screen pixel: an 8-inch chart is 1,600 pixels wide, over 200 per inch
#: across an A4 page's text column (182 mm), shown at 800 CSS pixels in the book
PRINT_SCALE = 2
PNG_COMPRESS_LEVEL = 7
WIDTH = 8.0
SIZES = {"wide": (WIDTH, 4.0), "tall": (WIDTH, 5.5), "short": (WIDTH, 2.8)}

RC = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    # Titles sit at the top of their axes (none has tick labels above it). Left unset,
    # matplotlib measures every titled axes' tick labels at each draw to see whether the
    # title must move up: a sixth of a pack's drawing time, for the same pixels.
    "axes.titley": 1.0,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "svg.hashsalt": "hwb",
    "svg.fonttype": "none",
    "path.simplify": True,
    "figure.constrained_layout.use": True,
    "axes.prop_cycle": matplotlib.cycler(color=list(CATEGORICAL)),
}


def rc_params() -> dict:
    """The afcharts style sheet overlaid with the house fonts, sizes and determinism settings."""
    return dict(_style_sheet())


@lru_cache(maxsize=1)
def _style_sheet() -> dict:
    """Parsed once per process: every figure and every PNG enters the house style."""
    sheet = Path(afcharts.__file__).parent / "afcharts.mplstyle"
    params = dict(matplotlib.rc_params_from_file(str(sheet), use_default_template=False))
    params.update(RC)
    return params


@contextmanager
def house_style() -> Iterator[None]:
    """Draw inside this block to get the house style without touching global state."""
    with plt.rc_context(rc_params()):
        yield


def new_figure(size: str = "wide", nrows: int = 1, ncols: int = 1, **kwargs):
    """A figure and axes in the house style, of a named size ("wide", "tall", "short")."""
    with house_style():
        fig, axes = plt.subplots(nrows, ncols, figsize=SIZES.get(size, size), **kwargs)
    return fig, axes


def fit_title(
    text: str, width_inches: float, fontsize: float = 12, smallest: float = 9.5
) -> tuple[str, float]:
    """A title and font size that fit ``width_inches``: the house size if it fits, else a
    smaller one down to ``smallest``, else wrapped onto more lines. Titles are never cut.

    Measured with matplotlib's own text metrics (bold, the house font), so the result is the
    same on every run."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    measure = TextToPath()

    def width(size: float, line: str) -> float:
        prop = FontProperties(family=rc_params().get("font.family"), weight="bold", size=size)
        return measure.get_text_width_height_descent(line, prop, ismath=False)[0] / 72

    size = float(fontsize)
    while size > smallest and width(size, text) > width_inches:
        size -= 0.5
    if width(size, text) <= width_inches:
        return text, size
    words, lines, line = text.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if line and width(size, trial) > width_inches:
            lines.append(line)
            line = word
        else:
            line = trial
    lines.append(line)
    return "\n".join(lines), size


def small_multiples(
    panels: Sequence[Any],
    draw: Callable[[Any, Any], None],
    title: str,
    panel_height: float,
    ncols: int = 2,
) -> Figure:
    """A grid of panels (trends, SPC, projections): ``draw(ax, panel)`` fills each, spare
    axes are hidden, and the title fits the width (:func:`fit_title`); fixed margins."""
    n = max(len(panels), 1)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    with house_style():
        fig, axes = new_figure(
            size=(WIDTH, 0.6 + panel_height * nrows),
            nrows=nrows,
            ncols=ncols,
            squeeze=False,
            layout="none",
        )
        for ax, panel in zip(axes.flat, panels, strict=False):
            draw(ax, panel)
        for ax in list(axes.flat)[len(panels) :]:
            ax.axis("off")
        text, size = fit_title(title, 0.97 * fig.get_figwidth())
        fig.suptitle(text, x=0.01, ha="left", fontsize=size, fontweight="bold")
        fixed_grid_layout(fig, nrows)
    return fig


def fixed_grid_layout(fig: Figure, nrows: int) -> None:
    """Margins for a small-multiples grid without the (slow) constrained-layout solver."""
    height = fig.get_figheight()
    fig.subplots_adjust(
        left=0.08,
        right=0.88,
        bottom=0.55 / height,
        top=1 - 0.75 / height,
        wspace=0.38,
        hspace=0.75 / max(1.0, height / nrows - 0.75) if nrows > 1 else 0.2,
    )


def _palette_image():
    """A fixed 8-bit palette: the house colours, their tints towards white, and a grey ramp.

    Reducing every chart to this palette keeps the house colours exact (median-cut
    reduction shifts them) and the files small; it is deterministic.
    """
    base = [
        DARK_BLUE,
        TURQUOISE,
        DARK_PINK,
        ORANGE,
        DARK_GREY,
        LIGHT_PURPLE,
        MID_BLUE,
        LIGHT_BLUE,
        PALE_BLUE,
        LIGHT_GREY,
        PALE_GREY,
        "#FBE9F0",
    ]
    colours: list[tuple[int, int, int]] = []
    for hex_colour in base:
        rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        for share in (1.0, 0.8, 0.6, 0.4, 0.2):
            colours.append(tuple(round(255 - (255 - c) * share) for c in rgb))
    colours += [(g, g, g) for g in range(0, 256, 8)] + [(255, 255, 255)]
    unique = list(dict.fromkeys(colours))[:256]
    flat = [c for rgb in unique for c in rgb]
    flat += flat[:3] * (256 - len(unique))
    palette = Image.new("P", (1, 1))
    palette.putpalette(flat)
    return palette


def png_bytes(fig: Figure, close: bool = True, reduce: bool = True) -> bytes:
    """The figure as a PNG at :data:`PRINT_SCALE` times screen resolution, with no metadata (byte-identical reruns).

    With ``reduce`` the rendered pixels are mapped to the fixed house palette (no
    dithering), which keeps a rendered pack to a few hundred KB and the colours exact.
    The palette image is compressed at zlib level 7: level 9 (``optimize``) makes files
    ~6% smaller but takes seven times as long, a third of a second per pack.
    """
    buffer = io.BytesIO()
    with house_style():
        if reduce:  # raw RGBA pixels: the same ones the PNG would hold, without encoding them
            fig.savefig(buffer, format="rgba", dpi=DPI * PRINT_SCALE)
            width = round(fig.get_figwidth() * DPI * PRINT_SCALE)
            size = (width, len(buffer.getbuffer()) // (4 * width))
        else:
            fig.savefig(buffer, format="png", dpi=DPI * PRINT_SCALE, metadata={"Software": None})
    if close:
        plt.close(fig)
    if not reduce:
        return buffer.getvalue()
    image = Image.frombuffer("RGBA", size, buffer.getbuffer(), "raw", "RGBA", 0, 1).convert("RGB")
    small = image.quantize(palette=_palette_image(), dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return out.getvalue()


def png_data_uri(fig: Figure, close: bool = True) -> str:
    """The figure as a ``data:image/png;base64,...`` URI for a self-contained <img>."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(fig, close)).decode("ascii")


def display_width(uri: str) -> int:
    """The CSS width to show a :func:`png_data_uri` image at: its pixel width / :data:`PRINT_SCALE`."""
    header = base64.b64decode(uri.split(",", 1)[1][:32])
    return int.from_bytes(header[16:20], "big") // PRINT_SCALE
