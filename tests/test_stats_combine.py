"""Combining two districts: summed counts through the same interval methods, or a plain reason."""

from __future__ import annotations

import html
import math
import re

import numpy as np
import pandas as pd
import pytest

from hwb.data.load import load_snapshot
from hwb.stats import combine_areas, why_not_combinable

CHORLEY, SOUTH_RIBBLE = "E07000118", "E07000126"
Z95 = 1.959963984540054


def _wilson(x: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval, written out by hand (Newcombe & Altman 2000), in per cent."""
    p = x / n
    centre, spread = 2 * x + z**2, z * math.sqrt(z**2 + 4 * x * (1 - p))
    return 100 * (centre - spread) / (2 * (n + z**2)), 100 * (centre + spread) / (2 * (n + z**2))


def _byar(x: float, n: float, multiplier: float, z: float = Z95) -> tuple[float, float]:
    """Byar's approximation to the Poisson limits, by hand (Breslow & Day 1987)."""
    lower = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    return lower / n * multiplier, upper / n * multiplier


def _latest_rows(indicator_id: int) -> pd.DataFrame:
    frame = load_snapshot()
    rows = frame[
        (frame["indicator_id"] == indicator_id)
        & (frame["category_type"] == "")
        & frame["area_code"].isin([CHORLEY, SOUTH_RIBBLE])
        & frame["count"].notna()
    ]
    latest = rows["period_sortable"].max()
    rows = rows[rows["period_sortable"] == latest]
    assert len(rows) == 2, "both districts need a count in the latest period"
    return rows


def test_chorley_and_south_ribble_proportion_equals_the_hand_computation():
    rows = _latest_rows(93085)  # smoking at time of delivery: Wilson
    x, n = rows["count"].sum(), rows["denominator"].sum()
    out = combine_areas(rows, [CHORLEY, SOUTH_RIBBLE], "proportion", "wilson", 100).iloc[0]
    assert out["reason"] == ""
    assert (out["count"], out["denominator"]) == (x, n)
    assert out["value"] == pytest.approx(100 * x / n)
    lower, upper = _wilson(x, n)
    assert out["lower_95"] == pytest.approx(lower, rel=1e-9)
    assert out["upper_95"] == pytest.approx(upper, rel=1e-9)
    lower998, upper998 = _wilson(x, n, z=3.090232306167813)
    assert out["lower_998"] == pytest.approx(lower998, rel=1e-6)
    assert out["upper_998"] == pytest.approx(upper998, rel=1e-6)


def test_chorley_and_south_ribble_crude_rate_equals_the_hand_computation():
    rows = _latest_rows(20401)  # under-18 conceptions per 1,000: Byar's
    x, n = rows["count"].sum(), rows["denominator"].sum()
    out = combine_areas(rows, [CHORLEY, SOUTH_RIBBLE], "crude_rate", "byar", 1000).iloc[0]
    assert out["reason"] == "" and out["method"] == "Byar's"
    assert out["value"] == pytest.approx(1000 * x / n)
    lower, upper = _byar(x, n, 1000)
    assert out["lower_95"] == pytest.approx(lower, rel=1e-9)
    assert out["upper_95"] == pytest.approx(upper, rel=1e-9)


def _two(value_type="proportion", **changes) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "area_code": ["A", "B"],
            "period_sortable": [2023, 2023],
            "count": [10.0, 30.0],
            "denominator": [100.0, 200.0],
            "value": [10.0, 15.0],
        }
    )
    for column, values in changes.items():
        frame[column] = values
    return frame


@pytest.mark.parametrize(
    ("value_type", "method", "words"),
    [
        ("dsr", "dobson", "directly standardised"),
        ("life_expectancy", "chiang", "life expectancy"),
        ("proportion", "survey", "survey"),
        ("score", "none", "value only"),
        ("proportion", "byar", "indirectly standardised"),
    ],
)
def test_what_cannot_be_combined_honestly_gets_no_figure_and_a_reason(value_type, method, words):
    assert words in why_not_combinable(value_type, method)
    out = combine_areas(_two(), ["A", "B"], value_type, method, 100).iloc[0]
    assert words in out["reason"] and np.isnan(out["value"]) and np.isnan(out["lower_95"])


