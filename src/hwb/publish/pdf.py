"""Print each partnership's evidence pack and four-page summary to A4 PDFs with headless Chromium.

``make pdf district=burnley`` / ``make pdfs`` → :func:`print_pdfs`. The built book is served
on 127.0.0.1 and each page printed by Playwright driving Debian's Chromium with the book's
print stylesheet (``book/_static/hwb-print.css``) and a running header and footer (title,
data release, page x of y). Before printing, :data:`PREPARE_JS` turns the web page into a
board paper:

* a **title block** under the pack's heading: the partnership and its districts, the data
  release (snapshot title, sources and hash), the date printed and how to read the pack;
* every collapsed "Show the numbers…" control becomes a titled compact table; tables longer
  than :data:`APPENDIX_ROWS` rows move to an appendix at the end, with a link from where the
  chart is (the summary leaves them out: its numbers are in the full pack);
* links into the book lose their (local-server) address, CSV download links go, in-page links
  stay as PDF links, so a PDF never points at a server that is gone.

**The date printed** is deterministic, so a reprint of the same book is byte-identical:
``SOURCE_DATE_EPOCH`` if set, else the date of the checkout's last commit
(:func:`printed_on`). It is also the PDF's creation and modification date.

Each PDF is written to ``book/_build/pdf/<slug>.pdf`` (the summary ``<slug>-summary.pdf``)
and recorded in ``book/_build/pdf/manifest.json`` with the sha256 of the rendered notebook
it was printed from. The book links a PDF only when the manifest says it was printed from
the page's current notebook (:func:`available`; see :mod:`hwb.publish.sphinx_ext`), copying
it into the built site as ``pdf/<name>.pdf``; so no page links a PDF that does not exist.
:func:`print_pdfs` rebuilds the book after printing so the links appear.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import logging
import os
import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from hwb import paths
from hwb.errors import HwbError
from hwb.render import atomic

PDF_DIR = paths.BOOK_BUILD / "pdf"
MANIFEST = "manifest.json"
HTML_PDF_FOLDER = "pdf"  # inside the built HTML, beside index.html
A4_POINTS = (595.28, 841.89)
SUMMARY_PAGES = 4
APPENDIX_ROWS = 16  # a table of the numbers behind a chart with more rows goes to the appendix
PRODUCER = "Lancashire Health & Wellbeing evidence book (headless Chromium)"
LANGUAGE = "en-GB"
MARGIN = {"top": "18mm", "bottom": "16mm", "left": "14mm", "right": "14mm"}
_HEADER_STYLE = "font-family: sans-serif; font-size: 8px; color: #333; width: 100%; margin: 0 14mm;"
HOW_TO_READ = (
    "Key messages come first; each section then shows a chart of where the area stands against "
    "England (■ orange: significantly worse, ◆ grey: similar, ● blue: better, at 95% confidence), "
    "the trend, and the numbers behind it (long tables in the appendix); the methods are in the online book."
)


@dataclass(frozen=True)
class PdfSummary:
    """What a printed PDF contains, for checks: pages, page size, text, images."""

    pages: int
    page_size: tuple[float, float]
    text: str
    images: int
    metadata: dict[str, str]


@dataclass(frozen=True)
class Printable:
    """One page of the book to print: which page, to which PDF, under which title."""

    kind: str  # "pack" | "summary"
    slug: str  # the partnership's
    docname: str  # e.g. book/districts/burnley
    title: str
    districts: str

    @property
    def filename(self) -> str:
        return f"{self.slug}.pdf" if self.kind == "pack" else f"{self.slug}-summary.pdf"


def printables(partnership) -> list[Printable]:
    """A partnership's two PDFs: the full pack and the four-page summary."""
    from hwb.text.format import join_words

    districts = join_words([d.name for d in partnership.districts])
    return [
        Printable(
            "pack",
            partnership.slug,
            f"book/districts/{partnership.slug}",
            f"{partnership.name}: evidence pack",
            districts,
        ),
        Printable(
            "summary",
            partnership.slug,
            f"book/summaries/{partnership.slug}",
            f"{partnership.name}: at a glance",
            districts,
        ),
    ]


# --------------------------------------------------------------------------- what the pages say
def _manifest(snapshot: Path | None):
    from hwb.data.load import load_manifest

    return load_manifest(snapshot)


def data_date(snapshot: Path | None = None) -> str:
    """The running header's data description: the release, or that it is demonstration data."""
    from hwb.data.snapshot import snapshot_sha256

    manifest = _manifest(snapshot)
    if manifest.get("synthetic"):
        return "demonstration data, not official statistics"
    fetched = manifest.get("date_fetched")
    when = f"fetched {fetched}, " if fetched else ""
    return f"data: {when}snapshot {snapshot_sha256(manifest)[:12]}"


