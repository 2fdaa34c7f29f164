"""The snapshot's tables that are not in the Fingertips layout, added for issue 29:
current wards ranked by IoD2025, population projections checked against the mid-2022
estimate, and ONS's similar areas checked complete."""

from __future__ import annotations

import gzip
import shutil

import pandas as pd
import pytest

from hwb import paths, stats
from hwb.data import projections, similar_areas, small_areas, snapshot
from hwb.data.load import load_manifest
from hwb.errors import DataInvalid, SnapshotMismatch, StatsInputError

LANCASHIRE_12 = [f"E07000{n}" for n in range(117, 129)]


# --------------------------------------------------------------------------- ward ranking
def test_weighted_average_weights_each_value_by_its_population():
    frame = pd.DataFrame({"ward": ["a", "a", "b"], "score": [10.0, 30.0, 5.0], "pop": [1, 3, 2]})
    out = stats.weighted_average(frame, "score", "pop", ["ward"])
    assert out.to_dict("records") == [
        {"ward": "a", "value": 25.0, "weight": 4, "n": 2},
        {"ward": "b", "value": 5.0, "weight": 2, "n": 1},
    ]
    with pytest.raises(StatsInputError, match="missing or negative weight"):
        stats.weighted_average(frame.assign(pop=[1, -1, 2]), "score", "pop", ["ward"])


def fixture_snapshot(tmp_path, lookup_rows, imd_rows):
    """A snapshot folder holding only the two current-ward tables."""
    folder = tmp_path / "snap"
    folder.mkdir()
    entries = []
    for key, rows in (("lsoa21_ward_lookup", lookup_rows), ("lsoa21_deprivation", imd_rows)):
        name, _ = small_areas.CURRENT_FILES[key]
        (folder / name).write_bytes(snapshot.gzip_bytes(small_areas.csv_bytes(key, rows)))
        entries.append(
            {
                "name": name,
                "kind": small_areas.KIND,
                "boundary_year": 2023,
                "sha256": snapshot.sha256_of(folder / name),
                "rows": len(rows),
            }
        )
    snapshot.write_manifest(folder, {"files": entries})
    return folder


def lsoa(code, ward, score, population, decile=5):
    return (
        {
            "lsoa21_code": code,
            "lsoa21_name": f"Town {code[-3:]}",
            "ward_code": ward,
            "ward_name": {"E05000001": "North", "E05000002": "South", "E05000003": "East"}[ward],
            "district_code": "E07000117",
            "district_name": "Burnley",
        },
        {
            "lsoa21_code": code,
            "imd_score": score,
            "imd_rank": 100,
            "imd_decile": decile,
            "income_score": 0.1,
            "health_score": 0.5,
            "population": population,
        },
    )


def test_wards_are_ranked_by_population_weighted_score(tmp_path):
    pairs = [
        lsoa("E01000001", "E05000001", 60.0, 1000, decile=1),  # North: (60*1000+20*3000)/4000 = 30
        lsoa("E01000002", "E05000001", 20.0, 3000),
        lsoa("E01000003", "E05000002", 40.0, 1500, decile=1),  # South: 40 (an unweighted mean
        lsoa("E01000004", "E05000002", 40.0, 1500, decile=1),  # would put North level with it)
        lsoa("E01000005", "E05000003", 30.0, 2000),  # East: 30, level with North
    ]
    folder = fixture_snapshot(tmp_path, [p[0] for p in pairs], [p[1] for p in pairs])
    ranked = small_areas.wards_by_deprivation("E07000117", folder)
    assert list(ranked.columns) == list(small_areas.WARD_RANK_COLUMNS)
    assert list(zip(ranked["rank"], ranked["ward_name"], ranked["imd_score"], strict=True)) == [
        (1, "South", 40.0),
        (2, "East", 30.0),  # level scores share the better rank, listed by name
        (2, "North", 30.0),
    ]
    south = ranked.iloc[0]
    assert (south["population"], south["lsoas"], south["lsoas_most_deprived_decile"]) == (
        3000,
        2,
        2,
    )
    with pytest.raises(DataInvalid, match=r"no current wards for district 'E07000999'.*E07000117"):
        small_areas.wards_by_deprivation("E07000999", folder)


def test_an_lsoa_without_its_deprivation_row_is_refused(tmp_path):
    pairs = [lsoa("E01000001", "E05000001", 60.0, 1000), lsoa("E01000002", "E05000001", 2.0, 9)]
    folder = fixture_snapshot(tmp_path, [p[0] for p in pairs], [pairs[0][1]])
    with pytest.raises(DataInvalid, match=r"no row for 1 LSOA\(s\) .* e\.g\. E01000002"):
        small_areas.load_current_wards(folder)


def test_shipped_current_wards_rank_bank_hall_first_in_burnley():
    ranked = small_areas.wards_by_deprivation("E07000117")
    assert ranked.iloc[0]["ward_name"] == "Bank Hall" and ranked.iloc[0]["rank"] == 1
    assert ranked["imd_score"].is_monotonic_decreasing
    lsoas = small_areas.load_current_wards()
    assert len(lsoas) == 760 and set(lsoas["district_code"]) == set(LANCASHIRE_12)
    pendle = small_areas.wards_by_deprivation("E07000122")
    assert "Whitefield & Walverden" in set(pendle["ward_name"])  # 2023 wards, not 2019's


