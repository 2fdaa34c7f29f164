"""hwb.cli: every HwbError is one readable message and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from hwb import cli
from hwb.errors import HwbError


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
