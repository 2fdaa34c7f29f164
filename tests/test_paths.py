"""hwb.paths: folders a command writes to are checked before any work, naming the fix."""

from __future__ import annotations

import errno
import os
import resource
import subprocess
import sys
import tempfile

import pytest
import render_support as support

from hwb import paths
from hwb.errors import HwbError, os_error_message

project = support.project  # the fixture: a temporary project root


@pytest.mark.parametrize(
    ("code", "fix"),
    [
        (errno.EROFS, "the filesystem is read-only: work in a writable copy (HWB_ROOT=<folder>)"),
        (errno.EACCES, "make it writable for you (chmod u+w), or work in a copy you can write to"),
        (errno.ENOSPC, "the disk is full: free some space and run it again"),
    ],
)
def test_a_folder_that_cannot_be_written_is_named_with_the_fix(tmp_path, monkeypatch, code, fix):
    folder = tmp_path / "book" / "districts"
    folder.mkdir(parents=True)

    def refuse(*args, dir=None, **kwargs):
        raise OSError(code, os.strerror(code), str(dir))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(HwbError) as err:
        paths.check_writable(folder, tmp_path / "build" / "cache")
    assert str(err.value) == f"cannot write to {folder}: {os.strerror(code)}; {fix}"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "districts"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(HwbError, match=rf"cannot write to {folder}: Permission denied; make"):
            paths.check_writable(folder / "new")
    finally:
        folder.chmod(0o755)


def test_a_writable_folder_is_left_as_it_was(tmp_path):
    paths.check_writable(tmp_path, tmp_path / "not" / "yet")
    assert list(tmp_path.iterdir()) == []


def test_os_errors_become_one_line_naming_the_path_and_the_fix():
    error = OSError(errno.EFBIG, "File too large", "book/districts/burnley.ipynb")
    assert os_error_message(error) == (
        "book/districts/burnley.ipynb: File too large; the file-size limit (ulimit -f) is too "
        "low for it: raise it (ulimit -f unlimited)"
    )


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, resource.RLIM_INFINITY))


@pytest.mark.parametrize(
    "argv", [["build", "burnley", "--no-book"], ["district", "burnley"], ["data", "demo"]]
)
def test_a_file_size_limit_too_low_is_refused_before_any_work(project, argv):
    before = {p: p.stat().st_mtime_ns for p in project.rglob("*") if p.is_file()}
    result = subprocess.run(
        [sys.executable, "-m", "hwb.cli", *argv],
        env={**os.environ, "HWB_ROOT": str(project)},
        preexec_fn=_limit_file_size,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "error: the file-size limit (ulimit -f) is 1,000,000 bytes, too low to write the "
        "book's files (up to a few megabytes; at least 64 MiB needed): raise it (ulimit -f "
        "unlimited) and run it again\n"
    )
    after = {p: p.stat().st_mtime_ns for p in project.rglob("*") if p.is_file()}
    assert {p: t for p, t in after.items() if "cache" not in p.parts} == {
        p: t for p, t in before.items() if "cache" not in p.parts
    }
