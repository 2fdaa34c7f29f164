"""The indicator catalogue: complete, valid, and consistent with the real Lancashire extract."""

from __future__ import annotations

import pytest

from hwb import paths
from hwb.data.catalogue import (
    BREAK_COLUMNS,
    PROGRAMMES,
    ROLES,
    catalogue_entry,
    declared_breaks,
    event_nouns,
    load_catalogue,
    nested_parts,
    place_plan_outcomes,
    priority_groups,
    role_id,
    role_ids,
)
from hwb.errors import DataInvalid

# The issue's required topics, each with the Fingertips id that covers it.
REQUIRED = {
    "life expectancy": 90366,
    "healthy life expectancy": 90362,
    "inequality in life expectancy": 92901,
    "infant mortality": 92196,
    "smoking at delivery": 93085,
    "breastfeeding": 92517,
    "Reception obesity": 92026,
    "Year 6 obesity": 92033,
    "children in low-income families": 93701,
    "under-18 conceptions": 20401,
    "adult smoking": 92443,
    "physical inactivity": 93015,
    "adult overweight": 93088,
    "alcohol admissions": 91414,
    "alcohol mortality": 93763,
    "suicide": 41001,
    "preventable CVD": 93722,
    "preventable cancer": 93723,
    "preventable respiratory": 93724,
    "self-harm": 21001,
    "falls 65+": 22401,
    "hip fractures 65+": 41401,
    "dementia diagnosis": 92949,
    "emergency readmissions": 41101,
    "social contact": 90280,
    "care-home admissions 65+": 1194,
    "reablement 91 days": 90584,
    "deprivation": 93553,
    "fuel poverty": 90356,
    "employment gap": 90282,
}


def test_catalogue_shape_and_required_topics():
    catalogue = load_catalogue()
    assert len(catalogue) >= 30
    assert catalogue.index.dtype == "int64" and catalogue.index.is_unique
    missing = {topic: iid for topic, iid in REQUIRED.items() if iid not in catalogue.index}
    assert not missing
    assert set(catalogue["programme"]) == set(PROGRAMMES)
    assert not catalogue.loc[90362, "district_level"]  # HLE is published for counties only
    assert (
        catalogue.loc[93085, "ci_method"] == "wilson"
        and catalogue.loc[41001, "ci_method"] == "dobson"
    )


def test_catalogue_names_match_the_real_extract_where_it_has_them():
    if not paths.REAL_EXTRACT.is_file():
        pytest.skip("real extract not available")
    from hwb.data.load import load_snapshot

    frame = load_snapshot(paths.REAL_EXTRACT)
    catalogue = load_catalogue()
    shared = sorted(set(frame["indicator_id"]) & set(catalogue.index))
    assert len(shared) >= 8
    for iid in shared:
        entry = catalogue.loc[iid]
        rows = frame[
            (frame.indicator_id == iid)
            & (frame.category_type == "")
            & (frame.sex == entry["sex"])
            & (frame.age == entry["age"])
        ]
        assert rows.area_code.nunique() == 14, iid  # headline breakdown exists for every area


def test_a_typo_names_the_indicator_and_field(tmp_path):
    bad = tmp_path / "catalogue.yml"
    text = paths.CATALOGUE.read_text(encoding="utf-8").replace(
        "polarity: low_is_good", "polarity: low_is_bad", 1
    )
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataInvalid, match=r"catalogue\.yml, indicator 92901: field 'polarity'"):
        load_catalogue(bad)


def test_unknown_indicator_is_named():
    with pytest.raises(DataInvalid, match="indicator 999999 is not in the catalogue"):
        catalogue_entry(999999)


def test_goals_and_outcome_links_from_the_issue():
    """Dementia diagnosis is judged against the 66.7% national ambition; life expectancy at 65
    is not "healthy life expectancy"; the SII is not compared with England (local vs national deciles)."""
    catalogue = load_catalogue()
    assert catalogue.loc[92949, "goal"] == pytest.approx(66.7)
    assert catalogue["goal"].drop(92949).isna().all()
    assert "healthy" not in catalogue.loc[91102, "outcome"]
    assert catalogue.loc[92901, "benchmark"] == "none"


# ------------------------------------------------------------------ roles, nesting, events, place plan
def _edited(tmp_path, old: str, new: str, count: int = 1):
    """A copy of the real catalogue with ``old`` replaced by ``new``."""
    text = paths.CATALOGUE.read_text(encoding="utf-8")
    assert old in text, old
    bad = tmp_path / "catalogue.yml"
    bad.write_text(text.replace(old, new, count), encoding="utf-8")
    return bad


