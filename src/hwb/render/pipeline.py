"""Render a set of pages: validate every parameter first, decide what is stale, run it.

:func:`plan` validates and returns the jobs; :func:`run` consults the cache
(:mod:`hwb.render.cache`), re-renders markdown-only edits, executes the rest on the chosen
executor (:mod:`hwb.render.executors`), records each finished page in the cache index,
shows progress, and writes a run manifest (``build/run-manifest.json``) saying what ran,
why, how long it took and the versions and hashes involved.

Only one build runs at a time in a checkout (a lock under ``build/``); leftovers of an
interrupted build (scratch notebooks, temporary files) are removed at the start.
"""
from __future__ import annotations

import fcntl
import functools
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hwb import params as parameters
from hwb import paths
from hwb.errors import HwbError
from hwb.render import atomic
from hwb.render.execute import Job, display_path, partnership_job, summary_job

log = logging.getLogger("hwb.render")

OVERVIEW_TEMPLATE_NAME = "overview.ipynb"
RUN_MANIFEST = "run-manifest.json"


@dataclass
class Result:
    """How one page went: ``status`` is rendered/cached/failed; ``action`` what was done."""

    slug: str
    status: str  # "rendered" | "cached" | "failed"
    seconds: float
    output: Path | None
    message: str = ""
    action: str = "execute"  # "execute" | "rerender" | "cached"
    reasons: list[str] = field(default_factory=list)

    @property
    def cached(self) -> bool:
        return self.action != "execute"


# The district parameters the overview reads (hwb.pages.overview): passing only these keeps a
# change to, say, one district's partnership name or priority wards from re-executing it.
OVERVIEW_FIELDS = ("slug", "name", "ons_code", "parent_code", "county_name", "england_code",
                   "priority_weights", "recommended_priorities", "priority_wards")


def overview_job(snapshot: Path | None = None, output_dir: Path | None = None) -> Job:
    """The Lancashire overview page, rendered from the districts' parameters it uses."""
    from hwb.partnerships import load_partnerships

    defaults = parameters.load_defaults()
    districts = parameters.load_all()
    groups = [{"slug": p.slug, "name": p.name, "area_name": p.area_name, "districts": p.district_slugs}
              for p in load_partnerships()]
    snapshot = Path(snapshot) if snapshot else paths.SNAPSHOT
    output_dir = Path(output_dir) if output_dir else paths.BOOK
    return Job(
        slug="overview",
        template=paths.NOTEBOOKS / OVERVIEW_TEMPLATE_NAME,
        output=output_dir / "overview.ipynb",
        parameters={
            "districts": [{k: d.to_notebook()[k] for k in OVERVIEW_FIELDS} for d in districts],
            "partnerships": groups,
            "snapshot": display_path(snapshot),
        },
        markdown={"county_name": defaults.county_name},
        snapshot=snapshot,
    )


def check_areas(districts: list, snapshot: Path) -> None:
    """Every district's ONS code has rows in ``snapshot`` (a verified folder or a bare CSV).

    A well-formed but wrong code (``E07000999``) would otherwise publish an empty pack.
    """
    from hwb.data.snapshot import area_codes, shown

    present = area_codes(snapshot)
    for district in districts:
        if district.ons_code not in present:
            raise HwbError(
                f"{shown(paths.PARAMETERS / (district.slug + '.yml'))}: ons_code {district.ons_code} "
                f"({district.name}) has no rows in the snapshot {shown(snapshot)}; check the code "
                "against ONS's list of local authority codes, or use a snapshot that covers this "
                "area (`make data` fetches every district)"
            )


def warn_uncatalogued(snapshot: Path) -> list[int]:
    """Warn (and return) indicators a snapshot folder's manifest lists that the indicator
    catalogue does not: no page shows them, which should be a choice, not an accident."""
    from hwb import yamlio
    from hwb.data.snapshot import read_manifest, shown

    if not Path(snapshot).is_dir() or not paths.CATALOGUE.is_file():
        return []
    catalogue = yamlio.safe_load(paths.CATALOGUE.read_text(encoding="utf-8")) or {}
    known = {int(i) for i in (catalogue.get("indicators") or {})}
    listed = {int(i) for entry in read_manifest(snapshot)["files"]
              for i in (entry.get("indicators") if isinstance(entry.get("indicators"), list) else [])}
    missing = sorted(listed - known)
    if missing:
        log.warning(
            "warning: the snapshot %s holds indicator(s) %s that %s does not list, so no page shows "
            "them; add them to the catalogue, or leave them out of the snapshot",
            shown(snapshot), ", ".join(map(str, missing)), shown(paths.CATALOGUE),
        )
    return missing


