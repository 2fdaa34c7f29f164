"""Charts written directly as SVG: for charts that are mostly text in fixed columns.

A spine chart is a table of labels with a bar and a mark in each row. Drawn by matplotlib,
nearly all of its time goes on laying out and rasterising ~100 pieces of text (about a
tenth of a second a chart, five charts a pack); written as SVG it takes milliseconds, stays
sharp at any zoom and in print, and is smaller than the PNG. The markup is deterministic:
numbers are rounded to two decimals and nothing else varies.

Coordinates are CSS pixels at :data:`hwb.charts.theme.DPI` per inch, so an 8-inch chart is
800 wide like the PNG charts, and font sizes are given in points as in matplotlib. Text
uses the house font (DejaVu Sans) with wide fallbacks, so columns laid out for it never
overlap in a narrower font.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from hwb.charts import theme

FONT_FAMILY = "'DejaVu Sans', Verdana, Arial, sans-serif"
PX_PER_PT = theme.DPI / 72


def _n(x: float) -> str:
    """A coordinate as short, stable text (two decimals, no trailing zeros)."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def pt(size: float) -> float:
    """Points to SVG pixels."""
    return size * PX_PER_PT


@dataclass
class SvgChart:
    """An SVG drawing built element by element; :meth:`markup` is inlined in the page."""

    width: float
    height: float
    elements: list[str] = field(default_factory=list)

    def rect(self, x: float, y: float, w: float, h: float, fill: str) -> None:
        self.elements.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}"/>'
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str, width: float) -> None:
        self.elements.append(
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
            f'stroke="{stroke}" stroke-width="{_n(width)}"/>'
        )

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        *,
        anchor: str = "start",
        weight: str = "normal",
        style: str = "normal",
        colour: str = "#000000",
        line_height: float = 1.2,
    ) -> None:
        """``text`` (lines split on newlines) with the middle of its block at ``y``; ``size``
        in points."""
        lines = text.split("\n")
        step = pt(size) * line_height
        first = y - step * (len(lines) - 1) / 2
        attributes = [f'font-size="{_n(pt(size))}"']
        if anchor != "start":
            attributes.append(f'text-anchor="{anchor}"')
        if weight != "normal":
            attributes.append(f'font-weight="{weight}"')
        if style != "normal":
            attributes.append(f'font-style="{style}"')
        if colour != "#000000":
            attributes.append(f'fill="{colour}"')
        spans = "".join(
            f'<tspan x="{_n(x)}" y="{_n(first + i * step)}" dy="0.35em">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        self.elements.append(f"<text {' '.join(attributes)}>{spans}</text>")

    def marker(self, x: float, y: float, shape: str, size: float, fill: str, edge: str) -> None:
        """A matplotlib-style marker (``s`` square, ``D`` diamond, ``o`` circle, ``^``/``v``
        triangles, ``h`` hexagon) of ``size`` points across, centred on (x, y)."""
        r = pt(size) / 2
        stroke = f'fill="{fill}" stroke="{edge}" stroke-width="{_n(pt(1))}"'
        if shape == "o":
            self.elements.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" {stroke}/>')
            return
        c = 0.866 * r  # cos 30°: the hexagon's half-width
        outline = {  # matplotlib's marker paths, y pointing down
            "s": [(-r, -r), (r, -r), (r, r), (-r, r)],
            "D": [(0, -1.414 * r), (1.414 * r, 0), (0, 1.414 * r), (-1.414 * r, 0)],
            "^": [(0, -r), (r, r), (-r, r)],
            "v": [(0, r), (r, -r), (-r, -r)],
            "h": [(0, -r), (c, -r / 2), (c, r / 2), (0, r), (-c, r / 2), (-c, -r / 2)],
        }.get(shape)
        if outline is None:
            raise ValueError(f"no SVG marker for matplotlib marker {shape!r}")
        points = " ".join(f"{_n(x + dx)},{_n(y + dy)}" for dx, dy in outline)
        self.elements.append(f'<polygon points="{points}" {stroke}/>')

    def markup(self) -> str:
        """The whole drawing as an SVG document (white background, the house font)."""
        size = f'width="{_n(self.width)}" height="{_n(self.height)}"'
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" {size} '
            f'viewBox="0 0 {_n(self.width)} {_n(self.height)}" font-family="{FONT_FAMILY}">'
            f'<rect width="100%" height="100%" fill="#FFFFFF"/>' + "".join(self.elements) + "</svg>"
        )
