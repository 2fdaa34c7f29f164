"""The model's long-list (issue 28): the statistics core's candidates with the columns pages
read, reasons of at most 40 words, member districts' own candidates, a sensitivity view;
on real partnerships' models and on small synthetic tables."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

from hwb.model.build import build
from hwb.model.priorities import (
    COLUMNS,
    COMPONENTS,
    EXCLUDED,
    REASON_WORDS,
    WORSE_LIST,
    WORSENING_LIST,
    reason,
    sensitivity,
    titled,
)
from hwb.partnerships import resolve
from hwb.stats.fitness import testable

WEIGHTS = {"significance": 3, "trend": 2, "gap": 2, "people": 1, "strategy_link": 1}


@lru_cache(maxsize=4)
def _model(slug: str):
    partnership, _ = resolve(slug)
    return build(partnership)


def _fitness():
    from hwb.model.build import _LAST_FITNESS

    return _LAST_FITNESS[1]


@pytest.mark.parametrize("slug", ["burnley", "hyndburn"])
def test_premature_death_worse_than_england_is_recommended_with_its_burden(slug):
    ranked = _model(slug).tables["priorities"]
    assert list(ranked.columns) == COLUMNS
    death = ranked[ranked["candidate"] == "premature_death"].iloc[0]
    assert death["recommended"] and death["list"] == WORSE_LIST
    # one candidate: life expectancy and under-75 preventable mortality are its members
    assert "90366" in death["indicator_ids"] and "93721" in death["indicator_ids"]
    assert death["excess"] > 0 and death["excess_estimated"]
    assert "more preventable deaths under 75 a year" in death["reason"]
    # ranked among every English district, not the North West's
    assert death["english_n"] >= 290 and death["english_rank"] >= 280


@pytest.mark.parametrize("slug", ["burnley", "preston", "ribble-valley", "fylde-and-wyre"])
def test_no_recommended_priority_rests_on_an_estimate_for_a_larger_area_or_an_old_series(slug):
    model = _model(slug)
    ranked = model.tables["priorities"]
    fitness = _fitness()
    codes = {a.name: a.code for a in model.areas}
    for _, r in ranked[ranked["recommended"]].iterrows():
        code = codes[r["district"]] if r["district"] else model.pack_area.code
        ids = [int(i) for i in r["indicator_ids"].split("; ")]
        mine = fitness[(fitness["area_code"].isin([code])) & fitness["indicator_id"].isin(ids)]
        if code == model.pack_area.code and len(model.areas) > 1:
            continue  # a combined area's fitness is its members' (checked in the stats tests)
        assert len(mine) and testable(mine).all(), (slug, r["outcome"])
    for _, r in ranked.iterrows():
        assert len(r["reason"].split()) <= REASON_WORDS, r["reason"]
        for c in COMPONENTS:
            assert 0.0 <= r[c] <= 1.0
    excluded = ranked[ranked["status"] == EXCLUDED]
    assert excluded["rank"].isna().all() and not excluded["recommended"].any()


def test_smoking_in_pregnancy_an_nhs_area_estimate_is_excluded_with_the_reason():
    ranked = _model("burnley").tables["priorities"]
    smoking = ranked[ranked["outcome"] == "reduce smoking in pregnancy"]
    # an estimate for a larger area is never a candidate: left out, or listed as excluded
    assert not smoking["recommended"].any()
    assert (smoking["status"] == EXCLUDED).all()


def test_ribble_valley_may_recommend_nothing_and_has_no_watch_item():
    ranked = _model("ribble-valley").tables["priorities"]
    live = ranked[ranked["status"] != EXCLUDED]
    # nothing is offered "to watch" any more: the pack says plainly when nothing is recommended
    assert set(live["list"]) <= {WORSE_LIST, WORSENING_LIST}
    if not (live["list"] == WORSE_LIST).any() and not len(live):
        assert not ranked["recommended"].any()


def test_a_two_district_pack_keeps_each_districts_own_candidates():
    model = _model("fylde-and-wyre")
    ranked = model.tables["priorities"]
    combined = ranked[ranked["district"] == ""]
    own = ranked[ranked["district"] != ""]
    assert set(own["district"]) <= {"Fylde", "Wyre"}
    # a member's candidate is kept only for a problem the combined area does not have as
    # significantly worse
    worse_combined = set(combined.loc[combined["list"] == WORSE_LIST, "candidate"])
    assert not (set(own.loc[own["status"] != EXCLUDED, "candidate"]) & worse_combined)
    assert all(titled(r).endswith(f" in {r['district']}") for _, r in own.iterrows())


# --------------------------------------------------------------------------- synthetic
def _candidate(**overrides):
    row = {
        "district": "",
        "outcome": "premature death",
        "label": "Life expectancy at birth (women)",
        "status": "recommended",
        "list": WORSE_LIST,
        "significance": 1.0,
        "significance_source": "calculated",
        "trend": 0.5,
        "trend_label": "No significant change",
        "gap": 0.99,
        "people": 1.0,
        "strategy_link": 1.0,
        "english_rank": 291.0,
        "english_n": 294.0,
        "gap_years": 3.2,
        "excess": 81.0,
        "excess_per_year": True,
        "excess_noun": "preventable deaths under 75",
        "why_not": "",
    }
    row.update(overrides)
    return pd.Series(row)


def test_a_reason_is_at_most_forty_words_and_keeps_the_evidence_first():
    text = reason(_candidate())
    assert text.startswith(
        "Life expectancy at birth (women): significantly worse than England (99.8%)"
    )
    assert "about 81 more preventable deaths under 75 a year" in text
    assert "291 of 294 English districts" in text and "trend: no significant change" in text
    long = reason(_candidate(label="A very long indicator label " * 6))
    assert len(long.split()) <= REASON_WORDS
    assert "significantly worse" in long
    # a high-is-good indicator's excess is "fewer"
    assert "about 81 fewer" in reason(_candidate(), polarity="high_is_good")
    excluded = reason(_candidate(status=EXCLUDED, why_not="excluded: old"))
    assert excluded == "Excluded: old."


def test_sensitivity_reweighs_the_components_within_their_lists():
    ranked = pd.DataFrame(
        [
            {
                **_candidate(outcome="a", significance=1.0, gap=1.0, people=0.0),
                "status": "recommended",
            },
            {
                **_candidate(outcome="b", significance=0.5, gap=0.5, people=1.0),
                "status": "not recommended",
            },
            {
                **_candidate(
                    outcome="c", list=WORSENING_LIST, significance=0.0, gap=1.0, people=1.0
                ),
                "status": "not recommended",
            },
        ]
    )
    view = sensitivity(ranked, WEIGHTS, top=2)
    assert view.iloc[0]["Top"] == "A; B"
    size = view[view["Weights"].str.startswith("size only")].iloc[0]
    # B leads on size, but C stays behind both: it is only similar but getting worse
    assert size["Top"] == "B; A" and size["Same top three?"] == "same candidates, different order"
    empty = sensitivity(ranked.assign(status=EXCLUDED), WEIGHTS)
    assert empty.empty and list(empty.columns) == ["Weights", "Top", "Same top three?"]


def test_no_candidate_is_scored_outside_zero_to_one_even_without_any_count():
    assert np.isnan(_candidate(excess=np.nan)["excess"])
    text = reason(_candidate(excess=np.nan, gap_years=np.nan))
    assert "about" not in text


def test_the_methods_page_prints_the_method_the_code_applies():
    from hwb import params, paths
    from hwb.stats.priority import method_markdown

    defaults = params.load_defaults()
    text = method_markdown(defaults.priority_weights.model_dump(), defaults.recommended_priorities)
    body = text.split("\n", 1)[1]  # the page nests it under "Key messages and priorities"
    page = (paths.BOOK / "methods.md").read_text(encoding="utf-8")
    assert "### How candidate priorities are chosen\n" + body.rstrip() in page
    assert "offered as a labelled item to watch" not in page  # the old rule is gone
