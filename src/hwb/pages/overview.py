"""The Lancashire overview page: every partnership side by side, with links to each pack.

:func:`load_overview` reads each District Health and Wellbeing Partnership's model
(:func:`hwb.pages.partnership.load_partnership_pack`, the same one its pack uses); the
functions below turn them into the page's sections. Recommended priorities are the
partnership's (:func:`hwb.pages.sections.recommended_priorities`, as its pack shows them:
for a two-district partnership, the combined area's and each member district's own
findings); worse / similar / better counts are each member district's, with the combined
area's after them; the tartan rug, life expectancy and priority wards keep one column or
row per district, grouped by partnership. Every link goes to a partnership's page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel

from hwb.charts.gaps import gap_chart
from hwb.charts.theme import significance_style
from hwb.data.catalogue import role_id
from hwb.data.load import load_manifest
from hwb.data.snapshot import banner_text
from hwb.model.build import resolve_snapshot
from hwb.model.combined import NOT_COMBINED
from hwb.model.priorities import WORSE_LIST, titled
from hwb.pages import display as d
from hwb.pages.model import OK, Pack
from hwb.pages.partnership import PartnershipPack, concentration, load_partnership_pack
from hwb.pages.sections import recommended_priorities
from hwb.pages.sections.common import county_note
from hwb.pages.wards import overview_rows
from hwb.params import load_defaults, overview_area
from hwb.partnerships import OverviewPartnership
from hwb.stats.findings import BETTER, WORSE
from hwb.text import format as fmt
from hwb.text.alt import fifth_of


@dataclass
class Overview:
    """Every partnership's pack data (each with its member districts' packs), sharing one frame."""

    partnerships: list[PartnershipPack]

    @property
    def packs(self) -> list[Pack]:
        """Every district's own pack, grouped by partnership (in partnership order)."""
        return [member for partnership in self.partnerships for member in partnership.members]

    @property
    def county_name(self) -> str:
        return (
            self.partnerships[0].county_name if self.partnerships else load_defaults().county_name
        )

    @property
    def manifest(self) -> dict[str, Any]:
        return self.partnerships[0].manifest

    def page_of(self, district: str) -> str:
        """The slug of the partnership page showing ``district`` (a district's slug)."""
        return next(
            p.partnership.slug
            for p in self.partnerships
            if district in p.partnership.district_slugs
        )

    def __repr__(self) -> str:
        return f"Overview({len(self.partnerships)} partnerships, {len(self.packs)} districts)"


def _partnerships(
    districts: Sequence[BaseModel | Mapping[str, Any]],
    partnerships: Sequence[Mapping[str, Any]] | None,
) -> list[OverviewPartnership]:
    """Each partnership with its member districts' parameters as the overview reads them."""
    if partnerships is None:
        from hwb.partnerships import load_partnerships

        partnerships = [
            {"slug": p.slug, "name": p.name, "districts": p.district_slugs}
            for p in load_partnerships()
        ]
    by_slug = {area.slug: area for area in map(overview_area, districts)}
    groups, placed = [], set()
    for group in partnerships:
        members = [by_slug[s] for s in group["districts"] if s in by_slug]
        if not members:
            continue
        placed.update(m.slug for m in members)
        groups.append(
            OverviewPartnership(slug=group["slug"], name=group["name"], districts=members)
        )
    for slug, area in by_slug.items():  # a district in no partnership given: its own page
        if slug not in placed:
            groups.append(OverviewPartnership(slug=slug, name=area.name, districts=[area]))
    return groups


def load_overview(
    districts: Sequence[BaseModel | Mapping[str, Any]],
    snapshot: str | Path | None = None,
    partnerships: Sequence[Mapping[str, Any]] | None = None,
) -> Overview:
    """Each partnership's pack, from its model (:func:`hwb.model.load`: the files the model
    step wrote for the partnership's own pages, or computed here when there are none).

    ``districts``: every district's parameters (models, or the JSON the notebook receives,
    validated here as :class:`~hwb.params.OverviewArea`); ``partnerships``: each
    partnership's slug, name and member district slugs, in book order (default:
    parameters/partnerships.yml).
    """
    if not districts:
        return Overview([])
    groups = _partnerships(districts, partnerships)
    manifest = load_manifest(resolve_snapshot(snapshot))
    return Overview([load_partnership_pack(group, snapshot, manifest) for group in groups])


def pack_href(slug: str) -> str:
    """The built page of a partnership's pack, relative to the overview page (book/overview.html)."""
    return f"districts/{slug}.html"


