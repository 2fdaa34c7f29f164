"""The sidebar's titles-only navigation (hwb.publish.navigation): the same HTML as Sphinx's own."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace

import pytest
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

from hwb import paths
from hwb.publish import navigation
from hwb.publish.navigation import titles_only_toc

PAGES = {
    "index.md": """# The book

```{toctree}
:caption: First part
chapters/one
chapters/two
chapters/eight
nine
```

```{toctree}
:caption: Second part
three
four
chapters/five
six
ten
eleven
```

```{toctree}
:hidden:
:caption: Third part
seven
chapters/one
```
""",
    # plain pages (listed once, by the root only, one title, listing nothing): marked on
    # a shared tree, per folder and part; chapters/one is listed twice, so it is not plain
    "chapters/five.md": "# Chapter five\n\n## Its section\n",
    "six.md": "# Chapter six\n\nText.\n",
    "chapters/eight.md": "# Chapter eight\n",
    "ten.md": "# Chapter ten\n",
    "eleven.md": "# Chapter eleven & more\n\n## Its section\n",
    "nine.md": "# Chapter nine\n\n## Its section\n",
    "seven.md": "# Chapter seven\n\n# A second title on the same page\n",
    # Sphinx keeps a page's sections to its tocdepth before cutting, and drops `only`
    # content for other builders: pages like this one keep their full table of contents
    "four.rst": """:tocdepth: 2

Chapter four
============

.. only:: latex

   .. toctree::

      latexonly

Section in four
---------------

.. toctree::

   deep
""",
    "deep.md": "# Deep page\n\n## Deep section\n",
    "latexonly.md": "# For LaTeX only\n",
    "chapters/one.md": """# Chapter one

## A section

### A subsection

## Another section
""",
    "chapters/two.md": """# Chapter two

## With a nested page

```{toctree}
nested
```

## After it
""",
    "chapters/nested.md": """# Nested page

## Its section
""",
    "three.md": """# Chapter three

## Only section
""",
}


def _build(tmp_path: Path, name: str, extensions: list[str]) -> dict[str, str]:
    source = tmp_path / "source"
    if not source.exists():
        for page, text in PAGES.items():
            (source / page).parent.mkdir(parents=True, exist_ok=True)
            (source / page).write_text(text, encoding="utf-8")
        (source / "conf.py").write_text("", encoding="utf-8")
    out = tmp_path / name
    app = Sphinx(
        str(source),
        str(source),
        str(out),
        str(tmp_path / f"{name}.doctrees"),
        "html",
        confoverrides={
            "extensions": ["myst_parser", *extensions],
            "html_theme": "sphinx_book_theme",
            "html_theme_options": {"home_page_in_toc": True},
        },
        status=None,
        warning=None,
        freshenv=True,
    )
    app.build()
    return {
        str(path.relative_to(out)): path.read_text(encoding="utf-8")
        for path in sorted(out.rglob("*.html"))
    }


def _sidebar(html: str) -> str:
    match = re.search(r'<nav class="bd-links bd-docs-nav".*?</nav>', html, re.DOTALL)
    assert match, "no sidebar navigation in the page"
    return match.group(0)


@pytest.mark.slow
def test_every_page_is_byte_identical_to_sphinxs_own_navigation(tmp_path, monkeypatch):
    theirs = _build(tmp_path, "theirs", [])
    marked, moved = [], []

    def spy_mark(app, tree, neutral, pagename, first_part):
        marked.append(pagename)
        return mark(app, tree, neutral, pagename, first_part)

    def spy_move(builder, html, first, pagename):
        moved.append(pagename)
        return move(builder, html, first, pagename)

    mark, move = navigation._marked, navigation.moved_mark
    monkeypatch.setattr(navigation, "_marked", spy_mark)
    monkeypatch.setattr(navigation, "moved_mark", spy_move)
    ours = _build(tmp_path, "ours", ["hwb.publish.navigation"])
    assert set(ours) == set(theirs)
    assert {"chapters/two.html", "four.html", "deep.html", "seven.html"} <= set(ours)
    for page in theirs:
        assert ours[page] == theirs[page], page
    # Plain pages: the theme's sidebar for the first of each group (its toctree marked on
    # a shared tree, the group's first also resolved Sphinx's way); from the second on, the
    # first's HTML with the marking moved (the second checks the move). Others: Sphinx's way.
    plain = {"three", "six", "ten", "eleven", "chapters/five", "chapters/eight", "nine"}
    assert set(marked) | set(moved) == plain
    assert len(moved) == 3 and len(set(moved) & set(marked)) == 1  # the four in one group


@pytest.mark.slow
@pytest.mark.parametrize("shortcut", ["_marked", "moved_mark"])
def test_a_group_whose_shortcut_differs_takes_sphinxs_way(tmp_path, monkeypatch, shortcut):
    theirs = _build(tmp_path, "theirs", [])
    real = getattr(navigation, shortcut)
    monkeypatch.setattr(
        navigation, shortcut, lambda *args: (real(*args) or "").replace("current", "wrong")
    )
    ours = _build(tmp_path, "ours", ["hwb.publish.navigation"])
    for page in theirs:
        assert ours[page] == theirs[page], page


def test_moving_the_mark_unmarks_one_entry_and_marks_another():
    builder = SimpleNamespace(get_relative_uri=lambda a, b: b.rsplit("/", 1)[-1] + ".html")
    html = (
        '<ul class="current nav bd-sidenav">\n'
        '<li class="toctree-l1 current active"><a class="current reference internal" href="#">A</a></li>\n'
        '<li class="toctree-l1"><a class="reference internal" href="b.html">B</a></li>\n</ul>'
    )
    assert navigation.moved_mark(builder, html, "d/a", "d/b") == (
        '<ul class="current nav bd-sidenav">\n'
        '<li class="toctree-l1"><a class="reference internal" href="a.html">A</a></li>\n'
        '<li class="toctree-l1 current active"><a class="current reference internal" href="#">B</a></li>\n</ul>'
    )
    assert navigation.moved_mark(builder, html, "d/a", "d/c") is None  # c is not listed
    unmarked = html.replace(" current active", "").replace("current reference", "reference")
    assert navigation.moved_mark(builder, unmarked, "d/a", "d/b") is None


def _toc() -> nodes.bullet_list:
    """A page's table of contents: a title, sections, and a sub-toctree inside a section."""
    sub = addnodes.toctree(entries=[(None, "nested")])

    def item(text: str, *children: nodes.Node) -> nodes.list_item:
        paragraph = addnodes.compact_paragraph("", "", nodes.reference("", text, refuri="x"))
        return nodes.list_item("", paragraph, *children)

    sections = nodes.bullet_list(
        "", item("Section", nodes.bullet_list("", item("Subsection"))), nodes.list_item("", sub)
    )
    return nodes.bullet_list("", item("Title", sections))


