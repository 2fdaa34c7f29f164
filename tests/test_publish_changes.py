"""`hwb changes OLD NEW`: the "What changed in this release" page from two hand-made snapshots."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from hwb import params
from hwb.data.schema import LAYOUT_26
from hwb.publish import changes

INDICATOR = 999001  # not in the catalogue: compared without polarity (Higher/Similar/Lower)
AREAS = {
    "E92000001": ("England", "England", ""),
    "E07000117": ("Burnley", "Districts & UAs (from Apr 2023)", "E10000017"),
    "E07000122": ("Pendle", "Districts & UAs (from Apr 2023)", "E10000017"),
}


def _row(area: str, year: int, value: float, half_width: float, trend: str = "") -> dict:
    name, area_type, parent = AREAS[area]
    row = dict.fromkeys(LAYOUT_26, "")
    row.update(
        {
            "Indicator ID": INDICATOR,
            "Indicator Name": "Test indicator",
            "Parent Code": parent,
            "Area Code": area,
            "Area Name": name,
            "Area Type": area_type,
            "Sex": "Persons",
            "Age": "All ages",
            "Time period": str(year),
            "Value": value,
            "Lower CI 95.0 limit": value - half_width,
            "Upper CI 95.0 limit": value + half_width,
            "Lower CI 99.8 limit": value - 1.5 * half_width,
            "Upper CI 99.8 limit": value + 1.5 * half_width,
            "Recent Trend": trend,
            "Time period Sortable": year * 10000,
        }
    )
    return row


def _write(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(LAYOUT_26))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def releases(tmp_path) -> tuple[Path, Path]:
    common = [
        _row("E92000001", 2020, 50.0, 0.1),
        _row("E92000001", 2021, 50.0, 0.1),
        _row("E07000122", 2020, 60.0, 2.0),
        _row("E07000122", 2021, 61.0, 2.0, "Increasing"),
    ]
    old = common + [
        _row("E07000117", 2020, 50.5, 2.0),
        _row("E07000117", 2021, 50.2, 2.0, "No significant change"),  # similar to England
    ]
    new = common + [
        _row("E07000117", 2020, 50.5, 2.0),
        _row("E07000117", 2021, 50.2, 2.0, "No significant change"),
        _row("E92000001", 2022, 50.0, 0.1),
        _row("E07000117", 2022, 44.0, 1.0, "Decreasing"),  # lower than England, outside old CI
    ]
    return _write(tmp_path / "old.csv", old), _write(tmp_path / "new.csv", new)


def test_each_kind_of_change_is_found_for_the_district_that_changed(releases):
    from hwb.data.load import load_snapshot

    old, new = (load_snapshot(p) for p in releases)
    districts = [params.load_district("burnley"), params.load_district("pendle")]
    found = changes.compare_releases(old, new, districts)
    burnley = found[found["slug"] == "burnley"].set_index("kind")
    assert sorted(burnley.index) == sorted(changes.KINDS)
    assert burnley.loc["new period", "before"] == "2021: 50.2"
    assert burnley.loc["new period", "now"] == "2022: 44.0"
    assert burnley.loc["significance", "before"] == "Similar (2021)"
    assert burnley.loc["significance", "now"] == "Lower (2022)"
    assert (burnley.loc["trend", "before"], burnley.loc["trend", "now"]) == (
        "No significant change",
        "Decreasing",
    )
    assert "95% CI 48.2 to 52.2" in burnley.loc["outside old interval", "before"]
    assert (found["slug"] == "pendle").sum() == 0


def test_the_page_is_written_deterministically_with_a_section_per_district(releases, tmp_path):
    districts = [params.load_district("burnley"), params.load_district("pendle")]
    page = changes.write_changes_page(
        *releases, output=tmp_path / "changes.md", districts=districts
    )
    text = page.read_text(encoding="utf-8")
    assert text.startswith("# What changed in this release\n")
    assert "| [Burnley](#burnley-changes) | 1 | 1 | 1 | 1 |" in text
    assert "| [Pendle](#pendle-changes) | 0 | 0 | 0 | 0 |" in text
    assert "## Pendle\n\nNo indicator changed between these releases." in text
    assert "| Test indicator | significance | Similar (2021) | Lower (2022) |" in text
    again = changes.write_changes_page(*releases, output=tmp_path / "again.md", districts=districts)
    assert again.read_bytes() == page.read_bytes()


def test_the_same_snapshot_twice_changes_nothing(releases):
    from hwb.data.load import load_snapshot

    old = load_snapshot(releases[0])
    assert changes.compare_releases(old, old, [params.load_district("burnley")]).empty
