"""The one loader on real Fingertips files and on each kind of bad input."""

from __future__ import annotations

import gzip
import logging
import math
from pathlib import Path

import pandas as pd
import pytest

from hwb import paths
from hwb.data import schema
from hwb.data.load import describe_quarantined, load_manifest, load_snapshot
from hwb.errors import DataInvalid

SAMPLES = paths.SHARED_DATA / "fingertips_csv_layout_samples"
OLD_LAYOUT = SAMPLES / "jargonautical_data-dev" / "indicators-CountyUA.data.csv"
NEW_LAYOUT = SAMPLES / "MarinosIoannides_BikePoint_Analysis" / "adult_obesity.csv"

HEADER = ",".join(schema.LAYOUT_27)


def needs(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"{path} not available (../shared is absent)")
    return path


def row(**overrides: str) -> str:
    """One 27-column Fingertips row: Burnley, under-18 conceptions 2021, overridable by tidy name."""
    cells = {
        "Indicator ID": "20401",
        "Indicator Name": "Under 18s conception rate / 1,000",
        "Parent Code": "E10000017",
        "Parent Name": "Lancashire",
        "Area Code": "E07000117",
        "Area Name": "Burnley",
        "Area Type": "Districts & UAs (from Apr 2023)",
        "Sex": "Female",
        "Age": "<18 yrs",
        "Category Type": "",
        "Category": "",
        "Time period": "2021",
        "Value": "20.1",
        "Lower CI 95.0 limit": "14.0",
        "Upper CI 95.0 limit": "28.0",
        "Lower CI 99.8 limit": "",
        "Upper CI 99.8 limit": "",
        "Count": "35",
        "Denominator": "1740",
        "Value note": "",
        "Recent Trend": "",
        "Compared to England value or percentiles": "",
        "Compared to Region value or percentiles": "",
        "Time period Sortable": "20210000",
        "New data": "",
        "Compared to goal": "",
        "Time period range": "1y",
    }
    for tidy, value in overrides.items():
        cells[{v: k for k, v in schema.FINGERTIPS_COLUMNS.items()}.get(tidy, tidy)] = value
    return ",".join(f'"{v}"' if ("," in v or "\n" in v) else v for v in cells.values())


