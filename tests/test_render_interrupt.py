"""Killing a build midway leaves every previously rendered page intact; the next run repairs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import nbformat
import pytest
import render_support as support

from hwb import params, paths
from hwb.render import cache, pipeline
from hwb.render.execute import district_job

pytestmark = pytest.mark.slow

project = support.project  # the fixture: a temporary project root

SLUGS = ["burnley", "hyndburn", "lancaster"]


def _jobs():
    return [district_job(params.load_district(s)) for s in SLUGS]


def _wait_for(predicate, what: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_sigkill_midway_keeps_previous_pages_and_the_next_run_repairs(project):
    first = pipeline.run(_jobs(), workers=1, progress=False)
    assert [r.status for r in first] == ["rendered"] * 3
    before = {s: (paths.DISTRICT_PAGES / f"{s}.ipynb").read_bytes() for s in SLUGS}
    # Builds start the longest pages first (by their last times): make lancaster the shortest,
    # so it starts after the other two, as the kill below expects.
    index = cache.CacheIndex()
    for slug, seconds in zip(SLUGS, (3.0, 2.0, 1.0), strict=True):
        index.entries[str(paths.DISTRICT_PAGES / f"{slug}.ipynb")]["seconds"] = seconds
    index.save()

    # A code change makes every page stale; lancaster's kernel hangs, so we kill the build there.
    support.small_template(paths.DISTRICT_TEMPLATE, extra_code="\n# version 2")
    env = {**os.environ, "HWB_ROOT": str(project), "HWB_TEST_SLOW": "lancaster"}
    code = "import sys; from hwb.cli import main; sys.exit(main(sys.argv[1:]))"
    build = subprocess.Popen(
        [sys.executable, "-c", code, "build", *SLUGS, "--no-book", "-j", "1"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        text=True,
    )
    try:
        scratch = paths.BUILD / "scratch"

        def started() -> bool:
            if build.poll() is not None:  # the build ended by itself: show why
                raise AssertionError(f"the build exited {build.returncode}: {build.stderr.read()}")
            return any(scratch.glob("lancaster.*.ipynb"))

        _wait_for(started, "lancaster to start executing")
        time.sleep(1.0)
        os.killpg(build.pid, signal.SIGKILL)
        build.wait(timeout=30)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
    assert build.returncode == -signal.SIGKILL

    for (
        slug
    ) in SLUGS:  # every page is whole: re-rendered (burnley, hyndburn) or untouched (lancaster)
        nbformat.validate(nbformat.read(str(paths.DISTRICT_PAGES / f"{slug}.ipynb"), as_version=4))
    assert "# version 2" in (paths.DISTRICT_PAGES / "hyndburn.ipynb").read_text()
    assert (paths.DISTRICT_PAGES / "lancaster.ipynb").read_bytes() == before["lancaster"]  # intact
    assert not list(paths.DISTRICT_PAGES.glob(".*.tmp"))

    repaired = pipeline.run(_jobs(), workers=1, progress=False)
    assert [(r.slug, r.status) for r in repaired] == [
        ("burnley", "cached"),
        ("hyndburn", "cached"),
        ("lancaster", "rendered"),
    ]
    assert not any(
        (paths.BUILD / "scratch").glob("lancaster.*.ipynb")
    )  # the dead run's scratch swept
    assert "# version 2" in (paths.DISTRICT_PAGES / "lancaster.ipynb").read_text()
