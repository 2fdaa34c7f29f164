"""hwb.stats intervals: published worked examples, properties, PHStatsMethods agreement, real Fingertips limits."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hwb.errors import StatsInputError
from hwb.stats import (
    crude_rate,
    dsr,
    esp2013,
    funnel_limits,
    isr,
    isratio,
    poisson_limits,
    proportion,
)
from hwb.stats.intervals import FEW_EVENTS_FOR_DSRS


def one(count, denominator, **kw):
    return pd.DataFrame({"count": [count], "denominator": [denominator]}), kw


# --- published worked examples ------------------------------------------------------------


def test_wilson_worked_example_newcombe_altman():
    # Newcombe RG & Altman DG, "Proportions and their differences", in Altman et al. (eds)
    # Statistics with Confidence, 2nd edn (BMJ Books 2000), p.46-47: 81 of 263 -> 0.308 (0.2553 to 0.3662).
    out = proportion(pd.DataFrame({"count": [81], "denominator": [263]}), multiplier=1)
    assert out.loc[0, "value"] == pytest.approx(0.308, abs=5e-4)
    assert out.loc[0, "lower_95"] == pytest.approx(0.2553, abs=5e-5)
    assert out.loc[0, "upper_95"] == pytest.approx(0.3662, abs=5e-5)
    assert out.loc[0, "method"] == "Wilson"


@pytest.mark.parametrize(
    ("count", "lower", "upper"),
    # Exact Poisson 95% limits as tabulated in Armitage & Berry, Statistical Methods in Medical
    # Research (Table A7 / standard Poisson tables): 0 -> (0, 3.689), 1 -> (0.0253, 5.572), 5 -> (1.624, 11.668)
    [(0, 0.0, 3.689), (1, 0.0253, 5.572), (5, 1.624, 11.668)],
)
def test_exact_poisson_below_ten_matches_published_table(count, lower, upper):
    out = crude_rate(pd.DataFrame({"count": [count], "denominator": [1]}), multiplier=1)
    assert out.loc[0, "lower_95"] == pytest.approx(lower, abs=1e-3)
    assert out.loc[0, "upper_95"] == pytest.approx(upper, abs=1e-3)
    assert out.loc[0, "method"] == "Exact Poisson"


def test_byars_worked_by_hand_for_ten_events():
    # Byar's approximation (Breslow & Day 1987): L = O(1 - 1/(9O) - z/(3 sqrt O))^3,
    # U = (O+1)(1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3; O = 10, z = 1.95996
    z = 1.959963984540054
    lo = 10 * (1 - 1 / 90 - z / (3 * np.sqrt(10))) ** 3
    up = 11 * (1 - 1 / 99 + z / (3 * np.sqrt(11))) ** 3
    out = crude_rate(pd.DataFrame({"count": [10], "denominator": [1000]}), multiplier=1000)
    assert out.loc[0, "lower_95"] == pytest.approx(lo, rel=1e-9)
    assert out.loc[0, "upper_95"] == pytest.approx(up, rel=1e-9)
    assert out.loc[0, "method"] == "Byar's"
    assert round(lo, 2) == 4.79 and round(up, 2) == 18.39


def test_zero_count_rate_does_not_crash_and_gives_exact_upper():
    out = crude_rate(
        pd.DataFrame({"count": [0, 12], "denominator": [2000, 2000]}), confidence=(0.95, 0.998)
    )
    assert out.loc[0, "lower_95"] == 0
    assert out.loc[0, "upper_95"] == pytest.approx(3.689 / 2000 * 100_000, rel=1e-3)
    assert out.loc[0, "upper_998"] > out.loc[0, "upper_95"]


def test_dsr_matches_dobson_formula_and_blanks_below_ten_events():
    esp = esp2013()
    rng = np.random.default_rng(3)
    counts = rng.integers(5, 60, 19).astype(float)
    pops = rng.integers(2000, 9000, 19).astype(float)
    df = pd.DataFrame({"area": "A", "age": esp["band"], "count": counts, "denominator": pops})
    out = dsr(df, group_cols="area", confidence=(0.95, 0.998))
    w = esp["esp2013"].to_numpy(float)
    value = (counts / pops * w).sum() / w.sum() * 100_000
    var = (counts * (w / pops) ** 2).sum() / w.sum() ** 2
    o = counts.sum()
    z = 1.959963984540054
    o_lo = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    lower = value + np.sqrt(var / o) * (o_lo - o) * 100_000
    assert out.loc[0, "value"] == pytest.approx(value, rel=1e-12)
    assert out.loc[0, "lower_95"] == pytest.approx(lower, rel=1e-9)
    assert (
        out.loc[0, "lower_998"]
        < out.loc[0, "lower_95"]
        < value
        < out.loc[0, "upper_95"]
        < out.loc[0, "upper_998"]
    )
    small = df.assign(count=0.0)
    small.loc[0, "count"] = 3
    blank = dsr(small)
    assert np.isnan(blank.loc[0, "value"]) and np.isnan(blank.loc[0, "lower_95"])


def test_dsr_refuses_mismatched_age_bands():
    esp = esp2013()
    df = pd.DataFrame({"age": esp["band"], "count": 10.0, "denominator": 1000.0}).iloc[:-1]
    with pytest.raises(StatsInputError, match=r"missing starts \[90\]"):
        dsr(df)
    extra = pd.concat(
        [
            pd.DataFrame({"age": esp["band"], "count": 10.0, "denominator": 1000.0}),
            pd.DataFrame({"age": ["1-4"], "count": [1.0], "denominator": [10.0]}),
        ]
    )
    with pytest.raises(StatsInputError, match="unexpected"):
        dsr(extra)


def test_indirect_standardisation_zero_observed_and_ratio():
    df = pd.DataFrame(
        {
            "area": ["A"] * 3 + ["B"] * 3,
            "count": [5.0, 10, 20, 0, 0, 0],
            "denominator": [1000.0, 800, 500] * 2,
            "ref_count": [50.0, 100, 300] * 2,
            "ref_denominator": [10000.0, 8000, 5000] * 2,
        }
    )
    ratio = isratio(df, group_cols="area")
    expected_a = 5 + 10 + 30
    assert ratio.loc[0, "expected"] == pytest.approx(expected_a)
    assert ratio.loc[0, "value"] == pytest.approx(35 / expected_a * 100)
    assert ratio.loc[1, "observed"] == 0 and ratio.loc[1, "value"] == 0
    assert ratio.loc[1, "upper_95"] == pytest.approx(3.689 / expected_a * 100, rel=1e-3)
    rate = isr(df, group_cols="area")
    ref_rate = 450 / 23000 * 100_000
    assert rate.loc[0, "value"] == pytest.approx(35 / expected_a * ref_rate)
    assert rate.loc[1, "upper_95"] == pytest.approx(3.689 / expected_a * ref_rate, rel=1e-3)


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "kwargs", "match"),
    [
        (pd.DataFrame({"count": [-1], "denominator": [10]}), {}, "negative"),
        (pd.DataFrame({"count": [11], "denominator": [10]}), {}, "larger than denominator"),
        (pd.DataFrame({"count": [1], "denominator": [10]}), {"confidence": 85}, "outside 0.9-1"),
        (pd.DataFrame({"count": [1], "denominator": [10]}), {"confidence": 0.8}, "outside 0.9-1"),
        (pd.DataFrame({"count": [1], "denominator": [0]}), {}, "greater than zero"),
        (pd.DataFrame({"n": [1], "denominator": [10]}), {}, r"column\(s\) \['count'\] not found"),
    ],
)
def test_proportion_refuses_bad_input_with_named_column(frame, kwargs, match):
    with pytest.raises(StatsInputError, match=match):
        proportion(frame, **kwargs)


# --- properties ---------------------------------------------------------------------------

counts_and_denoms = st.integers(min_value=1, max_value=100_000).flatmap(
    lambda d: st.tuples(st.integers(min_value=0, max_value=d), st.just(d))
)


@settings(max_examples=60, deadline=None)
@given(counts_and_denoms)
def test_proportion_limits_order_and_width(cd):
    count, denom = cd
    out = proportion(
        pd.DataFrame({"count": [count], "denominator": [denom]}), confidence=(0.95, 0.998)
    )
    r = out.iloc[0]
    assert r.lower_998 <= r.lower_95 <= r.value + 1e-7
    assert r.value - 1e-7 <= r.upper_95 <= r.upper_998 + 1e-7
    assert -1e-7 <= r.lower_998 and r.upper_998 <= 100 + 1e-7


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=50_000), st.integers(min_value=1, max_value=10_000_000))
def test_rate_limits_order_width_and_monotone_in_count(count, denom):
    out = crude_rate(
        pd.DataFrame({"count": [count, count + 1], "denominator": [denom, denom]}),
        confidence=(0.95, 0.998),
    )
    r = out.iloc[0]
    assert r.lower_998 <= r.lower_95 <= r.value <= r.upper_95 <= r.upper_998
    nxt = out.iloc[1]
    assert nxt.lower_95 >= r.lower_95 and nxt.upper_95 >= r.upper_95


def test_grouped_proportion_agrees_with_phstatsmethods():
    import PHStatsMethods as phs

    df = pd.DataFrame(
        {"area": ["a", "a", "b", "b"], "count": [3, 40, 7, 9], "denominator": [50, 90, 60, 70]}
    )
    ours = proportion(df, group_cols="area", confidence=(0.95, 0.998))
    theirs = phs.ph_proportion(
        df, "count", "denominator", "area", confidence=[0.95, 0.998], multiplier=100
    )
    np.testing.assert_allclose(ours["lower_95"], theirs["lower_95_ci"], rtol=1e-12)
    np.testing.assert_allclose(ours["upper_998"], theirs["upper_99_8_ci"], rtol=1e-12)
    lo, up = poisson_limits([0, 4, 25])
    assert lo[0] == 0 and up[1] == pytest.approx(phs.exact_upper(4), rel=1e-12)
    assert up[2] == pytest.approx(phs.byars_upper(25), rel=1e-12)


# --- real data: recompute the published 95% limits ------------------------------------------

CRUDE_RATES = (20401, 41203, 92266)
PROPORTIONS = (241, 30302, 91040, 91894, 93085, 93474)


def _multiplier(rows: pd.DataFrame) -> int:
    ratio = (rows["Value"] / (rows["Count"] / rows["Denominator"])).median()
    return int(10 ** round(np.log10(ratio)))


@pytest.mark.parametrize("indicator", CRUDE_RATES + PROPORTIONS)
def test_real_extract_published_limits_reproduced(real_extract, indicator):
    raw = pd.read_csv(real_extract)
    rows = raw[raw["Indicator ID"] == indicator].dropna(
        subset=["Count", "Denominator", "Lower CI 95.0 limit", "Upper CI 95.0 limit"]
    )
    assert len(rows) > 0, f"no rows with count, denominator and limits for {indicator}"
    frame = rows.rename(columns={"Count": "count", "Denominator": "denominator"})
    mult = _multiplier(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        func = crude_rate if indicator in CRUDE_RATES else proportion
        out = func(frame, multiplier=mult)
    for ours, theirs in (("lower_95", "Lower CI 95.0 limit"), ("upper_95", "Upper CI 95.0 limit")):
        published = rows[theirs].to_numpy()
        mine = out[ours].to_numpy()
        zero = published == 0
        rel = np.abs(mine - published) / np.where(
            zero, 1.0, np.abs(published)
        )  # a published 0 must be ~0
        worst = int(np.argmax(rel))
        assert rel.max() < 1e-3, (
            indicator,
            ours,
            rows.iloc[worst][["Area Code", "Time period", "Count"]].to_dict(),
        )


def test_funnel_wrappers_flag_outliers_against_the_pooled_average():
    from hwb.stats import funnel_limits, funnel_significance

    df = pd.DataFrame({"count": [10, 50, 30, 5, 80], "denominator": [100, 400, 200, 80, 300]})
    limits = funnel_limits(df)
    pooled = df["count"].sum() / df["denominator"].sum() * 100
    assert len(limits) == 100 and limits["baseline"].iloc[0] == pytest.approx(pooled)
    assert (limits["lower_3s_limit"] <= limits["lower_2s_limit"]).all()
    assert (limits["upper_2s_limit"] <= limits["upper_3s_limit"]).all()
    flags = funnel_significance(df)["significance"].tolist()
    assert flags[4] == "High (0.001)" and flags[0] == "Not significant"
    with pytest.raises(StatsInputError, match="present on every row"):
        funnel_significance(df.assign(count=[1, None, 3, 4, 5]))


# --- reference (PHEindicatormethods) behaviour where inputs are odd -------------------------


def test_confidence_as_percentages_is_accepted_as_in_phe_indicator_methods():
    frame = pd.DataFrame({"count": [30], "denominator": [100]})
    fractions = proportion(frame, confidence=(0.95, 0.998))
    percentages = proportion(frame, confidence=(95, 99.8))
    pd.testing.assert_frame_equal(fractions, percentages)
    assert list(proportion(frame, confidence=95).columns).count("lower_95") == 1


@pytest.mark.parametrize(
    ("confidence", "match"),
    [
        ((0.9, 0.95), r"several levels can only be 0\.95 and 0\.998 together"),
        ((0.95, 0.99), r"several levels can only be 0\.95 and 0\.998"),
        ((0.95, 0.998, 0.99), r"several levels can only be 0\.95 and 0\.998"),
        ("0.95", r"confidence '0\.95' is text, not a number; pass 0\.95 or 0\.998"),
        (("0.95",), r"confidence '0\.95' is text"),
        (None, r"confidence None is not a number"),
        (True, r"confidence True is not a number"),
    ],
)
def test_other_confidence_inputs_are_refused_clearly(confidence, match):
    with pytest.raises(StatsInputError, match=match):
        proportion(pd.DataFrame({"count": [3], "denominator": [10]}), confidence=confidence)


def test_wilson_at_confidence_one_returns_zero_and_the_multiplier():
    out = proportion(pd.DataFrame({"count": [3, 0, 10], "denominator": [10, 5, 10]}), confidence=1)
    assert out["lower_100"].tolist() == [0.0, 0.0, 0.0]
    assert out["upper_100"].tolist() == [100.0, 100.0, 100.0]
    assert out["value"].tolist() == [30.0, 0.0, 100.0]


@pytest.mark.parametrize("multiplier", ["1000", None, True, -100, 0, 12.5, float("nan")])
def test_a_multiplier_that_is_not_a_positive_whole_number_is_a_stats_input_error(multiplier):
    frame = pd.DataFrame({"count": [3], "denominator": [10]})
    for func in (proportion, crude_rate):
        with pytest.raises(StatsInputError, match=rf"{func.__name__}: multiplier"):
            func(frame, multiplier=multiplier)


def test_dsr_with_every_population_missing_is_an_error_naming_the_group():
    esp = esp2013()
    good = pd.DataFrame({"age": esp["band"], "count": 20.0, "denominator": 1000.0, "area": "A"})
    bad = good.assign(area="B", denominator=np.nan)
    with pytest.raises(
        StatsInputError,
        match=r"every population in 'denominator' for group \{'area': 'B'\} is missing",
    ):
        dsr(pd.concat([good, bad]), group_cols="area")
    assert len(dsr(good, group_cols="area")) == 1


def test_indirect_standardisation_refuses_a_group_lacking_bands_and_allows_zero_population():
    df = pd.DataFrame(
        {
            "area": ["A"] * 3 + ["B"] * 3,
            "count": [5.0, 10, 20, 4, 0, 6],
            "denominator": [1000.0, 800, 500, 1000, 0, 500],
            "ref_count": [50.0, 100, 300] * 2,
            "ref_denominator": [10000.0, 8000, 5000] * 2,
        }
    )
    rate = isr(df, group_cols="area")  # B's empty middle band is allowed: it expects nothing
    assert rate.loc[1, "expected"] == pytest.approx(5 + 30)
    for func in (isr, isratio):
        with pytest.raises(
            StatsInputError,
            match=r"every group needs the same 3 standardisation bands, but \{'area': 'B'\} has 2",
        ):
            func(df.drop(index=4), group_cols="area")


def test_a_ratio_funnel_needs_a_ratio_type():
    df = pd.DataFrame({"count": [10, 50, 30], "denominator": [12.0, 40, 35]})
    with pytest.raises(StatsInputError, match=r"statistic='ratio' needs ratio_type 'count'"):
        funnel_limits(df, statistic="ratio")
    assert len(funnel_limits(df, statistic="ratio", ratio_type="isr")) == 100


def test_phstatsmethods_errors_surface_as_stats_input_errors():
    df = pd.DataFrame({"count": [3.0], "denominator": [10.0]})
    with pytest.raises(
        StatsInputError, match=r"crude_rate: PHStatsMethods\.ph_rate refused the input"
    ):
        crude_rate(df, confidence=1)  # PHStatsMethods refuses confidence 1 for Byar's limits


def test_funnel_significance_of_dsrs_matches_phe_indicator_methods_test_data():
    """PHEindicatormethods' testdata_funnel_rate_dsr_inputs.csv (testFunnels.R): every row's
    significance as assign_funnel_significance gives it, in its words."""
    from hwb.stats import funnel_significance

    reference = pd.read_csv(
        Path(__file__).parent
        / "fixtures"
        / "phe_indicator_methods"
        / "testdata_funnel_rate_dsr_inputs.csv"
    )
    cases = [
        ("rate_dsr", "dsr", 100_000, "dsr_per_100000_with_0"),
        ("rate_dsr", "dsr", 100, "dsr_per_100_with_0"),
        ("rate_crude_per_100000", "crude", 100_000, "crude_per_100000_with_0"),
        ("rate_crude_per_100", "crude", 100, "crude_per_100_with_0"),
    ]
    for rate, rate_type, multiplier, expected in cases:
        out = funnel_significance(
            reference[["count", rate, "pop"]],
            "count",
            "pop",
            "rate",
            rate_col=rate,
            rate_type=rate_type,
            multiplier=multiplier,
        )
        assert out["significance"].tolist() == reference[expected].tolist(), expected
    assert (reference["dsr_per_100_with_0"] == FEW_EVENTS_FOR_DSRS).sum() == 1
