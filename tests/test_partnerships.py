"""Partnerships: parameters/partnerships.yml validated before anything runs, naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hwb import partnerships as P
from hwb.errors import BadParameter


def _rewrite(params_dir: Path, edit) -> Path:
    path = params_dir / "partnerships.yml"
    data = yaml.safe_load(path.read_text())
    edit(data["partnerships"])
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _entry(items, slug):
    return next(p for p in items if p["slug"] == slug)


def test_ten_partnerships_cover_the_twelve_districts_once_each():
    loaded = P.load_partnerships()
    assert len(loaded) == 10
    members = [d for p in loaded for d in p.district_slugs]
    assert len(members) == len(set(members)) == 12
    by_slug = {p.slug: p for p in loaded}
    assert by_slug["chorley-and-south-ribble"].district_slugs == ["chorley", "south-ribble"]
    assert by_slug["fylde-and-wyre"].area_name == "Fylde and Wyre"
    assert by_slug["burnley"].district_slugs == ["burnley"]


def test_a_district_resolves_to_its_partnership_and_a_partnership_to_itself():
    partnership, district = P.resolve("south-ribble")
    assert (partnership.slug, district) == ("chorley-and-south-ribble", "south-ribble")
    assert P.resolve("fylde-and-wyre")[0].district_slugs == ["fylde", "wyre"]
    assert P.resolve("burnley")[0].slug == "burnley"


def test_many_names_resolve_in_order_from_one_read_of_the_parameters(monkeypatch):
    reads = []
    load = P.load_partnerships
    monkeypatch.setattr(P, "load_partnerships", lambda d=None: reads.append(d) or load(d))
    resolved = P.resolve_many(["south-ribble", "burnley", "fylde-and-wyre"])
    assert [(p.slug, d) for p, d in resolved] == [
        ("chorley-and-south-ribble", "south-ribble"),
        ("burnley", "burnley"),
        ("fylde-and-wyre", None),
    ]
    assert len(reads) == 1
    with pytest.raises(
        BadParameter, match="unknown partnership or district 'burnly'; did you mean"
    ):
        P.resolve_many(["burnley", "burnly"])


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("fylde-and-wyr", "fylde-and-wyre"),
        ("burnly", "burnley"),
        ("south-ribbel", "south-ribble"),
    ],
)
def test_a_misspelt_name_gets_a_did_you_mean_across_districts_and_partnerships(typed, suggested):
    with pytest.raises(BadParameter) as err:
        P.resolve(typed)
    message = str(err.value)
    assert message.startswith(
        f"unknown partnership or district '{typed}'; did you mean '{suggested}'?"
    )
    assert "valid partnerships:" in message and "valid districts:" in message


def test_a_district_is_not_taken_for_a_partnership():
    with pytest.raises(
        BadParameter,
        match="'wyre' is a district, not a partnership; its partnership is 'fylde-and-wyre'",
    ):
        P.resolve_partnership("wyre")


def test_a_district_in_no_partnership_is_refused(params_dir):
    path = _rewrite(
        params_dir, lambda items: _entry(items, "fylde-and-wyre")["districts"].remove("wyre")
    )
    with pytest.raises(
        BadParameter, match=rf"{path}: district 'wyre' \(parameters/wyre.yml\) is in no partnership"
    ):
        P.load_partnerships(params_dir)


def test_a_district_in_two_partnerships_is_refused_naming_the_key(params_dir):
    path = _rewrite(params_dir, lambda items: _entry(items, "burnley")["districts"].append("wyre"))
    with pytest.raises(BadParameter) as err:
        P.load_partnerships(params_dir)
    assert str(err.value).startswith(f"{path}: key 'partnerships.")
    assert "district 'wyre' is also in partnership" in str(err.value)


def test_an_unknown_district_is_refused_with_a_did_you_mean(params_dir):
    path = _rewrite(
        params_dir, lambda items: _entry(items, "burnley")["districts"].__setitem__(0, "burnly")
    )
    with pytest.raises(
        BadParameter,
        match=rf"{path}: key 'partnerships.0.districts': 'burnly' is not a district "
        r"\(no parameters/burnly.yml\); did you mean 'burnley'\?",
    ):
        P.load_partnerships(params_dir)


def test_a_duplicate_slug_is_refused(params_dir):
    path = _rewrite(
        params_dir, lambda items: _entry(items, "pendle").__setitem__("slug", "burnley")
    )
    with pytest.raises(
        BadParameter, match=rf"{path}: key 'partnerships.\d+.slug': 'burnley' is already the slug"
    ):
        P.load_partnerships(params_dir)


def test_an_unknown_key_and_a_missing_file_are_named(params_dir):
    path = _rewrite(
        params_dir, lambda items: _entry(items, "pendle").__setitem__("distrcts", ["pendle"])
    )
    with pytest.raises(BadParameter, match=rf"{path}: .*unknown key 'partnerships.\d+.distrcts'"):
        P.load_partnerships(params_dir)
    path.unlink()
    with pytest.raises(BadParameter, match=rf"{path}: missing"):
        P.load_partnerships(params_dir)


def test_a_district_file_naming_another_partnership_is_refused(params_dir):
    wyre = params_dir / "wyre.yml"
    wyre.write_text(wyre.read_text().replace("Fylde and Wyre Health", "Wyre Health"))
    with pytest.raises(
        BadParameter, match=rf"{wyre}: key 'partnership' is 'Wyre Health and Wellbeing Partnership'"
    ):
        P.load_partnerships(params_dir)


def test_the_grouping_is_configuration(params_dir):
    def split(items):
        _entry(items, "fylde-and-wyre").update(
            slug="fylde", name="Fylde Partnership", districts=["fylde"]
        )
        items.append({"slug": "wyre", "name": "Wyre Partnership", "districts": ["wyre"]})

    _rewrite(params_dir, split)
    for slug, name in (("fylde", "Fylde Partnership"), ("wyre", "Wyre Partnership")):
        path = params_dir / f"{slug}.yml"
        data = yaml.safe_load(path.read_text())
        data["partnership"] = name
        path.write_text(yaml.safe_dump(data))
    assert len(P.load_partnerships(params_dir)) == 11
    assert P.resolve("wyre", params_dir)[0].name == "Wyre Partnership"


# --------------------------------------------------------------------------- typed end to end
def test_the_notebook_json_turns_back_into_the_same_model_with_one_call():
    for partnership in P.load_partnerships():
        given = partnership.to_notebook()
        assert P.PartnershipParams.model_validate(given) == partnership
        assert given["area_name"] == partnership.area_name


def test_a_wrong_area_name_in_the_notebook_json_is_refused():
    given = P.resolve_partnership("fylde-and-wyre").to_notebook()
    with pytest.raises(ValueError, match="area_name 'Fylde' is not the districts' names"):
        P.PartnershipParams.model_validate({**given, "area_name": "Fylde"})


def test_a_partnership_pack_covers_its_area():
    """One district: the district itself. Two: the districts combined, as the model says."""
    burnley = P.resolve_partnership("burnley")
    assert burnley.area is burnley.districts[0]
    fylde_and_wyre = P.resolve_partnership("fylde-and-wyre")
    area = fylde_and_wyre.area
    assert (area.slug, area.name, area.partnership) == (
        "fylde-and-wyre",
        "Fylde and Wyre",
        fylde_and_wyre.name,
    )
    assert (
        area.ons_code
        == P.combined_code([d.ons_code for d in fylde_and_wyre.districts])
        == "E07000119+E07000128"
    )
    assert area.priority_wards == [w for d in fylde_and_wyre.districts for w in d.priority_wards]
    assert area.horizons == fylde_and_wyre.districts[0].horizons


def test_members_with_different_shared_settings_cannot_make_one_model():
    chorley, south_ribble = P.resolve_partnership("chorley-and-south-ribble").districts
    other = south_ribble.model_copy(update={"horizons": [2040]})
    with pytest.raises(ValueError, match="differ on 'horizons'"):
        P.PartnershipParams(slug="chorley-and-south-ribble", name="x", districts=[chorley, other])
