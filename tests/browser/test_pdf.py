"""`make pdf`: an A4 PDF of a district's page with its key messages, every chart, a running header."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import partnership_pages

pytestmark = pytest.mark.browser

SLUG = "burnley"
_LIGATURES = str.maketrans({"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "’": "'", "–": "-"})


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_LIGATURES)).strip()


@pytest.fixture(scope="module")
def printed(book_html, chromium_browser, tmp_path_factory) -> tuple[Path, Path]:
    from hwb.publish import pdf

    out = tmp_path_factory.mktemp("pdf")
    first = pdf.district_pdfs([SLUG], html_dir=book_html, out_dir=out / "first", publish=False,
                              chromium=chromium_browser)[0]
    second = pdf.district_pdfs([SLUG], html_dir=book_html, out_dir=out / "second", publish=False,
                              chromium=chromium_browser)[0]
    return first, second


def test_pdf_is_a4_with_the_name_key_messages_and_running_header(printed, page, base_url):
    from hwb.partnerships import resolve_partnership
    from hwb.publish import pdf

    summary = pdf.summarise(printed[0])
    width, height = summary.page_size
    assert abs(width - pdf.A4_POINTS[0]) < 2 and abs(height - pdf.A4_POINTS[1]) < 2, summary.page_size
    text = _plain(summary.text)
    name = resolve_partnership(SLUG).name
    assert name in text
    assert f"{name}: evidence pack · {pdf.data_date()}" in text, "running header missing"
    assert "Partnership evidence packs" not in text, "the navigation sidebar was printed"

    page.goto(urljoin(base_url, partnership_pages()[SLUG]), wait_until="networkidle")
    section = page.locator("xpath=//section[*[self::h2 or self::h3]"
                           "[starts-with(normalize-space(.), 'Key messages')]]").first
    messages = section.locator("li, p").all_inner_texts()
    assert messages, "no key messages on the page to look for"
    for message in messages:
        assert _plain(message)[:60] in text, f"key message missing from the PDF: {message[:80]!r}"


def test_pdf_has_every_chart_of_the_page(printed, page, base_url):
    from hwb.publish import pdf

    page.goto(urljoin(base_url, partnership_pages()[SLUG]), wait_until="networkidle")
    charts = page.locator("article img").count()
    assert charts > 0, "the page has no charts to check"
    assert pdf.summarise(printed[0]).images >= charts


def test_same_page_gives_the_same_pdf_bytes(printed):
    from hwb.publish import pdf

    first, second = printed
    assert first.read_bytes() == second.read_bytes()
    assert pdf.summarise(first).metadata["/CreationDate"] == pdf.FIXED_DATE


def test_the_page_links_to_where_the_pdf_is_published(book_html):
    from hwb.publish.pdf import HTML_PDF_FOLDER
    from hwb.publish.sphinx_ext import PDF_LINK_CLASS, pdf_href

    page_file = Path(book_html) / partnership_pages()[SLUG]
    assert f'class="{PDF_LINK_CLASS}"><a href="{pdf_href(SLUG)}"' in page_file.read_text(encoding="utf-8")
    assert (page_file.parent / pdf_href(SLUG)).resolve() == (Path(book_html) / HTML_PDF_FOLDER / f"{SLUG}.pdf").resolve()
