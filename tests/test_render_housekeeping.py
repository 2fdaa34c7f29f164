"""One build at a time (with or without ``fcntl``), and leftovers of a dead build swept."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
import render_support as support

from hwb import paths
from hwb.errors import HwbError
from hwb.render.housekeeping import (
    STALE_TEMP_SECONDS,
    build_lock,
    sweep_leftovers,
)

project = support.project  # the fixture: a temporary project root
hold_lock = support.hold_lock


def test_a_second_build_in_the_same_checkout_is_refused_naming_the_first(project):
    holder = hold_lock(project, "hwb data demo")
    try:
        with pytest.raises(HwbError) as err, build_lock():
            pass
    finally:
        holder.kill()
        holder.wait()
    assert str(err.value) == (
        f"another hwb command is running in this checkout (`hwb data demo`, process "
        f"{holder.pid}), and only one at a time may write its data or pages; wait for it to "
        "finish"
    )
    with build_lock():  # released
        pass


def test_the_process_holding_the_lock_may_take_it_again(project):
    with build_lock("hwb build"), build_lock():  # the command, then its build
        assert "`hwb build`" in (paths.BUILD / ".lock").read_text()
    holder = hold_lock(project)  # released: another process takes it
    holder.kill()
    holder.wait()


def test_without_fcntl_a_pid_file_locks_and_a_dead_holder_is_taken_over(project, monkeypatch):
    monkeypatch.setitem(sys.modules, "fcntl", None)
    if sys.platform != "win32":
        monkeypatch.setitem(sys.modules, "msvcrt", None)
    with build_lock():
        assert (paths.BUILD / ".lock.pid").read_text() == str(os.getpid())
    assert not (paths.BUILD / ".lock.pid").exists()
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (paths.BUILD / ".lock.pid").write_text(str(other.pid))
        with pytest.raises(HwbError, match="another hwb command is running"), build_lock():
            pass
    finally:
        other.kill()
        other.wait()
    with build_lock():  # its holder is gone: taken over
        pass


def test_scratch_of_dead_processes_and_old_temporary_files_are_swept(project):
    scratch = paths.BUILD / "scratch"
    scratch.mkdir(parents=True)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    gone, live = scratch / f"burnley.{dead}.x.ipynb", scratch / f"hyndburn.{os.getpid()}.x.ipynb"
    old, new = (
        paths.DISTRICT_PAGES / ".burnley.ipynb.1.tmp",
        paths.DISTRICT_PAGES / ".hyndburn.ipynb.2.tmp",
    )
    for path in (gone, live, old, new):
        path.write_text("{}")
    past = time.time() - STALE_TEMP_SECONDS - 60
    os.utime(old, (past, past))
    (paths.MODELS / "burnley").mkdir(parents=True)
    leftover = paths.MODELS / "burnley" / ".headline.csv.abc123.tmp"  # a killed model write
    leftover.write_text("x")
    os.utime(leftover, (past, past))
    job = SimpleNamespace(output=paths.DISTRICT_PAGES / "burnley.ipynb")
    assert sorted(sweep_leftovers([job])) == sorted([gone, old, leftover])
    assert live.exists() and new.exists() and not leftover.exists()
