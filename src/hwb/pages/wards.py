"""The "Priority wards" section: how the partnership's priority wards compare with the
rest of the district and with England.

Everything comes from the snapshot's small-area files (:mod:`hwb.data.small_areas`), on
2019 ward boundaries: each ward's IMD 2019 score and its rank among England's wards, the
share of its neighbourhoods (LSOAs) in England's most deprived 10%, its income and health
deprivation domain scores, its population, and, where a Local Health copy exists (Burnley,
Hyndburn, Pendle, Ribble Valley and Rossendale), the life expectancy and admission and death
ratios of the neighbourhoods (MSOAs) its LSOAs lie in. A district whose partnership has named
no priority wards shows its five most deprived wards instead, and says so. A measure missing
for a ward is said in words.
"""

from __future__ import annotations

import pandas as pd

from hwb.charts.wards import PRIORITY_MARK, ward_chart
from hwb.data.catalogue import role_id
from hwb.pages import display as d
from hwb.pages.model import OK, Pack
from hwb.stats.ranges import ranks
from hwb.text import format as fmt

SHOWN_WHEN_NONE_NAMED = 5
#: Local Health measures shown, with their column heading and how a sentence names them
LOCAL_HEALTH = {
    "LE_male": ("Life expectancy, men (years)", "life expectancy for men"),
    "LE_female": ("Life expectancy, women (years)", "life expectancy for women"),
    "Em_admit_allcause": ("Emergency admissions (England = 100)", "emergency admissions"),
    "Death_allcause_allage": ("Deaths, all ages (England = 100)", "deaths at all ages"),
    "Death_allcause_under75": ("Deaths under 75 (England = 100)", "deaths under 75"),
}
TABLE_STYLE = "font-size:0.85em"


# --------------------------------------------------------------------------- numbers
def _small_areas(pack: Pack):
    """The snapshot's small-area tables for this pack; None with the reason when absent."""
    return pack.small_areas


def ward_table(pack: Pack) -> pd.DataFrame:
    """One row per ward of the district: deprivation, ranks, population, Local Health ranges."""
    areas, _ = _small_areas(pack)
    if areas is None:
        return pd.DataFrame()
    lookup = areas.lookup[areas.lookup["district_code"] == pack.code]
    if lookup.empty:
        return pd.DataFrame()
    england = areas.wards.assign(
        england_rank=ranks(areas.wards["imd_score"], highest_first=True).astype(int)
    )
    lsoas = lookup.merge(areas.lsoa, on="lsoa11_code", how="left")
    wards = (
        lsoas.groupby(["ward_code", "ward_name"], sort=True)
        .agg(
            lsoas=("lsoa11_code", "size"),
            most_deprived=("imd_decile", lambda s: int((s == 1).sum())),
        )
        .reset_index()
        .merge(england, on="ward_code", how="left")
        .merge(areas.population[["ward_code", "population", "period"]], on="ward_code", how="left")
        .rename(columns={"period": "population_period"})
    )
    wards["district_rank"] = ranks(wards["imd_score"], highest_first=True).astype(int)
    wards["england_wards"] = len(england)
    wards["priority"] = wards["ward_name"].isin(pack.params.priority_wards)
    health = areas.local_health
    for measure in LOCAL_HEALTH:
        values = lsoas[["ward_code", "msoa11_code"]].merge(
            health[health["measure"] == measure][["msoa11_code", "value"]],
            on="msoa11_code",
            how="left",
        )
        span = values.groupby("ward_code")["value"].agg(["min", "max"])
        wards[f"{measure}_min"] = wards["ward_code"].map(span["min"])
        wards[f"{measure}_max"] = wards["ward_code"].map(span["max"])
    names = lsoas.groupby("ward_code")["msoa11_name"].agg(lambda s: sorted(set(s)))
    wards["neighbourhoods"] = wards["ward_code"].map(names)
    return wards.sort_values(["district_rank", "ward_name"], kind="stable").reset_index(drop=True)


