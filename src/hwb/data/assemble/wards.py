"""The small-area tables of ``sources.yml``'s ``small_areas``: wards and their neighbourhoods.

:func:`small_area_files` writes the five 2019-boundary tables (LSOA 2011 -> ward lookup with
MSOA names, IMD 2019 by LSOA and ward, ward populations, Local Health by MSOA);
:func:`current_ward_files` the two current-boundary ones (LSOA 2021 -> ward 2023, IoD2025 by
LSOA 2021), after checking the recovered population weights against MHCLG's published
district averages. Each table is validated by :mod:`hwb.data.small_areas`'s own rules
before it is written.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from hwb.data import snapshot
from hwb.data.assemble.manifest import table_entry
from hwb.data.assemble.sources import (
    SOURCES_FILE,
    Row,
    read_csv,
    read_rda,
    section_inputs,
    sources_section,
)
from hwb.errors import DataInvalid

#: Local Health MSOA measures kept (bwd-ph/mapdata IndID), in the order the files list them
LOCAL_HEALTH_MEASURES = (
    "LE_male",
    "LE_female",
    "Em_admit_allcause",
    "Death_allcause_allage",
    "Death_allcause_under75",
)


def small_area_sources(spec: dict[str, Any]) -> dict[str, Any]:
    """The ``small_areas`` section of sources.yml (its districts, sources and files)."""
    return sources_section(spec, "small_areas")


def small_area_inputs(
    root: Path, spec: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, Path]]:
    """Every small-area source file, present with its recorded sha256; and where each one is."""
    return section_inputs(root, small_area_sources(spec), "small_areas")


def small_area_files(
    spec: dict[str, Any], where: dict[str, Path], staging: Path
) -> list[dict[str, Any]]:
    """Write the five small-area files into ``staging``, validated; their manifest entries."""

    section = small_area_sources(spec)
    districts = {str(c) for c in section["districts"]}
    lookup = _ward_lookup(where, districts)
    lsoas = {r["lsoa11_code"] for r in lookup}
    wards = {r["ward_code"] for r in lookup}
    msoas = {r["msoa11_code"] for r in lookup}
    tables = {
        "ward_lookup": lookup,
        "lsoa_deprivation": _lsoa_deprivation(where["humaniverse_imd.lsoa"], lsoas),
        "ward_deprivation": _ward_deprivation(where["humaniverse_imd.ward"]),
        "ward_population": _ward_population(where["ward_population.lancashire"], wards),
        "local_health": _local_health(
            where["local_health.msoa"], where["local_health.metadata"], msoas
        ),
    }
    return _write_small_area_tables(
        staging, section["sources"], section["files"], tables, int(section["boundary_year"])
    )


def _write_small_area_tables(
    staging: Path,
    sources: dict[str, Any],
    choices: dict[str, Any],
    tables: dict[str, list[Row]],
    boundary_year: int,
) -> list[dict[str, Any]]:
    """Write small-area tables (by key) into ``staging``, each validated by the loader's own
    rules before it is written; their manifest entries."""
    from hwb.data import small_areas

    entries = []
    for key, rows in tables.items():
        name = (
            small_areas.file_name(key)
            if key in small_areas.FILES
            else small_areas.CURRENT_FILES[key][0]
        )
        data = small_areas.csv_bytes(key, rows)
        small_areas.parse_rows(name, data, key)  # the loader's own validation, before it is written
        (staging / name).write_bytes(snapshot.gzip_bytes(data))
        entries.append(
            table_entry(
                staging / name,
                sources,
                choices[key],
                small_areas.columns(key),
                kind=small_areas.KIND,
                boundary_year=boundary_year,
            )
        )
    return entries


def _ward_lookup(where: dict[str, Path], districts: set[str]) -> list[Row]:
    names = {r["msoa11nm"]: r for r in read_csv(where["msoa_names.names"])}
    rows = []
    for raw in read_csv(where["ons_lookups.lsoa_ward"]):
        if raw["LAD19CD"] not in districts:
            continue
        msoa = names.get(raw["LSOA11NM"][:-1])
        if msoa is None:
            raise DataInvalid(
                f"{where['ons_lookups.lsoa_ward']}: LSOA {raw['LSOA11CD']} ({raw['LSOA11NM']}) has no "
                f"MSOA named {raw['LSOA11NM'][:-1]!r} in {where['msoa_names.names']}."
            )
        rows.append(
            {
                "lsoa11_code": raw["LSOA11CD"],
                "lsoa11_name": raw["LSOA11NM"],
                "msoa11_code": msoa["msoa11cd"],
                "msoa11_name": msoa["msoa11hclnm"],
                "ward_code": raw["WD19CD"],
                "ward_name": raw["WD19NM"],
                "district_code": raw["LAD19CD"],
                "district_name": raw["LAD19NM"],
            }
        )
    return sorted(rows, key=lambda r: (r["district_code"], r["ward_name"], r["lsoa11_code"]))


def _lsoa_deprivation(path: Path, lsoas: set[str]) -> list[Row]:
    from hwb.data.small_areas import ENGLAND_LSOAS

    frame = read_rda(path)
    if len(frame) != ENGLAND_LSOAS:
        raise DataInvalid(f"{path}: {len(frame):,} LSOAs, expected England's {ENGLAND_LSOAS:,}.")
    columns = {"imd": "IMD", "income": "Income", "health": "Health"}
    rows = []
    for record in frame[frame["lsoa11_code"].isin(lsoas)].to_dict("records"):
        row = {"lsoa11_code": record["lsoa11_code"]}
        for short, long in columns.items():
            row[f"{short}_rank"] = int(record[f"{long}_rank"])
            row[f"{short}_decile"] = int(record[f"{long}_decile"])
        rows.append(row)
    return sorted(rows, key=lambda r: r["lsoa11_code"])


def _ward_deprivation(path: Path) -> list[Row]:
    frame = read_rda(path)
    rows = [
        {
            "ward_code": r["ward_code"],
            "imd_score": f"{r['Score']:.4f}",
            "income_score": f"{r['Income_Score']:.4f}",
            "health_score": f"{r['Health_Score']:.4f}",
        }
        for r in frame.to_dict("records")
    ]
    return sorted(rows, key=lambda r: r["ward_code"])


def _ward_population(path: Path, wards: set[str]) -> list[Row]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        records = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    header = [str(h) for h in records[0]]
    rows = []
    for values in records[1:]:
        raw = dict(zip(header, values, strict=False))
        if raw["gss_code"] in wards:
            rows.append(
                {
                    "ward_code": raw["gss_code"],
                    "population": int(raw["population"]),
                    "period": "mid-2020",
                }
            )
    return sorted(rows, key=lambda r: r["ward_code"])


def _local_health(values: Path, metadata: Path, msoas: set[str]) -> list[Row]:
    import re

    meta = {r["IndID"]: r for r in read_csv(metadata)}
    judged = re.compile(r"(Better|Similar|Worse) (?:than|to) England")
    order = {m: i for i, m in enumerate(LOCAL_HEALTH_MEASURES)}
    rows = []
    for raw in read_csv(values):
        if raw["IndID"] not in order or raw["polycode"] not in msoas:
            continue
        info = meta[raw["IndID"]]
        found = judged.search(raw["label"])
        rows.append(
            {
                "msoa11_code": raw["polycode"],
                "measure": raw["IndID"],
                "measure_name": info["IndName"],
                "period": info["Years"].replace(" - ", "-"),
                "value": raw["value"],
                "england_value": info["DivergePoint"],
                "compared": found.group(1) if found else "",
            }
        )
    return sorted(rows, key=lambda r: (r["msoa11_code"], order[r["measure"]]))


# --------------------------------------------------------------------------- current wards
#: how far the LSOA scores, weighted by the recovered populations, may be from MHCLG's
#: published IoD2025 district average score (the weights are rebuilt from rounded figures)
IOD2025_DISTRICT_TOLERANCE = 0.25


def current_ward_files(
    root: Path, spec: dict[str, Any], where: dict[str, Path], staging: Path
) -> list[dict[str, Any]]:
    """The two current-boundary files (LSOA 2021 -> ward 2023, IoD2025 by LSOA 2021),
    validated, after checking the population weights against MHCLG's district averages."""

    section = small_area_sources(spec)
    current = section.get("current")
    if not isinstance(current, dict) or "files" not in current:
        raise DataInvalid(f"{SOURCES_FILE}: expected small_areas.current with 'files'.")
    districts = {str(c) for c in section["districts"]}
    lookup = [
        {
            "lsoa21_code": r["LSOA21CD"],
            "lsoa21_name": r["LSOA21NM"],
            "ward_code": r["WD23CD"],
            "ward_name": r["WD23NM"],
            "district_code": r["LAD23CD"],
            "district_name": r["LAD23NM"],
        }
        for r in read_csv(where["ons_lookups_2023.lsoa21_ward23"])
        if r["LAD23CD"] in districts
    ]
    lookup.sort(key=lambda r: (r["district_code"], r["ward_name"], r["lsoa21_code"]))
    imd = _lsoa21_deprivation(
        where["humaniverse_imd.lsoa21_2025"], where["humaniverse_imd.lsoa21_2025_indicators"]
    )
    _check_iod2025_weights(root, spec, imd, where["ons_lookups_2023.lsoa21_ward23"])
    lsoas = {r["lsoa21_code"] for r in lookup}
    tables = {
        "lsoa21_ward_lookup": lookup,
        "lsoa21_deprivation": [r for r in imd if r["lsoa21_code"] in lsoas],
    }
    return _write_small_area_tables(
        staging, section["sources"], current["files"], tables, int(current["boundary_year"])
    )


