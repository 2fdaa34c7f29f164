"""The readers of the sources added for issue 29, on small fixtures written here: ONS's
Explore local statistics files, Trafford copies without a 95% comparison, a second source
adding later periods to a series, MHCLG's IoD2025 summaries; and the shipped result."""

from __future__ import annotations

import math

import pytest

from hwb.data.assemble import layout
from hwb.data.assemble.readers import Readers, also_rows
from hwb.data.catalogue import is_project_id, load_catalogue
from hwb.data.load import load_manifest, load_snapshot
from hwb.errors import DataInvalid
from hwb.model.headline import OK, headline_table

LANCASHIRE_12 = [f"E07000{n}" for n in range(117, 129)]
ONS_HEADER = (
    "areacd,areanm,geography,indicator,period,observation,measure,unit,lci_95,uci_95,status,notes\n"
)


def readers(tmp_path, files: dict[str, str], reader: str = "ons_els"):
    """A reader over fixture files written into ``tmp_path`` as one source ``src``."""
    spec = {"sources": {"src": {"reader": reader, "files": {}}}, "indicators": {}}
    for key, text in files.items():
        (tmp_path / f"{key}.csv").write_text(text, encoding="utf-8")
        spec["sources"]["src"]["files"][key] = {"local": f"{key}.csv"}
    return Readers(tmp_path, spec, load_catalogue())


# --------------------------------------------------------------------------- ONS
def test_ons_rows_are_relaid_out_with_limits_periods_and_status(tmp_path):
    text = ONS_HEADER + (
        "K02000001,United Kingdom,Country,Satisfaction,2022-04-01/P1Y,7.45,Mean,Score,7.4,7.5,,\n"
        "E92000001,England,Nation,Satisfaction,2022-04-01/P1Y,7.43,Mean,Score,7.41,7.45,,\n"
        "E07000117,Burnley,Local Authority District,Satisfaction,2022-04-01/P1Y,,Mean,Score,,,x,\n"
        "E07000117,Burnley,Local Authority District,Satisfaction,2021-04-01/P1Y,7.17,Mean,Score,6.9,7.44,u,\n"
        "E07000117,Burnley,Local Authority District,Anxiety,2021-04-01/P1Y,2.47,Mean,Score,2.0,2.9,,\n"
        "E06000008,Blackburn,Local Authority District,Satisfaction,2021-04-01/P1Y,7.3,Mean,Score,7.0,7.6,,\n"
        "E06000008,Blackburn,County or Unitary Authority,Satisfaction,2021-04-01/P1Y,7.3,Mean,Score,7.0,7.6,,\n"
        "E12000002,North West,Region,Satisfaction,2021-04-01/P1Y,7.4,Mean,Score,7.3,7.5,,\n"
    )
    reader = readers(tmp_path, {"wellbeing": text})
    choice = {"source": "src", "file": "wellbeing", "ons_indicators": {"Satisfaction": "Persons"}}
    rows = {(r["Area Code"], r["Time period"]): r for r in reader.rows(1000001, choice)}
    assert sorted(rows) == [  # no UK or region row; Blackburn once though listed twice
        ("E06000008", "2021/22"),
        ("E07000117", "2021/22"),
        ("E07000117", "2022/23"),
        ("E92000001", "2022/23"),
    ]
    england = rows[("E92000001", "2022/23")]
    assert (england["Value"], england["Lower CI 95.0 limit"], england["Upper CI 95.0 limit"]) == (
        "7.43",
        "7.41",
        "7.45",
    )
    assert england["Area Type"] == "England" and england["Indicator ID"] == "1000001"
    assert england["Time period Sortable"] == "20220000" and england["Time period range"] == "1y"
    missing = rows[("E07000117", "2022/23")]
    assert missing["Value"] == "" and missing["Value note"] == "Not available (ONS status x)"
    shaky = rows[("E07000117", "2021/22")]
    assert shaky["Value"] == "7.17" and shaky["Value note"] == "Low reliability (ONS status u)"


