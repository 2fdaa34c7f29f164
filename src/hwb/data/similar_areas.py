"""ONS's similar areas in the snapshot: each authority's 20 most similar, and its clusters.

``hwb data assemble`` writes two tidy files (manifest ``kind: similar_areas``) from the
data of ONS's "Explore local statistics" app: ``similar_areas.csv.gz`` (``area_code``,
``group_type``, ``rank``, ``similar_area_code``, ``similar_area_name``: for every
authority ONS groups, its 20 most similar authorities under each of the three groupings,
``global``, ``economic`` and ``demographic``, rank 1 the most similar; UK-wide, so a few
Welsh, Scottish or Northern Irish authorities appear) and ``area_clusters.csv.gz``
(``area_code``, ``area_name``, ``group_type``, ``cluster``, ``description``: the cluster
each authority is in under each grouping and what ONS says the cluster is).
:func:`load_similar_areas` and :func:`load_clusters` read them, hash-checked and validated;
:func:`check_complete` is the rule that every district named has 20 in each group.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hwb import paths
from hwb.data import small_areas, snapshot
from hwb.errors import DataInvalid

KIND = "similar_areas"
GROUP_TYPES = ("global", "economic", "demographic")
GROUP_SIZE = 20
NEIGHBOURS_FILE = "similar_areas.csv.gz"
CLUSTERS_FILE = "area_clusters.csv.gz"


def _group(text: str) -> str:
    if text not in GROUP_TYPES:
        raise ValueError
    return text


def _uk_code(text: str) -> str:
    if len(text) != 9 or text[0] not in "EWSN" or not text[1:].isdigit():
        raise ValueError
    return text


def _cluster(text: str) -> str:
    if len(text) != 1 or not text.isalpha() or not text.islower():
        raise ValueError
    return text


UK_CODE = (_uk_code, "a UK local authority code (E, W, S or N and eight digits)")
GROUP = (_group, f"one of {', '.join(GROUP_TYPES)}")
NEIGHBOUR_COLUMNS: dict[str, tuple[Any, str]] = {
    "area_code": UK_CODE,
    "group_type": GROUP,
    "rank": small_areas._number(1, GROUP_SIZE, whole=True),
    "similar_area_code": UK_CODE,
    "similar_area_name": small_areas.TEXT,
}
CLUSTER_COLUMNS: dict[str, tuple[Any, str]] = {
    "area_code": UK_CODE,
    "area_name": small_areas.TEXT,
    "group_type": GROUP,
    "cluster": (_cluster, "a cluster letter (a to z)"),
    "description": small_areas.TEXT,
}
FILES = {NEIGHBOURS_FILE: NEIGHBOUR_COLUMNS, CLUSTERS_FILE: CLUSTER_COLUMNS}


def csv_bytes(name: str, rows: list[dict[str, Any]]) -> bytes:
    return small_areas.table_bytes(list(FILES[name]), rows)


def parse(name: str, data: bytes) -> list[dict[str, Any]]:
    return small_areas.parse_table(name, data, FILES[name])


def check_complete(rows: list[dict[str, Any]], areas: list[str]) -> None:
    """Every area in ``areas`` has exactly ranks 1 to 20 in each group type, each a
    different authority other than itself; else :class:`DataInvalid` naming the area and
    group."""
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault((row["area_code"], row["group_type"]), []).append(row)
    for area in areas:
        for group in GROUP_TYPES:
            mine = found.get((area, group), [])
            ranks = sorted(r["rank"] for r in mine)
            similar = {r["similar_area_code"] for r in mine}
            if (
                ranks != list(range(1, GROUP_SIZE + 1))
                or len(similar) != GROUP_SIZE
                or area in similar
            ):
                raise DataInvalid(
                    f"similar areas: {area} has {len(similar)} different {group} similar "
                    f"area(s) with ranks {ranks}; expected {GROUP_SIZE}, ranked 1 to "
                    f"{GROUP_SIZE}, none of them itself."
                )


def load_similar_areas(source: Path | str | None = None, group_type: str | None = None):
    """Every authority's similar areas as a tidy frame (``area_code``, ``group_type``,
    ``rank``, ``similar_area_code``, ``similar_area_name``), sorted; ``group_type`` keeps one
    grouping. The file is checked complete for every area it lists."""
    import pandas as pd

    if group_type is not None and group_type not in GROUP_TYPES:
        raise DataInvalid(
            f"similar areas: group type {group_type!r} is not one of {', '.join(GROUP_TYPES)}."
        )
    rows = _read(source, NEIGHBOURS_FILE)
    check_complete(rows, sorted({r["area_code"] for r in rows}))
    frame = pd.DataFrame(rows, columns=list(NEIGHBOUR_COLUMNS))
    if group_type is not None:
        frame = frame[frame["group_type"] == group_type]
    return frame.sort_values(["area_code", "group_type", "rank"], kind="stable").reset_index(
        drop=True
    )


def load_clusters(source: Path | str | None = None):
    """Each authority's cluster under each grouping, with ONS's description of the cluster."""
    import pandas as pd

    frame = pd.DataFrame(_read(source, CLUSTERS_FILE), columns=list(CLUSTER_COLUMNS))
    if frame.duplicated(["area_code", "group_type"]).any():
        raise DataInvalid(f"{CLUSTERS_FILE}: an area is in more than one cluster of a grouping.")
    return frame.sort_values(["area_code", "group_type"], kind="stable").reset_index(drop=True)


def _read(source: Path | str | None, name: str) -> list[dict[str, Any]]:
    folder = Path(source) if source is not None else paths.SNAPSHOT
    if not folder.is_dir():
        raise DataInvalid(f"{snapshot.shown(folder)} is a single file: no similar areas.")
    for entry in snapshot.read_manifest(folder)["files"]:
        if entry.get("kind") == KIND and entry["name"] == name:
            return small_areas.read_table(folder, entry, FILES[name], name)
    raise DataInvalid(
        f"the snapshot in {snapshot.shown(folder)} does not list {name}; `make assemble` builds it."
    )