def write(tmp_path: Path, *rows: str, name: str = "bad.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- real files
def test_real_extract_loads_into_the_tidy_frame():
    frame = load_snapshot(needs(paths.REAL_EXTRACT))
    schema.TIDY_SCHEMA.validate(frame)
    assert list(frame.columns) == list(schema.TIDY_COLUMNS)
    assert frame["area_code"].nunique() == 14
    headline = frame[frame["category_type"] == ""]
    assert not headline.duplicated(list(schema.ROW_KEY)).any()
    # Burnley, under-18 conceptions 2018, exactly as in the CSV's first data line.
    burnley = frame[
        (frame.indicator_id == 20401)
        & (frame.area_code == "E07000117")
        & (frame.period == "2018")
        & (frame.category_type == "")
    ].iloc[0]
    assert (burnley.value, burnley.lower_95, burnley.upper_95) == (31.20666, 22.76023, 41.75795)
    assert (burnley["count"], burnley.denominator, burnley.year) == (45.0, 1442.0, 2018)
    # Lancashire has no parent code in the extract: missing, not "".
    assert frame.loc[frame.area_code == "E10000017", "parent_code"].isna().all()
    # The extract leaves 92026's name empty; the catalogue supplies it.
    assert (frame.loc[frame.indicator_id == 92026, "indicator_name"] != "").all()


def test_real_extract_duplicates_are_reported_not_silently_kept():
    frame = load_snapshot(needs(paths.REAL_EXTRACT))
    notes = " ".join(frame.attrs["dropped_rows"])
    assert "exact duplicate" in notes and "cannot be told apart" in notes


def test_old_26_column_layout_with_quoted_newline_in_name():
    frame = load_snapshot(needs(OLD_LAYOUT))
    assert len(frame) == 852  # records, not the file's 1,705 lines
    assert set(frame["indicator_name"]) == {"Campylobacter incidence rate/100,000"}
    england = frame[
        (frame.area_code == "E92000001") & (frame.category_type == "") & (frame.period == "2015")
    ]
    assert england["value"].iloc[0] == pytest.approx(94.7261896202678)
    assert england["count"].iloc[0] == 51897


def test_new_27_column_layout_with_crlf_and_empty_counts():
    frame = load_snapshot(needs(NEW_LAYOUT))
    assert len(frame) == 1414
    assert set(frame["indicator_id"]) == {93088, 93881}
    assert frame.loc[frame.area_code == "E92000001", "parent_code"].isna().all()
    assert frame["count"].isna().any()  # survey-based: missing, never zero


def test_bom_and_gzip_are_accepted(tmp_path):
    plain = write(tmp_path, row(), name="a.csv")
    with_bom = tmp_path / "bom.csv"
    with_bom.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    zipped = tmp_path / "z.csv.gz"
    zipped.write_bytes(gzip.compress(plain.read_bytes()))
    frames = [load_snapshot(p) for p in (plain, with_bom, zipped)]
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(
            frame.drop(columns="source_file"), frames[0].drop(columns="source_file")
        )


def test_filters_and_manifest_for_a_bare_csv(tmp_path):
    path = write(tmp_path, row(), row(area_code="E07000118", area_name="Chorley"), name="two.csv")
    assert list(load_snapshot(path, areas=["E07000118"]).area_code) == ["E07000118"]
    assert load_snapshot(path, indicators=[1]).empty
    manifest = load_manifest(path)
    assert manifest["synthetic"] is False and manifest["files"][0]["name"] == "two.csv"


# ----------------------------------------------------------------------------- value notes
def test_suppressed_values_stay_missing_and_keep_their_note(tmp_path):
    note = "Value suppressed for disclosure control due to small count"
    path = write(tmp_path, row(value="", lower_95="", upper_95="", count="", value_note=note))
    frame = load_snapshot(path)
    assert math.isnan(frame["value"].iloc[0]) and math.isnan(frame["count"].iloc[0])
    assert frame["value_note"].iloc[0] == note


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("overrides", "column", "words"),
    [
        ({"value": "twenty"}, "Value", "expected a number"),
        ({"count": "-3"}, "Count", "cannot be negative"),
        ({"lower_95": "25"}, "Lower CI 95.0 limit", "above the value"),
        ({"upper_95": "19"}, "Upper CI 95.0 limit", "below the value"),
        (
            {"lower_998": "5", "upper_998": "4", "value": ""},
            "Lower CI 99.8 limit",
            "above the upper limit",
        ),
        ({"sex": "Both"}, "Sex", "Persons, Male, Female"),
        ({"area_code": "E0700117"}, "Area Code", "unknown area code"),
        ({"area_code": "E10000017"}, "Area Code", "unknown area code"),
        ({"indicator_id": "20401a"}, "Indicator ID", "whole-number"),
        (
            {"period_sortable": "soon", "period": "recent"},
            "Time period Sortable",
            "sortable period",
        ),
    ],
)
def test_bad_rows_are_quarantined_naming_file_line_and_column(tmp_path, overrides, column, words):
    """A row that breaks a row-level rule is left out and listed; the good rows still load."""
    path = write(
        tmp_path, row(), row(**{"period": "2022", "period_sortable": "20220000", **overrides})
    )
    frame = load_snapshot(path)
    assert list(frame["period"]) == ["2021"]
    [held] = frame.attrs["quarantined"]
    message = describe_quarantined(held)
    assert message.startswith("bad.csv, line 3") and f"column '{column}'" in message
    assert words in message


