"""Small-area files: in the snapshot contract, validated, true to their real sources; ward names checked."""

from __future__ import annotations

import csv
import gzip
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from hwb import params, paths
from hwb.data import small_areas, snapshot
from hwb.data.load import load_manifest, load_snapshot
from hwb.errors import BadParameter, DataInvalid, SnapshotMismatch

SMALL = paths.SHARED_DATA / "small_areas"
LANCASHIRE_12 = {f"E07000{n}" for n in range(117, 129)}


@pytest.fixture(scope="module")
def shipped():
    return small_areas.load_small_areas()


def needs_sources():
    if not (SMALL / "jtrim-ons_ons-lookups" / "135.csv").is_file():
        pytest.skip("../shared/data/small_areas (the public sources) is absent")


# --------------------------------------------------------------------------- shipped snapshot
def test_shipped_small_areas_cover_the_12_districts_on_2019_wards(shipped):
    assert shipped.boundary_year == 2019
    assert len(shipped.lookup) == 756 and shipped.lookup["ward_code"].nunique() == 247
    assert set(shipped.lookup["district_code"]) == LANCASHIRE_12
    assert len(shipped.wards) == 7180  # every English ward, so a ward can be ranked in England
    assert set(shipped.population["ward_code"]) == set(shipped.lookup["ward_code"])
    districts = shipped.lookup.drop_duplicates("msoa11_code").set_index("msoa11_code")[
        "district_name"
    ]
    assert set(districts[shipped.local_health["msoa11_code"].unique()]) == {
        "Burnley",
        "Hyndburn",
        "Pendle",
        "Ribble Valley",
        "Rossendale",
    }


def test_bank_hall_is_among_englands_most_deprived(shipped):
    lsoas = shipped.lookup[shipped.lookup["ward_name"] == "Bank Hall"]["lsoa11_code"]
    deciles = shipped.lsoa.set_index("lsoa11_code").loc[list(lsoas), "imd_decile"]
    assert len(deciles) == 4 and set(deciles) == {1}
    ward = shipped.wards.set_index("ward_code").loc["E05005150"]
    assert ward["imd_score"] == pytest.approx(61.3, abs=0.05)
    assert shipped.population.set_index("ward_code").loc["E05005150", "population"] == 6438
    le = shipped.local_health.set_index(["msoa11_code", "measure"]).loc[("E02005182", "LE_male")]
    assert (le["value"], le["england_value"], le["compared"]) == (70.8, 79.5, "Worse")


def test_manifest_lists_them_with_provenance_and_the_fingertips_loader_skips_them():
    manifest = load_manifest()
    entries = [e for e in manifest["files"] if small_areas.is_small_area(e)]
    assert [e["name"] for e in entries] == [small_areas.file_name(k) for k in small_areas.FILES] + [
        name for name, _ in small_areas.CURRENT_FILES.values()
    ]
    for entry in entries:
        assert entry["boundary_year"] in (2019, 2023) and entry["columns"] and entry["rows"] > 0
        assert all(len(o["commit"]) == 40 and o["licence"] and o["path"] for o in entry["origin"])
        assert entry["why"] and entry["processing"] and len(entry["sha256"]) == 64
    frame = load_snapshot()
    assert not frame["source_file"].str.startswith("small_areas").any()


def test_a_changed_small_area_file_is_refused_by_its_hash(tmp_path):
    folder = tmp_path / "snapshot"
    shutil.copytree(paths.SNAPSHOT, folder)
    target = folder / small_areas.file_name("ward_population")
    data = gzip.decompress(target.read_bytes()).replace(b"6438", b"6439")
    target.write_bytes(snapshot.gzip_bytes(data))
    with pytest.raises(
        SnapshotMismatch, match=r"small_areas_ward_population\.csv\.gz: (size|sha256)"
    ):
        small_areas.load_small_areas(folder)
    with pytest.raises(SnapshotMismatch, match="small_areas_ward_population"):
        snapshot.verify_snapshot(folder)  # the full check covers them too


def test_a_bad_cell_is_named_by_file_line_and_column():
    good = "ward_code,population,period\nE05005150,6438,mid-2020\nE0500515,7021,mid-2020\n"
    with pytest.raises(
        DataInvalid, match=r"x\.csv\.gz, line 3, column 'ward_code': expected ward code"
    ):
        small_areas.parse_rows("x.csv.gz", good.encode(), "ward_population")
    with pytest.raises(DataInvalid, match=r"x\.csv\.gz, line 1: missing column\(s\) period"):
        small_areas.parse_rows("x.csv.gz", b"ward_code,population\n", "ward_population")


