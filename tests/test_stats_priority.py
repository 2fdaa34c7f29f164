"""hwb.stats.priority: candidate priorities scored on burden measured the same way for each
(issue 28), on the shipped snapshot's real values and on small synthetic tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fitness_support import real_fitness

from hwb.data.catalogue import place_plan_outcomes, priority_groups, role_id
from hwb.data.load import load_manifest, load_snapshot
from hwb.data.population import age_range, population_for_ages
from hwb.errors import StatsInputError
from hwb.model.headline import headline_table
from hwb.stats.priority import (
    EXCLUDED,
    PRIORITY_COLUMNS,
    RECOMMENDED,
    WORSE_LIST,
    method_markdown,
    priority_candidates,
)

BURNLEY, HYNDBURN, LANCASTER, PRESTON = "E07000117", "E07000120", "E07000121", "E07000123"
COUNTY, ENGLAND = "E10000017", "E92000001"


@pytest.fixture(scope="module")
def snapshot():
    frame, catalogue, fitness = real_fitness()
    manifest = load_manifest()
    complete = {
        int(i)
        for entry in manifest["files"]
        for i in entry.get("indicators") or []
        if str(entry.get("coverage", "")).startswith("all English districts")
    }
    peers = frame[(frame["category_type"] == "") & frame["area_type"].str.startswith("Districts")]
    return frame, catalogue, fitness, manifest, complete, peers


def _candidates(snapshot, code, **kwargs):
    frame, catalogue, fitness, manifest, complete, peers = snapshot
    headline = headline_table(frame, catalogue, code, COUNTY, ENGLAND, manifest)
    series = frame[(frame["area_code"] == code) & (frame["category_type"] == "")]
    population = population_for_ages(frame, role_id("population"), code, catalogue["age"])
    return priority_candidates(
        headline,
        fitness,
        catalogue,
        code,
        peers=peers,
        complete=complete,
        series=series,
        population=population,
        groups=priority_groups(),
        place_plan=place_plan_outcomes(),
        **kwargs,
    ).set_index("candidate")


def test_burnleys_premature_death_is_one_recommended_candidate_with_its_burden(snapshot):
    """The issue: Burnley's under-75 preventable mortality is "roughly 80 deaths a year above
    England's rate" yet scored 0 on people because no count is published."""
    table = _candidates(snapshot, BURNLEY)
    assert set(table.reset_index().columns) == set(PRIORITY_COLUMNS)
    death = table.loc["premature_death"]
    assert death["title"] == "premature death" and death["status"] == RECOMMENDED
    # merged, not separate candidates: life expectancy, under-75 preventable mortality and its
    # part, preventable CVD mortality (part_of 93721 in the catalogue)
    assert set(death["indicator_ids"]) == {90366, 93721, 93722}
    assert death["recommended_because"] == "premature death is significantly worse than England"
    # (237.5 - 145.8) per 100,000 x 88,333 people under 75 (2023)
    assert death["excess"] == pytest.approx((237.5 - 145.8) / 1e5 * 88333, abs=0.5)
    assert death["excess_estimated"] and "population aged <75 yrs (2023)" in death["excess_how"]
    assert death["excess_noun"] == "preventable deaths under 75" and death["excess_per_year"]
    assert death["gap_years"] == pytest.approx(79.7 - 76.5)  # men's gap (women's is 3.1)
    assert (death["english_rank"], death["english_n"]) == (291, 294)  # women's life expectancy
    assert death["significance"] == 0.5 and death["significance_source"] == "published"
    assert death["people"] > 0 and death["strategy_link"] == 1.0
    # unfit series are never candidates: listed as excluded with the reason
    assert table.loc["reduce smoking in pregnancy", "status"] == EXCLUDED
    assert table.loc["reduce smoking in pregnancy", "excluded_because"] == ("larger_area_estimate",)
    # self-harm admissions (2017/18) are old: no candidate rests on them; mental health's
    # candidate is the current wellbeing measures
    assert not any(21001 in ids for ids in table["indicator_ids"])
    assert 21001 not in table.loc["improve mental health and wellbeing", "indicator_ids"]
    assert table.loc[table["status"] == EXCLUDED, "rank"].isna().all()


def test_hyndburn_and_lancaster(snapshot):
    hyndburn = _candidates(snapshot, HYNDBURN).loc["premature_death"]
    assert hyndburn["english_rank"] == 293 and hyndburn["status"] == RECOMMENDED  # 293rd of 294
    lancaster = _candidates(snapshot, LANCASTER)
    live = lancaster[lancaster["status"] != EXCLUDED]
    # its "only two" (life expectancy, preventable mortality) are one candidate
    assert [c for c in live.index if c != "diagnose cancer early"] == ["premature_death"]


