"""Render a set of pages, as a short sequence of named steps.

1. :func:`plan` validates every parameter (before anything runs) and returns the jobs.
2. :func:`run` brings the pages up to date, holding the build lock
   (:mod:`hwb.render.housekeeping`): :func:`decide` asks the cache
   (:mod:`hwb.render.cache`) what each page needs, :func:`reuse` keeps cached pages and
   re-renders markdown-only edits, :func:`execute_stale` executes the rest with the chosen
   engine (:mod:`hwb.render.engines`) on the chosen executor (:mod:`hwb.render.executors`),
   :func:`publish_numbers` puts each pack's numbers beside its page (:mod:`hwb.render.models`),
   and :func:`record` writes the run manifest (:mod:`hwb.render.manifest`).
3. :func:`build_book` builds the Jupyter Book when its inputs changed, timing it into the
   manifest.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hwb import params as parameters
from hwb import paths
from hwb.errors import HwbError
from hwb.render.execute import Job, Workspace, display_path, partnership_job, summary_job
from hwb.render.housekeeping import build_lock, sweep_leftovers
from hwb.render.manifest import RUN_MANIFEST, update_run_manifest, versions, write_run_manifest

if TYPE_CHECKING:
    from hwb.render.cache import CacheIndex

log = logging.getLogger("hwb.render")

OVERVIEW_TEMPLATE_NAME = "overview.ipynb"


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


# The district parameters the overview reads, declared once in hwb.params: passing only these
# keeps a change to, say, one district's horizons from re-executing the overview.
OVERVIEW_FIELDS = parameters.OVERVIEW_FIELDS


def overview_job(snapshot: Path | None = None, output_dir: Path | None = None) -> Job:
    """The Lancashire overview page, rendered from the districts' parameters it uses."""
    from hwb.partnerships import load_partnerships

    defaults = parameters.load_defaults()
    districts = parameters.load_all()
    groups = [
        {"slug": p.slug, "name": p.name, "area_name": p.area_name, "districts": p.district_slugs}
        for p in load_partnerships()
    ]
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


