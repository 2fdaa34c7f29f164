"""The priorities ranking: weights from the parameters drive the order; reasons carry the numbers."""
from __future__ import annotations

import pandas as pd

from hwb.pack.priorities import COMPONENTS, rank_priorities


def _row(indicator_id, outcome, value, england, compared, compared_998="Not compared", trend="", count=None,
         programme="Living Well"):
    return {
        "indicator_id": indicator_id, "label": f"Indicator {indicator_id}", "short_name": f"Indicator {indicator_id}",
        "outcome": outcome, "programme": programme, "polarity": "low_is_good", "benchmark": "ci_overlap",
        "unit": "%", "sex": "Persons", "period": "2023", "value": value, "england_value": england,
        "compared_95": compared, "compared_998": compared_998, "recent_trend": trend, "count": count, "status": "ok",
    }


HEADLINE = pd.DataFrame([
    _row(1, "reduce adult smoking", 20.0, 12.0, "Worse", count=1000),  # big gap, 95% only
    _row(2, "reduce childhood obesity", 25.0, 22.0, "Worse", "Worse", "Increasing and getting worse", count=300),
    _row(3, "reduce emergency admissions", 10.0, 10.0, "Similar", count=5000, programme="Ageing Well"),
    _row(4, "reduce childhood obesity", 12.0, 10.0, "Worse", count=100),
])


def test_default_like_weights_put_significant_and_worsening_first():
    weights = {"significance": 3, "trend": 2, "gap": 2, "people": 1, "strategy_link": 1}
    ranked = rank_priorities(HEADLINE, weights, recommend=2)
    assert list(ranked["outcome"]) == ["reduce childhood obesity", "reduce adult smoking", "reduce emergency admissions"]
    assert list(ranked["recommended"]) == [True, True, False]
    top = ranked.iloc[0]
    assert top["indicator_id"] == 2  # the stronger of the two obesity indicators
    assert "25.0% against 22.0%" in top["reason"] and "also evidenced by Indicator 4" in top["reason"]
    assert set(COMPONENTS) <= set(ranked.columns)


def test_weights_change_the_order():
    only_people = {c: 0 for c in COMPONENTS} | {"people": 1}
    ranked = rank_priorities(HEADLINE, only_people, recommend=1)
    assert ranked.iloc[0]["outcome"] == "reduce emergency admissions"
    only_gap = {c: 0 for c in COMPONENTS} | {"gap": 1}
    assert rank_priorities(HEADLINE, only_gap).iloc[0]["outcome"] == "reduce adult smoking"


def test_at_least_one_recommendation_even_when_nothing_scores():
    similar = HEADLINE.assign(compared_95="Similar", value=HEADLINE["england_value"], count=None,
                              recent_trend="", programme="Wider determinants", outcome="something else")
    ranked = rank_priorities(similar, {c: 1 for c in COMPONENTS})
    assert ranked["recommended"].sum() == 1
