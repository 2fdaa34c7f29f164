"""hwb.cli: every HwbError is one readable message and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
import render_support as support

from hwb import cli
from hwb.errors import HwbError

project = support.project  # the fixture: a temporary project root
hold_lock = support.hold_lock


def test_a_huge_error_message_is_cut_to_a_readable_length(monkeypatch, capsys):
    def fail(_args):
        raise HwbError("parameters/burnley.yml: " + "x" * 3_000_000)

    monkeypatch.setattr(cli, "_cmd_book", fail)
    assert cli.main(["book"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: parameters/burnley.yml: xxx")
    assert len(err) < cli.MAX_MESSAGE + 100
    assert err.rstrip().endswith("(cut: the message had 3,000,024 characters)")


@pytest.mark.parametrize("length", [10, cli.MAX_MESSAGE])
def test_a_message_of_ordinary_length_is_printed_whole(length):
    assert cli.readable("y" * length) == "y" * length


@pytest.mark.parametrize("made", [False, True])
def test_hwb_root_pointing_nowhere_is_named(tmp_path, made):
    nowhere = tmp_path / "nope"
    if made:
        nowhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "hwb.cli", "district", "burnley"],
        env={**os.environ, "HWB_ROOT": str(nowhere)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    what = "is not a checkout of the evidence book" if made else "does not exist"
    assert result.stderr == (
        f"error: HWB_ROOT={nowhere}: {nowhere} {what} (it needs _toc.yml and parameters/); "
        "point HWB_ROOT at a checkout, or unset it to use the one hwb is installed from\n"
    )
    assert not (nowhere / "build").exists() and not (nowhere / "book").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["data", "demo", "--areas", "3"],
        ["data", "assemble", "../shared/data"],
        ["data", "fetch", "--quiet"],
        ["district", "burnley"],
        ["build", "burnley", "--no-book"],
        ["book"],
    ],
)
def test_a_command_that_writes_data_or_pages_waits_for_no_one(project, capsys, argv):
    """While another process holds the build lock (here `hwb build`), every command that
    writes the checkout's data or pages fails at once, in one line naming it, writing nothing."""
    shutil.copy(support.REPO / "data" / "catalogue.yml", project / "data" / "catalogue.yml")
    before = _files(project)
    holder = hold_lock(project, "hwb build")
    try:
        assert cli.main(argv) == 2
    finally:
        holder.kill()
        holder.wait()
    err = capsys.readouterr().err
    assert err == (
        f"error: another hwb command is running in this checkout (`hwb build`, process "
        f"{holder.pid}), and only one at a time may write its data or pages; wait for it to "
        "finish\n"
    )
    assert _files(project) == before


def test_data_commands_writing_outside_the_checkout_take_no_lock(project, tmp_path):
    parser = cli.build_parser()
    outside = parser.parse_args(["data", "demo", "--out", str(tmp_path / "elsewhere")])
    inside = parser.parse_args(["data", "demo", "--out", str(project / "data" / "demo")])
    assert not cli.writes_checkout(outside) and cli.writes_checkout(inside)
    assert not cli.writes_checkout(parser.parse_args(["data", "verify"]))


def _files(root) -> dict[str, int]:
    return {
        str(p): p.stat().st_mtime_ns
        for p in root.rglob("*")
        if p.is_file() and p.name != ".lock" and "cache" not in p.parts
    }
