"""The "Priority wards" section: the partnership's priority wards, on current boundaries,
and how they compare with the rest of the district.

**Which wards.** By default, data-led: the district's five most deprived *current* wards
(2023 electoral wards, ONS's LSOA 2021 best-fit lookup) by their Indices of Deprivation
2025 score, the population-weighted average of their LSOAs' scores
(:func:`hwb.data.small_areas.wards_by_deprivation`); the rule is stated on the page. A
partnership may name its own wards in ``parameters/<district>.yml`` only with a
``priority_wards_source`` (the document and its date), printed beside them; names are
checked against the current wards (:func:`hwb.params.load_district`).

**What is shown.** Each ward's IoD2025 score and rank in the district, how many of its
LSOAs are among England's most deprived 10%, its income and health deprivation domain
scores (population-weighted), its population (MHCLG's IoD2025 denominators) and, where a
Local Health copy exists (Burnley, Hyndburn, Pendle, Ribble Valley and Rossendale), the
life expectancy and admission and death ratios of the MSOAs (2011) its LSOAs lie in (for
LSOAs unchanged since 2011). Anomalies are flagged in words: a neighbourhood where women's
life expectancy is below men's. A measure missing for a ward is said in words.
"""

from __future__ import annotations

import pandas as pd

from hwb.charts.wards import PRIORITY_MARK, ward_chart
from hwb.data.small_areas import current_missing_reason, load_current_wards, wards_by_deprivation
from hwb.errors import HwbError
from hwb.pages import display as d
from hwb.pages.model import OK, Pack, resolve_snapshot
from hwb.stats.ranges import weighted_average
from hwb.text import format as fmt

SHOWN_WHEN_NONE_NAMED = 5
#: the rule of the default list, as the page states it
DEFAULT_RULE = (
    "the {n} most deprived of {district}'s current wards (2023 boundaries) by their Indices of "
    "Deprivation 2025 score, the population-weighted average of the scores of the LSOAs (2021) "
    "ONS's best-fit lookup puts in each ward"
)
#: Local Health measures shown, with their column heading and how a sentence names them
LOCAL_HEALTH = {
    "LE_male": ("Life expectancy, men (years)", "life expectancy for men"),
    "LE_female": ("Life expectancy, women (years)", "life expectancy for women"),
    "Em_admit_allcause": ("Emergency admissions (England = 100)", "emergency admissions"),
    "Death_allcause_allage": ("Deaths, all ages (England = 100)", "deaths at all ages"),
    "Death_allcause_under75": ("Deaths under 75 (England = 100)", "deaths under 75"),
}
TABLE_STYLE = "font-size:0.85em"
#: the IoD2025 deprivation score the district as a whole is given (catalogue role)
DEPRIVATION_2025 = 1000013


# --------------------------------------------------------------------------- numbers
def _current(pack: Pack) -> tuple[pd.DataFrame | None, str | None]:
    """The snapshot's current-boundary LSOA table (None with the reason when absent)."""
    key = ("current_wards",)
    if key not in pack.memo:
        folder = resolve_snapshot(pack.snapshot)
        reason = current_missing_reason(folder)
        if reason is not None:
            pack.memo[key] = (None, reason)
        else:
            try:
                pack.memo[key] = (load_current_wards(folder), None)
            except HwbError as exc:
                pack.memo[key] = (None, str(exc))
    return pack.memo[key]


def _small_areas(pack: Pack):
    """The snapshot's 2019-boundary small-area tables (for Local Health); None with the reason."""
    return pack.small_areas


def ward_table(pack: Pack) -> pd.DataFrame:
    """One row per current ward of the district, most deprived first: IoD2025 score and rank,
    LSOAs in England's most deprived 10%, income and health scores, population, Local
    Health ranges and anomalies; ``priority`` marks the wards the section shows."""
    lsoas, _ = _current(pack)
    if lsoas is None:
        return pd.DataFrame()
    mine = lsoas[lsoas["district_code"] == pack.code]
    if mine.empty:
        return pd.DataFrame()
    folder = resolve_snapshot(pack.snapshot)
    wards = wards_by_deprivation(pack.code, folder).rename(
        columns={"rank": "district_rank", "lsoas_most_deprived_decile": "most_deprived"}
    )
    keys = ["ward_code"]
    for column in ("income_score", "health_score"):
        averaged = weighted_average(mine, column, "population", keys)
        wards[column] = wards["ward_code"].map(averaged.set_index("ward_code")["value"])
    most = mine.sort_values(["imd_rank", "lsoa21_code"], kind="stable").drop_duplicates("ward_code")
    wards["most_deprived_lsoa_rank"] = wards["ward_code"].map(
        most.set_index("ward_code")["imd_rank"]
    )
    wards["ward_count"] = len(wards)
    shown = _named(pack) or list(wards["ward_name"].head(SHOWN_WHEN_NONE_NAMED))
    wards["priority"] = wards["ward_name"].isin(shown)
    _add_local_health(pack, mine, wards)
    return wards.sort_values(["district_rank", "ward_name"], kind="stable").reset_index(drop=True)


