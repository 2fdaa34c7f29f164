"""hwb.stats.findings (one set of judged lists) and hwb.stats.combine.county_values (Lancashire
beside its districts), on the shipped snapshot's real values (issue 27)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fitness_support import real_fitness

from hwb.data.load import load_manifest
from hwb.errors import StatsInputError
from hwb.model.headline import headline_table
from hwb.stats.combine import COMPUTED, PUBLISHED, county_values
from hwb.stats.findings import LIST_COLUMNS, LISTS, judged_lists, judged_table, list_counts

LANCASHIRE = [f"E07000{n}" for n in range(117, 129)]
BURNLEY, WEST_LANCASHIRE, COUNTY, ENGLAND = "E07000117", "E07000127", "E10000017", "E92000001"


@pytest.fixture(scope="module")
def snapshot():
    return real_fitness()


def _headline(snapshot, code):
    frame, catalogue, _ = snapshot
    return headline_table(frame, catalogue, code, COUNTY, ENGLAND, load_manifest())


def _on(lists, name):
    return set(lists.loc[lists["list"] == name, "label"])


def test_burnleys_lists_leave_out_estimates_old_series_and_the_falls_break(snapshot):
    lists = judged_lists(_headline(snapshot, BURNLEY), snapshot[2], BURNLEY)
    assert list(lists.columns) == LIST_COLUMNS
    worse = _on(lists, "significantly worse")
    assert {"Life expectancy at birth (women)", "Under-75 preventable mortality"} <= worse
    # child poverty's 2022/23 break (DWP's regional calibration) reached England's figure too:
    # the comparison stands, the trend across it does not
    assert "Children in absolute low income families" in worse
    assert "Smoking at time of delivery" not in worse  # an NHS-area estimate
    assert "Self-harm admissions" not in worse  # 2017/18: old
    # falls: "significantly better ... getting better" was the 2023/24 recording change
    assert "Falls admissions 65+" not in _on(lists, "significantly better")
    assert "Falls admissions 65+" not in _on(lists, "improving")
    assert _on(lists, "significantly better") == {"Emergency readmissions within 30 days"}
    counts = list_counts(lists)
    assert set(counts) == set(LISTS) and counts["significantly worse"] == len(worse)
    table = judged_table(_headline(snapshot, BURNLEY), snapshot[2], BURNLEY).set_index("label")
    assert table.loc["Falls admissions 65+", "left_out"] == (
        "declared break at the latest period",
        "trend across a break or from a survey without limits",
    )
    assert table.loc["Smoking at time of delivery", "left_out"] == ("larger_area_estimate",)
    assert table.loc["Dementia diagnosis rate 65+", "left_out"] == ("old",)


def test_ribble_valleys_falls_are_neither_a_strength_nor_getting_better(snapshot):
    """Before the falls break was declared for Ribble Valley its key messages said "clearly
    better and getting better, a strength to protect" from the 2023/24 fall."""
    ribble = "E07000124"
    lists = judged_lists(_headline(snapshot, ribble), snapshot[2], ribble)
    assert "Falls admissions 65+" not in _on(lists, "significantly better")
    assert "Falls admissions 65+" not in _on(lists, "improving")
    assert "Children in absolute low income families" in _on(lists, "significantly better")
    assert "Children in absolute low income families" not in _on(lists, "improving")


def test_west_lancashire_keeps_its_falls_trend_and_its_survey_comparison(snapshot):
    lists = judged_lists(_headline(snapshot, WEST_LANCASHIRE), snapshot[2], WEST_LANCASHIRE)
    assert "Falls admissions 65+" in _on(lists, "improving")  # no break declared there
    # adult smoking: Fingertips' published comparison stands, but no trend is read from it
    assert "Adult smoking" in _on(lists, "significantly better")
    assert "Adult smoking" not in _on(lists, "improving") | _on(lists, "worsening")


def test_lists_need_the_headline_columns(snapshot):
    with pytest.raises(StatsInputError, match="compared_95"):
        judged_lists(_headline(snapshot, BURNLEY).drop(columns="compared_95"), snapshot[2], BURNLEY)


# --------------------------------------------------------------------------- county values
def _rows(frame, indicator, sex, age):
    return frame[
        (frame["indicator_id"] == indicator)
        & (frame["sex"] == sex)
        & (frame["age"] == age)
        & (frame["category_type"] == "")
    ]


def test_lancashire_computed_from_its_districts_equals_its_published_row(snapshot):
    frame = snapshot[0]
    for indicator, sex, age, value_type, method, multiplier in (
        (93701, "Persons", "<16 yrs", "proportion", "wilson", 100),
        (20401, "Female", "<18 yrs", "crude_rate", "byar", 1000),
    ):
        rows = _rows(frame, indicator, sex, age)
        published = county_values(rows, COUNTY, LANCASHIRE, value_type, method, multiplier)
        assert set(published["source"]) == {PUBLISHED}
        computed = county_values(
            rows[rows["area_code"] != COUNTY], COUNTY, LANCASHIRE, value_type, method, multiplier
        )
        assert set(computed["source"]) == {COMPUTED}
        # the county's published figures are the districts' summed counts (to their rounding)
        assert np.allclose(computed["value"], published["value"], atol=0.05), indicator
        if indicator == 20401:  # Byar's limits from the summed counts, as published
            assert np.allclose(computed["lower_95"], published["lower_95"], atol=1e-4)


def test_lancashire_without_a_county_row_says_why(snapshot):
    frame = snapshot[0]
    life = county_values(_rows(frame, 90366, "Female", "All ages"), COUNTY, LANCASHIRE,
                         "life_expectancy", "chiang", 1)  # fmt: skip
    assert life["value"].isna().all() and (life["source"] == "").all()
    assert life["reason"].iloc[-1] == (
        "life expectancy cannot be combined without each district's deaths and population by age"
    )
    smoking = county_values(_rows(frame, 92443, "Persons", "18+ yrs"), COUNTY, LANCASHIRE,
                            "proportion", "survey", 100)  # fmt: skip
    assert "survey estimate" in smoking["reason"].iloc[-1]
    # a district missing: no exact county figure, and the reason names it
    rows = _rows(frame, 93701, "Persons", "<16 yrs")
    rows = rows[~rows["area_code"].isin([COUNTY, "E07000128"])]
    partial = county_values(rows, COUNTY, LANCASHIRE, "proportion", "wilson", 100,
                            names={"E07000128": "Wyre"})  # fmt: skip
    assert partial["reason"].iloc[-1] == "no figure for Wyre"
    with pytest.raises(StatsInputError, match="districts"):
        county_values(rows, COUNTY, [], "proportion", "wilson", 100)


def test_county_values_keep_the_group_columns():
    rows = pd.DataFrame(
        {
            "area_code": ["A", "B", "C"] * 2,
            "period_sortable": [1] * 3 + [2] * 3,
            "value": [10.0, 20.0, np.nan, 12.0, 18.0, 15.0],
            "count": [1.0, 4.0, np.nan, 1.2, 3.6, np.nan],
            "denominator": [10.0, 20.0, np.nan, 10.0, 20.0, np.nan],
        }
    )
    out = county_values(rows, "C", ["A", "B"], "proportion", "wilson", 100)
    assert list(out["period_sortable"]) == [1, 2]
    assert out.loc[0, "source"] == COMPUTED and out.loc[0, "value"] == pytest.approx(500 / 30)
    assert out.loc[1, "source"] == PUBLISHED and out.loc[1, "value"] == 15.0
