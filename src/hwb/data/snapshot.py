"""Snapshot provenance: the manifest beside the data, its hashes, and the banner.

A snapshot is a folder of Fingertips-layout CSV files (``.csv`` or ``.csv.gz``; one file
per indicator, named by :func:`indicator_file_name`, in both the live and the demonstration
snapshot) plus a ``manifest.yml`` saying where they came from (source, date fetched, licence and
attribution) and, per file, sha256, size, rows, indicators, areas and periods, and
whether the data are synthetic. The loader refuses a file whose bytes moved, naming the
file and the command that fixes it (the habit of Our World in Data's snapshots).
"""

from __future__ import annotations

import copy
import csv
import gzip
import hashlib
import io
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import yaml

from hwb import paths, yamlio
from hwb.errors import DataInvalid, HwbError, SnapshotMismatch
from hwb.processes import alive
from hwb.yamlio import shorten

log = logging.getLogger("hwb.data")

MANIFEST_NAME = "manifest.yml"
DATA_SUFFIXES = (".csv", ".csv.gz")
BANNER = (
    "Demonstration data — not official statistics. "
    "Run `make data` for the published Fingertips data."
)
OGL_LICENCE = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
FINGERTIPS_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Source: Office for Health Improvement and Disparities, Public health profiles "
    "(Fingertips), https://fingertips.phe.org.uk © Crown copyright."
)
FINGERTIPS_API = "https://fingertips.phe.org.uk/api"


def indicator_file_name(indicator_id: int) -> str:
    """The snapshot file that holds one indicator's rows, e.g. ``fingertips_90366.csv.gz``.

    One file per indicator (live and demonstration snapshots alike), so new data for one
    indicator changes only that file's hash, and a page reading a few indicators reads
    only their files.
    """
    return f"fingertips_{int(indicator_id)}.csv.gz"


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip: no file name, mtime 0, so the same data gives the same bytes."""
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as handle:
        handle.write(data)
    return out.getvalue()


def entries_for(manifest: dict[str, Any], indicators: Iterable[int]) -> list[dict[str, Any]]:
    """The manifest's file entries that list one of ``indicators``.

    An entry without an ``indicators`` list cannot be ruled out, so it is kept.
    """
    wanted = {int(i) for i in indicators}
    chosen = []
    for entry in manifest["files"]:
        listed = entry.get("indicators")
        if not isinstance(listed, list) or wanted.intersection(int(i) for i in listed):
            chosen.append(entry)
    return chosen


_HASHED: dict[tuple, str] = {}  # this process's hashes, by path and the file's full stat


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB blocks.

    Each process reads a file's bytes at least once; asked again for a file whose size,
    inode, modification and change times are all unchanged, it reuses that hash (any
    write, even one that restores the modification time, moves the change time).
    """
    status = os.stat(path)
    key = (
        os.path.abspath(path),
        status.st_size,
        status.st_ino,
        status.st_mtime_ns,
        status.st_ctime_ns,
    )
    known = _HASHED.get(key)
    if known is not None:
        return known
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    _HASHED[key] = digest.hexdigest()
    return _HASHED[key]


@lru_cache(maxsize=32)
def _parse_manifest(text: str) -> Any:
    return yamlio.safe_load(text)


def is_data_file(path: Path) -> bool:
    """True for a snapshot data file (``.csv`` or ``.csv.gz``)."""
    return path.is_file() and path.name.lower().endswith(DATA_SUFFIXES)


def shown(path: Path | str) -> str:
    """A path as messages show it: ``..`` collapsed, relative to the repository when inside
    it (``data/snapshot/x.csv.gz``), else absolute (``/home/me/snaps/x.csv.gz``)."""
    resolved = Path(os.path.abspath(path))
    try:
        return resolved.relative_to(paths.ROOT).as_posix()
    except ValueError:
        return str(resolved)


