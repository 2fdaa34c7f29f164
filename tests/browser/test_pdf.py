"""`make pdf`: a titled A4 pack PDF and a four-page summary per partnership, board-ready (issue 17)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.browser

SLUG = "burnley"
SPINE_HEADING = "vs England (95%)"  # printed once by every spine chart
_LIGATURES = str.maketrans(
    {"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "’": "'", "–": "-"}
)


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_LIGATURES)).strip()


def _partnership():
    from hwb import partnerships

    return partnerships.resolve(SLUG)[0]


@pytest.fixture(scope="module")
def printed(book_html, chromium_browser, tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Burnley's pack and summary, each printed twice from the same book."""
    from hwb.publish import pdf

    for item in pdf.printables(_partnership()):
        if not (Path(book_html) / f"{item.docname}.html").is_file():
            pytest.fail(
                f"{item.docname} is not in the built book; render it with `make partnership={SLUG}`"
            )
    out = tmp_path_factory.mktemp("pdf")
    runs = [
        pdf.district_pdfs(
            [SLUG], html_dir=book_html, out_dir=out / run, publish=False, chromium=chromium_browser
        )
        for run in ("first", "second")
    ]
    return {"pack": (runs[0][0], runs[1][0]), "summary": (runs[0][1], runs[1][1])}


def _pages_text(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [_plain(page.extract_text() or "") for page in PdfReader(str(path)).pages]


def test_first_page_names_the_partnership_its_districts_the_release_and_the_date(printed):
    from hwb.data.load import load_manifest
    from hwb.data.snapshot import snapshot_sha256
    from hwb.publish import pdf

    partnership = _partnership()
    first = _pages_text(printed["pack"][0])[0]
    assert f"{partnership.name}: evidence pack" in first
    assert f"Districts: {partnership.area_name}" in first
    assert "Data release:" in first and snapshot_sha256(load_manifest())[:12] in first
    day, _ = pdf.printed_on()
    assert f"Printed: {day.day} {day:%B %Y}" in first
    assert "How to read this pack:" in first
    assert "Key messages" in first


def test_pages_is_a4_with_running_header_page_numbers_and_no_collapsed_controls(printed):
    from hwb.publish import pdf

    summary = pdf.summarise(printed["pack"][0])
    width, height = summary.page_size
    assert abs(width - pdf.A4_POINTS[0]) < 2 and abs(height - pdf.A4_POINTS[1]) < 2, (
        summary.page_size
    )
    text = _plain(summary.text)
    title = f"{_partnership().name}: evidence pack"
    assert f"{title} · {pdf.data_date()}" in text, "running header missing"
    assert f"page {summary.pages} of {summary.pages}" in text, "page numbers missing"
    assert "Show the" not in text, "a collapsed 'Show the numbers' control was printed"
    assert "The numbers behind this chart" in text, "the numbers behind the charts are not printed"
    assert "Partnership evidence packs" not in text, "the navigation sidebar was printed"


def test_long_tables_are_in_an_appendix_linked_from_their_chart(printed):
    from pypdf import PdfReader

    reader = PdfReader(str(printed["pack"][0]))
    last = _plain(reader.pages[-1].extract_text() or "")
    text = " ".join(_pages_text(printed["pack"][0]))
    if "in the appendix" not in text:
        pytest.skip("no table long enough for the appendix in this pack")
    assert "Appendix: the longer tables of numbers behind the charts" in text
    assert "Table A1." in text and last
    destinations = {str(name).lstrip("/") for name in reader.named_destinations}
    assert "hwb-appendix-1" in destinations


def test_pages_has_every_chart_of_the_page_and_its_key_messages(printed, page, base_url):
    from hwb.publish import pdf

    page.goto(urljoin(base_url, f"book/districts/{SLUG}.html"), wait_until="networkidle")
    charts = page.locator("article svg[role=img]")
    assert charts.count() > 0, "the page has no charts to check"
    assert page.locator("article img").count() == 0, "a chart is a raster image, not inline SVG"
    spines = page.locator("article svg[role=img]", has_text=SPINE_HEADING).count()
    summary = pdf.summarise(printed["pack"][0])
    assert summary.images == 0, "a chart was printed as a raster image"
    text = _plain(summary.text)
    # every chart prints as vector drawing and selectable text: its title (its first line of
    # text; the spine charts' column heading for them)
    assert spines > 0 and text.count(_plain(SPINE_HEADING)) >= spines
    for title in charts.evaluate_all("svgs => svgs.map(s => s.querySelector('text').textContent)"):
        assert _plain(title)[:40] in text, f"chart text missing from the PDF: {title[:80]!r}"
    messages = page.locator("ol.hwb-key-messages li").all_inner_texts()
    assert messages, "no key messages on the page"
    text = _plain(summary.text)
    for message in messages:
        assert _plain(message)[:60] in text, f"key message missing from the PDF: {message[:80]!r}"


def test_summary_is_exactly_four_a4_pages_with_messages_spine_and_priorities(printed):
    from hwb.publish import pdf

    summary = pdf.summarise(printed["summary"][0])
    assert summary.pages == pdf.SUMMARY_PAGES
    pages = _pages_text(printed["summary"][0])
    name = _partnership().name
    assert f"{name}: at a glance" in pages[0]
    assert "Key messages and priorities" in pages[0] and "Recommended priorities" in pages[0]
    assert "Printed:" in pages[0]
    assert "Every headline indicator against England" in pages[1] and "than England" in pages[1]
    assert "Life expectancy" in pages[2] and "Priority wards" in pages[2]
    assert "Where things are heading" in pages[3] and "Data sources" in pages[3]
    # the life-expectancy chart, printed as vector drawing with its text selectable
    assert summary.images == 0 and "Life expectancy in " in pages[2], "the life-expectancy chart"
    assert SPINE_HEADING in pages[1], "the spine chart (SVG: printed as vector drawing and text)"


def test_no_summary_page_is_cut_off(page, base_url):
    """Each of the four sections fits its A4 page: nothing hidden by the page-height limit."""
    from hwb.publish import pdf

    page.goto(urljoin(base_url, f"book/summaries/{SLUG}.html"), wait_until="networkidle")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 688, "height": 994})  # the A4 text area at 96 px an inch
    page.evaluate(
        pdf.PREPARE_JS,
        {
            "numbers": False,
            "appendixRows": pdf.APPENDIX_ROWS,
            "cover": [["Printed", "1 January 2000"]],
            "lang": pdf.LANGUAGE,
        },
    )
    cut = page.evaluate("""() => Array.from(document.querySelectorAll('article.bd-article > section > section'))
        .filter(s => s.scrollHeight > s.clientHeight + 1).map(s => s.querySelector('h2').textContent)""")
    assert cut == []