def _add_local_health(pack: Pack, mine: pd.DataFrame, wards: pd.DataFrame) -> None:
    """Each ward's Local Health ranges over the MSOAs (2011) its LSOAs lie in (LSOAs whose
    2021 code is a 2011 code: unchanged since 2011), and its anomalies in words."""
    areas, _ = _small_areas(pack)
    for measure in LOCAL_HEALTH:
        wards[f"{measure}_min"] = float("nan")
        wards[f"{measure}_max"] = float("nan")
    wards["neighbourhoods"] = [[] for _ in range(len(wards))]
    wards["anomalies"] = ""
    if areas is None:
        return
    lsoas = mine[["lsoa21_code", "ward_code"]].merge(
        areas.lookup[["lsoa11_code", "msoa11_code", "msoa11_name"]].drop_duplicates("lsoa11_code"),
        left_on="lsoa21_code",
        right_on="lsoa11_code",
        how="inner",
    )
    health = areas.local_health
    if lsoas.empty or health.empty:
        return
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
    wards["neighbourhoods"] = [names.get(code, []) for code in wards["ward_code"]]
    life = health[health["measure"].isin(["LE_male", "LE_female"])].pivot_table(
        index="msoa11_code", columns="measure", values="value", aggfunc="first"
    )
    msoa_names = lsoas.drop_duplicates("msoa11_code").set_index("msoa11_code")["msoa11_name"]
    flags = {}
    for code, group in lsoas.groupby("ward_code"):
        words = []
        for msoa in sorted(set(group["msoa11_code"])):
            if msoa not in life.index or {"LE_male", "LE_female"} - set(life.columns):
                continue
            men, women = life.at[msoa, "LE_male"], life.at[msoa, "LE_female"]
            if not fmt.is_missing(men) and not fmt.is_missing(women) and women < men:
                words.append(
                    f"in {msoa_names[msoa]} women's life expectancy ({fmt.number(women, decimals=1)} "
                    f"years) is below men's ({fmt.number(men, decimals=1)}), the reverse of almost "
                    "everywhere in England: check the local figures before drawing conclusions"
                )
        flags[code] = "; ".join(words)
    wards["anomalies"] = [flags.get(code, "") for code in wards["ward_code"]]


def _named(pack: Pack) -> list[str]:
    return list(pack.params.priority_wards)


def references(pack: Pack) -> dict[str, dict[str, float]]:
    """The district's middle ward (median) on each score, the district's totals, its IoD2025
    score and England's, and Local Health references."""
    wards = ward_table(pack)
    out: dict[str, dict[str, float]] = {"district": {}, "england": {}}
    for column in ("imd_score", "income_score", "health_score"):
        out["district"][column] = float(wards[column].median())
    out["district"]["population"] = float(wards["population"].sum())
    out["district"]["lsoas"] = float(wards["lsoas"].sum())
    out["district"]["most_deprived"] = float(wards["most_deprived"].sum())
    score = pack.headline[
        (pack.headline["indicator_id"] == DEPRIVATION_2025) & (pack.headline["status"] == OK)
    ]
    out["district"]["score"] = float(score["value"].iloc[0]) if len(score) else float("nan")
    out["england"]["score"] = float(score["england_value"].iloc[0]) if len(score) else float("nan")
    areas, _ = _small_areas(pack)
    health = areas.local_health if areas is not None else pd.DataFrame()
    district_msoas = (
        set(areas.lookup.loc[areas.lookup["district_code"] == pack.code, "msoa11_code"])
        if areas is not None
        else set()
    )
    for measure in LOCAL_HEALTH:
        rows = health[health["measure"] == measure] if len(health) else health
        mine = rows[rows["msoa11_code"].isin(district_msoas)] if len(rows) else rows
        out["district"][measure] = float(mine["value"].median()) if len(mine) else float("nan")
        out["england"][measure] = (
            float(rows["england_value"].iloc[0]) if len(rows) else float("nan")
        )
        out["england"][f"{measure}_period"] = rows["period"].iloc[0] if len(rows) else ""
    return out


