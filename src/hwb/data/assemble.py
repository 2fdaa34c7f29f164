"""``hwb data assemble``: build the shipped snapshot from public copies of real data.

The snapshot that ships in ``data/snapshot/`` is real: OHID Fingertips values (and MHCLG's
Indices of Deprivation) as re-published in public repositories, copies of which sit in
``../shared/data/``. ``data/sources.yml`` names each source (repository, commit, path,
licence, sha256) and chooses one source per catalogue indicator, with the reason. This
module reads each chosen source, re-lays its rows out into the Fingertips download layout
(27 columns, :data:`hwb.data.schema.LAYOUT_27`), writes one gzip file per indicator,
validates the result with the one loader and swaps it into place, with a manifest that
records for every file where it came from and what was done to it.

The output is deterministic: the same sources give byte-identical files and manifest
(no dates, sorted rows, gzip without a timestamp). Building packs never reads the
sources; only this command does.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from hwb import paths, yamlio
from hwb.data import schema, snapshot
from hwb.data.periods import iso_period, period_label, period_range
from hwb.errors import DataInvalid

SOURCES_FILE = paths.DATA / "sources.yml"
DISTRICT_TYPE = "Districts & UAs (from Apr 2023)"
COUNTY_TYPE = "Counties & UAs (from Apr 2023)"
ENGLAND = "E92000001"
COMPARED = "Compared to England value or percentiles"
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Sources: Office for Health Improvement and Disparities, Public health profiles "
    "(Fingertips), https://fingertips.phe.org.uk; Ministry of Housing, Communities and Local "
    "Government, English Indices of Deprivation 2019 and 2025; Office for National Statistics "
    "(Explore local statistics, population projections, similar areas); Department for "
    "Education, Early years foundation stage profile results. "
    "© Crown copyright. MSOA names: House of Commons Library, Open Parliament Licence v3.0."
)

Row = dict[str, str]


# --------------------------------------------------------------------------- public API
def load_sources(path: Path = SOURCES_FILE) -> dict[str, Any]:
    """The parsed ``sources.yml``, checked: every indicator names a known source and file."""
    try:
        spec = yamlio.load_file(path, aliases=True)  # shares settings by aliases
    except OSError as exc:
        raise DataInvalid(f"{path}: cannot be read as YAML ({exc}).") from exc
    except yaml.YAMLError as exc:
        raise DataInvalid(f"{path}: not valid YAML: {yamlio.describe(exc)}.") from exc
    for key in ("sources", "indicators"):
        if not isinstance(spec, dict) or not isinstance(spec.get(key), dict):
            raise DataInvalid(f"{path}: expected a mapping with '{key}'.")
    for iid, choice in spec["indicators"].items():
        for pick in (choice, choice.get("also")):
            if pick is None:
                continue
            source = spec["sources"].get(pick.get("source"))
            if source is None:
                raise DataInvalid(
                    f"{path}: indicators.{iid}.source {pick.get('source')!r} is not one of "
                    f"{', '.join(sorted(spec['sources']))}."
                )
            if pick.get("file") not in source["files"]:
                raise DataInvalid(
                    f"{path}: indicators.{iid}.file {pick.get('file')!r} is not a file of source "
                    f"{pick['source']!r} ({', '.join(sorted(source['files']))})."
                )
    return spec


def assemble_snapshot(
    sources_root: Path | str, out: Path | str | None = None, sources_file: Path = SOURCES_FILE
) -> Path:
    """Build a snapshot folder from ``sources_root`` (``../shared/data``) into ``out``.

    Written to a staging folder beside ``out``, validated with the loader, then swapped
    in: on any failure ``out`` is left as it was. Returns ``out``.
    """
    from hwb.data.catalogue import load_catalogue
    from hwb.data.load import load_snapshot

    root = Path(sources_root)
    if not root.is_dir():
        raise DataInvalid(
            f"{root}: no such folder. Give the folder of public sources, e.g. "
            "`hwb data assemble ../shared/data`."
        )
    target = Path(out) if out is not None else paths.SNAPSHOT
    spec = load_sources(sources_file)
    catalogue = load_catalogue()
    unknown = sorted(set(spec["indicators"]) - set(catalogue.index))
    if unknown:
        raise DataInvalid(
            f"{sources_file}: indicator(s) {unknown} are not in data/catalogue.yml; add them to the "
            "catalogue or remove them from sources.yml."
        )
    inputs = _checked_inputs(root, spec)
    small_inputs, small_where = _small_area_inputs(root, spec)
    table_inputs, table_where = _table_inputs(root, spec)
    reader = _Readers(root, spec, catalogue)
    entries = []
    with snapshot.staging_folder(target) as staging:
        for iid in sorted(spec["indicators"]):
            choice = spec["indicators"][iid]
            rows = list(reader.rows(int(iid), choice))
            if choice.get("also"):
                rows += _also_rows(iid, choice["also"], reader.rows(int(iid), choice["also"]), rows)
            if not rows:
                raise DataInvalid(
                    f"{sources_file}: indicator {iid} has no rows in source "
                    f"{choice['source']!r} ({choice['file']}); check the choice."
                )
            name = snapshot.indicator_file_name(iid)
            (staging / name).write_bytes(snapshot.gzip_bytes(_csv_bytes(_sorted(rows))))
            frame = load_snapshot(staging / name)
            entry = snapshot.describe_file(staging / name, frame)
            entry.update(_provenance(spec, choice, reader.notes.get(int(iid), [])))
            entries.append(entry)
        entries += _small_area_files(spec, small_where, staging)
        entries += _current_ward_files(root, spec, small_where, staging)
        entries += _table_files(spec, table_where, staging)
        every_input = inputs + small_inputs + table_inputs
        snapshot.write_manifest(staging, _manifest(spec, entries, every_input, catalogue))
        load_snapshot(staging)  # the whole snapshot validates before it replaces anything
        snapshot.replace_folder(staging, target)
    return target


# --------------------------------------------------------------------------- inputs
def _checked_inputs(root: Path, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every source file used, present and with the sha256 that sources.yml records."""
    used = {(c["source"], c["file"]) for c in spec["indicators"].values()}
    used |= {
        (c["also"]["source"], c["also"]["file"])
        for c in spec["indicators"].values()
        if c.get("also")
    }
    # the FingertipsNext reader also reads its source's area hierarchy (names, parents)
    used |= {
        (s, "areas") for s, _ in list(used) if spec["sources"][s]["reader"] == "fingertipsnext"
    }
    inputs = []
    for source_key, file_key in sorted(used):
        inputs.append(_checked_input(root, spec["sources"], source_key, file_key)[1])
    return inputs


