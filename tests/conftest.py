"""Shared fixtures: the repo root, a scratch copy of parameters, the real extract (or a skip)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hwb import paths


@pytest.fixture
def params_dir(tmp_path: Path) -> Path:
    """A writable copy of parameters/ to break in a test."""
    target = tmp_path / "parameters"
    shutil.copytree(paths.PARAMETERS, target)
    return target


@pytest.fixture
def real_extract() -> Path:
    """The real Lancashire Fingertips extract from ../shared, or skip when it is absent."""
    if not paths.REAL_EXTRACT.is_file():
        pytest.skip(f"real extract not available at {paths.REAL_EXTRACT}")
    return paths.REAL_EXTRACT
