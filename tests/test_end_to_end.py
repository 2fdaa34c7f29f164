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

from hwb import paths
from hwb.render import book

pytestmark = pytest.mark.slow

BOOK_SOURCES = ("_config.yml", "_toc.yml")


@pytest.fixture(scope="module")
def rendered(burnley_renders) -> tuple[Path, Path]:
    """Burnley's pack executed twice into two temporary folders (the first is the one
    test_pages_built.py reads: see tests/conftest.py)."""
    return burnley_renders[0], burnley_renders[1]


def test_two_executions_give_identical_bytes_even_with_another_machines_arithmetic(rendered):
    """The second execution's kernel computes as another CPU and BLAS would (other last
    bits in every fit and interval: tests/conftest.py); the page must not show it."""
    first, second = rendered
    assert first.read_bytes() == second.read_bytes()
    assert "image/png" not in first.read_text()


def test_rendered_pack_is_clean_and_titled(rendered):
    import nbformat

    nb = nbformat.read(rendered[0], as_version=4)
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors == []
    first_markdown = next(c for c in nb.cells if c.cell_type == "markdown")
    assert re.match(r"# Burnley\b", first_markdown.source)
    assert [c.id for c in nb.cells] == [f"burnley-{i}" for i in range(len(nb.cells))]
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "remove-cell" in injected[0].metadata["tags"]
    text = rendered[0].read_text()
    assert "start_time" not in text and "duration" not in text


def _book_with_one_district(tmp_path: Path, page: Path) -> Path:
    """A project root holding the committed book pages but only ``page`` among the districts."""
    root = tmp_path / "root"
    shutil.copytree(paths.BOOK, root / "book", ignore=shutil.ignore_patterns("_build", "districts"))
    (root / "book" / "districts").mkdir()
    for name in BOOK_SOURCES:
        shutil.copy(paths.ROOT / name, root / name)
    shutil.copy(page, root / "book" / "districts" / "burnley.ipynb")
    return root


@pytest.mark.parametrize("warm", [False, True], ids=["new-process", "warm-process"])
def test_book_builds_and_contains_the_district_page(rendered, tmp_path, warm):
    root = _book_with_one_district(tmp_path, rendered[0])
    process = (
        book.WarmBook(root) if warm else None
    )  # what `make` starts while the last page renders
    html = book.build_book(root=root, output=root / "book", warm=process)
    if process is not None:
        assert process.process.returncode == 0
    page = book.page_path("book/districts/burnley", html)
    assert page.is_file()
    content = page.read_text()
    assert re.search(r"<h1>Burnley\b", content)
    assert "injected-parameters" not in content  # the parameter cell is hidden
    assert "Last updated" not in content
    assert "sphinx-thebe" not in content and "thebe-launch" not in content  # no Thebe
    assert "launch-buttons" not in content and "btn-launch" not in content  # no launch buttons


def test_a_warm_book_process_has_already_imported_what_the_build_imports(rendered, tmp_path):
    """The point of a warm process: the build itself imports (next to) nothing; it was 604 modules."""
    root = _book_with_one_district(tmp_path, rendered[0])
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