def test_a_member_without_a_count_or_row_leaves_no_combined_figure():
    out = combine_areas(
        _two(count=[10.0, np.nan]),
        ["A", "B"],
        "proportion",
        "wilson",
        100,
        names={"B": "South Ribble"},
    ).iloc[0]
    assert out["reason"] == "no count and denominator for South Ribble" and np.isnan(out["value"])
    out = combine_areas(_two().iloc[:1], ["A", "B"], "proportion", "wilson", 100).iloc[0]
    assert out["reason"] == "no figure for B"


def test_a_published_value_that_is_not_count_over_denominator_is_not_combined():
    out = combine_areas(_two(value=[10.0, 21.0]), ["A", "B"], "proportion", "wilson", 100).iloc[0]
    assert "not its count divided by its denominator" in out["reason"]


def test_counts_are_summed_and_each_period_is_combined_separately():
    frame = pd.concat(
        [_two(), _two(period_sortable=[2024, 2024], count=[5.0, 7.0])], ignore_index=True
    )
    out = combine_areas(frame, ["A", "B"], "count", "none", 1)
    assert out["period_sortable"].tolist() == [2023, 2024]
    assert out["value"].tolist() == [40.0, 12.0] and out["method"].tolist() == ["sum", "sum"]
    rates = combine_areas(
        frame.assign(value=frame["count"] / frame["denominator"] * 1000),
        ["A", "B"],
        "crude_rate",
        "byar",
        1000,
    )
    assert rates["value"].tolist() == pytest.approx([40 / 300 * 1000, 12 / 300 * 1000])


# --------------------------------------------------------------------------- the partnership pack
@pytest.fixture(scope="module")
def chorley_and_south_ribble():
    from hwb.pages.partnership import load_partnership_pack
    from hwb.partnerships import resolve

    return load_partnership_pack(resolve("chorley-and-south-ribble")[0].to_notebook())


def _row(headline: pd.DataFrame, indicator_id: int) -> pd.Series:
    return headline[headline["indicator_id"] == indicator_id].iloc[0]


def test_the_combined_pack_headline_equals_the_hand_computation(chorley_and_south_ribble):
    pack = chorley_and_south_ribble
    assert (
        pack.combined
        and pack.name == "Chorley and South Ribble"
        and pack.code == f"{CHORLEY}+{SOUTH_RIBBLE}"
    )
    members = [_row(m.headline, 93085) for m in pack.members]
    assert members[0]["period"] == members[1]["period"]
    x, n = sum(r["count"] for r in members), sum(r["denominator"] for r in members)
    row = _row(pack.headline, 93085)
    assert (row["status"], row["period"], row["count"], row["denominator"]) == (
        "ok",
        members[0]["period"],
        x,
        n,
    )
    assert row["value"] == pytest.approx(100 * x / n)
    lower, upper = _wilson(x, n)
    assert (row["lower_95"], row["upper_95"]) == (
        pytest.approx(lower, rel=1e-7),  # the model's files keep eight significant digits
        pytest.approx(upper, rel=1e-7),
    )
    # combined exactly, but still an estimate apportioned from a larger (NHS) area: shown,
    # labelled, and not compared with England as a district value (issue 27)
    assert row["compared_95"] == "Not compared"
    # the members count once, as one area, among the districts the combined area is ranked in
    assert row["districts_n"] == members[0]["districts_n"] - 1
    # and the combined area's series hold the combined rows, not the members'
    series = pack.series(93085)
    assert set(series["area_code"]) == {pack.code, pack.county_code, pack.england_code}


