"""The Makefile hands what a person types to commands only as data, never as shell text.

Each case runs a copy of the Makefile in a scratch folder (with its own up-to-date venv
stamp, so no case can ever rebuild .venv) and the commands replaced by a stand-in that
records its arguments, so nothing is built; one case runs the real ``hwb`` (it stops at
parameter validation).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hwb import paths

STAMP = ".venv/.installed-from-lock"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """The Makefile in a scratch folder whose venv stamp is newer than its lock file."""
    folder = tmp_path / "checkout"
    (folder / ".venv").mkdir(parents=True)
    shutil.copy(paths.ROOT / "Makefile", folder / "Makefile")
    (folder / "requirements.lock").write_text("")
    os.utime(folder / "requirements.lock", (1_000_000_000, 1_000_000_000))
    (folder / STAMP).write_text("")
    return folder


pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


@pytest.fixture
def recorder(tmp_path: Path) -> tuple[Path, Path]:
    """A stand-in command that appends its arguments (as JSON) to a log file."""
    log = tmp_path / "argv.jsonl"
    script = tmp_path / "record"
    script.write_text(
        f"#!{sys.executable}\nimport json, os, sys\n"
        "with open(os.environ['ARGV_LOG'], 'a') as f:\n"
        "    f.write(json.dumps(sys.argv[1:]) + '\\n')\n"
    )
    script.chmod(0o755)
    return script, log


def _make(
    args: list[str], recorder, workdir: Path
) -> tuple[subprocess.CompletedProcess, list[list[str]]]:
    script, log = recorder
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("district", "partnership", "SNAPSHOT", "J", "PORT", "MAKEFLAGS")
    }
    env["ARGV_LOG"] = str(log)
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-o",
            STAMP,
            f"HWB={script}",
            f"PY={script}",
            "CHROMIUM=/bin/sh",
            *args,
        ],
        check=False,
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return result, calls


INJECTIONS = [
    "`touch {marker}`burnley",
    'burnley"; touch {marker}; echo "',
    "$(touch {marker})",
    "$(shell touch {marker})",
    "burnley'; touch {marker}; echo '",
]


@pytest.mark.parametrize("template", INJECTIONS)
def test_a_district_value_is_passed_as_one_literal_argument(template, recorder, tmp_path, workdir):
    marker = tmp_path / "ran"
    value = template.format(marker=marker)
    result, calls = _make([f"district={value}"], recorder, workdir)
    assert result.returncode == 0, result.stderr
    assert not marker.exists(), "a command inside the district value ran"
    assert calls == [["district", "--", value]]


@pytest.mark.parametrize("template", INJECTIONS)
def test_snapshot_jobs_and_port_values_are_data(template, recorder, tmp_path, workdir):
    marker = tmp_path / "ran"
    value = template.format(marker=marker)
    result, calls = _make(
        ["district=burnley", f"SNAPSHOT={value}", f"J={value}", "FORCE=1"], recorder, workdir
    )
    assert result.returncode == 0, result.stderr
    assert calls == [
        ["district", f"--snapshot={value}", "--force", f"--jobs={value}", "--", "burnley"]
    ]
    result, calls = _make(["serve", f"PORT={value}"], recorder, workdir)
    assert result.returncode == 0, result.stderr
    assert calls[-1] == ["serve", f"--port={value}"]
    assert not marker.exists(), "a command inside a make variable ran"


def test_values_from_the_environment_are_data_too(recorder, tmp_path, workdir):
    marker = tmp_path / "ran"
    script, log = recorder
    value = f"$(shell touch {marker})`touch {marker}`"
    env = {**os.environ, "ARGV_LOG": str(log), "district": value}
    env.pop("MAKEFLAGS", None)
    subprocess.run(
        ["make", "--no-print-directory", "-o", STAMP, f"HWB={script}"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert not marker.exists()
    assert json.loads(log.read_text()) == ["district", "--", value]


@pytest.mark.parametrize("variable", ["district", "partnership"])
def test_diff_and_pdf_pass_the_name_as_data(variable, recorder, tmp_path, workdir):
    marker = tmp_path / "ran"
    value = f'x"; touch {marker}; echo "'
    result, calls = _make(["diff", f"{variable}={value}"], recorder, workdir)
    assert result.returncode == 0, result.stderr
    assert calls == [["diff-rendered", "--", value]]
    result, calls = _make(["pdf", f"{variable}={value}", f"SNAPSHOT={value}"], recorder, workdir)
    assert result.returncode == 0, result.stderr
    assert calls[-2:] == [
        [variable, f"--snapshot={value}", "--", value],
        ["pdf", f"--snapshot={value}", "--", value],
    ]
    assert not marker.exists()


def test_diff_and_pdf_prefer_the_partnership_when_both_are_given(recorder, workdir):
    _, calls = _make(["diff", "partnership=fylde-and-wyre", "district=burnley"], recorder, workdir)
    assert calls[-1] == ["diff-rendered", "--", "fylde-and-wyre"]


@pytest.mark.parametrize("target", ["diff", "pdf"])
def test_diff_and_pdf_without_a_name_print_usage(target, recorder, workdir):
    result, calls = _make([target], recorder, workdir)
    assert result.returncode == 2 and calls == []
    assert f"usage: make {target} partnership=<slug> (or district=<slug>)" in result.stderr


def test_a_value_that_looks_like_an_option_is_still_a_district_name(recorder, tmp_path, workdir):
    _, calls = _make(["district=--help"], recorder, workdir)
    assert calls == [["district", "--", "--help"]]


def test_the_real_command_refuses_an_injected_district_without_running_it(tmp_path, workdir):
    marker = tmp_path / "ran"
    env = {k: v for k, v in os.environ.items() if k != "MAKEFLAGS"}
    hwb = paths.ROOT / ".venv" / "bin" / "hwb"
    if not hwb.is_file():
        pytest.skip(f"{hwb} is not installed")
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            f"HWB={hwb}",
            f'district=burnley"; touch {marker}; echo "',
        ],
        check=False,
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "unknown partnership or district 'burnley\"; touch" in result.stderr
    assert not marker.exists()


def test_make_clean_sweeps_what_killed_data_commands_left(recorder, workdir):
    (workdir / "build").mkdir()
    result, calls = _make(["clean"], recorder, workdir)
    assert result.returncode == 0, result.stderr
    assert calls == [["data", "clean"]]
    assert not (workdir / "build").exists()
