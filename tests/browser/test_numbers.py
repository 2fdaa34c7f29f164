"""The data behind each pack: every pack page links its numbers as CSV, and they are its numbers.

Built book only (no browser needed): each partnership's pack page links ``<slug>.csv``,
the file is in the built site beside the page, and its latest rows are the values the
page's "All headline indicators" table shows.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from conftest import partnership_pages

from hwb.publish.sphinx_ext import NUMBERS_LINK_CLASS
from hwb.text import format as fmt

pytestmark = pytest.mark.browser

HEADLINE_HEADER = "Compared with England (or goal)"


class _Tables(HTMLParser):
    """Every table of a page as rows of cell texts, and the numbers link's target."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.numbers_href: str | None = None
        self._in_link_para = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "p" and NUMBERS_LINK_CLASS in (attrs.get("class") or ""):
            self._in_link_para = True
        elif tag == "a" and self._in_link_para:
            self.numbers_href = attrs.get("href")
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "p":
            self._in_link_para = False
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _headline_rows(tables: list[list[list[str]]]) -> list[list[str]]:
    for table in tables:
        if table and HEADLINE_HEADER in table[0]:
            return table
    raise AssertionError("no 'All headline indicators' table on the page")


@pytest.mark.parametrize("slug", sorted(partnership_pages()))
def test_each_pack_page_links_its_numbers_which_match_its_headline_table(book_html, slug):
    page = Path(book_html) / partnership_pages()[slug]
    parsed = _Tables()
    parsed.feed(page.read_text(encoding="utf-8"))
    assert parsed.numbers_href == f"{slug}.csv", f"{slug}: the pack page does not link its numbers"
    csv = page.parent / parsed.numbers_href
    assert csv.is_file(), f"{csv} is linked but not in the built book"
    numbers = pd.read_csv(io.BytesIO(csv.read_bytes()), keep_default_na=False, na_values=[""])
    header, *rows = _headline_rows(parsed.tables)
    value_column = header.index("Period") + 1  # the area's value follows the period
    shown = {(r[0], r[2]): r[value_column] for r in rows}
    latest = numbers[numbers["latest"] & (numbers["area_code"] == numbers["area_code"].iloc[0])]
    assert len(latest) == len(shown), f"{slug}: {len(latest)} latest rows, {len(shown)} on the page"
    for _, row in latest.iterrows():
        key = (row["indicator"], row["period"])
        assert key in shown, f"{slug}: {key} is in the CSV, not on the page"
        # the value, then (issue 27) its fitness label where it has one: "11.4; estimate for
        # a larger area", as the CSV's fitness column says
        value, _, label = shown[key].partition("; ")
        assert value == fmt.number(row["value"]), f"{slug}: {key}"
        fitness = row.get("fitness")
        assert label == ("" if pd.isna(fitness) else fitness), f"{slug}: {key}"