def test_same_page_gives_the_same_pdf_bytes(printed):
    from hwb.publish import pdf

    for first, second in printed.values():
        assert first.read_bytes() == second.read_bytes(), first.name
    assert pdf.summarise(printed["pack"][0]).metadata["/CreationDate"] == pdf.pdf_date(
        pdf.printed_on()[0]
    )


def test_pdfs_are_tagged_titled_in_english_with_selectable_text_and_sharp_charts(printed):
    from pypdf import PdfReader

    from hwb.publish import pdf

    for kind, (path, _) in printed.items():
        reader = PdfReader(str(path))
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], f"{kind}: not tagged"
        assert str(root["/Lang"]) == pdf.LANGUAGE
        assert root["/ViewerPreferences"]["/DisplayDocTitle"]
        assert reader.metadata.title.endswith(("evidence pack", "at a glance"))
        assert all(len(_plain(page.extract_text() or "")) > 100 for page in reader.pages), (
            f"{kind}: a page without text"
        )
        for number, page in enumerate(reader.pages):
            for image in page.images:
                # drawn 1,600 px wide for the 182 mm column: over 200 pixels an inch on paper
                assert image.image.width >= 1200, (
                    f"{kind} page {number + 1}: a {image.image.width}px chart"
                )


def test_the_summary_date_comes_from_source_date_epoch(monkeypatch):
    from hwb.publish import pdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 1 January 2026
    assert pdf.printed_on()[0].isoformat() == "2026-01-01"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert pdf.printed_on()[1] in (
        "the date of the book's last commit",
        "no date available (not a git checkout and no SOURCE_DATE_EPOCH)",
    )


def test_a_page_links_a_pdf_only_when_it_was_printed_from_that_page(book_html):
    from hwb import paths
    from hwb.publish import pdf
    from hwb.publish.sphinx_ext import PDF_LINK_CLASS, pdf_href

    offered = pdf.available()
    page_file = Path(book_html) / f"book/districts/{SLUG}.html"
    html = page_file.read_text(encoding="utf-8")
    links = [name for _, name in offered.get(f"book/districts/{SLUG}", [])]
    if not links:
        assert PDF_LINK_CLASS not in html, "a PDF link on a page whose PDF was not printed from it"
        return
    for name in links:
        href = pdf_href(name, f"book/districts/{SLUG}")
        assert f'href="{href}"' in html
        assert (page_file.parent / href).resolve().is_file()
        assert (paths.ROOT / f"book/districts/{SLUG}.ipynb").is_file()


def test_pdf_links_follow_the_manifest(tmp_path):
    import hashlib
    import json

    from hwb.publish import pdf

    (tmp_path / "book/districts").mkdir(parents=True)
    notebook = tmp_path / "book/districts/burnley.ipynb"
    notebook.write_text("{}", encoding="utf-8")
    out = tmp_path / "pdf"
    out.mkdir()
    (out / "burnley.pdf").write_bytes(b"%PDF")
    entry = {
        "kind": "pack",
        "docname": "book/districts/burnley",
        "source_sha256": hashlib.sha256(b"{}").hexdigest(),
    }
    (out / pdf.MANIFEST).write_text(json.dumps({"burnley.pdf": entry}), encoding="utf-8")
    assert pdf.available(tmp_path, out) == {"book/districts/burnley": [("pack", "burnley.pdf")]}
    notebook.write_text('{"changed": 1}', encoding="utf-8")  # re-rendered since it was printed
    assert pdf.available(tmp_path, out) == {}
