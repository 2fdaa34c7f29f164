"""hwb.yamlio: strict YAML (no duplicate keys, no aliases), UTF-8 only, short messages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest
import yaml

from hwb import params, paths, yamlio
from hwb.errors import BadParameter, HwbError

# Nine levels of nine aliases: 9^9 (387 million) values once written out.
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)


def test_a_duplicate_key_is_refused_naming_its_line_and_the_first():
    with pytest.raises(yamlio.DuplicateKey) as err:
        yamlio.safe_load("slug: burnley\nname: Burnley\nhorizons: [2030]\nname: Pendle\n")
    assert yamlio.describe(err.value) == (
        "line 4: duplicate key 'name' (first given on line 2); keep one"
    )
    nested = "a:\n  b: 1\n  c: 2\n  b: 3\nd: {b: 1}\n"  # the same key in another mapping is fine
    with pytest.raises(yamlio.DuplicateKey, match="line 4: duplicate key 'b'"):
        yamlio.safe_load(nested)
    assert yamlio.safe_load("a: {b: 1}\nd: {b: 1}\n") == {"a": {"b": 1}, "d": {"b": 1}}


def test_a_district_file_with_a_key_given_twice_is_refused(params_dir):
    path = params_dir / "burnley.yml"
    lines = path.read_text(encoding="utf-8").count("\n")
    with path.open("a", encoding="utf-8") as handle:
        handle.write("name: Pendle\n")
    with pytest.raises(BadParameter) as err:
        params.load_district("burnley", params_dir)
    message = str(err.value)
    assert message.startswith(f"{path}: not valid YAML: line {lines + 1}: duplicate key 'name'")
    assert "\n" not in message


def test_an_alias_bomb_is_refused_at_once_with_a_short_message(params_dir):
    with pytest.raises(yamlio.AliasRefused) as err:
        yamlio.safe_load("x: &x [1, 2]\ny: *x\n")
    assert "aliases (*name) are not allowed" in str(err.value)
    path = params_dir / "burnley.yml"
    text = path.read_text(encoding="utf-8").replace("priority_wards:", "old_wards:")
    path.write_text(ALIAS_BOMB + text.split("old_wards:")[0] + "priority_wards: *i\n")
    started = time.perf_counter()
    with pytest.raises(BadParameter) as err:
        params.load_district("burnley", params_dir)
    assert time.perf_counter() - started < 2
    assert "aliases (*name) are not allowed" in str(err.value)
    assert len(str(err.value)) < 300


def test_aliases_where_allowed_are_bounded_and_sources_yml_reads_as_pyyaml_does():
    assert yamlio.safe_load("x: &x [1, 2]\ny: *x\n", aliases=True) == {"x": [1, 2], "y": [1, 2]}
    started = time.perf_counter()
    with pytest.raises(yamlio.AliasRefused, match="expand to more than 100,000 values"):
        yamlio.safe_load(ALIAS_BOMB, aliases=True)
    assert time.perf_counter() - started < 2
    sources = paths.DATA / "sources.yml"
    expected = yaml.safe_load(sources.read_text(encoding="utf-8"))
    assert yamlio.load_file(sources, aliases=True) == expected


def test_what_safe_dump_writes_reads_back_without_aliases():
    shared = [1, 2]
    text = yamlio.safe_dump({"a": shared, "b": shared})
    assert "&" not in text and yamlio.safe_load(text) == {"a": [1, 2], "b": [1, 2]}


def test_a_value_echoed_in_a_message_is_cut_to_a_readable_length(params_dir):
    assert yamlio.shorten("Bank Hall") == "'Bank Hall'"
    long = yamlio.shorten("x" * 1_000_000)
    assert len(long) < 100 and long.endswith("… (1,000,002 characters)")
    path = params_dir / "burnley.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("ons_code: E07000117", f"ons_code: E07{'1' * 200_000}"))
    with pytest.raises(BadParameter) as err:
        params.load_district("burnley", params_dir)
    assert "key 'ons_code'" in str(err.value) and len(str(err.value)) < 500


def test_a_file_that_is_not_utf8_is_named_with_its_line(tmp_path):
    latin1 = tmp_path / "latin1.yml"
    latin1.write_bytes("slug: burnley\nname: Burnley Café\n".encode("latin-1"))
    with pytest.raises(HwbError) as err:
        yamlio.read_text(latin1)
    assert str(err.value) == (
        f"{latin1}: line 2: not UTF-8 (byte 0xe9); files must be saved as UTF-8 (re-save it "
        "as UTF-8 in your editor, or `iconv -f latin1 -t utf-8`)"
    )
    with_bom = tmp_path / "bom.yml"
    with_bom.write_bytes(b"\xef\xbb\xbf" + "a: é\n".encode())
    assert yamlio.read_text(with_bom) == "a: é\n"


def test_hwb_params_check_on_a_latin1_file_says_utf8_in_one_line(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    for name in ("parameters", "data"):
        shutil.copytree(paths.ROOT / name, root / name)
    for name in ("_toc.yml", "_config.yml", "pyproject.toml"):
        shutil.copy2(paths.ROOT / name, root / name)
    district = root / "parameters" / "pendle.yml"
    district.write_bytes(
        district.read_text(encoding="utf-8")
        .replace("name: Pendle", "name: Pendle Café")
        .encode("latin-1")
    )
    result = subprocess.run(
        [sys.executable, "-m", "hwb.cli", "params", "check"],
        env={**os.environ, "HWB_ROOT": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {district}: line ")
    assert "not UTF-8" in lines[0] and "saved as UTF-8" in lines[0]
