"""Small-area data in the snapshot: 2019 wards, their neighbourhoods, deprivation and health.

Five files sit in ``data/snapshot/`` beside the Fingertips files, listed in the same
``manifest.yml`` with their source, hashes and processing, and marked ``kind: small_area``
with the ward boundary year (2019) so the Fingertips loader skips them while
:func:`hwb.data.snapshot.verify_snapshot` still checks their bytes. ``hwb data assemble``
writes them (:mod:`hwb.data.assemble`); ``make data`` carries them over
(:func:`carry_over`). This module is the one way to read them: :func:`load_small_areas`
verifies the hashes and validates every cell, naming the file, line and column of a fault.

The 2019 tables are on the 2019 electoral wards (ONS WD19, the LSOA 2011 lookup) and carry
IMD 2019 and Local Health; the current tables are on the 2023 wards (the LSOA 2021 lookup)
with the Indices of Deprivation 2025. :func:`check_ward_names` refuses a priority ward that
is not a current (2023) ward of its district, with a did-you-mean.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import io
import math
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from hwb import paths
from hwb.data import snapshot
from hwb.errors import BadParameter, DataInvalid, HwbError, SnapshotMismatch
from hwb.yamlio import shorten

KIND = "small_area"
BOUNDARY_YEAR = 2019
#: LSOAs (2011) ranked in the English Indices of Deprivation 2019
ENGLAND_LSOAS = 32_844
COMPARED = ("Better", "Similar", "Worse", "")


def _code(prefix: str, what: str) -> tuple[Callable[[str], Any], str]:
    pattern = re.compile(rf"^{prefix}\d{{6}}$")

    def check(text: str) -> str:
        if not pattern.match(text):
            raise ValueError
        return text

    return check, f"{what} code ({prefix} and six digits)"


def _number(low: float | None = None, high: float | None = None, whole: bool = False):
    def check(text: str):
        value = int(text) if whole else float(text)
        if (
            (low is not None and value < low)
            or (high is not None and value > high)
            or not math.isfinite(value)
        ):
            raise ValueError
        return value

    span = f" from {low:g} to {high:g}" if low is not None and high is not None else ""
    span = span or (f" of at least {low:g}" if low is not None else "")
    return check, f"{'a whole number' if whole else 'a number'}{span}"


def _text(text: str) -> str:
    if not text:
        raise ValueError
    return text


def _label(text: str) -> str:
    if text not in COMPARED:
        raise ValueError
    return text


TEXT = (_text, "some text")
LABEL = (_label, "Better, Similar, Worse or an empty cell")
RANK = _number(1, ENGLAND_LSOAS, whole=True)
DECILE = _number(1, 10, whole=True)

#: file key -> (file name, {column: (parser, what it expects)})
FILES: dict[str, tuple[str, dict[str, tuple[Callable[[str], Any], str]]]] = {
    "ward_lookup": (
        "small_areas_ward_lookup.csv.gz",
        {
            "lsoa11_code": _code("E01", "LSOA (2011)"),
            "lsoa11_name": TEXT,
            "msoa11_code": _code("E02", "MSOA (2011)"),
            "msoa11_name": TEXT,
            "ward_code": _code("E05", "ward"),
            "ward_name": TEXT,
            "district_code": _code("E0[6-9]", "district"),
            "district_name": TEXT,
        },
    ),
    "lsoa_deprivation": (
        "small_areas_lsoa_deprivation.csv.gz",
        {
            "lsoa11_code": _code("E01", "LSOA (2011)"),
            "imd_rank": RANK,
            "imd_decile": DECILE,
            "income_rank": RANK,
            "income_decile": DECILE,
            "health_rank": RANK,
            "health_decile": DECILE,
        },
    ),
    "ward_deprivation": (
        "small_areas_ward_deprivation.csv.gz",
        {
            "ward_code": _code("E05", "ward"),
            "imd_score": _number(0, 100),
            "income_score": _number(0, 1),
            "health_score": _number(-5, 5),
        },
    ),
    "ward_population": (
        "small_areas_ward_population.csv.gz",
        {
            "ward_code": _code("E05", "ward"),
            "population": _number(0, whole=True),
            "period": TEXT,
        },
    ),
    "local_health": (
        "small_areas_msoa_local_health.csv.gz",
        {
            "msoa11_code": _code("E02", "MSOA (2011)"),
            "measure": TEXT,
            "measure_name": TEXT,
            "period": TEXT,
            "value": _number(0),
            "england_value": _number(0),
            "compared": LABEL,
        },
    ),
}


#: the current-boundary tables beside them (also ``kind: small_area``, boundary year 2023):
#: the ONS best-fit LSOA (2021) -> ward (2023) lookup and the IoD2025 for those LSOAs,
#: with the population each LSOA is weighted by when its scores are averaged to a ward
CURRENT_BOUNDARY_YEAR = 2023
#: LSOAs (2021) ranked in the English Indices of Deprivation 2025
ENGLAND_LSOAS_2021 = 33_755
CURRENT_FILES: dict[str, tuple[str, dict[str, tuple[Callable[[str], Any], str]]]] = {
    "lsoa21_ward_lookup": (
        "small_areas_lsoa21_ward23_lookup.csv.gz",
        {
            "lsoa21_code": _code("E01", "LSOA (2021)"),
            "lsoa21_name": TEXT,
            "ward_code": _code("E05", "ward"),
            "ward_name": TEXT,
            "district_code": _code("E0[6-9]", "district"),
            "district_name": TEXT,
        },
    ),
    "lsoa21_deprivation": (
        "small_areas_lsoa21_imd2025.csv.gz",
        {
            "lsoa21_code": _code("E01", "LSOA (2021)"),
            "imd_score": _number(0, 100),
            "imd_rank": _number(1, ENGLAND_LSOAS_2021, whole=True),
            "imd_decile": DECILE,
            "income_score": _number(0, 1),
            "health_score": _number(-5, 5),
            "population": _number(1, whole=True),
        },
    ),
}


def file_name(key: str) -> str:
    return FILES[key][0]


def columns(key: str) -> list[str]:
    return list(_spec(key))


def is_small_area(entry: dict[str, Any]) -> bool:
    """True for a manifest entry of a small-area file (the Fingertips loader skips these)."""
    return entry.get("kind") == KIND


# --------------------------------------------------------------------------- reading
def parse_rows(name: str, data: bytes, key: str) -> list[dict[str, Any]]:
    """Validated, typed rows of one small-area file's CSV bytes (``name`` for messages)."""
    return parse_table(name, data, _spec(key))


