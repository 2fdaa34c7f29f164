"""Rows rejected at load (quarantined) are reported in the terminal during a build and said
as "rejected" on the page, never "not in this snapshot" (issue 30, fault 5)."""

from __future__ import annotations

import csv
import gzip
import io
import shutil

import pytest
import yaml

from hwb import paths
from hwb.data import snapshot
from hwb.data.catalogue import load_catalogue
from hwb.data.load import clear_cache, load_snapshot
from hwb.data.rejected import rejected_rows
from hwb.model.headline import headline_table
from hwb.render import pipeline
from hwb.render.execute import Job
from hwb.text.messages import key_messages

BURNLEY, LIFE_EXPECTANCY = "E07000117", 90366
FILE = f"fingertips_{LIFE_EXPECTANCY}.csv.gz"


@pytest.fixture
def high_values(tmp_path, monkeypatch):
    """A copy of the shipped snapshot with Burnley's life expectancy values set to 'high',
    its hashes refreshed (the issue's repro); build/ in a scratch folder."""
    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    snapshot._scan_cache.cache_clear()
    folder = tmp_path / "snapshot"
    shutil.copytree(paths.SNAPSHOT, folder)
    path = folder / FILE
    rows = list(csv.reader(io.StringIO(gzip.decompress(path.read_bytes()).decode("utf-8"))))
    value = rows[0].index("Value")
    for row in rows[1:]:
        if row[4] == BURNLEY:
            row[value] = "high"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_bytes(snapshot.gzip_bytes(out.getvalue().encode("utf-8")))
    manifest = yaml.safe_load((folder / "manifest.yml").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        if entry["name"] == FILE:
            entry["sha256"], entry["size"] = snapshot.sha256_of(path), path.stat().st_size
    snapshot.write_manifest(folder, manifest)
    yield folder
    clear_cache()
    snapshot._scan_cache.cache_clear()


def test_a_rejected_row_says_which_indicator_area_and_sex_it_was_for(high_values):
    held = load_snapshot(high_values, indicators=[LIFE_EXPECTANCY]).attrs["quarantined"]
    assert held and all(f["area_code"] == BURNLEY for f in held)
    assert {f["sex"] for f in held} == {"Male", "Female"}
    assert {f["indicator_id"] for f in held} == {str(LIFE_EXPECTANCY)}


def test_a_build_reports_the_rejected_rows_in_the_terminal(high_values):
    report = rejected_rows(high_values)
    assert [(r["file"], len(r["first"])) for r in report] == [(str(high_values / FILE), 3)]
    assert report[0]["count"] == len(
        load_snapshot(high_values, indicators=[LIFE_EXPECTANCY]).attrs["quarantined"]
    )
    job = Job("burnley", paths.DISTRICT_TEMPLATE, high_values / "x.ipynb", {}, {}, high_values)
    lines = pipeline.rejected_report([job])
    assert lines[0] == (
        f"warning: {report[0]['count']} row(s) of {high_values / FILE} were rejected at load and "
        "are left out of the pages (`hwb data verify` lists them all); the first:"
    )
    assert lines[1].startswith(f"  {FILE}, line ") and lines[1].endswith(
        "column 'Value': expected a number or an empty cell (found 'high')"
    )
    assert (paths.BUILD / "cache" / "rejected-rows.json").is_file()  # remembered by hash
    shipped = Job("burnley", paths.DISTRICT_TEMPLATE, high_values / "y.ipynb", {}, {})
    assert pipeline.rejected_report([shipped]) == []  # the shipped snapshot rejects nothing


def test_the_page_says_rejected_not_absent(high_values):
    frame = load_snapshot(high_values)
    table = headline_table(frame, load_catalogue(), BURNLEY, "E10000017", "E92000001")
    life = table[table["indicator_id"] == LIFE_EXPECTANCY]
    assert len(life) == 2
    for status in life["status"]:
        assert status.startswith(f"rejected at load ({FILE}, line ")
        assert status.endswith(": expected a number or an empty cell, found 'high')")
    first = key_messages(table, "Burnley")[0].text
    assert first.startswith(f"Life expectancy at birth for Burnley was rejected at load ({FILE}")
    assert "not in this snapshot" not in first
    # Hyndburn's rows were not touched: its figures stand
    other = headline_table(frame, load_catalogue(), "E07000120", "E10000017", "E92000001")
    assert set(other.loc[other["indicator_id"] == LIFE_EXPECTANCY, "status"]) == {"ok"}


def test_a_snapshot_checked_before_is_reported_without_importing_pandas(high_values):
    """A no-op build reports from what it remembered: every file of the snapshot (its
    Fingertips tables; the projection and similar-area tables are not the loader's) known by
    its hash, so pandas is never imported for it (issue 26: no-op under a second)."""
    import subprocess
    import sys

    rejected_rows(high_values)  # remembered in build/cache (this test's, by the fixture)
    script = (
        "import sys; from pathlib import Path; from hwb import paths; "
        f"paths.BUILD = Path({str(paths.BUILD)!r}); "
        "from hwb.data.rejected import rejected_rows; "
        f"report = rejected_rows({str(high_values)!r}); "
        "print(len(report), 'pandas' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "False"]
