"""hwb.stats life_expectancy (Chiang II) and sii: published worked example, checks, properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb.errors import StatsInputError
from hwb.stats import life_expectancy, sii

STARTS = [0, 1, *range(5, 95, 5)]
# The worked example of PHEindicatormethods phe_life_expectancy (its documentation example and
# tests/testthat/testLifeExpectancy.R, checked there to 4 decimal places), whose expected values come from the PHE Life Expectancy
# Calculator spreadsheet on the Fingertips technical-guidance page.
POPS = [
    7060,
    35059,
    46974,
    48489,
    43219,
    38561,
    46009,
    57208,
    61435,
    55601,
    50209,
    56416,
    46411,
    39820,
    37978,
    37039,
    33288,
    23306,
    11936,
    11936,
]
DEATHS = [17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536, 872, 1390, 1605, 1936, 1937]
PUBLISHED = {  # start age: (value, lower 95%, upper 95%)
    0: (80.16960813, 79.88268548, 80.45653078),
    5: (75.44193645, 75.17407307, 75.70979983),
    25: (55.78835987, 55.53801579, 56.03870395),
    65: (18.76856852, 18.57570352, 18.96143352),
    90: (6.16210635, 5.887683386, 6.436529314),
}


def example(**kw) -> pd.DataFrame:
    return pd.DataFrame({"age": STARTS, "population": POPS, "deaths": DEATHS, **kw})


def test_life_expectancy_matches_phe_calculator_worked_example():
    out = life_expectancy(example(), le_age="all", confidence=0.95).set_index("age_start")
    for age, (value, lower, upper) in PUBLISHED.items():
        assert out.loc[age, "value"] == pytest.approx(value, abs=5e-5)
        assert out.loc[age, "lower_95"] == pytest.approx(lower, abs=5e-5)
        assert out.loc[age, "upper_95"] == pytest.approx(upper, abs=5e-5)
    assert out.loc[5, "population_used"] == 745835 and out.loc[5, "deaths_used"] == 9331


def test_life_expectancy_labels_grouping_order_and_998():
    labels = ["0", "1-4"] + [f"{s}-{s + 4}" for s in range(5, 90, 5)] + ["90+"]
    one = example(age=labels).iloc[::-1]  # unordered labels
    two = pd.concat(
        [one.assign(area="A"), example().assign(area="B", deaths=np.array(DEATHS) * 1.1)]
    )
    out = life_expectancy(two, group_cols="area", confidence=(0.95, 0.998))
    a = out[out.area == "A"].iloc[0]
    assert a.value == pytest.approx(PUBLISHED[0][0], abs=1e-6)
    assert a.lower_998 < a.lower_95 < a.value < a.upper_95 < a.upper_998
    assert out[out.area == "B"].iloc[0].value < a.value  # more deaths, shorter lives


def test_life_expectancy_refuses_wrong_bands_and_notes_unpublishable_data():
    with pytest.raises(StatsInputError, match="missing \\[90\\]"):
        life_expectancy(example().iloc[:-1])
    esp_like = example().iloc[1:].assign(age=list(range(0, 95, 5)))
    with pytest.raises(StatsInputError, match="20 life-table bands"):
        life_expectancy(esp_like)
    small = example(population=[p / 200 for p in POPS], deaths=[d / 200 for d in DEATHS])
    row = life_expectancy(small).iloc[0]
    assert np.isnan(row.value) and "5,000" in row.note
    no_old_deaths = example(deaths=DEATHS[:-1] + [0])
    assert "90+" in life_expectancy(no_old_deaths).iloc[0].note


# --- SII ----------------------------------------------------------------------------------


def deciles(values, pops=None, half_width=1.0) -> pd.DataFrame:
    pops = pops if pops is not None else [1000 + 100 * i for i in range(len(values))]
    v = np.asarray(values, float)
    return pd.DataFrame(
        {
            "quantile": range(1, len(v) + 1),
            "population": pops,
            "value": v,
            "lower_95": v - half_width,
            "upper_95": v + half_width,
        }
    )


def test_sii_exact_line_and_rii():
    pops = np.array([1000 + 100 * i for i in range(10)], float)
    a = pops / pops.sum()
    x = np.cumsum(a) - a / 2
    values = 70 + 12 * x  # exactly linear in relative rank
    out = sii(deciles(values, pops), value_type="life_expectancy")
    assert out.loc[0, "sii"] == pytest.approx(12, abs=1e-9)
    assert out.loc[0, "rii"] == pytest.approx(82 / 70, abs=1e-9)
    assert out.loc[0, "lower_95"] < 12 < out.loc[0, "upper_95"]


def test_sii_agrees_with_statsmodels_wls_and_is_seeded():
    import statsmodels.api as sm

    rng = np.random.default_rng(5)
    values = np.sort(rng.uniform(300, 900, 10))[::-1]
    frame = deciles(values, half_width=40)
    pops = frame["population"].to_numpy(float)
    a = pops / pops.sum()
    x = np.cumsum(a) - a / 2
    slope = sm.WLS(values, sm.add_constant(x), weights=a).fit().params[1]
    one = sii(frame, value_type="rate", confidence=(0.95, 0.998))
    assert one.loc[0, "sii"] == pytest.approx(slope, rel=1e-10)
    assert (
        one.loc[0, "lower_998"]
        < one.loc[0, "lower_95"]
        < slope
        < one.loc[0, "upper_95"]
        < one.loc[0, "upper_998"]
    )
    again = sii(frame, value_type="rate", confidence=(0.95, 0.998))
    pd.testing.assert_frame_equal(one, again)
    other = sii(frame, value_type="rate", seed=7)
    assert other.loc[0, "lower_95"] != one.loc[0, "lower_95"]


def test_sii_proportions_on_percent_scale_and_validation():
    frame = deciles([30, 28, 26, 25, 22, 20, 18, 15, 14, 12], half_width=2)
    out = sii(frame, value_type="proportion", multiplier=100)
    assert out.loc[0, "sii"] < 0 and out.loc[0, "upper_95"] < 0
    with pytest.raises(StatsInputError, match="at least 5"):
        sii(frame.head(4), value_type="proportion", multiplier=100)
    with pytest.raises(StatsInputError, match="population"):
        sii(frame.assign(population=0), value_type="rate")
    with pytest.raises(StatsInputError, match="outside 0.9-1"):
        sii(frame, value_type="rate", confidence=99.8)
