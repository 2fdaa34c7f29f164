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


def test_burnley_shows_its_five_priority_wards_with_real_deprivation_and_life_expectancy(burnley):
    rows, named = shown_wards(burnley)
    assert named and list(rows["ward_name"]) == [
        "Bank Hall",
        "Daneshouse with Stoneyholme",
        "Queensgate",
        "Trinity",
        "Gannow",
    ]
    out = priority_wards(burnley)
    assert "has named 5 priority wards in Burnley:" in out.text
    assert (
        "Bank Hall (6,438 people, mid-2020): IMD 2019 score 61.3, the 30th most deprived of "
        "England's 7,180 wards"
    ) in out.text
    assert "4 of its 4 neighbourhoods (LSOAs) are among England's most deprived 10%" in out.text
    assert "life expectancy for men 70.8 to 73.4 years" in out.text and "England 79.5" in out.text
    html = out.html
    assert '<th scope="col">Life expectancy, men (years)</th>' in html
    assert "Burnley: middle ward" in html and "England: middle ward" in html


def test_chart_has_alt_text_with_numbers_and_the_table_behind_it(burnley):
    html = priority_wards(burnley).html
    tag = re.search(r'<svg role="img"[^>]+>', html).group(0)
    alt = re.search(r'aria-label="([^"]+)"', tag).group(1)
    assert alt.startswith("Bar chart. Burnley&#x27;s 15 wards by IMD 2019 score: Trinity 62.3")
    assert "Bank Hall 61.3 (2nd)" in alt and "England&#x27;s middle ward" in alt
    assert "Show the numbers behind this chart" in html and html.count("◆ priority") == 5


def test_chorley_names_none_so_its_five_most_deprived_wards_are_shown(chorley):
    rows, named = shown_wards(chorley)
    assert not named and len(rows) == 5 and rows["imd_score"].is_monotonic_decreasing
    table = ward_table(chorley)
    assert rows["imd_score"].min() >= table["imd_score"].nlargest(5).min()
    text = priority_wards(chorley).text
    assert "has named no priority wards in Chorley" in text and "five most deprived wards" in text
    assert "Chorley East" in text
    assert (
        "Life expectancy and admission and death ratios for its neighbourhoods are not available"
        in text
    )


def test_a_missing_measure_is_said_in_words():
    pack = _pack("burnley")
    areas, _ = pack.small_areas  # loaded once per pack, so the section sees this change
    areas.population = areas.population[areas.population["ward_code"] != "E05005150"]
    assert "Bank Hall (population not available)" in priority_wards(pack).text


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


def test_the_section_is_deterministic(burnley):
    assert priority_wards(burnley).html == priority_wards(_pack("burnley")).html


def test_overview_lists_every_districts_priority_wards():
    overview = ho.load_overview([d.to_notebook() for d in load_all()], "data/snapshot")
    out = ho.priority_wards(overview)
    assert "Fishwick &amp; Frenchwood" in out.html and "Bank Hall" in out.html
    assert out.html.count("(none named)") == sum(not d.priority_wards for d in load_all())
    named = sum(len(d.priority_wards) for d in load_all())
    assert out.html.count("of 7,180</td>") == named


def test_fylde_and_wyre_wards_sentences_agree_district_by_district():
    """Issue 27: the section said the partnership had named none, then that it had named 3."""
    from hwb.pages.partnership import load_partnership_pack
    from hwb.pages.partnership_sections import priority_wards as partnership_wards
    from hwb.partnerships import resolve

    text = partnership_wards(load_partnership_pack(resolve("fylde-and-wyre")[0])).text
    assert "has named no priority wards in Fylde" in text
    assert "has named 3 priority wards in Wyre:" in text
    assert "has not named any" not in text
