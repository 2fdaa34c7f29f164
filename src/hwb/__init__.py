"""The Lancashire Health & Wellbeing evidence book.

The library the district and overview notebooks call. Import submodules directly
(``hwb.params``, ``hwb.data``, ``hwb.stats``, ``hwb.charts``, ``hwb.render``); nothing
heavy is imported here so ``import hwb`` stays fast.
"""
from __future__ import annotations

__version__ = "0.1.0"

from hwb.errors import (  # noqa: F401  (the public error types)
    BadParameter,
    DataInvalid,
    HwbError,
    PackFailed,
    SnapshotMismatch,
)
