"""The book's navigation sidebar, made once per group of plain pages (a Sphinx speed-up).

The theme's sidebar asks Sphinx for the whole book's toctree with ``titles_only=True`` on
every page, Sphinx resolves it afresh for each, and the theme parses the HTML with
BeautifulSoup, twice (once to check it is not empty): for a book of N pages, N entries
copied, marked, rendered, parsed and written on each of N pages. At 601 pages that was most
of the book build. Here, for titles-only calls:

1. **Plain pages** (:func:`plain_pages`: listed once, directly by the root page's toctrees,
   listing no pages themselves, with one title) are grouped by folder, part and arguments.
   The sidebar template (``templates/navigation/sbt-sidebar-nav.html``, the theme's own
   included) asks :func:`titles_only_toctree`'s ``hwb_generate_toctree_html``: the first
   two pages of a group get the theme's HTML; the rest get the first page's HTML with the
   current-page marking moved to them (:func:`moved_mark`), once the second page has shown
   that moving gives exactly the theme's HTML. Where the theme's HTML is made, Sphinx's
   toctree for a plain page is the tree resolved once per group for a page of that folder
   that no toctree lists, marked current as Sphinx marks it (:func:`_marked`), the group's
   first page also resolved Sphinx's way and compared.
2. **Other pages** are resolved by Sphinx from tables of contents already cut the way
   ``titles_only`` cuts them (:func:`titles_only_toc`: the page title) for every page whose
   table of contents holds no sub-toctree or ``only`` node.

A group whose shortcut ever differs takes the theme's and Sphinx's way. The HTML is the
same, which ``tests/test_publish_navigation.py`` checks against Sphinx's own on every page
of a book with parts, folders, a hidden part, nested pages, ``tocdepth`` and ``only``;
other calls are passed through untouched.

It relies on these behaviours of Sphinx and the theme that are not public API, as they
are in the versions of :data:`VERIFIED_AGAINST` (the tests fail when ``requirements.lock``
or the environment holds other versions, and say what to re-verify):

- Sphinx's ``BuildEnvironment.tocs`` is replaced for the length of a titles-only call
  (:func:`_titles_only_tocs`): Sphinx's toctree resolution reads each page's table of
  contents from it at call time (``_toctree_entry``). The cut (:func:`titles_only_toc`)
  repeats the ``titles_only`` branch of ``_entries_from_toctree``.
- Sphinx's ``global_toctree_for_doc`` (not documented) is called with the arguments
  ``StandaloneHTMLBuilder._get_local_toctree`` gives it (:func:`_resolve`), and
  :func:`_marked` repeats the current-page marking of ``_toctree_add_classes`` (class
  ``current`` up the branch, ``iscurrent``, the link made relative to the page itself).
- pydata-sphinx-theme's ``generate_toctree_html`` (in the page context) calls
  ``context["toctree"]`` when the template renders, so it gets the wrapped one, and adds
  ``active`` to each ``current`` list item through BeautifulSoup; sphinx-book-theme's
  ``components/sbt-sidebar-nav.html``, which the template here includes by name, calls it
  for the sidebar with ``titles_only=True``, twice a page.
- :func:`moved_mark` rewrites the theme's HTML with a regular expression
  (``_CURRENT_ITEM``, :func:`_item`), so it relies on the exact HTML of a sidebar entry:
  ``<li class="toctree-lN current active"><a class="current reference internal"
  href="#">`` for the current page (Sphinx's HTML writer, the theme's ``active``,
  BeautifulSoup's serialisation) and ``<li class="toctree-lN"><a class="reference
  internal" href="...">`` for the others.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.environment.adapters.toctree import global_toctree_for_doc

TEMPLATES = Path(__file__).parent / "templates" / "navigation"
#: The versions (as requirements.lock pins them) whose private behaviour, listed above, this
#: module was verified against: tests/test_publish_navigation.py compares Sphinx's own
#: sidebar with this module's on every page of a test book with these installed.
VERIFIED_AGAINST = {
    "Sphinx": "7.4.7",
    "pydata-sphinx-theme": "0.17.1",
    "sphinx-book-theme": "1.3.0",
    "beautifulsoup4": "4.15.0",
}
_CUT: list = []  # [the env.tocs it was made from, the cut tables of contents]
# [the env.tocs it was made from, {plain page: part}, {toctree group: (neutral tree, its
# name) or None}, {theme group: (state "first" | "checked" | "theirs", the first page, the
# theme's sidebar HTML for it)}]
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


@contextmanager
def _titles_only_tocs(env) -> Iterator[None]:
    """Sphinx resolves from the cut tables of contents (:func:`_cut_tocs`) meanwhile."""
    full = env.tocs
    env.tocs = _cut_tocs(env)
    try:
        yield
    finally:
        env.tocs = full


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
        _SHARED[:] = [env.tocs, plain_pages(env), {}, {}]
    return _SHARED


def _plain_part(app, pagename: str) -> int | None:
    """The part listing ``pagename`` if it is a plain page of an ``html`` build, else None
    (``dirhtml`` links differ by each page's depth)."""
    if app.builder.name != "html":
        return None
    return _state(app.builder.env)[1].get(pagename)


def _arguments(kwargs: dict[str, Any]) -> tuple:
    """Keyword arguments as a hashable, order-free key."""
    return tuple(sorted((k, repr(v)) for k, v in kwargs.items()))


def _resolve(app, docname: str, kwargs: dict[str, Any]):
    """The sidebar tree Sphinx's HTML builder resolves for ``docname`` (as its
    ``_get_local_toctree`` does, on the cut tables of contents)."""
    kwargs = dict(kwargs)
    kwargs.setdefault("includehidden", False)
    if kwargs.get("maxdepth") == "":
        kwargs.pop("maxdepth")
    collapse = kwargs.pop("collapse", True)
    env = app.builder.env
    with _titles_only_tocs(env):
        return global_toctree_for_doc(env, docname, app.builder, collapse=collapse, **kwargs)


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
    part = _plain_part(app, pagename)
    if part is None:
        return None
    groups = _state(app.builder.env)[2]
    folder = posixpath.dirname(pagename)
    group = (folder, part, _arguments(kwargs))
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


#: The theme's sidebar entry for the current page, and (group 1) its level.
_CURRENT_ITEM = re.compile(
    r'<li class="(toctree-l\d+) current active"><a class="current reference internal" href="#">'
)


def _item(level: str, href: str | None) -> str:
    """The start of a sidebar entry as the theme writes it: current (``href`` None) or not."""
    if href is None:
        return f'<li class="{level} current active"><a class="current reference internal" href="#">'
    return f'<li class="{level}"><a class="reference internal" href="{href}">'


def moved_mark(builder, html: str, marked: str, pagename: str) -> str | None:
    """The theme's sidebar HTML made for page ``marked``, with the current-page marking moved
    to ``pagename`` (a plain page of the same folder and part): ``marked``'s entry unmarked,
    ``pagename``'s marked. None where either entry is not found exactly once."""
    levels = _CURRENT_ITEM.findall(html)
    if len(levels) != 1:
        return None
    current = _item(levels[0], None)
    back = builder.get_relative_uri(pagename, marked)
    there = builder.get_relative_uri(marked, pagename)
    if any(c in back + there for c in "&<>\"'"):  # escaped in HTML: not worth the care
        return None
    target = _item(levels[0], there)
    if html.count(target) != 1:
        return None
    return html.replace(current, _item(levels[0], back)).replace(target, current)


def _theme_sidebar(app, pagename: str, call: tuple, theme_way) -> str:
    """The theme's sidebar HTML for ``pagename``: the theme's own for the first two plain
    pages of each group (folder, part, arguments) and for other pages; for the rest of a
    group, the first page's with the marking moved (:func:`moved_mark`), once the second
    page has shown that this gives exactly the theme's HTML."""
    part = _plain_part(app, pagename)
    if part is None:
        return theme_way()
    _, _, toctrees, theme = _state(app.builder.env)
    group = (posixpath.dirname(pagename), part, call)
    known = theme.get(group)
    if known is None:  # first page: remember the theme's HTML
        html = theme_way()
        theme[group] = ("first", pagename, html)
        return html
    state, marked, first_html = known
    if state == "first":  # second page: check the move against the theme's HTML
        html = theme_way()
        moved = moved_mark(app.builder, first_html, marked, pagename)
        theme[group] = ("checked" if moved == html else "theirs", marked, first_html)
        if moved != html:  # and the group's toctree goes Sphinx's way too, checked or not
            for key in [k for k in toctrees if k[:2] == group[:2]]:
                toctrees[key] = None
        return html
    if state == "checked":
        moved = moved_mark(app.builder, first_html, marked, pagename)
        if moved is not None:
            return moved
    return theme_way()


def titles_only_toctree(app, pagename, templatename, context, doctree) -> None:
    """``html-page-context`` handler: make the page's titles-only sidebar cheap.

    Connected (by :func:`setup`) before the theme's handlers, which render the sidebar: it
    wraps Sphinx's ``toctree`` and gives the sidebar template (``templates/navigation``)
    ``hwb_generate_toctree_html``, which calls the theme's ``generate_toctree_html`` (in the
    context by the time the template renders) only where it must.
    """
    original = context.get("toctree")
    if original is None:
        return
    env = app.builder.env

    def cut(**kwargs: Any) -> str:
        with _titles_only_tocs(env):
            return original(**kwargs)

    def toctree(**kwargs: Any) -> str:
        if not kwargs.get("titles_only"):
            return original(**kwargs)
        shared = _shared_sidebar(app, pagename, kwargs, lambda: cut(**kwargs))
        return shared if shared is not None else cut(**kwargs)

    made: dict[tuple, str] = {}

    def generate_toctree_html(kind: str, startdepth: int = 1, show_nav_level: int = 1, **kwargs):
        theirs = context["generate_toctree_html"]
        if kind != "sidebar" or not kwargs.get("titles_only"):
            return theirs(kind, startdepth, show_nav_level, **kwargs)
        call = (startdepth, show_nav_level, *_arguments(kwargs))
        if call not in made:  # the theme renders its sidebar twice (checking it is not empty)
            made[call] = _theme_sidebar(
                app,
                pagename,
                call,
                lambda: str(theirs(kind, startdepth, show_nav_level, **kwargs)),
            )
        return made[call]

    context["toctree"] = toctree
    context["hwb_generate_toctree_html"] = generate_toctree_html


def _add_template(app, config) -> None:
    from hwb.publish.sphinx_ext import templates_first

    templates_first(config, TEMPLATES)


def setup(app) -> dict[str, Any]:
    app.connect("config-inited", _add_template)
    # Before the theme's handlers (priority 500), which render the sidebar.
    app.connect("html-page-context", titles_only_toctree, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