def printed_on(root: Path | None = None) -> tuple[date, str]:
    """The date printed, and where it comes from: ``SOURCE_DATE_EPOCH``, else the last commit's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date(), "SOURCE_DATE_EPOCH"
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=root or paths.ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        out = ""
    if out.isdigit():
        return datetime.fromtimestamp(int(out), tz=UTC).date(), "the date of the book's last commit"
    return date(2000, 1, 1), "no date available (not a git checkout and no SOURCE_DATE_EPOCH)"


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def cover_lines(
    item: Printable, snapshot: Path | None = None, root: Path | None = None
) -> list[tuple[str, str]]:
    """The title block of a printed pack: (label, text) pairs."""
    from hwb.data.snapshot import release_text, source_copies

    manifest = _manifest(snapshot)
    day, _ = printed_on(root)
    release = release_text(manifest)
    copies = source_copies(manifest)
    if copies:
        release += f"; assembled from {copies}"
    if item.kind == "summary":  # the summary's own opening names the districts and the release
        return [("Printed", _long_date(day))]
    return [
        ("Districts", item.districts),
        ("Data release", release),
        ("Printed", _long_date(day)),
        ("How to read this pack", HOW_TO_READ),
    ]


def header_template(title: str, data: str) -> str:
    """Chromium's running header: the pack's title and the data release on every page."""
    text = html.escape(f"{title} · {data}")
    return f'<div style="{_HEADER_STYLE} text-align: left;">{text}</div>'


def footer_template(title: str) -> str:
    """Chromium's running footer: page x of y."""
    return (
        f'<div style="{_HEADER_STYLE} text-align: right;">{html.escape(title)} · page '
        '<span class="pageNumber"></span> of <span class="totalPages"></span></div>'
    )


# --------------------------------------------------------------------------- the page, made for paper
PREPARE_JS = r"""
(options) => {
  const article = document.querySelector("article.bd-article") || document.body;
  const top = article.querySelector(":scope > section") || article;
  const heading = (el) => {
    const s = el.closest("section");
    const h = s && s.querySelector(":scope > h2, :scope > h3, :scope > h1");
    return h ? h.textContent.replace(/#$/, "").trim() : "";
  };
  // 1. the numbers behind each chart: a titled table, long ones in an appendix
  const appendix = [];
  article.querySelectorAll("details").forEach((det) => {
    const summary = det.querySelector(":scope > summary");
    let label = summary ? summary.textContent.trim() : "The numbers";
    label = label.replace(/^Show\s+/i, "");
    label = label.charAt(0).toUpperCase() + label.slice(1);
    if (!options.numbers) { det.remove(); return; }
    const rows = det.querySelectorAll("tbody tr").length;
    const block = document.createElement("div");
    block.className = "hwb-print-numbers";
    const title = document.createElement("p");
    title.className = "hwb-print-numbers-title";
    block.appendChild(title);
    Array.from(det.childNodes).forEach((c) => { if (c !== summary) block.appendChild(c); });
    if (rows > options.appendixRows) {
      const n = appendix.length + 1;
      block.id = "hwb-appendix-" + n;
      const where = heading(det);
      title.textContent = "Table A" + n + ". " + label + (where ? " (" + where + ")" : "");
      const note = document.createElement("p");
      note.className = "hwb-print-numbers-ref";
      const link = document.createElement("a");
      link.href = "#" + block.id;
      link.textContent = "table A" + n + " in the appendix";
      note.append(label + ": " + rows + " rows, in ", link, ".");
      det.replaceWith(note);
      appendix.push(block);
    } else {
      title.textContent = label;
      det.replaceWith(block);
    }
  });
  if (appendix.length) {
    const section = document.createElement("section");
    section.className = "hwb-appendix";
    section.id = "hwb-appendix";
    const h = document.createElement("h2");
    h.textContent = "Appendix: the longer tables of numbers behind the charts";
    section.appendChild(h);
    appendix.forEach((b) => section.appendChild(b));
    top.appendChild(section);
  }
  // 2. links: none to the local server, no CSV downloads; in-page links stay
  article.querySelectorAll(".hwb-download").forEach((p) => p.remove());
  document.querySelectorAll("a[href]").forEach((a) => {
    const href = a.getAttribute("href");
    if (href.startsWith("#")) return;
    const url = new URL(href, document.baseURI);
    if (url.origin === location.origin || url.protocol === "data:") {
      a.removeAttribute("href");
      a.removeAttribute("download");
    }
  });
  // 3. the title block, under the page's heading
  if (options.cover.length) {
    const box = document.createElement("div");
    box.className = "hwb-print-cover";
    options.cover.forEach(([label, text]) => {
      const p = document.createElement("p");
      const b = document.createElement("strong");
      b.textContent = label + ": ";
      p.append(b, text);
      box.appendChild(p);
    });
    const glance = article.querySelector(".hwb-glance");  // a summary: its opening block says the rest
    const h1 = article.querySelector("section h1");
    if (glance) { glance.append(...box.childNodes); } else if (h1) { h1.after(box); } else { article.prepend(box); }
  }
  document.documentElement.setAttribute("lang", options.lang);
  return appendix.length;
}
"""


