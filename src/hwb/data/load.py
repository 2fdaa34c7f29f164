"""The one loader: a snapshot (or one Fingertips-layout CSV) in, one validated tidy frame out.

Every number in the book passes through :func:`load_snapshot`. It

1. checks the manifest hashes (a snapshot folder) so a moved byte is refused;
2. reads each file with the ``csv`` module, so a UTF-8 BOM, gzip, both layout vintages
   (26 columns, and 27 with ``Time period range``) and quoted newlines inside indicator
   names are handled, and every record keeps the line number a person sees in an editor;
3. validates: required columns, numbers that parse, lower <= value <= upper (up to the
   value's published rounding), counts not negative, sexes, well-formed area codes for
   the area type, duplicates;
4. returns the tidy frame declared in :mod:`hwb.data.schema`.

File-level faults (hash, missing file or column, unreadable gzip, ragged layout) fail at
once. A row that breaks a row-level rule is *quarantined*: left out, and listed with its
file, line, column and reason in ``frame.attrs["quarantined"]``, as Fingertips users
expect one bad published row not to sink a whole extract. Value notes ("Value suppressed
for disclosure control…", "not available") are kept, and a missing value stays NaN: it is
never read as zero.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hwb.data import schema, snapshot
from hwb.data.periods import first_year
from hwb.data.snapshot import resolve_source as _resolve
from hwb.errors import DataInvalid
from hwb.yamlio import shorten

log = logging.getLogger("hwb.data")

_HEADER_OF = {tidy: header for header, tidy in schema.FINGERTIPS_COLUMNS.items()}
_WHITESPACE = re.compile(r"\s+")
# Relative slack for "lower <= value <= upper": published limits are rounded.
_CI_TOLERANCE = 1e-6


# --------------------------------------------------------------------------- public API
def load_snapshot(
    source: Path | str | None = None,
    *,
    indicators: Iterable[int] | None = None,
    areas: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Load and validate a snapshot into the tidy frame.

    ``source`` is a snapshot folder with ``manifest.yml`` (default: the committed
    ``data/snapshot``) or a single Fingertips-layout ``.csv``/``.csv.gz`` (no manifest
    check, all other validation). ``indicators`` and ``areas`` keep only those indicator
    ids and area codes.

    With ``indicators``, a snapshot folder reads (and hash-checks) only the files whose
    manifest entry lists one of them — one file per indicator in the snapshots this
    project writes — so a page asking for three indicators opens three files, and a
    damaged file for another indicator does not stop it (the full check is
    ``hwb data verify``). A file whose entry has no ``indicators`` list is always read.
    The frame's ``attrs`` carry ``dropped_rows`` (exact duplicates and ambiguous breakdown
    rows dropped) and ``quarantined`` (rows that broke a row-level rule: file, line, column,
    reason) so pages and ``hwb data verify`` can say so. A value outside its interval by no
    more than its published rounding is accepted, not quarantined.
    """
    path = _resolve(source)
    if path.is_dir():
        manifest = snapshot.read_manifest(path)
        entries = snapshot.fingertips_entries(manifest)
        if indicators is not None:
            indicators = [int(i) for i in indicators]
            entries = snapshot.entries_for({"files": entries}, indicators)
        snapshot.verify_snapshot(path, names=[entry["name"] for entry in entries])
        files = [(path / entry["name"], entry["sha256"]) for entry in entries]
    else:
        files = [(path, snapshot.sha256_of(path))]
    frame, dropped, quarantined = _assembled(tuple((str(p), digest) for p, digest in files))
    frame = frame.copy()
    _fill_missing_names(frame)
    if indicators is not None:
        wanted = [int(i) for i in indicators]
        frame = frame[frame["indicator_id"].isin(wanted)]
    if areas is not None:
        frame = frame[frame["area_code"].isin(list(areas))]
    frame = frame.reset_index(drop=True)
    frame.attrs["dropped_rows"] = list(dropped)
    frame.attrs["quarantined"] = [dict(f) for f in quarantined]
    frame.attrs["source"] = str(path)
    return frame


def rejected_in_file(file: Path, digest: str) -> list[dict[str, Any]]:
    """The findings for the rows of one snapshot file (its SHA-256 ``digest``) rejected at
    load: what :func:`hwb.data.rejected.rejected_rows` reports."""
    return _load_file_cached(str(file), digest)[2]


def load_manifest(source: Path | str | None = None) -> dict[str, Any]:
    """The provenance of ``source``: its verified manifest, or a minimal one for a bare CSV."""
    path = _resolve(source)
    if path.is_dir():
        return snapshot.verify_snapshot(path)
    return snapshot.describe_bare_csv(path)