def references(pack: Pack) -> dict[str, dict[str, float]]:
    """The district's and England's middle ward (median) on each score, and Local Health references."""
    areas, _ = _small_areas(pack)
    wards = ward_table(pack)
    out: dict[str, dict[str, float]] = {"district": {}, "england": {}}
    for column in ("imd_score", "income_score", "health_score"):
        out["district"][column] = float(wards[column].median())
        out["england"][column] = float(areas.wards[column].median())
    out["district"]["population"] = float(wards["population"].sum())
    out["district"]["lsoas"] = float(wards["lsoas"].sum())
    out["district"]["most_deprived"] = float(wards["most_deprived"].sum())
    district_msoas = set(
        areas.lookup.loc[areas.lookup["district_code"] == pack.code, "msoa11_code"]
    )
    health = areas.local_health
    for measure in LOCAL_HEALTH:
        rows = health[health["measure"] == measure]
        mine = rows[rows["msoa11_code"].isin(district_msoas)]
        out["district"][measure] = float(mine["value"].median()) if len(mine) else float("nan")
        out["england"][measure] = (
            float(rows["england_value"].iloc[0]) if len(rows) else float("nan")
        )
        out["england"][f"{measure}_period"] = rows["period"].iloc[0] if len(rows) else ""
    return out


def shown_wards(pack: Pack) -> tuple[pd.DataFrame, bool]:
    """The wards the section describes and whether the partnership named them.

    Named priority wards in the order the parameters list them; with none named, the five
    most deprived wards by IMD 2019 score.
    """
    wards = ward_table(pack)
    named = list(pack.params.priority_wards)
    if wards.empty:
        return wards, bool(named)
    if named:
        order = {name: i for i, name in enumerate(named)}
        chosen = wards[wards["ward_name"].isin(order)]
        return chosen.sort_values(
            "ward_name", key=lambda s: s.map(order), kind="stable"
        ).reset_index(drop=True), True
    return wards.head(SHOWN_WHEN_NONE_NAMED).reset_index(drop=True), False


# --------------------------------------------------------------------------- words
def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{fmt.number(n, decimals=0)}{suffix}"


def _span(row: pd.Series, measure: str, decimals: int) -> str:
    low, high = row[f"{measure}_min"], row[f"{measure}_max"]
    if fmt.is_missing(low):
        return "not available"
    if fmt.number(low, decimals=decimals) == fmt.number(high, decimals=decimals):
        return fmt.number(low, decimals=decimals)
    return f"{fmt.number(low, decimals=decimals)} to {fmt.number(high, decimals=decimals)}"


def _local_health_words(row: pd.Series, refs: dict[str, dict[str, float]], pack: Pack) -> str:
    if fmt.is_missing(row["LE_male_min"]):
        return (
            "Life expectancy and admission and death ratios for its neighbourhoods are not available "
            f"(no Local Health copy for {pack.name} was found)."
        )
    places = fmt.join_words(list(row["neighbourhoods"]))
    england, district = refs["england"], refs["district"]
    parts = []
    for measure in ("LE_male", "LE_female"):
        parts.append(
            f"{LOCAL_HEALTH[measure][1]} {_span(row, measure, 1)} years "
            f"({pack.name}'s middle neighbourhood {fmt.number(district[measure])}, "
            f"England {fmt.number(england[measure])})"
        )
    ratios = [
        f"{LOCAL_HEALTH[m][1]} {_span(row, m, 0)}"
        for m in ("Em_admit_allcause", "Death_allcause_allage", "Death_allcause_under75")
    ]
    return (
        f"In its neighbourhoods ({places}), {fmt.join_words(parts)} "
        f"({england['LE_male_period']}); standardised ratios (England = 100): "
        f"{fmt.join_words(ratios)}."
    )


