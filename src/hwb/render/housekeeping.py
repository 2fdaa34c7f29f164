"""One build at a time, and nothing left over from an interrupted one.

:func:`build_lock` holds ``build/.lock`` for the whole run (``fcntl`` on POSIX, ``msvcrt``
on Windows, else a pid file), imported when a build starts, not at module import.
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

BUSY = "another `hwb build` is running in this checkout; wait for it to finish"
STALE_TEMP_SECONDS = 600


@contextmanager
def build_lock() -> Iterator[None]:
    """Hold ``build/.lock`` for the whole run; a second concurrent build is refused."""
    paths.BUILD.mkdir(parents=True, exist_ok=True)
    path = paths.BUILD / ".lock"
    try:
        import fcntl
    except ImportError:
        fcntl = None
    if fcntl is None:
        with _fallback_lock(path):
            yield
        return
    handle = open(path, "w")  # noqa: SIM115 (held for the run)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise HwbError(BUSY) from None
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


@contextmanager
def _fallback_lock(path: Path) -> Iterator[None]:
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
            raise HwbError(BUSY) from None
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
        raise HwbError(BUSY)
    pid_file.write_text(str(os.getpid()))
    try:
        yield
    finally:
        pid_file.unlink(missing_ok=True)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:  # Windows: no such process
        return False
    return True


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
