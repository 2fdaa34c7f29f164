"""The older population ahead: people aged 65 and over projected to the strategy horizons
(the model's ``ageing`` table, :mod:`hwb.model.ageing`)."""

from __future__ import annotations

import pandas as pd

from hwb.pages import display as d
from hwb.pages.model import Pack
from hwb.pages.sections.common import styled_table
from hwb.text import format as fmt

#: the projections' file in the manifest (:data:`hwb.data.projections.FILE_NAME`)
KIND = "projection"


def older_population(pack: Pack) -> d.Html:
    """The 65+ population and its share now and at each horizon, per district, the
    partnership and the county, with what it means in people and the base's check."""
    model = pack.model
    table = model.tables.get("ageing", pd.DataFrame()) if model is not None else pd.DataFrame()
    if table.empty:
        return d.paragraph(
            "This snapshot has no population projections, so the older population is not "
            "projected here; `make assemble` builds them."
        )
    focus = table[table["role"] == ("partnership" if pack_is_combined(pack) else "district")]
    base_year = int(table["year"].min())
    last = focus[focus["year"] == focus["year"].max()].iloc[0]
    first = focus[focus["year"] == base_year].iloc[0]
    horizons = sorted(int(y) for y in table["year"].unique() if int(y) != base_year)
    words = [
        (
            f"On ONS's 2022-based projections, {pack.name} will have about "
            f"{fmt.number(_people(last['more_65']), 'people')} more people aged 65 and over by "
            f"{int(last['year'])} than in {base_year} ({fmt.number(first['population_65'], 'people')} "
            f"then, about {fmt.number(_people(last['population_65']), 'people')} in {int(last['year'])}): "
            f"{fmt.number(last['share_65'])}% of residents, against {fmt.number(first['share_65'])}% "
            f"in {base_year}."
        )
    ]
    county = table[(table["role"] == "county") & (table["year"] == last["year"])]
    if len(county):
        words.append(
            f"{pack.county_name} as a whole goes to {fmt.number(county['share_65'].iloc[0])}%."
        )
    parts = [d.paragraph(" ".join(words))]
    out = pd.DataFrame(
        {
            "Area": table["area_name"],
            "Year": table["year"].astype(int).astype(str),
            "People aged 65+": [
                fmt.number(_people(v, y, base_year), "people")
                for v, y in zip(table["population_65"], table["year"], strict=True)
            ],
            "All ages": [
                fmt.number(_people(v, y, base_year), "people")
                for v, y in zip(table["population_all"], table["year"], strict=True)
            ],
            "Share aged 65+ (%)": [fmt.number(v) for v in table["share_65"]],
            f"More aged 65+ than in {base_year}": [
                fmt.number(_people(v), "people") if y != base_year else "–"
                for v, y in zip(table["more_65"], table["year"], strict=True)
            ],
        }
    )
    parts.append(d.Html(styled_table(out), f"The 65+ population, {base_year} to {horizons[-1]}"))
    note = base_note(pack)
    between = [h for h in horizons if h % 5 != base_year % 5]
    method = (
        "ONS publishes these projections every five years (2022, 2027, 2032, …); "
        f"{fmt.join_words([str(h) for h in between])} "
        f"{'is' if len(between) == 1 else 'are'} read on the straight line between the "
        "published years either side. Projections assume recent births, deaths and migration "
        "continue; they are not forecasts."
        if between
        else "Projections assume recent births, deaths and migration continue; they are not forecasts."
    )
    parts.append(d.paragraph(f"{method} {note}".strip()))
    return d.join(parts)


def pack_is_combined(pack: Pack) -> bool:
    return len(getattr(pack, "members", None) or [pack]) > 1


def _people(value: float, year: int = 0, base_year: int = -1) -> float:
    """People to the nearest ten for a projected year (a projection is not counted to the
    person); the base year as published."""
    return float(value) if year == base_year else float(round(value, -1))


def base_note(pack: Pack) -> str:
    """The manifest's check of the projections' 2022 base against the mid-2022 estimate."""
    members = getattr(pack, "members", None) or [pack]
    codes = {m.code: m.name for m in members}
    for entry in pack.manifest.get("files", []) or []:
        if entry.get("kind") != KIND:
            continue
        checks = [c for c in entry.get("base_check") or [] if c.get("area_code") in codes]
        if not checks:
            return ""
        said = [
            f"{codes[c['area_code']]} {fmt.number(c['base'], 'people')} against "
            f"{fmt.number(c['estimate'], 'people')} ({fmt.number(100 * float(c['relative']), decimals=2)}%)"
            for c in checks
        ]
        source = (entry.get("origin") or [{}])[0]
        return (
            "The projections' 2022 base was checked against ONS's mid-2022 population estimate "
            f"when the snapshot was assembled: {'; '.join(said)}. Source: ONS 2022-based "
            f"sub-national population projections, copied from {source.get('repository', '')} "
            f"at commit {str(source.get('commit', ''))[:12]}; {source.get('licence', '')}."
        )
    return ""
