"""``hwb data assemble``: build the shipped snapshot from public copies of real data.

The snapshot that ships in ``data/snapshot/`` is real: OHID Fingertips values (and MHCLG's
Indices of Deprivation) as re-published in public repositories, copies of which sit in
``../shared/data/``. ``data/sources.yml`` names each source (repository, commit, path,
licence, sha256) and chooses one source per catalogue indicator, with the reason. This
package reads each chosen source, re-lays its rows out into the Fingertips download layout
(27 columns, :data:`hwb.data.schema.LAYOUT_27`), writes one gzip file per indicator,
validates the result with the one loader and swaps it into place, with a manifest that
records for every file where it came from and what was done to it.

The output is deterministic: the same sources give byte-identical files and manifest
(no dates, sorted rows, gzip without a timestamp). Building packs never reads the
sources; only this command does.

:func:`assemble_snapshot` runs the steps; each has its own module:

- :mod:`~hwb.data.assemble.sources`: ``sources.yml`` read and checked, every source file
  present with the sha256 it records;
- :mod:`~hwb.data.assemble.readers`: one reader per source layout (the ``indicators``);
- :mod:`~hwb.data.assemble.layout`: rows in the Fingertips download layout, sorted, as CSV;
- :mod:`~hwb.data.assemble.wards`: the small-area tables (``small_areas``: 2019 and
  current wards);
- :mod:`~hwb.data.assemble.tables`: population projections and similar areas (``tables``);
- :mod:`~hwb.data.assemble.manifest`: each file's provenance and the snapshot's manifest.
"""

from __future__ import annotations

from pathlib import Path

from hwb import paths
from hwb.data import snapshot
from hwb.data.assemble import layout, manifest, readers, sources, tables, wards
from hwb.data.assemble.sources import SOURCES_FILE, load_sources
from hwb.errors import DataInvalid

__all__ = ["SOURCES_FILE", "assemble_snapshot", "load_sources"]


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
    inputs = sources.checked_inputs(root, spec)
    small_inputs, small_where = wards.small_area_inputs(root, spec)
    table_inputs, table_where = tables.table_inputs(root, spec)
    reader = readers.Readers(root, spec, catalogue)
    entries = []
    with snapshot.staging_folder(target) as staging:
        for iid in sorted(spec["indicators"]):
            choice = spec["indicators"][iid]
            rows = list(reader.rows(int(iid), choice))
            if choice.get("also"):
                rows += readers.also_rows(
                    iid, choice["also"], reader.rows(int(iid), choice["also"]), rows
                )
            if not rows:
                raise DataInvalid(
                    f"{sources_file}: indicator {iid} has no rows in source "
                    f"{choice['source']!r} ({choice['file']}); check the choice."
                )
            name = snapshot.indicator_file_name(iid)
            (staging / name).write_bytes(
                snapshot.gzip_bytes(layout.csv_bytes(layout.sorted_rows(rows)))
            )
            frame = load_snapshot(staging / name)
            entry = snapshot.describe_file(staging / name, frame)
            entry.update(manifest.provenance(spec, choice, reader.notes.get(int(iid), [])))
            entries.append(entry)
        entries += wards.small_area_files(spec, small_where, staging)
        entries += wards.current_ward_files(root, spec, small_where, staging)
        entries += tables.table_files(spec, table_where, staging)
        every_input = inputs + small_inputs + table_inputs
        snapshot.write_manifest(
            staging, manifest.snapshot_manifest(spec, entries, every_input, catalogue)
        )
        load_snapshot(staging)  # the whole snapshot validates before it replaces anything
        snapshot.replace_folder(staging, target)
    return target
