"""No broken internal links anywhere in the built book (checked offline, without a browser)."""

from __future__ import annotations

from hwb.publish.links import broken_links


def test_no_broken_internal_links(book_html):
    broken = broken_links(book_html)
    assert not broken, "broken links:\n" + "\n".join(map(str, broken))


def test_the_checker_reports_a_missing_page_and_a_missing_anchor(tmp_path):
    (tmp_path / "index.html").write_text(
        '<a href="a.html#there">ok</a><a href="gone.html">x</a><a href="a.html#nowhere">y</a>'
        '<a href="https://example.org/">external</a>',
        encoding="utf-8",
    )
    (tmp_path / "a.html").write_text('<h2 id="there">There</h2>', encoding="utf-8")
    found = {(b.page, b.link) for b in broken_links(tmp_path)}
    assert found == {("index.html", "gone.html"), ("index.html", "a.html#nowhere")}


def test_the_checker_reports_a_missing_pdf(tmp_path):
    (tmp_path / "index.html").write_text('<a href="pdf/gone.pdf">PDF</a>', encoding="utf-8")
    assert [(b.link, b.reason) for b in broken_links(tmp_path)] == [
        ("pdf/gone.pdf", "no such file")
    ]
