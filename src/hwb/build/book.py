"""Build the Jupyter Book (1.x) from already-executed pages.

Execution is off in ``_config.yml``; Sphinx warnings are errors. If some district pages
have not been rendered yet, the book is built from a table of contents that leaves them
out (and says which), so one district can be previewed before ``make all``.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from hwb import paths
from hwb.errors import HwbError


def _toc_files(toc: dict) -> list[str]:
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return files


def _exists(root: Path, entry: str) -> bool:
    return any((root / f"{entry}{ext}").is_file() for ext in (".ipynb", ".md"))


def missing_pages(root: Path | None = None) -> list[str]:
    """Entries of ``_toc.yml`` with no page on disk yet."""
    root = root or paths.ROOT
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return [f for f in _toc_files(toc) if not _exists(root, f)]


def _toc_for_build(root: Path) -> tuple[Path, list[str]]:
    toc_path = root / "_toc.yml"
    missing = missing_pages(root)
    if not missing:
        return toc_path, []
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    if toc["root"] in missing:
        raise HwbError(f"the book's root page {toc['root']} is missing; restore it from git")
    for part in toc.get("parts", []):
        part["chapters"] = [c for c in part["chapters"] if c["file"] not in missing]
    toc["parts"] = [p for p in toc.get("parts", []) if p["chapters"]]
    partial = root / "build" / "_toc.partial.yml"
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    return partial, missing


def build_book(root: Path | None = None, output: Path | None = None, quiet: bool = True) -> Path:
    """Build the HTML book; return the folder holding ``index.html``."""
    root = Path(root or paths.ROOT)
    output = Path(output) if output else root / "book"
    toc, missing = _toc_for_build(root)
    if missing:
        print(f"note: not yet rendered, left out of this build: {', '.join(missing)} (run `make all`)")
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [
        str(jupyter_book), "build", str(root), "--path-output", str(output), "--toc", str(toc),
        "--builder", "html", "--warningiserror", "--keep-going",
    ]
    if quiet:
        command.append("--quiet")
    result = subprocess.run(command, capture_output=True, text=True, cwd=root)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-25:])
        raise HwbError(f"the book build failed (Sphinx warnings are errors):\n{tail}")
    return output / "_build" / "html"


def page_path(entry: str, html: Path | None = None) -> Path:
    """Where a ``_toc.yml`` entry's page lands in the built HTML."""
    html = html or paths.BOOK_HTML
    return html / f"{entry}.html"