def test_ons_sexes_come_from_the_indicator_names(tmp_path):
    text = ONS_HEADER + (
        "E10000017,Lancashire,County or Unitary Authority,Male healthy life expectancy,"
        "2022-01-01/P3Y,60.1,Years,yrs,59.0,61.2,,\n"
        "E10000017,Lancashire,County or Unitary Authority,Female healthy life expectancy,"
        "2022-01-01/P3Y,61.0,Years,yrs,59.9,62.1,,\n"
    )
    reader = readers(tmp_path, {"hle": text})
    choice = {
        "source": "src",
        "file": "hle",
        "ons_indicators": {
            "Male healthy life expectancy": "Male",
            "Female healthy life expectancy": "Female",
        },
    }
    rows = list(reader.rows(90362, choice))
    assert {(r["Sex"], r["Time period"], r["Area Type"]) for r in rows} == {
        ("Male", "2022 - 24", layout.COUNTY_TYPE),
        ("Female", "2022 - 24", layout.COUNTY_TYPE),
    }


def test_an_ons_period_that_does_not_fit_the_catalogue_is_named(tmp_path):
    text = ONS_HEADER + (
        "E92000001,England,Nation,Satisfaction,2022-01-01/P1Y,7.43,Mean,Score,7.41,7.45,,\n"
    )
    reader = readers(tmp_path, {"wellbeing": text})
    choice = {"source": "src", "file": "wellbeing", "ons_indicators": {"Satisfaction": "Persons"}}
    with pytest.raises(DataInvalid, match=r"wellbeing\.csv, line 2, column 'period': .*financial"):
        list(reader.rows(1000001, choice))


def test_an_ons_indicator_missing_from_the_file_or_doubled_differently_is_refused(tmp_path):
    text = ONS_HEADER + (
        "E06000008,Blackburn,Local Authority District,Satisfaction,2021-04-01/P1Y,7.3,Mean,Score,7.0,7.6,,\n"
        "E06000008,Blackburn,County or Unitary Authority,Satisfaction,2021-04-01/P1Y,7.4,Mean,Score,7.0,7.6,,\n"
    )
    reader = readers(tmp_path, {"wellbeing": text})
    choice = {"source": "src", "file": "wellbeing", "ons_indicators": {"Satisfy": "Persons"}}
    with pytest.raises(DataInvalid, match=r"no rows for ONS indicator\(s\) \['Satisfy'\]"):
        list(reader.rows(1000001, choice))
    choice["ons_indicators"] = {"Satisfaction": "Persons"}
    with pytest.raises(DataInvalid, match=r"line 3: E06000008 .* twice with different values"):
        list(reader.rows(1000001, choice))


# --------------------------------------------------------------------------- Trafford, IoD
TRAFFORD = (
    "area_code,area_name,area_type,period,indicator,measure,unit,value,compared_to_England,inequality\n"
    "E92000001,England,Country,2024/25,Depression,Percentage,Persons,14.3,Not compared,NA\n"
    "E07000117,Burnley,District,2024/25,Depression,Percentage,Persons,18.2,Higher 99.8,NA\n"
    "E07000117,Burnley,District,2023/24,Depression,Percentage,Persons,17.1,Similar,NA\n"
)


def test_a_comparison_at_99_8_is_not_written_as_a_95_comparison(tmp_path):
    reader = readers(tmp_path, {"depression": TRAFFORD}, reader="trafford")
    choice = {"source": "src", "file": "depression", "published_comparison": False}
    rows = list(reader.rows(848, choice))
    assert {r[layout.COMPARED] for r in rows} == {""}
    assert {r["Value"] for r in rows} == {"14.3", "18.2", "17.1"}


