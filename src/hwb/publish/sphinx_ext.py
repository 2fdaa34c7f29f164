"""A small Sphinx extension for the book (listed in ``_config.yml`` ``sphinx.extra_extensions``).

It does what theme configuration cannot:

* adds "Download … as a PDF" links under the title of each partnership's pack and summary
  page, but only for PDFs printed (``make pdf``/``make pdfs``, see :mod:`hwb.publish.pdf`) from
  the page's current notebook, and copies those PDFs into the site as ``pdf/<name>.pdf``: no
  page links a PDF that is not there. A page is rebuilt when its PDFs appear or go stale;
* links, under the title of each partnership's pack, "the data behind this pack": the
  CSV of its numbers that the render step wrote beside the page
  (``book/districts/<slug>.csv``, :func:`hwb.render.models.publish_numbers`), copied into
  the site beside the page's HTML; a page without that file gets no link;
* provides the ``{hwb-build-info}`` directive that fills the reproducibility page
  (``book/reproducibility.md``) with this build's commit, hashes and tool versions, and
  re-reads that page on every build so it never describes an older one;
* drops the theme's "download source" buttons when sources are not copied (they would be
  broken links), keeping "print to PDF";
* removes sphinx-thebe's scripts (Thebe is off, but Jupyter Book 1 loads the extension
  anyway and its config script is added twice, a console error on every page);
* puts small template overrides first on the template path, fixing the theme's search
  and colour-mode buttons for WCAG 2.5.3 "Label in Name";
* makes the sidebar's titles-only navigation once per group of plain pages, from page
  titles only (:mod:`hwb.publish.navigation`): the same HTML, without resolving, rendering
  and parsing the whole book's navigation on every page (quadratic in the number of pages).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).parent / "templates"
PAGE_DOC = re.compile(r"^book/(?P<kind>districts|summaries)/(?P<slug>[a-z][a-z0-9-]*)$")
REPRODUCIBILITY_DOC = "book/reproducibility"
PDF_LINK_CLASS = "hwb-pdf-link"
PDF_LINK_WORDS = {
    "pack": "Download the full evidence pack as a PDF (A4)",
    "summary": "Download the four-page summary as a PDF (A4)",
}


def pdf_href(name: str, from_docname: str | None = None) -> str:
    """The relative link from a page (default: a pack page) to a PDF in the site's ``pdf/`` folder.

    ``name`` is a file name (``burnley-summary.pdf``) or a partnership's slug (its pack).
    """
    docname = from_docname or "book/districts/page"
    filename = name if name.endswith(".pdf") else f"{name}.pdf"
    return "../" * docname.count("/") + f"pdf/{filename}"


def _pdf_links(app) -> dict[str, list[tuple[str, str]]]:
    """{docname: [(kind, file)]}: each page's PDFs and its partner's (a pack links its summary and back)."""
    from hwb.publish.pdf import available

    found = available(Path(app.srcdir))
    links: dict[str, list[tuple[str, str]]] = {}
    for docname, pdfs in found.items():
        match = PAGE_DOC.match(docname)
        if not match:
            continue
        slug = match.group("slug")
        for page in (f"book/districts/{slug}", f"book/summaries/{slug}"):
            links.setdefault(page, []).extend(pdfs)
    return {page: sorted(set(pdfs)) for page, pdfs in links.items()}


def templates_first(config, folder: Path) -> None:
    """Put ``folder`` first on Sphinx's template path (once), so its templates override the theme's."""
    path = str(folder)
    if path not in config.templates_path:
        config.templates_path.insert(0, path)


def _add_templates(app, config) -> None:
    templates_first(config, TEMPLATES)


def _build_info_directive():
    from docutils import nodes
    from docutils.parsers.rst import Directive

    class BuildInfoDirective(Directive):
        """``{hwb-build-info}``: a two-column table of this build's provenance."""

        has_content = False

        def run(self):
            from hwb.publish.reproducibility import build_info

            env = self.state.document.settings.env
            rows = build_info(Path(env.srcdir)).rows()
            table = nodes.table(classes=["hwb-build-info"])
            group = nodes.tgroup(cols=2)
            table += group
            group += nodes.colspec(colwidth=1)
            group += nodes.colspec(colwidth=2)
            head = nodes.thead()
            group += head
            head += self._row("What", "Value", header=True)
            body = nodes.tbody()
            group += body
            for label, value in rows:
                body += self._row(label, value)
            return [table]

        @staticmethod
        def _row(label: str, value: str, header: bool = False):
            row = nodes.row()
            for index, text in enumerate((label, value)):
                entry = nodes.entry()
                para = nodes.paragraph()
                para += nodes.Text(text) if header or index == 0 else nodes.literal(text, text)
                entry += para
                row += entry
            return row

    return BuildInfoDirective


