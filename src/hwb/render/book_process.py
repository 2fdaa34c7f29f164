"""jupyter-book's command line in a process of our own, optionally started early ("warm").

``python -m hwb.render.book_process JOBS ARGS...`` runs ``jupyter-book ARGS`` with Sphinx's
parallel workers (the jupyter-book 1 command line has no ``-j``, but its ``build_sphinx``
takes ``jobs``). ``python -m hwb.render.book_process --from-stdin`` first imports what a
build will import (Sphinx, its built-in extensions, MyST-NB, the theme, our extension),
then reads the arguments as one JSON line; an empty line or EOF exits without building.
That lets :class:`hwb.render.book.WarmBook` do the ~2.5 s of imports on an idle core.
"""

from __future__ import annotations

import functools
import importlib
import json
import sys

PRELOAD = (
    "jupyter_book.cli.main",
    "jupyter_book.sphinx",
    "jupyter_book.config",
    "sphinx.cmd.build",
    "sphinx.application",
    "sphinx.builders.html",
    "sphinx.search.en",
    "sphinx.jinja2glue",
    "sphinx.ext.intersphinx",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    "sphinx.builders.html.transforms",
    "sphinx.builders.latex.transforms",
    "myst_nb.sphinx_ext",
    "myst_nb.sphinx_",
    "myst_nb.ext.glue.domain",
    "myst_nb.ext.execution_tables",
    "myst_parser.sphinx_ext",
    "myst_parser.sphinx_ext.directives",
    "myst_parser.sphinx_ext.mathjax",
    "myst_parser.sphinx_ext.myst_refs",
    "sphinx_book_theme",
    "pydata_sphinx_theme",
    "sphinx_external_toc.events",
    "sphinx_external_toc.collectors",
    "sphinx_design.extension",
    "sphinx_copybutton",
    "sphinx_togglebutton",
    "sphinx_thebe",
    "sphinx_comments",
    "sphinx_multitoc_numbering",
    "sphinxcontrib.applehelp",
    "sphinxcontrib.devhelp",
    "sphinxcontrib.htmlhelp",
    "sphinxcontrib.qthelp",
    "sphinxcontrib.serializinghtml",
    "jupyter_cache.base",
    "nbclient",
    "linkify_it",
    "sqlalchemy.orm",
    "jinja2.ext",
    "alabaster",
    "packaging.tags",
    "xml.dom.minidom",
    "xml.sax.expatreader",
    "email.policy",
    "hwb.publish.sphinx_ext",
    "hwb.publish.reproducibility",
    "hwb.data.snapshot",
)


def preload() -> None:
    """Import what a book build imports, so that the build itself starts at once."""
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    from importlib.metadata import entry_points

    from sphinx.application import builtin_extensions

    for name in builtin_extensions:
        importlib.import_module(name)
    for style in entry_points(group="pygments.styles"):  # the theme lists every code style
        try:
            style.load()
        except Exception:  # noqa: BLE001, S110 - a broken third-party style only costs time later
            pass


def run(args: list[str]) -> None:
    """Run ``jupyter-book`` with ``args[0]`` Sphinx workers and the rest as its arguments."""
    import jupyter_book.sphinx
    from jupyter_book.cli.main import main

    jobs = int(args[0])
    if jobs > 1:
        jupyter_book.sphinx.build_sphinx = functools.partial(
            jupyter_book.sphinx.build_sphinx, jobs=jobs
        )
    sys.argv = ["jupyter-book", *args[1:]]
    try:
        main()
    except Exception as exc:  # noqa: BLE001 - reported in one line: jupyter-book only says "Look above"
        print(f"{CAUSE_MARKER}{cause_of(exc)}", file=sys.stderr, flush=True)
        sys.exit(1)


CAUSE_MARKER = "hwb: the cause: "  # the line hwb.render.book shows when a build fails


def cause_of(error: BaseException) -> str:
    """The first cause of a failed build in one line: jupyter-book wraps Sphinx's exception in
    a RuntimeError saying "Look above for the cause" (nothing is above with --quiet)."""
    from hwb.errors import os_error_message

    while error.__cause__ is not None:
        error = error.__cause__
    if isinstance(error, OSError):
        return os_error_message(error)
    return " ".join(f"{type(error).__name__}: {error}".split())


if __name__ == "__main__":
    from hwb.render.imports import skip_unused_format_checkers

    skip_unused_format_checkers()
    arguments = sys.argv[1:]
    if arguments == ["--from-stdin"]:
        preload()
        arguments = json.loads(sys.stdin.readline() or "null")
        if not arguments:
            sys.exit(0)
    run(arguments)