def ward_sentence(
    row: pd.Series, refs: dict[str, dict[str, float]], pack: Pack, n_wards: int
) -> str:
    """One ward in plain words, each missing measure said as missing."""
    people = (
        f"{fmt.number(row['population'], 'people')} people, {row['population_period']}"
        if not fmt.is_missing(row["population"])
        else "population not available"
    )
    if fmt.is_missing(row["imd_score"]):
        deprivation = "its IMD 2019 score is not available"
    else:
        deprivation = (
            f"IMD 2019 score {fmt.number(row['imd_score'])}, the {_ordinal(int(row['england_rank']))} "
            f"most deprived of England's {fmt.number(row['england_wards'], decimals=0)} wards and "
            f"{_ordinal(int(row['district_rank']))} of {pack.name}'s {n_wards}"
        )
    share = (
        f"{row['most_deprived']} of its {fmt.plural(int(row['lsoas']), 'neighbourhood')} (LSOAs) "
        f"{'is' if row['most_deprived'] == 1 else 'are'} among England's most deprived 10%"
    )
    if fmt.is_missing(row["income_score"]):
        domains = "its income and health deprivation scores are not available"
    else:
        domains = (
            f"{fmt.number(100 * row['income_score'])}% of residents are income-deprived "
            f"({pack.name}'s middle ward {fmt.number(100 * refs['district']['income_score'])}%, "
            f"England's {fmt.number(100 * refs['england']['income_score'])}%) and its health "
            f"deprivation and disability score is {fmt.number(row['health_score'], decimals=2)} "
            f"(middle wards {fmt.number(refs['district']['health_score'], decimals=2)} and "
            f"{fmt.number(refs['england']['health_score'], decimals=2)}; higher is more deprived)"
        )
    return (
        f"{row['ward_name']} ({people}): {deprivation}; {share}; {domains}. "
        f"{_local_health_words(row, refs, pack)}"
    )


# --------------------------------------------------------------------------- tables
def _number_column(values: pd.Series, decimals: int | None = None, scale: float = 1.0) -> list[str]:
    return [
        fmt.number(v * scale, decimals=decimals) if not fmt.is_missing(v) else "not available"
        for v in values
    ]


def wards_numbers(
    pack: Pack, rows: pd.DataFrame, refs: dict[str, dict[str, float]]
) -> pd.DataFrame:
    """The table of the shown wards, with the district's and England's middle ward beneath."""
    table = pd.DataFrame(
        {
            "Ward": rows["ward_name"],
            "Population (mid-2020)": _number_column(rows["population"], 0),
            "IMD 2019 score": _number_column(rows["imd_score"]),
            f"Rank in England (of {fmt.number(rows['england_wards'].iloc[0], decimals=0)})": [
                fmt.number(v, decimals=0) for v in rows["england_rank"]
            ],
            f"Rank in {pack.name}": rows["district_rank"].astype(int).astype(str),
            "LSOAs in England's most deprived 10%": [
                f"{m} of {n}" for m, n in zip(rows["most_deprived"], rows["lsoas"], strict=False)
            ],
            "Income-deprived (%)": _number_column(rows["income_score"], scale=100),
            "Health deprivation score": _number_column(rows["health_score"], 2),
        }
    )
    has_health = rows["LE_male_min"].notna().any()
    if has_health:
        for measure, (heading, _) in LOCAL_HEALTH.items():
            table[heading] = [
                _span(r, measure, 1 if measure.startswith("LE") else 0) for _, r in rows.iterrows()
            ]
    extra = []
    for who, label in (
        ("district", f"{pack.name}: middle ward"),
        ("england", "England: middle ward"),
    ):
        ref = refs[who]
        line = {c: "" for c in table.columns}
        line.update(
            {
                "Ward": label,
                "IMD 2019 score": fmt.number(ref["imd_score"]),
                "Income-deprived (%)": fmt.number(100 * ref["income_score"]),
                "Health deprivation score": fmt.number(ref["health_score"], decimals=2),
            }
        )
        if who == "district":
            line["Population (mid-2020)"] = (
                f"{fmt.number(ref['population'], 'people')} (whole district)"
            )
            line["LSOAs in England's most deprived 10%"] = (
                f"{int(ref['most_deprived'])} of {int(ref['lsoas'])} (whole district)"
            )
        else:
            line["LSOAs in England's most deprived 10%"] = "10% by definition"
        if has_health:
            for measure, (heading, _) in LOCAL_HEALTH.items():
                line[heading] = fmt.number(
                    ref[measure], decimals=1 if measure.startswith("LE") else 0
                )
        extra.append(line)
    return pd.concat([table, pd.DataFrame(extra)], ignore_index=True)


