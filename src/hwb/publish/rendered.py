"""Reviewable rendered packs: check the committed ones are current, and diff one readably.

The rendered notebooks of the shipped snapshot are committed (``book/districts/<slug>.ipynb``,
``book/summaries/<slug>.ipynb`` and ``book/overview.ipynb``) so a reviewer sees what a change does to every pack.
:func:`check_rendered` re-renders them into a scratch folder (never over the committed
files) and compares bytes, naming every stale, missing or failed page; ``make
check-rendered`` runs it. :func:`diff_rendered` re-renders one page and shows nbdime's
readable diff against the committed one (``make diff district=burnley``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hwb import paths
from hwb.errors import HwbError

OVERVIEW = "overview"
SUMMARIES = "summaries/"  # page names "summaries/<slug>": a partnership's four-page summary


@dataclass
class RenderedCheck:
    """The outcome of comparing committed pages with fresh renders."""

    current: list[str] = field(default_factory=list)
    stale: dict[str, str] = field(default_factory=dict)  # page -> where it first differs
    missing: list[str] = field(default_factory=list)  # no committed page
    failed: dict[str, str] = field(default_factory=dict)  # page -> why rendering failed

    @property
    def ok(self) -> bool:
        return not (self.stale or self.missing or self.failed)

    def report(self) -> str:
        """Plain-English lines for people: what is current, what is not, and the fix."""
        lines = []
        if self.current:
            lines.append(f"current: {', '.join(self.current)}")
        for page, where in self.stale.items():
            lines.append(
                f"STALE: {page} — the committed page differs from a fresh render ({where})"
            )
        for page in self.missing:
            lines.append(f"MISSING: {page} — no committed rendered page")
        for page, why in self.failed.items():
            lines.append(f"FAILED: {page} — {why}")
        if not self.ok:
            names = [*self.stale, *self.missing]
            lines.append(
                "fix: re-render with `make all` and commit the pages"
                + (f" ({', '.join(names)})" if names else "")
                + "; `make diff district=<slug>` shows what changed."
            )
        return "\n".join(lines)


def committed_path(page: str, committed_dir: Path | None = None) -> Path:
    """Where a page's rendered notebook is committed (``overview`` or a district slug)."""
    if committed_dir is not None:
        return Path(committed_dir) / f"{page}.ipynb"
    if page == OVERVIEW:
        return paths.BOOK / f"{OVERVIEW}.ipynb"
    if page.startswith(SUMMARIES):
        return paths.SUMMARY_PAGES / f"{page[len(SUMMARIES) :]}.ipynb"
    return paths.DISTRICT_PAGES / f"{page}.ipynb"


def _jobs(pages: list[str], output_dir: Path, snapshot: Path | None) -> dict[str, object]:
    """{job slug: job} for ``pages``, each written to ``output_dir / f"{page}.ipynb"``."""
    from hwb import partnerships
    from hwb.render.execute import partnership_job, summary_job
    from hwb.render.pipeline import overview_job

    jobs = {}
    for page in pages:
        if page == OVERVIEW:
            job = overview_job(snapshot, output_dir=output_dir)
        elif page.startswith(SUMMARIES):
            chosen = partnerships.resolve(page[len(SUMMARIES) :])[0]
            job = summary_job(chosen, snapshot, output_dir=output_dir / SUMMARIES.rstrip("/"))
        else:
            job = partnership_job(partnerships.resolve(page)[0], snapshot, output_dir=output_dir)
        jobs[page] = job
    return jobs


def render_pages(
    pages: list[str], output_dir: Path, snapshot: Path | None = None
) -> dict[str, str]:
    """Render ``pages`` into ``output_dir``; return {page: error message} for any that failed."""
    by_page = _jobs(pages, Path(output_dir), snapshot)
    page_of = {job.slug: page for page, job in by_page.items()}
    jobs = list(by_page.values())
    try:
        from hwb.render.executors import run
    except ImportError:  # the serial path of the first build engine
        run = None
    failures = {}
    if run is not None:
        for outcome in run(jobs):
            if outcome.status != "rendered":
                failures[page_of.get(outcome.slug, outcome.slug)] = outcome.message
        return failures
    from hwb.render.execute import execute

    for job in jobs:
        try:
            execute(job)
        except HwbError as exc:
            failures[page_of[job.slug]] = str(exc)
    return failures


