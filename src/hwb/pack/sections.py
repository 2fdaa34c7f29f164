"""One function per section of a district pack; each returns heading-free displayable HTML.

The notebook's markdown cells carry the headings (Jupyter Book builds its page
contents from them); a code cell calls one of these and shows the result. No section
ever raises for missing data: it says in one plain sentence what is not available.
"""
from __future__ import annotations

import pandas as pd

from hwb.charts.spine import spine_chart, spine_data
from hwb.pack import display as d
from hwb.pack.model import ENGLAND_WIDE, OK, Pack
from hwb.text import alt
from hwb.text import format as fmt


def banner(pack: Pack) -> d.Html:
    """The demonstration-data banner when the snapshot is synthetic; nothing for real data."""
    from hwb.data.snapshot import banner_text

    text = banner_text(pack.manifest)
    return d.banner(text) if text else d.Html("", "")


def range_label(rows: pd.DataFrame) -> str:
    """What a spine chart's grey bars span, in words."""
    n = int(rows["districts_n"].max()) if len(rows) else 0
    if n >= ENGLAND_WIDE:
        return f"all {n} English districts"
    return f"the {n} districts in this snapshot (English districts are not in it)"


def headline(pack: Pack) -> d.Html:
    """The headline table: every indicator with a district value, its 95% CI, Lancashire and England."""
    rows = pack.headline[pack.headline["status"] == OK]
    if rows.empty:
        return d.paragraph(f"This snapshot has no indicator values for {pack.name}.")
    table = pd.DataFrame({
        "Indicator": rows["label"],
        "Period": rows["period"],
        pack.name: [fmt.with_unit(v, u) for v, u in zip(rows["value"], rows["unit"])],
        "95% CI": [fmt.interval(lo, hi) for lo, hi in zip(rows["lower_95"], rows["upper_95"])],
        pack.county_name: [fmt.with_unit(v, u) for v, u in zip(rows["county_value"], rows["unit"])],
        "England": [fmt.with_unit(v, u) for v, u in zip(rows["england_value"], rows["unit"])],
        "Compared with England": [d.badge(x) for x in rows["compared_95"]],
        "Recent trend": rows["recent_trend"].replace("", "Not available"),
    })
    return d.Html(d.table(table, raw_html_columns=("Compared with England",)), f"{len(table)} indicators")


def spine(pack: Pack, programme: str | None = None) -> d.Html:
    """The spine chart for one programme (or every indicator), with alt text and its numbers."""
    rows = pack.headline[(pack.headline["status"] == OK) & (pack.headline["benchmark"] != "none")]
    if programme:
        rows = rows[rows["programme"] == programme]
    if rows.empty:
        where = f" for {programme}" if programme else ""
        return d.paragraph(f"No indicator{where} has a value for {pack.name} in this snapshot, so there is no chart.")
    spread = range_label(rows)
    title = alt.spine_title(rows, pack.name, programme or "")
    fig = spine_chart(rows, title, pack.name, spread)
    return d.figure(fig, alt.spine_alt(rows, pack.name, spread), spine_data(rows))
