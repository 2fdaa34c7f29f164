"""Every folder the project uses, derived from the repository root.

Imports nothing else of :mod:`hwb`, so any module may import it. Set ``HWB_ROOT``
to point the library at another checkout (tests build into temporary copies).
"""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    env = os.environ.get("HWB_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "_toc.yml").is_file():
            return parent
    return here.parents[2]


ROOT = _find_root()


# A finite file-size limit (ulimit -f) below this is refused before a command writes: the
# book's largest files (search index, pages, PDFs, snapshot files) are a few megabytes.
MIN_FILE_SIZE_LIMIT = 64 * 1024 * 1024


def check_writable(*folders: Path) -> None:
    """Refuse, before any work, folders a command must write to but cannot (read-only,
    no permission, a file-size limit too low), naming the folder and the fix. A folder
    that does not exist yet needs its nearest existing parent writable."""
    import tempfile

    from hwb.errors import HwbError, os_error_message

    try:
        import resource  # POSIX only

        limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
        if limit == resource.RLIM_INFINITY:
            limit = None
    except (ImportError, ValueError, OSError):
        limit = None
    if limit is not None and limit < MIN_FILE_SIZE_LIMIT:
        raise HwbError(
            f"the file-size limit (ulimit -f) is {limit:,} bytes, too low to write the book's "
            f"files (up to a few megabytes; at least {MIN_FILE_SIZE_LIMIT // 2**20} MiB "
            "needed): raise it (ulimit -f unlimited) and run it again"
        )
    for folder in folders:
        existing = Path(folder)
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        try:
            handle, probe = tempfile.mkstemp(prefix=".hwb-write-check-", dir=existing)
        except OSError as exc:
            raise HwbError(f"cannot write to {os_error_message(exc, existing)}") from None
        os.close(handle)
        os.unlink(probe)


def check_root() -> None:
    """Refuse (naming ``HWB_ROOT``) a root that is not a checkout: a folder with ``_toc.yml``
    and ``parameters/``. Only ``HWB_ROOT`` can point elsewhere; the checkout found from this
    file is what it is."""
    env = os.environ.get("HWB_ROOT")
    if not env or ((ROOT / "_toc.yml").is_file() and (ROOT / "parameters").is_dir()):
        return
    from hwb.errors import HwbError

    what = "does not exist" if not ROOT.exists() else "is not a checkout of the evidence book"
    raise HwbError(
        f"HWB_ROOT={env}: {ROOT} {what} (it needs _toc.yml and parameters/); point HWB_ROOT "
        "at a checkout, or unset it to use the one hwb is installed from"
    )


PARAMETERS = ROOT / "parameters"
NOTEBOOKS = ROOT / "notebooks"
DATA = ROOT / "data"
SNAPSHOT = DATA / "snapshot"
CATALOGUE = DATA / "catalogue.yml"
BOOK = ROOT / "book"
DISTRICT_PAGES = BOOK / "districts"
SUMMARY_PAGES = BOOK / "summaries"  # each partnership's four-page summary ("at a glance")
BOOK_BUILD = BOOK / "_build"
BOOK_HTML = BOOK_BUILD / "html"
BUILD = ROOT / "build"  # scratch: failed notebooks, run manifests, cache index (git-ignored)
MODELS = BUILD / "model"  # each partnership's model: the numbers its pages show (hwb.model)
FAILED = BUILD / "failed"
LOCK = ROOT / "requirements.lock"
SRC = ROOT / "src" / "hwb"
DISTRICT_TEMPLATE = NOTEBOOKS / "district_pack.ipynb"
SUMMARY_TEMPLATE = NOTEBOOKS / "summary.ipynb"
SHARED = ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"
REAL_EXTRACT = SHARED_DATA / "real_fingertips_layout" / "lancashire_fingertips.csv"