def test_cut_keeps_titles_and_sub_toctrees_only():
    toc = _toc()
    cut = titles_only_toc(toc)
    assert [r.astext() for r in cut.findall(nodes.reference)] == ["Title"]
    assert len(list(cut.findall(addnodes.toctree))) == 1
    # the page's own table of contents (its "Contents" panel) is left whole
    assert [r.astext() for r in toc.findall(nodes.reference)] == ["Title", "Section", "Subsection"]


def test_cut_of_a_page_without_sections_is_its_title():
    toc = nodes.bullet_list(
        "",
        nodes.list_item(
            "", addnodes.compact_paragraph("", "", nodes.reference("", "Only", refuri="x"))
        ),
    )
    assert titles_only_toc(toc).astext() == toc.astext()


def _normal(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _locked() -> dict[str, str]:
    """Every ``name==version`` that requirements.lock pins, by normalised name."""
    pins = {}
    for line in paths.LOCK.read_text(encoding="utf-8").splitlines():
        name, sep, pinned = line.split("#", 1)[0].strip().partition("==")
        if sep:
            pins[_normal(name)] = pinned.strip()
    return pins


def test_the_libraries_it_relies_on_are_the_versions_it_was_verified_against():
    """navigation.py relies on private behaviour of Sphinx and the theme (its docstring says
    which): an upgrade of any of them must be re-verified before it is trusted."""
    locked = _locked()
    assert set(navigation.VERIFIED_AGAINST) >= {
        "Sphinx",
        "pydata-sphinx-theme",
        "sphinx-book-theme",
    }
    for name, verified in navigation.VERIFIED_AGAINST.items():
        pinned, installed = locked.get(_normal(name)), version(name)
        assert pinned == installed == verified, (
            f"{name}: requirements.lock pins {pinned}, {installed} is installed, but "
            f"hwb.publish.navigation was verified against {name} {verified}. It relies on "
            "private behaviour of Sphinx, pydata-sphinx-theme and sphinx-book-theme, and on "
            "the theme's HTML (the list in the docstring of src/hwb/publish/navigation.py). "
            "To upgrade: check each item of that list against the new version's source, run "
            "`.venv/bin/python -m pytest tests/test_publish_navigation.py -p no:xdist` (its "
            "slow tests compare Sphinx's own sidebar HTML with this module's on every page "
            "of a test book, and the fall-back when a shortcut differs) and, only if all "
            "pass, set VERIFIED_AGAINST in src/hwb/publish/navigation.py to the new "
            "versions. If the navigation test fails, fix navigation.py or drop the extension "
            "(hwb.publish.sphinx_ext's setup) rather than loosen the test."
        )