def test_every_role_names_one_indicator():
    assert {role: role_id(role) for role in ROLES} == {
        "life_at_birth": 90366,
        "healthy_life": 90362,
        "life_at_65": 91102,
        "inequality": 92901,
        "population": 92708,
        "deprivation": 93553,
        "deprivation_new": 1000013,
    }
    assert role_ids("life_at_birth", "healthy_life") == (90366, 90362)
    catalogue = load_catalogue()
    assert catalogue.loc[93553, "role"] == "deprivation" and catalogue.loc[92196, "role"] == ""


def test_a_missing_role_says_what_to_add(tmp_path):
    bad = _edited(tmp_path, "    role: population\n", "")
    load_catalogue(bad)  # a catalogue may leave a role out ...
    with pytest.raises(
        DataInvalid,
        match=r"catalogue\.yml: no indicator has the role 'population'; add "
        r"`role: population`",
    ):
        role_id("population", bad)  # ... but a page asking for it is told what to add
    with pytest.raises(ValueError, match="'headline' is not an indicator role"):
        role_id("headline")


def test_nesting_events_and_place_plan_are_read():
    assert nested_parts() == {93721: (93722, 93723, 93724)}
    assert load_catalogue().loc[93723, "part_of"] == 93721
    nouns = event_nouns()
    assert nouns[93721] == ("preventable deaths under 75", True)
    assert nouns[93701] == ("children in absolute low-income families", False)
    assert 90366 not in nouns
    outcomes = place_plan_outcomes()
    assert "reduce premature mortality" in outcomes and "reduce suicide" not in outcomes
    assert outcomes <= set(load_catalogue()["outcome"])