def plan(slugs: list[str], snapshot: Path | None = None, overview: bool = True) -> list[Job]:
    """Validate everything (before anything runs) and return the jobs.

    ``slugs`` name partnerships or districts (a district builds its partnership's pack and
    its four-page summary; each once). Every build, of one pack or all, runs the whole-parameter checks:
    every parameter file valid, no two districts with the same ONS code, every district in
    exactly one partnership, every partnership in ``_toc.yml`` (and every pack entry there a
    partnership). Each district built must have rows in the snapshot. Indicators in the
    snapshot but not in the catalogue are warned about.
    """
    from hwb import partnerships

    if snapshot is not None and not Path(snapshot).exists():
        raise HwbError(f"snapshot '{snapshot}' does not exist; give a snapshot folder or a Fingertips CSV")
    chosen = {}
    for slug in slugs:  # a misspelt name first
        partnership, _ = partnerships.resolve(slug)
        chosen.setdefault(partnership.slug, partnership)
    everyone = parameters.load_all()
    partnerships.check_table_of_contents()
    source = Path(snapshot) if snapshot is not None else paths.SNAPSHOT
    members = [d for p in chosen.values() for d in p.districts]
    check_areas(everyone if overview else members, source)
    warn_uncatalogued(source)
    jobs = [job(p, snapshot) for p in chosen.values() for job in (partnership_job, summary_job)]
    if overview:
        jobs.append(overview_job(snapshot))
    missing = sorted({str(j.template) for j in jobs if not Path(j.template).is_file()})
    if missing:
        raise HwbError(f"template(s) missing: {', '.join(missing)}; restore them from git")
    return jobs


# --------------------------------------------------------------------------- housekeeping
@contextmanager
def build_lock() -> Iterator[None]:
    """Hold ``build/.lock`` for the whole run; a second concurrent build is refused."""
    paths.BUILD.mkdir(parents=True, exist_ok=True)
    handle = open(paths.BUILD / ".lock", "w")  # noqa: SIM115 (held for the run)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise HwbError("another `hwb build` is running in this checkout; wait for it to finish") from None
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


STALE_TEMP_SECONDS = 600


def sweep_leftovers(jobs: list[Job]) -> list[Path]:
    """Remove what an interrupted build left behind: scratch notebooks of processes that
    are gone, and temporary files (``.<name>.*.tmp``) older than ten minutes."""
    removed = []
    scratch = paths.BUILD / "scratch"
    for path in scratch.glob("*.ipynb") if scratch.is_dir() else []:
        parts = path.name.split(".")
        if len(parts) >= 3 and parts[1].isdigit() and not _alive(int(parts[1])):
            path.unlink(missing_ok=True)
            removed.append(path)
    now = time.time()
    for folder in {Path(j.output).parent for j in jobs} | {paths.FAILED, paths.BUILD / "cache"}:
        for path in folder.glob(".*.tmp") if folder.is_dir() else []:
            try:
                if now - path.stat().st_mtime > STALE_TEMP_SECONDS:
                    path.unlink(missing_ok=True)
                    removed.append(path)
            except FileNotFoundError:
                continue
    return removed


# --------------------------------------------------------------------------- progress
class Progress:
    """A tqdm bar on a terminal; one log line per page otherwise."""

    def __init__(self, total: int, enabled: bool | None = None, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.done = 0
        tty = self.stream.isatty() if enabled is None else enabled
        self.bar = None
        if tty and total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="page", file=self.stream, leave=False)

    def update(self, result: Result) -> None:
        self.done += 1
        why = "; ".join(result.reasons)
        line = (f"[{self.done}/{self.total}] {result.slug:<16} {result.status:<8} "
                f"{result.seconds:5.1f}s  {result.action}: {why}")
        if self.bar is not None:
            self.bar.set_postfix_str(f"{result.slug} {result.status}")
            self.bar.update(1)
            if result.status == "failed":
                self.bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# --------------------------------------------------------------------------- the run
