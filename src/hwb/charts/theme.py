"""The house style: palette, fonts, sizes and deterministic rendering, in one place.

Colours are the UK Government Analysis Function palette (``afcharts``), which is
colour-blind safe. Significance is never shown by colour alone: every category
also has its own marker shape and its word ("Worse", "Similar", ...) appears as
text on the chart or beside it.

Charts are SVG, inline in the page (:func:`svg_markup`): vector in print, text kept as
text, readable in a notebook's diff. They are the same bytes on every machine: every
number entering a chart is first made :func:`stable <hwb.text.format.stable>` (rounded
far below what is drawn, so another CPU's or BLAS's last bits change nothing, and axis
limits and ticks are derived from those rounded numbers: :func:`stable_inputs`), the
font is fixed (DejaVu Sans, bundled with matplotlib, for layout), the ``svg.hashsalt``
is fixed, coordinates are written at a fixed precision and there is no metadata.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import afcharts
import matplotlib
import numpy as np
import pandas as pd

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.backends import backend_svg  # noqa: F401 - loaded for the first chart anyway; at import, the fork server preloads it
from matplotlib.figure import Figure

from hwb.text.format import stable

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


_PROLOGUE = re.compile(r"\A.*?(?=<svg )", re.DOTALL)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_ATTRIBUTE = re.compile(r'(\s[\w:-]+)="([^"]*)"')
_DECIMAL = re.compile(r"-?\d+\.\d+")
_TEXT = re.compile(r"<text[^>]*>([^<]*)</text>")
_COMMAND = re.compile(r" ?([MLQCZz]) ?")
_NO_ROTATION = re.compile(r' transform="rotate\(-?0 [^"]*\)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([A-Za-z][\w.-]*)')
#: Decimal places of every coordinate and size in a chart's SVG: a hundredth of a point,
#: far finer than a screen or a printer draws, far coarser than the last bits of arithmetic.
SVG_DECIMALS = 2
#: The house font first, then wide fallbacks (as the spine chart's), so text laid out for
#: DejaVu Sans never overlaps where a reader's machine lacks it.
FONT_STACK = "'DejaVu Sans', Verdana, Arial, sans-serif"


def _fixed(number: str) -> str:
    """A decimal as text at :data:`SVG_DECIMALS` places, no trailing zeros, never ``-0``."""
    text = f"{float(number):.{SVG_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _compact(markup: str) -> str:
    """One element a line, unindented, and without the bare ``<g>`` groups that carry nothing
    (matplotlib's, once their unused ids are gone): a smaller page, a line-by-line diff."""
    lines, groups = [], []
    for line in markup.splitlines():
        line = line.strip()
        if line == "<g>":
            groups.append(False)
            continue
        if line.startswith("<g "):
            groups.append(True)
        elif line == "</g>" and groups and not groups.pop():
            continue
        if line:
            lines.append(line)
    return "\n".join(lines)


def svg_markup(fig: Figure, close: bool = True) -> str:
    """The figure as inline SVG markup (``<svg …>…</svg>``), the same bytes on every machine.

    Text stays text (``svg.fonttype: none``: selectable, searchable, read by screen
    readers) in :data:`FONT_STACK`; every number in an attribute is written at
    :data:`SVG_DECIMALS` places; no date, software or XML prologue; the size is given in
    CSS pixels at :data:`DPI` per inch (an 8-inch chart is 800 wide, the book's text
    column). Group ids that nothing references are dropped and the referenced ones (markers,
    clip paths) are prefixed with a hash of the drawing, so several charts inline in one page
    never share an id (the hash is of the drawing's words and size, so moving a line leaves
    the ids alone)."""
    buffer = io.StringIO()
    with house_style():
        fig.savefig(
            buffer,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    width, height = fig.get_figwidth() * DPI, fig.get_figheight() * DPI
    if close:
        plt.close(fig)
    markup = _METADATA.sub("", _PROLOGUE.sub("", buffer.getvalue(), count=1)).strip()
    markup = markup.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "", 1)
    # the house font named once, on the drawing, rather than on each of its words
    markup = markup.replace("xlink:href=", "href=").replace(
        "font-family: 'DejaVu Sans', sans-serif; ", ""
    )
    markup = _NO_ROTATION.sub("", markup).replace("<svg ", f'<svg font-family="{FONT_STACK}" ', 1)
    referenced = {name for _, name in _REFERENCE.findall(markup)}

    def attribute(match: re.Match) -> str:
        name, value = match.group(1), match.group(2)
        if name.strip() == "id" and value not in referenced:
            return ""
        if name.strip() == "d":  # path data on one line, no space around the commands
            value = _COMMAND.sub(r"\1", " ".join(value.split()))
        if name.strip() in ("width", "height") and value.endswith("pt"):
            value = _fixed(str(width if name.strip() == "width" else height))
        return f'{name}="{_DECIMAL.sub(lambda m: _fixed(m.group(0)), value)}"'

    markup = _compact(_ATTRIBUTE.sub(attribute, markup))
    # named by the chart's words and size, not its coordinates: a number that moves a line
    # changes that line in a reviewer's diff, not every id in the chart
    words = "\n".join(_TEXT.findall(markup)) + f"\n{width:g}x{height:g}"
    prefix = "c" + hashlib.sha256(words.encode("utf-8")).hexdigest()[:10] + "-"
    markup = _REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", markup)
    return re.sub(r' id="([^"]+)"', lambda m: f' id="{prefix}{m.group(1)}"', markup)


def _stable(value: Any) -> Any:
    """``value`` with every float in it made :func:`~hwb.text.format.stable`: frames, series,
    arrays, numbers, and tuples, lists and dicts of them; anything else as it is."""
    if isinstance(value, pd.DataFrame):
        floats = [c for c in value.columns if pd.api.types.is_float_dtype(value[c])]
        if not floats:
            return value
        value = value.copy()
        for column in floats:
            value[column] = _stable(value[column])
        return value
    if isinstance(value, pd.Series):
        if not pd.api.types.is_float_dtype(value):
            return value
        return pd.Series(_stable(value.to_numpy()), index=value.index, name=value.name)
    if isinstance(value, np.ndarray):
        if value.dtype.kind != "f":
            return value
        return np.array([stable(v) for v in value.ravel().tolist()], dtype=value.dtype).reshape(
            value.shape
        )
    if isinstance(value, float | np.floating):
        return stable(float(value))
    if isinstance(value, tuple | list):
        return type(value)(_stable(v) for v in value)
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items()}
    return value


def stable_inputs(chart: Callable) -> Callable:
    """Decorate a chart function so every number it is given is made stable first.

    The one boundary where numbers enter a figure: a chart then draws, scales its axes
    and places its ticks from numbers that are identical on every machine."""

    @functools.wraps(chart)
    def draw(*args, **kwargs):
        return chart(*_stable(args), **_stable(kwargs))

    return draw