def _check_name(manifest_path: Path, name: Any) -> str:
    """A manifest file name must be a plain file name inside the snapshot folder."""
    if not isinstance(name, str) or not name.strip():
        raise SnapshotMismatch(
            f"{shown(manifest_path)}: a 'files' entry has no name; each entry needs the name of a "
            "data file in this folder. Rebuild the snapshot with `hwb data demo` or `make data`."
        )
    plain = (
        name not in (".", "..")
        and PurePosixPath(name).name == name
        and PureWindowsPath(name).name == name
        and "\0" not in name
    )
    if not plain:
        raise SnapshotMismatch(
            f"{shown(manifest_path)}: file name {yamlio.shorten(name)} points outside the snapshot folder; a "
            "manifest may list only files beside it (a plain name such as 'fingertips_90366.csv.gz'). "
            "Fix the manifest or rebuild the snapshot with `hwb data demo` or `make data`."
        )
    return name


def read_manifest(folder: Path) -> dict[str, Any]:
    """The parsed ``manifest.yml`` of a snapshot folder (not yet checked against the files).

    Every ``files`` entry must be a mapping whose ``name`` is a plain file name: a name
    with a folder in it (``../outside/x.csv.gz``) or an absolute path is refused, so
    nothing outside the snapshot folder is ever read.
    """
    path = Path(folder) / MANIFEST_NAME
    if not path.is_file():
        raise SnapshotMismatch(
            f"{shown(path)}: no manifest. A snapshot folder needs manifest.yml beside its CSV files; "
            "rebuild it with `hwb data demo` (demonstration data) or `make data` (Fingertips)."
        )
    try:  # parsed once per text; callers get their own copy to change
        manifest = copy.deepcopy(_parse_manifest(yamlio.read_text(path)))
    except yaml.YAMLError as exc:
        raise SnapshotMismatch(
            f"{shown(path)}: not valid YAML ({yamlio.describe(exc)}). Rebuild the snapshot."
        ) from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise SnapshotMismatch(
            f"{shown(path)}: expected a mapping with a 'files' list (name, sha256, size, rows, ...). "
            "Rebuild the snapshot with `hwb data demo` or `make data`."
        )
    for entry in manifest["files"]:
        if not isinstance(entry, dict):
            raise SnapshotMismatch(
                f"{shown(path)}: each 'files' entry must be a mapping (name, sha256, size, rows, ...), "
                f"got {yamlio.shorten(entry)}. Rebuild the snapshot with `hwb data demo` or `make data`."
            )
        _check_name(path, entry.get("name"))
    return manifest


def write_manifest(folder: Path, manifest: dict[str, Any]) -> Path:
    """Write ``manifest.yml`` deterministically (key order kept, no timestamps added)."""
    path = Path(folder) / MANIFEST_NAME
    text = yamlio.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def fix_command(manifest: dict[str, Any], file_name: str, folder: Path | None = None) -> str:
    """What a person runs to get a good copy of ``file_name`` in ``folder`` back.

    ``git checkout`` is suggested only for a snapshot inside this repository, with the
    file's real path; a snapshot elsewhere is restored from wherever it came from or
    rebuilt in place (``--out``). The rebuilding command is the manifest's own
    ``source.command`` when it names one, else ``hwb data demo`` (synthetic) or ``make data``.
    """
    folder = Path(folder) if folder is not None else paths.SNAPSHOT
    command = (manifest.get("source") or {}).get("command")
    if not (isinstance(command, str) and command.startswith(("hwb ", "make "))):
        command = "hwb data demo" if is_synthetic(manifest) else "make data"
    where = shown(folder)
    if Path(where).is_absolute():  # outside the repository: git cannot restore it
        if command.startswith("hwb data "):
            command = f"{command} --out {where}"
        return (
            f"restore {file_name} from wherever the snapshot in {where} came from, "
            f"or rebuild that snapshot with `{command}`"
        )
    return (
        f"restore it with `git checkout -- {where}/{file_name}` if it is committed, "
        f"or rebuild the snapshot with `{command}`"
    )


