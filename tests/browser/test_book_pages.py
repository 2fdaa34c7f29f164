"""The built book in headless Chromium: loads, navigates, shows key messages first, no errors."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from conftest import VIEWPORT, PageProblems, partnership_pages, toc_pages

pytestmark = pytest.mark.browser


def test_the_committed_book_built_with_parallel_sphinx_has_one_page_per_partnership(book_html):
    """The fixture built the committed pages with Sphinx -j 2, warnings as errors (hundreds of
    pages use -j: every extension must be parallel-safe); one pack per partnership, ten."""
    from hwb import paths
    from hwb.partnerships import known_partnerships
    from hwb.render import book

    pages = sorted(p.stem for p in (paths.BOOK / "districts").glob("*.ipynb"))
    assert pages == sorted(known_partnerships())
    assert book.page_path("book/districts/fylde-and-wyre", book_html).is_file()
    assert not book.page_path("book/districts/wyre", book_html).is_file()


def test_a_pack_page_built_in_a_new_process_hides_parameters_and_launch_buttons(book_html):
    from render_support import district_page_is_clean

    from hwb.render import book

    district_page_is_clean(book.page_path("book/districts/burnley", book_html).read_text())


def test_index_loads_and_leads_to_the_root_page(page, base_url):
    response = page.goto(base_url, wait_until="networkidle")
    assert response is not None and response.ok
    assert page.url.endswith(".html"), "index.html should redirect to the book's first page"
    assert "Lancashire" in page.title()
    assert page.locator("article h1").first.is_visible()
    assert page.problems.items == []


def test_every_partnership_page_is_reachable_from_the_navigation(page, base_url):
    from hwb.partnerships import resolve_partnership

    page.goto(base_url, wait_until="networkidle")
    hrefs = page.locator("nav.bd-docs-nav a").evaluate_all("links => links.map(a => a.href)")
    for slug, path in partnership_pages().items():
        target = urljoin(base_url, path)
        assert target in hrefs, f"no link to {path} in the book's navigation"
        response = page.goto(target, wait_until="domcontentloaded")
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        heading = page.locator("article h1").first.inner_text()
        assert resolve_partnership(slug).name in heading, f"{path}: H1 is {heading!r}"


@pytest.fixture(scope="module")
def visits(chromium_browser, base_url, book_html) -> dict[str, dict]:
    """Every page that the three tests below look at, loaded once (until the network is
    idle) in one fresh context: {path: what they check}. Each test asserts on its own pages
    exactly as it did when it loaded them itself: console errors, failed requests and
    uncaught exceptions seen while the page loaded; every image in the article; where the
    "Key messages" heading is."""
    context = chromium_browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    problems = PageProblems(page)
    to_visit = dict.fromkeys(["search.html", *toc_pages(book_html), *partnership_pages().values()])
    seen = {}
    try:
        for path in to_visit:
            problems.items.clear()
            page.goto(urljoin(base_url, path), wait_until="networkidle")
            images = page.locator("article img").evaluate_all(
                "imgs => imgs.map(i => ({src: i.currentSrc || i.src, width: i.naturalWidth,"
                " alt: (i.getAttribute('alt') || '').trim(), complete: i.complete}))"
            ) + page.locator("article svg[role=img]").evaluate_all(
                "svgs => svgs.map(s => ({src: 'inline SVG: ' + (s.textContent || '').trim(),"
                " width: s.getBoundingClientRect().width,"
                " alt: (s.getAttribute('aria-label') || '').trim(), complete: true}))"
            )
            heading = page.get_by_role(
                "heading", name=re.compile(r"^\s*Key messages", re.IGNORECASE)
            ).first
            count = heading.count()
            seen[path] = {
                "problems": list(problems.items),
                "images": images,
                "key_messages": count,
                "key_messages_box": heading.bounding_box() if count == 1 else None,
            }
    finally:
        context.close()
    return seen


def test_key_messages_are_on_the_first_screen_of_every_partnership_page(visits):
    late = {}
    for slug, path in partnership_pages().items():
        assert visits[path]["key_messages"] == 1, f"{path}: no 'Key messages' heading"
        box = visits[path]["key_messages_box"]
        if box is None or box["y"] + box["height"] > VIEWPORT["height"]:
            late[slug] = box and round(box["y"])
    assert not late, f"'Key messages' starts below the first {VIEWPORT['height']}px screen: {late}"


def test_every_image_loads_and_has_alt_text(visits, book_html):
    problems = []
    for path in toc_pages(book_html):
        for image in visits[path]["images"]:
            if not image["complete"] or image["width"] == 0:
                problems.append(f"{path}: image did not load: {image['src'][:80]}")
            if not image["alt"]:
                problems.append(f"{path}: image has no alt text: {image['src'][:80]}")
    assert problems == []


def test_no_console_errors_on_any_page(visits, book_html):
    seen = {}
    for path in ["search.html", *toc_pages(book_html)]:
        if visits[path]["problems"]:
            seen[path] = visits[path]["problems"]
    assert seen == {}


def test_search_finds_burnley(page, base_url):
    page.goto(urljoin(base_url, "search.html?q=Burnley"), wait_until="networkidle")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=20_000)
    hrefs = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any("districts/burnley" in h for h in hrefs), hrefs
    assert page.problems.items == []