def _chart(
    pack: Pack, wards: pd.DataFrame, refs: dict[str, dict[str, float]], named: bool
) -> d.Html:
    marked = wards.assign(
        priority=wards["priority"] if named else wards["district_rank"] <= SHOWN_WHEN_NONE_NAMED
    )
    data = marked.rename(columns={"ward_name": "ward"})[["ward", "imd_score", "priority"]]
    kind = "priority wards" if named else "five most deprived wards"
    top, bottom = marked.iloc[0], marked.iloc[-1]
    title = (
        f"{pack.name}'s {len(marked)} wards by IMD 2019 score: {top['ward_name']} "
        f"{fmt.number(top['imd_score'], decimals=1)} to {bottom['ward_name']} "
        f"{fmt.number(bottom['imd_score'], decimals=1)}"
    )
    fig = ward_chart(
        data, refs["district"]["imd_score"], refs["england"]["imd_score"], pack.name, title
    )
    chosen = marked[marked["priority"]]
    listed = "; ".join(
        f"{r['ward_name']} {fmt.number(r['imd_score'])} ({_ordinal(int(r['district_rank']))})"
        for _, r in chosen.iterrows()
    )
    alt_text = (
        f"Bar chart. {title}. The {kind} are dark bars marked {PRIORITY_MARK}: {listed}. "
        f"{pack.name}'s middle ward scores {fmt.number(refs['district']['imd_score'])}, "
        f"England's middle ward {fmt.number(refs['england']['imd_score'])}."
    )
    behind = pd.DataFrame(
        {
            "Ward": marked["ward_name"],
            "IMD 2019 score": marked["imd_score"].map(fmt.number),
            "Rank in England": marked["england_rank"].map(lambda v: fmt.number(v, decimals=0)),
            "Marked": marked["priority"].map(
                {
                    True: f"{PRIORITY_MARK} {'priority' if named else 'five most deprived'}",
                    False: "",
                }
            ),
        }
    )
    return d.figure(fig, alt_text, behind)


