"""``hwb data …`` through the real command-line entry point."""

from __future__ import annotations

import shutil

from hwb import paths
from hwb.cli import main
from hwb.data.catalogue import load_catalogue
from hwb.data.load import load_manifest
from hwb.data.snapshot import indicator_file_name


def test_verify_prints_a_summary_of_the_real_snapshot(capsys):
    assert main(["data", "verify"]) == 0
    out = capsys.readouterr().out
    n = sum(not e.get("kind") for e in load_manifest(paths.SNAPSHOT)["files"])
    assert "valid" in out and f"{n} indicators" in out and indicator_file_name(90366) in out
    assert "Demonstration data" not in out
    assert "not in this snapshot: 91102" in out  # said, not silently missing
    assert "catalogue mismatch" not in out


def test_verify_lists_quarantined_rows_and_period_mismatches(tmp_path, capsys):

    good = (
        "20401,Under 18 conceptions,E10000017,Lancashire,E07000117,Burnley,District,Female,"
        "<18 yrs,,,{p},{v},14.0,28.0,,,35,1740,,,,,{s},,,1y"
    )
    header = (
        "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,Age,"
        "Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
        "Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,"
        "Compared to England value or percentiles,Compared to Region value or percentiles,"
        "Time period Sortable,New data,Compared to goal,Time period range"
    )
    path = tmp_path / "extract.csv"
    rows = [
        good.format(p="2020/21", v="20.1", s="20200000"),
        good.format(p="2021", v="40", s="20210000"),
    ]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    assert main(["data", "verify", str(path)]) == 0
    out = capsys.readouterr().out
    assert "quarantined: 1 row(s) left out" in out
    assert "extract.csv, line 3, column 'Upper CI 95.0 limit'" in out
    assert "indicator 20401: catalogue period_type 'calendar'" in out and "'2020/21'" in out


def test_verify_reports_a_changed_file_with_exit_code_2(tmp_path, capsys):
    copy = tmp_path / "snap"
    shutil.copytree(paths.SNAPSHOT, copy)
    (copy / "manifest.yml").write_text(
        (copy / "manifest.yml").read_text(encoding="utf-8").replace("size: ", "size: 1", 1),
        encoding="utf-8",
    )
    first = load_manifest(paths.SNAPSHOT)["files"][0]["name"]
    assert main(["data", "verify", str(copy)]) == 2
    err = capsys.readouterr().err
    assert first in err and "size" in err


def test_demo_writes_a_small_set_elsewhere(tmp_path, capsys):
    out = tmp_path / "scale"
    assert main(["data", "demo", "--areas", "3", "--seed", "1", "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        ["manifest.yml", *(indicator_file_name(i) for i in load_catalogue().index)]
    )
    assert "17 areas" in capsys.readouterr().out  # England, Lancashire, 12 districts, 3 comparators
