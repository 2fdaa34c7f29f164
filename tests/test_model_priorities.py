"""The priority long-list: only significantly worse (or similar but getting worse) indicators,
size on one scale, nested outcomes merged, a sensitivity view, always one recommendation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb.model.priorities import (
    COMPONENTS,
    WATCH_LIST,
    WORSE_LIST,
    WORSENING_LIST,
    excess_events,
    excess_percentile,
    rank_priorities,
    sensitivity,
)
from hwb.text.events import about, count_phrase

WEIGHTS = {"significance": 3, "trend": 2, "gap": 2, "people": 1, "strategy_link": 1}


def _row(
    indicator_id,
    outcome,
    value,
    england,
    compared,
    compared_998="Not compared",
    trend="",
    count=np.nan,
    programme="Living Well",
    rank=5,
    n=12,
    polarity="low_is_good",
    period="2023",
    unit="%",
):
    return {
        "indicator_id": indicator_id,
        "label": f"Indicator {indicator_id}",
        "short_name": f"Indicator {indicator_id}",
        "outcome": outcome,
        "programme": programme,
        "polarity": polarity,
        "benchmark": "ci_overlap",
        "value_type": "proportion",
        "unit": unit,
        "sex": "Persons",
        "age": "All ages",
        "period": period,
        "value": value,
        "england_value": england,
        "compared_95": compared,
        "compared_998": compared_998,
        "recent_trend": trend,
        "count": count,
        "status": "ok",
        "rank": rank,
        "districts_n": n,
        "goal": np.nan,
        "compared_to": "England",
    }


HEADLINE = pd.DataFrame(
    [
        _row(1, "reduce adult smoking", 20.0, 12.0, "Worse", rank=12),  # the worst of 12 districts
        _row(
            2,
            "reduce childhood obesity",
            25.0,
            22.0,
            "Worse",
            "Worse",
            "Increasing and getting worse",
            rank=8,
        ),
        _row(
            3,
            "reduce emergency admissions",
            10.0,
            10.0,
            "Similar",
            count=5000,
            programme="Ageing Well",
        ),
        _row(4, "reduce childhood obesity", 12.0, 10.0, "Worse", rank=10),
        _row(
            5, "reduce child poverty", 14.3, 15.6, "Better", count=90000, rank=1
        ),  # Ribble Valley's old priority 1
        _row(
            6,
            "reduce alcohol harm",
            30.0,
            28.0,
            "Similar",
            trend="Increasing and getting worse",
            rank=9,
        ),
    ]
)


def test_only_significantly_worse_are_candidates_and_getting_worse_is_a_separate_list():
    ranked = rank_priorities(HEADLINE, WEIGHTS, recommend=3)
    assert list(ranked["list"]) == [WORSE_LIST, WORSE_LIST, WORSENING_LIST]
    assert "reduce child poverty" not in set(
        ranked["outcome"]
    )  # better than England: never a candidate
    assert "reduce emergency admissions" not in set(ranked["outcome"])  # similar and steady
    recommended = ranked[ranked["recommended"]]
    assert set(recommended["list"]) == {WORSE_LIST}
    top = ranked.iloc[0]
    # worse at 99.8% (1 x 3) + getting worse (1 x 2) + 8th of 12 (7/11 x 2) + Living Well (0.5)
    assert top["indicator_id"] == 2 and top["score"] == pytest.approx(3 + 2 + 2 * 7 / 11 + 0.5)
    assert (
        "25.0% against 22.0%" in top["reason"] and "also evidenced by Indicator 4" in top["reason"]
    )
    assert "ranked 8 of 12 districts" in top["reason"] and "no count is published" in top["reason"]
    assert set(COMPONENTS) <= set(ranked.columns)


def test_nothing_significantly_worse_recommends_from_the_getting_worse_list():
    similar = HEADLINE[HEADLINE["compared_95"] != "Worse"]
    ranked = rank_priorities(similar, WEIGHTS)
    assert list(ranked["list"]) == [WORSENING_LIST] and ranked["recommended"].tolist() == [True]


def test_at_least_one_recommendation_even_when_nothing_is_worse_or_worsening():
    calm = HEADLINE.assign(compared_95="Similar", recent_trend="No significant change")
    ranked = rank_priorities(calm, WEIGHTS)
    assert ranked["recommended"].sum() == 1 and ranked.iloc[0]["list"] == WATCH_LIST
    assert ranked.iloc[0]["indicator_id"] == 1  # ranked lowest among the districts
    assert "not significantly worse" in ranked.iloc[0]["reason"]


def test_nested_outcomes_are_merged():
    rows = pd.DataFrame(
        [
            _row(
                93721,
                "reduce premature mortality",
                186.0,
                140.0,
                "Worse",
                rank=11,
                unit="per 100,000",
            ),
            _row(
                93722,
                "reduce premature mortality from cardiovascular disease",
                51.5,
                30.0,
                "Worse",
                "Worse",
                rank=12,
                unit="per 100,000",
            ),
            _row(
                93723,
                "reduce premature mortality from cancer",
                70.4,
                55.0,
                "Worse",
                rank=10,
                unit="per 100,000",
            ),
        ]
    )
    ranked = rank_priorities(rows, WEIGHTS)
    assert len(ranked) == 1 and ranked.iloc[0]["outcome"] == "reduce premature mortality"
    assert ranked.iloc[0]["indicator_id"] == 93722  # the strongest part leads
    assert "also evidenced by Indicator 93721 and Indicator 93723" in ranked.iloc[0]["reason"]


def test_excess_events_worked_examples():
    # 492 deaths in 2021 - 23 at 186.3 per 100,000 against England's 140.0: expected 492 x 140 / 186.3 = 369.7,
    # excess 122.3 over three years = 40.8 a year
    deaths = pd.Series(
        {
            **_row(93721, "x", 186.3, 140.0, "Worse", count=492, period="2021 - 23"),
            "value_type": "dsr",
        }
    )
    assert excess_events(deaths) == pytest.approx((492 - 492 * 140 / 186.3) / 3)
    # a proportion: 4,311 of 18,410 children (23.4%) against 15.6%: excess = 4311 - 18410 x 0.156 (no "a year")
    value = 100 * 4311 / 18410
    poverty = pd.Series(_row(93701, "x", value, 15.6, "Worse", count=4311))
    assert excess_events(poverty) == pytest.approx(4311 - 18410 * 0.156)
    # high is good, judged against a goal: 780 of 1,238 diagnosed (63.0%) against 66.7%: unmet = 1238 x 0.667 - 780
    dementia = pd.Series(
        {
            **_row(92949, "x", 100 * 780 / 1238, 62.0, "Worse", count=780, polarity="high_is_good"),
            "goal": 66.7,
            "compared_to": "goal",
        }
    )
    assert excess_events(dementia) == pytest.approx(1238 * 0.667 - 780)
    assert (
        excess_events(pd.Series(_row(1, "x", 10.0, 12.0, "Better", count=50))) == 0.0
    )  # no harm, no excess
    assert np.isnan(
        excess_events(pd.Series(_row(1, "x", 20.0, 12.0, "Worse")))
    )  # no count published


def test_people_score_is_a_percentile_rank_of_excess_events_among_districts():
    row = pd.Series(
        {**_row(20401, "x", 30.0, 20.0, "Worse", count=30, unit="per 1,000"), "excess": 10.0}
    )
    peers = pd.DataFrame(
        {
            "indicator_id": 20401,
            "sex": "Persons",
            "age": "All ages",
            "period": "2023",
            "value": [30.0, 10.0, 25.0, 40.0],
            "count": [30, 10, 50, 20],
        }
    )
    # excess: 10, 0 (better than England), 10 (50 - 50 x 20/25), 10 (20 - 20 x 20/40): none below ours but one
    assert excess_percentile(row, peers) == pytest.approx(1 / 3)
    assert np.isnan(excess_percentile(row, None))


def test_sensitivity_view_says_whether_the_top_three_change():
    view = sensitivity(HEADLINE, WEIGHTS)
    assert view.iloc[0]["Same top three?"] == "yes"
    assert len(view) == 5 and set(view["Same top three?"]) <= {
        "yes",
        "no",
        "same outcomes, different order",
    }
    assert view["Top"].str.startswith("Reduce").all()


def test_counts_are_named_for_what_they_are():
    assert about(164) == "160" and about(48.4) == "48" and about(1437) == "1,400"
    assert (
        count_phrase(492, 93721, "2021 - 23")
        == "about 160 preventable deaths under 75 a year (2021 - 23)"
    )
    assert (
        count_phrase(4311, 93701, "2023/24")
        == "about 4,300 children in absolute low-income families (2023/24)"
    )


# --------------------------------------------------------------------------- the watch item's wording
def test_the_watch_item_keeps_its_list_place_apart_from_the_districts_rank():
    """Its place in the list (rank 1) is not its rank among the districts, and a mid-table
    indicator is not called the one "ranked lowest"."""
    calm = HEADLINE.assign(
        compared_95="Similar", recent_trend="No significant change", rank=[7, 2, 3, 4, 1, 5]
    )
    watch = rank_priorities(calm, WEIGHTS).iloc[0]
    assert watch["list"] == WATCH_LIST and watch["rank"] == 1
    assert watch["district_rank"] == 7 and watch["districts_n"] == 12
    assert "ranked 7 of 12 districts (1 = best; worse than 55% of them)" in watch["reason"]
    assert "ranked 1 of" not in watch["reason"] and "lowest" not in watch["reason"]
    assert "in the lower half, not the bottom" in watch["reason"]
    bottom = rank_priorities(HEADLINE.assign(compared_95="Similar", recent_trend=""), WEIGHTS)
    assert "in the bottom quarter" in bottom.iloc[0]["reason"]  # 12 of 12


def test_a_candidates_reason_gives_the_districts_rank_not_its_place_in_the_list():
    ranked = rank_priorities(HEADLINE, WEIGHTS)
    for _, r in ranked.iterrows():
        assert f"ranked {int(r['district_rank'])} of 12 districts" in r["reason"]
    assert list(ranked["rank"]) == [1, 2, 3]


def test_nothing_worse_or_worsening_is_said_in_one_grammatical_sentence():
    import dataclasses

    import hwb.pages as hp
    from hwb import params
    from hwb.model.headline import current
    from hwb.model.priorities import peer_rows, sensitivity

    pack = hp.load_pack(params.load_district("pendle").to_notebook())
    headline = pack.headline.assign(compared_95="Similar", recent_trend="No significant change")
    weights = pack.params.priority_weights
    peers = peer_rows(pack.frame, pack.code)
    tables = {
        **pack.model.tables,
        "priorities": rank_priorities(current(headline), weights, peers=peers),
        "sensitivity": sensitivity(current(headline), weights, peers=peers),
    }
    calm = dataclasses.replace(
        pack, headline=headline, model=dataclasses.replace(pack.model, tables=tables), memo={}
    )
    text = hp.priorities(calm).text
    assert "so and" not in text and "ranked lowest" not in text
    assert (
        "No indicator is significantly worse than England for Pendle and none is getting worse, "
        "so the indicator on which Pendle ranks least well among the districts is offered to watch"
    ) in text


# --------------------------------------------------------------------------- member districts
def _combined_and_member():
    from hwb.model.priorities import Member

    combined = HEADLINE.copy()
    combined.loc[combined["indicator_id"] == 3, "status"] = "no combined figure"
    member = HEADLINE.assign(
        compared_95=["Worse", "Similar", "Worse", "Similar", "Better", "Worse"],
        compared_998="Not compared",
        recent_trend="",
        rank=[12, 2, 11, 4, 1, 10],
    )
    return combined, [Member("Wyre", member)]


def test_a_member_districts_worse_findings_are_candidates_labelled_with_the_district():
    combined, members = _combined_and_member()
    ranked = rank_priorities(combined, WEIGHTS, recommend=5, members=members)
    wyre = ranked[ranked["district"] == "Wyre"]
    # 3: no combined figure; 6: the combined area is only similar (getting worse); 1: the
    # combined area is itself worse, so the combined candidate stands and Wyre's is not added
    assert set(wyre["indicator_id"]) == {3, 6}
    assert set(ranked.loc[ranked["district"] == "", "indicator_id"]) == {1, 2}
    assert set(wyre["list"]) == {WORSE_LIST}  # on list 1, ranked with list 1
    three = wyre[wyre["indicator_id"] == 3].iloc[0]
    assert three["reason"].startswith("Indicator 3 in Wyre is 10.0% against 10.0% for England")
    assert "a finding for Wyre alone: the combined area has no figure for it" in three["reason"]
    assert "ranked 11 of 12 districts" in three["reason"]  # Wyre's own rank among districts
    six = wyre[wyre["indicator_id"] == 6].iloc[0]
    assert "the combined area is similar to England" in six["reason"]
    from hwb.model.priorities import labelled, titled

    assert titled(six) == "Reduce alcohol harm in Wyre"
    assert labelled(six) == "Indicator 6 in Wyre"
    # the member's finding outranks the combined area's similar-but-worsening row for the same outcome
    assert WORSENING_LIST not in set(ranked["list"])
    view = sensitivity(combined, WEIGHTS, members=members)
    assert "in Wyre" in view["Top"].iloc[0]


def test_member_findings_count_as_significantly_worse_for_the_recommendation():
    calm = HEADLINE.assign(compared_95="Similar", recent_trend="No significant change")
    _, members = _combined_and_member()
    ranked = rank_priorities(calm, WEIGHTS, members=members)
    assert WATCH_LIST not in set(ranked["list"]) and set(ranked["district"]) == {"Wyre"}
    assert ranked["recommended"].any()


def test_without_members_the_long_list_is_unchanged():
    plain = rank_priorities(HEADLINE, WEIGHTS)
    assert rank_priorities(HEADLINE, WEIGHTS, members=()).equals(plain)
    assert (plain["district"] == "").all()
