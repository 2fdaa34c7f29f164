"""Issue 27 in the model: each series' fitness travels with its headline row, rules out what it
must (comparison, rank, trend), the county sits beside each value where it can be had, and one
set of judged lists feeds every page."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb.model.headline import TREND_WITHHELD, with_county, with_fitness
from hwb.stats.fitness import FITNESS_COLUMNS

CODE = "E07000001"


def _headline_row(indicator_id, compared="Worse", trend="Increasing and getting worse", **extra):
    row = {
        "indicator_id": indicator_id,
        "sex": "Persons",
        "age": "All ages",
        "label": f"Indicator {indicator_id}",
        "short_name": f"Indicator {indicator_id}",
        "period": "2023/24",
        "period_sortable": 20230000,
        "status": "ok",
        "compared_95": compared,
        "compared_998": compared,
        "compared_source": "calculated",
        "rank": 3.0,
        "quintile": "Highest",
        "red_red": compared == "Worse" and trend.endswith("getting worse"),
        "recent_trend": trend,
        "trend_source": "calculated",
    }
    row.update(extra)
    return row


def _fitness_row(indicator_id, **flags):
    row = {c: np.nan for c in FITNESS_COLUMNS}
    row.update(
        indicator_id=indicator_id,
        sex="Persons",
        age="All ages",
        area_code=CODE,
        larger_area_estimate=False,
        estimate_evidence=(),
        estimate_reason="",
        shared_with=(),
        old=False,
        years_behind=0.0,
        break_in_series=False,
        break_period="",
        break_evidence=(),
        break_reason="",
        break_stops_comparison=False,
        points_after_break=0,
        survey_without_limits=False,
    )
    row.update(flags)
    return row


def test_fitness_takes_out_comparison_rank_and_trend_where_it_must_and_labels_the_value():
    table = pd.DataFrame(
        [
            _headline_row(1),  # fit
            _headline_row(2),  # an estimate for a larger area
            _headline_row(3, period="2017/18"),  # old
            _headline_row(4, compared="Better", trend="Decreasing and getting better"),  # break
            _headline_row(5, compared="Worse", trend="Increasing and getting worse"),  # survey
            _headline_row(6, compared="Worse", trend="Increasing and getting worse"),  # national
        ]
    )
    fitness = pd.DataFrame(
        [
            _fitness_row(1),
            _fitness_row(2, larger_area_estimate=True, estimate_evidence=("shared_values",)),
            _fitness_row(3, old=True, years_behind=7.0),
            _fitness_row(
                4,
                break_in_series=True,
                break_period="2023/24",
                break_sortable=20230000,
                break_evidence=("declared",),
                break_stops_comparison=True,
                points_after_break=1,
            ),
            _fitness_row(5, survey_without_limits=True),
            _fitness_row(
                6,
                break_in_series=True,
                break_period="2023/24",
                break_sortable=20230000,
                break_evidence=("declared", "detected"),
                break_stops_comparison=False,
                points_after_break=1,
            ),
        ]
    )
    out = with_fitness(table, fitness, CODE).set_index("indicator_id")
    assert out.loc[1, "compared_95"] == "Worse" and out.loc[1, "rank"] == 3.0
    assert out.loc[1, "recent_trend"].endswith("getting worse") and out.loc[1, "fitness"] == ""
    assert out.loc[1, "red_red"]
    for i, label in ((2, "estimate for a larger area"), (3, "old (2017/18)")):
        r = out.loc[i]
        assert r["fitness"] == label
        assert (r["compared_95"], r["compared_998"], r["compared_source"]) == (
            "Not compared",
            "Not compared",
            "",
        )
        assert np.isnan(r["rank"]) and r["quintile"] == "" and not r["red_red"]
        assert r["recent_trend"] == "" and r["trend_source"] == TREND_WITHHELD
        assert not r["testable"] and not r["rankable"]
    # a declared break at the latest period: level not comparable yet, no trend across it
    broken = out.loc[4]
    assert broken["fitness"] == "break in the series 2023/24" and broken["fresh_break"]
    assert broken["compared_95"] == "Not compared" and broken["recent_trend"] == ""
    assert broken["rank"] == 3.0  # still a district measurement
    assert broken["break_evidence"] == "declared"  # text, so it goes through CSV
    # a survey without limits keeps its (published) comparison but no trend
    survey = out.loc[5]
    assert survey["compared_95"] == "Worse" and survey["recent_trend"] == ""
    assert survey["fitness"] == "survey estimate, no limits" and not survey["trendable"]
    # a break that reached England's figure too (a new national method): still compared with
    # England in the same period, but no trend is read across it
    national = out.loc[6]
    assert national["fitness"] == "break in the series 2023/24" and not national["fresh_break"]
    assert national["compared_95"] == "Worse" and national["compared_source"] == "calculated"
    assert national["recent_trend"] == "" and national["trend_source"] == TREND_WITHHELD


def _county_frame():
    rows = []
    for i, code in enumerate(["D1", "D2", "D3"]):
        rows.append(
            {
                "indicator_id": 7,
                "sex": "Persons",
                "age": "All ages",
                "area_code": code,
                "parent_code": "C1",
                "period_sortable": 20230000,
                "category_type": "",
                "value": 10.0 * (i + 1),
                "count": 10.0 * (i + 1),
                "denominator": 100.0,
            }
        )
    return pd.DataFrame(rows)


def _catalogue(value_type="proportion", ci_method="wilson"):
    return pd.DataFrame(
        {"value_type": [value_type], "ci_method": [ci_method], "multiplier": [100.0]},
        index=pd.Index([7], name="indicator_id"),
    )


def test_the_county_is_computed_exactly_from_its_districts_counts_or_its_absence_explained():
    table = pd.DataFrame([_headline_row(7, county_value=np.nan)])
    frame = _county_frame()
    out = with_county(table, frame, _catalogue(), "C1").iloc[0]
    assert out["county_value"] == pytest.approx(20.0)  # 60 of 300
    assert out["county_source"] == "computed from the districts' counts"
    # a published county row wins
    published = with_county(table.assign(county_value=18.5), frame, _catalogue(), "C1").iloc[0]
    assert published["county_value"] == 18.5 and published["county_source"] == "published"
    # a survey estimate cannot be pooled: no value, and the reason
    survey = with_county(table, frame, _catalogue("proportion", "survey"), "C1").iloc[0]
    assert np.isnan(survey["county_value"]) and "survey" in survey["county_reason"]


# --------------------------------------------------------------------------- the real packs
@pytest.fixture(scope="module")
def packs():
    from hwb import paths
    from hwb.pages.partnership import load_partnership_pack
    from hwb.partnerships import resolve

    if not (paths.SNAPSHOT / "manifest.yml").is_file():
        pytest.skip("no snapshot")
    return {
        slug: load_partnership_pack(resolve(slug)[0])
        for slug in ("burnley", "fylde-and-wyre", "chorley-and-south-ribble")
    }


def _row(pack, indicator_id, sex=None):
    h = pack.headline
    rows = h[(h["indicator_id"] == indicator_id) & (h["status"] == "ok")]
    return rows[rows["sex"] == sex].iloc[0] if sex else rows.iloc[0]


def test_real_estimates_old_series_and_breaks_are_labelled_and_off_every_list(packs):
    burnley = packs["burnley"]
    listed = set(burnley.lists["indicator_id"])
    smoking = _row(burnley, 93085)  # the same value across East Lancashire: a CCG estimate
    assert smoking["fitness"] == "estimate for a larger area" and 93085 not in listed
    assert smoking["compared_95"] == "Not compared" and np.isnan(smoking["rank"])
    for old in (21001, 91414, 92949):  # self-harm, alcohol admissions 2017/18, dementia 2018
        r = _row(burnley, old)
        assert r["fitness"].startswith("old (") and old not in listed
    falls = _row(burnley, 22401, "Persons")
    assert falls["fitness"] == "break in the series 2023/24"
    assert "getting better" not in falls["recent_trend"] and 22401 not in listed
    text = " ".join(m for m in burnley.lists["label"])
    assert "Smoking at time of delivery" not in text


def test_the_newest_period_wins_with_fingertips_own_comparison(packs):
    burnley = packs["burnley"]
    assert _row(burnley, 93088)["compared_95"] == "Worse"  # 2022/23 with limits said "Similar"
    for pack in packs.values():
        for indicator_id in (93015, 93088):  # inactive adults, overweight adults
            for m in getattr(pack, "members", [pack]) or [pack]:
                r = _row(m, indicator_id)
                assert r["period"] == "2024/25", (m.name, indicator_id)
                assert r["compared_source"] == "published"
                assert r["compared_95"] == r["published_comparison"] != ""
                assert r["fitness"] == "survey estimate, no limits"


def test_summary_spine_overview_and_key_messages_count_the_same_lists(packs):
    from hwb.pages import sections, summary
    from hwb.pages.overview import benchmark_counts
    from hwb.pages.sections.programmes import list_counts_of
    from hwb.stats.findings import BETTER, WORSE, list_counts

    for slug, pack in packs.items():
        counts = list_counts(pack.lists)
        assert benchmark_counts(pack)["Worse"] == counts[WORSE], slug
        assert benchmark_counts(pack)["Better"] == counts[BETTER], slug
        page2 = summary.against_england(pack).html
        for name in pack.on_list(WORSE)["label"]:
            assert name in page2, (slug, name)
        rows = pack.headline[
            (pack.headline["status"] == "ok") & (pack.headline["benchmark"] != "none")
        ]
        assert list_counts_of(pack, rows)[WORSE] == counts[WORSE], slug
        messages = sections.key_messages(pack)
        words = messages.text.split("Clearly worse or better:")[0]
        assert len(words.split()) <= 350, slug
        if counts[BETTER]:
            assert "a strength to protect" in words, slug
        for jargon in ("99.8", "logit", "even at"):
            assert jargon not in messages.text, slug
        for _, r in pack.headline[~pack.headline["testable"].astype(bool)].iterrows():
            assert f"{r['short_name']} in {pack.name} is" not in words, (slug, r["short_name"])
    burnley = packs["burnley"]
    assert list_counts(burnley.lists)[WORSE] == benchmark_counts(burnley)["Worse"]


def test_the_numbers_table_carries_each_series_fitness(packs):
    numbers = packs["burnley"].table("numbers")
    smoking = numbers[numbers["indicator_id"] == 93085]
    assert len(smoking) and smoking["fitness"].eq("estimate for a larger area").all()
    assert numbers.loc[numbers["indicator_id"] == 92026, "fitness"].eq("").all()


def test_the_models_series_carry_where_each_break_starts():
    """Charts leave a gap at a break: the model's series say where each area's series breaks
    (Burnley's and Lancashire's falls at 2023/24, England's not; child poverty everywhere)."""
    from hwb.pages.partnership import load_partnership_pack
    from hwb.partnerships import resolve_partnership

    pack = load_partnership_pack(resolve_partnership("burnley"))
    falls = pack.series(22401, "Persons")
    at = falls.loc[falls["period"] == "2023/24", "period_sortable"].iloc[0]
    starts = falls.groupby("area_code")["break_sortable"].first()
    assert starts["E07000117"] == at and starts["E10000017"] == at
    assert np.isnan(starts["E92000001"])
    poverty = pack.series(93701, "Persons")
    assert poverty["break_sortable"].notna().all()  # district, county and England alike
    assert pack.series(90366, "Female")["break_sortable"].isna().all()


def test_ribble_valleys_pack_gives_the_falls_break_and_its_reason_not_a_strength():
    """Ribble Valley's key messages said its falls were "clearly better and getting better, a
    strength to protect" from the 2023/24 fall; now labelled, with the reason, and no message."""
    import hwb.pages as hp
    from hwb.pages.partnership import load_partnership_pack
    from hwb.partnerships import resolve_partnership

    pack = load_partnership_pack(resolve_partnership("ribble-valley"))
    assert "falls" not in hp.key_messages(pack).text.lower()
    ageing = hp.programme(pack, "Ageing Well").text
    assert "Why a series breaks: Falls admissions 65+ from 2023/24: most of Ribble Valley" in (
        ageing
    )
    row = pack.headline.set_index(["indicator_id", "sex"]).loc[(22401, "Persons")]
    assert row["fitness"] == "break in the series 2023/24" and row["compared_95"] == "Not compared"
