"""The model step: everything one partnership's pages show, worked out once, as files.

:func:`build` takes a partnership (its validated parameters, :class:`hwb.partnerships.Grouping`)
and the snapshot, and computes its :class:`Model`: tidy tables of

* ``headline``: the pack's area's headline table (:mod:`hwb.model.headline`; for a
  two-district partnership, the combined area's, :mod:`hwb.model.combined`);
* ``members``: for a two-district partnership, each member district's headline table
  (the ``area`` column names the district; empty for one district);
* ``series``: the snapshot's rows (no category breakdown) of those areas, the county and
  England, every period: what the trend, SPC, pyramid and projection charts draw, with where
  each series' latest break starts (``break_sortable``), so no chart draws a line across it;
* ``priorities`` and ``sensitivity``: the long-list with its score components and whether
  its top changes under other weights (:mod:`hwb.model.priorities`);
* ``projections``: each judged indicator carried to the horizons (:mod:`hwb.model.projections`),
  for parameters that have horizons;
* ``numbers``: the long table a user downloads (:mod:`hwb.model.numbers`).

:func:`write` puts them as CSV (:mod:`hwb.model.tables`) in ``build/model/<partnership>/``
with ``manifest.json``: the *inputs* the model was computed from (the snapshot's verified
manifest, which holds every data file's SHA-256; the catalogue file; the parameters; the
``hwb`` source; the lock file), each table's schema and SHA-256. :func:`load` returns the
files' model when its inputs are this run's, else builds it (and writes it). Either way
the tables a page receives went through the CSV files' precision, so a page is the same
bytes whether its model was read or computed. The render step builds every model a build
needs before its pages execute (:func:`hwb.render.pipeline.execute_stale`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from hwb import paths
from hwb.data.catalogue import (
    declared_breaks,
    load_catalogue,
    place_plan_outcomes,
    priority_groups,
    role_id,
)
from hwb.data.load import load_manifest, load_snapshot
from hwb.data.periods import with_period_end
from hwb.data.population import population_for_ages
from hwb.model import tables as t
from hwb.model.combined import combined_frame, explain_gaps
from hwb.model.comparators import comparator_tables
from hwb.model.headline import (
    current,
    headline_table,
    indicator_series,
    split_by_indicator,
    with_county,
    with_fitness,
)
from hwb.model.numbers import numbers_table
from hwb.model.priorities import Area as Candidates
from hwb.model.priorities import rank_priorities, sensitivity
from hwb.model.projections import projections
from hwb.partnerships import Grouping
from hwb.stats.findings import judged_lists
from hwb.stats.fitness import break_start, combined_fitness, series_fitness

log = logging.getLogger("hwb.model")

MANIFEST = "manifest.json"
#: the model's tables, in the order they are written
TABLES = (
    "headline",
    "members",
    "series",
    "lists",
    "priorities",
    "sensitivity",
    "projections",
    "numbers",
    "similar",  # these three: hwb.model.comparators
    "similar_group",
    "ageing",
)
#: tables written exact (:mod:`hwb.model.tables`) rather than to 8 significant digits: none.
#: Every number reaches a sentence or a chart through :func:`hwb.text.format.stable` (eight
#: significant digits), so eight in the files change nothing a page shows, and the files do
#: not depend on the last bits of another machine's arithmetic.
EXACT: frozenset[str] = frozenset()
#: the version of the model's layout: a model written under another is built again
LAYOUT = 2


@dataclass(frozen=True)
class Area:
    """One area of a model: the pack's (``role`` "pack") or a member district's ("member")."""

    slug: str
    name: str
    code: str
    role: str


@dataclass
class Model:
    """One partnership's tables (see the module docstring) and what they were computed from."""

    slug: str
    inputs: dict[str, Any]
    areas: list[Area]
    tables: Mapping[str, pd.DataFrame]
    #: the loader's notes on the snapshot: rows left out (``dropped_rows``) and rows that
    #: failed validation (``quarantined``)
    notes: dict[str, Any] = field(default_factory=dict)
    #: each table's CSV bytes and schema, as written (or read)
    files: dict[str, tuple[bytes, list]] = field(default_factory=dict, repr=False)
    #: each table's number of rows
    rows: dict[str, int] = field(default_factory=dict, repr=False)

    def headline(self, area: str) -> pd.DataFrame:
        """The headline table of one area of the model (its slug), rows in catalogue order."""
        if area == self.areas[0].slug:
            return self.tables["headline"]
        rows = self.tables["members"]
        return rows[rows["area"] == area].drop(columns="area").reset_index(drop=True)

    def lists(self, area: str) -> pd.DataFrame:
        """The judged lists of one area of the model (its slug; :func:`hwb.stats.findings.judged_lists`):
        what key messages, spine captions, the summary and the overview count."""
        rows = self.tables["lists"]
        return rows[rows["area"] == area].drop(columns="area").reset_index(drop=True)

    @property
    def pack_area(self) -> Area:
        return self.areas[0]

    @property
    def members(self) -> list[Area]:
        return [a for a in self.areas if a.role == "member"] or [self.areas[0]]

    def __repr__(self) -> str:
        return f"Model({self.slug!r}, {', '.join(sorted(self.tables))})"