def test_no_combined_figure_says_why_and_the_districts_are_side_by_side(chorley_and_south_ribble):
    from hwb.model.combined import NOT_COMBINED
    from hwb.pages.partnership import side_by_side

    pack = chorley_and_south_ribble
    le = _row(pack.headline, 90366)
    assert (
        le["status"] == NOT_COMBINED and "life expectancy cannot be combined" in le["combine_note"]
    )
    table = side_by_side(pack)
    le_men = table[(table["indicator_id"] == 90366) & (table["sex"] == "Male")].iloc[0]
    assert np.isnan(le_men["combined_value"])
    assert le_men["chorley_value"] == _row(pack.members[0].headline, 90366)["value"]
    assert not np.isnan(le_men["south-ribble_value"])


def test_where_the_need_is_concentrated_is_said_in_words(chorley_and_south_ribble):
    from hwb.pages.partnership import concentration

    pack = chorley_and_south_ribble
    labels = {m.name: _row(m.headline, 20401)["compared_95"] for m in pack.members}
    words = concentration(pack, 20401, "Under-18 conceptions")
    worse = [name for name, label in labels.items() if label == "Worse"]
    if worse == ["Chorley"]:  # 19.4 (13.6 to 26.7) against South Ribble's 14.4 (9.5 to 21.0)
        assert words.startswith("the need is greater in Chorley than in South Ribble")
        assert "intervals overlap" in words and "Chorley 19.4" in words
    assert concentration(pack, 20401, "Under-18 conceptions") == words  # deterministic


def _member(name: str, value: float, lower: float, upper: float, compared: str):
    from types import SimpleNamespace

    row = {
        "indicator_id": 1,
        "label": "Smoking at time of delivery",
        "status": "ok",
        "value": value,
        "lower_95": lower,
        "upper_95": upper,
        "compared_95": compared,
        "polarity": "low_is_good",
        "unit": "%",
        "england_value": 7.4,
    }
    return SimpleNamespace(name=name, headline=pd.DataFrame([row]))


def _pair(*members):
    from types import SimpleNamespace

    return SimpleNamespace(combined=True, members=list(members))


def test_the_same_rate_in_both_districts_is_not_need_concentrated_in_one():
    """Fylde and Wyre, smoking at delivery: 9.5% in both; Fylde is only "similar" because its
    smaller numbers give a wider interval."""
    from hwb.pages.partnership import concentration

    pack = _pair(
        _member("Fylde", 9.5, 7.1, 12.4, "Similar"), _member("Wyre", 9.5, 7.4, 11.9, "Worse")
    )
    words = concentration(pack, 1, "Smoking at time of delivery")
    assert "concentrated in Wyre" not in words
    assert words.startswith("the need is not concentrated in one district")
    assert "Fylde 9.5%" in words and "Wyre 9.5%" in words
    assert "Fylde is not significantly worse than England only because its smaller numbers" in words


def test_need_is_concentrated_only_where_the_values_clearly_differ():
    from hwb.pages.partnership import concentration

    apart = _pair(
        _member("Fylde", 6.0, 5.0, 7.0, "Similar"), _member("Wyre", 12.0, 10.5, 13.5, "Worse")
    )
    words = concentration(apart, 1, "Smoking at time of delivery")
    assert words.startswith("the need is concentrated in Wyre (Wyre 12.0%")
    assert "Fylde 6.0%, similar" in words
    close = _pair(
        _member("Fylde", 9.0, 6.5, 12.0, "Similar"), _member("Wyre", 11.0, 9.0, 13.0, "Worse")
    )
    words = concentration(close, 1, "Smoking at time of delivery")
    assert words.startswith("the need is greater in Wyre than in Fylde")
    assert "intervals overlap" in words and "smaller numbers" in words
    both = _pair(
        _member("Fylde", 11.0, 9.0, 13.0, "Worse"), _member("Wyre", 11.0, 9.0, 13.0, "Worse")
    )
    assert concentration(both, 1, "Smoking at time of delivery").startswith("the need is shared")


