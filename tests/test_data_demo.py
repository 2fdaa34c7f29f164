"""The demonstration snapshot (scale tests and benchmarks only): reproducible, complete,
internally consistent, and labelled. The shipped snapshot is real (tests/test_data_assemble.py);
these tests generate the demonstration one in a temporary folder."""

from __future__ import annotations

import dataclasses
import shutil

import numpy as np
import pytest

from hwb.data import demo, snapshot
from hwb.data.catalogue import load_catalogue
from hwb.data.demo import builder, specs
from hwb.data.load import load_manifest, load_snapshot
from hwb.errors import SnapshotMismatch
from hwb.stats import intervals

LANCASHIRE_12 = [f"E07000{n}" for n in range(117, 129)]


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    return demo.write_demo_snapshot(tmp_path_factory.mktemp("demo") / "snapshot")


@pytest.fixture(scope="module")
def shipped(demo_folder):
    return load_snapshot(demo_folder)


def folder_bytes(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_default_demo_regenerates_byte_identically(tmp_path, demo_folder):
    out = demo.write_demo_snapshot(tmp_path / "snap")
    assert folder_bytes(out) == folder_bytes(demo_folder)


def test_small_sets_are_reproducible_and_seed_dependent(tmp_path):
    a = demo.write_demo_snapshot(tmp_path / "a", n_comparators=5, seed=7)
    b = demo.write_demo_snapshot(tmp_path / "b", n_comparators=5, seed=7)
    c = demo.write_demo_snapshot(tmp_path / "c", n_comparators=5, seed=8)
    data = snapshot.indicator_file_name(93085)
    assert folder_bytes(a) == folder_bytes(b)
    assert (a / data).read_bytes() != (c / data).read_bytes()
    assert load_manifest(a)["source"]["command"] == "hwb data demo --seed 7 --areas 5"


def test_one_file_per_indicator_named_as_the_live_client_names_them(shipped, demo_folder):
    manifest = load_manifest(demo_folder)
    catalogue = sorted(int(i) for i in load_catalogue().index)
    assert [entry["indicators"] for entry in manifest["files"]] == [[i] for i in catalogue]
    assert [entry["name"] for entry in manifest["files"]] == [
        snapshot.indicator_file_name(i) for i in catalogue
    ]
    assert sorted(p.name for p in demo_folder.iterdir()) == sorted(
        [snapshot.MANIFEST_NAME, *(entry["name"] for entry in manifest["files"])]
    )
    for entry in manifest["files"]:
        rows = shipped[shipped.source_file == entry["name"]]
        assert entry["rows"] == len(rows) > 0, entry["name"]
        assert entry["areas"] == rows.area_code.nunique(), entry["name"]
        assert set(rows.indicator_id) == set(entry["indicators"]), entry["name"]
        assert entry["periods"]["count"] == rows.period.nunique(), entry["name"]


def test_changing_one_indicator_changes_only_its_file(tmp_path, monkeypatch):
    before = folder_bytes(demo.write_demo_snapshot(tmp_path / "a", n_comparators=3, seed=7))
    spec = specs.SPECS[93085]
    monkeypatch.setitem(specs.SPECS, 93085, dataclasses.replace(spec, level=9.9))
    after = folder_bytes(demo.write_demo_snapshot(tmp_path / "b", n_comparators=3, seed=7))
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == [snapshot.indicator_file_name(93085), snapshot.MANIFEST_NAME]


def test_manifest_is_synthetic_with_banner_and_file_facts(shipped, demo_folder):
    manifest = load_manifest(demo_folder)
    assert snapshot.is_synthetic(manifest)
    assert snapshot.banner_text(manifest) == (
        "Demonstration data — not official statistics. Run `make data` for the published Fingertips data."
    )
    files = manifest["files"]
    assert sum(entry["rows"] for entry in files) == len(shipped)
    assert sum(entry["size"] for entry in files) < 5_000_000
    assert sorted(i for entry in files for i in entry["indicators"]) == sorted(
        load_catalogue().index
    )


def test_every_indicator_has_twelve_periods_for_the_fourteen_areas(shipped):
    catalogue = load_catalogue()
    headline = shipped[shipped.category_type == ""]
    for iid, entry in catalogue.iterrows():
        rows = headline[
            (headline.indicator_id == iid)
            & (headline.sex == entry["sex"])
            & (headline.age == entry["age"])
        ]
        areas = ["E92000001", "E10000017"] + (LANCASHIRE_12 if entry["district_level"] else [])
        for area in areas:
            periods = rows.loc[rows.area_code == area, "period"].nunique()
            minimum = 1 if entry["period_type"] == "single" else 12
            assert periods >= minimum, (iid, area, periods)
        if not entry["district_level"]:
            assert not rows.area_code.isin(LANCASHIRE_12).any(), iid


def test_comparators_cover_the_latest_period(shipped):
    comparators = shipped[shipped.area_code.str.startswith("E079")]
    assert comparators.area_code.nunique() >= 250
    assert comparators.area_name.str.startswith("Demo District ").all()
    latest = shipped[shipped.indicator_id == 93085].period_sortable.max()
    assert set(comparators.loc[comparators.indicator_id == 93085, "period_sortable"]) == {latest}


def test_east_lancashire_is_more_deprived(shipped):
    imd = shipped[shipped.indicator_id == 93553].set_index("area_name")["value"]
    east = imd[["Burnley", "Pendle", "Hyndburn"]].min()
    west = imd[["Ribble Valley", "Fylde", "South Ribble"]].max()
    assert east > west + 8
    le = shipped[
        (shipped.indicator_id == 90366) & (shipped.category_type == "") & (shipped.sex == "Male")
    ]
    latest = le[le.period_sortable == le.period_sortable.max()].set_index("area_name")["value"]
    assert latest["Burnley"] < latest["Ribble Valley"] - 2


def test_proportion_limits_are_wilson_from_count_and_denominator(shipped):
    rows = shipped[(shipped.indicator_id == 93085) & shipped["count"].notna()].head(200)
    expected = intervals.proportion(rows, confidence=(0.95, 0.998), multiplier=100)
    for column in ("value", "lower_95", "upper_95", "lower_998", "upper_998"):
        np.testing.assert_allclose(rows[column], expected[column], rtol=1e-5, atol=1e-5)


def test_crude_rate_limits_are_byar_or_exact(shipped):
    rows = shipped[(shipped.indicator_id == 20401) & shipped["count"].notna()].head(200)
    expected = intervals.crude_rate(rows, confidence=(0.95, 0.998), multiplier=1000)
    for column in ("value", "lower_95", "upper_95", "lower_998", "upper_998"):
        np.testing.assert_allclose(rows[column], expected[column], rtol=1e-5, atol=1e-5)


def test_small_counts_are_suppressed_with_a_note_not_zero(shipped):
    suppressed = shipped[shipped.value_note == builder.SUPPRESSED]
    assert len(suppressed) > 0
    assert suppressed["value"].isna().all() and suppressed["count"].isna().all()


def test_deciles_and_population_pyramid(shipped):
    le = shipped[(shipped.indicator_id == 90366) & (shipped.category_type != "")]
    for area in ["E92000001", *LANCASHIRE_12]:
        latest = le[(le.area_code == area) & (le.sex == "Female")]
        latest = latest[latest.period_sortable == latest.period_sortable.max()]
        assert list(latest.category) == list(specs.DECILE_LABELS), area
        assert latest["denominator"].gt(0).all()
    bands = shipped[(shipped.indicator_id == 92708) & (shipped.age != "All ages")]
    for area in ["E92000001", "E10000017", *LANCASHIRE_12]:
        rows = bands[bands.area_code == area]
        assert set(rows.sex) == {"Male", "Female"} and rows.age.nunique() == 19, area


def test_a_changed_byte_fails_the_hash_check_naming_file_and_fix(tmp_path, demo_folder):
    copy = tmp_path / "snapshot"
    shutil.copytree(demo_folder, copy)
    name = snapshot.indicator_file_name(93085)
    data = copy / name
    raw = bytearray(data.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    data.write_bytes(bytes(raw))
    with pytest.raises(SnapshotMismatch) as caught:
        load_snapshot(copy)
    message = str(caught.value)
    assert name in message and "sha256" in message and "hwb data demo" in message


def test_asking_for_indicators_reads_only_their_files(tmp_path, demo_folder):
    copy = tmp_path / "snapshot"
    shutil.copytree(demo_folder, copy)
    damaged = copy / snapshot.indicator_file_name(93085)
    damaged.write_bytes(damaged.read_bytes()[:-10])
    frame = load_snapshot(copy, indicators=[90366, 20401])
    assert set(frame.indicator_id) == {90366, 20401}
    assert set(frame.source_file) == {
        snapshot.indicator_file_name(90366),
        snapshot.indicator_file_name(20401),
    }
    assert load_snapshot(copy, indicators=[99999999]).empty
    with pytest.raises(SnapshotMismatch, match=damaged.name):
        load_snapshot(copy, indicators=[93085])
    with pytest.raises(SnapshotMismatch, match=damaged.name):
        load_snapshot(copy)


def test_an_unlisted_file_is_refused(tmp_path, demo_folder):
    copy = tmp_path / "snapshot"
    shutil.copytree(demo_folder, copy)
    (copy / "extra.csv").write_text("x\n", encoding="utf-8")
    with pytest.raises(SnapshotMismatch, match="extra.csv are not listed"):
        load_snapshot(copy)
