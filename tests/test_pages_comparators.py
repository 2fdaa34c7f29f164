"""Issue 29's sections on the shipped snapshot: similar areas, the 65+ population ahead, the
county's healthy life expectancy, IoD2025 beside IoD2019, every source in About this data."""

from __future__ import annotations

import re

import pytest

from hwb import paths

ALT = re.compile(r'aria-label="([^"]*)"')


@pytest.fixture(scope="module")
def pack():
    from hwb.pages.partnership import load_partnership_pack
    from hwb.partnerships import resolve_partnership

    if not (paths.SNAPSHOT / "similar_areas.csv.gz").is_file():
        pytest.skip("the shipped snapshot has no similar areas")
    return load_partnership_pack(resolve_partnership("chorley-and-south-ribble"))


def _text(html) -> str:
    return re.sub(
        r"\s+",
        " ",
        re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", html.html, flags=re.DOTALL)),
    )


def test_similar_areas_names_each_districts_group_source_and_ranks(pack):
    import hwb.pages as hp

    html = hp.similar_areas(pack)
    text = _text(html)
    for member in ("Chorley", "South Ribble"):
        assert f"ONS names the 20 authorities most like {member}" in text
    assert "Office for National Statistics" in text and "Open Government Licence" in text
    assert re.search(r"Rank in group.*\d+ of \d+", text)
    alts = ALT.findall(html.html)
    assert len(alts) == 2 and all(re.search(r"\d+ of \d+", a) for a in alts)


def test_older_population_says_how_many_more_people_by_the_last_horizon(pack):
    import hwb.pages as hp

    text = _text(hp.older_population(pack))
    assert re.search(
        r"Chorley and South Ribble will have about [\d,]+ more people aged 65 and over by 2035",
        text,
    )
    assert "checked against ONS's mid-2022 population estimate" in text.replace("&#x27;", "'")
    assert "South Ribble 112,201 against" in text


def test_healthy_life_expectancy_is_labelled_as_the_countys(pack):
    import hwb.pages as hp

    text = _text(hp.life_expectancy(pack.members[0])).replace("&#x27;", "'")
    assert "this is Lancashire county's figure, not Chorley's" in text
    assert "not published for districts" in text


def test_profile_shows_both_editions_of_the_deprivation_score(pack):
    import hwb.pages as hp

    text = _text(hp.district_profile(pack.members[1]))
    assert "Indices of Deprivation 2019" in text and "Indices of Deprivation 2025" in text


def test_about_lists_every_source_with_its_licence(pack):
    from hwb.pages.sections.sources import source_list

    listed = source_list(pack)
    repositories = {o["repository"] for f in pack.manifest["files"] for o in f.get("origin") or []}
    shown = " ".join(listed["Source"])
    assert all(r in shown for r in repositories)
    assert listed["Licence"].str.len().gt(0).all() and listed["Dates covered"].str.len().gt(0).all()


def test_a_survey_without_limits_is_ranked_labelled_but_never_called_best_or_worst():
    """Issue 27: Pendle's adult smoking (20.1%, a survey estimate published without limits)
    was 'the worst of its group'; it stays in the rank table, labelled, and out of the sentence
    and the dot plot."""
    import hwb.pages as hp
    from hwb.pages.partnership import load_partnership_pack
    from hwb.partnerships import resolve_partnership

    if not (paths.SNAPSHOT / "similar_areas.csv.gz").is_file():
        pytest.skip("the shipped snapshot has no similar areas")
    html = hp.similar_areas(load_partnership_pack(resolve_partnership("pendle")))
    text = _text(html)
    sentence = text.split("Ranked among them", 1)[1].split(")). ")[0]
    assert "Employment rate" in sentence and "Adult smoking" not in sentence
    assert (
        "Adult smoking, Physically inactive adults, Overweight adults and Physically active "
        "adults are survey estimates published without confidence limits" in text
    )
    assert "Adult smoking – survey estimate, no limits 2024 20.1% 20 of 20" in text
    assert not any("Adult smoking" in alt for alt in ALT.findall(html.html))
