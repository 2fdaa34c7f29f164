"""Results one build's pages share: a pack's headline table, long-list and projections.

A partnership's four-page summary shows the headline table, the recommended priorities
and the projections its full pack has just worked out. Inside ``hwb build`` the render
layer gives every kernel a folder that lives for that build only (the environment variable
:data:`hwb.paths.SHARED_RESULTS_ENV`); the first page to need a result computes it and
leaves it there, and a later page of the same build reads it back instead of computing it
again. With no folder (a notebook run by hand, the tests, a remote Dask worker) every
result is simply computed: the pages are the same bytes either way.

A result is found again only under the same key: what it is, what it was computed from
(its caller's ``identity``: the validated parameters' JSON, or for one area of the snapshot
as loaded, the area's codes and the settings the result reads), the snapshot folder and its
verified manifest (which holds every data file's SHA-256), the catalogue file and the
``hwb`` source the process runs. Anything else a result depends on is one of those, or fixed
for the build (the locked packages). A result whose computing warned is not shared (a page
reading it back would not show the warning), and a result that cannot be read back or
stored is computed again: sharing only ever saves time.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from hwb import paths

T = TypeVar("T")


def folder() -> Path | None:
    """This build's folder of shared results, or None when results are not shared."""
    value = os.environ.get(paths.SHARED_RESULTS_ENV)
    if not value:
        return None
    path = Path(value)
    return path if path.is_dir() else None


def remember(name: str, identity: Mapping[str, Any], compute: Callable[[], T]) -> T:
    """``compute()``, or the result an earlier page of this build stored under the same key.

    ``identity``: what the result was computed from, as JSON-able values (the parameters'
    JSON, the snapshot folder, its manifest). Callers must not modify what is returned.
    """
    where = folder()
    if where is None:
        return compute()
    path = where / f"{name}-{key(name, identity)}.pickle"
    stored = _read(path)
    if stored is not _MISSING:
        return stored
    with warnings.catch_warnings(record=True) as caught:
        value = compute()
    for warning in caught:  # shown as they would have been, and the result kept to this page
        warnings.showwarning(
            warning.message, warning.category, warning.filename, warning.lineno, warning.file
        )
    if not caught:
        _store(path, value)
    return value


_MISSING = object()


def _read(path: Path) -> Any:
    """The result stored at ``path``, or :data:`_MISSING` (not there, or unreadable: then it
    is computed, as without sharing)."""
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - whatever went wrong, computing it is always right
        return _MISSING


def _store(path: Path, value: Any) -> None:
    """Store ``value`` at ``path`` if it can be: a page that cannot still shows its result."""
    try:
        _write(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - sharing only ever saves time
        return


def key(name: str, identity: Mapping[str, Any]) -> str:
    """The SHA-256 naming a result: ``name``, ``identity``, the catalogue file and the source."""
    text = json.dumps(
        {
            "name": name,
            "identity": identity,
            "catalogue": _file_digest(str(paths.CATALOGUE)),
            "source": source_digest(),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest_digest(manifest: Mapping[str, Any]) -> str:
    """The SHA-256 of a verified snapshot manifest (its files' hashes included)."""
    text = json.dumps(manifest, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_source_digest() -> str:
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for file in sorted(package.rglob("*.py")):
        digest.update(file.relative_to(package).as_posix().encode("utf-8") + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


# Read when this module is imported, with the code this process runs: kernels forked from
# the build's fork server inherit the digest of the code they inherit.
_SOURCE_DIGEST = _read_source_digest()


def source_digest() -> str:
    """The SHA-256 of this ``hwb`` package's Python source, as imported by this process."""
    return _SOURCE_DIGEST


def _file_digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        return ""


def _write(path: Path, data: bytes) -> None:
    """Write whole or not at all: two pages of one build may store the same result at once."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
