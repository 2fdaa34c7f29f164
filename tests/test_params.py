"""District parameters: every bad case is rejected naming the file and key."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hwb import params, paths
from hwb.errors import BadParameter

EXPECTED = {
    "burnley": "E07000117",
    "chorley": "E07000118",
    "fylde": "E07000119",
    "hyndburn": "E07000120",
    "lancaster": "E07000121",
    "pendle": "E07000122",
    "preston": "E07000123",
    "ribble-valley": "E07000124",
    "rossendale": "E07000125",
    "south-ribble": "E07000126",
    "west-lancashire": "E07000127",
    "wyre": "E07000128",
}


def _edit(directory: Path, file_stem: str, **changes) -> Path:
    path = directory / f"{file_stem}.yml"
    data = yaml.safe_load(path.read_text())
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data))
    return path


def test_all_twelve_districts_validate_with_their_ons_codes():
    districts = params.load_all()
    assert {d.slug: d.ons_code for d in districts} == EXPECTED
    assert all(d.parent_code == "E10000017" and d.england_code == "E92000001" for d in districts)
    assert all(d.horizons == [2030, 2035] for d in districts)


def test_every_partnership_has_a_page_in_the_table_of_contents():
    from hwb import partnerships

    partnerships.check_table_of_contents()


def test_a_partnership_without_a_page_is_named(params_dir, tmp_path):
    from hwb import partnerships

    path = params_dir / "partnerships.yml"
    data = yaml.safe_load(path.read_text())
    data["partnerships"][0]["slug"] = "burnley-town"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(
        BadParameter,
        match=r"no page for partnership 'burnley-town'; add `- file: book/districts/burnley-town`",
    ):
        partnerships.check_table_of_contents(directory=params_dir)
    toc = tmp_path / "_toc.yml"
    toc.write_text(
        (paths.ROOT / "_toc.yml").read_text() + "      - file: book/districts/blackpool\n"
    )
    with pytest.raises(BadParameter, match=r"page 'book/districts/blackpool' is not a partnership"):
        partnerships.check_table_of_contents(toc)


def test_unknown_district_suggests_the_closest_and_lists_the_valid_names():
    with pytest.raises(BadParameter) as err:
        params.load_district("burnly")
    message = str(err.value)
    assert message.startswith("unknown district 'burnly'; did you mean 'burnley'?")
    assert "ribble-valley" in message and "wyre" in message


def test_unknown_district_with_nothing_close_still_lists_the_valid_names():
    with pytest.raises(BadParameter, match=r"unknown district 'xyz'\nvalid districts: burnley"):
        params.load_district("xyz")


def test_unknown_key_is_rejected_naming_file_and_key(params_dir):
    path = _edit(params_dir, "pendle", colour="red")
    with pytest.raises(BadParameter, match=rf"{path}: unknown key 'colour'"):
        params.load_district("pendle", params_dir)


def test_wrong_type_is_rejected_naming_the_key(params_dir):
    _edit(params_dir, "wyre", horizons="soon")
    with pytest.raises(BadParameter, match=r"wyre\.yml: key 'horizons'"):
        params.load_district("wyre", params_dir)


@pytest.mark.parametrize("code", ["E0700011", "W07000117", "e07000117", "E07000117 "])
def test_malformed_ons_code_is_rejected(params_dir, code):
    _edit(params_dir, "fylde", ons_code=code)
    with pytest.raises(BadParameter, match=r"fylde\.yml: key 'ons_code'"):
        params.load_district("fylde", params_dir)


def test_missing_required_key_is_named(params_dir):
    _edit(params_dir, "chorley", partnership=None)
    with pytest.raises(BadParameter, match=r"chorley\.yml: missing key 'partnership'"):
        params.load_district("chorley", params_dir)


def test_horizons_must_increase(params_dir):
    _edit(params_dir, "preston", horizons=[2035, 2030])
    with pytest.raises(BadParameter, match=r"key 'horizons'.*increasing order"):
        params.load_district("preston", params_dir)


def test_slug_must_match_file_name(params_dir):
    _edit(params_dir, "hyndburn", slug="hynd")
    with pytest.raises(
        BadParameter, match=r"key 'slug' is 'hynd' but the file is named 'hyndburn\.yml'"
    ):
        params.load_district("hyndburn", params_dir)


def test_parent_must_be_the_county(params_dir):
    _edit(params_dir, "lancaster", parent_code="E10000023")
    with pytest.raises(BadParameter, match=r"key 'parent_code' is E10000023"):
        params.load_district("lancaster", params_dir)


def test_two_districts_cannot_share_a_code(params_dir):
    _edit(params_dir, "rossendale", ons_code="E07000117", priority_wards=[])
    with pytest.raises(
        BadParameter, match=r"rossendale\.yml: key 'ons_code' E07000117 is also used by burnley"
    ):
        params.load_all(params_dir)


def test_invalid_yaml_names_the_file_and_line(params_dir):
    (params_dir / "wyre.yml").write_text("slug: wyre\nname: [unclosed\n")
    with pytest.raises(BadParameter, match=r"wyre\.yml: not valid YAML(.|\n)*line 2, column 7"):
        params.load_district("wyre", params_dir)


def test_the_fast_yaml_reader_reads_every_project_file_as_pyyaml_does():
    """hwb.yamlio uses libyaml when PyYAML has it; the objects must be the ones PyYAML builds."""
    from hwb import yamlio

    files = [
        *paths.ROOT.glob("*.yml"),
        *paths.PARAMETERS.glob("*.yml"),
        paths.ROOT / "data" / "catalogue.yml",
        paths.SNAPSHOT / "manifest.yml",
    ]
    assert len(files) > 15
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yamlio.safe_load(text) == yaml.safe_load(text), path


def test_defaults_reject_unknown_keys(params_dir):
    with (params_dir / "defaults.yml").open("a") as handle:
        handle.write("colour_scheme: rainbow\n")
    with pytest.raises(BadParameter, match=r"defaults\.yml: unknown key 'colour_scheme'"):
        params.load_defaults(params_dir)


def test_priority_weights_must_be_non_negative(params_dir):
    _edit(params_dir, "burnley", priority_weights={"significance": -1})
    with pytest.raises(BadParameter, match=r"key 'priority_weights\.significance'"):
        params.load_district("burnley", params_dir)


def test_district_may_override_horizons_and_weights(params_dir):
    _edit(params_dir, "burnley", horizons=[2028, 2033], priority_weights={"gap": 5})
    district = params.load_district("burnley", params_dir)
    assert district.horizons == [2028, 2033]
    assert district.priority_weights.gap == 5 and district.priority_weights.significance == 3


def test_notebook_values_are_plain_json():
    values = params.load_district("burnley").to_notebook()
    assert values["name"] == "Burnley" and values["priority_weights"]["significance"] == 3.0
    assert values["priority_wards"] == [] and values["priority_wards_source"] == ""


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A copy of the project for commands that must write nothing, so a test running at the
    same time (pytest-xdist) that legitimately writes build/ or book/ cannot be mistaken for
    a write by the command under test. Commands see it through ``HWB_ROOT``."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("parameters", "data", "notebooks"):
        shutil.copytree(paths.ROOT / name, root / name)
    shutil.copytree(paths.BOOK, root / "book", ignore=shutil.ignore_patterns("_build"))
    for name in ("_toc.yml", "_config.yml", "requirements.lock", "pyproject.toml"):
        shutil.copy2(paths.ROOT / name, root / name)
    return root


def _tree_state(root: Path) -> dict[str, int]:
    """Every file a build could write (pages, scratch, snapshot, HTML) with its mtime."""
    state = {}
    for folder in (root / "book", root / "build", root / "data"):
        if folder.exists():
            for path in folder.rglob("*"):
                if path.is_file():
                    state[str(path)] = path.stat().st_mtime_ns
    return state


def test_cli_unknown_district_fails_and_writes_nothing(project_copy):
    before = _tree_state(project_copy)
    result = subprocess.run(
        [sys.executable, "-m", "hwb.cli", "district", "burnly"],
        cwd=project_copy,
        env={**os.environ, "HWB_ROOT": str(project_copy)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "unknown partnership or district 'burnly'; did you mean 'burnley'?" in result.stderr
    assert "valid districts: burnley, chorley" in result.stderr
    assert "valid partnerships: burnley, chorley-and-south-ribble" in result.stderr
    assert "Traceback" not in result.stderr
    assert _tree_state(project_copy) == before


def test_make_with_a_misspelt_district_fails_and_writes_nothing(project_copy):
    before = _tree_state(project_copy)
    result = subprocess.run(
        ["make", "-s", "district=burnly"],
        cwd=paths.ROOT,
        env={**os.environ, "HWB_ROOT": str(project_copy)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "did you mean 'burnley'?" in result.stderr
    assert _tree_state(project_copy) == before


def test_unknown_key_error_lists_the_valid_keys_and_suggests_the_closest(params_dir):
    path = _edit(params_dir, "pendle", partnerhsip="Pendle Partnership")
    with pytest.raises(BadParameter) as err:
        params.load_district("pendle", params_dir)
    message = str(err.value)
    assert message.startswith(f"{path}: unknown key 'partnerhsip' (did you mean 'partnership'?)")
    assert (
        "valid keys: slug, name, ons_code, parent_code, partnership, horizons, priority_wards, "
        "priority_wards_source, priority_weights" in message
    )


def test_unknown_nested_key_lists_the_keys_valid_there(params_dir):
    _edit(params_dir, "wyre", priority_weights={"trend": 1.0, "gaps": 2.0})
    with pytest.raises(
        BadParameter,
        match=r"unknown key 'priority_weights\.gaps' \(did you mean 'gap'\?\); "
        r"valid keys: significance, trend, gap, people, strategy_link",
    ):
        params.load_district("wyre", params_dir)
    (params_dir / "defaults.yml").write_text("county_nam: Lancashire\n")
    with pytest.raises(
        BadParameter,
        match=r"defaults\.yml: unknown key 'county_nam' \(did you mean 'county_name'\?\); "
        r"valid keys: county_code, county_name",
    ):
        params.load_defaults(params_dir)


# --------------------------------------------------------------------------- one home for each default
def test_a_district_left_without_a_setting_takes_the_schema_default(params_dir):
    """defaults.yml without a key: the district gets SharedDefaults' value, the one place it is written."""
    path = params_dir / "defaults.yml"
    data = yaml.safe_load(path.read_text())
    for key in ("horizons", "priority_weights", "recommended_priorities"):
        data.pop(key)
    path.write_text(yaml.safe_dump(data))
    _edit(params_dir, "pendle", horizons=None, priority_weights=None)
    pendle = params.load_district("pendle", params_dir)
    schema = params.SharedDefaults.model_fields
    assert pendle.horizons == schema["horizons"].default
    assert pendle.priority_weights == params.PriorityWeights()
    assert pendle.recommended_priorities == schema["recommended_priorities"].default


