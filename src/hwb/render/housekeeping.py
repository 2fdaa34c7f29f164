"""One build at a time, and nothing left over from an interrupted one.

:func:`build_lock` holds ``build/.lock`` for the whole run (``fcntl`` on POSIX, ``msvcrt``
on Windows, else a pid file), imported when a build starts, not at module import. Every
command that writes this checkout's data or pages holds it (:mod:`hwb.cli`), so a build
never mixes pages of two snapshots; one process may take it again (the command, then its
build), another is refused, told which command holds it.
:func:`sweep_leftovers` removes scratch notebooks of processes that are gone, stale
temporary files.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hwb import paths
from hwb.errors import HwbError
from hwb.processes import alive

BUSY = (
    "another hwb command is running in this checkout ({holder}), and only one at a time may "
    "write its data or pages; wait for it to finish"
)
STALE_TEMP_SECONDS = 600


_HELD: dict[Path, int] = {}  # lock file -> how many times this process holds it


@contextmanager
def build_lock(command: str = "a build") -> Iterator[None]:
    """Hold ``build/.lock`` for the whole run; another process's is refused (one line naming
    ``command`` of the holder and its process id). Taken again by the process that holds it,
    it is simply held on."""
    paths.BUILD.mkdir(parents=True, exist_ok=True)
    path = (paths.BUILD / ".lock").resolve()
    if _HELD.get(path):
        _HELD[path] += 1
        try:
            yield
        finally:
            _HELD[path] -= 1
        return
    with _exclusive(path, command):
        _HELD[path] = 1
        try:
            yield
        finally:
            _HELD.pop(path, None)


def _busy(path: Path) -> HwbError:
    try:
        holder = path.read_text(encoding="utf-8").strip() or "a build"
    except OSError:
        holder = "a build"
    return HwbError(BUSY.format(holder=holder))


@contextmanager
def _exclusive(path: Path, command: str) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:
        fcntl = None
    if fcntl is None:
        with _fallback_lock(path, command):
            yield
        return
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held for the run)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise _busy(path) from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"`{command}`, process {os.getpid()}\n")
        handle.flush()
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


@contextmanager
def _fallback_lock(path: Path, command: str) -> Iterator[None]:
    """Without ``fcntl``: ``msvcrt``'s byte lock, or a pid file that a dead build's successor
    takes over."""
    try:
        import msvcrt
    except ImportError:
        msvcrt = None
    if msvcrt is not None:
        handle = open(path, "a+")  # noqa: SIM115 (held for the run)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            handle.close()
            raise HwbError(BUSY.format(holder="a build")) from None
        try:
            yield
        finally:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
            handle.close()
        return
    pid_file = path.with_suffix(".pid")
    try:
        holder = int(pid_file.read_text().strip() or 0)
    except (OSError, ValueError):
        holder = 0
    if holder and holder != os.getpid() and alive(holder):
        raise HwbError(BUSY.format(holder=f"process {holder}"))
    pid_file.write_text(str(os.getpid()))
    try:
        yield
    finally:
        pid_file.unlink(missing_ok=True)


def sweep_leftovers(jobs: list) -> list[Path]:
    """Remove what an interrupted build left behind: scratch notebooks of processes that
    are gone, and temporary files (``.<name>.*.tmp``, pages' and models') older than ten minutes
    (this runs under the build lock)."""
    removed = []
    scratch = paths.BUILD / "scratch"
    for path in scratch.glob("*.ipynb") if scratch.is_dir() else []:
        parts = path.name.split(".")
        if len(parts) >= 3 and parts[1].isdigit() and not alive(int(parts[1])):
            path.unlink(missing_ok=True)
            removed.append(path)
    now = time.time()
    models = [p for p in paths.MODELS.iterdir() if p.is_dir()] if paths.MODELS.is_dir() else []
    folders = {Path(j.output).parent for j in jobs} | {paths.FAILED, paths.BUILD / "cache"}
    for folder in folders | set(models):
        for path in folder.glob(".*.tmp") if folder.is_dir() else []:
            try:
                if now - path.stat().st_mtime > STALE_TEMP_SECONDS:
                    path.unlink(missing_ok=True)
                    removed.append(path)
            except FileNotFoundError:
                continue
    return removed