def test_ranks_only_among_every_english_district(snapshot):
    preston = _candidates(snapshot, PRESTON)
    readmissions = preston.loc["reduce emergency admissions"]  # a North West file
    assert np.isnan(readmissions["english_rank"]) and readmissions["gap"] == 0
    assert readmissions["rank_reason"] == "the data do not hold every English district"
    assert readmissions["excess_how"] == "from the published count" and readmissions["excess"] > 0
    # ranked among every English district its lead's source holds (ONS's CVD mortality
    # leaves out the two districts whose counts it suppresses)
    assert preston.loc["premature_death", "english_n"] in (292, 294)


def test_no_trend_runs_across_a_break(snapshot):
    """Children in low-income families: Fingertips' published trend spans the 2022/23 break;
    recomputed on the periods since, there is no trend."""
    child = _candidates(snapshot, BURNLEY).loc["reduce child poverty"]
    assert child["trend_label"] == "Cannot be calculated" and child["trend"] == 0


# --------------------------------------------------------------------------- synthetic
def _row(indicator, label, outcome, **overrides):
    row = {
        "indicator_id": indicator,
        "sex": "Persons",
        "age": "All ages",
        "label": label,
        "short_name": label,
        "outcome": outcome,
        "programme": "Living Well",
        "polarity": "low_is_good",
        "value_type": "crude_rate",
        "multiplier": 1000.0,
        "benchmark": "ci_overlap",
        "status": "ok",
        "period": "2023",
        "period_sortable": 20230000,
        "value": 12.0,
        "count": 120.0,
        "denominator": 10000.0,
        "england_value": 10.0,
        "compared_95": "Worse",
        "compared_998": "Worse",
        "compared_source": "calculated",
        "recent_trend": "",
        "trend_source": "calculated",
    }
    row.update(overrides)
    return row


def _catalogue(*ids, group=None):
    rows = []
    for i in ids:
        rows.append(
            {
                "indicator_id": i,
                "priority_group": group if i == ids[0] and group else "",
                "part_of": pd.NA,
                "outcome": f"outcome {i}",
                "events_per_year": True,
                "event_noun": f"events {i}",
                "period_years": 1,
            }
        )
    return pd.DataFrame(rows).set_index("indicator_id")


def _series(indicator, counts, denominators):
    return pd.DataFrame(
        {
            "indicator_id": indicator,
            "sex": "Persons",
            "age": "All ages",
            "period_sortable": [(2019 + i) * 10000 for i in range(len(counts))],
            "count": counts,
            "denominator": denominators,
            "value": [c / d * 1000 for c, d in zip(counts, denominators, strict=True)],
        }
    )


NO_FITNESS = pd.DataFrame(columns=["indicator_id", "sex", "age", "area_code"])


def test_scores_trend_burden_and_why_not():
    headline = pd.DataFrame(
        [
            _row(1, "big", "outcome 1", count=1200.0, value=12.0),  # 200 excess events
            _row(2, "small", "outcome 2", count=24.0, value=12.0, compared_998="Similar"),  # 4
            _row(
                3, "similar, worsening", "outcome 3", compared_95="Similar", compared_998="Similar"
            ),
        ]
    )
    series = pd.concat(
        [
            _series(1, [1000, 1050, 1100, 1150, 1200], [100000] * 5),
            _series(2, [24] * 5, [2000] * 5),
            _series(3, [80, 90, 100, 110, 150], [10000] * 5),
        ]
    )
    out = priority_candidates(
        headline, NO_FITNESS, _catalogue(1, 2, 3), "E07000001", series=series, recommend=1
    ).set_index("candidate")
    big, small, worsening = out.loc["outcome 1"], out.loc["outcome 2"], out.loc["outcome 3"]
    assert big["excess"] == pytest.approx(200) and big["people"] == 1.0
    assert small["people"] == pytest.approx(np.log1p(4) / np.log1p(200))
    assert big["trend_label"] == "Increasing and getting worse" and big["trend"] == 1.0
    assert big["trend_method"] == "chi-squared test for trend"
    assert small["trend_label"] == "No significant change" and small["trend"] == 0.5
    assert (big["significance"], small["significance"]) == (1.0, 0.5)
    assert big["status"] == RECOMMENDED and big["recommended_because"] == "score"
    assert (
        small["why_not"].startswith("score ") and "below the lowest recommended" in small["why_not"]
    )
    assert worsening["list"] == "similar but getting worse" and worsening["significance"] == 0
    assert worsening["why_not"].startswith("not significantly worse")
    assert out["rank"].tolist() == [1, 2, 3]


