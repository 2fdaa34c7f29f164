"""``data/sources.yml`` and the source files it names: read, checked, located.

:func:`load_sources` parses and checks the file; :func:`checked_inputs` and
:func:`section_inputs` find every source file a part of it uses, present with the sha256 it
records (the manifest's ``inputs``); :func:`read_csv` and :func:`read_rda` read them.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

from hwb import paths, yamlio
from hwb.data import snapshot
from hwb.errors import DataInvalid

SOURCES_FILE = paths.DATA / "sources.yml"

Row = dict[str, str]


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


def checked_inputs(root: Path, spec: dict[str, Any]) -> list[dict[str, Any]]:
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
        inputs.append(checked_input(root, spec["sources"], source_key, file_key)[1])
    return inputs


def checked_input(
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


def read_csv(path: Path) -> list[Row]:
    """A source CSV file's rows, cells and headers stripped (a byte-order mark is dropped)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]


def read_rda(path: Path):
    """The (first) data frame of an R data file (pyreadr)."""
    try:
        import pyreadr
    except ImportError as exc:  # only the assembly reads R data; packs never do
        raise DataInvalid(
            f"{path}: reading R data needs pyreadr (pinned in requirements.lock); run `make venv`."
        ) from exc
    frames = pyreadr.read_r(str(path))
    return next(iter(frames.values()))


def sources_section(spec: dict[str, Any], key: str) -> dict[str, Any]:
    """A section of sources.yml with its own ``sources`` and ``files`` (small_areas, tables)."""
    section = spec.get(key)
    if not isinstance(section, dict) or not all(k in section for k in ("sources", "files")):
        raise DataInvalid(f"{SOURCES_FILE}: expected a '{key}' mapping with 'sources' and 'files'.")
    return section


def section_inputs(
    root: Path, section: dict[str, Any], label: str
) -> tuple[list[dict[str, Any]], dict[str, Path]]:
    """Every source file a section (``small_areas``, ``tables``) names, present with its
    recorded sha256; and where each one is, by ``source.file``."""
    inputs, where = [], {}
    for source_key, source in sorted(section["sources"].items()):
        for file_key in sorted(source["files"]):
            where_label = f"{label}.sources.{source_key}.{file_key}"
            path, record = checked_input(
                root, section["sources"], source_key, file_key, where_label
            )
            where[f"{source_key}.{file_key}"] = path
            inputs.append(record)
    return inputs, where
