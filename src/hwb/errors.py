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