def print_page(
    browser,
    url: str,
    output: Path,
    item: Printable,
    data: str,
    cover: list[tuple[str, str]],
    day: date,
) -> Path:
    """Print ``url`` to ``output`` as an A4 PDF with the title block and running header; return ``output``."""
    page = browser.new_page()
    try:
        response = page.goto(url, wait_until="networkidle")
        if response is None or not response.ok:
            status = response.status if response is not None else "no response"
            raise HwbError(
                f"could not open {url} to print it ({status}); rebuild the book with `make all`"
            )
        page.emulate_media(media="print")
        page.evaluate(
            PREPARE_JS,
            {
                "numbers": item.kind == "pack",
                "appendixRows": APPENDIX_ROWS,
                "cover": [list(c) for c in cover],
                "lang": LANGUAGE,
            },
        )
        page.evaluate("document.fonts.ready")
        raw = page.pdf(
            format="A4",
            print_background=True,
            display_header_footer=True,
            header_template=header_template(item.title, data),
            footer_template=footer_template(item.title),
            margin=MARGIN,
            outline=True,
            tagged=True,
        )
    finally:
        page.close()
    atomic.write_bytes(output, fix_metadata(raw, item.title, day))
    return output


def pdf_date(day: date) -> str:
    return f"D:{day:%Y%m%d}000000+00'00'"


def fix_metadata(pdf: bytes, title: str, day: date | None = None) -> bytes:
    """Rewrite Chromium's PDF with fixed dates, producer, language and document id (same input, same bytes).

    The title is shown in the viewer's title bar (``/DisplayDocTitle``), as PDF/UA asks.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        ByteStringObject,
        DictionaryObject,
        NameObject,
        TextStringObject,
    )

    logging.getLogger("pypdf").setLevel(
        logging.ERROR
    )  # Chromium's trailer sizes are off by a few; harmless
    stamp = pdf_date(day or printed_on()[0])
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    writer.add_metadata(
        {
            "/Title": title,
            "/Producer": PRODUCER,
            "/Creator": PRODUCER,
            "/CreationDate": stamp,
            "/ModDate": stamp,
        }
    )
    _renumber_structure_ids(writer)
    digest = hashlib.md5(
        title.encode("utf-8")
        + b"".join((p.extract_text() or "").encode("utf-8") for p in reader.pages)
    ).digest()
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    root = writer._root_object
    root[NameObject("/Lang")] = TextStringObject(LANGUAGE)
    preferences = root.get("/ViewerPreferences")
    preferences = preferences.get_object() if preferences is not None else DictionaryObject()
    preferences[NameObject("/DisplayDocTitle")] = BooleanObject(True)
    root[NameObject("/ViewerPreferences")] = preferences
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


_NODE_ID = re.compile(r"^node\d+$")


def _renumber_structure_ids(writer) -> None:
    """Replace Chromium's per-session DOM node ids in the tagged-PDF structure tree.

    Chromium names structure elements ``node<counter>`` (in /ID, the /IDTree and table
    /Headers), a counter that keeps rising within one browser, so the same page printed
    twice differs. Every such string is renumbered in sorted order (keeping the /IDTree
    name tree sorted) as ``hwb<n>``.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, TextStringObject

    def strings(obj, seen: set) -> None:
        if isinstance(obj, DictionaryObject):
            for value in obj.values():
                strings(value, seen)
        elif isinstance(obj, ArrayObject):
            for value in obj:
                strings(value, seen)
        elif isinstance(obj, str) and _NODE_ID.match(str(obj)):
            seen.add(str(obj))

    def replace(obj, new: dict) -> None:
        items = obj.items() if isinstance(obj, DictionaryObject) else enumerate(obj)
        for key, value in list(items):
            if isinstance(value, (DictionaryObject, ArrayObject)):
                replace(value, new)
            elif isinstance(value, str) and str(value) in new:
                obj[key] = TextStringObject(new[str(value)])

    found: set = set()
    for obj in writer._objects:
        strings(obj, found)
    new = {old: f"hwb{index:08d}" for index, old in enumerate(sorted(found))}
    for obj in writer._objects:
        if isinstance(obj, (DictionaryObject, ArrayObject)):
            replace(obj, new)


