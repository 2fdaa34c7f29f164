"""One reader per source layout, each yielding rows in the Fingertips download layout.

``sources.yml`` names a source's ``reader``: ``fingertipsnext`` (FingertipsNext's long
files and area hierarchy), ``trafford`` (Trafford Data Lab's re-publications),
``fingertips_download`` (genuine Fingertips downloads), ``iod_district`` (MHCLG's district
summaries) or ``ons_els`` (ONS's Explore local statistics). :func:`also_rows` keeps what a
second source adds to an indicator's series.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hwb.data import schema
from hwb.data.assemble.layout import (
    COUNTY_TYPE,
    DISTRICT_TYPE,
    ENGLAND,
    KEY_HEADERS,
    area_type_of,
    fingertips_row,
)
from hwb.data.assemble.sources import SOURCES_FILE, Row, read_csv
from hwb.data.periods import iso_period, period_label, period_range, spaced_pooled
from hwb.errors import DataInvalid


class Readers:
    """One reader per source layout; each yields rows in the Fingertips download layout."""

    def __init__(self, root: Path, spec: dict[str, Any], catalogue) -> None:
        self.root, self.spec, self.catalogue = root, spec, catalogue
        self._cache: dict[tuple[str, str], list[Row]] = {}
        self._hierarchies: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
        self.notes: dict[int, list[str]] = {}

    def _file(self, source: str, file: str) -> list[Row]:
        key = (source, file)
        if key not in self._cache:
            local = self.spec["sources"][source]["files"][file]["local"]
            self._cache[key] = read_csv(self.root / local)
        return self._cache[key]

    def rows(self, iid: int, choice: dict[str, Any]) -> Iterator[Row]:
        kind = self.spec["sources"][choice["source"]]["reader"]
        read = {
            "fingertipsnext": self._fingertipsnext,
            "trafford": self._trafford,
            "fingertips_download": self._download,
            "iod_district": self._iod,
            "ons_els": self._ons,
        }[kind]
        return read(iid, choice)

    # ---------------------------------------------------------------- FingertipsNext
    def _areas(self, source: str) -> tuple[dict[str, str], dict[str, str]]:
        """Area names and each area's parent, from a FingertipsNext source's area hierarchy
        (read once per source, not once per indicator)."""
        if source not in self._hierarchies:
            self._hierarchies[source] = self._hierarchy(source)
        return self._hierarchies[source]

    def _hierarchy(self, source: str) -> tuple[dict[str, str], dict[str, str]]:
        names, parents = {}, {}
        for row in self._file(source, "areas"):
            names[row["AreaCode"]] = row["AreaName"]
            if row["HierarchyType"] in ("Administrative", "Both"):
                for child in filter(None, row["Children"].split("|")):
                    if child.startswith(("E0", "E1")):
                        parents.setdefault(child, row["AreaCode"])
        return names, parents

    def _fingertipsnext(self, iid: int, choice: dict[str, Any]) -> Iterator[Row]:
        entry = self.catalogue.loc[iid]
        names, parents = self._areas(choice["source"])
        seen: dict[tuple[str, ...], Row] = {}
        collapsed = 0
        for raw in self._file(choice["source"], choice["file"]):
            if raw["IndicatorId"] != str(iid):
                continue
            code = raw["AreaCode"]
            area_type = area_type_of(code)
            if area_type is None:
                continue
            first = int(raw["Year"])
            row = fingertips_row(
                entry,
                code=code,
                name=names.get(code, code),
                area_type=area_type,
                parent="" if code == ENGLAND else parents.get(code, ""),
                sex=raw["Sex"],
                age=raw["Age"],
                category_type=raw["CategoryType"],
                category=raw["Category"],
                period=period_label(entry["period_type"], first),
                sortable=first,
                value=raw["Value"],
                lower=raw["LowerCI"],
                upper=raw["UpperCI"],
                count=raw["Count"],
                denominator=raw["Denominator"],
                trend=raw["Trend"],
                period_range=period_range(entry["period_type"]),
            )
            key = tuple(row[h] for h in KEY_HEADERS)
            if key in seen:
                collapsed += 1
                if _precision(row) > _precision(seen[key]):
                    seen[key] = row
                continue
            seen[key] = row
        if collapsed:
            self.notes.setdefault(iid, []).append(
                f"{collapsed} row(s) repeated with the same key were kept once (the most precise)"
            )
        yield from seen.values()

    # ---------------------------------------------------------------- Trafford Data Lab
    def _trafford(self, iid: int, choice: dict[str, Any]) -> Iterator[Row]:
        entry = self.catalogue.loc[iid]
        for raw in self._file(choice["source"], choice["file"]):
            code = raw["area_code"]
            area_type = area_type_of(code)
            if area_type is None or area_type == COUNTY_TYPE:
                continue  # combined authorities, neighbours' counties: not in this layout
            breakdown = raw.get("inequality", "NA")
            sex = _sex(breakdown, raw.get("unit", ""), entry["sex"])
            if breakdown not in ("NA", "", "Male", "Female", "Persons"):
                continue  # deprivation-quintile breakdowns are not used here
            value = raw["value"]
            if value in ("NA", ""):
                value = ""
            first = int(raw["period"][:4])
            yield fingertips_row(
                entry,
                code=code,
                name=raw["area_name"],
                area_type=area_type,
                parent="",
                sex=sex,
                age=entry["age"],
                period=spaced_pooled(raw["period"]),
                sortable=first,
                value=value,
                compared=_published(raw.get("compared_to_England", raw.get("significance", "")))
                if choice.get("published_comparison", True)
                else "",
                period_range=period_range(entry["period_type"]),
            )

    # ---------------------------------------------------------------- genuine downloads
    def _download(self, iid: int, choice: dict[str, Any]) -> Iterator[Row]:
        for raw in self._file(choice["source"], choice["file"]):
            if raw["Indicator ID"] != str(iid):
                continue
            row = {h: raw.get(h, "") for h in schema.LAYOUT_27}
            row["Indicator Name"] = " ".join(row["Indicator Name"].split())
            yield row

    # ---------------------------------------------------------------- MHCLG IoD
    def _iod(self, iid: int, choice: dict[str, Any]) -> Iterator[Row]:
        """MHCLG's district summaries, long by domain: the IoD2019 copy names its columns
        ``lad19cd, lad19nm, year``, the IoD2025 one ``area_code, area_name,
        deprivation_data_year``."""
        entry = self.catalogue.loc[iid]
        for raw in self._file(choice["source"], choice["file"]):
            if raw["index_domain"] != "Index of Multiple Deprivation":
                continue
            code = raw.get("lad19cd") or raw["area_code"]
            if area_type_of(code) != DISTRICT_TYPE:
                continue
            year = raw.get("year") or raw["deprivation_data_year"]
            yield fingertips_row(
                entry,
                code=code,
                name=raw.get("lad19nm") or raw["area_name"],
                area_type=DISTRICT_TYPE,
                parent="",
                sex="Persons",
                age=entry["age"],
                period=year,
                sortable=int(year),
                value=f"{float(raw['average_score']):.3f}",
                period_range="1y",
            )

    # ---------------------------------------------------------------- ONS Explore local statistics
    def _ons(self, iid: int, choice: dict[str, Any]) -> Iterator[Row]:
        """ONS's tidy files (``areacd, areanm, indicator, period, observation, lci_95, uci_95,
        status, ...``): the ONS indicators ``ons_indicators`` names (ONS name -> sex), England,
        counties and English districts, ISO 8601 periods labelled by the catalogue's period
        type. A unitary authority listed both as a district and as a county is kept once
        (the two rows must agree)."""
        entry = self.catalogue.loc[iid]
        wanted = choice.get("ons_indicators")
        if not isinstance(wanted, dict) or not wanted:
            raise DataInvalid(
                f"{SOURCES_FILE}: indicators.{iid}.ons_indicators must map ONS's indicator "
                "name(s) in the file to a sex, e.g. {Satisfaction: Persons}."
            )
        where = f"{self.spec['sources'][choice['source']]['files'][choice['file']]['local']}"
        seen: dict[tuple[str, ...], Row] = {}
        found = set()
        for line, raw in enumerate(self._file(choice["source"], choice["file"]), start=2):
            if raw["indicator"] not in wanted:
                continue
            found.add(raw["indicator"])
            code = raw["areacd"]
            area_type = area_type_of(code)
            if area_type is None:
                continue
            try:
                period, first = iso_period(entry["period_type"], raw["period"])
            except ValueError as exc:
                raise DataInvalid(
                    f"{where}, line {line}, column 'period': {exc}; indicator {iid} has "
                    f"period_type {entry['period_type']!r} in data/catalogue.yml."
                ) from None
            status = raw.get("status", "")
            value, note = raw["observation"], _ONS_STATUS.get(status, status)
            if status == "x" or value in ("", "NA"):
                value = ""
            lower, upper = raw.get("lci_95", ""), raw.get("uci_95", "")
            row = fingertips_row(
                entry,
                code=code,
                name=raw["areanm"],
                area_type=area_type,
                parent="",
                sex=str(wanted[raw["indicator"]]),
                age=entry["age"],
                period=period,
                sortable=first,
                value=value,
                lower=lower if value else "",
                upper=upper if value else "",
                period_range=period_range(entry["period_type"]),
            )
            row["Value note"] = note
            key = tuple(row[h] for h in KEY_HEADERS)
            if key in seen:
                if seen[key]["Value"] != row["Value"]:
                    raise DataInvalid(
                        f"{where}, line {line}: {code} {raw['indicator']} {raw['period']} is "
                        f"listed twice with different values ({seen[key]['Value']}, {value})."
                    )
                continue
            seen[key] = row
        absent = sorted(set(wanted) - found)
        if absent:
            raise DataInvalid(
                f"{where}: no rows for ONS indicator(s) {absent} named in "
                f"{SOURCES_FILE} (indicators.{iid}.ons_indicators)."
            )
        yield from seen.values()


def also_rows(iid: Any, also: dict[str, Any], extra: Iterable[Row], rows: list[Row]) -> list[Row]:
    """The rows a second source adds to an indicator: only its ``areas`` and/or ``periods``
    (labels), and never a row the first source already has (one series, each point from one
    source, not a duplicate)."""
    areas, periods = also.get("areas"), also.get("periods")
    if not areas and not periods:
        raise DataInvalid(
            f"{SOURCES_FILE}: indicators.{iid}.also must limit what it adds with 'areas' "
            "(area codes) or 'periods' (period labels)."
        )
    kept = [
        r
        for r in extra
        if (not areas or r["Area Code"] in set(areas))
        and (not periods or r["Time period"] in {str(p) for p in periods})
    ]
    have = {tuple(r[h] for h in KEY_HEADERS) for r in rows}
    doubled = [r for r in kept if tuple(r[h] for h in KEY_HEADERS) in have]
    if doubled:
        first = doubled[0]
        raise DataInvalid(
            f"{SOURCES_FILE}: indicators.{iid}.also ({also['source']}) repeats {len(doubled)} "
            f"row(s) the first source has, e.g. {first['Area Code']} {first['Time period']}; "
            "narrow its 'areas' or 'periods' so each point comes from one source."
        )
    if periods and not kept:
        raise DataInvalid(
            f"{SOURCES_FILE}: indicators.{iid}.also ({also['source']}) has no rows for periods "
            f"{list(periods)}; check the period labels."
        )
    return kept


#: ONS's status codes in Explore local statistics files, as value notes
_ONS_STATUS = {
    "": "",
    "x": "Not available (ONS status x)",
    "u": "Low reliability (ONS status u)",
}


def _sex(breakdown: str, unit: str, default: str) -> str:
    if breakdown in ("Male", "Female", "Persons"):
        return breakdown
    if unit in ("Male", "Female", "Persons"):
        return unit
    return default


def _published(label: str) -> str:
    """Fingertips' published comparison, with "NA" read as no comparison."""
    return "" if label in ("NA", "") else label


def _precision(row: Row) -> int:
    return sum(len(row[h]) for h in ("Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit"))