SCAN_CACHE = "snapshot-scan.json"  # under build/cache: rows and areas by content hash
# The most data rows a snapshot may hold (the shipped one has about 57,000; 300 synthetic
# areas about 200,000): a build over more would run for hours and need gigabytes. The
# environment variable raises (or lowers) it.
MAX_SNAPSHOT_ROWS = 500_000
MAX_ROWS_ENV = "HWB_MAX_SNAPSHOT_ROWS"
PROGRESS_EVERY = 100_000  # rows between "still reading" lines for a file that takes a while
PROGRESS_AFTER = 2.0  # seconds before the first of them


def max_rows() -> int:
    """:data:`MAX_SNAPSHOT_ROWS`, or the number ``HWB_MAX_SNAPSHOT_ROWS`` gives."""
    given = os.environ.get(MAX_ROWS_ENV, "").strip().replace("_", "").replace(",", "")
    if not given:
        return MAX_SNAPSHOT_ROWS
    if not given.isdigit() or int(given) < 1:
        raise HwbError(
            f"{MAX_ROWS_ENV}={shorten(given)}: expected a whole number of rows, e.g. 1000000"
        )
    return int(given)


def _too_many_rows(path: Path | str, rows: int, limit: int) -> HwbError:
    return HwbError(
        f"{shown(path)}: more than {limit:,} data rows ({rows:,} read); a snapshot may hold "
        f"at most {limit:,} (the shipped one has about 57,000), or a build would run for hours "
        "and need gigabytes of memory. Give an extract of only the areas and indicators you "
        f"need, or raise the limit: {MAX_ROWS_ENV}=<rows>"
    )