def _lsoa21_deprivation(scores: Path, indicators: Path) -> list[Row]:
    """IoD2025 for every LSOA (2021), with its population weight: MHCLG's own denominator,
    income-deprived people / income score (an LSOA without both has no weight and is refused
    if it is one the snapshot needs)."""
    from hwb.data.small_areas import ENGLAND_LSOAS_2021

    frame = read_rda(scores).merge(
        read_rda(indicators)[["lsoa21_code", "income_domain_numerator"]],
        on="lsoa21_code",
        how="left",
        validate="one_to_one",
    )
    if len(frame) != ENGLAND_LSOAS_2021:
        raise DataInvalid(
            f"{scores}: {len(frame):,} LSOAs, expected England's {ENGLAND_LSOAS_2021:,}."
        )
    rows = []
    for r in frame.to_dict("records"):
        numerator, rate = r["income_domain_numerator"], r["Income_score"]
        known = not (math.isnan(numerator) or math.isnan(rate)) and rate > 0
        population = round(numerator / rate) if known else 0
        rows.append(
            {
                "lsoa21_code": r["lsoa21_code"],
                "imd_score": f"{r['IMD_score']:.3f}",
                "imd_rank": int(r["IMD_rank"]),
                "imd_decile": int(r["IMD_decile"]),
                "income_score": f"{r['Income_score']:.3f}",
                "health_score": f"{r['Health_score']:.3f}",
                "population": population,
            }
        )
    return sorted(rows, key=lambda r: r["lsoa21_code"])


