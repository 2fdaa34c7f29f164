"""The Priority wards section and the overview's table, on the shipped snapshot."""

from __future__ import annotations

import re
import shutil

import pytest

import hwb.pages.overview as ho
from hwb import paths
from hwb.data import small_areas, snapshot
from hwb.pages import load_pack, priority_wards
from hwb.pages.wards import shown_wards, ward_table
from hwb.params import load_all, load_district


def _pack(slug: str, source=None):
    return load_pack(load_district(slug).to_notebook(), source or "data/snapshot")


@pytest.fixture(scope="module")
def burnley():
    return _pack("burnley")


@pytest.fixture(scope="module")
def chorley():
    return _pack("chorley")


def test_burnley_shows_its_five_most_deprived_current_wards_by_the_stated_rule(burnley):
    """Issue 28: Burnley's unsourced list named Gannow (9th of 15), not Rosehill with Burnley
    Wood; the default is data-led, on current (2023) wards, by IoD2025."""
    rows, named = shown_wards(burnley)
    assert not named
    ranked = small_areas.wards_by_deprivation("E07000117")
    assert list(rows["ward_name"]) == list(ranked["ward_name"].head(5))
    assert "Rosehill with Burnley Wood" in set(rows["ward_name"]) and "Gannow" not in set(
        rows["ward_name"]
    )
    out = priority_wards(burnley)
    assert "chosen by a stated rule: the five most deprived of Burnley's current wards" in out.text
    assert "Indices of Deprivation 2025 score, the population-weighted average" in out.text
    assert "Bank Hall (6,913 people): IoD2025 score 62.3, the most deprived of Burnley's 15" in (
        out.text
    )
    assert "4 of its 4 neighbourhoods (LSOAs) are among England's most deprived 10%" in out.text
    assert "life expectancy for men 70.8 to 73.4 years" in out.text and "England 79.5" in out.text
    html = out.html
    assert '<th scope="col">Life expectancy, men (years)</th>' in html
    assert "Burnley: middle ward" in html and "IMD 2019" not in out.text


def test_an_anomaly_is_flagged_in_words(burnley):
    """Queensgate's neighbourhood: women's life expectancy 72.3 below men's 73.2."""
    text = priority_wards(burnley).text
    assert "Note: in Queensgate women's life expectancy (72.3 years) is below men's (73.2)" in text


def test_every_ward_named_in_a_pack_is_a_current_ward(burnley, chorley):
    for pack in (burnley, chorley):
        current = set(small_areas.district_wards(pack.code))
        assert set(ward_table(pack)["ward_name"]) == current, pack.slug


def test_chart_has_alt_text_with_numbers_and_the_table_behind_it(burnley):
    html = priority_wards(burnley).html
    tag = re.search(r'<svg role="img"[^>]+>', html).group(0)
    alt = re.search(r'aria-label="([^"]+)"', tag).group(1)
    assert alt.startswith(
        "Bar chart. Burnley&#x27;s 15 wards (2023) by IoD2025 score: Bank Hall 62.3"
    )
    assert "Trinity 60.3 (2nd)" in alt
    assert "Show the numbers behind this chart" in html and html.count("◆ five most deprived") == 5


def test_chorley_names_none_so_its_five_most_deprived_wards_are_shown(chorley):
    rows, named = shown_wards(chorley)
    assert not named and len(rows) == 5 and rows["imd_score"].is_monotonic_decreasing
    table = ward_table(chorley)
    assert rows["imd_score"].min() >= table["imd_score"].nlargest(5).min()
    text = priority_wards(chorley).text
    assert "No priority wards are named with a source" in text and "five most deprived" in text
    assert (
        "Life expectancy and admission and death ratios for its neighbourhoods are not available"
        in text
    )


def test_a_named_list_prints_its_source(params_dir):
    import yaml

    path = params_dir / "burnley.yml"
    data = yaml.safe_load(path.read_text())
    data.update(
        priority_wards=["Trinity", "Gannow"],
        priority_wards_source="Burnley Health and Wellbeing Partnership plan, March 2025",
    )
    path.write_text(yaml.safe_dump(data))
    pack = load_pack(load_district("burnley", params_dir).to_notebook(), "data/snapshot")
    rows, named = shown_wards(pack)
    assert named and list(rows["ward_name"]) == ["Trinity", "Gannow"]
    text = priority_wards(pack).text
    assert (
        "has named 2 priority wards in Burnley: Trinity and Gannow (source: Burnley Health and Wellbeing "
        "Partnership plan, March 2025)"
    ) in text


def test_a_snapshot_without_small_area_files_says_so(tmp_path):
    folder = tmp_path / "snapshot"
    shutil.copytree(paths.SNAPSHOT, folder)
    manifest = snapshot.read_manifest(folder)
    for entry in [e for e in manifest["files"] if small_areas.is_small_area(e)]:
        (folder / entry["name"]).unlink()
    manifest["files"] = [e for e in manifest["files"] if not small_areas.is_small_area(e)]
    snapshot.write_manifest(folder, manifest)
    text = priority_wards(_pack("burnley", folder)).text
    assert text.startswith("Ward-level data are not available here: the snapshot in")


@pytest.mark.fresh_model
def test_the_section_is_deterministic(burnley):
    assert priority_wards(burnley).html == priority_wards(_pack("burnley")).html


def test_overview_lists_every_districts_priority_wards():
    overview = ho.load_overview([d.to_notebook() for d in load_all()], "data/snapshot")
    out = ho.priority_wards(overview)
    assert "Bank Hall" in out.html and "Rosehill with Burnley Wood" in out.html
    assert out.html.count("five most deprived (IoD2025)") == 5 * len(load_all())


def test_fylde_and_wyre_wards_sentences_agree_district_by_district():
    """Issue 27: the section said the partnership had named none, then that it had named 3."""
    from hwb.pages.partnership import load_partnership_pack
    from hwb.pages.partnership_sections import priority_wards as partnership_wards
    from hwb.partnerships import resolve

    text = partnership_wards(load_partnership_pack(resolve("fylde-and-wyre")[0])).text
    assert "No priority wards are named with a source in Fylde's parameters" in text
    assert "No priority wards are named with a source in Wyre's parameters" in text
    assert "has named" not in text and "has not named any" not in text
