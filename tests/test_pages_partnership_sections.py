"""Two-district packs complete (issue 28): every programme section shows each member
district's own values beside the combined figure (or in its place), and each district is
projected on its own."""

from __future__ import annotations

from functools import lru_cache

import pytest

import hwb.pages as hp
from hwb.pages.partnership import load_partnership_pack
from hwb.pages.partnership_sections import districts_side_by_side, programme_by_district
from hwb.pages.sections import projections
from hwb.partnerships import resolve
from hwb.stats.projection import TURNING_POINT

PROGRAMMES = ("Starting Well", "Living Well", "Ageing Well", "Wider determinants")


@lru_cache(maxsize=2)
def _pack(slug: str):
    partnership, _ = resolve(slug)
    return load_partnership_pack(partnership)


@pytest.mark.parametrize("slug", ["chorley-and-south-ribble", "fylde-and-wyre"])
def test_every_programme_section_shows_each_districts_own_values(slug):
    pack = _pack(slug)
    for programme in PROGRAMMES:
        rows = pack.headline[(pack.headline["programme"] == programme)]
        html = hp.programme(pack, programme).html
        assert "Each district&#x27;s own values" in html or "Each district's own values" in html
        for member in pack.members:
            assert f">{member.name}</th>" in html, (slug, programme, member.name)
            mine = member.headline[
                (member.headline["programme"] == programme) & (member.headline["status"] == "ok")
            ]
            for label in mine["label"]:
                assert label in html or label.replace("'", "&#x27;") in html, (programme, label)
        assert len(rows) or "No district" in html


def test_a_figure_that_cannot_be_combined_gives_the_reason_and_each_districts_value():
    pack = _pack("chorley-and-south-ribble")
    html = programme_by_district(pack, "Living Well").html
    assert "none: it is a survey estimate" in html
    # adult smoking: each district's value, its judgement and its fitness label
    assert "7.5 (2024, similar; survey estimate, no limits)" in html
    assert "7.9 (2024, similar; survey estimate, no limits)" in html
    one = hp.programme(_pack_one(), "Living Well").html
    assert "Each district" not in one


@pytest.mark.parametrize("slug", ["chorley-and-south-ribble", "fylde-and-wyre"])
def test_the_side_by_side_tables_label_what_is_unfit_beside_each_value(slug):
    """Issue 27: an NHS-area estimate, an old series or a break is labelled wherever its value
    appears, the two-district tables too (they showed smoking at delivery unlabelled)."""
    pack = _pack(slug)
    html = districts_side_by_side(pack).html
    row = next(r for r in html.split("<tr>") if ">Smoking at time of delivery<" in r)
    cells = row.split("<td>")[3:]  # after the name and unit: the combined figure, each district's
    assert len(cells) == 1 + len(pack.members)
    assert all("estimate for a larger area" in c for c in cells), row
    old = next(r for r in html.split("<tr>") if ">Self-harm admissions<" in r)
    assert old.count("old (2017/18)") == len(pack.members)
    poverty = next(
        r for r in html.split("<tr>") if ">Children in absolute low income families<" in r
    )
    assert poverty.count("break in the series 2022/23") == 1 + len(pack.members)


def _pack_one():
    return _pack("burnley")


def test_each_district_is_projected_on_its_own():
    """Each district's life expectancy has its own nine periods: projected (or its turning
    point said), never 'no indicator has the 5 periods a projection needs'."""
    pack = _pack("fylde-and-wyre")
    for member in pack.members:
        table = projections(pack, member.code)
        life = table[table["label"].str.startswith("Life expectancy at birth")]
        assert len(life), member.name
        assert (
            life["status"].isin(["ok", TURNING_POINT]).any()
            or life["status"].str.startswith("too uncertain").any()
        ), member.name
    text = hp.looking_ahead(pack).text
    for member in pack.members:
        assert f"{member.name} on its own" in text