def test_a_member_districts_worse_findings_reach_the_pack_summary_and_overview(
    chorley_and_south_ribble,
):
    """Chorley is worse for life expectancy and under-18 conceptions, South Ribble for emergency
    readmissions: the pack may not say nothing is significantly worse."""
    from hwb.pages import partnership_sections, sections, summary

    pack = chorley_and_south_ribble
    ranked = sections.ranked_priorities(pack)
    found = {(r["district"], r["indicator_id"]) for _, r in ranked.iterrows()}
    assert {("Chorley", 90366), ("Chorley", 20401), ("South Ribble", 41101)} <= found
    text = partnership_sections.priorities(pack).text
    assert "No indicator is significantly worse" not in text
    assert "Premature death in Chorley" in text and "in South Ribble" in text
    assert "ranked 1 of 34" not in text
    pd.testing.assert_frame_equal(summary.recommended(pack), sections.recommended_priorities(pack))
    glance = summary.messages_and_priorities(pack).text
    for _, r in sections.recommended_priorities(pack).iterrows():
        assert (
            f"{r['label']} in {r['district']}" in glance if r["district"] else r["label"] in glance
        )


def test_fylde_and_wyre_priorities_include_wyres_own_findings():
    from hwb.pages import partnership_sections, sections
    from hwb.pages.partnership import load_partnership_pack
    from hwb.partnerships import resolve

    pack = load_partnership_pack(resolve("fylde-and-wyre")[0].to_notebook())
    ranked = sections.ranked_priorities(pack)
    wyre = set(ranked.loc[ranked["district"] == "Wyre", "indicator_id"])
    assert {90366, 93763} <= wyre  # life expectancy, alcohol deaths
    text = partnership_sections.priorities(pack).text
    assert "in Wyre" in text and "concentrated in Wyre (Fylde similar)" not in text
    # self-harm admissions in Wyre are worse but old (2017/18): never a candidate (issue 27)
    assert 21001 not in set(ranked["indicator_id"])


def test_a_one_district_partnership_is_exactly_the_district_pack():
    from hwb.pages.model import load_pack
    from hwb.pages.partnership import load_partnership_pack
    from hwb.params import load_district
    from hwb.partnerships import resolve

    pack = load_partnership_pack(resolve("burnley")[0].to_notebook())
    plain = load_pack(load_district("burnley").to_notebook())
    assert not pack.combined and pack.params == plain.params and pack.code == plain.code
    pd.testing.assert_frame_equal(pack.headline, plain.headline)


# --------------------------------------------------------------------------- key messages
def test_two_district_key_messages_give_each_districts_life_expectancy_first(
    chorley_and_south_ribble,
):
    """Life expectancy cannot be combined: men then women for each member, then the combined area."""
    from hwb.pages.sections import key_messages
    from hwb.text.messages import MAX_MESSAGES, life_expectancy_sentence

    pack = chorley_and_south_ribble
    items = re.findall(r"<li>(.*?)</li>", key_messages(pack).html)
    assert len(items) <= MAX_MESSAGES and "not in this snapshot" not in " ".join(items)
    expected = []
    for member in pack.members:
        le = member.headline[member.headline["indicator_id"] == 90366]
        expected += [
            life_expectancy_sentence(le[le["sex"] == sex].iloc[0], member.name)
            for sex in ("Male", "Female")
        ]
    assert [html.unescape(re.sub(r"<span.*?</span> ", "", i)) for i in items[:4]] == expected
    assert (
        "Life expectancy at birth for men in Chorley" in expected[0]
        and "below England" in expected[0]
    )
    assert "women in South Ribble" in expected[3]
    rest = " ".join(items[4:])
    assert "Chorley and South Ribble" in rest and "Life expectancy" not in rest


def test_one_district_key_messages_are_unchanged_by_partnerships():
    from hwb.pages.model import load_pack
    from hwb.pages.partnership import load_partnership_pack
    from hwb.pages.sections import key_messages
    from hwb.params import load_district
    from hwb.partnerships import resolve

    pack = load_partnership_pack(resolve("burnley")[0].to_notebook())
    assert (
        key_messages(pack).html
        == key_messages(load_pack(load_district("burnley").to_notebook())).html
    )
