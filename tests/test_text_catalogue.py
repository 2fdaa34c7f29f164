"""The methods page's indicator table is the catalogue, regenerated (never edited by hand)."""

from __future__ import annotations

from hwb import paths
from hwb.data.catalogue import load_catalogue
from hwb.text.catalogue import catalogue_markdown, generated_block, table_in_page


def test_methods_page_table_matches_the_catalogue():
    catalogue = load_catalogue()
    page = (paths.BOOK / "methods.md").read_text(encoding="utf-8")
    assert table_in_page(page) == generated_block(catalogue), "run `hwb catalogue-table`"


def test_table_has_one_row_per_indicator_with_its_words():
    catalogue = load_catalogue()
    table = catalogue_markdown(catalogue)
    rows = table.splitlines()[2:]
    assert len(rows) == len(catalogue)
    smoking = next(r for r in rows if r.startswith("| 93085 |"))
    assert "lower is better" in smoking and "Starting Well" in smoking and "%" in smoking
