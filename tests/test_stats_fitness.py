"""hwb.stats.fitness: estimates for a larger area, old series, breaks in a series, surveys
without limits, on synthetic series and on the shipped snapshot's real values (issue 27)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fitness_support import real_fitness

from hwb.errors import StatsInputError
from hwb.stats.fitness import (
    FITNESS_COLUMNS,
    fitness_for,
    fresh_break,
    projectable,
    rankable,
    segment_after_break,
    series_fitness,
    testable,
    trendable,
    unfit_reasons,
)

LANCASHIRE = [f"E07000{n}" for n in range(117, 129)]
BURNLEY, HYNDBURN, PENDLE, ROSSENDALE = "E07000117", "E07000120", "E07000122", "E07000125"
FYLDE, WYRE, CHORLEY, RIBBLE_VALLEY = "E07000119", "E07000128", "E07000118", "E07000124"
WEST_LANCASHIRE = "E07000127"
ENGLAND, COUNTY = "E92000001", "E10000017"


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return real_fitness()[2].set_index(["indicator_id", "sex", "age", "area_code"])


# --------------------------------------------------------------------------- real data
def test_smoking_at_delivery_is_an_estimate_for_a_larger_area_in_every_district(real):
    rows = real.loc[(93085, "Female", "All ages")]
    assert rows.loc[LANCASHIRE, "larger_area_estimate"].all()
    # the data show it too: East Lancashire's four and Fylde with Wyre share unrounded values
    assert rows.loc[BURNLEY, "shared_with"] == (HYNDBURN, PENDLE, ROSSENDALE)
    assert rows.loc[FYLDE, "shared_with"] == (WYRE,)
    assert "shared_values" in rows.loc[PENDLE, "estimate_evidence"]
    assert rows.loc[CHORLEY, "shared_with"] == ()
    assert rows.loc[CHORLEY, "fractional_periods"] == 2  # 105.09 and 92.02 mothers
    assert rows.loc[CHORLEY, "estimate_evidence"] == ("declared", "fractional_counts")
    assert "apportioned" in rows.loc[BURNLEY, "estimate_reason"]
    assert not rows.loc[ENGLAND, "larger_area_estimate"]


def test_fractional_counts_by_design_are_not_estimates(real):
    """Alcohol-related deaths are weighted by attributable fractions: fractional, yet measured."""
    rows = real.loc[(93763, "Persons", "All ages")]
    assert not rows.loc[LANCASHIRE, "larger_area_estimate"].any()
    assert (rows.loc[LANCASHIRE, "fractional_periods"] == 0).all()


def test_old_series_are_the_ones_the_issue_names(real):
    burnley = real.xs(BURNLEY, level="area_code")
    old = sorted({i for (i, _sex, _age), is_old in burnley["old"].items() if is_old})
    # self-harm and alcohol admissions (2017/18), dementia diagnosis (2018), IMD 2019,
    # and the 2017/18 breakdowns of those files: nothing newer
    assert {21001, 91414, 92949, 93553} <= set(old)
    assert set(old) <= {21001, 91414, 92949, 93553}
    assert burnley.loc[(21001, "Persons", "All ages"), "years_behind"] == 7  # 2018 vs 2025
    assert burnley.loc[(93553, "Persons", "All ages"), "years_behind"] == 6
    conceptions = burnley.loc[(20401, "Female", "<18 yrs")]
    assert conceptions["latest_period"] == "2021" and not conceptions["old"]  # 4 years behind


def test_the_falls_break_in_east_lancashire(real):
    falls = real.loc[(22401, "Persons", "65+ yrs")]
    for area in (BURNLEY, HYNDBURN, PENDLE, ROSSENDALE, "E06000008"):
        row = falls.loc[area]
        assert row["break_in_series"] and row["break_period"] == "2023/24", area
        assert row["break_evidence"] == ("declared",)
        assert "recording" in row["break_reason"] or "record" in row["break_reason"]
        assert row["points_after_break"] == 1
        assert row["break_stops_comparison"]  # a local change of recording
    # Burnley 1,866 -> 1,339 while England rose: about 30% down against England
    assert falls.loc[BURNLEY, "break_change"] == pytest.approx(-0.30, abs=0.01)
    for area in (CHORLEY, FYLDE, WYRE, WEST_LANCASHIRE):
        assert not falls.loc[area, "break_in_series"], area
    assert not falls.loc[ENGLAND, "break_in_series"]


def test_ribble_valley_and_the_county_share_the_falls_break(real):
    """Ribble Valley's 2023/24 fall (10%) is within its own swings, so the rule does not detect
    it, but most of it is in the East Lancashire NHS area (its apportioned smoking-at-delivery
    values lie close to East Lancashire's) and the county adds up East Lancashire: both are
    declared, with their own reason, and no "getting better" is read from them."""
    falls = real.loc[(22401, "Persons", "65+ yrs")]
    for area in (RIBBLE_VALLEY, COUNTY):
        row = falls.loc[area]
        assert row["break_in_series"] and row["break_period"] == "2023/24", area
        assert row["break_evidence"] == ("declared",) and row["break_stops_comparison"]
        assert "East Lancashire" in row["break_reason"]
    # the data behind the decision: Ribble Valley fell 12% against England, less than the
    # 15% a detected break needs; its smoking-at-delivery values sit with East Lancashire's
    assert falls.loc[RIBBLE_VALLEY, "break_change"] == pytest.approx(-0.12, abs=0.01)
    assert falls.loc[COUNTY, "break_change"] == pytest.approx(-0.14, abs=0.01)
    delivery = real.loc[(93085, "Female", "All ages")]
    assert delivery.loc[RIBBLE_VALLEY, "shared_with"] == ()  # a mix, not East Lancashire's own
    for sex in ("Persons", "Male", "Female"):
        assert not trendable(real.loc[[(22401, sex, "65+ yrs", RIBBLE_VALLEY)]]).iloc[0], sex


def test_a_break_in_most_of_a_county_at_once_is_detected_and_its_cause_declared(real):
    """Children in low-income families jump 14-27% against England in every North West area
    in 2022/23: the rule detects it in 9 of Lancashire's 12 districts. Its cause is known (DWP
    fits the local figures to regional survey estimates), so the catalogue declares it for every
    area, England too, as a change that reached England's figure: the trend is not read
    across it, the comparison with England in 2022/23 stands."""
    rows = real.loc[(93701, "Persons", "<16 yrs")]
    burnley = rows.loc[BURNLEY]
    assert burnley["break_evidence"] == ("declared", "detected")
    assert burnley["break_period"] == "2022/23" and "regional survey" in burnley["break_reason"]
    assert (burnley["break_districts"], burnley["break_districts_tested"]) == (9, 12)
    assert rows.loc[[*LANCASHIRE, COUNTY, ENGLAND], "break_in_series"].all()
    assert not rows.loc[[*LANCASHIRE, COUNTY, ENGLAND], "break_stops_comparison"].any()
    assert rows.loc[ENGLAND, "break_evidence"] == ("declared",)  # England is not tested


def test_no_break_is_read_into_the_pandemic_or_smooth_series(real):
    """Life expectancy fell everywhere in 2020-22, England too: no break (changes are read
    against England's); nor in under-75 mortality or the adult smoking survey."""
    for key in (
        (90366, "Female", "All ages"),
        (93721, "Persons", "<75 yrs"),
        (92443, "Persons", "18+ yrs"),
    ):
        assert not real.loc[key].loc[LANCASHIRE, "break_in_series"].any(), key


def test_adult_smoking_is_a_survey_without_limits(real):
    rows = real.loc[(92443, "Persons", "18+ yrs")]
    assert rows.loc[LANCASHIRE, "survey_without_limits"].all()
    assert rows.loc[WEST_LANCASHIRE, "latest_period"] == "2024"
    # inactive adults' newest period (2024/25, Trafford's copy) has Fingertips' comparison
    # but no limits: a survey estimate without limits too (its 2022/23 FingertipsNext point has them)
    assert real.loc[(93015, "Persons", "19+ yrs")].loc[LANCASHIRE, "survey_without_limits"].all()


def test_what_each_flag_allows_on_real_rows(real):
    table = real.reset_index()
    burnley = table[table["area_code"] == BURNLEY].set_index(["indicator_id", "sex", "age"])
    smoking_delivery = burnley.loc[[(93085, "Female", "All ages")]]
    assert not rankable(smoking_delivery).iloc[0] and not testable(smoking_delivery).iloc[0]
    falls = burnley.loc[[(22401, "Persons", "65+ yrs")]]
    assert rankable(falls).iloc[0] and not trendable(falls).iloc[0] and projectable(falls).iloc[0]
    smoking = burnley.loc[[(92443, "Persons", "18+ yrs")]]
    assert testable(smoking).iloc[0] and not trendable(smoking).iloc[0]
    assert not projectable(smoking).iloc[0]
    life = burnley.loc[[(90366, "Female", "All ages")]]
    assert trendable(life).iloc[0] and unfit_reasons(life).iloc[0] == ()
    assert unfit_reasons(smoking_delivery).iloc[0] == ("larger_area_estimate",)


# --------------------------------------------------------------------------- synthetic
def _frame(series: dict[str, list[float]], counts: dict[str, list[float]] | None = None,
           indicator: int = 1, parent: str = "E10000099") -> pd.DataFrame:  # fmt: skip
    rows = []
    for area, values in series.items():
        for i, value in enumerate(values):
            rows.append(
                {
                    "indicator_id": indicator,
                    "sex": "Persons",
                    "age": "All ages",
                    "area_code": area,
                    "area_type": "England" if area == ENGLAND else "Districts",
                    "parent_code": np.nan if area == ENGLAND else parent,
                    "category_type": "",
                    "period": str(2011 + i),
                    "period_sortable": (2011 + i) * 10000,
                    "period_end": 2011.0 + i,
                    "value": value,
                    "lower_95": value - 1,
                    "upper_95": value + 1,
                    "count": (counts or {}).get(area, [np.nan] * len(values))[i],
                }
            )
    return pd.DataFrame(rows)


def _catalogue(**entry) -> pd.DataFrame:
    base = {"larger_area_estimate": "", "fractional_counts": False, "ci_method": "wilson"}
    return pd.DataFrame([{**base, **entry}], index=pd.Index([1], name="indicator_id"))


def test_shared_unrounded_values_need_two_periods():
    rng = np.random.default_rng(1)
    shared = list(np.round(rng.uniform(10, 20, 6), 4))
    frame = _frame(
        {
            ENGLAND: [15.0] * 6,
            "E07000001": shared,
            "E07000002": shared,
            "E07000003": [*shared[:1], *np.round(rng.uniform(10, 20, 5), 4)],  # one period only
            "E07000004": [12.0, 13.0, 14.0, 15.0, 16.0, 17.0],  # rounded values
            "E07000005": [12.0, 13.0, 14.0, 15.0, 16.0, 17.0],  # agree, but rounded: not evidence
        }
    )
    fit = series_fitness(frame, _catalogue()).set_index("area_code")
    assert fit.loc["E07000001", "shared_with"] == ("E07000002",)
    assert fit.loc["E07000001", "larger_area_estimate"]
    assert not fit.loc[["E07000003", "E07000004", "E07000005"], "larger_area_estimate"].any()
    assert list(series_fitness(frame, _catalogue()).columns) == FITNESS_COLUMNS


def test_declared_estimates_and_fractional_counts():
    frame = _frame(
        {ENGLAND: [10.0] * 3, "E07000001": [9.0, 9.5, 10.0], "E07000002": [8.0, 8.0, 8.0]},
        counts={"E07000001": [10.0, 11.0, 12.0], "E07000002": [4.5, 5.0, 5.0]},
    )
    fit = series_fitness(frame, _catalogue()).set_index("area_code")
    assert not fit.loc["E07000001", "larger_area_estimate"]
    assert fit.loc["E07000002", "estimate_evidence"] == ("fractional_counts",)
    by_design = series_fitness(frame, _catalogue(fractional_counts=True)).set_index("area_code")
    assert not by_design["larger_area_estimate"].any()
    declared = series_fitness(frame, _catalogue(larger_area_estimate="from the ICB")).set_index(
        "area_code"
    )
    assert declared.loc["E07000001", "estimate_evidence"] == ("declared",)
    assert declared.loc["E07000001", "estimate_reason"] == "from the ICB"
    assert not declared.loc[ENGLAND, "larger_area_estimate"]


def test_old_is_five_years_behind_the_newest():
    frame = pd.concat(
        [
            _frame({"E07000001": [1.0, 2.0]}, indicator=1),  # ends 2012
            _frame({"E07000001": [1.0] * 7}, indicator=2),  # ends 2017
        ]
    )
    catalogue = pd.concat([_catalogue(), _catalogue().rename(index={1: 2})])
    fit = series_fitness(frame, catalogue).set_index("indicator_id")
    assert fit.loc[1, "old"] and fit.loc[1, "years_behind"] == 5
    assert not fit.loc[2, "old"]
    assert (
        not series_fitness(frame, catalogue, newest_end=2016)
        .set_index("indicator_id")
        .loc[1, "old"]
    )


def _falls_like(jumpers: int, districts: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    series = {ENGLAND: [100.0, 101.0, 99.0, 100.0, 102.0, 101.0]}
    for d in range(districts):
        values = list(100 * np.exp(np.cumsum(rng.normal(0, 0.02, 6))))
        if d < jumpers:
            values[-1] *= 0.7  # a 30% fall in the last period
        series[f"E0700000{d + 1}"] = values
    return _frame(series)


def test_a_break_in_most_districts_at_once_is_detected_and_in_a_few_is_not():
    fit = series_fitness(_falls_like(jumpers=3), _catalogue()).set_index("area_code")
    assert fit.loc["E07000005", "break_in_series"]  # the whole area, jumped or not
    assert fit.loc["E07000001", "break_period"] == "2016"
    assert fit.loc["E07000001", "break_evidence"] == ("detected",)
    assert (
        fit.loc["E07000001", "break_districts"],
        fit.loc["E07000001", "break_districts_tested"],
    ) == (3, 5)
    assert fit.loc["E07000001", "break_change"] == pytest.approx(-0.3, abs=0.05)
    assert not fit.loc[ENGLAND, "break_in_series"]
    few = series_fitness(_falls_like(jumpers=2), _catalogue())
    assert not few["break_in_series"].any()
    # other groupings can be given: a group of the two that jumped
    grouped = series_fitness(
        _falls_like(jumpers=2),
        _catalogue(),
        groups={"E07000001": "a", "E07000002": "a", "E07000003": "a", "E07000004": "b"},
    ).set_index("area_code")
    assert grouped.loc[["E07000001", "E07000002", "E07000003"], "break_in_series"].all()
    assert not grouped.loc["E07000004", "break_in_series"]


def test_a_change_england_shares_is_not_a_break():
    frame = _falls_like(jumpers=0)
    for area in frame["area_code"].unique():  # everyone, England too, falls 30%
        last = (frame["area_code"] == area) & (frame["period"] == "2016")
        frame.loc[last, "value"] *= 0.7
    assert not series_fitness(frame, _catalogue())["break_in_series"].any()


def test_declared_breaks_name_their_areas_and_the_latest_break_counts():
    frame = _falls_like(jumpers=3)
    declared = pd.DataFrame(
        [(1, "2013", "E07000004", "new coding"), (1, "2030", "", "not in the data")],
        columns=["indicator_id", "period", "area_code", "reason"],
    )
    fit = series_fitness(frame, _catalogue(), declared).set_index("area_code")
    # the detected 2016 break is the latest in every district
    assert fit.loc["E07000004", "break_period"] == "2016"
    early = series_fitness(_falls_like(jumpers=0), _catalogue(), declared).set_index("area_code")
    row = early.loc["E07000004"]
    assert row["break_period"] == "2013" and row["break_reason"] == "new coding"
    assert row["points_after_break"] == 4 and row["break_evidence"] == ("declared",)
    assert not early.loc["E07000001", "break_in_series"]  # only the area named


def test_only_a_local_change_of_recording_stops_the_comparison_at_the_break():
    """A declared local change of recording stops the comparison of its first value with England
    (:func:`fresh_break`); one that reached England too (``comparable_with_england``), or a
    detected break, stops only trends; a later value is compared again."""
    frame = _falls_like(jumpers=3)
    declared = pd.DataFrame(
        [
            (1, "2016", "E07000001", "local recording", False),
            (1, "2016", "E07000002", "new national method", True),
        ],
        columns=["indicator_id", "period", "area_code", "reason", "comparable_with_england"],
    )
    fit = series_fitness(frame, _catalogue(), declared)
    latest = frame[frame["period"] == "2016"]
    fresh = fresh_break(fitness_for(latest, fit)).set_axis(latest["area_code"])
    assert fresh["E07000001"]  # declared, local
    assert not fresh["E07000002"]  # declared, but England's figure changed the same way
    assert not fresh["E07000003"]  # detected only: cause unknown
    assert not fresh[ENGLAND]
    earlier = frame[frame["period"] == "2015"]
    assert not fresh_break(fitness_for(earlier, fit)).any()  # before the break: compared
    # an older declaration without the column is read as a local change
    old_style = declared.drop(columns="comparable_with_england")
    fit = series_fitness(frame, _catalogue(), old_style).set_index("area_code")
    assert fit.loc[["E07000001", "E07000002"], "break_stops_comparison"].all()


def test_segment_after_break_and_fitness_for():
    frame = _falls_like(jumpers=0)
    declared = pd.DataFrame(
        [(1, "2014", "E07000002", "new coding")],
        columns=["indicator_id", "period", "area_code", "reason"],
    )
    fit = series_fitness(frame, _catalogue(), declared)
    kept = segment_after_break(frame, fit)
    assert sorted(kept.loc[kept["area_code"] == "E07000002", "period"]) == ["2014", "2015", "2016"]
    assert (kept["area_code"] == "E07000001").sum() == 6
    latest = frame[frame["period"] == "2016"]
    joined = fitness_for(latest, fit)
    assert list(joined.index) == list(latest.index)
    two = joined.set_index("area_code").loc["E07000002"]
    assert two["break_in_series"] and two["points_after_break"] == 3
    assert not trendable(joined.set_index("area_code").loc[["E07000002"]]).iloc[0]


def test_survey_without_limits_and_bad_input():
    frame = _frame({ENGLAND: [10.0, 11.0], "E07000001": [9.0, 8.0]})
    frame.loc[frame["period"] == "2012", ["lower_95", "upper_95"]] = np.nan
    fit = series_fitness(frame, _catalogue(ci_method="survey")).set_index("area_code")
    assert fit.loc["E07000001", "survey_without_limits"]
    assert not series_fitness(frame, _catalogue())["survey_without_limits"].any()
    with pytest.raises(StatsInputError, match="period_end"):
        series_fitness(frame.drop(columns="period_end"), _catalogue())


def test_a_combined_area_inherits_its_members_weaknesses(real):
    from hwb.stats.fitness import combined_fitness

    table = real.reset_index()
    fylde_wyre = combined_fitness(table, [FYLDE, WYRE], "E07000119+E07000128").set_index(
        ["indicator_id", "sex", "age"]
    )
    assert fylde_wyre.loc[(93085, "Female", "All ages"), "larger_area_estimate"]
    assert fylde_wyre.loc[(93085, "Female", "All ages"), "shared_with"] == ()  # each other only
    assert fylde_wyre.loc[(21001, "Persons", "All ages"), "old"]
    assert not fylde_wyre.loc[(22401, "Persons", "65+ yrs"), "break_in_series"]
    east = combined_fitness(table, [BURNLEY, CHORLEY], "X").set_index(
        ["indicator_id", "sex", "age"]
    )
    falls = east.loc[(22401, "Persons", "65+ yrs")]
    assert falls["break_in_series"] and falls["break_period"] == "2023/24"
    assert falls["area_code"] == "X" and list(east.reset_index().columns) == FITNESS_COLUMNS
