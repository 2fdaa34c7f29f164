"""Build the Jupyter Book (1.x) from already-executed pages.

Execution is off in ``_config.yml``; Sphinx warnings are errors. If some district pages
have not been rendered yet, the book is built from a table of contents that leaves them
out (and says which), so one district can be previewed before ``make all``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hwb import paths, yamlio
from hwb.errors import HwbError
from hwb.render import book_process


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
    toc = yamlio.load_file(root / "_toc.yml")
    return [f for f in _toc_files(toc) if not _exists(root, f)]


def _toc_for_build(root: Path) -> tuple[Path, list[str]]:
    toc_path = root / "_toc.yml"
    missing = missing_pages(root)
    if not missing:
        return toc_path, []
    toc = yamlio.load_file(toc_path)
    if toc["root"] in missing:
        raise HwbError(f"the book's root page {toc['root']} is missing; restore it from git")
    for part in toc.get("parts", []):
        part["chapters"] = [c for c in part["chapters"] if c["file"] not in missing]
    toc["parts"] = [p for p in toc.get("parts", []) if p["chapters"]]
    partial = root / "build" / "_toc.partial.yml"
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_text(yamlio.safe_dump(toc, sort_keys=False), encoding="utf-8")
    return partial, missing


_BOOK_PROCESS = [sys.executable, "-m", "hwb.render.book_process"]


class WarmBook:
    """A jupyter-book process started before the pages are done (while a core is idle): it
    imports Sphinx, MyST-NB, the theme and extensions (about 2 s) so that the build itself
    starts at once. :func:`build_book` hands it the arguments; :meth:`cancel` if unused."""

    def __init__(self, root: Path | None = None) -> None:
        import atexit

        self.root = Path(root or paths.ROOT)
        self.process = subprocess.Popen(
            [*_BOOK_PROCESS, "--from-stdin"],
            cwd=self.root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        atexit.register(self.cancel)

    def run(self, args: list[str]) -> subprocess.CompletedProcess:
        import json

        out, err = self.process.communicate(json.dumps(args) + "\n")
        return subprocess.CompletedProcess(args, self.process.returncode, out, err)

    def cancel(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


PARALLEL_FROM_PAGES = 60  # below this Sphinx's parallel start-up costs more than it saves


def sphinx_jobs(pages: int, cores: int | None = None) -> int:
    """Sphinx's ``-j`` for a book of ``pages`` pages: one more than the cores.

    Sphinx reads with ``-j`` processes but writes with ``-j`` minus one (the main process
    only hands out pages while they write), so ``-j`` equal to the cores would write the
    pages on one core.
    """
    import os

    if pages < PARALLEL_FROM_PAGES:
        return 1
    return (cores or len(os.sched_getaffinity(0))) + 1


def build_book(
    root: Path | None = None,
    output: Path | None = None,
    quiet: bool = True,
    jobs: int | None = None,
    warm: WarmBook | None = None,
) -> Path:
    """Build the HTML book; return the folder holding ``index.html``.

    ``jobs``: Sphinx's ``-j`` (default: :func:`sphinx_jobs`, one more than the cores when the
    book has hundreds of pages, else 1). ``warm``: a :class:`WarmBook` for the same root to build in.
    """
    root = Path(root or paths.ROOT)
    output = Path(output) if output else root / "book"
    toc, missing = _toc_for_build(root)
    if missing:
        print(f"note: left out of this build, no page yet: {', '.join(missing)}")
        hints = []
        if any(
            entry.startswith("book/districts/") or entry == "book/overview" for entry in missing
        ):
            hints.append("`make all` renders every pack and the overview")
        if "book/changes" in missing:
            hints.append("`hwb changes OLD NEW` writes the 'What changed' page from two snapshots")
        for hint in hints:
            print(f"      {hint}")
    if jobs is None:
        pages = len(_toc_files(yamlio.load_file(toc)))
        jobs = sphinx_jobs(pages)
    args = [
        str(jobs),
        "build",
        str(root),
        "--path-output",
        str(output),
        "--toc",
        str(toc),
        "--builder",
        "html",
        "--warningiserror",
        "--keep-going",
    ]
    if quiet:
        args.append("--quiet")
    if warm is not None and warm.root == root and warm.process.poll() is None:
        result = warm.run(args)
    else:
        if warm is not None:
            warm.cancel()
        result = subprocess.run(
            [*_BOOK_PROCESS, *args], capture_output=True, text=True, cwd=root, check=False
        )
    if result.returncode != 0:
        lines = (result.stdout + result.stderr).strip().splitlines()
        cause = [line for line in lines if line.startswith(book_process.CAUSE_MARKER)]
        if cause:
            raise HwbError(f"the book build failed: {cause[-1][len(book_process.CAUSE_MARKER) :]}")
        tail = "\n".join(lines[-25:])
        raise HwbError(f"the book build failed (Sphinx warnings are errors):\n{tail}")
    html = output / "_build" / "html"
    pages = _toc_files(yamlio.load_file(toc))
    removed = prune_removed_pages(html, pages)
    if removed:
        print(f"note: removed from the built site, no longer in the book: {', '.join(removed)}")
    return html


def prune_removed_pages(html: Path, pages: list[str]) -> list[str]:
    """Delete built pages that are no longer part of the book; return their entries.

    Sphinx builds incrementally and never deletes the HTML of a page that left the table
    of contents (a district removed, or a page left out because it is not rendered yet),
    so the site would keep serving it. Only ``.html`` files under ``html/book/`` (where
    every page of this book lands) are considered; shared assets are left alone.
    """
    html = Path(html)
    keep = {page.removesuffix(".ipynb").removesuffix(".md") for page in pages}
    base = html / "book"
    removed = []
    for path in sorted(base.rglob("*.html")) if base.is_dir() else []:
        entry = path.relative_to(html).with_suffix("").as_posix()
        if entry not in keep:
            path.unlink()
            removed.append(entry)
    for folder in (
        sorted((p for p in base.rglob("*") if p.is_dir()), reverse=True) if base.is_dir() else []
    ):
        if not any(folder.iterdir()):
            folder.rmdir()
    return removed


def book_key(root: Path | None = None) -> str:
    """sha256 over everything the HTML is built from: pages, configuration, table of
    contents, static files and the lock file (so a tool upgrade rebuilds)."""
    import hashlib

    root = Path(root or paths.ROOT)
    h = hashlib.sha256()
    sources = [root / "_config.yml", root / "_toc.yml", root / "requirements.lock"]
    book = root / "book"
    if book.is_dir():
        sources += sorted(
            p
            for p in book.rglob("*")
            if p.is_file()
            and "_build" not in p.relative_to(book).parts
            and not p.name.endswith(".tmp")
        )
    for path in sources:
        if path.is_file():
            h.update(path.relative_to(root).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def build_book_if_changed(
    root: Path | None = None,
    force: bool = False,
    jobs: int | None = None,
    warm: WarmBook | None = None,
) -> tuple[Path, bool]:
    """Build the book unless nothing it is built from changed since the last build.

    Returns (HTML folder, whether it was built). The key is kept in ``build/cache/book.json``.
    ``warm``: a :class:`WarmBook` to build in (cancelled when there is nothing to build).
    """
    import json

    from hwb.render import atomic

    root = Path(root or paths.ROOT)
    html = root / "book" / "_build" / "html"
    stamp = root / "build" / "cache" / "book.json"
    key = book_key(root)
    try:
        recorded = json.loads(stamp.read_text("utf-8"))
    except (OSError, ValueError):
        recorded = {}
    if not force and recorded.get("key") == key and (html / "index.html").is_file():
        if warm is not None:
            warm.cancel()
        return html, False
    stamp.unlink(missing_ok=True)  # an interrupted build must not look finished
    built = build_book(root=root, jobs=jobs, warm=warm)
    atomic.write_text(stamp, json.dumps({"key": key}) + "\n")
    return built, True


def page_path(entry: str, html: Path | None = None) -> Path:
    """Where a ``_toc.yml`` entry's page lands in the built HTML."""
    html = html or paths.BOOK_HTML
    return html / f"{entry}.html"
