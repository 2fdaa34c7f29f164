"""Snapshot manifests: names stay inside the folder, rows are checked, messages point at
the real file and suggest a fix that works for where the snapshot is."""

from __future__ import annotations

import gzip
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from hwb import paths
from hwb.data import snapshot
from hwb.errors import SnapshotMismatch

HEADER = "Indicator ID,Area Code,Time period,Value\n"


def _write(folder: Path, files: dict[str, str], *, rows: dict[str, int] | None = None) -> Path:
    """A snapshot folder of gzip CSV files with a manifest recording sha256, size and rows."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, text in files.items():
        data = snapshot.gzip_bytes(text.encode())
        (folder / name).write_bytes(data)
        entries.append(
            {
                "name": name,
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
                "rows": (rows or {}).get(name, text.count("\n") - 1),
            }
        )
    snapshot.write_manifest(folder, {"schema_version": 1, "synthetic": True, "files": entries})
    return folder


def _edit_manifest(folder: Path, **changes) -> None:
    manifest = yaml.safe_load((folder / "manifest.yml").read_text())
    for key, value in changes.items():
        manifest["files"][0][key] = value
    (folder / "manifest.yml").write_text(yaml.safe_dump(manifest, sort_keys=False))


@pytest.fixture
def snap(tmp_path: Path) -> Path:
    return _write(
        tmp_path / "snaps" / "one",
        {
            "a.csv.gz": HEADER + "1,E07000117,2020,5\n1,E10000017,2020,6\n",
            "b.csv.gz": HEADER + "2,E92000001,2020,7\n",
        },
    )


def test_a_well_formed_snapshot_verifies_and_lists_its_areas(snap):
    assert len(snapshot.verify_snapshot(snap)["files"]) == 2
    assert snapshot.area_codes(snap) == {"E07000117", "E10000017", "E92000001"}


@pytest.mark.parametrize(
    "name",
    [
        "../outside/x.csv.gz",
        "/etc/passwd",
        "sub/x.csv.gz",
        "..",
        "..\\x.csv.gz",
        "C:\\data\\x.csv.gz",
    ],
)
def test_manifest_names_that_leave_the_folder_are_refused(snap, tmp_path, name):
    outside = tmp_path / "snaps" / "outside"
    outside.mkdir()
    (outside / "x.csv.gz").write_bytes(b"")
    _edit_manifest(snap, name=name)
    with pytest.raises(SnapshotMismatch, match="points outside the snapshot folder") as err:
        snapshot.verify_snapshot(snap)
    assert repr(name) in str(err.value)
    with pytest.raises(SnapshotMismatch, match="points outside"):
        snapshot.read_manifest(snap)


def test_a_manifest_entry_without_a_name_or_not_a_mapping_is_refused(snap):
    _edit_manifest(snap, name=None)
    with pytest.raises(SnapshotMismatch, match="has no name"):
        snapshot.read_manifest(snap)
    (snap / "manifest.yml").write_text("files:\n- just-a-string\n")
    with pytest.raises(SnapshotMismatch, match="must be a mapping"):
        snapshot.read_manifest(snap)


def test_rows_in_the_manifest_are_checked(snap):
    # A header-only file whose hash and size were updated but not its row count.
    data = snapshot.gzip_bytes(HEADER.encode())
    (snap / "a.csv.gz").write_bytes(data)
    _edit_manifest(snap, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    with pytest.raises(
        SnapshotMismatch, match=r"a\.csv\.gz: 0 data rows, but manifest\.yml records 2"
    ):
        snapshot.verify_snapshot(snap)


def test_rows_count_records_not_lines(tmp_path):
    text = HEADER + '1,E07000117,2020,"5"\n1,"E0700\n0118",2020,6\n'
    folder = _write(tmp_path / "s", {"q.csv.gz": text}, rows={"q.csv.gz": 2})
    snapshot.verify_snapshot(folder)


def test_describe_file_counts_the_files_rows_not_the_frames(tmp_path):
    import pandas as pd

    path = tmp_path / "x.csv.gz"
    path.write_bytes(gzip.compress((HEADER + "1,E07000117,2020,5\n1,E07000118,2020,6\n").encode()))
    frame = pd.DataFrame({"Indicator ID": [1], "Area Code": ["E07000117"], "Time period": ["2020"]})
    assert snapshot.describe_file(path, frame)["rows"] == 2


def test_messages_for_a_snapshot_outside_the_repo_give_a_clean_path_and_no_git_hint(snap):
    (snap / "a.csv.gz").write_bytes(b"tampered")
    shown = Path(str(snap.parent / ".." / "snaps" / "one"))  # as a person might type it
    with pytest.raises(SnapshotMismatch) as err:
        snapshot.verify_snapshot(shown)
    message = str(err.value)
    assert message.startswith(f"{snap.resolve()}/a.csv.gz: size")
    assert "/../" not in message
    assert "git checkout" not in message
    assert f"restore a.csv.gz from wherever the snapshot in {snap.resolve()} came from" in message
    assert f"`hwb data demo --out {snap.resolve()}`" in message


def test_the_git_hint_names_the_real_path_inside_the_repo(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    folder = _write(tmp_path / "data" / "other", {"a.csv.gz": HEADER + "1,E07000117,2020,5\n"})
    (folder / "a.csv.gz").write_bytes(b"x")
    with pytest.raises(SnapshotMismatch) as err:
        snapshot.verify_snapshot(tmp_path / "data" / ".." / "data" / "other")
    message = str(err.value)
    assert message.startswith("data/other/a.csv.gz: size")
    assert "`git checkout -- data/other/a.csv.gz`" in message
    assert "`hwb data demo`" in message


@pytest.mark.parametrize("damage", ["flip", "delete", "add"])
def test_every_change_behind_the_manifests_back_is_named(snap, damage):
    if damage == "flip":
        data = bytearray((snap / "b.csv.gz").read_bytes())
        data[-5] ^= 0xFF
        (snap / "b.csv.gz").write_bytes(bytes(data))
        expected = r"b\.csv\.gz: sha256 .* does not match manifest\.yml"
    elif damage == "delete":
        (snap / "b.csv.gz").unlink()
        expected = r"b\.csv\.gz: listed in manifest\.yml but missing"
    else:
        (snap / "c.csv").write_text(HEADER)
        expected = r"data file\(s\) c\.csv are not listed in manifest\.yml"
    with pytest.raises(SnapshotMismatch, match=expected):
        snapshot.verify_snapshot(snap)


def test_a_file_rewritten_behind_a_kept_mtime_is_hashed_again(tmp_path):
    import os

    path = tmp_path / "a.csv"
    path.write_bytes(b"Area Code\nE07000117\n")
    first = snapshot.sha256_of(path)
    assert snapshot.sha256_of(path) == first  # unchanged: this process's hash is reused
    before = path.stat()
    path.write_bytes(b"Area Code\nE07000118\n")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert snapshot.sha256_of(path) == hashlib.sha256(path.read_bytes()).hexdigest() != first


def test_each_caller_gets_its_own_copy_of_the_manifest(snap):
    one = snapshot.read_manifest(snap)
    one["files"].clear()
    assert len(snapshot.read_manifest(snap)["files"]) == 2


def _dead_pid() -> int:
    """The process id of a process that has finished."""
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(finished.stdout)


def test_staging_folders_of_killed_writers_are_swept_and_a_live_ones_kept(tmp_path):
    """kill -9 during `make assemble` leaves data/.snapshot-new-<pid>-*/: the next data
    command (any staging_folder) and `hwb data clean` remove it, never a live writer's."""
    target = tmp_path / "data" / "snapshot"
    target.mkdir(parents=True)
    dead = _dead_pid()
    killed = tmp_path / "data" / f".snapshot-new-{dead}-abc123"
    moved_aside = tmp_path / "data" / f".snapshot-old-{dead}-def456"
    running = tmp_path / "data" / f".snapshot-new-{os.getpid()}-ghi789"
    legacy_old = tmp_path / "data" / ".snapshot-new-k2j3h4"  # named before pids were
    legacy_new = tmp_path / "data" / ".snapshot-new-x9y8z7"
    for folder in (killed, moved_aside, running, legacy_old, legacy_new):
        folder.mkdir()
        (folder / "fingertips_1.csv.gz").write_bytes(b"x")
    past = time.time() - snapshot.STALE_STAGING_SECONDS - 60
    os.utime(legacy_old, (past, past))
    with snapshot.staging_folder(target) as staging:
        assert staging.name.startswith(f".snapshot-new-{os.getpid()}-")
        left = sorted(p.name for p in target.parent.iterdir())
    assert left == sorted([running.name, legacy_new.name, staging.name, "snapshot"])
    assert not staging.exists()


def test_a_moved_aside_snapshot_is_kept_while_the_snapshot_is_missing(tmp_path, caplog):
    target = tmp_path / "snapshot"
    aside = tmp_path / f".snapshot-old-{_dead_pid()}-abc123"
    aside.mkdir()
    (aside / "manifest.yml").write_text("files: []\n")
    assert snapshot.sweep_staging(target) == []
    assert aside.exists() and "may hold its last copy: kept (rename it back)" in caplog.text
    target.mkdir()
    assert snapshot.sweep_staging(target) == [aside]


def test_hwb_data_clean_removes_what_a_killed_data_command_left(tmp_path, capsys):
    from hwb.cli import main

    target = tmp_path / "snapshot"
    target.mkdir()
    killed = tmp_path / f".snapshot-new-{_dead_pid()}-abc123"
    killed.mkdir()
    assert main(["data", "clean", str(target)]) == 0
    assert not killed.exists()
    assert capsys.readouterr().out == (
        f"removed {killed} (left by a data command that was killed)\n"
    )