def test_a_second_source_adds_only_its_periods_and_never_a_point_twice():
    rows = [
        {h: "" for h in layout.KEY_HEADERS} | {"Area Code": "E07000117", "Time period": "2022/23"}
    ]
    extra = [
        dict(rows[0], **{"Time period": "2022/23"}),
        dict(rows[0], **{"Time period": "2023/24"}),
        dict(rows[0], **{"Time period": "2024/25"}),
    ]
    also = {"source": "trafford_themes", "periods": ["2023/24", "2024/25"]}
    kept = also_rows(93015, also, extra, rows)
    assert [r["Time period"] for r in kept] == ["2023/24", "2024/25"]
    also["periods"] = ["2022/23"]
    with pytest.raises(DataInvalid, match=r"93015\.also \(trafford_themes\) repeats 1 row"):
        also_rows(93015, also, extra, rows)
    with pytest.raises(DataInvalid, match="must limit what it adds"):
        also_rows(93015, {"source": "x"}, extra, rows)


def test_iod_2025_summaries_are_read_in_their_own_column_names(tmp_path):
    text = (
        "area_code,area_name,area_type,deprivation_data_year,index_domain,average_rank,"
        "rank_average_rank,average_score,rank_average_score,proportion_bottom_decile,"
        "rank_proportion_bottom_decile\n"
        "E07000117,Burnley,Local Authority District (2024),2025,Index of Multiple Deprivation,"
        "1,1,38.681,1,0.1,1\n"
        "E07000117,Burnley,Local Authority District (2024),2025,Income Deprivation,1,1,0.2,1,0.1,1\n"
    )
    reader = readers(tmp_path, {"districts": text}, reader="iod_district")
    rows = list(reader.rows(1000013, {"source": "src", "file": "districts"}))
    assert [(r["Area Code"], r["Time period"], r["Value"]) for r in rows] == [
        ("E07000117", "2025", "38.681")
    ]


# --------------------------------------------------------------------------- shipped
@pytest.fixture(scope="module")
def shipped():
    return load_snapshot()


def test_at_least_35_indicators_have_a_value_for_all_12_districts(shipped):
    catalogue = load_catalogue()
    per_district = []
    for code in LANCASHIRE_12:
        table = headline_table(shipped, catalogue, code, "E10000017", "E92000001")
        per_district.append(set(table.loc[table.status == OK, "indicator_id"]))
    everywhere = set.intersection(*per_district)
    assert len(everywhere) >= 35, sorted(everywhere)
    assert {93722, 93671, 848, 93563, 1000001, 1000004, 1000005, 1000011, 1000013} <= everywhere


def test_newer_periods_merge_into_one_series_with_each_points_source(shipped):
    inactive = shipped[
        (shipped.indicator_id == 93015)
        & (shipped.area_code == "E07000117")
        & (shipped.sex == "Persons")
    ].set_index("period")
    assert inactive.index.is_unique  # one series, not a duplicate indicator
    assert {"2022/23", "2023/24", "2024/25"} <= set(inactive.index)
    assert inactive.loc["2022/23", "lower_95"] > 0  # FingertipsNext, with limits
    assert math.isnan(inactive.loc["2024/25", "lower_95"])  # trafford_themes, rounded
    assert inactive.loc["2024/25", "compared_england"] == "Worse"
    entry = next(e for e in load_manifest()["files"] if e.get("indicators") == [93015])
    assert [o["source"] for o in entry["origin"]] == ["fingertipsnext", "trafford_themes"]
    assert entry["origin"][1]["periods"] == ["2023/24", "2024/25"]


def test_healthy_life_expectancy_is_the_countys_and_project_ids_name_a_source(shipped):
    hle = shipped[shipped.indicator_id == 90362]
    assert {"E92000001", "E10000017"} <= set(hle.area_code)
    assert not hle.area_code.isin(LANCASHIRE_12).any()  # published for counties and UAs only
    assert set(hle.sex) == {"Male", "Female"} and hle.lower_95.notna().all()
    catalogue = load_catalogue()
    project = catalogue[[is_project_id(i) for i in catalogue.index]]
    assert len(project) >= 13 and project["source"].str.len().gt(0).all()
