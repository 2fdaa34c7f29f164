"""A small Sphinx extension for the book (listed in ``_config.yml`` ``sphinx.extra_extensions``).

It does what theme configuration cannot:

* adds a "Download this pack as a PDF" link under the title of every district page
  (the PDF itself is printed later by ``make pdf``/``make pdfs`` into ``pdf/<slug>.pdf``
  inside the built HTML, see :mod:`hwb.publish.pdf`);
* provides the ``{hwb-build-info}`` directive that fills the reproducibility page
  (``book/reproducibility.md``) with this build's commit, hashes and tool versions, and
  re-reads that page on every build so it never describes an older one;
* drops the theme's "download source" buttons when sources are not copied (they would be
  broken links), keeping "print to PDF";
* removes sphinx-thebe's scripts (Thebe is off, but Jupyter Book 1 loads the extension
  anyway and its config script is added twice, a console error on every page);
* puts small template overrides first on the template path, fixing the theme's search
  and colour-mode buttons for WCAG 2.5.3 "Label in Name".
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).parent / "templates"
DISTRICT_DOC = re.compile(r"^book/districts/(?P<slug>[a-z][a-z0-9-]*)$")
REPRODUCIBILITY_DOC = "book/reproducibility"
PDF_LINK_CLASS = "hwb-pdf-link"


def pdf_href(slug: str, from_docname: str | None = None) -> str:
    """The relative link from a page (default: the district's own page) to the district's PDF."""
    docname = from_docname or f"book/districts/{slug}"
    depth = docname.count("/")
    return "../" * depth + f"pdf/{slug}.pdf"


def _add_templates(app, config) -> None:
    path = str(TEMPLATES)
    if path not in config.templates_path:
        config.templates_path.insert(0, path)


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


def _add_pdf_link(app, doctree, docname: str) -> None:
    match = DISTRICT_DOC.match(docname)
    if not match:
        return
    from docutils import nodes

    slug = match.group("slug")
    title = next(iter(doctree.findall(nodes.title)), None)
    html = (
        f'<p class="{PDF_LINK_CLASS}"><a href="{pdf_href(slug)}" download>'
        f"Download this evidence pack as a PDF (A4)</a></p>"
    )
    link = nodes.raw("", html, format="html")
    if title is not None:
        title.parent.insert(title.parent.index(title) + 1, link)
    else:
        doctree.insert(0, link)


def _is_thebe(script: Any) -> bool:
    filename = getattr(script, "filename", script) or ""
    body = (getattr(script, "attributes", None) or {}).get("body", "")
    return "sphinx-thebe" in str(filename) or "THEBE_JS_URL" in body


def _drop_missing_source_downloads(buttons: list, copied: bool) -> list:
    kept = []
    for button in buttons:
        if isinstance(button, dict) and "buttons" in button:
            button = {**button, "buttons": _drop_missing_source_downloads(button["buttons"], copied)}
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
            context["header_buttons"], bool(app.config.html_copy_source))
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [s for s in scripts if not _is_thebe(s)]
    styles = context.get("css_files")
    if styles:
        context["css_files"] = [s for s in styles if "sphinx-thebe" not in str(getattr(s, "filename", s))]


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
    app.connect("doctree-resolved", _add_pdf_link)
    app.connect("html-page-context", _tidy_page_context, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