# --------------------------------------------------------------------------- the section
def priority_wards(pack: Pack) -> d.Html:
    """The "Priority wards" section: sentences, table, chart, sources; never raises for missing data."""
    areas, reason = _small_areas(pack)
    if areas is None:
        return d.paragraph(f"Ward-level data are not available here: {reason}.")
    wards = ward_table(pack)
    if wards.empty:
        return d.paragraph(
            f"The small-area files in this snapshot have no wards for {pack.name} ({pack.code})."
        )
    refs = references(pack)
    rows, named = shown_wards(pack)
    partnership = pack.params.partnership
    # said of the district, not the partnership: a partnership of two districts may have named
    # wards in one and none in the other (issue 27: "none are named", then "has named 3")
    if named:
        intro = (
            f"The {partnership} has named {fmt.plural(len(rows), 'priority ward')} in "
            f"{pack.name}: {fmt.join_words(list(rows['ward_name']))}."
        )
    else:
        intro = (
            f"The {partnership} has named no priority wards in {pack.name}, so this section "
            f"shows {pack.name}'s five most deprived wards by IMD 2019 score."
        )
    district_imd = pack.headline[
        (pack.headline["indicator_id"] == role_id("deprivation")) & (pack.headline["status"] == OK)
    ]
    if len(district_imd):
        r = district_imd.iloc[0]
        intro += (
            f" {pack.name} as a whole has an IMD 2019 average score of {fmt.number(r['value'])} "
            f"(England {fmt.number(r['england_value'])})."
        )
    intro += (
        f" Wards are the {areas.boundary_year} electoral wards, the boundaries the deprivation "
        "figures here are built on; a ward's neighbourhoods are its LSOAs (about 1,500 people each) "
        "and the larger MSOAs (about 7,500) they lie in."
    )
    parts = [
        d.paragraph(intro),
        d.bullets([ward_sentence(r, refs, pack, len(wards)) for _, r in rows.iterrows()]),
    ]
    if rows["LE_male_min"].isna().all():
        parts.append(
            d.paragraph(
                f"Local Health life expectancy and admission and death ratios are not available for {pack.name}'s "
                "wards: the only public copy found covers Burnley, Hyndburn, Pendle, Ribble Valley and Rossendale."
            )
        )
    table = wards_numbers(pack, rows, refs)
    parts.append(
        d.Html(
            f'<div style="{TABLE_STYLE};overflow-x:auto">{d.table(table)}</div>',
            f"Table of {len(rows)} wards",
        )
    )
    parts.append(_chart(pack, wards, refs, named))
    parts.append(d.paragraph(_sources_sentence(areas)))
    export = wards.drop(columns=["neighbourhoods"]).assign(
        neighbourhoods=wards["neighbourhoods"].map("; ".join), district=pack.name
    )
    parts.append(
        d.csv_link(export, f"{pack.slug}-wards.csv", f"Download {pack.name}'s ward numbers (CSV)")
    )
    return d.join(parts)


def _sources_sentence(areas) -> str:
    return (
        f"Sources: ONS LSOA (2011) to ward ({areas.boundary_year}) lookup; MHCLG English Indices of "
        "Deprivation 2019 (LSOA deciles; ward scores are population-weighted averages of LSOA scores "
        "computed by the IMD R package, not published by MHCLG); ONS ward population estimates, "
        "mid-2020; OHID Local Health MSOA values, 2019 release (no confidence intervals in the copy "
        "used, so these are not tested for significance). 'Middle ward' is the median ward."
    )


# --------------------------------------------------------------------------- overview
def overview_rows(packs: list[Pack], href=lambda slug: f"districts/{slug}.html") -> pd.DataFrame:
    """Every district's named priority wards, one row each (HTML-escaped cells, district linked)."""
    rows = []
    for pack in packs:
        link = f'<a href="{href(pack.slug)}">{d.escape(pack.name)}</a>'
        chosen, named = shown_wards(pack)
        if not named or chosen.empty:
            why = "none named" if not named else "no ward data in this snapshot"
            rows.append({"District": link, "Ward": f"({why})"})
            continue
        for _, r in chosen.iterrows():
            rows.append(
                {
                    "District": link,
                    "Ward": d.escape(r["ward_name"]),
                    "Population (mid-2020)": fmt.number(r["population"], "people"),
                    "IMD 2019 score": fmt.number(r["imd_score"]),
                    "Rank in England": f"{fmt.number(r['england_rank'], decimals=0)} of "
                    f"{fmt.number(r['england_wards'], decimals=0)}",
                    "LSOAs in England's most deprived 10%": f"{r['most_deprived']} of {r['lsoas']}",
                    "Income-deprived (%)": fmt.number(100 * r["income_score"]),
                    "Life expectancy, men (years)": _span(r, "LE_male", 1),
                    "Life expectancy, women (years)": _span(r, "LE_female", 1),
                }
            )
    return pd.DataFrame(rows).fillna("")
