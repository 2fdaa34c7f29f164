"""The Lancashire Health & Wellbeing evidence book.

The library the district and overview notebooks call. Import submodules directly
(``hwb.params``, ``hwb.data``, ``hwb.stats``, ``hwb.charts``, ``hwb.render``); nothing
heavy is imported here so ``import hwb`` stays fast.
"""

from __future__ import annotations

from importlib import metadata as _metadata

try:  # one home for the version: pyproject.toml, read from the installed package's metadata
    __version__ = _metadata.version("lancashire-hwb")
except _metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

from hwb.errors import (  # noqa: F401  (the public error types)
    BadParameter,
    DataInvalid,
    HwbError,
    PackFailed,
    SnapshotMismatch,
)