def _check_iod2025_weights(root: Path, spec: dict[str, Any], imd: list[Row], lookup: Path) -> None:
    """Weighted by the recovered populations, the LSOA scores of every English district must
    give MHCLG's published IoD2025 district average score within the tolerance."""
    import pandas as pd

    from hwb import stats

    district_of = {r["LSOA21CD"]: r["LAD23CD"] for r in read_csv(lookup)}
    frame = pd.DataFrame(imd)
    frame = frame[frame["population"] > 0].assign(
        district=frame["lsoa21_code"].map(district_of), score=frame["imd_score"].astype(float)
    )
    averaged = stats.weighted_average(
        frame.dropna(subset=["district"]), "score", "population", ["district"]
    )
    published_file = root / spec["sources"]["iod2025"]["files"]["districts"]["local"]
    published = {
        r["area_code"]: float(r["average_score"])
        for r in read_csv(published_file)
        if r["index_domain"] == "Index of Multiple Deprivation"
    }
    compared = [
        (abs(v - published[d]), d, v, published[d])
        for d, v in zip(averaged["district"], averaged["value"], strict=True)
        if d in published
    ]
    worst = max(compared)
    if len(compared) < 290 or worst[0] > IOD2025_DISTRICT_TOLERANCE:
        raise DataInvalid(
            f"IoD2025 LSOA population weights: {len(compared)} districts compared; {worst[1]} "
            f"averages {worst[2]:.3f} against MHCLG's published {worst[3]:.3f} (tolerance "
            f"{IOD2025_DISTRICT_TOLERANCE}); the weights do not reproduce MHCLG's averages."
        )
