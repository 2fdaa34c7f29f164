"""Displayable HTML pieces: escaped, deterministic, alt text on figures, a working CSV data link."""

from __future__ import annotations

import base64
import io

import pandas as pd

from hwb.charts import theme
from hwb.pages import display as d


def test_table_escapes_text_and_keeps_raw_html_only_where_asked():
    frame = pd.DataFrame({"Indicator": ["<b>x</b> & y"], "Badge": [d.badge("Worse")]})
    html = d.table(frame, raw_html_columns=("Badge",))
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in html
    assert "■ Worse" in html and "<span" in html
    assert "uuid" not in html and "id=" not in html


def test_figure_has_alt_text_and_collapsed_numbers():
    with theme.house_style():
        fig, ax = theme.new_figure()
        ax.plot([1, 2], [3.5, 4.5])
    html = d.figure(
        fig, 'Rises from 3.5 to 4.5 "quoted"', pd.DataFrame({"x": [1, 2], "y": [3.5, 4.5]})
    ).html
    assert '<svg role="img" aria-label="Rises from 3.5 to 4.5 &quot;quoted&quot;"' in html
    assert "<img" not in html and "base64" not in html  # inline: text selectable, diffs readable
    svg = html[html.index("<svg") : html.index("</svg>") + len("</svg>")]
    assert svg.count("<svg") == 1 and "<?xml" not in svg
    assert "<details" in html and "<td>4.5</td>" in html


def test_csv_link_round_trips():
    frame = pd.DataFrame({"indicator_id": [93085], "value": [11.4]})
    html = d.csv_link(frame, "burnley.csv", "Download").html
    payload = html.split("base64,")[1].split('"')[0]
    back = pd.read_csv(io.StringIO(base64.b64decode(payload).decode("utf-8")))
    pd.testing.assert_frame_equal(back, frame)
    assert 'download="burnley.csv"' in html


def test_repr_is_deterministic_text():
    assert repr(d.paragraph("Hello 1.")) == "Hello 1."
    assert repr(d.Html("<p></p>")) == "(see the HTML output)"