def test_every_row_bad_is_a_file_level_error(tmp_path):
    path = write(tmp_path, row(value="x"), row(period="2022", value="y"))
    with pytest.raises(DataInvalid, match=r"bad\.csv: every one of its 2 rows failed validation"):
        load_snapshot(path)


def test_line_numbers_count_quoted_newlines(tmp_path):
    first = row(indicator_name="Under 18s conception rate\n/ 1,000")
    path = write(tmp_path, first, row(period="2022", period_sortable="20220000", value="x"))
    [held] = load_snapshot(path).attrs["quarantined"]
    assert describe_quarantined(held).startswith("bad.csv, line 4, column 'Value'")


@pytest.mark.parametrize(
    ("value", "lower", "upper", "accepted"),
    [
        # England, 93701, 2022/23 as Fingertips publishes it: 15.6 (1 dp), limits 15.52-15.59.
        ("15.6", "15.52", "15.59", True),
        ("15.6", "15.66", "15.70", False),  # 0.06 below its interval: beyond half of 0.1
        ("15.60", "15.52", "15.59", False),  # 2 dp: half a unit is 0.005, 0.01 is too far
        ("16", "15.52", "15.59", True),  # a whole number: half a unit is 0.5
        ("16.1", "15.52", "15.59", False),
    ],
)
def test_value_outside_its_interval_by_rounding_is_accepted(
    tmp_path, value, lower, upper, accepted
):
    path = write(
        tmp_path,
        row(),
        row(period="2022", period_sortable="20220000", value=value, lower_95=lower, upper_95=upper),
    )
    frame = load_snapshot(path)
    assert (len(frame) == 2) is accepted
    assert (frame.attrs["quarantined"] == []) is accepted


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("Indicator ID,Area Code\n1,E07000117\n", encoding="utf-8")
    with pytest.raises(
        DataInvalid, match=r"short\.csv, line 1: missing column\(s\) 'Indicator Name'"
    ):
        load_snapshot(path)


def test_ragged_row_is_named(tmp_path):
    path = write(tmp_path, row(), row() + ",extra")
    with pytest.raises(DataInvalid, match=r"bad\.csv, line 3: 28 fields but the header has 27"):
        load_snapshot(path)


def test_exact_duplicates_dropped_with_logged_count(tmp_path, caplog):
    path = write(tmp_path, row(), row(), row(), row(period="2022", period_sortable="20220000"))
    with caplog.at_level(logging.INFO, logger="hwb.data"):
        frame = load_snapshot(path)
    assert len(frame) == 2
    assert "dropped 2 exact duplicate row(s) (first at line 3)" in caplog.text


def test_conflicting_duplicates_are_quarantined_naming_lines_and_columns(tmp_path):
    path = write(
        tmp_path,
        row(),
        row(period="2022", period_sortable="20220000"),
        row(value="21.5", count="36"),
    )
    frame = load_snapshot(path)
    assert list(frame["period"]) == ["2022"]  # neither 2021 row can be trusted
    held = frame.attrs["quarantined"]
    assert [f["line"] for f in held] == [2, 4]
    message = describe_quarantined(held[0])
    assert "lines 2, 4" in message
    assert "'Value, Count'" in message and "Area Code" not in message


def test_district_comparators_and_other_area_types_are_accepted(tmp_path):
    path = write(
        tmp_path,
        row(area_code="E07900001", area_name="Demo District 001"),
        row(area_code="E09000001", area_name="City of London"),
        row(area_code="E38000014", area_type="Sub-ICB", parent_code=""),
        row(
            area_code="E12000002",
            area_type="Regions",
            area_name="North West",
            parent_code="E92000001",
        ),
    )
    assert len(load_snapshot(path)) == 4


def test_missing_source_is_a_clear_error(tmp_path):
    with pytest.raises(DataInvalid, match="no such snapshot folder or CSV file"):
        load_snapshot(tmp_path / "nope.csv")