def _always_reread_build_info(app, env, added, changed, removed) -> list[str]:
    # The commit and environment change without the page's source changing.
    return [REPRODUCIBILITY_DOC] if REPRODUCIBILITY_DOC in env.found_docs else []


def _pdf_state(app, env, added, changed, removed) -> list[str]:
    # Pages whose PDF links changed since the last build (a PDF printed, or gone stale) are
    # re-read, so the links follow the PDFs without any page source changing.
    state = _pdf_links(app)
    before = getattr(env, "hwb_pdf_links", None)
    env.hwb_pdf_links = state
    if before is None:  # an environment from before PDF links followed the PDFs: every pack page
        return sorted(doc for doc in env.found_docs if PAGE_DOC.match(doc))
    return sorted(
        doc
        for doc in set(state) | set(before)
        if state.get(doc) != before.get(doc) and doc in env.found_docs
    )


def _add_pdf_link(app, doctree, docname: str) -> None:
    pdfs = getattr(app.env, "hwb_pdf_links", {}).get(docname)
    if not pdfs:
        return
    from docutils import nodes

    items = " · ".join(
        f'<a href="{pdf_href(name, docname)}" download>{PDF_LINK_WORDS[kind]}</a>'
        for kind, name in sorted(pdfs)
    )
    link = nodes.raw("", f'<p class="{PDF_LINK_CLASS}">{items}</p>', format="html")
    title = next(iter(doctree.findall(nodes.title)), None)
    if title is not None:
        title.parent.insert(title.parent.index(title) + 1, link)
    else:
        doctree.insert(0, link)


def _copy_pdfs(app, exception) -> None:
    """Put every linked PDF in the site's ``pdf/`` folder, and nothing else there."""
    import shutil

    from hwb.publish.pdf import HTML_PDF_FOLDER, PDF_DIR

    if exception is not None or app.builder.format != "html":
        return
    wanted = {name for pdfs in getattr(app.env, "hwb_pdf_links", {}).values() for _, name in pdfs}
    folder = Path(app.outdir) / HTML_PDF_FOLDER
    for old in folder.glob("*.pdf") if folder.is_dir() else []:
        if old.name not in wanted:
            old.unlink()
    for name in sorted(wanted):
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PDF_DIR / name, folder / name)


NUMBERS_LINK_CLASS = "hwb-numbers-link"
NUMBERS_LINK_WORDS = (
    "The data behind this pack (CSV: every indicator and period, with the county and England, "
    "the judgements and the trends)"
)


def numbers_file(srcdir: Path, docname: str) -> Path | None:
    """The CSV of a pack page's numbers (``book/districts/<slug>.csv`` beside its notebook), or None."""
    match = PAGE_DOC.match(docname)
    if not match or match.group("kind") != "districts":
        return None
    path = Path(srcdir) / f"{docname}.csv"
    return path if path.is_file() else None


