"""``hwb data …`` through the real command-line entry point."""

from __future__ import annotations

import shutil

from hwb import paths
from hwb.cli import main
from hwb.data.catalogue import load_catalogue
from hwb.data.load import load_manifest
from hwb.data.snapshot import indicator_file_name


def test_verify_prints_a_summary_with_the_banner(capsys):
    assert main(["data", "verify"]) == 0
    out = capsys.readouterr().out
    assert "valid" in out and "38 indicators" in out and indicator_file_name(90366) in out
    assert "Demonstration data — not official statistics." in out


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
    assert first in err and "hwb data demo" in err


def test_demo_writes_a_small_set_elsewhere(tmp_path, capsys):
    out = tmp_path / "scale"
    assert main(["data", "demo", "--areas", "3", "--seed", "1", "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        ["manifest.yml", *(indicator_file_name(i) for i in load_catalogue().index)]
    )
    assert "17 areas" in capsys.readouterr().out  # England, Lancashire, 12 districts, 3 comparators