def summarise(path: Path) -> PdfSummary:
    """Pages, first-page size (points), all text and the number of images in a PDF."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    box = reader.pages[0].mediabox
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    images = sum(len(page.images) for page in reader.pages)
    metadata = {str(k): str(v) for k, v in (reader.metadata or {}).items()}
    return PdfSummary(
        len(reader.pages), (float(box.width), float(box.height)), text, images, metadata
    )


# --------------------------------------------------------------------------- which PDFs exist
def source_sha256(root: Path, docname: str) -> str | None:
    """The sha256 of a page's rendered notebook (what a PDF of it was printed from), or None."""
    path = Path(root) / f"{docname}.ipynb"
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def read_manifest(pdf_dir: Path | None = None) -> dict[str, dict]:
    """``book/_build/pdf/manifest.json``: {file name: {docname, source_sha256, pages, bytes}}."""
    path = Path(pdf_dir or PDF_DIR) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def available(
    root: Path | None = None, pdf_dir: Path | None = None
) -> dict[str, list[tuple[str, str]]]:
    """{docname: [(kind, file name)]} of the PDFs printed from each page's current notebook.

    A PDF whose page has been re-rendered since it was printed is not offered (it would show
    older figures); ``make pdfs`` prints it again.
    """
    root = Path(root or paths.ROOT)
    pdf_dir = Path(pdf_dir or PDF_DIR)
    found: dict[str, list[tuple[str, str]]] = {}
    hashes: dict[str, str | None] = {}
    for name, entry in sorted(read_manifest(pdf_dir).items()):
        docname = entry.get("docname", "")
        if docname not in hashes:
            hashes[docname] = source_sha256(root, docname)
        if (
            (pdf_dir / name).is_file()
            and hashes[docname]
            and hashes[docname] == entry.get("source_sha256")
        ):
            found.setdefault(docname, []).append((entry.get("kind", "pack"), name))
    return found


def _record(pdf_dir: Path, entries: dict[str, dict]) -> None:
    manifest = read_manifest(pdf_dir)
    manifest.update(entries)
    atomic.write_text(pdf_dir / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


# --------------------------------------------------------------------------- printing
def _check_page(html_dir: Path, item: Printable) -> str:
    page = html_dir / f"{item.docname}.html"
    if not page.is_file():
        raise HwbError(
            f"{item.slug}: no built page at {page}; render the pack and build the book first "
            f"with `make partnership={item.slug}` (or `make all`)."
        )
    return f"{item.docname}.html"


def district_pdfs(
    slugs: list[str] | None = None,
    html_dir: Path | None = None,
    out_dir: Path | None = None,
    snapshot: Path | None = None,
    publish: bool = True,
    chromium=None,
    kinds: tuple[str, ...] = ("pack", "summary"),
) -> list[Path]:
    """Print each partnership's pack and summary (default: every partnership) into ``out_dir``.

    ``slugs`` name partnerships or districts (a district prints its partnership's). Validates
    every name and page first, prints with one browser and one local server, and (with
    ``publish``) records each PDF in the manifest the book reads to link it. ``chromium``
    reuses an already launched Playwright browser.
    """
    import contextlib

    from hwb import partnerships
    from hwb.publish import browser, serve

    html_dir = Path(html_dir or paths.BOOK_HTML)
    out_dir = Path(out_dir or PDF_DIR)
    names = slugs or partnerships.known_partnerships()
    chosen = {p.slug: p for p, _ in partnerships.resolve_many(names)}
    items = [item for p in chosen.values() for item in printables(p) if item.kind in kinds]
    pages = {item: _check_page(html_dir, item) for item in items}
    data = data_date(snapshot)
    day, _ = printed_on()
    written, entries = [], {}
    launch = contextlib.nullcontext(chromium) if chromium is not None else browser.chromium()
    with serve.serving(html_dir) as base, launch as running:
        for item in items:
            output = out_dir / item.filename
            print_page(
                running, base + pages[item], output, item, data, cover_lines(item, snapshot), day
            )
            written.append(output)
            entries[item.filename] = {
                "kind": item.kind,
                "docname": item.docname,
                "source_sha256": source_sha256(paths.ROOT, item.docname),
                "pages": summarise(output).pages,
                "bytes": output.stat().st_size,
            }
    if publish:
        _record(out_dir, entries)
    return written


def print_pdfs(slugs: list[str] | None = None, snapshot: Path | None = None) -> list[Path]:
    """Print the PDFs (see :func:`district_pdfs`), then rebuild the book so its pages link them."""
    from hwb.render import book

    written = district_pdfs(slugs, snapshot=snapshot)
    book.build_book()
    return written


def district_pdf(
    slug: str,
    html_dir: Path | None = None,
    out_dir: Path | None = None,
    snapshot: Path | None = None,
) -> Path:
    """Print one partnership's pack to ``book/_build/pdf/<slug>.pdf`` (see :func:`district_pdfs`)."""
    return district_pdfs([slug], html_dir, out_dir, snapshot, kinds=("pack",))[0]
