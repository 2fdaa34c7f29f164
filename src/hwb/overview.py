"""The Lancashire overview page: every district side by side, with links to each pack.

:func:`load_overview` builds each district's headline table (the same one its pack
uses, :func:`hwb.pack.model.headline_table`) from one load of the snapshot; the
functions below turn them into the page's sections.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from hwb.charts.gaps import gap_chart
from hwb.charts.theme import significance_style
from hwb.data.snapshot import banner_text
from hwb.pack import display as d
from hwb.pack.model import OK, Pack, headline_table, load_pack
from hwb.pack.priorities import WORSE_LIST, peer_rows, rank_priorities
from hwb.pack.wards import overview_rows
from hwb.text import format as fmt


@dataclass
class Overview:
    """Every district's pack data, sharing one frame, catalogue and manifest."""

    packs: list[Pack]

    @property
    def county_name(self) -> str:
        return self.packs[0].county_name if self.packs else "Lancashire"

    @property
    def manifest(self) -> dict[str, Any]:
        return self.packs[0].manifest

    def __repr__(self) -> str:
        return f"Overview({len(self.packs)} districts)"


def load_overview(districts: Sequence[Mapping[str, Any]], snapshot: str | Path | None = None) -> Overview:
    """Load the snapshot once and build each district's headline table."""
    if not districts:
        return Overview([])
    first = load_pack(districts[0], snapshot)
    packs = [first]
    for params in districts[1:]:
        params = dict(params)
        table = headline_table(first.frame, first.catalogue, params["ons_code"], params["parent_code"],
                               params.get("england_code", "E92000001"))
        packs.append(Pack(params=params, frame=first.frame, catalogue=first.catalogue, manifest=first.manifest,
                          headline=table, snapshot=first.snapshot))
    return Overview(packs)


def pack_href(slug: str) -> str:
    """The built page of a district's pack, relative to the overview page (book/overview.html)."""
    return f"districts/{slug}.html"


def banner(overview: Overview) -> d.Html:
    text = banner_text(overview.manifest) if overview.packs else None
    return d.banner(text) if text else d.Html("", "")


def district_links(overview: Overview) -> d.Html:
    """One row per district: a link to its pack and how many indicators are worse / better than England."""
    rows = []
    for pack in overview.packs:
        judged = pack.headline[pack.headline["status"] == OK]["compared_95"]
        rows.append({
            "District": f'<a href="{pack_href(pack.slug)}">{d.escape(pack.name)}</a>',
            "Worse than England": int((judged == "Worse").sum()),
            "Similar": int((judged == "Similar").sum()),
            "Better than England": int((judged == "Better").sum()),
            "Indicators with a value": len(judged),
        })
    if not rows:
        return d.paragraph("No districts were given.")
    frame = pd.DataFrame(rows)
    return d.Html(d.table(frame, raw_html_columns=("District",)), f"{len(rows)} district packs")


# --------------------------------------------------------------------------- tartan rug
def rug_table(overview: Overview) -> pd.DataFrame:
    """Long table behind the rug: one row per indicator (and sex) and district, plus county and England."""
    frames = []
    for pack in overview.packs:
        h = pack.headline[pack.headline["status"] == OK]
        frames.append(h.assign(district=pack.name, slug=pack.slug))
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def tartan_rug(overview: Overview) -> d.Html:
    """Indicators x districts, each cell the value with its benchmark as colour, shape and word."""
    long = rug_table(overview)
    long = long[long["benchmark"] != "none"] if len(long) else long
    if long.empty:
        return d.paragraph("No district has indicator values in this snapshot, so there is no overview table.")
    order = long.drop_duplicates(["indicator_id", "sex"])[["indicator_id", "sex", "label", "programme", "unit"]]
    programmes = ["Overarching", "Starting Well", "Living Well", "Ageing Well", "Wider determinants"]
    order = order.assign(_p=order["programme"].map({p: i for i, p in enumerate(programmes)}).fillna(9))
    order = order.sort_values("_p", kind="mergesort")
    names = [p.name for p in overview.packs]
    head = ("<th scope='col'>Indicator</th><th scope='col'>England</th><th scope='col'>"
            f"{d.escape(overview.county_name)}</th>"
            + "".join(f"<th scope='col'><a href='{pack_href(p.slug)}'>{d.escape(p.name)}</a></th>"
                      for p in overview.packs))
    body = []
    current = None
    for _, ind in order.iterrows():
        if ind["programme"] != current:
            current = ind["programme"]
            body.append(f"<tr><th colspan='{len(names) + 3}' scope='rowgroup' style='text-align:left;"
                        f"background:#F2F2F2'>{d.escape(current)}</th></tr>")
        cells = long[(long["indicator_id"] == ind["indicator_id"]) & (long["sex"] == ind["sex"])].set_index("district")
        first = cells.iloc[0]
        unit = "" if ind["unit"] in ("%",) else f" ({ind['unit']})"
        row = [(f"<th scope='row' style='text-align:left;font-weight:normal;min-width:13em'>"
                f"{d.escape(ind['label'])}"
                f"<br><small>{d.escape(first['period'])}{d.escape(unit)}</small></th>"),
               f"<td>{fmt.number(first['england_value'])}</td>", f"<td>{fmt.number(first['county_value'])}</td>"]
        for name in names:
            if name not in cells.index:
                row.append("<td title='no value'>–</td>")
                continue
            c = cells.loc[name]
            style = significance_style(c["compared_95"])
            row.append(f"<td style='background:{style.colour};color:{style.text_colour};text-align:center;"
                       "white-space:nowrap' "
                       f"title='{d.escape(c['compared_95'])}'>{style.symbol} {fmt.number(c['value'])}"
                       f"<span class='hwb-sr'> {d.escape(c['compared_95'])}</span></td>")
        body.append("<tr>" + "".join(row) + "</tr>")
    legend = " ".join(d.badge(x) for x in ("Worse", "Similar", "Better", "Higher", "Lower", "Not compared"))
    html = (f"<p>{legend}</p><div style='overflow-x:auto;font-size:0.8em'>"
            f"<table class='hwb-rug'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
            "<style>.hwb-sr{position:absolute;left:-9999px}</style>")
    data = long[["district", "label", "period", "value", "lower_95", "upper_95", "county_value", "england_value",
                 "compared_95", "compared_998", "recent_trend"]]
    link = d.csv_link(data, "overview-districts.csv", "Download the overview numbers (CSV)")
    return d.Html(html, f"Overview table of {len(order)} indicators for {len(names)} districts.") + link


