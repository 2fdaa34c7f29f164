"""The book's navigation sidebar, resolved from page titles only (a Sphinx speed-up).

The theme's sidebar asks Sphinx for the whole book's toctree with ``titles_only=True`` on
every page. Sphinx copies each listed page's full table of contents (every section) and only
then drops everything below the page titles, so a book of N pages copies N full tables of
contents for each of its N pages: at 601 pages that was 80% of the whole book build.

:func:`titles_only_toctree` wraps the page's ``toctree`` function so that, for titles-only
calls, Sphinx resolves from tables of contents already cut the way ``titles_only`` cuts them
(:func:`titles_only_toc`: the page title) for every page whose table of contents holds no
sub-toctree or ``only`` node. The result is the same HTML, which
``tests/test_publish_navigation.py`` checks against Sphinx's own on every page of a book
with nested pages, ``tocdepth`` and ``only``; other calls are passed through untouched.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes

_CUT: list = []  # [the env.tocs it was made from, the cut tables of contents]


def titles_only_toc(toc: nodes.bullet_list) -> nodes.bullet_list:
    """A copy of one page's table of contents cut as Sphinx's ``titles_only`` cuts it.

    Each top-level entry keeps its title and, in place of its sections, only the
    sub-toctrees found among them (Sphinx 7.4, ``_entries_from_toctree``).
    """
    cut = toc.deepcopy()
    for top_level in cut.children:
        if len(top_level) > 1:
            if subtrees := list(top_level.findall(addnodes.toctree)):
                top_level[1][:] = subtrees
            else:
                top_level.pop(1)
    return cut


def _cuttable(toc: nodes.bullet_list) -> bool:
    """Whether cutting ``toc`` early gives what Sphinx's own order (copy to the page's
    ``tocdepth``, dropping ``only`` nodes whose tags do not match, then cut) gives: yes for a
    page whose table of contents holds no sub-toctree and no ``only`` node; the others (in
    this book, only the root page) keep their full table of contents."""
    return not any(toc.findall(lambda node: isinstance(node, (addnodes.toctree, addnodes.only))))


def _cut_tocs(env) -> dict[str, nodes.bullet_list]:
    """Every page's table of contents for titles-only calls (cut where :func:`_cuttable`),
    made once per environment and process."""
    if not _CUT or _CUT[0] is not env.tocs:
        cut = {
            doc: titles_only_toc(toc) if _cuttable(toc) else toc for doc, toc in env.tocs.items()
        }
        _CUT[:] = [env.tocs, cut]
    return _CUT[1]


def titles_only_toctree(app, pagename, templatename, context, doctree) -> None:
    """``html-page-context`` handler: make the page's titles-only ``toctree`` calls cheap.

    Connected (by :func:`setup`) before the theme's handlers, which render the sidebar.
    """
    original = context.get("toctree")
    if original is None:
        return
    env = app.builder.env

    def toctree(**kwargs: Any) -> str:
        if not kwargs.get("titles_only"):
            return original(**kwargs)
        full = env.tocs
        env.tocs = _cut_tocs(env)
        try:
            return original(**kwargs)
        finally:
            env.tocs = full

    context["toctree"] = toctree


def setup(app) -> dict[str, Any]:
    # Before the theme's handlers (priority 500), which render the sidebar.
    app.connect("html-page-context", titles_only_toctree, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