def read_fingertips_csv(path: Path | str) -> pd.DataFrame:
    """Read and validate one Fingertips-layout file (no manifest), returning the tidy frame."""
    path = Path(path)
    frame, _, _ = _load_file(path)
    return frame


# --------------------------------------------------------------------------- internals
@lru_cache(maxsize=8)
def _assembled(
    files: tuple[tuple[str, str], ...],
) -> tuple[pd.DataFrame, tuple[str, ...], tuple[dict[str, Any], ...]]:
    """The files (path, SHA-256) parsed and put together, checked for a row in two files,
    with their dropped-row notes and quarantined rows. Keyed by every file's content hash,
    like :func:`_load_file_cached`; callers copy the frame before changing it."""
    frames, dropped, quarantined = [], [], []
    for file_path, digest in files:
        frame, notes, held = _load_file_cached(file_path, digest)
        frames.append(frame)
        dropped.extend(notes)
        quarantined.extend(held)
    if not frames:
        frame, _, _ = _to_tidy(
            {tidy: [] for tidy in schema.FINGERTIPS_COLUMNS.values()},
            np.array([], dtype=np.int64),
            "",
        )
        frames.append(frame)
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    if len(frames) > 1:
        _check_duplicates_across_files(frame)
    return frame, tuple(dropped), tuple(quarantined)


def clear_cache() -> None:
    """Forget every parsed file and assembled snapshot of this process."""
    _assembled.cache_clear()
    _load_file_cached.cache_clear()


@lru_cache(maxsize=256)  # one entry per file: snapshots hold one file per indicator
def _load_file_cached(
    path: str, digest: str
) -> tuple[pd.DataFrame, tuple[str, ...], tuple[dict[str, Any], ...]]:
    # Keyed by content hash: a changed file is re-read, an unchanged one is not.
    frame, notes, held = _load_file(Path(path))
    return frame, tuple(notes), tuple(held)


