"""Catalogue judgements on the headline table: goals instead of England, SII never compared."""

from __future__ import annotations

import pandas as pd

from hwb.data.catalogue import load_catalogue
from hwb.model.judgements import catalogue_judgements


def _row(indicator_id, value, compared, benchmark="ci_overlap", polarity="high_is_good", trend=""):
    return {
        "indicator_id": indicator_id,
        "value": value,
        "compared_95": compared,
        "compared_998": compared,
        "benchmark": benchmark,
        "polarity": polarity,
        "recent_trend": trend,
        "status": "ok",
    }


def test_dementia_diagnosis_is_judged_against_the_ambition_and_sii_is_not_compared():
    table = pd.DataFrame(
        [
            _row(
                92949, 64.0, "Similar", trend="Decreasing and getting worse"
            ),  # similar to England, below 66.7%
            _row(92949, 70.0, "Worse"),  # worse than England but meets the ambition
            _row(
                92901, 9.7, "Worse", benchmark="none", polarity="low_is_good"
            ),  # published "Worse" ignored
            _row(90366, 75.5, "Worse"),
        ]
    )
    out = catalogue_judgements(table, load_catalogue())
    assert list(out["compared_95"]) == ["Worse", "Better", "Not compared", "Worse"]
    assert list(out["compared_to"]) == ["goal", "goal", "", "England"]
    assert list(out["compared_england_95"]) == ["Similar", "Worse", "Not compared", "Worse"]
    assert out.loc[0, "goal"] == 66.7 and pd.isna(out.loc[3, "goal"])
    assert list(out["red_red"]) == [True, False, False, False]  # below the goal and getting worse