# --------------------------------------------------------------------------- life expectancy gaps
LIFE_EXPECTANCY_ID = 90366


def life_expectancy_gaps(overview: Overview) -> d.Html:
    """Life expectancy at birth by sex across the districts against England, worst first."""
    long = rug_table(overview)
    le = long[long["indicator_id"] == LIFE_EXPECTANCY_ID] if len(long) else long
    if le.empty:
        return d.paragraph("Life expectancy at birth is not in this snapshot, so the gaps between districts "
                           "cannot be shown.")
    parts = []
    for sex in ("Male", "Female"):
        rows = le[le["sex"] == sex].sort_values("value").rename(columns={"district": "name"})
        if rows.empty:
            continue
        england = float(rows["england_value"].iloc[0])
        who = "men" if sex == "Male" else "women"
        worst, best = rows.iloc[0], rows.iloc[-1]
        spread = float(best["value"]) - float(worst["value"])
        title = (f"Life expectancy for {who}: {spread:.1f} years between {worst['name']} and {best['name']} "
                 f"({rows['period'].iloc[0]})")
        fig = gap_chart(rows, england, title, "years")
        words = "; ".join(f"{r['name']} {fmt.number(r['value'])} ({r['compared_95'].lower()})"
                          for _, r in rows.iterrows())
        alt_text = f"{title}. England {fmt.number(england)} years. {words}."
        table = pd.DataFrame({"District": rows["name"], "Years": rows["value"].map(fmt.number),
                              "95% CI": [fmt.interval(a, b) for a, b in zip(rows["lower_95"], rows["upper_95"])],
                              "Gap to England": [fmt.number(v - england) for v in rows["value"]],
                              "Compared with England": rows["compared_95"]})
        parts.append(d.figure(fig, alt_text, table))
    return d.join(parts)


# --------------------------------------------------------------------------- priorities
def priorities_side_by_side(overview: Overview) -> d.Html:
    """Each district's recommended priorities (from its own parameters' weights), in one table."""
    rows = []
    for pack in overview.packs:
        ranked = rank_priorities(pack.headline, pack.params.get("priority_weights", {}),
                                 int(pack.params.get("recommended_priorities", 3)),
                                 peers=peer_rows(pack.frame, pack.code))  # the same ranking as the pack's
        chosen = ranked[ranked["recommended"]] if len(ranked) else ranked
        rows.append({
            "District": f"<a href='{pack_href(pack.slug)}'>{d.escape(pack.name)}</a>",
            **{f"Priority {i + 1}": d.escape(f"{r['outcome'][0].upper()}{r['outcome'][1:]} ({r['label']}"
                                             + ("" if r["list"] == WORSE_LIST else f"; {r['list']}") + ")")
               for i, (_, r) in enumerate(chosen.iterrows())},
        })
    frame = pd.DataFrame(rows).fillna("")
    if frame.empty:
        return d.paragraph("No district has data to rank priorities from.")
    raw = tuple(frame.columns)
    return d.Html(f"<div style='overflow-x:auto;font-size:0.85em'>{d.table(frame, raw_html_columns=raw)}</div>",
                  f"Recommended priorities for {len(rows)} districts")


# --------------------------------------------------------------------------- priority wards
def priority_wards(overview: Overview) -> d.Html:
    """Every district's priority wards in one table (see each pack's Priority wards section)."""
    frame = overview_rows(overview.packs, pack_href)
    if frame.empty:
        return d.paragraph("No districts were given.")
    return d.Html(f"<div style='overflow-x:auto;font-size:0.85em'>"
                  f"{d.table(frame, raw_html_columns=tuple(frame.columns))}</div>",
                  f"Priority wards of {len(overview.packs)} districts")
