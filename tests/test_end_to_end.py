"""End to end: execute one partnership's pack with Papermill and build the book around it.

Builds into temporary folders so the working tree is untouched.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from render_support import district_page_is_clean

from hwb import paths
from hwb.render import book

pytestmark = pytest.mark.slow

BOOK_SOURCES = ("_config.yml", "_toc.yml")


@pytest.fixture(scope="module")
def rendered(burnley_render) -> Path:
    """Burnley's pack executed into a temporary folder under another machine's arithmetic
    (tests/conftest.py; the one test_pages_built.py reads too)."""
    return burnley_render.path


def test_a_render_under_another_machines_arithmetic_gives_the_committed_bytes(rendered):
    """The kernel computes as another CPU and BLAS would (other last bits in every fit and
    interval: tests/conftest.py); the page must be the committed one, byte for byte, as a
    fresh clone on any machine renders it (check-rendered renders them all on this one)."""
    committed = paths.DISTRICT_PAGES / "burnley.ipynb"
    assert rendered.read_bytes() == committed.read_bytes(), (
        "Burnley's pack rendered under other numerics differs from book/districts/burnley.ipynb:"
        " if the code changed the page, re-render with `.venv/bin/hwb build` and commit it;"
        " else the page depends on the machine (see `hwb diff burnley`)"
    )
    assert "image/png" not in rendered.read_text()


def test_rendered_pack_is_clean_and_titled(rendered):
    import nbformat

    nb = nbformat.read(rendered, as_version=4)
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors == []
    first_markdown = next(c for c in nb.cells if c.cell_type == "markdown")
    assert re.match(r"# Burnley\b", first_markdown.source)
    assert [c.id for c in nb.cells] == [f"burnley-{i}" for i in range(len(nb.cells))]
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "remove-cell" in injected[0].metadata["tags"]
    text = rendered.read_text()
    assert "start_time" not in text and "duration" not in text


def _book_with_one_district(tmp_path: Path, page: Path) -> Path:
    """A project root holding the committed book's written pages (the introduction, methods,
    …) and, of its rendered ones, only ``page`` among the districts (the build leaves the
    others out, as for a first `make district=…`)."""
    root = tmp_path / "root"
    shutil.copytree(
        paths.BOOK,
        root / "book",
        ignore=shutil.ignore_patterns("_build", "districts", "summaries", "overview.ipynb"),
    )
    (root / "book" / "districts").mkdir()
    for name in BOOK_SOURCES:
        shutil.copy(paths.ROOT / name, root / name)
    shutil.copy(page, root / "book" / "districts" / "burnley.ipynb")
    return root


def test_a_warm_book_process_builds_the_book_with_the_district_page(rendered, tmp_path):
    """The book built in a warm process (what `make` starts while the last page renders);
    the same build in a new process is the browser tests' book (tests/browser/conftest.py)."""
    root = _book_with_one_district(tmp_path, rendered)
    process = book.WarmBook(root)
    html = book.build_book(root=root, output=root / "book", warm=process)
    assert process.process.returncode == 0
    page = book.page_path("book/districts/burnley", html)
    assert page.is_file()
    district_page_is_clean(page.read_text())


def test_a_warm_book_process_has_already_imported_what_the_build_imports(rendered, tmp_path):
    """The point of a warm process: the build itself imports (next to) nothing; it was 604 modules."""
    root = _book_with_one_district(tmp_path, rendered)
    toc, _ = book._toc_for_build(root)
    script = textwrap.dedent(f"""
        import json, sys
        from hwb.render import book_process
        book_process.preload()
        before = set(sys.modules)
        try:
            book_process.run(["1", "build", {str(root)!r}, "--path-output", {str(root / "book")!r},
                              "--toc", {str(toc)!r}, "--builder", "html", "--warningiserror", "--quiet"])
        except SystemExit as exc:
            assert not exc.code, exc.code
        print(json.dumps(sorted(set(sys.modules) - before)))
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    )
    imported = json.loads(result.stdout.strip().splitlines()[-1])
    assert (root / "book" / "_build" / "html" / "index.html").is_file()
    assert len(imported) < 20, imported


def test_an_unused_warm_book_process_is_stopped(tmp_path):
    warm = book.WarmBook(tmp_path)
    warm.cancel()
    assert warm.process.returncode is not None