# each edit of the real catalogue, and the message that refuses it (naming file, indicator and field)
REFUSED = {
    "unknown role": (
        "    role: deprivation\n",
        "    role: poverty\n",
        r"catalogue\.yml, indicator 93553: field 'role': .*'deprivation'",
    ),
    "role twice": (
        "    role: life_at_65\n",
        "    role: life_at_birth\n",
        r"indicator 91102, field 'role': role 'life_at_birth' is already indicator 90366's",
    ),
    "part of unknown": (
        "    part_of: 93721\n",
        "    part_of: 99999\n",
        r"indicator 93722, field 'part_of': indicator 99999 is not in the catalogue",
    ),
    "part of itself": (
        "    part_of: 93721\n",
        "    part_of: 93722\n",
        r"indicator 93722, field 'part_of': an indicator cannot be a part of itself",
    ),
    "part of a part": (
        "    part_of: 93721\n    source",
        "    part_of: 93723\n    source",
        r"indicator 93722, field 'part_of': indicator 93723 is itself a part of 93721",
    ),
    "blank event noun": (
        'noun: "infant deaths"',
        'noun: " "',
        r"indicator 92196: field 'events\.noun': Value error, must not be blank",
    ),
    "events without per_year": (
        '{noun: "infant deaths", per_year: true}',
        '{noun: "infant deaths"}',
        r"indicator 92196: field 'events\.per_year'",
    ),
    "break in a period the type cannot have": (
        "      - period: 2023/24\n",
        "      - period: 2023\n",
        r"indicator 22401, field 'breaks\.0\.period': '2023' is not a financial period",
    ),
    "break without a reason": (
        (
            "        reason: >-\n          a one-year fall of 19-31% in 2023/24 in East Lancashire and "
            "Blackburn with Darwen at once,\n          while England's rate rose: a change in how the "
            "area's hospitals record admissions is\n          likelier than a real improvement\n"
        ),
        "        reason: ' '\n",
        r"indicator 22401: field 'breaks\.0\.reason': Value error, must not be blank",
    ),
    "break naming a bad area": (
        "areas: [E07000117,",
        "areas: [Burnley,",
        r"indicator 22401: field 'breaks\.0\.areas\.0'",
    ),
    "blank estimate reason": (
        (
            "    larger_area_estimate: >-\n      collected by NHS area (the mother's GP's former CCG, "
            "now sub-ICB location) and apportioned to\n      districts: districts of one former CCG "
            "carry the same or nearly the same percentage every year\n      and the counts were "
            "fractional until 2019/20\n"
        ),
        "    larger_area_estimate: ' '\n",
        r"indicator 93085: field 'larger_area_estimate': Value error, must not be blank",
    ),
    "unknown priority group": (
        "    role: life_at_birth\n    priority_group: premature_death\n",
        "    role: life_at_birth\n    priority_group: early_death\n",
        (
            r"indicator 90366, field 'priority_group': 'early_death' is not in priority_groups "
            r"\(premature_death\)"
        ),
    ),
    "priority group without a title": (
        "    title: premature death\n",
        "    title: ' '\n",
        r"field 'priority_groups'\.premature_death: 'title': Value error, must not be blank",
    ),
    "place-plan typo": (
        "  - reduce demand for care\n",
        "  - reduce demand on care\n",
        r"field 'place_plan_outcomes': 'reduce demand on care' is not the outcome of any indicator",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_bad_role_nesting_event_or_outcome_is_refused_by_name(tmp_path, case):
    old, new, message = REFUSED[case]
    with pytest.raises(DataInvalid, match=message):
        load_catalogue(_edited(tmp_path, old, new))


def test_fitness_declarations_are_read():
    """Smoking at delivery is declared an estimate for a larger area, alcohol deaths' counts
    fractional by design, the falls 2023/24 break declared for East Lancashire and Blackburn
    with Darwen, and premature death groups life expectancy with under-75 mortality and its parts."""
    catalogue = load_catalogue()
    assert "apportioned" in catalogue.loc[93085, "larger_area_estimate"]
    assert (catalogue["larger_area_estimate"] != "").sum() == 1
    assert catalogue.loc[93763, "fractional_counts"] and catalogue["fractional_counts"].sum() == 1
    breaks = declared_breaks()
    assert list(breaks.columns) == list(BREAK_COLUMNS)
    falls = breaks[breaks["indicator_id"] == 22401]
    assert set(falls["period"]) == {"2023/24"} and not falls["comparable_with_england"].any()
    # East Lancashire and Blackburn with Darwen; Ribble Valley and the county with their reason
    assert sorted(falls["area_code"]) == [
        "E06000008", "E07000117", "E07000120", "E07000122", "E07000124", "E07000125",
        "E10000017",
    ]  # fmt: skip
    assert "record" in falls["reason"].iloc[0]
    assert "East Lancashire NHS area" in falls.set_index("area_code").loc["E07000124", "reason"]
    # child poverty: DWP's calibration to regional survey estimates, every area, England too
    poverty = breaks[breaks["indicator_id"] == 93701]
    assert list(poverty["area_code"]) == [""] and list(poverty["period"]) == ["2022/23"]
    assert poverty["comparable_with_england"].all() and "regional" in poverty["reason"].iloc[0]
    assert set(breaks["indicator_id"]) == {22401, 93701}
    group = catalogue.index[catalogue["priority_group"] == "premature_death"]
    assert sorted(group) == [90366, 93721, 93722, 93723, 93724]  # parts inherit the group
    groups = priority_groups()
    assert groups["premature_death"].title == "premature death"
    assert groups["premature_death"].recommend_when_worse
    assert catalogue.loc[90366, "period_years"] == 3 and catalogue.loc[93721, "period_years"] == 1


def test_a_break_for_every_area_and_a_calendar_year(tmp_path):
    bad = _edited(
        tmp_path,
        '    period_type: calendar\n    events: {noun: "alcohol-related deaths"',
        "    period_type: calendar\n    breaks: [{period: 2020, reason: new coding}]\n"
        '    events: {noun: "alcohol-related deaths"',
    )
    breaks = declared_breaks(bad)
    row = breaks[breaks["indicator_id"] == 93763].iloc[0]
    assert (row["period"], row["area_code"], row["reason"]) == ("2020", "", "new coding")
    assert not row["comparable_with_england"]  # a local change of recording unless it says so


def test_a_break_that_reached_england_is_read_and_a_typo_refused(tmp_path):
    good = _edited(
        tmp_path,
        '    period_type: calendar\n    events: {noun: "alcohol-related deaths"',
        "    period_type: calendar\n"
        "    breaks: [{period: 2020, reason: new method, comparable_with_england: true}]\n"
        '    events: {noun: "alcohol-related deaths"',
    )
    row = declared_breaks(good).set_index("indicator_id").loc[93763]
    assert row["comparable_with_england"] and row["reason"] == "new method"
    bad = tmp_path / "typo.yml"
    bad.write_text(
        good.read_text(encoding="utf-8").replace("comparable_with_england", "comparable_england"),
        encoding="utf-8",
    )
    with pytest.raises(DataInvalid, match="comparable_england"):
        load_catalogue(bad)


def test_a_part_in_another_group_than_its_parent_is_refused(tmp_path):
    first = _edited(tmp_path, "priority_groups:\n", "priority_groups:\n  other: {title: other}\n")
    text = first.read_text(encoding="utf-8").replace(
        "    part_of: 93721\n    events",
        "    part_of: 93721\n    priority_group: other\n    events",
        1,
    )
    first.write_text(text, encoding="utf-8")
    with pytest.raises(
        DataInvalid,
        match=r"indicator 9372[234], field 'priority_group': 'other', but it is part of 93721, which is "
        r"in 'premature_death'",
    ):
        load_catalogue(first)