def _numbers_state(app, env, added, changed, removed) -> list[str]:
    # Pack pages whose numbers file appeared or went away since the last build are re-read,
    # so the link follows the file without the page's source changing.
    state = sorted(doc for doc in env.found_docs if numbers_file(Path(app.srcdir), doc))
    before = getattr(env, "hwb_numbers", None)
    env.hwb_numbers = state
    if before is None:
        return sorted(doc for doc in env.found_docs if PAGE_DOC.match(doc))
    return sorted(set(state) ^ set(before))


def _add_numbers_link(app, doctree, docname: str) -> None:
    path = numbers_file(Path(app.srcdir), docname)
    if path is None:
        return
    from docutils import nodes

    link = nodes.raw(
        "",
        f'<p class="{NUMBERS_LINK_CLASS}"><a href="{path.name}" download>{NUMBERS_LINK_WORDS}</a></p>',
        format="html",
    )
    title = next(iter(doctree.findall(nodes.title)), None)
    if title is not None:
        title.parent.insert(title.parent.index(title) + 1, link)
    else:
        doctree.insert(0, link)


def _copy_numbers(app, exception) -> None:
    """Put each linked numbers file beside its page's HTML."""
    import shutil

    if exception is not None or app.builder.format != "html":
        return
    for docname in getattr(app.env, "hwb_numbers", []):
        path = numbers_file(Path(app.srcdir), docname)
        if path is None:
            continue
        target = Path(app.outdir) / f"{docname}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def _is_thebe(script: Any) -> bool:
    filename = getattr(script, "filename", script) or ""
    body = (getattr(script, "attributes", None) or {}).get("body", "")
    return "sphinx-thebe" in str(filename) or "THEBE_JS_URL" in body


def _drop_missing_source_downloads(buttons: list, copied: bool) -> list:
    kept = []
    for button in buttons:
        if isinstance(button, dict) and "buttons" in button:
            button = {
                **button,
                "buttons": _drop_missing_source_downloads(button["buttons"], copied),
            }
            if not button["buttons"]:
                continue
        elif isinstance(button, dict) and "_sources" in str(button.get("url", "")) and not copied:
            continue
        kept.append(button)
    return kept


def _tidy_page_context(app, pagename, templatename, context, doctree) -> None:
    # With html_copy_source off there is no _sources/ folder: drop the theme's
    # "download source" buttons that would point there (broken links).
    if context.get("header_buttons"):
        context["header_buttons"] = _drop_missing_source_downloads(
            context["header_buttons"], bool(app.config.html_copy_source)
        )
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [s for s in scripts if not _is_thebe(s)]
    styles = context.get("css_files")
    if styles:
        context["css_files"] = [
            s for s in styles if "sphinx-thebe" not in str(getattr(s, "filename", s))
        ]


def _declare_multitoc_parallel_safe(app) -> None:
    # sphinx_external_toc always loads sphinx_multitoc_numbering, which does not declare
    # parallel safety, so Sphinx warns (an error under -W) and reads serially on `-j`. It
    # only replaces TocTreeCollector.assign_section_numbers, which runs in the main
    # process after the (parallel) reads, so it is safe for both phases.
    extension = app.extensions.get("sphinx_multitoc_numbering")
    if extension is not None:
        extension.parallel_read_safe = True
        extension.parallel_write_safe = True


def setup(app) -> dict[str, Any]:
    _declare_multitoc_parallel_safe(app)
    app.connect("config-inited", _add_templates)
    app.add_directive("hwb-build-info", _build_info_directive())
    app.connect("env-get-outdated", _always_reread_build_info)
    app.connect("env-get-outdated", _pdf_state)
    app.connect("env-get-outdated", _numbers_state)
    app.connect("doctree-resolved", _add_pdf_link)
    app.connect("doctree-resolved", _add_numbers_link)
    app.connect("build-finished", _copy_pdfs)
    app.connect("build-finished", _copy_numbers)
    app.connect("html-page-context", _tidy_page_context, priority=900)
    app.setup_extension("hwb.publish.navigation")
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
