"""axe-core in Chromium: no serious or critical WCAG 2.2 AA violations on the key pages."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from conftest import toc_pages

pytestmark = pytest.mark.browser

KEY_PAGES = [
    "index.html",
    "book/overview.html",
    "book/methods.html",
    "book/districts/burnley.html",
    "book/reproducibility.html",
    "book/changes.html",
    "search.html",
]
REQUIRED = ["index.html", "book/overview.html", "book/methods.html", "book/districts/burnley.html"]


def test_no_serious_or_critical_wcag22_aa_violations(page, base_url, book_html, axe_available):
    from hwb.publish import a11y

    built = set(toc_pages(book_html)) | {"index.html", "search.html"}
    missing = [p for p in REQUIRED if p not in built]
    assert not missing, f"pages the accessibility check needs are not in the book: {missing}"
    results = {}
    for path in [p for p in KEY_PAGES if p in built]:
        page.goto(urljoin(base_url, path), wait_until="networkidle")
        results[path] = a11y.run_axe(page)
    summary = a11y.write_report(results)
    print(summary)
    blocking = {path: [v["id"] for v in a11y.serious(res)] for path, res in results.items()}
    assert not any(blocking.values()), f"serious/critical violations: {blocking}\n{summary}"
