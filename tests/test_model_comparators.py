"""Issue 29's model tables: a district among its similar authorities, the 65+ population ahead."""

from __future__ import annotations

import pandas as pd
import pytest

from hwb.model.ageing import ageing_table
from hwb.model.similar import MIN_COVERAGE, similar_table
from hwb.stats.interpolate import between_years


def _headline(**over):
    row = {
        "indicator_id": 1,
        "short_name": "Thing",
        "sex": "Persons",
        "age": "All ages",
        "unit": "%",
        "polarity": "low_is_good",
        "period": "2024",
        "period_sortable": 20240000,
        "period_end": 2024,
        "status": "ok",
        "county_value": 5.0,
        "england_value": 4.0,
    }
    row.update(over)
    return pd.DataFrame([row])


def _frame(values: dict[str, float | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": 1,
            "area_code": list(values),
            "sex": "Persons",
            "age": "All ages",
            "category_type": "",
            "period_sortable": 20240000,
            "value": list(values.values()),
        }
    )


def _group(code: str, similar: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": code,
            "group_type": "global",
            "rank": range(1, len(similar) + 1),
            "similar_area_code": similar,
            "similar_area_name": [f"Name {s}" for s in similar],
        }
    )


ME = "E07000117"
PEERS = [f"E0800000{i}" for i in range(1, 10)] + ["E08000010", "W06000022"]


def test_rank_in_group_counts_only_english_peers_with_values():
    values = {ME: 3.0, **{p: float(i) for i, p in enumerate(PEERS[:10])}}  # 0..9; Wales none
    table = similar_table(
        _frame(values), _group(ME, PEERS), [("burnley", ME, "Burnley", _headline())], "global"
    )
    mine = table[table["role"] == "district"].iloc[0]
    # low is good: 0, 1 and 2 are better than 3, so Burnley is 4th of 11 (itself and 10 English)
    assert (mine["rank_in_group"], mine["ranked_n"], mine["group_english"]) == (4, 11, 10)
    assert mine["not_ranked"] == ""
    assert set(table.loc[table["role"] == "similar", "area_code"]) == set(PEERS[:10])


def test_an_indicator_missing_for_too_many_peers_is_not_ranked_and_gaps_are_named():
    few = int(10 * MIN_COVERAGE)  # exactly enough English peers with a value
    values = {ME: 3.0, **{p: 1.0 for p in PEERS[:few]}}
    members = [("burnley", ME, "Burnley", _headline())]
    enough = similar_table(_frame(values), _group(ME, PEERS), members, "global")
    assert enough["not_ranked"].iloc[0] == "; ".join(f"Name {p}" for p in PEERS[few:10])
    values.pop(PEERS[0])
    assert similar_table(_frame(values), _group(ME, PEERS), members, "global").empty


def test_no_polarity_stale_or_missing_district_value_is_not_ranked():
    values = {ME: 3.0, **{p: 1.0 for p in PEERS[:10]}}
    group = _group(ME, PEERS)
    for headline in (_headline(polarity="no_judgement"), _headline(status="suppressed")):
        assert similar_table(_frame(values), group, [("b", ME, "B", headline)], "global").empty
    values[ME] = None
    assert similar_table(_frame(values), group, [("b", ME, "B", _headline())], "global").empty


def test_between_years_reads_the_line_and_refuses_to_extrapolate():
    points = {2022: 100.0, 2027: 110.0, 2032: 130.0}
    assert between_years(points, 2027) == 110.0
    assert between_years(points, 2030) == pytest.approx(122.0)
    with pytest.raises(ValueError, match="2022 to 2032"):
        between_years(points, 2035)


def test_ageing_table_sums_districts_and_reads_horizons_between_published_years():
    rows = []
    for code, scale in (("E07000118", 1), ("E07000126", 2)):
        for year, older, everyone in ((2022, 20, 100), (2027, 25, 105), (2032, 30, 110)):
            rows += [
                {"area_code": code, "year": year, "age_group": "65+", "population": older * scale},
                {
                    "area_code": code,
                    "year": year,
                    "age_group": "all ages",
                    "population": everyone * scale,
                },
            ]
    frame = pd.DataFrame(rows)
    both = ["E07000118", "E07000126"]
    table = ageing_table(
        frame,
        [
            ("chorley", "E07000118", "Chorley", "district", ["E07000118"]),
            ("c-and-sr", "+".join(both), "C and SR", "partnership", both),
            ("nowhere", "E07000999", "Nowhere", "district", ["E07000999"]),
        ],
        [2030, 2040],
    )
    assert list(table["area"].unique()) == ["chorley", "c-and-sr"]  # no rows: left out
    assert sorted(table["year"].unique()) == [2022, 2030]  # 2040 is past 2032: left out
    partnership = table[(table["area"] == "c-and-sr") & (table["year"] == 2030)].iloc[0]
    assert partnership["population_65"] == pytest.approx(3 * 28)  # 25 + 3/5 of 5, both summed
    assert partnership["more_65"] == pytest.approx(3 * 8)
    assert partnership["share_65"] == pytest.approx(100 * 28 / 108)


def test_real_models_rank_each_district_and_project_the_65_plus():
    from hwb import paths
    from hwb.model.build import build
    from hwb.partnerships import resolve_partnership

    if not (paths.SNAPSHOT / "similar_areas.csv.gz").is_file():
        pytest.skip("the shipped snapshot has no similar areas")
    model = build(resolve_partnership("chorley-and-south-ribble"))
    similar = model.tables["similar"]
    assert set(similar["area"]) == {"chorley", "south-ribble"}
    mine = similar[similar["role"] == "district"]
    assert (mine["rank_in_group"] >= 1).all() and (mine["rank_in_group"] <= mine["ranked_n"]).all()
    assert len(mine[mine["area"] == "chorley"]) >= 10
    assert len(model.tables["similar_group"]) == 40
    ageing = model.tables["ageing"]
    assert set(ageing["role"]) == {"district", "partnership", "county"}
    assert sorted(ageing["year"].unique()) == [2022, 2030, 2035]
    older = ageing[ageing["year"] == 2035].set_index("area")["more_65"]
    assert older["chorley-and-south-ribble"] == pytest.approx(
        older["chorley"] + older["south-ribble"]
    )
    assert older["chorley"] > 0


def test_parameters_without_a_group_or_horizons_get_empty_comparator_tables():
    """The overview's parameters have neither: its models carry the tables, empty."""
    from hwb import paths
    from hwb.model.comparators import comparator_tables
    from hwb.params import overview_area
    from hwb.partnerships import OverviewPartnership, resolve_partnership

    partnership = resolve_partnership("burnley")
    overview = OverviewPartnership(
        slug=partnership.slug,
        name=partnership.name,
        districts=[overview_area(d) for d in partnership.districts],
    )
    tables = comparator_tables(paths.SNAPSHOT, pd.DataFrame(), overview, [pd.DataFrame()])
    assert {k: len(v) for k, v in tables.items()} == {"similar": 0, "similar_group": 0, "ageing": 0}
    assert list(tables["ageing"].columns)[:3] == ["area", "area_code", "area_name"]
