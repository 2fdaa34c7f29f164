"""Render a set of pages: validate every parameter first, then execute each job.

This is the simple serial path; :mod:`hwb.build` grows caching and parallel
executors on top of the same :class:`~hwb.build.execute.Job`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from hwb import params as parameters
from hwb import paths
from hwb.build.execute import Job, district_job, display_path, execute
from hwb.errors import HwbError, PackFailed

OVERVIEW_TEMPLATE_NAME = "overview.ipynb"


@dataclass
class Result:
    slug: str
    status: str  # "rendered" | "failed"
    seconds: float
    output: Path | None
    message: str = ""


def overview_job(snapshot: Path | None = None, output_dir: Path | None = None) -> Job:
    """The Lancashire overview page, rendered from every district's parameters."""
    defaults = parameters.load_defaults()
    districts = parameters.load_all()
    snapshot = Path(snapshot) if snapshot else paths.SNAPSHOT
    output_dir = Path(output_dir) if output_dir else paths.BOOK
    return Job(
        slug="overview",
        template=paths.NOTEBOOKS / OVERVIEW_TEMPLATE_NAME,
        output=output_dir / "overview.ipynb",
        parameters={
            "districts": [d.to_notebook() for d in districts],
            "snapshot": display_path(snapshot),
        },
        markdown={"county_name": defaults.county_name},
    )


def plan(slugs: list[str], snapshot: Path | None = None, overview: bool = True) -> list[Job]:
    """Validate every named district (before anything runs) and return the jobs."""
    if snapshot is not None and not Path(snapshot).exists():
        raise HwbError(f"snapshot '{snapshot}' does not exist; give a snapshot folder or a Fingertips CSV")
    jobs = [district_job(parameters.load_district(slug), snapshot) for slug in slugs]
    if overview:
        jobs.append(overview_job(snapshot))
    return jobs


def run(jobs: list[Job]) -> list[Result]:
    """Execute each job in turn; one failure does not stop the others."""
    results = []
    for job in jobs:
        start = time.perf_counter()
        try:
            output = execute(job)
            results.append(Result(job.slug, "rendered", time.perf_counter() - start, output))
        except PackFailed as exc:
            results.append(Result(job.slug, "failed", time.perf_counter() - start, None, str(exc)))
    return results
