"""Snapshot provenance: the manifest beside the data, its hashes, and the banner.

A snapshot is a folder of Fingertips-layout CSV files (``.csv`` or ``.csv.gz``; one file
per indicator, named by :func:`indicator_file_name`, in both the live and the demonstration
snapshot) plus a ``manifest.yml`` saying where they came from (source, date fetched, licence and
attribution) and, per file, sha256, size, rows, indicators, areas and periods, and
whether the data are synthetic. The loader refuses a file whose bytes moved, naming the
file and the command that fixes it (the habit of Our World in Data's snapshots).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from hwb import yamlio
from hwb.errors import SnapshotMismatch

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


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_data_file(path: Path) -> bool:
    """True for a snapshot data file (``.csv`` or ``.csv.gz``)."""
    return path.is_file() and path.name.lower().endswith(DATA_SUFFIXES)


def read_manifest(folder: Path) -> dict[str, Any]:
    """The parsed ``manifest.yml`` of a snapshot folder (not yet checked against the files)."""
    path = Path(folder) / MANIFEST_NAME
    if not path.is_file():
        raise SnapshotMismatch(
            f"{path}: no manifest. A snapshot folder needs manifest.yml beside its CSV files; "
            "rebuild it with `hwb data demo` (demonstration data) or `make data` (Fingertips)."
        )
    try:
        manifest = yamlio.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SnapshotMismatch(f"{path}: not valid YAML ({exc}). Rebuild the snapshot.") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise SnapshotMismatch(
            f"{path}: expected a mapping with a 'files' list (name, sha256, size, rows, ...). "
            "Rebuild the snapshot with `hwb data demo` or `make data`."
        )
    return manifest


def write_manifest(folder: Path, manifest: dict[str, Any]) -> Path:
    """Write ``manifest.yml`` deterministically (key order kept, no timestamps added)."""
    path = Path(folder) / MANIFEST_NAME
    text = yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def fix_command(manifest: dict[str, Any], file_name: str) -> str:
    """What a person runs to get a good copy of ``file_name`` back."""
    rebuild = "`hwb data demo`" if is_synthetic(manifest) else "`make data`"
    return (
        f"restore it with `git checkout -- data/snapshot/{file_name}` if it is the committed "
        f"snapshot, or rebuild the snapshot with {rebuild}"
    )


def verify_snapshot(folder: Path, names: Iterable[str] | None = None) -> dict[str, Any]:
    """Check the manifest's files exist with the recorded size and sha256.

    ``names`` limits the (costly) hash check to those files, e.g. the ones a page
    reads; every listed name must still be in the manifest and every data file in the
    folder must still be listed. Returns the manifest. Raises :class:`SnapshotMismatch`
    naming the first file that is missing, changed or not listed, and the command that
    fixes it.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    listed = set()
    for entry in manifest["files"]:
        name = entry.get("name")
        if not name:
            raise SnapshotMismatch(f"{folder / MANIFEST_NAME}: a 'files' entry has no name.")
        listed.add(name)
    wanted = None if names is None else set(names)
    for entry in manifest["files"]:
        name = entry["name"]
        if wanted is not None and name not in wanted:
            continue
        path = folder / name
        if not path.is_file():
            raise SnapshotMismatch(
                f"{path}: listed in {MANIFEST_NAME} but missing; {fix_command(manifest, name)}."
            )
        size = path.stat().st_size
        if entry.get("size") is not None and int(entry["size"]) != size:
            raise SnapshotMismatch(
                f"{path}: size {size:,} bytes, but {MANIFEST_NAME} records {int(entry['size']):,}; "
                f"the file changed since the snapshot was made — {fix_command(manifest, name)}."
            )
        actual = sha256_of(path)
        if actual != entry.get("sha256"):
            raise SnapshotMismatch(
                f"{path}: sha256 {actual[:16]}… does not match {MANIFEST_NAME} "
                f"({str(entry.get('sha256'))[:16]}…); the file changed since the snapshot was made — "
                f"{fix_command(manifest, name)}."
            )
    unknown = sorted((wanted or set()) - listed)
    if unknown:
        raise SnapshotMismatch(
            f"{folder / MANIFEST_NAME}: does not list {', '.join(unknown)}; rebuild the snapshot with "
            "`hwb data demo` or `make data`."
        )
    extra = sorted(p.name for p in folder.iterdir() if is_data_file(p) and p.name not in listed)
    if extra:
        raise SnapshotMismatch(
            f"{folder}: data file(s) {', '.join(extra)} are not listed in {MANIFEST_NAME}, so their "
            "provenance is unknown; remove them, or rebuild the snapshot with `hwb data demo` or `make data`."
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


def describe_file(path: Path, frame) -> dict[str, Any]:
    """A manifest ``files`` entry: name, sha256, size, rows, indicators, areas and periods.

    ``frame`` is the file's content, either in the Fingertips layout or as a tidy frame.
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
        "rows": len(frame),
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
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".snapshot-new-", dir=target.parent))
    staging.chmod(0o755)
    try:
        yield staging
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def replace_folder(new: Path, target: Path) -> None:
    """Swap folder ``new`` into place as ``target``; on failure ``target`` is left as it was.

    Two renames on the same filesystem: the old folder is moved aside, the new one moved
    in, and only then is the old one deleted (restored if the second rename fails).
    """
    new, target = Path(new), Path(target)
    if not target.exists():
        new.rename(target)
        return
    aside = Path(tempfile.mkdtemp(prefix=".snapshot-old-", dir=target.parent))
    aside.rmdir()
    target.rename(aside)
    try:
        new.rename(target)
    except OSError:
        aside.rename(target)
        raise
    shutil.rmtree(aside, ignore_errors=True)
