"""A large snapshot and a terminated build (issue 30, fault 6): a snapshot over the row limit
is refused at once in one line, a long read says how far it has got, and SIGTERM leaves no
temporary files (the fork server's hwb-fs-* folder, kernels' connection files) behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import render_support as support

from hwb import cli, paths
from hwb.data import snapshot

project = support.project  # the fixture: a temporary project root

HEADER = "Indicator ID,Area Code,Sex,Time period,Value\n"


def _big_csv(folder, rows: int):
    path = folder / "big.csv"
    with path.open("w") as handle:
        handle.write(HEADER)
        for i in range(rows):
            handle.write(f"90366,E0{7000100 + i % 40},Persons,2021 - 23,{70 + i % 10}\n")
    return path


@pytest.fixture(autouse=True)
def fresh_scans():
    snapshot._scan.cache_clear()
    snapshot._scan_cache.cache_clear()
    yield
    snapshot._scan.cache_clear()
    snapshot._scan_cache.cache_clear()


def test_a_snapshot_over_the_row_limit_is_refused_in_one_line(
    project, tmp_path, monkeypatch, capsys
):
    big = _big_csv(tmp_path, 1_500)
    monkeypatch.setenv(snapshot.MAX_ROWS_ENV, "1000")
    before = {p: p.stat().st_mtime_ns for p in project.rglob("*") if p.is_file()}
    assert cli.main(["district", "burnley", "--snapshot", str(big)]) == 2
    assert capsys.readouterr().err == (
        f"error: {big}: more than 1,000 data rows (1,500 read); a snapshot may hold at most "
        "1,000 (the shipped one has about 57,000), or a build would run for hours and need "
        "gigabytes of memory. Give an extract of only the areas and indicators you need, or "
        "raise the limit: HWB_MAX_SNAPSHOT_ROWS=<rows>\n"
    )
    after = {p: p.stat().st_mtime_ns for p in project.rglob("*") if p.is_file()}
    assert {p for p in after if "cache" not in p.parts} == {
        p for p in before if "cache" not in p.parts
    }
    monkeypatch.setenv(snapshot.MAX_ROWS_ENV, "2000")  # raised: read
    assert snapshot.area_codes(big) >= {"E07000117"}
    monkeypatch.delenv(snapshot.MAX_ROWS_ENV)
    assert snapshot.max_rows() == snapshot.MAX_SNAPSHOT_ROWS == 500_000


def test_a_long_read_says_how_far_it_has_got(tmp_path, monkeypatch, capsys):
    big = _big_csv(tmp_path, 250)
    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")  # nothing remembered from before
    monkeypatch.setattr(snapshot, "PROGRESS_EVERY", 100)
    monkeypatch.setattr(snapshot, "PROGRESS_AFTER", 0.0)
    snapshot.area_codes(big)
    assert capsys.readouterr().err.splitlines() == [
        f"reading {big}: 100 rows so far…",
        f"reading {big}: 200 rows so far…",
    ]


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the fork-server engine needs fork")
def test_sigterm_midway_removes_every_temporary_file(project, tmp_path):
    scratch_tmp = tmp_path / "tmp"  # where tempfile puts the fork server's and kernels' files
    scratch_tmp.mkdir()
    env = {
        **os.environ,
        "HWB_ROOT": str(project),
        "HWB_TEST_SLOW": "burnley",
        "HWB_TEST_SLOW_SECONDS": "8",
        "TMPDIR": str(scratch_tmp),
    }
    build = subprocess.Popen(
        [sys.executable, "-m", "hwb.cli", "build", "burnley", "--no-book", "-j", "1"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not any((paths.BUILD / "scratch").glob("burnley.*.ipynb")):
            assert build.poll() is None, build.stderr.read()
            assert time.monotonic() < deadline, "burnley's page never started"
            time.sleep(0.2)
        time.sleep(1.0)
        assert any(scratch_tmp.iterdir())  # the fork server's folder, the kernel's files
        build.send_signal(signal.SIGTERM)  # stops once the running cell ends (here: 8 s)
        build.wait(timeout=60)
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == 128 + signal.SIGTERM, build.stderr.read()
    assert "interrupted; previous outputs are intact" in build.stderr.read()
    assert sorted(p.name for p in scratch_tmp.iterdir()) == []