def shown_wards(pack: Pack) -> tuple[pd.DataFrame, bool]:
    """The wards the section describes and whether the partnership named them: named wards
    in the order the parameters list them; with none named, the five most deprived current
    wards by IoD2025 score."""
    wards = ward_table(pack)
    named = _named(pack)
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
    """One ward in plain words, each missing measure said as missing, anomalies flagged."""
    people = f"{fmt.number(row['population'], 'people')} people"
    deprivation = (
        f"IoD2025 score {fmt.number(row['imd_score'])}, the "
        + ("" if int(row["district_rank"]) == 1 else f"{_ordinal(int(row['district_rank']))} ")
        + f"most deprived of {pack.name}'s {n_wards} wards"
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
            f"({pack.name}'s middle ward {fmt.number(100 * refs['district']['income_score'])}%) "
            f"and its health deprivation and disability score is "
            f"{fmt.number(row['health_score'], decimals=2)} (middle ward "
            f"{fmt.number(refs['district']['health_score'], decimals=2)}; higher is more deprived)"
        )
    anomaly = f" Note: {row['anomalies']}." if row.get("anomalies") else ""
    return (
        f"{row['ward_name']} ({people}): {deprivation}; {share}; {domains}. "
        f"{_local_health_words(row, refs, pack)}{anomaly}"
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
    """The table of the shown wards, with the district's middle ward beneath."""
    n = int(rows["ward_count"].iloc[0]) if len(rows) else 0
    table = pd.DataFrame(
        {
            "Ward (2023)": rows["ward_name"],
            "Population (IoD2025)": _number_column(rows["population"], 0),
            "IoD2025 score": _number_column(rows["imd_score"]),
            f"Rank in {pack.name} (of {n})": rows["district_rank"].astype(int).astype(str),
            "LSOAs in England's most deprived 10%": [
                f"{m} of {k}" for m, k in zip(rows["most_deprived"], rows["lsoas"], strict=False)
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
    line = {c: "" for c in table.columns}
    ref = refs["district"]
    line.update(
        {
            "Ward (2023)": f"{pack.name}: middle ward",
            "Population (IoD2025)": f"{fmt.number(ref['population'], 'people')} (whole district)",
            "IoD2025 score": fmt.number(ref["imd_score"]),
            "LSOAs in England's most deprived 10%": (
                f"{int(ref['most_deprived'])} of {int(ref['lsoas'])} (whole district)"
            ),
            "Income-deprived (%)": fmt.number(100 * ref["income_score"]),
            "Health deprivation score": fmt.number(ref["health_score"], decimals=2),
        }
    )
    if has_health:
        for measure, (heading, _) in LOCAL_HEALTH.items():
            line[heading] = fmt.number(ref[measure], decimals=1 if measure.startswith("LE") else 0)
    return pd.concat([table, pd.DataFrame([line])], ignore_index=True)


def _chart(
    pack: Pack, wards: pd.DataFrame, refs: dict[str, dict[str, float]], named: bool
) -> d.Html:
    data = wards.rename(columns={"ward_name": "ward"})[["ward", "imd_score", "priority"]]
    kind = "priority wards" if named else "five most deprived wards"
    top, bottom = wards.iloc[0], wards.iloc[-1]
    title = (
        f"{pack.name}'s {len(wards)} wards (2023) by IoD2025 score: {top['ward_name']} "
        f"{fmt.number(top['imd_score'], decimals=1)} to {bottom['ward_name']} "
        f"{fmt.number(bottom['imd_score'], decimals=1)}"
    )
    england = refs["england"]["score"]
    fig = ward_chart(
        data,
        refs["district"]["imd_score"],
        england,
        pack.name,
        title,
        england_words="England's average",
        measure="IoD2025 score",
    )
    chosen = wards[wards["priority"]]
    listed = "; ".join(
        f"{r['ward_name']} {fmt.number(r['imd_score'])} ({_ordinal(int(r['district_rank']))})"
        for _, r in chosen.iterrows()
    )
    alt_text = (
        f"Bar chart. {title}. The {kind} are dark bars marked {PRIORITY_MARK}: {listed}. "
        f"{pack.name}'s middle ward scores {fmt.number(refs['district']['imd_score'])}"
        + (
            f"; England's average score is {fmt.number(england)}."
            if not fmt.is_missing(england)
            else "."
        )
    )
    behind = pd.DataFrame(
        {
            "Ward (2023)": wards["ward_name"],
            "IoD2025 score": wards["imd_score"].map(fmt.number),
            f"Rank in {pack.name}": wards["district_rank"].map(lambda v: fmt.number(v, decimals=0)),
            "Marked": wards["priority"].map(
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
    """The "Priority wards" section: the rule or the named list's source, sentences, table,
    chart, sources; never raises for missing data."""
    lsoas, reason = _current(pack)
    if lsoas is None:
        return d.paragraph(f"Ward-level data are not available here: {reason}.")
    wards = ward_table(pack)
    if wards.empty:
        return d.paragraph(
            f"The small-area files in this snapshot have no current wards for {pack.name} ({pack.code})."
        )
    refs = references(pack)
    rows, named = shown_wards(pack)
    partnership = pack.params.partnership
    # said of the district, not the partnership: a partnership of two districts may have named
    # wards in one and none in the other (issue 27: "none are named", then "has named 3")
    if named:
        intro = (
            f"The {partnership} has named {fmt.plural(len(rows), 'priority ward')} in "
            f"{pack.name}: {fmt.join_words(list(rows['ward_name']))} "
            f"(source: {pack.params.priority_wards_source})."
        )
    else:
        rule = DEFAULT_RULE.format(n="five", district=pack.name)
        intro = (
            f"No priority wards are named with a source in {pack.name}'s parameters, so the wards "
            f"shown are chosen by a stated rule: {rule}. A partnership may name its own wards, with "
            "the document and date they come from."
        )
    if not fmt.is_missing(refs["district"]["score"]):
        england = refs["england"]["score"]
        intro += (
            f" {pack.name} as a whole has an IoD2025 average score of "
            f"{fmt.number(refs['district']['score'])}"
            + (f" (England {fmt.number(england)})." if not fmt.is_missing(england) else ".")
        )
    intro += (
        " Wards are the current (2023) electoral wards; a ward's neighbourhoods are its LSOAs "
        "(about 1,500 people each) and the larger MSOAs (about 7,500) they lie in."
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
    parts.append(d.paragraph(SOURCES))
    export = wards.drop(columns=["neighbourhoods"]).assign(
        neighbourhoods=wards["neighbourhoods"].map("; ".join), district=pack.name
    )
    parts.append(
        d.csv_link(export, f"{pack.slug}-wards.csv", f"Download {pack.name}'s ward numbers (CSV)")
    )
    return d.join(parts)


SOURCES = (
    "Sources: ONS LSOA (2021) to ward (2023) best-fit lookup; MHCLG English Indices of "
    "Deprivation 2025 (LSOA scores, ranks, deciles, income and health domain scores and their "
    "population denominators; ward scores are population-weighted averages of LSOA scores, "
    "computed here, not published by MHCLG); OHID Local Health MSOA (2011) values, 2019 release "
    "(no confidence intervals in the copy used, so these are not tested for significance), for "
    "LSOAs unchanged since 2011. 'Middle ward' is the median ward."
)


# --------------------------------------------------------------------------- overview
def overview_rows(packs: list[Pack], href=lambda slug: f"districts/{slug}.html") -> pd.DataFrame:
    """Every district's priority wards (named with their source, or the stated default), one
    row each (HTML-escaped cells, district linked)."""
    rows = []
    for pack in packs:
        link = f'<a href="{href(pack.slug)}">{d.escape(pack.name)}</a>'
        chosen, named = shown_wards(pack)
        if chosen.empty:
            rows.append({"District": link, "Ward (2023)": "(no ward data in this snapshot)"})
            continue
        how = (
            f"named: {pack.params.priority_wards_source}"
            if named
            else "five most deprived (IoD2025)"
        )
        for _, r in chosen.iterrows():
            rows.append(
                {
                    "District": link,
                    "Ward (2023)": d.escape(r["ward_name"]),
                    "Chosen": d.escape(how),
                    "Population": fmt.number(r["population"], "people"),
                    "IoD2025 score": fmt.number(r["imd_score"]),
                    "Rank in district": f"{fmt.number(r['district_rank'], decimals=0)} of "
                    f"{fmt.number(r['ward_count'], decimals=0)}",
                    "LSOAs in England's most deprived 10%": f"{r['most_deprived']} of {r['lsoas']}",
                    "Income-deprived (%)": fmt.number(100 * r["income_score"]),
                    "Life expectancy, men (years)": _span(r, "LE_male", 1),
                    "Life expectancy, women (years)": _span(r, "LE_female", 1),
                }
            )
    return pd.DataFrame(rows)