# --------------------------------------------------------------------------- inputs
def _read_source_digest() -> str:
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for file in sorted(package.rglob("*.py")):
        digest.update(file.relative_to(package).as_posix().encode("utf-8") + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


# Read when this module is imported, with the code this process runs.
_SOURCE_DIGEST = _read_source_digest()


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        return ""


def _parameters(grouping: Grouping) -> dict[str, Any]:
    return {"model": type(grouping).__name__, **grouping.model_dump(mode="json")}


def inputs_of(grouping: Grouping, manifest: Mapping[str, Any]) -> dict[str, Any]:
    """What a model depends on: the snapshot's verified manifest (every data file's SHA-256),
    the catalogue file, the parameters, the ``hwb`` source and the lock file. Anything else
    is fixed for a checkout."""
    return {
        "layout": LAYOUT,
        "snapshot": inputs_of_snapshot(manifest),
        "catalogue": _file_digest(paths.CATALOGUE),
        "source": _SOURCE_DIGEST,
        "lock": _file_digest(paths.LOCK),
        "parameters": _parameters(grouping),
    }


def serves(recorded: Mapping[str, Any], wanted: Mapping[str, Any], grouping: Grouping) -> bool:
    """Whether a model computed from ``recorded`` inputs is the one ``wanted`` asks for.

    Every input but the parameters must be equal. The parameters must be equal as
    ``grouping``'s type reads them: the overview's :class:`~hwb.partnerships.OverviewPartnership`
    reads only some of each district's settings, and a partnership's own model, computed
    from all of them, serves it when those agree.
    """
    if {k: v for k, v in recorded.items() if k != "parameters"} != {
        k: v for k, v in wanted.items() if k != "parameters"
    }:
        return False
    given = dict(recorded.get("parameters") or {})
    if given.pop("model", None) == type(grouping).__name__:
        return given == grouping.model_dump(mode="json")
    fields = type(grouping.districts[0]).model_fields
    try:
        projected = type(grouping).model_validate(
            {
                "slug": given.get("slug"),
                "name": given.get("name"),
                "districts": [
                    {k: v for k, v in d.items() if k in fields} for d in given.get("districts", [])
                ],
            }
        )
    except ValueError:
        return False
    return projected == grouping


# --------------------------------------------------------------------------- building
def resolve_snapshot(snapshot: str | Path | None) -> Path:
    """A snapshot folder or CSV: relative to the repo root, or absolute (default: data/snapshot)."""
    if snapshot is None:
        return paths.SNAPSHOT
    path = Path(snapshot)
    # normpath, not resolve: "repo/../snaps" reads as "snaps" in messages, symlinks stay as given
    return Path(os.path.normpath(path if path.is_absolute() else paths.ROOT / path))


_REMEMBERED: list[Path] = []  # [the folder models are kept in], when on


def remember_models(folder: Path | None) -> None:
    """Keep every model :func:`build` computes as files in ``folder`` (one sub-folder per
    key of its inputs, :func:`inputs_of`, and snapshot folder) and read it back, parsed
    afresh, when the same inputs are asked for again, by this process or another.

    For processes that ask for the same models many times: the test suite's workers
    (``tests/conftest.py``). A build keeps its models in ``build/model/`` instead
    (:func:`load`). ``None`` turns it off.
    """
    _REMEMBERED[:] = [] if folder is None else [Path(folder)]


@contextmanager
def computed_afresh() -> Iterator[None]:
    """Within it, :func:`build` computes every model afresh and keeps none (a test of the
    computation itself: determinism, or an input changed behind the manifest)."""
    kept = list(_REMEMBERED)
    _REMEMBERED.clear()
    try:
        yield
    finally:
        _REMEMBERED[:] = kept


def build(
    grouping: Grouping, snapshot: str | Path | None = None, manifest: Mapping | None = None
) -> Model:
    """Compute ``grouping``'s model from ``snapshot`` (see the module docstring)."""
    source = resolve_snapshot(snapshot)
    manifest = load_manifest(source) if manifest is None else manifest
    if not _REMEMBERED:
        return _compute(grouping, source, manifest)
    wanted = inputs_of(grouping, manifest)
    key = json.dumps([str(source), wanted], sort_keys=True, default=str)  # wanted: parameters too
    folder = _REMEMBERED[0] / hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
    return _read_or_keep(folder, wanted, grouping, lambda: _compute(grouping, source, manifest))


def _compute(grouping: Grouping, source: Path, manifest: Mapping) -> Model:
    """:func:`build`'s work: every table of ``grouping``'s model, through the CSV files."""
    frame = _snapshot_frame(source, manifest)
    catalogue = load_catalogue()
    members = list(grouping.districts)
    area = grouping.area

    fitness = _fitness(frame, catalogue)

    def headline_of(rows: pd.DataFrame, code: str) -> pd.DataFrame:
        table = headline_table(rows, catalogue, code, area.parent_code, area.england_code, manifest)
        return with_county(table, frame, catalogue, area.parent_code)

    member_tables = [
        with_fitness(headline_of(frame, m.ons_code), fitness, m.ons_code) for m in members
    ]
    if len(members) == 1:
        pack_frame, pack_table = frame, member_tables[0]
        pack_fitness = fitness
        areas = [Area(area.slug, area.name, area.ons_code, "pack")]
    else:
        names = {m.ons_code: m.name for m in members}
        pack_frame = combined_frame(frame, catalogue, list(names), area.ons_code, area.name, names)
        pack_fitness = combined_fitness(fitness, list(names), area.ons_code)
        pack_table = explain_gaps(
            with_fitness(headline_of(pack_frame, area.ons_code), pack_fitness, area.ons_code),
            catalogue,
            member_tables,
            pack_frame.attrs.get("combine_reasons", {}),
        )
        areas = [Area(area.slug, area.name, area.ons_code, "pack")] + [
            Area(m.slug, m.name, m.ons_code, "member") for m in members
        ]
    member_rows = (
        pd.concat(
            [h.assign(area=m.slug) for h, m in zip(member_tables, members, strict=True)],
            ignore_index=True,
        )
        if len(members) > 1
        else pd.DataFrame()
    )
    codes = [area.ons_code, area.parent_code, area.england_code]
    series = pd.concat(
        [
            pack_frame[pack_frame["area_code"].isin(codes) & (pack_frame["category_type"] == "")],
            frame[
                frame["area_code"].isin([m.ons_code for m in members] if len(members) > 1 else [])
                & (frame["category_type"] == "")
            ],
        ],
        ignore_index=True,
    )
    series.attrs = {}
    # where each series' latest break starts: charts leave a gap there, never a line across it
    shown_fitness = (
        fitness if len(members) == 1 else pd.concat([fitness, pack_fitness], ignore_index=True)
    )
    series["break_sortable"] = break_start(series, shown_fitness).to_numpy()
    lists = [judged_lists(pack_table, pack_fitness, area.ons_code).assign(area=areas[0].slug)]
    if len(members) > 1:
        lists += [
            judged_lists(h, fitness, m.ons_code).assign(area=m.slug)
            for h, m in zip(member_tables, members, strict=True)
        ]
    tables = {
        "headline": pack_table,
        "members": member_rows,
        "series": series,
        "lists": pd.concat(lists, ignore_index=True),
    }
    tables.update(
        _priorities(
            area, pack_table, pack_frame, frame, catalogue, manifest, members, member_tables
        )
    )
    horizons = getattr(area, "horizons", None)
    if horizons:
        member_codes = [m.ons_code for m in members] if len(members) > 1 else []
        splits = [(split_by_indicator(pack_frame), [area.ons_code, area.england_code])]
        if member_codes:
            splits.append((split_by_indicator(frame), member_codes))

        def series_of(indicator_id: int, sex: str) -> pd.DataFrame:
            entry = catalogue.loc[int(indicator_id)]
            return pd.concat(
                [
                    indicator_series(
                        split.get(int(indicator_id), pack_frame.iloc[:0]),
                        int(indicator_id),
                        sex,
                        entry["age"],
                        codes,
                    )
                    for split, codes in splits
                ],
                ignore_index=True,
            )

        fitness = _fitness(frame, catalogue)
        if member_codes:
            fitness = pd.concat(
                [fitness, combined_fitness(fitness, member_codes, area.ons_code)],
                ignore_index=True,
            )
        tables["projections"] = projections(
            pack_table,
            series_of,
            catalogue,
            horizons,
            area.ons_code,
            area.england_code,
            fitness=fitness,
            districts=_districts(frame),
            complete=complete_indicators(manifest),
            members=[(m.ons_code, current(h)) for m, h in zip(members, member_tables, strict=True)]
            if member_codes
            else [],
        )
    tables.update(comparator_tables(source, frame, grouping, member_tables))
    tables["numbers"] = numbers_table(
        [pack_table, *(member_tables if len(members) > 1 else [])], series, areas, area
    )
    notes = {
        "dropped_rows": [str(n) for n in frame.attrs.get("dropped_rows", [])],
        "quarantined": [dict(f) for f in frame.attrs.get("quarantined", [])],
    }
    return _through_files(Model(grouping.slug, inputs_of(grouping, manifest), areas, tables, notes))


_LAST_FRAME: list = []  # [(folder, snapshot digest), frame]


def _snapshot_frame(source: Path, manifest: Mapping[str, Any]) -> pd.DataFrame:
    """The snapshot as loaded, the same frame for every model a process builds from the same
    snapshot (a worker of the model step builds many: its split by indicator is then made
    once, :func:`hwb.model.headline.split_by_indicator`). Models never modify it."""
    key = (str(source), inputs_of_snapshot(manifest))
    if not _LAST_FRAME or _LAST_FRAME[0] != key:
        _LAST_FRAME[:] = [key, load_snapshot(source)]
    return _LAST_FRAME[1]


def inputs_of_snapshot(manifest: Mapping[str, Any]) -> str:
    """The SHA-256 of a snapshot's verified manifest (which holds every data file's SHA-256)."""
    text = json.dumps(manifest, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fitness(frame: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Every series' fitness (:func:`hwb.stats.fitness.series_fitness`: estimates for a larger
    area, old series, breaks, surveys without limits), worked out once for each snapshot frame
    a process holds (:func:`_snapshot_frame` shares one between models; breaks are detected
    across a county's districts, so it needs the whole frame, not one partnership's)."""
    if not _LAST_FITNESS or _LAST_FITNESS[0] is not frame:
        dated = with_period_end(frame, catalogue["period_type"])
        _LAST_FITNESS[:] = [frame, series_fitness(dated, catalogue, declared_breaks())]
    return _LAST_FITNESS[1]


_LAST_FITNESS: list = []  # [frame, its fitness]


def _districts(frame: pd.DataFrame) -> pd.DataFrame:
    """Every district's rows (no category breakdown): what ranks and ranges are drawn from."""
    return frame[(frame["category_type"] == "") & frame["area_type"].str.startswith("Districts")]


def complete_indicators(manifest: Mapping[str, Any]) -> frozenset[int]:
    """Ids of the indicators whose data hold every English district (the manifest's
    ``coverage`` of their file): only these are ranked among English districts."""
    return frozenset(
        int(i)
        for entry in manifest.get("files", [])
        for i in entry.get("indicators") or []
        if str(entry.get("coverage", "")).startswith("all English districts")
    )


def _priorities(
    area, pack_table, pack_frame, frame, catalogue, manifest, members, member_tables
) -> dict:
    """The long-list and its sensitivity view (:mod:`hwb.model.priorities`), for the pack's
    area and (two districts) each member's own candidates."""
    fitness = _fitness(frame, catalogue)
    population_id = role_id("population")

    def area_of(name, code, table, rows, fit) -> Candidates:
        series = rows[(rows["area_code"] == code) & (rows["category_type"] == "")]
        population = population_for_ages(rows, population_id, code, catalogue["age"])
        return Candidates(name, code, current(table), fit, series, population)

    if len(members) > 1:
        pack_fitness = combined_fitness(fitness, [m.ons_code for m in members], area.ons_code)
        ranked_members = [
            area_of(m.name, m.ons_code, h, frame, fitness)
            for m, h in zip(members, member_tables, strict=True)
        ]
    else:
        pack_fitness, ranked_members = fitness, []
    context = {
        "peers": _districts(frame),
        "complete": complete_indicators(manifest),
        "groups": priority_groups(),
        "place_plan": place_plan_outcomes(),
    }
    weights = area.priority_weights
    recommend = area.recommended_priorities
    ranked = rank_priorities(
        area_of(area.name, area.ons_code, pack_table, pack_frame, pack_fitness),
        catalogue,
        weights,
        recommend,
        context=context,
        members=ranked_members,
    )
    return {
        "priorities": ranked,
        "sensitivity": sensitivity(ranked, weights, top=min(3, recommend)),
    }


def _through_files(model: Model) -> Model:
    """``model`` with each table as its CSV file holds it (the bytes kept for :func:`write`)."""
    for name, frame in model.tables.items():
        model.files[name] = t.table_bytes(frame, exact=name in EXACT)
        model.rows[name] = len(frame)
    model.tables = t.Tables(model.files)
    return model


# --------------------------------------------------------------------------- files
def folder_of(slug: str, root: Path | None = None) -> Path:
    """Where a partnership's model is written: ``build/model/<slug>/``."""
    return (Path(root) if root is not None else paths.MODELS) / slug


def write(model: Model, folder: Path) -> Path:
    """Write ``model``'s tables and manifest into ``folder`` (each file whole or not at all;
    the manifest last, so a reader never pairs it with another model's tables)."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = {}
    for name in TABLES:
        if name not in model.files:
            continue
        data, schema = model.files[name]
        _write_bytes(folder / f"{name}.csv", data)
        entries[name] = {
            "file": f"{name}.csv",
            "rows": model.rows[name],
            "sha256": hashlib.sha256(data).hexdigest(),
            "columns": schema,
        }
    manifest = {
        "slug": model.slug,
        "inputs": model.inputs,
        "areas": [a.__dict__ for a in model.areas],
        "notes": model.notes,
        "tables": entries,
    }
    text = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    _write_bytes(folder / MANIFEST, text.encode("utf-8"))
    return folder


def read(folder: Path, wanted: Mapping[str, Any], grouping: Grouping) -> Model | None:
    """The model in ``folder`` if it was computed from ``wanted`` inputs (:func:`serves`) and
    its files are whole; None otherwise (not there, other inputs, or changed under us)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not serves(manifest.get("inputs") or {}, wanted, grouping):
        return None
    model = Model(
        manifest["slug"],
        manifest["inputs"],
        [Area(**a) for a in manifest["areas"]],
        {},
        manifest.get("notes") or {},
    )
    for name, entry in manifest["tables"].items():
        try:
            data = (folder / entry["file"]).read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            return None  # another build is writing this folder: compute instead
        model.files[name] = (data, entry["columns"])
        model.rows[name] = int(entry["rows"])
    model.tables = t.Tables(model.files)
    return model


def load(
    grouping: Grouping,
    snapshot: str | Path | None = None,
    root: Path | None = None,
    compute: Callable[..., Model] = build,
) -> Model:
    """``grouping``'s model for ``snapshot``: read from ``build/model/<slug>/`` when its
    inputs are this run's, else computed (:func:`build`) and written there. A folder that
    cannot be written is only a missed saving: the model computed is returned either way."""
    source = resolve_snapshot(snapshot)
    manifest = load_manifest(source)
    wanted = inputs_of(grouping, manifest)
    folder = folder_of(grouping.slug, root)
    return _read_or_keep(folder, wanted, grouping, lambda: compute(grouping, source, manifest))


def _read_or_keep(
    folder: Path, wanted: Mapping[str, Any], grouping: Grouping, compute: Callable[[], Model]
) -> Model:
    """The model in ``folder`` if it serves ``wanted`` (:func:`read`), else ``compute()``'s,
    written there; a folder that cannot be written is only a missed saving."""
    found = read(folder, wanted, grouping)
    if found is not None:
        return found
    model = compute()
    try:
        write(model, folder)
    except OSError as exc:
        log.info("model %s not written to %s: %s", grouping.slug, folder, exc)
    return model


def _write_bytes(path: Path, data: bytes) -> None:
    """Write whole or not at all: two processes may write the same model at once."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # readable as any file the build writes (mkstemp makes it 0600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