def regrouped_overview() -> Job | None:
    """The overview's job when its rendered page lists other partnerships than
    ``parameters/partnerships.yml`` now does (a regrouping), else None.

    A one-pack build does not render the overview, but a regrouping changes what it lists
    (names, members, links to pages): it is rendered too, from the shipped snapshot. The
    grouping a page was rendered with is read from the page itself (Papermill records its
    parameters), so this holds in a fresh clone with no cache. No rendered overview, no job.
    """
    import json

    job = overview_job()
    try:
        notebook = json.loads(Path(job.output).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return job  # unreadable: render it again
    recorded = notebook.get("metadata", {}).get("papermill", {}).get("parameters", {})
    if recorded.get("partnerships") == job.parameters["partnerships"]:
        return None
    return job


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
    catalogue = yamlio.load_file(paths.CATALOGUE) or {}
    known = {int(i) for i in (catalogue.get("indicators") or {})}
    listed = {
        int(i)
        for entry in read_manifest(snapshot)["files"]
        for i in (entry.get("indicators") if isinstance(entry.get("indicators"), list) else [])
    }
    missing = sorted(listed - known)
    if missing:
        log.warning(
            "warning: the snapshot %s holds indicator(s) %s that %s does not list, so no page shows "
            "them; add them to the catalogue, or leave them out of the snapshot",
            shown(snapshot),
            ", ".join(map(str, missing)),
            shown(paths.CATALOGUE),
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
        raise HwbError(
            f"snapshot '{snapshot}' does not exist; give a snapshot folder or a Fingertips CSV"
        )
    chosen = {}
    for partnership, _ in partnerships.resolve_many(slugs):  # a misspelt name first
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
    elif (regrouped := regrouped_overview()) is not None:
        check_areas(everyone, paths.SNAPSHOT)  # the overview reads every district
        log.warning(
            "the partnerships in %s are not the ones the overview lists: rendering it too",
            display_path(paths.PARAMETERS / "partnerships.yml"),
        )
        jobs.append(regrouped)
    missing = sorted({str(j.template) for j in jobs if not Path(j.template).is_file()})
    if missing:
        raise HwbError(f"template(s) missing: {', '.join(missing)}; restore them from git")
    return jobs


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
        line = (
            f"[{self.done}/{self.total}] {result.slug:<16} {result.status:<8} "
            f"{result.seconds:5.1f}s  {result.action}: {why}"
        )
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
class Pages:
    """The run's pages: each job, what the cache decided for it, and how it went."""

    def __init__(
        self,
        jobs: list[Job],
        force: bool,
        progress: bool | None,
        on_result: Callable[[Result], None] | None,
    ) -> None:
        from hwb.render import cache

        self.jobs = jobs
        self.index = cache.CacheIndex()
        self.printer = cache.Fingerprinter()
        self.decisions = {
            job.output: self.index.decide(job, self.printer.fingerprint(job), force) for job in jobs
        }
        self.results: dict[Path, Result] = {}
        self.bar = Progress(len(jobs), progress)
        self.on_result = on_result

    def finish(self, job: Job, result: Result) -> None:
        self.results[job.output] = result
        self.bar.update(result)
        if self.on_result:
            self.on_result(result)

    def ordered(self) -> list[Result]:
        return [self.results[job.output] for job in self.jobs]


def decide(
    jobs: list[Job],
    force: bool = False,
    progress: bool | None = None,
    on_result: Callable[[Result], None] | None = None,
) -> Pages:
    """Step: fingerprint every page and ask the cache index whether it is current."""
    return Pages(jobs, force, progress, on_result)


def reuse(pages: Pages) -> list[Job]:
    """Step: finish the cached pages, re-render markdown-only edits; return what must execute."""
    from hwb.render.rerender import CannotRerender, rerender

    stale = []
    for job in pages.jobs:
        decision = pages.decisions[job.output]
        if decision.action == "cached":
            pages.finish(
                job,
                Result(
                    job.slug, "cached", 0.0, job.output, action="cached", reasons=decision.reasons
                ),
            )
        elif decision.action == "rerender":
            t0 = time.perf_counter()
            try:
                rerender(job)
                pages.index.record(job, decision.fingerprint)
                pages.finish(
                    job,
                    Result(
                        job.slug,
                        "rendered",
                        time.perf_counter() - t0,
                        job.output,
                        action="rerender",
                        reasons=decision.reasons,
                    ),
                )
            except CannotRerender as exc:
                decision.action, decision.reasons = "execute", [*decision.reasons, str(exc)]
                stale.append(job)
        else:
            stale.append(job)
    return stale


def longest_first(jobs: list[Job], index: CacheIndex) -> list[Job]:
    """The order to start pages in: longest first, by each page's time when it last executed,
    so a build does not end with one core running a long page and the others idle. Pages
    never timed go first: the overview (it reads every partnership's model), then the packs,
    then the four-page summaries; ties keep the plan's order."""
    firsts = {OVERVIEW_TEMPLATE_NAME: 0, paths.DISTRICT_TEMPLATE.name: 1}

    def key(item: tuple[int, Job]) -> tuple:
        position, job = item
        seconds = index.last_seconds(job)
        kind = firsts.get(Path(job.template).name, len(firsts))
        return (seconds is not None, -(seconds or 0.0), kind, position)

    return [job for _, job in sorted(enumerate(jobs), key=key)]


def execute_stale(
    pages: Pages,
    stale: list[Job],
    *,
    engine: str,
    executor: str,
    workers: int,
    scheduler: str | None,
) -> str:
    """Step: execute ``stale`` with the named engine on the executor; return the engine used.

    A remote Dask cluster's workers start their own fork servers; otherwise one is started
    here for every worker, and the workers start while it preloads. First, on the same
    workers, the model step brings every model the pages read up to date
    (:mod:`hwb.render.models`); the pages then read its files.
    """
    from hwb.render import engines

    if not stale:
        return engines.resolve(engine)
    local = executor != "dask" or not scheduler
    chosen = engines.start(engine, stale, workers, shared=local, workspace=Workspace.current())
    _execute(pages, stale, chosen, executor, workers, scheduler)
    return chosen.name


def _execute(pages: Pages, stale: list[Job], chosen, executor, workers, scheduler) -> None:
    from hwb.render import executors, models

    by_output = {str(job.output): job for job in stale}
    ordered = longest_first(stale, pages.index)
    before = [(models.run_task, task) for task in models.tasks_for(stale)]
    for outcome in executors.run(
        ordered, executor, workers, chosen, scheduler, before=before, on_before=models.report
    ):
        job = by_output[outcome.output]
        decision = pages.decisions[job.output]
        if outcome.status == "rendered":
            pages.index.record(job, decision.fingerprint, outcome.seconds)
        else:
            pages.index.forget(job)
        pages.finish(
            job,
            Result(
                job.slug,
                outcome.status,
                outcome.seconds,
                job.output if outcome.status == "rendered" else None,
                outcome.message,
                "execute",
                decision.reasons,
            ),
        )


def publish_numbers(pages: Pages, executed: list[Job]) -> None:
    """Step: beside each pack page that rendered, the numbers behind it as CSV
    (:func:`hwb.render.models.publish_numbers`): written when the page executed, or missing."""
    from hwb.render import models

    ran = {job.output for job in executed}
    for job in pages.jobs:
        result = pages.results.get(job.output)
        if Path(job.template).name != paths.DISTRICT_TEMPLATE.name or result is None:
            continue
        if result.status != "failed":
            models.publish_numbers(job, executed=job.output in ran)


def record(pages: Pages, seconds: float, **settings: Any) -> Path:
    """Step: write the run manifest (what ran, why, how long, versions and hashes)."""
    return write_run_manifest(
        pages.jobs, pages.ordered(), pages.decisions, pages.printer, seconds, **settings
    )


def rejected_report(jobs: list[Job]) -> list[str]:
    """Lines for the terminal naming the rows the pages' snapshots rejected at load: per
    file, how many and the first reasons (the pages say "rejected" where they are missing)."""
    from hwb.data.rejected import rejected_rows

    lines = []
    for snapshot in sorted({Path(j.snapshot or paths.SNAPSHOT) for j in jobs}):
        try:
            files = rejected_rows(snapshot)
        except HwbError:  # the pages stop on a file that cannot be read, and say why
            continue
        for file in files:
            lines.append(
                f"warning: {file['count']:,} row(s) of {file['file']} were rejected at load and "
                "are left out of the pages (`hwb data verify` lists them all); the first:"
            )
            lines.extend(f"  {reason}" for reason in file["first"])
    return lines


class _Background:
    """``function(*args)`` in a daemon thread (an interrupted build does not wait for it)."""

    def __init__(self, function: Callable, *args: Any) -> None:
        import threading

        self.value = None
        self.thread = threading.Thread(target=self._run, args=(function, *args), daemon=True)
        self.thread.start()

    def _run(self, function: Callable, *args: Any) -> None:
        self.value = function(*args)

    def result(self):
        self.thread.join()
        return self.value


def output_folders(jobs: list[Job]) -> list[Path]:
    """The folders a run of ``jobs`` writes: each page's, and ``build/`` (cache, scratch)."""
    return [*sorted({Path(j.output).parent for j in jobs}), paths.BUILD]


def run(
    jobs: list[Job],
    *,
    force: bool = False,
    workers: int | None = None,
    executor: str = "pool",
    scheduler: str | None = None,
    engine: str = "auto",
    progress: bool | None = None,
    manifest_extra: dict[str, Any] | None = None,
    on_result: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Bring every job's page up to date; one failure does not stop the others.

    ``engine``: ``auto`` (the fork-server engine where fork is available), ``forkserver``
    or ``papermill`` (:mod:`hwb.render.engines`). Returns one :class:`Result` per job, in
    job order, and writes the run manifest.
    """
    from hwb.render import executors

    started = time.perf_counter()
    workers = workers or executors.default_jobs()
    paths.check_writable(*output_folders(jobs))
    with build_lock():
        sweep_leftovers(jobs)
        rejected = _Background(rejected_report, jobs)  # validated alongside the pages
        pages = decide(jobs, force, progress, on_result)
        try:
            stale = reuse(pages)
            used = execute_stale(
                pages, stale, engine=engine, executor=executor, workers=workers, scheduler=scheduler
            )
            publish_numbers(pages, stale)
        finally:
            pages.bar.close()
            pages.index.compact()
        for line in rejected.result() or []:
            print(line, file=sys.stderr)
        record(
            pages,
            time.perf_counter() - started,
            executor=executor,
            workers=workers,
            scheduler=scheduler,
            engine=used,
            force=force,
            extra=manifest_extra,
        )
        return pages.ordered()


def build_book(force: bool = False, warm=None) -> tuple[Path, bool]:
    """Step: build the book unless nothing it is built from changed; time it into the run
    manifest. ``warm``: a :class:`hwb.render.book.WarmBook` to build in. Returns (HTML
    folder, whether it was built)."""
    from hwb.render import book

    start = time.perf_counter()
    html, built = book.build_book_if_changed(force=force, warm=warm)
    update_run_manifest(book={"built": built, "seconds": round(time.perf_counter() - start, 3)})
    return html, built


def summary_table(results: list[Result]) -> str:
    """The end-of-run table: district, status, seconds, cached or not."""
    lines = [f"  {'page':<18} {'status':<9} {'seconds':>7}  cached"]
    for r in results:
        cached = {"cached": "yes", "rerender": "outputs reused", "execute": "no"}[r.action]
        lines.append(f"  {r.slug:<18} {r.status:<9} {r.seconds:7.1f}  {cached}")
    return "\n".join(lines)


__all__ = [
    "RUN_MANIFEST",
    "Pages",
    "Result",
    "build_book",
    "build_lock",
    "check_areas",
    "decide",
    "execute_stale",
    "output_folders",
    "overview_job",
    "plan",
    "record",
    "regrouped_overview",
    "rejected_report",
    "reuse",
    "run",
    "summary_table",
    "sweep_leftovers",
    "update_run_manifest",
    "versions",
    "warn_uncatalogued",
    "write_run_manifest",
]