@lru_cache(maxsize=4)
def _scan_cache(name: str = SCAN_CACHE) -> dict[str, Any]:
    """What ``build/cache/<name>`` remembers about files, by content hash (empty if nothing)."""
    try:
        return json.loads((paths.BUILD / "cache" / name).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _save_scan_cache(entries: dict[str, Any], name: str = SCAN_CACHE) -> None:
    folder = paths.BUILD / "cache"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(entries, handle)
        os.replace(temporary, folder / name)
    except OSError:  # a read-only checkout just scans again next time
        pass


def remembered(name: str) -> dict[str, Any]:
    """``build/cache/<name>``: facts about snapshot files keyed by their sha256 (this process's
    copy: change it, then :func:`remember`)."""
    return _scan_cache(name)


def remember(name: str, entries: dict[str, Any]) -> None:
    """Write ``entries`` (from :func:`remembered`) back to ``build/cache/<name>``."""
    _save_scan_cache(entries, name)


@lru_cache(maxsize=1024)
def _scan(path: str, sha256: str) -> tuple[int, frozenset[str] | None]:
    """(data rows, area codes) of one CSV file whose bytes have this sha256.

    Keyed by the content hash (checked by the caller), so it is read once a process and
    remembered in ``build/cache`` between builds: a no-op build hashes the files but does
    not parse them again.
    """
    limit = max_rows()
    known = _scan_cache().get(sha256)
    if isinstance(known, dict) and isinstance(known.get("rows"), int):
        if known["rows"] > limit:
            raise _too_many_rows(path, known["rows"], limit)
        areas = known.get("areas")
        return known["rows"], (frozenset(areas) if isinstance(areas, list) else None)
    opener = gzip.open if path.lower().endswith(".gz") else open
    started = time.monotonic()
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [h.strip() for h in next(reader, [])]
            column = header.index("Area Code") if "Area Code" in header else None
            rows, codes = 0, set()
            for record in reader:
                rows += 1
                if column is not None and column < len(record):
                    codes.add(record[column].strip())
                if rows % PROGRESS_EVERY == 0:
                    if rows > limit:
                        raise _too_many_rows(path, rows, limit)
                    if time.monotonic() - started > PROGRESS_AFTER:
                        print(f"reading {shown(path)}: {rows:,} rows so far…", file=sys.stderr)
            if rows > limit:
                raise _too_many_rows(path, rows, limit)
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
        raise SnapshotMismatch(
            f"{shown(path)}: cannot be read as a CSV file ({exc}); rebuild the snapshot."
        ) from None
    found = frozenset(codes) if column is not None else None
    cache = _scan_cache()
    cache[sha256] = {"rows": rows, "areas": sorted(found) if found is not None else None}
    _save_scan_cache(cache)
    return rows, found


def count_rows(path: Path) -> int:
    """Data rows (CSV records after the header; quoted newlines allowed) in one file."""
    return _scan(str(path), sha256_of(path))[0]


def area_codes(source: Path) -> frozenset[str]:
    """Every area code with at least one row in a snapshot folder (verified) or a bare CSV."""
    source = Path(source)
    if source.is_dir():
        manifest = verify_snapshot(source)
        scans = [_scan(str(source / e["name"]), e["sha256"]) for e in manifest["files"]]
    else:
        scans = [_scan(str(source), sha256_of(source))]
    total, limit = sum(rows for rows, _ in scans), max_rows()
    if total > limit:
        raise _too_many_rows(source, total, limit)
    return frozenset().union(*(codes or () for _, codes in scans))


def verify_snapshot(folder: Path, names: Iterable[str] | None = None) -> dict[str, Any]:
    """Check the manifest's files exist with the recorded size, sha256 and rows.

    ``names`` limits the (costly) hash check to those files, e.g. the ones a page
    reads; every listed name must still be in the manifest and every data file in the
    folder must still be listed. Returns the manifest. Raises :class:`SnapshotMismatch`
    naming the first file that is missing, changed or not listed, and the command that
    fixes it.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    listed = {entry["name"] for entry in manifest["files"]}
    wanted = None if names is None else set(names)
    for entry in manifest["files"]:
        name = entry["name"]
        if wanted is not None and name not in wanted:
            continue
        path = folder / name
        fix = fix_command(manifest, name, folder)
        if not path.is_file():
            raise SnapshotMismatch(f"{shown(path)}: listed in {MANIFEST_NAME} but missing; {fix}.")
        size = path.stat().st_size
        if entry.get("size") is not None and int(entry["size"]) != size:
            raise SnapshotMismatch(
                f"{shown(path)}: size {size:,} bytes, but {MANIFEST_NAME} records {int(entry['size']):,}; "
                f"the file changed since the snapshot was made — {fix}."
            )
        actual = sha256_of(path)
        if actual != entry.get("sha256"):
            raise SnapshotMismatch(
                f"{shown(path)}: sha256 {actual[:16]}… does not match {MANIFEST_NAME} "
                f"({str(entry.get('sha256'))[:16]}…); the file changed since the snapshot was made — "
                f"{fix}."
            )
        if entry.get("rows") is not None:
            rows = _scan(str(path), actual)[0]
            if rows != int(entry["rows"]):
                raise SnapshotMismatch(
                    f"{shown(path)}: {rows:,} data rows, but {MANIFEST_NAME} records "
                    f"{int(entry['rows']):,}; the manifest does not describe this file — {fix}."
                )
    unknown = sorted((wanted or set()) - listed)
    if unknown:
        raise SnapshotMismatch(
            f"{shown(folder / MANIFEST_NAME)}: does not list {', '.join(unknown)}; rebuild the snapshot "
            "with `hwb data demo` or `make data`."
        )
    extra = sorted(p.name for p in folder.iterdir() if is_data_file(p) and p.name not in listed)
    if extra:
        raise SnapshotMismatch(
            f"{shown(folder)}: data file(s) {', '.join(extra)} are not listed in {MANIFEST_NAME}, so "
            "their provenance is unknown; remove them, or rebuild the snapshot with `hwb data demo` "
            "or `make data`."
        )
    return manifest


def describe_bare_csv(path: Path) -> dict[str, Any]:
    """A minimal manifest for a single CSV given on its own (no provenance beyond its hash)."""
    path = Path(path)
    return {
        "schema_version": 1,
        "synthetic": False,
        "title": f"Fingertips-layout file {path.name}",
        "source": {"name": "user-supplied file", "path": str(path)},
        "date_fetched": None,
        "licence": None,
        "attribution": None,
        "files": [{"name": path.name, "sha256": sha256_of(path), "size": path.stat().st_size}],
    }


def is_synthetic(manifest: dict[str, Any]) -> bool:
    """True when the snapshot is demonstration data, not official statistics."""
    return bool(manifest.get("synthetic", False))


def banner_text(manifest: dict[str, Any]) -> str | None:
    """The banner every page fed by a synthetic snapshot must show; None for real data."""
    if not is_synthetic(manifest):
        return None
    return str(manifest.get("banner") or BANNER)


def provenance_text(manifest: dict[str, Any]) -> str:
    """One plain-English sentence on where the data came from, for page footers."""
    source = manifest.get("source") or {}
    parts = [str(manifest.get("title") or source.get("name") or "Data snapshot")]
    if manifest.get("date_fetched"):
        parts.append(f"fetched {manifest['date_fetched']}")
    if manifest.get("licence"):
        parts.append(f"licence: {manifest['licence']}")
    text = "; ".join(parts) + "."
    if manifest.get("attribution"):
        text += f" {manifest['attribution']}"
    return text


def snapshot_sha256(manifest: dict[str, Any]) -> str:
    """One hash for a whole snapshot: sha256 over its files' names and sha256s, sorted by name."""
    lines = sorted(f"{entry['name']} {entry['sha256']}\n" for entry in manifest.get("files", []))
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def release_text(manifest: dict[str, Any]) -> str:
    """A data release in a phrase: the snapshot's title, fetch date (if recorded) and hash."""
    title = str(
        manifest.get("title") or (manifest.get("source") or {}).get("name") or "data snapshot"
    )
    fetched = manifest.get("date_fetched")
    when = f", fetched {fetched}" if fetched else ""
    return f"{title}{when} (snapshot {snapshot_sha256(manifest)[:12]})"


def source_copies(manifest: dict[str, Any]) -> str:
    """The repositories (and commits) a snapshot was assembled from, in one line; "" if none recorded."""
    repos: dict[str, str] = {}
    for entry in (manifest.get("source") or {}).get("inputs") or []:
        repos.setdefault(str(entry.get("repository")), str(entry.get("commit", ""))[:12])
    return "; ".join(f"{r} @ {c}" for r, c in repos.items())


def describe_file(path: Path, frame) -> dict[str, Any]:
    """A manifest ``files`` entry: name, sha256, size, rows, indicators, areas and periods.

    ``frame`` is the file's content, either in the Fingertips layout or as a tidy frame;
    ``rows`` counts the file's own data rows (what :func:`verify_snapshot` checks), not the
    frame's, which may have had rows dropped by validation.
    """
    path = Path(path)
    names = {"indicator_id": "Indicator ID", "area_code": "Area Code", "period": "Time period"}
    if "indicator_id" in frame.columns:
        names = {k: k for k in names}
    periods = sorted({str(p) for p in frame[names["period"]]})
    return {
        "name": path.name,
        "sha256": sha256_of(path),
        "size": path.stat().st_size,
        "rows": count_rows(path),
        "indicators": sorted(int(i) for i in set(frame[names["indicator_id"]])),
        "areas": int(frame[names["area_code"]].nunique()),
        "periods": {
            "count": len(periods),
            "earliest": periods[0] if periods else None,
            "latest": periods[-1] if periods else None,
        },
    }


@contextmanager
def staging_folder(target: Path) -> Iterator[Path]:
    """A fresh folder beside ``target`` to build a new snapshot in, removed on the way out.

    Write, validate, then :func:`replace_folder` it into place inside the ``with`` block;
    whatever fails before that leaves ``target`` untouched and no half-written folder behind.
    What a killed writer left beside ``target`` is swept first (:func:`sweep_staging`).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_staging(target)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_NEW}{os.getpid()}-", dir=target.parent))
    staging.chmod(0o755)
    try:
        yield staging
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


STAGING_NEW, STAGING_OLD = ".snapshot-new-", ".snapshot-old-"  # then the writer's pid, "-"
STALE_STAGING_SECONDS = 600  # a staging folder named without a pid, untouched this long


def _stale(path: Path, prefix: str) -> bool:
    """Whether the writer of a staging folder is gone: its process id (in the name) is not
    running, or, for a folder named without one, it has not changed for ten minutes."""
    pid, dash, _ = path.name[len(prefix) :].partition("-")
    if dash and pid.isdigit():
        return not alive(int(pid))
    try:
        return time.time() - path.stat().st_mtime > STALE_STAGING_SECONDS
    except FileNotFoundError:
        return False


def sweep_staging(target: Path) -> list[Path]:
    """Remove the staging folders (``.snapshot-new-*``, ``.snapshot-old-*``) that killed
    writers left beside ``target``; a live writer's are kept. A moved-aside old snapshot is
    kept too while ``target`` is missing (a writer killed between its two renames): it is
    the only copy. Returns what was removed."""
    target = Path(target)
    removed = []
    folder = target.parent
    for path in sorted(folder.glob(".snapshot-*")) if folder.is_dir() else []:
        prefix = next((p for p in (STAGING_NEW, STAGING_OLD) if path.name.startswith(p)), None)
        if prefix is None or not path.is_dir() or not _stale(path, prefix):
            continue
        if prefix == STAGING_OLD and not target.exists():
            log.warning(
                "%s is missing and %s may hold its last copy: kept (rename it back)",
                shown(target),
                shown(path),
            )
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def replace_folder(new: Path, target: Path) -> None:
    """Swap folder ``new`` into place as ``target``; on failure ``target`` is left as it was.

    Two renames on the same filesystem: the old folder is moved aside, the new one moved
    in, and only then is the old one deleted (restored if the second rename fails).
    """
    new, target = Path(new), Path(target)
    if not target.exists():
        new.rename(target)
        return
    aside = Path(tempfile.mkdtemp(prefix=f"{STAGING_OLD}{os.getpid()}-", dir=target.parent))
    aside.rmdir()
    target.rename(aside)
    try:
        new.rename(target)
    except OSError:
        aside.rename(target)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def resolve_source(source: Path | str | None) -> Path:
    """``source`` (default: the shipped snapshot) as a path: a snapshot folder or a
    Fingertips-layout CSV; a clear error for anything else."""
    path = Path(source) if source is not None else paths.SNAPSHOT
    if not path.exists():
        raise DataInvalid(
            f"{path}: no such snapshot folder or CSV file. Give a folder with manifest.yml or a "
            "Fingertips-layout .csv/.csv.gz file; `hwb data demo` rebuilds the demonstration snapshot."
        )
    if path.is_file() and not path.name.lower().endswith(DATA_SUFFIXES):
        raise DataInvalid(
            f"{path}: expected a .csv or .csv.gz file in the Fingertips download layout."
        )
    return path


def fingertips_entries(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The manifest's files in the Fingertips layout, which :func:`hwb.data.load.load_snapshot`
    reads: those without a ``kind``. Tables of a kind (small_area, projection,
    similar_areas) have their own loaders (hwb.data.small_areas, projections, similar_areas)."""
    return [e for e in manifest["files"] if not e.get("kind")]
