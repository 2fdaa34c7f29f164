"""The book's navigation sidebar, resolved once for all plain pages (a Sphinx speed-up).

The theme's sidebar asks Sphinx for the whole book's toctree with ``titles_only=True`` on
every page, and Sphinx resolves it afresh for each: for a book of N pages, N entries copied,
marked and rendered on each of N pages. At 601 pages that was most of the book build.

:func:`titles_only_toctree` wraps each page's ``toctree`` function. For titles-only calls:

1. **Plain pages** (:func:`plain_pages`: listed once, directly by the root page's toctrees,
   listing no pages themselves, with one title) share one resolved tree per folder, part and
   set of arguments: the tree Sphinx resolves for a page of that folder that is none of them
   (:func:`_neutral`). A page's sidebar is that tree with the page's entry marked current
   exactly as Sphinx marks it (classes up its branch, its link ``#``), rendered, and
   unmarked again. The first page of each group is also resolved Sphinx's way and compared:
   if the two differ, that group always takes Sphinx's way.
2. **Other pages** are resolved by Sphinx from tables of contents already cut the way
   ``titles_only`` cuts them (:func:`titles_only_toc`: the page title) for every page whose
   table of contents holds no sub-toctree or ``only`` node.

The HTML is the same, which ``tests/test_publish_navigation.py`` checks against Sphinx's
own on every page of a book with parts, folders, nested pages, ``tocdepth`` and ``only``;
other calls are passed through untouched.
"""

from __future__ import annotations

import posixpath
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.environment.adapters.toctree import global_toctree_for_doc

_CUT: list = []  # [the env.tocs it was made from, the cut tables of contents]
# [the env.tocs it was made from, {plain page: part}, {group: (neutral tree, folder) or None}]
_SHARED: list = []


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


def plain_pages(env) -> dict[str, int]:
    """The pages whose sidebar can be marked on a shared tree, with the index of the root
    page's toctree (the part) listing each: listed exactly once, by the root page only,
    listing no pages themselves, and with a table of contents of one title and nothing
    :func:`_cuttable` would refuse."""
    root = env.config.root_doc
    listed: dict[str, list[int]] = {}
    for part, toctree in enumerate(env.get_doctree(root).findall(addnodes.toctree)):
        for _title, ref in toctree["entries"]:
            listed.setdefault(ref, []).append(part)
    parents: dict[str, list[str]] = {}
    for parent, children in env.toctree_includes.items():
        for child in children:
            parents.setdefault(child, []).append(parent)
    plain = {}
    for doc, parts in listed.items():
        toc = env.tocs.get(doc)
        if (
            len(parts) == 1
            and doc != root
            and parents.get(doc) == [root]
            and not env.toctree_includes.get(doc)
            and toc is not None
            and len(toc.children) == 1
            and _cuttable(toc)
        ):
            plain[doc] = parts[0]
    return plain


def _state(env) -> list:
    if not _SHARED or _SHARED[0] is not env.tocs:
        _SHARED[:] = [env.tocs, plain_pages(env), {}]
    return _SHARED


def _resolve(app, docname: str, kwargs: dict[str, Any]):
    """The sidebar tree Sphinx's HTML builder resolves for ``docname`` (as its
    ``_get_local_toctree`` does, on the cut tables of contents)."""
    kwargs = dict(kwargs)
    kwargs.setdefault("includehidden", False)
    if kwargs.get("maxdepth") == "":
        kwargs.pop("maxdepth")
    collapse = kwargs.pop("collapse", True)
    env = app.builder.env
    full = env.tocs
    env.tocs = _cut_tocs(env)
    try:
        return global_toctree_for_doc(env, docname, app.builder, collapse=collapse, **kwargs)
    finally:
        env.tocs = full


def _neutral(app, folder: str, kwargs: dict[str, Any]):
    """The tree resolved for a page of ``folder`` that no toctree lists (nothing current)."""
    env = app.builder.env
    name = posixpath.join(folder, "hwb-sidebar-neutral")
    while name in env.all_docs:
        name += "_"
    return _resolve(app, name, kwargs), name


def _marked(app, tree, neutral_name: str, pagename: str, first_part: bool) -> str | None:
    """``tree`` rendered with ``pagename``'s entry marked as Sphinx marks the current page:
    class ``current`` on its link and every node above it (up to the part's own list, and
    the tree itself for the first part), ``iscurrent`` likewise, and its link made relative
    to itself. ``tree`` is left as it was. None if the entry is not found exactly once."""
    builder = app.builder
    uri = builder.get_relative_uri(neutral_name, pagename)
    found = [
        ref
        for ref in tree.findall(nodes.reference)
        if ref.get("refuri") == uri and not ref.get("anchorname")
    ]
    if len(found) != 1:
        return None
    reference = found[0]
    branch, node = [], reference
    while node is not None and node is not tree:
        branch.append(node)
        node = node.parent
    if node is None:
        return None
    if first_part:
        branch.append(tree)
    saved = [(n, list(n["classes"]), n.get("iscurrent")) for n in branch]
    try:
        for n in branch:
            n["classes"].append("current")
            n["iscurrent"] = True
        reference["refuri"] = builder.get_relative_uri(pagename, pagename)
        return builder.render_partial(tree)["fragment"]
    finally:
        reference["refuri"] = uri
        for n, classes, current in saved:
            n["classes"] = classes
            if current is None:
                n.attributes.pop("iscurrent", None)
            else:
                n["iscurrent"] = current


def _shared_sidebar(app, pagename: str, kwargs: dict[str, Any], sphinx_way) -> str | None:
    """``pagename``'s titles-only sidebar marked on its group's shared tree, or None where
    Sphinx's own way must be taken (not a plain page, or its group failed the check)."""
    _, plain, groups = _state(app.builder.env)
    part = plain.get(pagename)
    if part is None:
        return None
    folder = posixpath.dirname(pagename)
    group = (folder, part, tuple(sorted((k, repr(v)) for k, v in kwargs.items())))
    if group not in groups:
        tree, name = _neutral(app, folder, kwargs)
        shared = None if tree is None else (tree, name)
        if shared is not None:
            # The first page of each group: both ways, and the group is shared only if they agree.
            fast = _marked(app, tree, name, pagename, part == 0)
            slow = sphinx_way()
            groups[group] = shared if fast == slow else None
            return slow
        groups[group] = None
    if groups[group] is None:
        return None
    tree, name = groups[group]
    return _marked(app, tree, name, pagename, part == 0)


def titles_only_toctree(app, pagename, templatename, context, doctree) -> None:
    """``html-page-context`` handler: make the page's titles-only ``toctree`` calls cheap.

    Connected (by :func:`setup`) before the theme's handlers, which render the sidebar.
    """
    original = context.get("toctree")
    if original is None:
        return
    env = app.builder.env

    def cut(**kwargs: Any) -> str:
        full = env.tocs
        env.tocs = _cut_tocs(env)
        try:
            return original(**kwargs)
        finally:
            env.tocs = full

    def toctree(**kwargs: Any) -> str:
        if not kwargs.get("titles_only"):
            return original(**kwargs)
        shared = _shared_sidebar(app, pagename, kwargs, lambda: cut(**kwargs))
        return shared if shared is not None else cut(**kwargs)

    context["toctree"] = toctree


def setup(app) -> dict[str, Any]:
    # Before the theme's handlers (priority 500), which render the sidebar.
    app.connect("html-page-context", titles_only_toctree, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
