"""The shipped snapshot is real, reproducible from its public sources, and says where each file came from."""

from __future__ import annotations

import csv

import pytest

from hwb import paths
from hwb.data import assemble, snapshot
from hwb.data.catalogue import load_catalogue, period_mismatches
from hwb.data.load import load_manifest, load_snapshot
from hwb.errors import DataInvalid

LANCASHIRE_12 = [f"E07000{n}" for n in range(117, 129)]
SOURCES = paths.SHARED_DATA


def needs_sources():
    if not (SOURCES / "fingertipsnext_poc_northwest" / "healthdata.csv").is_file():
        pytest.skip("../shared/data (the public sources) is absent")


def folder_bytes(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def shipped():
    return load_snapshot()


# --------------------------------------------------------------------------- reproducible
def test_assemble_reproduces_the_committed_snapshot_byte_identically(tmp_path):
    needs_sources()
    out = assemble.assemble_snapshot(SOURCES, tmp_path / "snapshot")
    assert folder_bytes(out) == folder_bytes(paths.SNAPSHOT)


def test_missing_sources_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DataInvalid, match="hwb data assemble ../shared/data"):
        assemble.assemble_snapshot(tmp_path / "nope", tmp_path / "out")


# --------------------------------------------------------------------------- provenance
def test_manifest_is_real_with_origin_and_processing_for_every_file():
    manifest = load_manifest()
    assert manifest["synthetic"] is False and snapshot.banner_text(manifest) is None
    assert "Open Government Licence" in manifest["licence"]
    for entry in manifest["files"]:
        assert entry["origin"], entry["name"]
        for origin in entry["origin"]:
            assert origin["repository"] and len(origin["commit"]) == 40 and origin["path"]
            assert origin["licence"]
        assert entry["processing"] and entry["why"] and entry["coverage"], entry["name"]
    listed = {i for entry in manifest["files"] for i in entry.get("indicators", [])}
    absent = {a["indicator_id"] for a in manifest["not_in_snapshot"]}
    assert listed | absent == set(load_catalogue().index) and not listed & absent
    rounded = next(e for e in manifest["files"] if e.get("indicators") == [90366])
    assert any("no confidence intervals" in step for step in rounded["processing"])


def test_period_labels_match_the_catalogue(shipped):
    assert period_mismatches(shipped) == []
    obesity = shipped[(shipped.indicator_id == 92026) & (shipped.category_type == "")]
    assert "2019/20 - 23/24" in set(obesity.period)  # five pooled school years, not one


# --------------------------------------------------------------------------- real values
def test_burnley_life_expectancy_2021_23_equals_the_source(shipped):
    needs_sources()
    path = (
        SOURCES
        / "fingertips_republished/traffordDataLab_trafford_themes/data/health/life_expectancy.csv"
    )
    with open(path, encoding="utf-8") as handle:
        source = {
            r["inequality"]: float(r["value"])
            for r in csv.DictReader(handle)
            if r["area_code"] == "E07000117" and r["period"] == "2021 - 23"
        }
    rows = shipped[
        (shipped.indicator_id == 90366)
        & (shipped.area_code == "E07000117")
        & (shipped.period == "2021 - 23")
    ]
    assert dict(zip(rows.sex, rows.value, strict=False)) == source == {"Male": 75.5, "Female": 80.1}


def test_published_values_without_limits_keep_fingertips_comparison(shipped):
    le = shipped[(shipped.indicator_id == 90366) & (shipped.area_code == "E07000117")]
    assert le["lower_95"].isna().all()
    assert set(le["compared_england"]) <= {"Better", "Similar", "Worse"}
    with_limits = shipped[(shipped.indicator_id == 93085) & (shipped.area_code == "E07000117")]
    assert with_limits["lower_95"].notna().all() and with_limits["count"].notna().all()


def test_all_english_districts_where_the_source_has_them(shipped):
    le = shipped[(shipped.indicator_id == 90366) & shipped.area_code.str.match(r"E0[6-9]")]
    assert le.area_code.nunique() > 290
    nw = shipped[(shipped.indicator_id == 93085) & shipped.area_code.str.match(r"E0[6-9]")]
    assert 30 <= nw.area_code.nunique() < 50  # FingertipsNext: the North West only


def test_a_published_value_outside_its_limits_by_rounding_is_kept(shipped):
    """England, 93701, 2022/23: Fingertips publishes 15.6 with limits 15.52-15.59."""
    row = shipped[
        (shipped.indicator_id == 93701)
        & (shipped.area_code == "E92000001")
        & (shipped.period == "2022/23")
        & (shipped.category_type == "")
    ]
    assert list(zip(row.value, row.lower_95, row.upper_95, strict=False)) == [(15.6, 15.52, 15.59)]
    assert shipped.attrs["quarantined"] == []