def _link(pack: PartnershipPack) -> str:
    return f'<a href="{pack_href(pack.partnership.slug)}">{d.escape(pack.partnership_name)}</a>'


def banner(overview: Overview) -> d.Html:
    text = banner_text(overview.manifest) if overview.partnerships else None
    return d.banner(text) if text else d.Html("", "")


def benchmark_counts(pack: Pack) -> dict[str, int]:
    """How many of a pack's headline indicators are worse, similar or better than England (95%):
    worse and better are the pack's judged lists (:attr:`hwb.pages.model.Pack.lists`), the very
    lists its key messages, spine captions and summary count; estimates for a larger area and
    old series are on none of them."""
    judged = pack.headline[pack.headline["status"] == OK]["compared_95"]
    return {
        "Worse": len(pack.on_list(WORSE)),
        "Similar": int((judged == "Similar").sum()),
        "Better": len(pack.on_list(BETTER)),
        "With a value": len(judged),
    }


def count_cells(pack: PartnershipPack) -> dict[str, int | str]:
    """A partnership's worse / similar / better counts as the overview shows them: the district's
    numbers for one district; for several, each member district's, then the combined area's
    ("Chorley 3; South Ribble 2; combined 0"), so no district's finding is hidden by the
    combined figure."""
    if not pack.combined:
        return benchmark_counts(pack)
    each = [(m.name, benchmark_counts(m)) for m in pack.members] + [
        ("combined", benchmark_counts(pack))
    ]
    return {
        key: "; ".join(f"{name} {counts[key]}" for name, counts in each)
        for key in ("Worse", "Similar", "Better", "With a value")
    }


def partnership_links(overview: Overview) -> d.Html:
    """One row per partnership: a link to its pack and how many indicators are worse / similar / better
    than England: for a partnership of several districts, each member district's counts, then the
    combined area's (:func:`count_cells`)."""
    rows = []
    for pack in overview.partnerships:
        counts = count_cells(pack)
        not_combined = (
            int((pack.headline["status"] == NOT_COMBINED).sum()) if pack.combined else None
        )
        rows.append(
            {
                "Partnership": _link(pack),
                "Districts": d.escape(fmt.join_words([m.name for m in pack.members])),
                "Worse than England": counts["Worse"],
                "Similar": counts["Similar"],
                "Better than England": counts["Better"],
                "Indicators with a value": counts["With a value"],
                "No combined figure (shown for each district)": "–"
                if not_combined is None
                else not_combined,
            }
        )
    if not rows:
        return d.paragraph("No partnerships were given.")
    frame = pd.DataFrame(rows)
    if not any(p.combined for p in overview.partnerships):
        frame = frame.drop(columns=["No combined figure (shown for each district)"])
    return d.Html(
        d.table(frame, raw_html_columns=("Partnership", "Districts")),
        f"{len(rows)} partnership packs",
    )


# --------------------------------------------------------------------------- tartan rug
#: the mark beside a rug value whose series carries a fitness label (issue 27)
FITNESS_MARK = "†"
FITNESS_LEGEND = (
    "an estimate for a larger area, old data, a break in the series or a survey estimate "
    "without limits (the cell's title says which): estimates and old data are not compared "
    "with England, and not counted above."
)


def rug_table(overview: Overview) -> pd.DataFrame:
    """Long table behind the rug: one row per indicator (and sex) and district, plus county and England."""
    frames = []
    for partnership in overview.partnerships:
        for pack in partnership.members:
            h = pack.headline[pack.headline["status"] == OK]
            frames.append(
                h.assign(
                    district=pack.name, slug=pack.slug, partnership=partnership.partnership_name
                )
            )
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def rug_head(overview: Overview) -> str:
    """The rug's column headings: each partnership (linked to its pack) over its districts' columns.

    A one-district partnership's heading spans both header rows; a partnership of several
    districts heads a column group with a column per district beneath it.
    """
    span = " rowspan='2'" if any(p.combined for p in overview.partnerships) else ""
    top = [
        f"<th scope='col'{span}>Indicator</th>",
        f"<th scope='col'{span}>England</th>",
        f"<th scope='col'{span}>{d.escape(overview.county_name)}</th>",
    ]
    below = []
    groups = ["<colgroup span='3'></colgroup>"]
    for pack in overview.partnerships:
        link = (
            f"<a href='{pack_href(pack.partnership.slug)}' title='{d.escape(pack.partnership_name)}'>"
            f"{d.escape(pack.partnership.area_name)}</a>"
        )
        groups.append(f"<colgroup span='{len(pack.members)}'></colgroup>")
        if pack.combined:
            top.append(f"<th scope='colgroup' colspan='{len(pack.members)}'>{link}</th>")
            below += [f"<th scope='col'>{d.escape(m.name)}</th>" for m in pack.members]
        else:
            top.append(f"<th scope='col'{span}>{link}</th>")
    rows = "".join(f"<tr>{''.join(cells)}</tr>" for cells in (top, below) if cells)
    return "".join(groups) + f"<thead>{rows}</thead>"