# --------------------------------------------------------------------------- projections
ROWS = [
    {"area_code": c, "area_name": n, "year": y, "age_group": a, "population": p}
    for c, n, y, a, p in (
        ("E07000117", "Burnley", 2022, "all ages", 95_655),
        ("E07000117", "Burnley", 2022, "65+", 17_233),
        ("E07000118", "Chorley", 2022, "all ages", 118_623),
        ("E07000118", "Chorley", 2022, "65+", 24_000),
        ("E10000017", "Lancashire", 2022, "all ages", 214_278),
        ("E10000017", "Lancashire", 2022, "65+", 41_233),
    )
]


def test_the_2022_base_is_checked_against_the_mid_2022_estimate():
    checked = projections.base_check(
        ROWS, {"E07000117": 95_553, "E07000118": 118_624, "E10000017": 214_177}
    )
    burnley = next(r for r in checked if r["area_code"] == "E07000117")
    assert burnley == {
        "area_code": "E07000117",
        "base": 95_655,
        "estimate": 95_553,
        "difference": 102,
        "relative": round(102 / 95_553, 6),
    }
    with pytest.raises(DataInvalid, match=r"E07000117 \(95,655 against 90,000, \+6\.28%\)"):
        projections.base_check(ROWS, {"E07000117": 90_000, "E07000118": 118_624, "E10000017": 1})
    with pytest.raises(DataInvalid, match="E07000118 \\(no mid-2022 estimate"):
        projections.base_check(ROWS, {"E07000117": 95_553, "E10000017": 214_177})


def test_the_districts_must_sum_to_the_county():
    projections.sums_check(ROWS, "E10000017", ["E07000117", "E07000118"])
    wrong = [
        dict(r, population=r["population"] + 1) if r["area_code"] == "E07000117" else r
        for r in ROWS
    ]
    with pytest.raises(DataInvalid, match="the districts sum to"):
        projections.sums_check(wrong, "E10000017", ["E07000117", "E07000118"])


def test_shipped_projections_are_tidy_and_recorded_as_checked():
    frame = projections.load_projections()
    assert list(frame.columns) == ["area_code", "area_name", "year", "age_group", "population"]
    assert set(frame["area_code"]) == set(LANCASHIRE_12) | {"E10000017"}
    assert sorted(set(frame["year"])) == [2022, 2027, 2032, 2037, 2042, 2047]
    older = frame[(frame.area_code == "E07000117") & (frame.age_group == "65+")]
    assert older.set_index("year").loc[2022, "population"] == 17_233
    entry = next(e for e in load_manifest()["files"] if e["name"] == projections.FILE_NAME)
    assert entry["kind"] == "projection" and len(entry["base_check"]) == 13
    assert max(abs(r["relative"]) for r in entry["base_check"]) < projections.BASE_TOLERANCE


def test_a_changed_projection_file_is_refused(tmp_path):
    folder = tmp_path / "snapshot"
    shutil.copytree(paths.SNAPSHOT, folder)
    target = folder / projections.FILE_NAME
    data = gzip.decompress(target.read_bytes()).replace(b"17233", b"17234")
    target.write_bytes(snapshot.gzip_bytes(data))
    with pytest.raises(SnapshotMismatch, match=r"population_projections\.csv\.gz: sha256"):
        projections.load_projections(folder)


# --------------------------------------------------------------------------- similar areas
def test_every_lancashire_district_has_20_similar_areas_in_each_group():
    frame = similar_areas.load_similar_areas()
    assert list(frame.columns) == list(similar_areas.NEIGHBOUR_COLUMNS)
    for code in LANCASHIRE_12:
        for group in similar_areas.GROUP_TYPES:
            mine = frame[(frame.area_code == code) & (frame.group_type == group)]
            assert list(mine["rank"]) == list(range(1, 21)), (code, group)
            assert mine["similar_area_code"].nunique() == 20 and code not in set(
                mine.similar_area_code
            )
    burnley = similar_areas.load_similar_areas(group_type="global").query(
        "area_code == 'E07000117'"
    )
    assert burnley.iloc[0][["similar_area_code", "similar_area_name"]].tolist() == [
        "E08000008",
        "Tameside",
    ]
    clusters = similar_areas.load_clusters().query("area_code == 'E07000117'")
    assert dict(zip(clusters.group_type, clusters.cluster, strict=True)) == {
        "demographic": "c",
        "economic": "a",
        "global": "b",
    }


def test_an_incomplete_group_is_refused_naming_the_area_and_group():
    rows = [
        {"area_code": "E07000117", "group_type": g, "rank": r, "similar_area_code": f"E0800{r:04d}"}
        for g in similar_areas.GROUP_TYPES
        for r in range(1, 21)
    ]
    similar_areas.check_complete(rows, ["E07000117"])
    with pytest.raises(DataInvalid, match=r"E07000117 has 19 different economic similar area"):
        similar_areas.check_complete(
            [r for r in rows if not (r["group_type"] == "economic" and r["rank"] == 7)],
            ["E07000117"],
        )
    selfish = [dict(r, similar_area_code="E07000117") if r["rank"] == 1 else r for r in rows]
    with pytest.raises(DataInvalid, match="none of them itself"):
        similar_areas.check_complete(selfish, ["E07000117"])
    with pytest.raises(DataInvalid, match="group type 'local' is not one of"):
        similar_areas.load_similar_areas(group_type="local")