def test_a_snapshot_without_them_says_why_and_make_data_keeps_or_explains(tmp_path):
    folder = tmp_path / "old"
    shutil.copytree(paths.SNAPSHOT, folder)
    staging = tmp_path / "new"
    staging.mkdir()
    kept, why = small_areas.carry_over(folder, staging)
    kinded = [e for e in snapshot.read_manifest(folder)["files"] if e.get("kind")]
    assert why is None and len(kept) == len(kinded) == 10  # the small areas, projections, ...
    assert all(
        (staging / e["name"]).read_bytes() == (folder / e["name"]).read_bytes() for e in kept
    )
    manifest = snapshot.read_manifest(folder)
    manifest["files"] = [e for e in manifest["files"] if not small_areas.is_small_area(e)]
    for name in kept:
        (folder / name["name"]).unlink()
    snapshot.write_manifest(folder, manifest)
    assert "does not list small_areas_ward_lookup.csv.gz" in small_areas.missing_reason(folder)
    assert small_areas.carry_over(folder, tmp_path)[0] == []
    assert small_areas.district_wards("E07000117", folder) == []  # nothing to check against


# --------------------------------------------------------------------------- real sources
def test_lookup_and_populations_match_the_real_ons_files(shipped):
    needs_sources()
    with open(
        SMALL / "jtrim-ons_ons-lookups" / "135.csv", encoding="utf-8-sig", newline=""
    ) as handle:
        ons = {
            r["LSOA11CD"]: (r["WD19CD"], r["WD19NM"])
            for r in csv.DictReader(handle)
            if r["LAD19CD"] in LANCASHIRE_12
        }
    mine = {r.lsoa11_code: (r.ward_code, r.ward_name) for r in shipped.lookup.itertuples()}
    assert mine == ons
    import openpyxl

    book = openpyxl.load_workbook(
        SMALL / "mpjashby_crimemappingdata" / "lancashire_ward_pop.xlsx", read_only=True
    )
    real = {r[0]: r[2] for r in list(book.worksheets[0].iter_rows(values_only=True))[1:]}
    book.close()
    for row in shipped.population.itertuples():
        assert real[row.ward_code] == row.population


def test_local_health_values_are_the_published_ones(shipped):
    needs_sources()
    path = SMALL / "bwd-ph_mapdata" / "PennineLH_MSOA.csv"
    with open(path, encoding="utf-8-sig", newline="") as handle:
        real = {(r["polycode"], r["IndID"]): float(r["value"]) for r in csv.DictReader(handle)}
    for row in shipped.local_health.itertuples():
        assert real[(row.msoa11_code, row.measure)] == pytest.approx(row.value, abs=1e-9)


# --------------------------------------------------------------------------- ward names
def test_every_shipped_priority_ward_is_a_current_ward():
    for district in params.load_all():
        valid = small_areas.district_wards(district.ons_code)
        assert set(district.priority_wards) <= set(valid), district.slug


def test_a_misspelt_ward_is_refused_with_did_you_mean_naming_file_and_key(params_dir):
    path = params_dir / "preston.yml"
    data = yaml.safe_load(path.read_text())
    data["priority_wards"] = ["St Matthew's", "Fishwick"]
    data["priority_wards_source"] = "Preston partnership plan, 2025"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(BadParameter) as err:
        params.load_district("preston", params_dir)
    message = str(err.value)
    assert message.startswith(
        f"{path}: key 'priority_wards': 'Fishwick' is not a current (2023) ward of Preston"
    )
    assert "did you mean 'Fishwick & Frenchwood'?" in message
    assert "Preston's 16 wards in 2023: Ashton" in message


def _files(root):
    return {str(p): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def test_cli_refuses_a_misspelt_ward_before_anything_is_written(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    for name in ("pyproject.toml", "_toc.yml", "requirements.lock"):
        shutil.copy(paths.ROOT / name, root / name)
    for folder in ("parameters", "notebooks"):
        shutil.copytree(paths.ROOT / folder, root / folder)
    (root / "data").mkdir()
    shutil.copytree(paths.SNAPSHOT, root / "data" / "snapshot")
    shutil.copy(paths.CATALOGUE, root / "data" / "catalogue.yml")
    burnley = root / "parameters" / "burnley.yml"
    burnley.write_text(
        burnley.read_text().replace(
            "priority_wards: []\n",
            "priority_wards: [Bankhall]\npriority_wards_source: Partnership plan, 2025\n",
        )
    )
    before = _files(root)
    env = {**os.environ, "HWB_ROOT": str(root)}
    result = subprocess.run(
        [sys.executable, "-m", "hwb.cli", "district", "burnley"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "key 'priority_wards': 'Bankhall' is not a current (2023) ward of Burnley" in (
        result.stderr
    )
    assert "did you mean 'Bank Hall'?" in result.stderr and "Traceback" not in result.stderr
    assert _files(root) == before  # nothing written: no page, no book, no scratch