def _open_text(path: Path) -> io.TextIOBase:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def _read_records(path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, records and the 1-based line each record starts on (quoted newlines allowed)."""
    records: list[list[str]] = []
    lines: list[int] = []
    try:
        with _open_text(path) as handle:
            reader = csv.reader(handle, strict=True)
            header = next(reader, None)
            if header is None:
                raise DataInvalid(
                    f"{path.name}, line 1: the file is empty; expected a Fingertips header row."
                )
            header = [h.strip() for h in header]
            width, end = len(header), reader.line_num
            needed = 1 + max(
                (header.index(h) for h in schema.REQUIRED_HEADERS if h in header), default=0
            )
            for row in reader:
                start, end = end + 1, reader.line_num
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if len(row) != width:
                    if len(row) > width or len(row) < needed:
                        raise DataInvalid(
                            f"{path.name}, line {start}: {len(row)} fields but the header has {width}; "
                            "check for an unquoted comma or a cut-off line."
                        )
                    # Older Fingertips downloads leave trailing optional columns off.
                    row = row + [""] * (width - len(row))
                records.append(row)
                lines.append(start)
    except UnicodeDecodeError as exc:
        raise DataInvalid(
            f"{path.name}: not UTF-8 text (byte {exc.start}); save it as UTF-8 CSV, as Fingertips does."
        ) from exc
    except (OSError, EOFError) as exc:
        raise DataInvalid(f"{path.name}: cannot be read ({exc}); is it a truncated .gz?") from exc
    except csv.Error as exc:
        raise DataInvalid(f"{path.name}, line {reader.line_num}: malformed CSV ({exc}).") from exc
    return header, records, lines


def _load_file(path: Path) -> tuple[pd.DataFrame, list[str], list[dict[str, Any]]]:
    header, records, lines = _read_records(path)
    missing = [h for h in schema.REQUIRED_HEADERS if h not in header]
    if missing:
        raise DataInvalid(
            f"{path.name}, line 1: missing column(s) {', '.join(repr(m) for m in missing)}. "
            "Expected a Fingertips data download (26 columns, or 27 with 'Time period range')."
        )
    columns = {**schema.FINGERTIPS_COLUMNS, **schema.OPTIONAL_COLUMNS}
    raw = {
        tidy: (
            [row[header.index(name)] for row in records] if name in header else [""] * len(records)
        )
        for name, tidy in columns.items()
    }
    return _to_tidy(raw, np.asarray(lines, dtype=np.int64), path.name)


class _Quarantine:
    """Rows that broke a row-level rule: left out of the frame, each listed with its reason.

    A published extract can carry a handful of bad rows (an inverted interval, a stray
    code); one of them must not stop every page. Each finding names the file, line and
    column; :func:`load_snapshot` puts them in ``frame.attrs["quarantined"]`` for the
    pages' "About this data" and for ``hwb data verify``.
    """

    def __init__(self, file: str, lines: np.ndarray, text: dict[str, np.ndarray]) -> None:
        self.file, self.lines = file, lines
        # Which indicator, area and sex each row was for (as written), so a page can say a
        # district's figure was rejected rather than absent.
        self.keys = (text["indicator_id"], text["area_code"], text["sex"])
        self.mask = np.zeros(len(lines), dtype=bool)
        self.findings: list[dict[str, Any]] = []

    def add(self, mask: np.ndarray, column: str, problem: str, values=None) -> None:
        fresh = mask & ~self.mask  # one reason per row: the first rule it broke
        for i in np.flatnonzero(fresh):
            found = "" if values is None else values[i]
            if isinstance(found, (float, np.floating)):
                found = f"{float(found):g}"
            self.findings.append(
                {
                    "file": self.file,
                    "line": int(self.lines[i]),
                    "column": _HEADER_OF.get(column, column),
                    "reason": problem,
                    "found": str(found),
                    **self.row_keys(i),
                }
            )
        self.mask |= mask

    def row_keys(self, i: int) -> dict[str, str]:
        """The indicator id, area code and sex of row ``i`` of the file (as written)."""
        return dict(
            zip(("indicator_id", "area_code", "sex"), (str(k[i]) for k in self.keys), strict=True)
        )


def describe_quarantined(finding: dict[str, Any]) -> str:
    """One line a person can act on: file, line, column, reason and the value found."""
    found = (
        f" (found {shorten(finding['found'])})" if finding.get("found") not in ("", None) else ""
    )
    return (
        f"{finding['file']}, line {finding['line']}, column '{finding['column']}': "
        f"{finding['reason']}{found}"
    )


def _to_tidy(
    raw: dict[str, list[str]], lines: np.ndarray, file: str
) -> tuple[pd.DataFrame, list[str], list[dict[str, Any]]]:
    n = len(lines)
    text = {
        name: np.array([v.strip() for v in raw[name]], dtype=object)
        if n
        else np.array([], dtype=object)
        for name in raw
    }
    for name in schema.OPTIONAL_COLUMNS.values():
        text.setdefault(name, np.full(n, "", dtype=object))
    # Indicator names can carry line breaks inside quotes; one line of text is wanted.
    text["indicator_name"] = np.array(
        [_WHITESPACE.sub(" ", v) for v in text["indicator_name"]], dtype=object
    )
    bad_rows = _Quarantine(file, lines, text)

    ids_text = text["indicator_id"]
    bad = ~np.array([v.isdigit() for v in ids_text], dtype=bool)
    bad_rows.add(bad, "indicator_id", "expected a whole-number Fingertips indicator id", ids_text)
    indicator_id = np.array([int(v) if v.isdigit() else 0 for v in ids_text], dtype=np.int64)

    numbers: dict[str, np.ndarray] = {}
    for name in schema.NUMERIC_COLUMNS:
        values = text[name]
        parsed = pd.to_numeric(pd.Series(values, dtype=object).replace("", np.nan), errors="coerce")
        parsed = parsed.to_numpy(dtype=np.float64)
        bad = (values != "") & ~np.isfinite(parsed)
        bad_rows.add(bad, name, "expected a number or an empty cell", values)
        numbers[name] = np.where(bad, np.nan, parsed)

    for name in ("count", "denominator"):
        bad = numbers[name] < 0
        bad_rows.add(bad, name, "a count or denominator cannot be negative", text[name])

    sex = text["sex"]
    bad = ~np.isin(sex, sorted(schema.SEXES))
    bad_rows.add(bad, "sex", "expected Persons, Male, Female or Not applicable", sex)

    for name in ("area_code", "period"):
        bad_rows.add(text[name] == "", name, "must not be empty")

    _check_area_codes(text["area_code"], text["area_type"], bad_rows)
    parent = text["parent_code"]
    bad = (parent != "") & ~np.array(
        [bool(schema.GENERIC_AREA_CODE.match(p)) for p in parent], dtype=bool
    )
    bad_rows.add(
        bad, "parent_code", f"expected {schema.GENERIC_AREA_CODE_HINT} or an empty cell", parent
    )

    sortable, year = _periods(text["period_sortable"], text["period"], bad_rows)
    _check_intervals(numbers, _half_unit(text["value"]), bad_rows)

    frame = pd.DataFrame(
        {
            "indicator_id": pd.array(indicator_id, dtype="int64"),
            "indicator_name": text["indicator_name"],
            "area_code": text["area_code"],
            "area_name": text["area_name"],
            "area_type": text["area_type"],
            "parent_code": pd.array(np.where(parent == "", None, parent), dtype="str"),
            "sex": sex,
            "age": text["age"],
            "category_type": text["category_type"],
            "category": text["category"],
            "period": text["period"],
            "period_sortable": pd.array(sortable, dtype="int64"),
            "year": pd.array(year, dtype="int64"),
            **{name: numbers[name] for name in schema.NUMERIC_COLUMNS},
            "value_note": text["value_note"],
            "recent_trend": text["recent_trend"],
            "compared_england": text["compared_england"],
            "source_file": np.full(n, file, dtype=object),
        }
    )
    for name in schema.TEXT_COLUMNS + ("source_file",):
        frame[name] = frame[name].astype("str")
    held = bad_rows.mask
    frame, lines = frame[~held].reset_index(drop=True), lines[~held]
    frame, lines, notes = _drop_duplicates(frame, lines, file)
    frame = _quarantine_conflicts(frame, lines, bad_rows)
    if n and frame.empty and bad_rows.findings:
        raise DataInvalid(
            f"{file}: every one of its {n:,} rows failed validation, so this is not a usable "
            f"Fingertips download; the first: {describe_quarantined(bad_rows.findings[0])}."
        )
    if bad_rows.findings:
        log.info("%s: %d row(s) quarantined", file, len(bad_rows.findings))
    bad_rows.findings.sort(key=lambda f: f["line"])
    return frame, notes, bad_rows.findings


def _half_unit(value_text: np.ndarray) -> np.ndarray:
    """Half a unit in the last published decimal place of each value (0.05 for "15.6").

    Fingertips rounds a value and its limits separately, so a published value can sit just
    outside its own interval (England's 93701 for 2022/23: 15.6 with 15.52-15.59); by no
    more than this it is rounding, not an error.
    """
    out = np.zeros(len(value_text), dtype=np.float64)
    for i, v in enumerate(value_text):
        if v and "e" not in v.lower():
            decimals = len(v.split(".", 1)[1]) if "." in v else 0
            out[i] = 0.5 * 10.0**-decimals
    return out


def _check_intervals(numbers: dict[str, np.ndarray], rounding: np.ndarray, bad_rows) -> None:
    """lower <= upper, and the value inside its 95% and 99.8% intervals up to its rounding."""
    v = numbers["value"]
    slack = _CI_TOLERANCE * np.fmax(1.0, np.abs(np.nan_to_num(v)))
    outside = slack + rounding
    for low, high, label in (("lower_95", "upper_95", "95%"), ("lower_998", "upper_998", "99.8%")):
        lo, hi = numbers[low], numbers[high]
        with np.errstate(invalid="ignore"):
            for bad, column, problem, shown in (
                (lo > hi + slack, low, f"the lower {label} limit is above the upper limit", lo),
                (
                    lo > v + outside,
                    low,
                    f"the lower {label} limit is above the value by more than its rounding",
                    lo,
                ),
                (
                    hi < v - outside,
                    high,
                    f"the upper {label} limit is below the value by more than its rounding",
                    hi,
                ),
            ):
                bad_rows.add(bad, column, problem, shown)


def _check_area_codes(codes: np.ndarray, area_types: np.ndarray, bad_rows) -> None:
    for area_type in pd.unique(area_types):
        pattern, hint = schema.area_code_rule(area_type)
        rows = area_types == area_type
        bad = rows & ~np.array([bool(pattern.match(c)) for c in codes], dtype=bool)
        bad_rows.add(
            bad,
            "area_code",
            f"unknown area code for area type {shorten(area_type)}; expected {hint}",
            codes,
        )


def _periods(sortable_text: np.ndarray, period: np.ndarray, bad_rows):
    """``Time period Sortable`` as int64 (derived from the label's first year when blank) and the year."""
    n = len(period)
    sortable = np.zeros(n, dtype=np.int64)
    year = np.full(n, 2000, dtype=np.int64)
    bad = np.zeros(n, dtype=bool)
    for i in range(n):
        s = sortable_text[i]
        first = first_year(period[i])
        if s.isdigit() and len(s) >= 4:
            sortable[i] = int(s)
            year[i] = int(s[:4]) if len(s) == 8 else (first if first is not None else int(s[:4]))
        elif s == "" and first is not None:
            year[i] = first
            sortable[i] = year[i] * 10000
        else:
            bad[i] = True
    bad_rows.add(
        bad,
        "period_sortable",
        "expected an 8-digit sortable period such as 20210000 "
        "(or an empty cell and a period label with a year)",
        sortable_text,
    )
    return sortable, year


def _drop_duplicates(
    frame: pd.DataFrame, lines: np.ndarray, file: str
) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """Drop exact duplicates (logged, noted); conflicting duplicates are left to the quarantine.

    Conflicting duplicates among breakdown (category) rows cannot be attributed to a
    category, so every row of such a group is dropped with a note; the headline rows are
    unaffected. The notes returned say what was dropped.
    """
    notes: list[str] = []
    compare = [c for c in frame.columns if c != "source_file"]
    exact = frame.duplicated(subset=compare, keep="first").to_numpy()
    if exact.any():
        message = (
            f"{file}: dropped {int(exact.sum())} exact duplicate row(s) "
            f"(first at line {int(lines[np.flatnonzero(exact)[0]])})"
        )
        log.info(message)
        notes.append(message)
        frame, lines = frame[~exact].reset_index(drop=True), lines[~exact]
    key = list(schema.ROW_KEY)
    clash = frame.duplicated(subset=key, keep=False).to_numpy()
    breakdown = clash & (frame["category_type"].to_numpy() != "")
    if not breakdown.any():
        return frame, lines, notes
    message = (
        f"{file}: dropped {int(breakdown.sum())} breakdown (category) row(s) that share indicator, "
        f"area, sex, age, category and period with a different row, so their category cannot be "
        f"told apart (first at line {int(lines[np.flatnonzero(breakdown)[0]])})"
    )
    # INFO, not WARNING: the note travels in frame.attrs["dropped_rows"] for pages to show.
    log.info(message)
    notes.append(message)
    return frame[~breakdown].reset_index(drop=True), lines[~breakdown], notes


def _quarantine_conflicts(
    frame: pd.DataFrame, lines: np.ndarray, bad_rows: _Quarantine
) -> pd.DataFrame:
    """Headline rows sharing a key but differing in value: none can be trusted, all held back."""
    key = list(schema.ROW_KEY)
    clash = frame.duplicated(subset=key, keep=False).to_numpy()
    if not clash.any():
        return frame
    compare = [c for c in frame.columns if c not in ("source_file", *key)]
    for _, group in frame[clash].groupby(key, sort=False):
        differing = [
            _HEADER_OF.get(c, c)
            for c in compare
            if group[c].astype("str").nunique(dropna=False) > 1
        ]
        where = [int(x) for x in lines[group.index.to_numpy()]]
        first = group.iloc[0]
        for line in where:
            bad_rows.findings.append(
                {
                    "file": bad_rows.file,
                    "line": line,
                    "column": ", ".join(differing),
                    "reason": "conflicting duplicate rows for one indicator, area, sex, age, "
                    f"category and period (lines {', '.join(map(str, where))})",
                    "found": "",
                    "indicator_id": str(first["indicator_id"]),
                    "area_code": str(first["area_code"]),
                    "sex": str(first["sex"]),
                }
            )
    return frame[~clash].reset_index(drop=True)


def _check_duplicates_across_files(frame: pd.DataFrame) -> None:
    clash = frame.duplicated(subset=list(schema.ROW_KEY), keep=False)
    if clash.any():
        first = frame[clash].iloc[0]
        files = sorted(set(frame.loc[clash, "source_file"]))
        raise DataInvalid(
            f"{', '.join(files)}: the same row (indicator {first['indicator_id']}, area {first['area_code']}, "
            f"{first['sex']}, {first['age']}, period {first['period']}) appears in more than one snapshot file; "
            "each row belongs in exactly one file. Rebuild the snapshot."
        )


def _fill_missing_names(frame: pd.DataFrame) -> None:
    """Give rows with an empty indicator name the catalogue's name (some extracts omit it)."""
    empty = frame["indicator_name"] == ""
    if not empty.any():
        return
    from hwb.data.catalogue import load_catalogue

    names = load_catalogue()["name"]
    fill = frame.loc[empty, "indicator_id"].map(names)
    fill = fill.fillna(frame.loc[empty, "indicator_id"].map(lambda i: f"Indicator {i}"))
    frame.loc[empty, "indicator_name"] = fill.astype("str")
