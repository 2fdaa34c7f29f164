"""The district: a short profile in words and the population pyramid."""

from __future__ import annotations

import pandas as pd

from hwb.charts.pyramid import pyramid_chart, pyramid_shares
from hwb.data.catalogue import role_id, role_ids
from hwb.pages import display as d
from hwb.pages.model import ENGLAND_WIDE, OK, Pack

#: the catalogue roles of the life expectancy section's measures (and the SII beside them)
from hwb.pages.sections.common import areas, names_by_code
from hwb.pages.sections.messages import context_sentences
from hwb.text import format as fmt
from hwb.text.messages import quintile_phrase


def district_profile(pack: Pack) -> d.Html:
    """A short profile in words and the population pyramid against the county and England."""
    districts = _districts(pack)
    deprivation = [
        s for member in districts for s in deprivation_sentences(member, len(districts) > 1)
    ]
    if deprivation:
        deprivation.append(EDITIONS)
    parts = [
        d.paragraph(
            " ".join([*context_sentences(pack)[:1], *deprivation])
            or f"Population and deprivation figures for {pack.name} are not in this snapshot."
        )
    ]
    pop = pack.frame[
        (pack.frame["indicator_id"] == role_id("population")) & (pack.frame["category_type"] == "")
    ]
    codes, names = areas(pack)
    mine = pop[pop["area_code"] == pack.code]
    if mine.empty:
        parts.append(
            d.paragraph(
                "Population by age and sex is not in this snapshot, so there is no pyramid."
            )
        )
        return d.join(parts)
    latest = mine["period_sortable"].max()
    shares = pyramid_shares(
        pop[(pop["period_sortable"] == latest) & pop["area_code"].isin(codes.values())]
    )
    district = shares[shares["area_code"] == pack.code]
    if district.empty:
        parts.append(
            d.paragraph(
                "The snapshot has no 5-year age bands for this district, so there is no pyramid."
            )
        )
        return d.join(parts)
    period = mine.loc[mine["period_sortable"] == latest, "period"].iloc[0]
    older = district[district["start"] >= 65]["percent"].sum()
    england = shares[(shares["area_code"] == pack.england_code) & (shares["start"] >= 65)][
        "percent"
    ].sum()
    young = district[district["start"] < 20]["percent"].sum()
    title = f"{fmt.number(older)}% of {pack.name}'s residents are 65 or over (England {fmt.number(england)}%), {period}"
    alt_text = (
        f"Population pyramid of {pack.name} in {period} by sex and 5-year age band. "
        f"{fmt.number(older)}% are aged 65 or over against {fmt.number(england)}% in England; "
        f"{fmt.number(young)}% are under 20. The largest band is "
        f"{_largest(district)}."
    )
    table = shares.assign(Area=shares["area_code"].map(names_by_code(pack)))
    table = (
        table.pivot_table(index=["age", "start"], columns=["Area", "sex"], values="percent")
        .sort_index(level="start", kind="stable")
        .reset_index(level="start", drop=True)
    )
    table.columns = [f"{a}: {s} (%)" for a, s in table.columns]
    table = table.map(fmt.number).reset_index().rename(columns={"age": "Age band"})
    parts.append(d.figure(pyramid_chart(shares, codes, names, title), alt_text, table))
    return d.join(parts)


def _largest(district: pd.DataFrame) -> str:
    top = district.sort_values(["percent", "start"], ascending=[False, True], kind="stable").iloc[0]
    who = "men" if top["sex"] == "Male" else "women"
    return f"{who} aged {top['age'].replace(' yrs', '')} ({fmt.number(top['percent'])}%)"


EDITIONS = (
    "The two editions of the Indices of Deprivation use different data and neighbourhoods "
    "(2011 and 2021), so the change between them is not a measured trend."
)


def _districts(pack: Pack) -> list[Pack]:
    """The pack's districts: a partnership's members (a score is not combined), or itself."""
    return getattr(pack, "members", None) or [pack]


def deprivation_sentences(pack: Pack, named: bool = False) -> list[str]:
    """The district's Indices of Deprivation score, the newer edition (IoD2025) beside the
    older (IoD2019), each with England's where published and its fifth of English districts
    (``named``: the sentence names the district, for a pack of several)."""
    h = pack.headline
    said = []
    for indicator_id in role_ids("deprivation", "deprivation_new"):
        rows = h[(h["indicator_id"] == indicator_id) & (h["status"] == OK)]
        if rows.empty:
            continue
        r = rows.iloc[0]
        # both are deprivation scores: the deprivation role's wording ("most deprived fifth")
        fifth = quintile_phrase(
            str(r["quintile"]), role_id("deprivation"), int(r["districts_n"]), ENGLAND_WIDE
        )
        notes = []
        if not fmt.is_missing(r["england_value"]):
            notes.append(f"England {fmt.number(r['england_value'])}")
        if fifth:
            notes.append(fifth)
        said.append(
            f"{fmt.number(r['value'])} in the Indices of Deprivation {r['period']}"
            + (f" ({'; '.join(notes)})" if notes else "")
        )
    if not said:
        return []
    return [
        (
            f"{pack.name + chr(39) + 's' if named else 'Its'} deprivation score (higher means more "
            f"deprived) is {' and '.join(said)}."
        )
    ]
