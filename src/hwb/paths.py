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
