"""One rule for which recent-trend test an indicator gets (hwb.stats.trend.trend_kind)."""

from __future__ import annotations

import pandas as pd

from hwb.stats.trend import recent_trend, trend_kind


def test_proportions_and_crude_rates_get_the_chi_squared_test_and_the_rest_the_regression():
    assert trend_kind("proportion") == "proportion"
    assert trend_kind("crude_rate") == "rate"
    for other in ("dsr", "life_expectancy", "score", "count", ""):
        assert trend_kind(other) == "other"


def test_the_what_changed_page_judges_a_dsr_trend_as_the_packs_do():
    """A directly standardised rate's trend comes from the weighted regression on its limits,
    in the pack (hwb.model.headline) and on the What changed page (hwb.publish.changes)."""
    from hwb.publish import changes

    rows = pd.DataFrame(
        {
            "indicator_id": 1,
            "area_code": "E07000117",
            "sex": "Persons",
            "age": "All ages",
            "period_sortable": [20190000 + 10000 * i for i in range(5)],
            "value": [100.0, 110.0, 120.0, 130.0, 140.0],
            "lower_95": [95.0, 105.0, 115.0, 125.0, 135.0],
            "upper_95": [105.0, 115.0, 125.0, 135.0, 145.0],
            "count": [100.0, 110.0, 120.0, 130.0, 140.0],
            "denominator": [1e5] * 5,
            "recent_trend": "",
        }
    )
    catalogue = pd.DataFrame(
        {"value_type": ["dsr"], "polarity": ["low_is_good"]}, index=pd.Index([1])
    )
    label = changes._trend_labels(rows, catalogue).iloc[0]
    expected = recent_trend(rows, value_type="other", polarity="low_is_good")
    assert label == expected["recent_trend"].iloc[0]
    assert expected["method"].iloc[0] != recent_trend(rows, value_type="rate")["method"].iloc[0]