def first_difference(committed: Path, fresh: Path) -> str:
    """Where two rendered notebooks first differ, for a person: a cell number or the metadata."""
    try:
        old = json.loads(committed.read_text(encoding="utf-8"))
        new = json.loads(fresh.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "not a readable notebook"
    old_cells, new_cells = old.get("cells", []), new.get("cells", [])
    for index, (a, b) in enumerate(zip(old_cells, new_cells, strict=False)):
        if a != b:
            if a.get("source") != b.get("source"):
                return f"cell {index} source"
            if a.get("outputs") != b.get("outputs"):
                return f"cell {index} outputs"
            return f"cell {index} id or metadata"
    if len(old_cells) != len(new_cells):
        return f"{len(old_cells)} cells committed, {len(new_cells)} rendered"
    if old.get("metadata") != new.get("metadata"):
        return "notebook metadata"
    return "formatting (same content, different bytes)"


def default_pages() -> list[str]:
    """Every partnership's pack and four-page summary, then the overview."""
    from hwb import partnerships

    slugs = list(partnerships.known_partnerships())
    return [*slugs, *(f"{SUMMARIES}{slug}" for slug in slugs), OVERVIEW]


def compare(
    pages: list[str],
    fresh_dir: Path,
    committed_dir: Path | None = None,
    failures: dict[str, str] | None = None,
) -> RenderedCheck:
    """Compare fresh renders in ``fresh_dir`` with the committed pages, byte for byte."""
    result = RenderedCheck(failed=dict(failures or {}))
    for page in pages:
        if page in result.failed:
            continue
        committed = committed_path(page, committed_dir)
        fresh = Path(fresh_dir) / f"{page}.ipynb"
        if not committed.is_file():
            result.missing.append(page)
        elif not fresh.is_file():
            result.failed[page] = "the fresh render was not written"
        elif committed.read_bytes() == fresh.read_bytes():
            result.current.append(page)
        else:
            result.stale[page] = first_difference(committed, fresh)
    return result


def check_rendered(
    pages: list[str] | None = None, committed_dir: Path | None = None, snapshot: Path | None = None
) -> RenderedCheck:
    """Re-render ``pages`` (default: every district and the overview) and compare with the committed ones."""
    pages = list(pages or default_pages())
    paths.BUILD.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="check-rendered-", dir=paths.BUILD))
    try:
        failures = render_pages(pages, scratch, snapshot)
        return compare(pages, scratch, committed_dir, failures)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def rerendered_path(page: str) -> Path:
    """Where ``make diff`` keeps a fresh render for inspection (git-ignored ``build/``)."""
    return paths.BUILD / "rerendered" / f"{page}.ipynb"


def diff_rendered(
    page: str, snapshot: Path | None = None, extra_args: list[str] | None = None
) -> int:
    """Re-render ``page`` and print nbdime's diff against the committed one; return nbdiff's exit code."""
    if page != OVERVIEW:
        from hwb import partnerships

        page = partnerships.resolve(page)[
            0
        ].slug  # a district diffs its partnership's pack; "did you mean"
    committed = committed_path(page)
    if not committed.is_file():
        raise HwbError(
            f"{page}: no committed rendered page at {committed}; render it with `make all` first"
        )
    fresh = rerendered_path(page)
    failures = render_pages([page], fresh.parent, snapshot)
    if failures:
        raise HwbError(failures[page])
    if committed.read_bytes() == fresh.read_bytes():
        print(f"{page}: the committed page is current (a fresh render is byte-identical)")
        return 0
    nbdiff = [sys.executable, "-m", "nbdime", "diff"]
    command = [*nbdiff, *(extra_args or []), str(committed), str(fresh)]
    print(
        f"{page}: committed {committed.relative_to(paths.ROOT)} → fresh render {fresh.relative_to(paths.ROOT)}"
    )
    return subprocess.run(command, check=False).returncode
