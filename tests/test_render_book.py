"""The built site holds exactly the book's pages: a page that left the book is removed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hwb.errors import HwbError
from hwb.render import book

TOC = """format: jb-book
root: book/intro
parts:
  - caption: District evidence packs
    chapters:
      - file: book/districts/burnley
      - file: book/districts/chorley
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "book" / "districts").mkdir(parents=True)
    (tmp_path / "_toc.yml").write_text(TOC)
    (tmp_path / "book" / "intro.md").write_text("# Intro\n")
    (tmp_path / "book" / "districts" / "burnley.ipynb").write_text("{}")
    html = tmp_path / "book" / "_build" / "html"
    for page in (
        "book/intro",
        "book/districts/burnley",
        "book/districts/chorley",
        "book/districts/wyre",
        "book/old/gone",
    ):
        (html / f"{page}.html").parent.mkdir(parents=True, exist_ok=True)
        (html / f"{page}.html").write_text("<html></html>")
    (html / "_static").mkdir()
    (html / "_static" / "hwb.css").write_text("")
    (html / "index.html").write_text("")
    (html / "search.html").write_text("")
    return tmp_path


def test_a_build_removes_pages_that_left_the_book(root, monkeypatch, capsys):
    monkeypatch.setattr(book, "_BOOK_PROCESS", [sys.executable, "-c", "pass"])  # no Sphinx
    html = book.build_book(root=root)
    out = capsys.readouterr().out
    left = sorted(p.relative_to(html).as_posix() for p in html.rglob("*") if p.is_file())
    # chorley is in _toc.yml but has no page on disk yet, so this build leaves it out too.
    assert left == [
        "_static/hwb.css",
        "book/districts/burnley.html",
        "book/intro.html",
        "index.html",
        "search.html",
    ]
    assert not (html / "book" / "old").exists()
    assert "removed from the built site" in out and "book/districts/wyre" in out


def test_prune_keeps_every_current_page():
    assert book.prune_removed_pages(Path("/nonexistent"), ["book/intro"]) == []


def test_sphinx_writes_a_big_book_on_every_core():
    # Sphinx writes with -j minus one worker processes, so -j is one more than the cores
    assert book.sphinx_jobs(601, cores=2) == 3
    assert book.sphinx_jobs(book.PARALLEL_FROM_PAGES, cores=4) == 5
    # a small book is written serially: forking workers would cost more than it saves
    assert book.sphinx_jobs(book.PARALLEL_FROM_PAGES - 1, cores=2) == 1


FAILING_JUPYTER_BOOK = """
import sys
import jupyter_book.cli.main as cli
from hwb.render import book_process

def main():  # jupyter-book as it fails: Sphinx's error wrapped in "Look above for the cause"
    try:
        raise PermissionError(13, "Permission denied", "book/_build/html/book/intro.html")
    except PermissionError as exc:
        raise RuntimeError("There was an error in building your book. Look above for the cause.") from exc

cli.main = main
book_process.run(sys.argv[1:])
"""


def test_a_failed_book_build_says_its_cause_in_one_line(root, monkeypatch):
    monkeypatch.setattr(book, "_BOOK_PROCESS", [sys.executable, "-c", FAILING_JUPYTER_BOOK])
    with pytest.raises(HwbError) as err:
        book.build_book(root=root)
    assert str(err.value) == (
        "the book build failed: book/_build/html/book/intro.html: Permission denied; make it "
        "writable for you (chmod u+w), or work in a copy you can write to"
    )
