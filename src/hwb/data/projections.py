"""ONS 2022-based population projections in the snapshot: the tidy file and its loader.

``hwb data assemble`` writes ``population_projections.csv.gz`` (manifest ``kind:
projection``): ONS's 2022-based sub-national population projections, as served by Nomis
and copied in a secondary public repository, for each of the 12 districts and Lancashire
county, all ages and 65+, every five years from 2022 to 2047. The assembly checks that
the districts sum to the county and compares each 2022 base with the mid-2022 population
estimate the snapshot already holds (Fingertips 92708); the result of that check is
recorded in the manifest entry (``base_check``). :func:`load_projections` is the one way
to read the file: hash-checked against the manifest and validated cell by cell.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hwb import paths
from hwb.data import small_areas, snapshot
from hwb.errors import DataInvalid

KIND = "projection"
FILE_NAME = "population_projections.csv.gz"
BASE_YEAR = 2022
#: the age groups the file holds ("all ages" and 65+; the source has no 85+)
AGE_GROUPS = ("all ages", "65+")
#: how far a 2022 base may be from the mid-2022 estimate before the assembly refuses it
BASE_TOLERANCE = 0.005


def _age(text: str) -> str:
    if text not in AGE_GROUPS:
        raise ValueError
    return text


def _year(text: str) -> int:
    if not re.fullmatch(r"20\d\d", text):
        raise ValueError
    return int(text)


COLUMNS: dict[str, tuple[Any, str]] = {
    "area_code": small_areas._code("E(0[6-9]|10)", "district or county"),
    "area_name": small_areas.TEXT,
    "year": (_year, "a year from 2000 to 2099"),
    "age_group": (_age, f"one of {', '.join(AGE_GROUPS)}"),
    "population": small_areas._number(0, whole=True),
}


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    """The file's CSV bytes, with the header :data:`COLUMNS` declares."""
    return small_areas.table_bytes(list(COLUMNS), rows)


def parse(name: str, data: bytes) -> list[dict[str, Any]]:
    """Validated rows of the file's CSV bytes (``name`` for messages)."""
    return small_areas.parse_table(name, data, COLUMNS)


def base_check(
    rows: list[dict[str, Any]], estimates: dict[str, float], tolerance: float = BASE_TOLERANCE
) -> list[dict[str, Any]]:
    """Each area's 2022 base (all ages) beside the mid-2022 estimate ``estimates`` gives
    (area code -> people): ``area_code``, ``base``, ``estimate``, ``difference`` and
    ``relative`` (difference / estimate). Raises :class:`DataInvalid` naming the areas whose
    base differs by more than ``tolerance`` (a share), or that have no estimate."""
    checked, wrong = [], []
    for row in rows:
        if row["year"] != BASE_YEAR or row["age_group"] != "all ages":
            continue
        code = row["area_code"]
        if code not in estimates:
            wrong.append(f"{code} (no mid-{BASE_YEAR} estimate to check against)")
            continue
        estimate = float(estimates[code])
        difference = int(row["population"]) - estimate
        record = {
            "area_code": code,
            "base": int(row["population"]),
            "estimate": round(estimate),
            "difference": round(difference),
            "relative": round(difference / estimate, 6),
        }
        checked.append(record)
        if abs(record["relative"]) > tolerance:
            wrong.append(
                f"{code} ({record['base']:,} against {record['estimate']:,}, "
                f"{record['relative']:+.2%})"
            )
    if wrong:
        raise DataInvalid(
            f"population projections: the {BASE_YEAR} base of {'; '.join(wrong)} does not match "
            f"the mid-{BASE_YEAR} population estimate within {tolerance:.1%}; check the copy."
        )
    return checked


def sums_check(rows: list[dict[str, Any]], county: str, districts: list[str]) -> None:
    """The districts add up to the county in every year and age group, or :class:`DataInvalid`."""
    totals: dict[tuple[int, str], int] = {}
    county_rows = {}
    for row in rows:
        key = (row["year"], row["age_group"])
        if row["area_code"] == county:
            county_rows[key] = row["population"]
        elif row["area_code"] in districts:
            totals[key] = totals.get(key, 0) + row["population"]
    off = sorted(k for k in county_rows if totals.get(k) != county_rows[k])
    if off or not county_rows:
        year, age = off[0] if off else (BASE_YEAR, "all ages")
        raise DataInvalid(
            f"population projections: the districts sum to {totals.get((year, age))} in {year} "
            f"({age}) but the county ({county}) has {county_rows.get((year, age))}."
        )


def load_projections(source: Path | str | None = None):
    """The projections as a tidy pandas frame: ``area_code``, ``area_name``, ``year``,
    ``age_group`` ("all ages" or "65+") and ``population``, one row each, sorted.

    Raises :class:`DataInvalid` when the snapshot has no projections (naming the command
    that builds them) or a cell is wrong, and :class:`hwb.errors.SnapshotMismatch` when the
    file's bytes no longer match the manifest."""
    import pandas as pd

    folder = Path(source) if source is not None else paths.SNAPSHOT
    entry = _entry(folder)
    rows = small_areas.read_table(folder, entry, COLUMNS, "projections")
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    doubled = frame.duplicated(["area_code", "year", "age_group"])
    if doubled.any():
        first = frame[doubled].iloc[0]
        raise DataInvalid(
            f"{FILE_NAME}: more than one row for {first.area_code} {first.year} {first.age_group}."
        )
    return frame.sort_values(["area_code", "year", "age_group"], kind="stable").reset_index(
        drop=True
    )


def _entry(folder: Path) -> dict[str, Any]:
    if not Path(folder).is_dir():
        raise DataInvalid(f"{snapshot.shown(folder)} is a single file: no population projections.")
    for entry in snapshot.read_manifest(folder)["files"]:
        if entry.get("kind") == KIND and entry["name"] == FILE_NAME:
            return entry
    raise DataInvalid(
        f"the snapshot in {snapshot.shown(folder)} does not list {FILE_NAME}; "
        "`make assemble` builds it."
    )