def _spec(key: str) -> dict[str, tuple[Callable[[str], Any], str]]:
    return (FILES.get(key) or CURRENT_FILES[key])[1]


def parse_table(
    name: str, data: bytes, spec: dict[str, tuple[Callable[[str], Any], str]]
) -> list[dict[str, Any]]:
    """Validated, typed rows of CSV bytes whose columns ``spec`` declares (column -> (parser,
    what it expects)); a fault names the file, line and column. Shared by every table of the
    snapshot that is not in the Fingertips layout (small areas, projections, similar areas)."""
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header = next(reader, None)
    if header != list(spec):
        missing = [c for c in spec if c not in (header or [])]
        problem = f"missing column(s) {', '.join(missing)}" if missing else "columns out of order"
        raise DataInvalid(f"{name}, line 1: {problem}; expected {', '.join(spec)}.")
    rows = []
    for record in reader:
        line = reader.line_num
        if len(record) != len(spec):
            raise DataInvalid(
                f"{name}, line {line}: {len(record)} fields but the header has {len(spec)}."
            )
        row = {}
        for column, cell in zip(spec, record, strict=False):
            parse, expected = spec[column]
            try:
                row[column] = parse(cell.strip())
            except ValueError:
                raise DataInvalid(
                    f"{name}, line {line}, column '{column}': expected {expected} (found {shorten(cell)})."
                ) from None
        rows.append(row)
    return rows