def test_the_overview_reads_only_its_fields_of_a_district():
    burnley = params.load_district("burnley")
    area = params.overview_area(burnley)
    assert area == params.overview_area(burnley.to_notebook())
    assert tuple(type(area).model_fields) == tuple(
        f for f in type(burnley).model_fields if f in params.OVERVIEW_FIELDS
    )
    assert set(params.OVERVIEW_FIELDS) == set(type(area).model_fields)
    with pytest.raises(ValueError, match="ons_code"):
        params.overview_area({**burnley.to_notebook(), "ons_code": "E0700011"})


def test_no_page_restates_a_parameter_default():
    """Pages read the validated model's attributes: no ``params.get(...)``, ``params[...]`` or setdefault."""
    import re

    pattern = re.compile(r"params\s*(\.get\(|\.setdefault\(|\[['\"])|\.params\.get\(")
    offenders = [
        f"{path.relative_to(paths.ROOT)}:{number}: {line.strip()}"
        for path in sorted((paths.ROOT / "src" / "hwb" / "pages").glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_named_priority_wards_need_a_dated_source(params_dir):
    """Issue 28: a named ward list must say which document (and when) it comes from."""
    path = _edit(params_dir, "burnley", priority_wards=["Trinity"])
    with pytest.raises(BadParameter) as err:
        params.load_district("burnley", params_dir)
    assert str(err.value).startswith(f"{path}:")
    assert "named priority wards need a source, the document and its date" in str(err.value)
    _edit(params_dir, "burnley", priority_wards=["Trinity"], priority_wards_source="the plan")
    with pytest.raises(BadParameter, match="has no date"):
        params.load_district("burnley", params_dir)
    _edit(params_dir, "burnley", priority_wards=[], priority_wards_source="Plan, 2025")
    with pytest.raises(BadParameter, match="no priority_wards are named"):
        params.load_district("burnley", params_dir)
    _edit(
        params_dir,
        "burnley",
        priority_wards=["Trinity"],
        priority_wards_source=" Burnley partnership plan, March 2025 ",
    )
    district = params.load_district("burnley", params_dir)
    assert district.priority_wards == ["Trinity"]
    assert district.priority_wards_source == "Burnley partnership plan, March 2025"


def test_a_misspelt_source_key_gets_a_did_you_mean(params_dir):
    _edit(params_dir, "burnley", priority_ward_source="Plan, 2025")
    with pytest.raises(BadParameter, match="did you mean 'priority_wards_source'"):
        params.load_district("burnley", params_dir)


def test_similar_areas_group_defaults_to_global_and_a_typo_gets_did_you_mean(params_dir):

    assert params.load_district("burnley", params_dir).similar_areas == "global"
    defaults = params_dir / params.DEFAULTS_FILE
    defaults.write_text(
        defaults.read_text(encoding="utf-8").replace(
            "similar_areas: global", "similar_areas: economc"
        ),
        encoding="utf-8",
    )
    with pytest.raises(BadParameter, match="did you mean 'economic'"):
        params.load_district("burnley", params_dir)
