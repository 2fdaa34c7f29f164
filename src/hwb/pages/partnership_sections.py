"""What a partnership's pack adds to the district sections (:mod:`hwb.pages.sections`).

Every function takes a :class:`~hwb.pages.partnership.PartnershipPack`. For a one-district
partnership each returns exactly what the district section returns (or nothing), so a
one-district pack shows what a district pack always showed. For a two-district pack:

* :func:`districts_side_by_side`: the combined area and each member, indicator by
  indicator, with the reason wherever there is no combined figure;
* :func:`life_expectancy`: life expectancy cannot be combined, so each member's section;
* :func:`priorities`: the combined area's long-list, with each member district's own
  significantly-worse findings, then, for each recommended priority, where the need is
  concentrated (one district or both).
"""

from __future__ import annotations

import pandas as pd

from hwb.model.headline import stale
from hwb.model.priorities import member_findings, titled
from hwb.pages import display as d
from hwb.pages import sections
from hwb.pages.partnership import PartnershipPack, concentration, side_by_side
from hwb.text import format as fmt


def districts_side_by_side(pack: PartnershipPack) -> d.Html:
    """The combined area and each member district, indicator by indicator (empty for one district)."""
    if not pack.combined:
        return d.Html("", "")
    table = side_by_side(pack)
    if table.empty:
        return d.paragraph(f"No district of {pack.name} has indicator values in this snapshot.")
    out = _side_by_side_cells(pack, table, no_note="")
    combined = table["combined_value"].notna().sum()
    summary = (
        f"{combined} of {len(table)} indicators have a combined figure for {pack.name}; the others are "
        "shown for each district, with the reason."
    )
    data = d.csv_link(
        table, f"{pack.slug}-side-by-side.csv", "Download the side-by-side numbers (CSV)"
    )
    return d.join(
        [d.paragraph(summary), d.Html(d.table(out), f"{len(out)} indicators side by side"), data]
    )


def _figure(value, compared: str, period: str, fitness: str = "") -> str:
    """ "8.0 (2023/24; estimate for a larger area)", "11.8 (2022/23, better; break in the series
    2022/23)": the value, its period, its judgement where it is judged and its fitness label
    where it has one."""
    if fmt.is_missing(value):
        return ""
    judged = f", {compared.lower()}" if compared and compared != "Not compared" else ""
    label = f"; {fitness}" if isinstance(fitness, str) and fitness else ""
    return f"{fmt.number(value)} ({period}{judged}{label})"


def _each_member(pack: PartnershipPack, section, why: str) -> d.Html:
    parts = [d.paragraph(why)]
    for member in pack.members:
        parts += [d.paragraph(member.name, "hwb-lead"), section(member)]
    return d.join(parts)


def life_expectancy(pack: PartnershipPack) -> d.Html:
    """The district section; for a combined area, each member's (life expectancy cannot be combined)."""
    if not pack.combined:
        return sections.life_expectancy(pack)
    return _each_member(
        pack,
        sections.life_expectancy,
        f"Life expectancy cannot be combined for {pack.name} without each district's deaths and "
        "population by age, so each district's figures are shown in turn.",
    )


def priority_wards(pack: PartnershipPack) -> d.Html:
    """The district section; for a combined area, each member district's wards in turn."""
    from hwb.pages.wards import priority_wards as wards

    if not pack.combined:
        return wards(pack)
    return _each_member(
        pack,
        wards,
        f"Wards lie within one district, so {pack.name}'s are shown district by district.",
    )


def priorities(pack: PartnershipPack) -> d.Html:
    """The long-list for the area (with each member district's own significantly-worse
    findings, :func:`hwb.pages.sections.ranked_priorities`); for a combined area, where each
    recommended priority's need sits, and any member finding left off the long-list because
    its data are old."""
    shown = sections.priorities(pack)
    if not pack.combined:
        return shown
    recommended = sections.recommended_priorities(pack)
    items = [
        f"{titled(r)} ({r['label']}): {concentration(pack, r['indicator_id'], r['label'])}."
        for _, r in recommended.iterrows()
    ]
    extra = (
        [d.paragraph(f"Where the need is, within {pack.name}:", "hwb-lead"), d.bullets(items)]
        if items
        else []
    )
    old = _old_member_findings(pack)
    if old:
        extra.append(
            d.paragraph(
                "Also significantly worse than England in one district (and not for the combined area), "
                "but the latest data are old, so left off the long-list: "
                + "; ".join(old)
                + ". The partnership may want newer figures before targeting these."
            )
        )
    return d.join([shown, *extra])


def _old_member_findings(pack: PartnershipPack) -> list[str]:
    """A member's significantly-worse findings not shared by the combined area whose data are
    too old for the long-list (:func:`hwb.model.headline.stale`)."""
    found = []
    for member in pack.members:
        old = member.headline[stale(member.headline)]
        for _, r in member_findings(pack.headline, old).iterrows():
            found.append(f"{r['label']} in {member.name} ({r['period']})")
    return found


def programme_by_district(pack: PartnershipPack, programme: str) -> d.Html:
    """A programme's indicators for each member district beside the combined figure (or in its
    place where the districts cannot be combined, with the reason); empty for one district."""
    if not pack.combined:
        return d.Html("", "")
    table = side_by_side(pack)
    table = table[table["programme"] == programme] if len(table) else table
    if table.empty:
        return d.paragraph(f"No district of {pack.name} has a {programme} value in this snapshot.")
    out = _side_by_side_cells(pack, table, no_note="not combined")
    combined = int(table["combined_value"].notna().sum())
    names = fmt.join_words([m.name for m in pack.members])
    lead = (
        f"Each district's own values ({names}), beside the combined figure: {combined} of "
        f"{fmt.plural(len(table), 'indicator')} in {programme} can be combined for {pack.name}; "
        "for the others each district's figure stands in its place (the reason is in the "
        "combined column). Verdicts are against England."
    )
    return d.join(
        [
            d.paragraph(lead, "hwb-lead"),
            d.Html(d.table(out), f"{programme}: {len(out)} indicators by district"),
        ]
    )


def _side_by_side_cells(pack, table: pd.DataFrame, no_note: str) -> pd.DataFrame:
    """The side-by-side table's cells: each indicator's combined figure (or "none:" and why,
    ``no_note`` where no reason is recorded) and each member district's figure (or "–")."""
    out = pd.DataFrame({"Indicator": table["label"], "Unit": table["unit"]})
    out[f"{pack.name} (combined)"] = [
        _figure(
            r["combined_value"],
            r["combined_compared_95"],
            r["combined_period"],
            r.get("combined_fitness", ""),
        )
        or f"none: {r['combined_note'] or no_note}"
        for _, r in table.iterrows()
    ]
    for member in pack.members:
        out[member.name] = [
            _figure(
                r[f"{member.slug}_value"],
                r[f"{member.slug}_compared_95"],
                r[f"{member.slug}_period"],
                r.get(f"{member.slug}_fitness", ""),
            )
            or "–"
            for _, r in table.iterrows()
        ]
    return out
