"""Rows rejected at load, per snapshot file, for the build's terminal report.

Kept apart from :mod:`hwb.data.load` so that a build whose files were all validated before
(remembered by each file's SHA-256 in ``build/cache``) reports without importing pandas:
a no-op build stays well under a second.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hwb.data import snapshot
from hwb.data.snapshot import resolve_source as _resolve
from hwb.errors import HwbError

REJECTED_CACHE = "rejected-rows.json"  # under build/cache: rows rejected at load, by file hash
REJECTED_SHOWN = 3  # reasons listed per file in a build's report


def rejected_rows(source: Path | str | None = None) -> list[dict[str, Any]]:
    """The files of ``source`` (a snapshot folder or a CSV) with rows rejected at load
    (quarantined): per file its path as shown, how many rows and the first reasons
    (:func:`hwb.data.load.describe_quarantined`). What a build reports in the terminal.

    Remembered by each file's sha256 in ``build/cache``, so a file is validated for this
    once, not on every build. A file that cannot be read at all is left to the pages, which
    stop on it.
    """
    path = _resolve(source)
    if path.is_dir():
        entries = snapshot.fingertips_entries(snapshot.read_manifest(path))
        files = [(path / e["name"], e.get("sha256", "")) for e in entries]
    else:
        files = [(path, snapshot.sha256_of(path))]
    known = snapshot.remembered(REJECTED_CACHE)
    report, changed = [], False
    for file, digest in files:
        if digest not in known:
            from hwb.data import load  # pandas: only for a file not validated before

            try:
                held = load.rejected_in_file(file, digest)
            except (HwbError, OSError):
                continue
            known[digest] = {
                "count": len(held),
                "first": [load.describe_quarantined(f) for f in held[:REJECTED_SHOWN]],
            }
            changed = True
        if known[digest]["count"]:
            report.append({"file": snapshot.shown(file), **known[digest]})
    if changed:
        snapshot.remember(REJECTED_CACHE, known)
    return report