def test_a_declared_group_is_recommended_whenever_worse_and_high_burden_is_marked():
    headline = pd.DataFrame(
        [
            _row(1, "big", "outcome 1", count=1200.0, value=12.0),
            _row(2, "another big", "outcome 2", count=1100.0, value=11.0),
            _row(3, "grouped", "outcome 3", count=11.0, value=11.0, compared_998="Similar"),
        ]
    )
    groups = {"deaths": {"title": "premature death", "recommend_when_worse": True}}
    catalogue = pd.concat([_catalogue(1, 2), _catalogue(3, group="deaths")])
    out = priority_candidates(
        headline, NO_FITNESS, catalogue, "E07000001", groups=groups, recommend=1
    ).set_index("candidate")
    assert out.loc["deaths", "status"] == RECOMMENDED  # lowest score, yet recommended
    assert out.loc["deaths", "title"] == "premature death"
    assert out.loc["outcome 1", "status"] != RECOMMENDED and out.loc["outcome 1", "high_burden"]


def test_estimated_burden_and_bad_input():
    headline = pd.DataFrame(
        [
            _row(
                1,
                "no count",
                "outcome 1",
                count=np.nan,
                value=300.0,
                england_value=200.0,
                value_type="dsr",
                multiplier=100000.0,
                age="<75 yrs",
            )
        ]
    )
    out = priority_candidates(
        headline, NO_FITNESS, _catalogue(1), "E07000001", population={"<75 yrs": (50000.0, "2023")}
    ).iloc[0]
    assert out["excess"] == pytest.approx(50) and out["excess_estimated"]
    none = priority_candidates(headline, NO_FITNESS, _catalogue(1), "E07000001").iloc[0]
    assert np.isnan(none["excess"]) and "no population for ages <75 yrs" in none["excess_how"]
    with pytest.raises(StatsInputError, match="weights"):
        priority_candidates(headline, NO_FITNESS, _catalogue(1), "X", weights={"size": 1.0})
    with pytest.raises(StatsInputError, match="compared_95"):
        priority_candidates(headline.drop(columns="compared_95"), NO_FITNESS, _catalogue(1), "X")


def test_a_percentages_burden_uses_its_denominator_never_the_population():
    """Cancers diagnosed early is a percentage of cancers, not of the population: times the
    population it gave Burnley "about 7,800 fewer" early diagnoses, more cancers than it has."""
    row = _row(
        1,
        "early diagnosis",
        "outcome 1",
        count=np.nan,
        value=48.0,
        england_value=56.0,
        value_type="proportion",
        multiplier=100.0,
        polarity="high_is_good",
    )
    population = {"All ages": (90000.0, "2023")}
    by_population = priority_candidates(
        pd.DataFrame([{**row, "denominator": np.nan}]),
        NO_FITNESS,
        _catalogue(1),
        "E07000001",
        population=population,
    ).iloc[0]
    assert np.isnan(by_population["excess"]) and not by_population["excess_estimated"]
    assert "no count or denominator" in by_population["excess_how"]
    by_denominator = priority_candidates(
        pd.DataFrame([{**row, "denominator": 500.0}]),
        NO_FITNESS,
        _catalogue(1),
        "E07000001",
        population=population,
    ).iloc[0]
    assert by_denominator["excess"] == pytest.approx(0.08 * 500)
    assert by_denominator["excess_estimated"] and "denominator" in by_denominator["excess_how"]


def test_method_markdown_states_the_method_and_weights():
    text = method_markdown({"significance": 4.0}, recommend=2)
    assert text.startswith("## How candidate priorities are chosen")
    assert "significance 4" in text and "trend 2" in text and "top 2" in text
    assert "excess events a year" in text and "every English district" in text


def test_population_for_ages_tiles_bands_exactly():
    assert age_range("<75 yrs") == (0, 75) and age_range("65+ yrs") == (65, np.inf)
    assert age_range("4-5 yrs") == (4, 6) and age_range("Not applicable") is None
    frame = load_snapshot(indicators=[role_id("population")])
    found = population_for_ages(
        frame, role_id("population"), BURNLEY, ["<75 yrs", "65+ yrs", "18+ yrs"]
    )
    assert found["<75 yrs"] == (88333.0, "2023")
    assert found["65+ yrs"] == (4888 + 4451 + 3953 + 2208 + 1275 + 666, "2023")
    assert "18+ yrs" not in found  # 15-19 would have to be split
    assert WORSE_LIST == "significantly worse"
