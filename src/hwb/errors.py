"""One root error and a few narrow ones; each message says what to fix.

The CLI prints ``str(error)`` and exits non-zero, with no traceback, for any
:class:`HwbError`. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class HwbError(Exception):
    """Root of every error the project raises on purpose."""


class BadParameter(HwbError):
    """A district name or parameter file is wrong (names the file and key)."""


class SnapshotMismatch(HwbError):
    """A snapshot file does not match its manifest (names the file and the fixing command)."""


class DataInvalid(HwbError):
    """Data failed validation (names the file, row and column)."""


class FetchFailed(HwbError):
    """The live Fingertips client could not build a new snapshot (says what failed)."""


class StatsInputError(HwbError, ValueError):
    """A statistics function was given impossible input (names the column and rows)."""


class PackFailed(HwbError):
    """Executing a district's notebook failed (names the district, cell and kept notebook)."""


# What to do about an operating-system error, by errno (see os_error_message).
_OS_FIXES = {
    1: "make it writable for you (chmod u+w), or work in a copy you can write to",  # EPERM
    13: "make it writable for you (chmod u+w), or work in a copy you can write to",  # EACCES
    27: "the file-size limit (ulimit -f) is too low for it: raise it (ulimit -f unlimited)",  # EFBIG
    28: "the disk is full: free some space and run it again",  # ENOSPC
    30: "the filesystem is read-only: work in a writable copy (HWB_ROOT=<folder>)",  # EROFS
    122: "your disk quota is used up: free some space and run it again",  # EDQUOT
}


def os_error_message(error: OSError, path: object = None) -> str:
    """One line for an operating-system error: the path, what went wrong and the fix
    (``book/districts/x.ipynb: Permission denied; make it writable …``)."""
    where = path if path is not None else (error.filename or "a file")
    why = error.strerror or str(error) or type(error).__name__
    fix = _OS_FIXES.get(error.errno or 0, "check the path, its permissions and the free space")
    return f"{where}: {why}; {fix}"
