"""Displayable pieces of a page: plain, deterministic HTML a notebook cell shows as its output.

Each piece is an :class:`Html` object (``_repr_html_`` for the book, a short fixed
``repr`` for the plain-text output, so no memory address ever lands in a notebook).
Figures are inline SVG (``<svg role="img" aria-label="…">``): vector in print, their
text selectable and read by screen readers, and a notebook's diff shows what changed in
a chart, line by line; every figure carries its numbers as a collapsed table. Tables are plain HTML written here
(no random ids, unlike pandas' Styler).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from hwb.charts.svg import SvgChart
from hwb.charts.theme import significance_style, svg_markup
from hwb.text import format as fmt


@dataclass(frozen=True)
class Html:
    """A block of HTML with a deterministic plain-text fallback."""

    html: str
    text: str = ""

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text or "(see the HTML output)"

    def __add__(self, other: Html) -> Html:
        return Html(self.html + other.html, " ".join(t for t in (self.text, other.text) if t))


def join(parts: Iterable[Html]) -> Html:
    """Several pieces as one cell output."""
    parts = list(parts)
    return Html("\n".join(p.html for p in parts), " ".join(p.text for p in parts if p.text))


def escape(text) -> str:
    return html.escape(str(text), quote=True)


def paragraph(text: str, css_class: str = "hwb-note") -> Html:
    """One plain sentence (already in words; escaped here)."""
    return Html(f'<p class="{css_class}">{escape(text)}</p>', text)


def bullets(items: Sequence[str], ordered: bool = False, css_class: str = "hwb-list") -> Html:
    tag = "ol" if ordered else "ul"
    body = "".join(f"<li>{escape(i)}</li>" for i in items)
    return Html(f'<{tag} class="{css_class}">{body}</{tag}>', " ".join(items))


def banner(text: str) -> Html:
    """The demonstration-data warning, high-contrast and impossible to miss."""
    style = (
        "border:3px solid #801650;background:#FBE9F0;color:#000;padding:0.6em 0.9em;"
        "margin:0.5em 0 1em 0;font-weight:bold;border-radius:4px"
    )
    return Html(f'<div class="hwb-banner" role="note" style="{style}">⚠ {escape(text)}</div>', text)


def badge(label: str) -> str:
    """A benchmark label as colour *and* shape *and* word (never colour alone)."""
    style = significance_style(label)
    css = (
        f"background:{style.colour};color:{style.text_colour};padding:0.05em 0.45em;border-radius:3px;"
        "border:1px solid #3D3D3D;white-space:nowrap"
    )
    return f'<span class="hwb-badge" style="{css}">{style.symbol} {escape(label)}</span>'


def table(
    frame: pd.DataFrame,
    caption: str = "",
    raw_html_columns: Sequence[str] = (),
    css_class: str = "hwb-table",
) -> str:
    """A plain HTML table; cells are escaped unless their column is in ``raw_html_columns``."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in frame.columns)
    body = []
    for _, row in frame.iterrows():
        cells = []
        for column in frame.columns:
            value = row[column]
            text = "" if fmt.is_missing(value) and not isinstance(value, str) else value
            cells.append(f"<td>{text if column in raw_html_columns else escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return (
        f'<table class="{css_class}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def details(summary: str, inner_html: str) -> str:
    """A collapsed block (the numbers behind a chart)."""
    return (
        f'<details class="hwb-details"><summary>{escape(summary)}</summary>{inner_html}</details>'
    )


def csv_link(frame: pd.DataFrame, filename: str, label: str) -> Html:
    """A self-contained download link: the CSV travels inside the page as a data: URI."""
    payload = base64.b64encode(
        frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    ).decode("ascii")
    return Html(
        f'<p class="hwb-download"><a download="{escape(filename)}" '
        f'href="data:text/csv;charset=utf-8;base64,{payload}">⬇ {escape(label)}</a></p>',
        label,
    )


def _svg(chart, alt: str) -> str:
    """A chart as inline SVG named by its alt text: an SVG chart
    (:class:`hwb.charts.svg.SvgChart`) as it is written, a matplotlib figure through
    :func:`hwb.charts.theme.svg_markup`; shown at its own width, never wider than the page."""
    markup = chart.markup() if isinstance(chart, SvgChart) else svg_markup(chart)
    opening = f'<svg role="img" aria-label="{escape(alt)}" style="max-width:100%;height:auto" '
    return markup.replace("<svg ", opening, 1)


def figure(fig, alt: str, data: pd.DataFrame | None = None, caption: str = "") -> Html:
    """A chart as inline SVG with alt text, an optional caption, and its numbers in a collapsed table."""
    image = _svg(fig, alt)
    parts = [f'<figure class="hwb-figure">{image}']
    if caption:
        parts.append(f"<figcaption>{escape(caption)}</figcaption>")
    parts.append("</figure>")
    if data is not None and len(data):
        parts.append(details("Show the numbers behind this chart", table(data)))
    return Html("".join(parts), alt)