def tartan_rug(overview: Overview) -> d.Html:
    """Indicators x districts (grouped by partnership), each cell the value with its benchmark as
    colour, shape and word."""
    long = rug_table(overview)
    long = long[long["benchmark"] != "none"] if len(long) else long
    if long.empty:
        return d.paragraph(
            "No district has indicator values in this snapshot, so there is no overview table."
        )
    order = long.drop_duplicates(["indicator_id", "sex"])[
        ["indicator_id", "sex", "label", "programme", "unit"]
    ]
    programmes = [
        "Overarching",
        "Starting Well",
        "Living Well",
        "Ageing Well",
        "Wider determinants",
    ]
    order = order.assign(
        _p=order["programme"].map({p: i for i, p in enumerate(programmes)}).fillna(9)
    )
    order = order.sort_values("_p", kind="mergesort")
    names = [p.name for p in overview.packs]
    body = []
    current = None
    for _, ind in order.iterrows():
        if ind["programme"] != current:
            current = ind["programme"]
            body.append(
                f"<tr><th colspan='{len(names) + 3}' scope='rowgroup' style='text-align:left;"
                f"background:#F2F2F2'>{d.escape(current)}</th></tr>"
            )
        cells = long[
            (long["indicator_id"] == ind["indicator_id"]) & (long["sex"] == ind["sex"])
        ].set_index("district")
        first = cells.iloc[0]
        unit = "" if ind["unit"] in ("%",) else f" ({ind['unit']})"
        row = [
            (
                f"<th scope='row' style='text-align:left;font-weight:normal;min-width:13em'>"
                f"{d.escape(ind['label'])}"
                f"<br><small>{d.escape(first['period'])}{d.escape(unit)}</small></th>"
            ),
            f"<td>{fmt.number(first['england_value'])}</td>",
            f"<td>{fmt.number(first['county_value'])}</td>",
        ]
        for name in names:
            if name not in cells.index:
                row.append("<td title='no value'>–</td>")
                continue
            c = cells.loc[name]
            style = significance_style(c["compared_95"])
            fitness = c.get("fitness", "")
            fitness = fitness if isinstance(fitness, str) else ""
            verdict = fmt.upper_first(fifth_of(c)) or str(c["compared_95"])
            said = f"{verdict}; {fitness}" if fitness else verdict
            mark = FITNESS_MARK if fitness else ""
            row.append(
                f"<td style='background:{style.colour};color:{style.text_colour};text-align:center;"
                "white-space:nowrap' "
                f"title='{d.escape(said)}'>{style.symbol} {fmt.number(c['value'])}{mark}"
                f"<span class='hwb-sr'> {d.escape(said)}</span></td>"
            )
        body.append("<tr>" + "".join(row) + "</tr>")
    legend = " ".join(
        d.badge(x) for x in ("Worse", "Similar", "Better", "Higher", "Lower", "Not compared")
    )
    marked = (
        f"<p>{FITNESS_MARK} {d.escape(FITNESS_LEGEND)}</p>"
        if "fitness" in long.columns and long["fitness"].fillna("").astype(str).ne("").any()
        else ""
    )
    # why the county column is empty where it is: one sentence, not a column of "n/a" alone
    county = county_note(long.drop_duplicates(["indicator_id", "sex"]), overview.county_name)
    html = (
        f"<p>{legend}</p>{marked}<div style='overflow-x:auto;font-size:0.8em'>"
        f"<table class='hwb-rug'>{rug_head(overview)}<tbody>{''.join(body)}</tbody></table></div>"
        "<style>.hwb-sr{position:absolute;left:-9999px}</style>"
        + (f'<p class="hwb-note">{d.escape(county)}</p>' if county else "")
    )
    data = long[
        [
            "partnership",
            "district",
            "label",
            "period",
            "value",
            "lower_95",
            "upper_95",
            "county_value",
            "england_value",
            "compared_95",
            "compared_998",
            "recent_trend",
        ]
    ]
    link = d.csv_link(data, "overview-districts.csv", "Download the overview numbers (CSV)")
    text = (
        f"Overview table of {len(order)} indicators for {len(names)} districts in "
        f"{fmt.plural(len(overview.partnerships), 'partnership')}."
    )
    return d.Html(html, text) + link


