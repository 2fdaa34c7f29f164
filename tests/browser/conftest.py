"""Fixtures for tests against the built book: the HTML, a local server, headless Chromium.

The book is built from the committed pages into a temporary folder (execution is off, so
this takes seconds and never touches book/_build); set HWB_BOOK_HTML to test an existing
build instead (the publish workflow tests the book it deploys). Chromium and axe-core are
installed by `make test-prerequisites` (part of `make test`); without them these tests
skip, except in CI, where they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hwb import paths

VIEWPORT = {"width": 1280, "height": 800}


def _missing(what: str) -> None:
    message = f"{what}; run `make test-prerequisites`"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def book_html(tmp_path_factory) -> Path:
    """The built book's HTML folder (index.html inside): the committed pages, built as a
    book of hundreds of pages is, with Sphinx ``-j 2`` (so every extension must be
    parallel-safe) and every warning an error."""
    given = os.environ.get("HWB_BOOK_HTML")
    if given:
        return Path(given)
    from hwb.render import book

    out = tmp_path_factory.mktemp("book")
    return book.build_book(output=out, jobs=2, quiet=False)


@pytest.fixture(scope="session")
def base_url(book_html):
    from hwb.publish import serve

    with serve.serving(book_html) as url:
        yield url


@pytest.fixture(scope="session")
def chromium_browser():
    from hwb.publish import browser

    if not browser.CHROMIUM.is_file():
        _missing(f"Chromium is not installed at {browser.CHROMIUM}")
    with browser.chromium() as launched:
        yield launched


class PageProblems:
    """Console errors, uncaught exceptions and failed requests seen by one page."""

    def __init__(self, page) -> None:
        self.items: list[str] = []
        page.on(
            "console",
            lambda m: (
                self.items.append(f"console {m.type}: {m.text}") if m.type == "error" else None
            ),
        )
        page.on("pageerror", lambda e: self.items.append(f"uncaught: {e}"))
        page.on(
            "requestfailed", lambda r: self.items.append(f"request failed: {r.url} {r.failure}")
        )
        page.on(
            "response",
            lambda r: self.items.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
        )


@pytest.fixture
def page(chromium_browser):
    context = chromium_browser.new_context(viewport=VIEWPORT)
    opened = context.new_page()
    opened.problems = PageProblems(opened)
    yield opened
    context.close()


@pytest.fixture(scope="session")
def axe_available():
    from hwb.publish import a11y

    if not a11y.AXE_SCRIPT.is_file():
        _missing(f"axe-core is not installed at {a11y.AXE_SCRIPT}")


def toc_pages(book_html: Path) -> list[str]:
    """The HTML path of every page in _toc.yml that the build produced."""
    import yaml

    toc = yaml.safe_load((paths.ROOT / "_toc.yml").read_text(encoding="utf-8"))
    entries = [toc["root"]] + [
        c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])
    ]
    return [f"{entry}.html" for entry in entries if (Path(book_html) / f"{entry}.html").is_file()]


def partnership_pages() -> dict[str, str]:
    """{slug: HTML path} for every partnership's pack (parameters/partnerships.yml)."""
    from hwb import partnerships

    return {slug: f"book/districts/{slug}.html" for slug in partnerships.known_partnerships()}
