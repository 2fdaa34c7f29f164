"""Print a district's evidence-pack page to an A4 PDF with headless Chromium.

``make pdf district=burnley`` → :func:`district_pdf`; ``make pdfs`` → :func:`district_pdfs`.
The built book is served on 127.0.0.1 and each page printed by Playwright driving Debian's
Chromium, using the book's print stylesheet (``book/_static/hwb-print.css``: no navigation,
sections on new pages) plus a running header naming the district and the data date.

Each PDF is written to ``book/_build/pdf/<slug>.pdf`` and copied into the built HTML as
``pdf/<slug>.pdf``, where the "Download this evidence pack as a PDF" link on the district's
page points (see :func:`hwb.publish.sphinx_ext.pdf_href`). Chromium stamps creation dates
and a random document id; :func:`fix_metadata` replaces them so the same page gives the
same PDF bytes.
"""
from __future__ import annotations

import hashlib
import html
import io
import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from hwb import paths
from hwb.build import atomic
from hwb.errors import HwbError

PDF_DIR = paths.BOOK_BUILD / "pdf"
HTML_PDF_FOLDER = "pdf"  # inside the built HTML, beside index.html
A4_POINTS = (595.28, 841.89)
FIXED_DATE = "D:20000101000000+00'00'"  # PDFs carry no build time: same page, same bytes
PRODUCER = "Lancashire Health & Wellbeing evidence book (headless Chromium)"
MARGIN = {"top": "18mm", "bottom": "16mm", "left": "14mm", "right": "14mm"}
_HEADER_STYLE = "font-family: sans-serif; font-size: 8px; color: #333; width: 100%; margin: 0 14mm;"


@dataclass(frozen=True)
class PdfSummary:
    """What a printed PDF contains, for checks: pages, page size, text, images."""

    pages: int
    page_size: tuple[float, float]
    text: str
    images: int
    metadata: dict[str, str]


def data_date(snapshot: Path | None = None) -> str:
    """The running header's data description: the snapshot's fetch date, or that it is demonstration data."""
    from hwb.data.load import load_manifest

    manifest = load_manifest(snapshot)
    if manifest.get("synthetic"):
        return "demonstration data, not official statistics"
    fetched = manifest.get("date_fetched")
    return f"Fingertips data fetched {fetched}" if fetched else "data date not recorded"


def header_template(title: str, data: str) -> str:
    """Chromium's running header: the district's pack title and the data date on every page."""
    text = html.escape(f"{title} · {data}")
    return f'<div style="{_HEADER_STYLE} text-align: left;">{text}</div>'


def footer_template(title: str) -> str:
    """Chromium's running footer: page x of y."""
    return (
        f'<div style="{_HEADER_STYLE} text-align: right;">{html.escape(title)} · page '
        '<span class="pageNumber"></span> of <span class="totalPages"></span></div>'
    )


def print_page(browser, url: str, output: Path, title: str, data: str) -> Path:
    """Print ``url`` to ``output`` as an A4 PDF with the running header; return ``output``."""
    page = browser.new_page()
    try:
        response = page.goto(url, wait_until="networkidle")
        if response is None or not response.ok:
            status = response.status if response is not None else "no response"
            raise HwbError(f"could not open {url} to print it ({status}); rebuild the book with `make all`")
        page.emulate_media(media="print")
        page.evaluate("document.fonts.ready")
        raw = page.pdf(
            format="A4",
            print_background=True,
            display_header_footer=True,
            header_template=header_template(title, data),
            footer_template=footer_template(title),
            margin=MARGIN,
            outline=True,
            tagged=True,
        )
    finally:
        page.close()
    atomic.write_bytes(output, fix_metadata(raw, title))
    return output


def fix_metadata(pdf: bytes, title: str) -> bytes:
    """Rewrite Chromium's PDF with fixed dates, producer and document id (same input, same bytes)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # Chromium's trailer sizes are off by a few; harmless
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    writer.add_metadata({
        "/Title": title,
        "/Producer": PRODUCER,
        "/Creator": PRODUCER,
        "/CreationDate": FIXED_DATE,
        "/ModDate": FIXED_DATE,
    })
    _renumber_structure_ids(writer)
    digest = hashlib.md5(title.encode("utf-8") + b"".join(
        (p.extract_text() or "").encode("utf-8") for p in reader.pages)).digest()
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    writer._root_object[NameObject("/Lang")] = writer._root_object.get("/Lang", NameObject("/en"))
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
    return PdfSummary(len(reader.pages), (float(box.width), float(box.height)), text, images, metadata)


def _district_page(html_dir: Path, slug: str) -> str:
    page = html_dir / "book" / "districts" / f"{slug}.html"
    if not page.is_file():
        raise HwbError(
            f"{slug}: no built page at {page}; render the pack and build the book first "
            f"with `make district={slug}` (or `make all`)."
        )
    return f"book/districts/{slug}.html"


def district_pdfs(
    slugs: list[str] | None = None,
    html_dir: Path | None = None,
    out_dir: Path | None = None,
    snapshot: Path | None = None,
    publish: bool = True,
    chromium=None,
) -> list[Path]:
    """Print each district's page (default: every district) to ``<out_dir>/<slug>.pdf``.

    Validates every name first, prints with one browser and one local server, and (with
    ``publish``) copies each PDF into the built HTML (``pdf/<slug>.pdf``) where the page's
    download link points. ``chromium`` reuses an already launched Playwright browser.
    """
    import contextlib

    from hwb import partnerships
    from hwb.publish import browser, serve

    html_dir = Path(html_dir or paths.BOOK_HTML)
    out_dir = Path(out_dir or PDF_DIR)
    # a district's name prints its partnership's pack; each pack once
    packs = {p.slug: p for p in (partnerships.resolve(s)[0] for s in (slugs or partnerships.known_partnerships()))}
    districts = list(packs.values())
    pages = {d.slug: _district_page(html_dir, d.slug) for d in districts}
    data = data_date(snapshot)
    written = []
    launch = contextlib.nullcontext(chromium) if chromium is not None else browser.chromium()
    with serve.serving(html_dir) as base, launch as running:
        for district in districts:
            output = out_dir / f"{district.slug}.pdf"
            title = f"{district.name}: evidence pack"
            print_page(running, base + pages[district.slug], output, title, data)
            if publish:
                published = html_dir / HTML_PDF_FOLDER / output.name
                published.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(output, published)
            written.append(output)
    return written


def district_pdf(slug: str, html_dir: Path | None = None, out_dir: Path | None = None,
                 snapshot: Path | None = None) -> Path:
    """Print one district's page to ``book/_build/pdf/<slug>.pdf`` (see :func:`district_pdfs`)."""
    return district_pdfs([slug], html_dir, out_dir, snapshot)[0]