# --------------------------------------------------------------------------- life expectancy gaps
def life_expectancy_gaps(overview: Overview) -> d.Html:
    """Life expectancy at birth by sex across the districts against England, worst first."""
    long = rug_table(overview)
    le = long[long["indicator_id"] == role_id("life_at_birth")] if len(long) else long
    if le.empty:
        return d.paragraph(
            "Life expectancy at birth is not in this snapshot, so the gaps between districts "
            "cannot be shown."
        )
    parts = []
    for sex in ("Male", "Female"):
        rows = (
            le[le["sex"] == sex]
            .sort_values("value", kind="stable")
            .rename(columns={"district": "name"})
        )
        if rows.empty:
            continue
        england = float(rows["england_value"].iloc[0])
        who = "men" if sex == "Male" else "women"
        worst, best = rows.iloc[0], rows.iloc[-1]
        spread = float(best["value"]) - float(worst["value"])
        title = (
            f"Life expectancy for {who}: {fmt.number(spread, decimals=1)} years between "
            f"{worst['name']} and {best['name']} "
            f"({rows['period'].iloc[0]})"
        )
        fig = gap_chart(rows, england, title, "years")
        words = "; ".join(
            f"{r['name']} {fmt.number(r['value'])} ({r['compared_95'].lower()})"
            for _, r in rows.iterrows()
        )
        alt_text = f"{title}. England {fmt.number(england)} years. {words}."
        table = pd.DataFrame(
            {
                "District": rows["name"],
                "Years": rows["value"].map(fmt.number),
                "95% CI": [
                    fmt.interval(a, b)
                    for a, b in zip(rows["lower_95"], rows["upper_95"], strict=False)
                ],
                "Gap to England": [fmt.number(v - england) for v in rows["value"]],
                "Compared with England": rows["compared_95"],
            }
        )
        parts.append(d.figure(fig, alt_text, table))
    return d.join(parts)


# --------------------------------------------------------------------------- priorities
def priority_cell(pack: PartnershipPack, row: pd.Series) -> str:
    """One recommended priority as the overview shows it: outcome, indicator, list; for a
    partnership of several districts, where the need is (as its pack says)."""
    text = d.escape(
        f"{titled(row)} ({row['label']}"
        + ("" if row["list"] == WORSE_LIST else f"; {row['list']}")
        + ")"
    )
    where = concentration(pack, row["indicator_id"], row["label"])
    return f"{text}<br><small>{d.escape(fmt.upper_first(where))}</small>" if where else text


def priorities_side_by_side(overview: Overview) -> d.Html:
    """Each partnership's recommended priorities, the very rows its pack recommends, in one table."""
    rows = []
    for pack in overview.partnerships:
        chosen = recommended_priorities(pack)
        rows.append(
            {
                "Partnership": _link(pack),
                **{
                    f"Priority {i + 1}": priority_cell(pack, r)
                    for i, (_, r) in enumerate(chosen.iterrows())
                },
            }
        )
    frame = pd.DataFrame(rows).fillna("")
    if frame.empty:
        return d.paragraph("No partnership has data to rank priorities from.")
    raw = tuple(frame.columns)
    return d.Html(
        f"<div style='overflow-x:auto;font-size:0.85em'>{d.table(frame, raw_html_columns=raw)}</div>",
        f"Recommended priorities for {len(rows)} partnerships",
    )


# --------------------------------------------------------------------------- priority wards
def priority_wards(overview: Overview) -> d.Html:
    """Every district's priority wards in one table, grouped by partnership, each district linked
    to its partnership's pack (see each pack's Priority wards section)."""
    frame = overview_rows(overview.packs, lambda district: pack_href(overview.page_of(district)))
    if frame.empty:
        return d.paragraph("No districts were given.")
    return d.Html(
        f"<div style='overflow-x:auto;font-size:0.85em'>"
        f"{d.table(frame, raw_html_columns=tuple(frame.columns))}</div>",
        f"Priority wards of {len(overview.packs)} districts",
    )
