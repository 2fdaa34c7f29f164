"""``data/sources.yml`` is checked when read, and so is every source file it names."""

from __future__ import annotations

import shutil

import pytest

from hwb import paths
from hwb.data import assemble
from hwb.data.assemble import sources
from hwb.errors import DataInvalid

SOURCES = paths.SHARED_DATA


def needs_sources():
    if not (SOURCES / "fingertipsnext_poc_northwest" / "healthdata.csv").is_file():
        pytest.skip("../shared/data (the public sources) is absent")


def test_a_changed_source_copy_is_refused_naming_it(tmp_path):
    needs_sources()
    copy = tmp_path / "shared"
    shutil.copytree(SOURCES / "fingertips_republished", copy / "fingertips_republished")
    shutil.copytree(SOURCES / "fingertipsnext_poc_northwest", copy / "fingertipsnext_poc_northwest")
    shutil.copytree(SOURCES / "ons_explore_local_statistics", copy / "ons_explore_local_statistics")
    target = (
        copy
        / "fingertips_republished/traffordDataLab_trafford_themes/data/health/life_expectancy.csv"
    )
    target.chmod(0o644)
    target.write_text(
        target.read_text(encoding="utf-8").replace("75.5", "95.5", 1), encoding="utf-8"
    )
    out = tmp_path / "snapshot"
    with pytest.raises(DataInvalid, match=r"life_expectancy\.csv: sha256 .* data/sources\.yml"):
        assemble.assemble_snapshot(copy, out)
    assert not out.exists()  # nothing half-written


def test_sources_file_names_only_known_sources(tmp_path):
    bad = tmp_path / "sources.yml"
    text = sources.SOURCES_FILE.read_text(encoding="utf-8").replace(
        "source: iod2019", "source: iod2091", 1
    )
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataInvalid, match="'iod2091' is not one of"):
        sources.load_sources(bad)