def versions() -> dict[str, str]:
    """Versions of the tools that shape a rendered page."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": sys.version.split()[0]}
    for name in ("lancashire-hwb", "papermill", "nbclient", "nbformat", "ipykernel", "jupyter-book",
                 "pandas", "numpy", "matplotlib", "dask", "distributed"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found


def run(
    jobs: list[Job],
    *,
    force: bool = False,
    workers: int | None = None,
    executor: str = "pool",
    scheduler: str | None = None,
    fast: bool = True,
    progress: bool | None = None,
    manifest_extra: dict[str, Any] | None = None,
    on_result: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Bring every job's page up to date; one failure does not stop the others.

    Returns one :class:`Result` per job, in job order, and writes the run manifest.
    """
    from hwb.render import cache, executors
    from hwb.render.rerender import CannotRerender, rerender

    started = time.perf_counter()
    with build_lock():
        sweep_leftovers(jobs)
        index = cache.CacheIndex()
        printer = cache.Fingerprinter()
        decisions = {job.output: index.decide(job, printer.fingerprint(job), force) for job in jobs}
        results: dict[Path, Result] = {}
        bar = Progress(len(jobs), progress)

        def finish(job: Job, result: Result) -> None:
            results[job.output] = result
            bar.update(result)
            if on_result:
                on_result(result)

        to_execute = []
        for job in jobs:
            decision = decisions[job.output]
            if decision.action == "cached":
                finish(job, Result(job.slug, "cached", 0.0, job.output, action="cached", reasons=decision.reasons))
            elif decision.action == "rerender":
                t0 = time.perf_counter()
                try:
                    rerender(job)
                    index.record(job, decision.fingerprint)
                    finish(job, Result(job.slug, "rendered", time.perf_counter() - t0, job.output,
                                  action="rerender", reasons=decision.reasons))
                except CannotRerender as exc:
                    decision.action, decision.reasons = "execute", [*decision.reasons, str(exc)]
                    to_execute.append(job)
            else:
                to_execute.append(job)

        server = None
        by_output = {str(job.output): job for job in to_execute}
        root_before = os.environ.get("HWB_ROOT")
        os.environ["HWB_ROOT"] = str(paths.ROOT)  # workers must see the same project root
        try:
            local = executor != "dask" or not scheduler  # a remote cluster starts its own
            ready = None
            if to_execute and fast and local and not os.environ.get(executors.forkserver.ENV_ADDRESS):
                # Started now, waited for only once the workers are starting too.
                # Parsing the data once in the server (~0.8 s) pays off when a worker runs
                # several pages; a page per worker is quicker reading it in its own kernel.
                repeated = len(to_execute) > (workers or executors.default_jobs())
                snapshots = {j.snapshot or paths.SNAPSHOT for j in to_execute} if repeated else set()
                server = executors.start_shared_forkserver({j.template for j in to_execute}, snapshots)
                ready = functools.partial(executors.fork_server_usable, server)
            for outcome in executors.run(to_execute, executor, workers, fast, scheduler, ready):
                job = by_output[outcome.output]
                decision = decisions[job.output]
                if outcome.status == "rendered":
                    index.record(job, decision.fingerprint)
                else:
                    index.forget(job)
                finish(job, Result(job.slug, outcome.status, outcome.seconds,
                              job.output if outcome.status == "rendered" else None,
                              outcome.message, "execute", decision.reasons))
        finally:
            bar.close()
            if root_before is None:
                os.environ.pop("HWB_ROOT", None)
            else:
                os.environ["HWB_ROOT"] = root_before
            if server is not None:  # the server itself stops when this process exits
                os.environ.pop(executors.forkserver.ENV_ADDRESS, None)

        ordered = [results[job.output] for job in jobs]
        write_run_manifest(jobs, ordered, decisions, printer, time.perf_counter() - started,
                           executor=executor, workers=workers or executors.default_jobs(),
                           scheduler=scheduler, fast=fast, force=force, extra=manifest_extra)
        return ordered


def write_run_manifest(jobs, results, decisions, printer, seconds, **settings) -> Path:
    """``build/run-manifest.json``: what ran, why, how long, with versions and hashes."""
    extra = settings.pop("extra", None) or {}
    pages = []
    for job, result in zip(jobs, results):
        fingerprint = decisions[job.output].fingerprint
        pages.append({
            "slug": job.slug,
            "template": display_path(job.template),
            "output": display_path(job.output),
            "status": result.status,
            "action": result.action,
            "reasons": result.reasons,
            "seconds": round(result.seconds, 3),
            "message": result.message,
            "execution_key": fingerprint.execution_key,
            "render_key": fingerprint.render_key,
            "parts": fingerprint.parts,
            "data_files": fingerprint.files,
        })
    manifest = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seconds": round(seconds, 3),
        "settings": settings,
        "versions": versions(),
        "shared_hashes": {k: v for k, v in printer.shared.items() if k != "python"},
        "counts": {status: sum(r.status == status for r in results)
                   for status in ("rendered", "cached", "failed")},
        "pages": pages,
        **extra,
    }
    path = paths.BUILD / RUN_MANIFEST
    atomic.write_text(path, json.dumps(manifest, indent=1, default=str) + "\n")
    return path


def update_run_manifest(**fields: Any) -> None:
    """Add fields (e.g. the book build) to the last run manifest."""
    path = paths.BUILD / RUN_MANIFEST
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return
    manifest.update(fields)
    atomic.write_text(path, json.dumps(manifest, indent=1, default=str) + "\n")


def summary_table(results: list[Result]) -> str:
    """The end-of-run table: district, status, seconds, cached or not."""
    lines = [f"  {'page':<18} {'status':<9} {'seconds':>7}  cached"]
    for r in results:
        cached = {"cached": "yes", "rerender": "outputs reused", "execute": "no"}[r.action]
        lines.append(f"  {r.slug:<18} {r.status:<9} {r.seconds:7.1f}  {cached}")
    return "\n".join(lines)


__all__ = [
    "Result",
    "build_lock",
    "check_areas",
    "overview_job",
    "plan",
    "run",
    "summary_table",
    "sweep_leftovers",
    "update_run_manifest",
    "versions",
    "warn_uncatalogued",
    "write_run_manifest",
]
