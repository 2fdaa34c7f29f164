"""hwb.stats life_expectancy (Chiang II) and sii: published worked example, checks, properties."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from hwb.errors import StatsInputError
from hwb.stats import life_expectancy, sii

STARTS = [0, 1, *range(5, 95, 5)]
# The worked example of PHEindicatormethods phe_life_expectancy (its documentation example and
# tests/testthat/testLifeExpectancy.R, checked there to 4 decimal places), whose expected
# values come from the PHE Life Expectancy Calculator spreadsheet on the Fingertips technical-guidance page.
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
        sii(frame, value_type="rate", confidence=100.5)


# --- reference (PHEindicatormethods) behaviour where inputs are odd -------------------------


def test_life_expectancy_one_invalid_group_is_blank_with_a_note_and_the_rest_computed():
    good = example().assign(area="A")
    negative = example(deaths=[-1, *DEATHS[1:]]).assign(area="B")
    short = example().iloc[:-1].assign(area="C")  # no 90+ band
    out = life_expectancy(pd.concat([good, negative, short]), group_cols="area").set_index("area")
    assert out.loc["A", "value"] == pytest.approx(PUBLISHED[0][0], abs=1e-6)
    assert np.isnan(out.loc["B", "value"]) and out.loc["B", "note"] == "a band has negative deaths"
    assert np.isnan(out.loc["C", "value"]) and "missing [90]" in out.loc["C", "note"]
    assert np.isnan(out.loc["C", "lower_95"])


def sii_groups() -> pd.DataFrame:
    a = deciles([800, 700, 650, 600, 560, 520, 500, 480, 450, 400], half_width=30).assign(area="A")
    b = deciles([700, 690, 650, 640, 600, 580, 560, 540, 520, 500], half_width=30).assign(area="B")
    return pd.concat([a, b], ignore_index=True)


def test_sii_standard_errors_for_rates_and_proportions_are_on_the_log_and_logit_scales():
    frame = deciles([800, 700, 650, 600, 560, 520, 500, 480, 450, 400], half_width=30)
    z = 1.959963984540054
    log_se = (np.log(frame["upper_95"]) - np.log(frame["lower_95"])) / (2 * z)
    from_limits = sii(frame, value_type="rate")
    from_se = sii(frame.assign(se=log_se), value_type="rate", se_col="se")
    for col in ("sii", "lower_95", "upper_95"):
        assert from_se.loc[0, col] == pytest.approx(from_limits.loc[0, col], rel=1e-9)
    props = deciles([30, 28, 26, 25, 22, 20, 18, 15, 14, 12], half_width=2)
    logit = lambda p: np.log(p / (1 - p))
    logit_se = (logit(props["upper_95"] / 100) - logit(props["lower_95"] / 100)) / (2 * z)
    a = sii(props, value_type="proportion", multiplier=100)
    b = sii(props.assign(se=logit_se), value_type="proportion", multiplier=100, se_col="se")
    assert b.loc[0, "lower_95"] == pytest.approx(a.loc[0, "lower_95"], rel=1e-9)


def test_sii_drops_a_group_missing_a_quantile_with_a_warning():
    frame = sii_groups()
    both = sii(frame, group_cols="area", value_type="rate")
    missing = frame.drop(index=frame[(frame.area == "B") & (frame["quantile"] == 4)].index)
    with pytest.warns(
        UserWarning,
        match=r"left out 1 group\(s\) without every quantile: \{'area': 'B'\} \(quantile\(s\) \[4\] missing\)",
    ):
        out = sii(missing, group_cols="area", value_type="rate")
    assert out["area"].tolist() == ["A"]
    pd.testing.assert_frame_equal(out, both.iloc[[0]])
    blank = frame.assign(
        value=frame["value"].where(~((frame.area == "A") & (frame["quantile"] == 2)))
    )
    with pytest.warns(UserWarning, match=r"\{'area': 'A'\} \(missing 'value'\)"):
        assert sii(blank, group_cols="area", value_type="rate")["area"].tolist() == ["B"]
    with (
        pytest.warns(UserWarning),
        pytest.raises(StatsInputError, match="no group has every quantile"),
    ):
        sii(blank[blank.area == "A"], value_type="rate", group_cols="area")


def test_sii_proportion_limits_outside_zero_to_one_are_an_error():
    props = deciles([30, 28, 26, 25, 22, 20, 18, 15, 14, 12], half_width=2)
    with pytest.raises(StatsInputError, match=r"proportion limits must lie strictly inside 0-100"):
        sii(
            props.assign(upper_95=props["upper_95"].where(props["quantile"] != 3, 101)),
            value_type="proportion",
            multiplier=100,
        )
    with pytest.raises(StatsInputError, match=r"proportions must lie strictly between 0 and 1"):
        sii(props, value_type="proportion", multiplier=1)


def test_sii_negative_multiplier_flips_the_sign_and_inverts_the_rii():
    frame = deciles([800, 700, 650, 600, 560, 520, 500, 480, 450, 400], half_width=30)
    plus = sii(frame, value_type="rate", confidence=(0.95, 0.998))
    minus = sii(frame, value_type="rate", confidence=(0.95, 0.998), multiplier=-1)
    assert minus.loc[0, "sii"] == pytest.approx(-plus.loc[0, "sii"])
    for c in ("95", "998"):
        assert minus.loc[0, f"lower_{c}"] == pytest.approx(-plus.loc[0, f"upper_{c}"])
        assert minus.loc[0, f"upper_{c}"] == pytest.approx(-plus.loc[0, f"lower_{c}"])
        assert minus.loc[0, f"rii_lower_{c}"] == pytest.approx(1 / plus.loc[0, f"rii_upper_{c}"])
        assert minus.loc[0, f"rii_upper_{c}"] == pytest.approx(1 / plus.loc[0, f"rii_lower_{c}"])
    assert minus.loc[0, "rii"] == pytest.approx(1 / plus.loc[0, "rii"])
    with pytest.raises(StatsInputError, match="multiplier '1' is not a number"):
        sii(frame, value_type="rate", multiplier="1")


# PHEindicatormethods' own test data for phe_sii (tests/testthat/testdata_SII.xlsx, records
# 226-245: "default (e.g. life expectancy) - multiple CIs", confidence = c(95, 99)): quantile
# 1-10, population, value, standard error for two areas, and the SII with its 95% and 99%
# limits the reference gives (testSII.R: tolerance 0.05, the simulations' draws differ).
SII_REFERENCE = {
    "area1": (
        [7291, 7997, 6105, 7666, 5790, 6934, 5918, 5974, 7147, 7534],
        [
            75.933459,
            78.344238,
            83.836063,
            83.637540,
            80.465503,
            81.115676,
            81.693084,
            84.190006,
            80.595564,
            86.289435,
        ],
        [
            1.638472,
            1.578193,
            1.513436,
            1.775491,
            1.701339,
            1.564121,
            1.368115,
            1.400142,
            2.432846,
            1.566518,
        ],
        (6.934616, 3.127595, 10.758687, 1.924327, 11.992084),
    ),
    "area2": (
        [21675, 20065, 19750, 24713, 20112, 19618, 22408, 19752, 18939, 19312],
        [
            70.548532,
            71.571557,
            72.486987,
            73.519855,
            73.146054,
            76.158987,
            78.654449,
            80.564770,
            80.854866,
            79.971125,
        ],
        [
            0.229592,
            0.259807,
            0.299238,
            0.160751,
            0.791823,
            0.778320,
            0.399375,
            0.279396,
            0.229592,
            0.351754,
        ],
        (12.547847, 11.936156, 13.163020, 11.743648, 13.347204),
    ),
}


@pytest.mark.parametrize("confidence", [(0.95, 0.99), (95, 99)])
def test_sii_takes_any_confidence_levels_phe_sii_takes_and_matches_its_test_data(confidence):
    frame = pd.concat(
        pd.DataFrame(
            {"area": area, "quantile": range(1, 11), "population": pops, "value": values, "se": se}
        )
        for area, (pops, values, se, _) in SII_REFERENCE.items()
    )
    out = sii(
        frame, group_cols="area", value_type="life_expectancy", se_col="se", confidence=confidence
    ).set_index("area")
    for area, (*_, expected) in SII_REFERENCE.items():
        got = out.loc[area, ["sii", "lower_95", "upper_95", "lower_99", "upper_99"]]
        assert got.iloc[0] == pytest.approx(expected[0], rel=1e-6)
        # testthat's tolerance: the mean absolute difference over the mean absolute value
        limits, wanted = np.array(got.tolist()[1:]), np.array(expected[1:])
        assert np.abs(limits - wanted).mean() / np.abs(wanted).mean() < 0.05
    one = sii(
        frame[frame.area == "area1"], value_type="life_expectancy", se_col="se", confidence=0.99
    )
    assert list(one.columns[1:3]) == ["lower_99", "upper_99"]
    with pytest.raises(StatsInputError, match=r"confidence 0\.8 is outside 0\.9-1"):
        sii(
            frame,
            group_cols="area",
            value_type="life_expectancy",
            se_col="se",
            confidence=(0.95, 0.8),
        )


def test_sii_proportion_limits_outside_zero_to_one_on_either_side_are_an_error():
    """phe_sii's own error case (testdata_SII records 176-180): a lower limit of 8 for a
    proportion of 0.087, with the upper limit inside 0-1."""
    props = deciles([30, 28, 26, 25, 22, 20, 18, 15, 14, 12], half_width=2)
    for column, value in (("lower_95", 800), ("upper_95", -1), ("lower_95", 100)):
        broken = props.assign(**{column: props[column].where(props["quantile"] != 7, value)})
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no NaN limits with a numpy warning
            with pytest.raises(
                StatsInputError, match=r"proportion limits must lie strictly inside 0-100"
            ):
                sii(broken, value_type="proportion", multiplier=100)


def test_sii_rate_limits_must_be_above_zero():
    frame = deciles([800, 700, 650, 600, 560, 520, 500, 480, 450, 400], half_width=30)
    broken = frame.assign(upper_95=frame["upper_95"].where(frame["quantile"] != 2, -5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(StatsInputError, match=r"rates must be above 0 \(with limits above 0\)"):
            sii(broken, value_type="rate")