def _entries(folder: Path) -> dict[str, dict[str, Any]]:
    """The manifest's small-area entries by file name (none for a bare CSV or an old snapshot)."""
    manifest = Path(folder) / snapshot.MANIFEST_NAME
    if not folder.is_dir() or not manifest.is_file():
        return {}
    stat = manifest.stat()
    return _entries_cached(str(folder), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _entries_cached(folder: str, mtime_ns: int, size: int) -> dict[str, dict[str, Any]]:
    # Keyed by the manifest's mtime and size: validating every parameter file asks this of
    # the same manifest hundreds of times a build, and it changes only when the file does.
    manifest = snapshot.read_manifest(Path(folder))
    return {e["name"]: e for e in manifest["files"] if is_small_area(e)}


def missing_reason(folder: Path | str | None = None) -> str | None:
    """Why ``folder`` has no small-area data, in words; None when all five files are listed."""
    folder = Path(folder) if folder is not None else paths.SNAPSHOT
    if not folder.is_dir():
        return f"{snapshot.shown(folder)} is a single file, not a snapshot folder with small-area files"
    listed = _entries(folder)
    absent = [file_name(k) for k in FILES if file_name(k) not in listed]
    if absent:
        return (
            f"the snapshot in {snapshot.shown(folder)} does not list {', '.join(absent)}; "
            "`make assemble` builds them"
        )
    return None


_SPECS: dict[str, dict[str, tuple[Callable[[str], Any], str]]] = {}  # table key -> its columns


@lru_cache(maxsize=32)
def _rows_cached(path: str, digest: str, key: str) -> tuple[dict[str, Any], ...]:
    name = Path(path).name
    try:
        data = gzip.decompress(Path(path).read_bytes())
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DataInvalid(f"{name}: cannot be read ({exc}); is it a truncated .gz?") from None
    return tuple(parse_table(name, data, _SPECS[key]))


def read_rows(key: str, folder: Path | str | None = None) -> list[dict[str, Any]]:
    """One small-area file of a snapshot folder: hash-checked against the manifest, validated.

    Checked here rather than by :func:`hwb.data.snapshot.verify_snapshot`, whose row count
    writes a scan cache: checking ward names must write nothing.
    """
    folder = Path(folder) if folder is not None else paths.SNAPSHOT
    reason = missing_reason(folder) if key in FILES else current_missing_reason(folder)
    if reason:
        raise DataInvalid(f"no small-area data: {reason}.")
    name = file_name(key) if key in FILES else CURRENT_FILES[key][0]
    return read_table(folder, _entries(folder)[name], _spec(key), key)


def read_table(
    folder: Path, entry: dict[str, Any], spec: dict[str, tuple[Callable[[str], Any], str]], key: str
) -> list[dict[str, Any]]:
    """The validated rows of the file a manifest ``entry`` names, after checking its bytes
    against the entry's sha256 and its row count against the entry's ``rows``."""
    name = entry["name"]
    path = folder / name
    fix = snapshot.fix_command(snapshot.read_manifest(folder), name, folder)
    if not path.is_file():
        raise SnapshotMismatch(
            f"{snapshot.shown(path)}: listed in manifest.yml but missing; {fix}."
        )
    digest = snapshot.sha256_of(path)
    if digest != entry.get("sha256"):
        raise SnapshotMismatch(
            f"{snapshot.shown(path)}: sha256 {digest[:16]}… does not match manifest.yml "
            f"({str(entry.get('sha256'))[:16]}…); the file changed since the snapshot was made — {fix}."
        )
    _SPECS[key] = spec
    rows = [dict(r) for r in _rows_cached(str(path), digest, key)]
    if entry.get("rows") is not None and int(entry["rows"]) != len(rows):
        raise SnapshotMismatch(
            f"{snapshot.shown(path)}: {len(rows):,} data rows, but manifest.yml records "
            f"{int(entry['rows']):,}; {fix}."
        )
    return rows


@dataclass
class SmallAreas:
    """The five small-area tables of a snapshot, validated and cross-checked."""

    lookup: Any  # pandas frames; pandas is imported only when a pack loads them
    lsoa: Any
    wards: Any
    population: Any
    local_health: Any
    entries: list[dict[str, Any]]
    boundary_year: int = BOUNDARY_YEAR

    def __repr__(self) -> str:
        return f"SmallAreas({len(self.lookup)} LSOAs, {self.lookup['ward_code'].nunique()} wards)"


def load_small_areas(source: Path | str | None = None) -> SmallAreas:
    """Every small-area file of ``source`` (default: the shipped snapshot) as pandas frames.

    Raises :class:`DataInvalid` when the snapshot has none (:func:`missing_reason` says why)
    or a file fails validation, and when the files disagree: an LSOA or ward of the lookup
    without its deprivation or population row.
    """
    import pandas as pd

    folder = Path(source) if source is not None else paths.SNAPSHOT
    tables = {key: pd.DataFrame(read_rows(key, folder), columns=columns(key)) for key in FILES}
    lookup = tables["ward_lookup"]
    for key, column, what in (
        ("lsoa_deprivation", "lsoa11_code", "LSOA"),
        ("ward_deprivation", "ward_code", "ward"),
        ("ward_population", "ward_code", "ward"),
    ):
        absent = sorted(set(lookup[column]) - set(tables[key][column]))
        if absent:
            raise DataInvalid(
                f"{file_name(key)}: no row for {len(absent)} {what}(s) of {file_name('ward_lookup')}, "
                f"e.g. {absent[0]}; rebuild the snapshot with `make assemble`."
            )
    for key in FILES:
        frame = tables[key]
        keys = [
            c for c in ("lsoa11_code", "ward_code", "msoa11_code", "measure") if c in frame.columns
        ]
        keys = keys[:1] if key != "local_health" else ["msoa11_code", "measure"]
        doubled = frame.duplicated(keys, keep=False)
        if doubled.any():
            first = frame[doubled].iloc[0]
            raise DataInvalid(
                f"{file_name(key)}: more than one row for {', '.join(str(first[k]) for k in keys)}."
            )
    entries = list(_entries(folder).values())
    year = int(
        next((e.get("boundary_year") for e in entries if e.get("boundary_year")), BOUNDARY_YEAR)
    )
    return SmallAreas(
        lookup,
        tables["lsoa_deprivation"],
        tables["ward_deprivation"],
        tables["ward_population"],
        tables["local_health"],
        entries,
        year,
    )


# --------------------------------------------------------------------------- current wards
def current_missing_reason(folder: Path | str | None = None) -> str | None:
    """Why ``folder`` has no current-boundary (2023 ward, IoD2025) tables; None when it has."""
    folder = Path(folder) if folder is not None else paths.SNAPSHOT
    if not folder.is_dir():
        return f"{snapshot.shown(folder)} is a single file, not a snapshot folder"
    listed = _entries(folder)
    absent = [name for name, _ in CURRENT_FILES.values() if name not in listed]
    if absent:
        return (
            f"the snapshot in {snapshot.shown(folder)} does not list {', '.join(absent)}; "
            "`make assemble` builds them"
        )
    return None


def load_current_wards(source: Path | str | None = None):
    """The current-boundary tables as one pandas frame, one row per LSOA (2021): its 2023
    ward and district, IoD2025 score, rank, decile, income and health scores and population
    weight. Raises :class:`DataInvalid` when the snapshot has none, a file fails validation,
    an LSOA of the lookup has no IoD2025 row, or an LSOA is listed twice."""
    import pandas as pd

    folder = Path(source) if source is not None else paths.SNAPSHOT
    tables = {
        key: pd.DataFrame(read_rows(key, folder), columns=list(spec))
        for key, (_, spec) in CURRENT_FILES.items()
    }
    lookup, imd = tables["lsoa21_ward_lookup"], tables["lsoa21_deprivation"]
    for key, frame in tables.items():
        doubled = frame["lsoa21_code"][frame["lsoa21_code"].duplicated()]
        if len(doubled):
            raise DataInvalid(
                f"{CURRENT_FILES[key][0]}: more than one row for {doubled.iloc[0]}; "
                "rebuild the snapshot with `make assemble`."
            )
    absent = sorted(set(lookup["lsoa21_code"]) - set(imd["lsoa21_code"]))
    if absent:
        raise DataInvalid(
            f"{CURRENT_FILES['lsoa21_deprivation'][0]}: no row for {len(absent)} LSOA(s) of "
            f"{CURRENT_FILES['lsoa21_ward_lookup'][0]}, e.g. {absent[0]}; rebuild the snapshot "
            "with `make assemble`."
        )
    return lookup.merge(imd, on="lsoa21_code", how="left", validate="one_to_one")


WARD_RANK_COLUMNS = (
    "rank",
    "ward_code",
    "ward_name",
    "district_code",
    "district_name",
    "imd_score",
    "population",
    "lsoas",
    "lsoas_most_deprived_decile",
)


def wards_by_deprivation(district_code: str, source: Path | str | None = None):
    """The district's current (2023) wards, most deprived first, by IoD2025 score.

    The rule: a ward's score is the population-weighted average of the IMD 2025 scores of
    the LSOAs (2021) that ONS's best-fit lookup puts in the ward, each LSOA weighted by its
    population (MHCLG's own denominator, as MHCLG weights LSOAs when it averages them to
    districts); rank 1 is the ward with the highest score (the most deprived); wards with
    the same score share the better rank and are listed by name. Columns
    (:data:`WARD_RANK_COLUMNS`): ``rank``, ``ward_code``, ``ward_name``, ``district_code``,
    ``district_name``, ``imd_score`` (the weighted score), ``population`` (the summed
    weights), ``lsoas`` (how many LSOAs) and ``lsoas_most_deprived_decile`` (how many of them
    are among England's most deprived 10%). An unknown district names the districts there are.
    """
    import pandas as pd

    from hwb import stats

    lsoas = load_current_wards(source)
    mine = lsoas[lsoas["district_code"] == district_code]
    if mine.empty:
        known = ", ".join(sorted(set(lsoas["district_code"])))
        raise DataInvalid(
            f"no current wards for district {district_code!r} in the snapshot's "
            f"{CURRENT_FILES['lsoa21_ward_lookup'][0]}; it has {known}."
        )
    keys = ["ward_code", "ward_name", "district_code", "district_name"]
    averaged = stats.weighted_average(mine, "imd_score", "population", keys)
    worst = mine.assign(_d1=mine["imd_decile"].eq(1)).groupby("ward_code")["_d1"].sum()
    out = averaged.rename(columns={"value": "imd_score", "weight": "population", "n": "lsoas"})
    out["population"] = out["population"].astype("int64")
    out["lsoas_most_deprived_decile"] = out["ward_code"].map(worst).astype("int64")
    out["rank"] = stats.ranks(out["imd_score"], highest_first=True).astype("int64")
    out = out.sort_values(["rank", "ward_name"], kind="stable").reset_index(drop=True)
    return pd.DataFrame(out, columns=list(WARD_RANK_COLUMNS))


# --------------------------------------------------------------------------- ward names
def district_wards(district_code: str, folder: Path | str | None = None) -> list[str]:
    """The district's current (2023) ward names, sorted (the LSOA 2021 to ward 2023 lookup);
    empty when the snapshot has none."""
    folder = Path(folder) if folder is not None else paths.SNAPSHOT
    if current_missing_reason(folder):
        return []
    return list(_ward_index(folder).get(district_code, ("", []))[1])


def _ward_index(folder: Path) -> dict[str, tuple[str, list[str]]]:
    """District code -> (district name, its sorted current ward names), from the current lookup."""
    manifest = (folder / snapshot.MANIFEST_NAME).stat()
    return _ward_index_cached(str(folder), manifest.st_mtime_ns, manifest.st_size)


@lru_cache(maxsize=8)
def _ward_index_cached(folder: str, mtime_ns: int, size: int) -> dict[str, tuple[str, list[str]]]:
    index: dict[str, tuple[str, set[str]]] = {}
    for r in read_rows("lsoa21_ward_lookup", Path(folder)):
        index.setdefault(r["district_code"], (r["district_name"], set()))[1].add(r["ward_name"])
    return {code: (name, sorted(wards)) for code, (name, wards) in index.items()}


def check_ward_names(
    names: Sequence[str], district_code: str, where: str, folder: Path | str | None = None
) -> None:
    """Refuse a priority ward that is not a current (2023) ward of the district.

    ``where`` names the parameters file. The message gives the closest ward name (difflib)
    and the district's wards. Without small-area files in the snapshot there is nothing to
    check against, so nothing is refused.
    """
    valid = district_wards(district_code, folder)
    if not valid:
        return
    named = _ward_index(Path(folder) if folder is not None else paths.SNAPSHOT)[district_code][0]
    for name in names:
        if name in valid:
            continue
        folded = {v.casefold().replace("&", "and"): v for v in valid}
        close = [
            folded[m]
            for m in difflib.get_close_matches(
                name.casefold().replace("&", "and"), list(folded), n=1, cutoff=0.5
            )
        ]
        close = close or [v for v in valid if name.casefold() in v.casefold()][:1]
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise BadParameter(
            f"{where}: key 'priority_wards': '{name}' is not a current ({CURRENT_BOUNDARY_YEAR}) "
            f"ward of {named} ({district_code}){hint}\n{named}'s {len(valid)} wards in "
            f"{CURRENT_BOUNDARY_YEAR}: {', '.join(valid)}"
        )
    doubled = sorted({n for n in names if list(names).count(n) > 1})
    if doubled:
        raise BadParameter(
            f"{where}: key 'priority_wards': '{doubled[0]}' is listed more than once"
        )


# --------------------------------------------------------------------------- make data
def carry_over(current: Path | str, staging: Path | str) -> tuple[list[dict[str, Any]], str | None]:
    """Copy the small-area files of the ``current`` snapshot into ``staging`` (``make data``).

    Every other table not in the Fingertips layout (a manifest entry with a ``kind``: the
    current wards, population projections, similar areas) is carried over with them.
    Returns their manifest entries and None, or no entries and the reason they were not
    kept (none in the current snapshot, or their bytes no longer match its manifest).
    """
    current, staging = Path(current), Path(staging)
    reason = missing_reason(current)
    if reason:
        return [], reason
    entries = _entries(current)
    try:
        snapshot.verify_snapshot(current, names=list(entries))
    except HwbError as exc:
        return [], f"the current small-area files could not be kept: {exc}"
    others = [  # the other tables that are not from the Fingertips API (projections, ...)
        e
        for e in snapshot.read_manifest(current)["files"]
        if e.get("kind") and e["name"] not in entries
    ]
    try:
        snapshot.verify_snapshot(current, names=[e["name"] for e in others])
    except HwbError as exc:
        return [], f"the current tables could not be kept: {exc}"
    for name in [*entries, *(e["name"] for e in others)]:
        shutil.copyfile(current / name, staging / name)
    ordered = [entries[file_name(k)] for k in FILES]
    ordered += [e for e in entries.values() if e not in ordered]
    return ordered + others, None


def csv_bytes(key: str, rows: Iterable[dict[str, Any]]) -> bytes:
    """A small-area file's CSV bytes (header, LF line ends) for the assembly to gzip."""
    return table_bytes(list(_spec(key)), rows)


def table_bytes(header: list[str], rows: Iterable[dict[str, Any]]) -> bytes:
    """CSV bytes of ``rows`` under ``header`` (LF line ends, UTF-8): every table of the
    snapshot not in the Fingertips layout is written this way."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
