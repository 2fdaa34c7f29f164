"""What the manifest says of the assembled snapshot: each file's origin and processing.

:func:`provenance` for an indicator's file, :func:`table_entry` for a table not in the
Fingertips layout (small areas, projections, similar areas), and :func:`snapshot_manifest`
for the whole snapshot (its inputs, licence, attribution and the indicators not in it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hwb.data import snapshot

ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Sources: Office for Health Improvement and Disparities, Public health profiles "
    "(Fingertips), https://fingertips.phe.org.uk; Ministry of Housing, Communities and Local "
    "Government, English Indices of Deprivation 2019 and 2025; Office for National Statistics "
    "(Explore local statistics, population projections, similar areas); Department for "
    "Education, Early years foundation stage profile results. "
    "© Crown copyright. MSOA names: House of Commons Library, Open Parliament Licence v3.0."
)


def provenance(spec: dict[str, Any], choice: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """What an indicator file's manifest entry says of its origin: each source it was read
    from (and what a second source added), why, coverage and processing."""
    picks = [choice] + ([choice["also"]] if choice.get("also") else [])
    origins = []
    for pick in picks:
        source = spec["sources"][pick["source"]]
        entry = source["files"][pick["file"]]
        origin = {
            "source": pick["source"],
            "repository": source["repository"],
            "commit": entry.get("commit", source["commit"]),
            "path": entry["path"],
            "licence": source["licence"],
        }
        if pick.get("areas"):
            origin["areas"] = list(pick["areas"])
        if pick.get("periods"):
            origin["periods"] = [str(p) for p in pick["periods"]]
        origins.append(origin)
    return {
        "origin": origins,
        "why": " ".join(str(choice["why"]).split()),
        "coverage": str(choice.get("coverage", "")),
        "processing": list(choice.get("processing", [])) + notes,
    }


def snapshot_manifest(
    spec: dict[str, Any], entries: list[dict[str, Any]], inputs: list[dict[str, Any]], catalogue
) -> dict[str, Any]:
    """The assembled snapshot's manifest: its files, the inputs read, and each catalogue
    indicator not in it with the reason (no dates: it must reassemble byte-identically)."""
    missing = {int(k): v for k, v in (spec.get("not_available") or {}).items()}
    absent = [
        {"indicator_id": int(i), "reason": missing.get(int(i), "no public copy was found")}
        for i in sorted(catalogue.index)
        if int(i) not in {int(k) for k in spec["indicators"]}
    ]
    return {
        "schema_version": 1,
        "synthetic": False,
        "title": "Real Fingertips, ONS and MHCLG data, assembled from public re-publications",
        "source": {
            "name": "public re-publications of OHID Fingertips, ONS and MHCLG data",
            "command": "hwb data assemble ../shared/data",
            "sources_file": "data/sources.yml",
            "inputs": inputs,
        },
        "date_fetched": None,
        "licence": snapshot.OGL_LICENCE,
        "attribution": ATTRIBUTION,
        "not_in_snapshot": absent,
        "files": entries,
    }


def table_entry(
    path: Path,
    sources: dict[str, Any],
    choice: dict[str, Any],
    columns: list[str],
    **head: Any,
) -> dict[str, Any]:
    """The manifest entry of a table not in the Fingertips layout: its kind (and boundary
    year), hashes, columns, origins (``choice['from']``: ``source.file`` references into
    ``sources``), why, coverage and processing."""
    origins = []
    for ref in choice["from"]:
        source_key, file_key = ref.split(".")
        source = sources[source_key]
        entry = source["files"][file_key]
        origins.append(
            {
                "source": source_key,
                "repository": source["repository"],
                "commit": entry.get("commit", source["commit"]),
                "path": entry["path"],
                "licence": source["licence"],
            }
        )
    return {
        "name": path.name,
        **head,
        "sha256": snapshot.sha256_of(path),
        "size": path.stat().st_size,
        "rows": snapshot.count_rows(path),
        "columns": columns,
        "origin": origins,
        "why": " ".join(str(choice["why"]).split()),
        "coverage": " ".join(str(choice.get("coverage", "")).split()),
        "processing": [" ".join(str(p).split()) for p in choice.get("processing", [])],
    }
