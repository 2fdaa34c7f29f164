"""The tables of ``sources.yml``'s ``tables``: population projections and similar areas.

:func:`table_files` writes ONS's population projections (all ages and 65+, checked against
the county and the mid-2022 estimate) and its similar-area groupings and clusters, each
validated by its loader's own rules (:mod:`hwb.data.projections`,
:mod:`hwb.data.similar_areas`) before it is written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hwb.data import snapshot
from hwb.data.assemble.manifest import table_entry
from hwb.data.assemble.sources import read_csv, section_inputs, sources_section
from hwb.data.assemble.wards import small_area_sources
from hwb.errors import DataInvalid


def _tables(spec: dict[str, Any]) -> dict[str, Any]:
    """The ``tables`` section of sources.yml."""
    return sources_section(spec, "tables")


def table_inputs(root: Path, spec: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Path]]:
    """Every source file of the tables, present with its recorded sha256; where each is."""
    return section_inputs(root, _tables(spec), "tables")


def table_files(
    spec: dict[str, Any], where: dict[str, Path], staging: Path
) -> list[dict[str, Any]]:
    """The population projections and similar-area files, checked and validated."""
    from hwb.data import projections, similar_areas
    from hwb.data.catalogue import role_id
    from hwb.data.load import load_snapshot

    section = _tables(spec)
    districts = [str(c) for c in small_area_sources(spec)["districts"]]
    choices = section["files"]

    # population projections: all ages and 65+, checked against the county and mid-2022
    rows = []
    for ref in choices["population_projections"]["from"]:
        document = json.loads(where[ref].read_text(encoding="utf-8"))
        code, name = document["meta"]["ons_code"], document["meta"]["council_name"]
        for year, total in document["population_projections"].items():
            rows.append(
                {
                    "area_code": code,
                    "area_name": name,
                    "year": int(year),
                    "age_group": "all ages",
                    "population": int(total),
                }
            )
            older = document["age_projections"][year]["65+"]
            rows.append(
                {
                    "area_code": code,
                    "area_name": name,
                    "year": int(year),
                    "age_group": "65+",
                    "population": int(older),
                }
            )
    rows.sort(key=lambda r: (r["area_code"], r["year"], r["age_group"]))
    projections.sums_check(rows, str(section["county"]), districts)
    population = load_snapshot(staging / snapshot.indicator_file_name(role_id("population")))
    mid = population[
        (population["period"] == str(projections.BASE_YEAR))
        & (population["sex"] == "Persons")
        & (population["age"] == "All ages")
        & (population["category_type"] == "")
    ]
    checked = projections.base_check(rows, dict(zip(mid["area_code"], mid["value"], strict=True)))
    tables = {
        projections.FILE_NAME: (
            projections.csv_bytes(rows),
            projections.parse,
            list(projections.COLUMNS),
        )
    }

    # similar areas: the three groupings, complete lists only; clusters with descriptions
    names = {r["AREACD"]: r["AREANM"] for r in read_csv(where["ons_clusters.allocation"])}
    fallback = {r["areacd"]: r["areanm"] for r in read_csv(where["ons_names.claimants"])}
    similar = []
    for group in similar_areas.GROUP_TYPES:
        for raw in read_csv(where[f"ons_clusters.{group}"]):
            listed = [raw[str(rank)] for rank in range(1, similar_areas.GROUP_SIZE + 1)]
            if not all(listed):
                continue  # combined authorities: ONS's lists are incomplete
            for rank, code in enumerate(listed, start=1):
                name = names.get(code) or fallback.get(code)
                if not name:
                    raise DataInvalid(
                        f"{where[f'ons_clusters.{group}']}: no name for area {code} in ONS's files."
                    )
                similar.append(
                    {
                        "area_code": raw["AREACD"],
                        "group_type": group,
                        "rank": rank,
                        "similar_area_code": code,
                        "similar_area_name": name,
                    }
                )
    similar.sort(
        key=lambda r: (r["area_code"], similar_areas.GROUP_TYPES.index(r["group_type"]), r["rank"])
    )
    similar_areas.check_complete(similar, districts)
    descriptions = json.loads(where["ons_clusters.descriptions"].read_text(encoding="utf-8-sig"))
    clusters = []
    for raw in read_csv(where["ons_clusters.allocation"]):
        for group in similar_areas.GROUP_TYPES:
            letter = raw[group.capitalize()].lower()
            if letter == "[x]":
                continue  # ONS leaves an area it could not cluster unallocated
            clusters.append(
                {
                    "area_code": raw["AREACD"],
                    "area_name": raw["AREANM"],
                    "group_type": group,
                    "cluster": letter,
                    "description": " ".join(descriptions[group][letter].split()),
                }
            )
    clusters.sort(key=lambda r: (r["area_code"], similar_areas.GROUP_TYPES.index(r["group_type"])))
    tables[similar_areas.NEIGHBOURS_FILE] = (
        similar_areas.csv_bytes(similar_areas.NEIGHBOURS_FILE, similar),
        similar_areas.parse,
        list(similar_areas.NEIGHBOUR_COLUMNS),
    )
    tables[similar_areas.CLUSTERS_FILE] = (
        similar_areas.csv_bytes(similar_areas.CLUSTERS_FILE, clusters),
        similar_areas.parse,
        list(similar_areas.CLUSTER_COLUMNS),
    )

    keys = {
        projections.FILE_NAME: "population_projections",
        similar_areas.NEIGHBOURS_FILE: "similar_areas",
        similar_areas.CLUSTERS_FILE: "area_clusters",
    }
    entries = []
    for name, (data, parse, columns) in tables.items():
        parse(name, data)  # the loader's own validation, before it is written
        (staging / name).write_bytes(snapshot.gzip_bytes(data))
        choice = choices[keys[name]]
        entry = table_entry(
            staging / name, section["sources"], choice, columns, kind=choice["kind"]
        )
        if name == projections.FILE_NAME:
            entry["base_check"] = checked
        entries.append(entry)
    return entries