def _checked_input(
    root: Path, sources: dict[str, Any], source_key: str, file_key: str, label: str = ""
) -> tuple[Path, dict[str, Any]]:
    """One source file, present with the sha256 sources.yml records; its path and input record."""
    source = sources[source_key]
    entry = source["files"][file_key]
    label = label or f"{source_key}.{file_key}"
    path = root / entry["local"]
    if not path.is_file():
        raise DataInvalid(
            f"{path}: missing; sources.yml ({label}) expects a copy of "
            f"{source['repository']}@{source['commit'][:12]}:{entry['path']} there."
        )
    digest = snapshot.sha256_of(path)
    if digest != entry["sha256"]:
        raise DataInvalid(
            f"{path}: sha256 {digest[:16]}… is not the {entry['sha256'][:16]}… recorded in "
            f"data/sources.yml for {label}; the copy changed. Restore it, or "
            "update sources.yml after checking the new copy."
        )
    return path, {
        "source": source_key,
        "repository": source["repository"],
        "commit": entry.get("commit", source["commit"]),
        "path": entry["path"],
        "licence": source["licence"],
        "sha256": digest,
    }


def _read_csv(path: Path) -> list[Row]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]


class _Readers:
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
            self._cache[key] = _read_csv(self.root / local)
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
            area_type = _area_type(code)
            if area_type is None:
                continue
            first = int(raw["Year"])
            row = _row(
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
            key = tuple(row[h] for h in _KEY_HEADERS)
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
            area_type = _area_type(code)
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
            yield _row(
                entry,
                code=code,
                name=raw["area_name"],
                area_type=area_type,
                parent="",
                sex=sex,
                age=entry["age"],
                period=_normal_period(raw["period"]),
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
            if _area_type(code) != DISTRICT_TYPE:
                continue
            year = raw.get("year") or raw["deprivation_data_year"]
            yield _row(
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
            area_type = _area_type(code)
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
            row = _row(
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
            key = tuple(row[h] for h in _KEY_HEADERS)
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


def _also_rows(iid: Any, also: dict[str, Any], extra: Iterable[Row], rows: list[Row]) -> list[Row]:
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
    have = {tuple(r[h] for h in _KEY_HEADERS) for r in rows}
    doubled = [r for r in kept if tuple(r[h] for h in _KEY_HEADERS) in have]
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


# --------------------------------------------------------------------------- rows
_KEY_HEADERS = (
    "Indicator ID",
    "Area Code",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
)


#: ONS's status codes in Explore local statistics files, as value notes
_ONS_STATUS = {
    "": "",
    "x": "Not available (ONS status x)",
    "u": "Low reliability (ONS status u)",
}


def _area_type(code: str) -> str | None:
    """The Fingertips area type a code belongs to here, or None for areas left out."""
    if code == ENGLAND:
        return "England"
    if code[:3] in ("E06", "E07", "E08", "E09"):
        return DISTRICT_TYPE
    if code[:3] == "E10":
        return COUNTY_TYPE
    return None


def _sex(breakdown: str, unit: str, default: str) -> str:
    if breakdown in ("Male", "Female", "Persons"):
        return breakdown
    if unit in ("Male", "Female", "Persons"):
        return unit
    return default


def _published(label: str) -> str:
    """Fingertips' published comparison, with "NA" read as no comparison."""
    return "" if label in ("NA", "") else label


def _normal_period(label: str) -> str:
    """Fingertips writes pooled calendar periods as ``2021 - 23``; some copies drop the spaces."""
    if len(label) == 7 and label[4] == "-" and label[:4].isdigit():
        return f"{label[:4]} - {label[5:]}"
    return label


def _row(entry, **cells: Any) -> Row:
    """One row in the 27-column layout from named cells."""
    row = dict.fromkeys(schema.LAYOUT_27, "")
    row.update(
        {
            "Indicator ID": str(int(entry.name)),
            "Indicator Name": entry["name"],
            "Parent Code": cells.get("parent", ""),
            "Area Code": cells["code"],
            "Area Name": cells["name"],
            "Area Type": cells["area_type"],
            "Sex": cells["sex"],
            "Age": cells["age"],
            "Category Type": cells.get("category_type", ""),
            "Category": cells.get("category", ""),
            "Time period": cells["period"],
            "Value": cells.get("value", ""),
            "Lower CI 95.0 limit": cells.get("lower", ""),
            "Upper CI 95.0 limit": cells.get("upper", ""),
            "Count": cells.get("count", ""),
            "Denominator": cells.get("denominator", ""),
            "Recent Trend": cells.get("trend", ""),
            COMPARED: cells.get("compared", ""),
            "Time period Sortable": f"{int(cells['sortable'])}0000",
            "Time period range": cells.get("period_range", ""),
        }
    )
    return row


def _precision(row: Row) -> int:
    return sum(len(row[h]) for h in ("Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit"))


_TYPE_ORDER = {"England": 0, COUNTY_TYPE: 1, DISTRICT_TYPE: 2}


def _sorted(rows: Iterable[Row]) -> list[Row]:
    """England first, then counties, then districts; within each by code, breakdown, period."""
    return sorted(
        rows,
        key=lambda r: (
            _TYPE_ORDER.get(r["Area Type"], 3),
            r["Area Type"],
            r["Area Code"],
            r["Sex"],
            r["Age"],
            r["Category Type"],
            r["Category"],
            r["Time period Sortable"],
            r["Time period"],
        ),
    )


def _csv_bytes(rows: list[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(schema.LAYOUT_27), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


# --------------------------------------------------------------------------- manifest
def _provenance(spec: dict[str, Any], choice: dict[str, Any], notes: list[str]) -> dict[str, Any]:
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


def _manifest(
    spec: dict[str, Any], entries: list[dict[str, Any]], inputs: list[dict[str, Any]], catalogue
) -> dict[str, Any]:
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


# --------------------------------------------------------------------------- small areas
#: Local Health MSOA measures kept (bwd-ph/mapdata IndID), in the order the files list them
LOCAL_HEALTH_MEASURES = (
    "LE_male",
    "LE_female",
    "Em_admit_allcause",
    "Death_allcause_allage",
    "Death_allcause_under75",
)


def _small_area_sources(spec: dict[str, Any]) -> dict[str, Any]:
    return _section(spec, "small_areas")


def _section(spec: dict[str, Any], key: str) -> dict[str, Any]:
    """A section of sources.yml with its own ``sources`` and ``files`` (small_areas, tables)."""
    section = spec.get(key)
    if not isinstance(section, dict) or not all(k in section for k in ("sources", "files")):
        raise DataInvalid(f"{SOURCES_FILE}: expected a '{key}' mapping with 'sources' and 'files'.")
    return section


def _small_area_inputs(
    root: Path, spec: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, Path]]:
    """Every small-area source file, present with its recorded sha256; and where each one is."""
    return _section_inputs(root, _small_area_sources(spec), "small_areas")


def _section_inputs(
    root: Path, section: dict[str, Any], label: str
) -> tuple[list[dict[str, Any]], dict[str, Path]]:
    """Every source file a section (``small_areas``, ``tables``) names, present with its
    recorded sha256; and where each one is, by ``source.file``."""
    inputs, where = [], {}
    for source_key, source in sorted(section["sources"].items()):
        for file_key in sorted(source["files"]):
            where_label = f"{label}.sources.{source_key}.{file_key}"
            path, record = _checked_input(
                root, section["sources"], source_key, file_key, where_label
            )
            where[f"{source_key}.{file_key}"] = path
            inputs.append(record)
    return inputs, where


def _small_area_files(
    spec: dict[str, Any], where: dict[str, Path], staging: Path
) -> list[dict[str, Any]]:
    """Write the five small-area files into ``staging``, validated; their manifest entries."""

    section = _small_area_sources(spec)
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
            _table_entry(
                staging / name,
                sources,
                choices[key],
                small_areas.columns(key),
                kind=small_areas.KIND,
                boundary_year=boundary_year,
            )
        )
    return entries


def _table_entry(
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


def _ward_lookup(where: dict[str, Path], districts: set[str]) -> list[Row]:
    names = {r["msoa11nm"]: r for r in _read_csv(where["msoa_names.names"])}
    rows = []
    for raw in _read_csv(where["ons_lookups.lsoa_ward"]):
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


def _read_rda(path: Path):
    try:
        import pyreadr
    except ImportError as exc:  # only the assembly reads R data; packs never do
        raise DataInvalid(
            f"{path}: reading R data needs pyreadr (pinned in requirements.lock); run `make venv`."
        ) from exc
    frames = pyreadr.read_r(str(path))
    return next(iter(frames.values()))


def _lsoa_deprivation(path: Path, lsoas: set[str]) -> list[Row]:
    from hwb.data.small_areas import ENGLAND_LSOAS

    frame = _read_rda(path)
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
    frame = _read_rda(path)
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

    meta = {r["IndID"]: r for r in _read_csv(metadata)}
    judged = re.compile(r"(Better|Similar|Worse) (?:than|to) England")
    order = {m: i for i, m in enumerate(LOCAL_HEALTH_MEASURES)}
    rows = []
    for raw in _read_csv(values):
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


def _current_ward_files(
    root: Path, spec: dict[str, Any], where: dict[str, Path], staging: Path
) -> list[dict[str, Any]]:
    """The two current-boundary files (LSOA 2021 -> ward 2023, IoD2025 by LSOA 2021),
    validated, after checking the population weights against MHCLG's district averages."""

    section = _small_area_sources(spec)
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
        for r in _read_csv(where["ons_lookups_2023.lsoa21_ward23"])
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

    frame = _read_rda(scores).merge(
        _read_rda(indicators)[["lsoa21_code", "income_domain_numerator"]],
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

    district_of = {r["LSOA21CD"]: r["LAD23CD"] for r in _read_csv(lookup)}
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
        for r in _read_csv(published_file)
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


# --------------------------------------------------------------------------- tables
def _tables(spec: dict[str, Any]) -> dict[str, Any]:
    return _section(spec, "tables")


def _table_inputs(root: Path, spec: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Path]]:
    """Every source file of the tables, present with its recorded sha256; where each is."""
    return _section_inputs(root, _tables(spec), "tables")


def _table_files(
    spec: dict[str, Any], where: dict[str, Path], staging: Path
) -> list[dict[str, Any]]:
    """The population projections and similar-area files, checked and validated."""
    from hwb.data import projections, similar_areas
    from hwb.data.catalogue import role_id
    from hwb.data.load import load_snapshot

    section = _tables(spec)
    districts = [str(c) for c in _small_area_sources(spec)["districts"]]
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
    names = {r["AREACD"]: r["AREANM"] for r in _read_csv(where["ons_clusters.allocation"])}
    fallback = {r["areacd"]: r["areanm"] for r in _read_csv(where["ons_names.claimants"])}
    similar = []
    for group in similar_areas.GROUP_TYPES:
        for raw in _read_csv(where[f"ons_clusters.{group}"]):
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
    for raw in _read_csv(where["ons_clusters.allocation"]):
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
        entry = _table_entry(
            staging / name, section["sources"], choice, columns, kind=choice["kind"]
        )
        if name == projections.FILE_NAME:
            entry["base_check"] = checked
        entries.append(entry)
    return entries
