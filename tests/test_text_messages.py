"""Key messages: life expectancy first, then red-red; count; numbers taken from the headline rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwb.stats.ranges import relative_gap
from hwb.text.messages import MAX_MESSAGES, MIN_MESSAGES, gap_to_england, key_messages


def _row(
    indicator_id,
    name,
    value,
    england,
    compared,
    trend="No significant change",
    polarity="low_is_good",
    compared_998="Not compared",
    sex="Persons",
    unit="%",
):
    return {
        "indicator_id": indicator_id,
        "short_name": name,
        "label": name,
        "sex": sex,
        "unit": unit,
        "polarity": polarity,
        "value": value,
        "england_value": england,
        "period": "2023/24",
        "compared_95": compared,
        "compared_998": compared_998,
        "recent_trend": trend,
        "red_red": compared == "Worse" and trend.endswith("getting worse"),
        "status": "ok",
        # worked out by the model (hwb.model.headline), read by the messages
        "gap_to_england": relative_gap(value, england, polarity),
    }


def _headline():
    return pd.DataFrame(
        [
            _row(1, "Adult smoking", 14.0, 12.0, "Worse"),
            _row(2, "Obesity in Year 6", 27.0, 22.0, "Worse", compared_998="Worse"),
            _row(
                3,
                "Self-harm admissions",
                250.0,
                160.0,
                "Worse",
                trend="Increasing and getting worse",
                unit="per 100,000",
            ),
            _row(4, "Breastfeeding", 50.0, 48.0, "Better", polarity="high_is_good"),
            _row(5, "Infant mortality", 4.0, 4.0, "Similar"),
            _row(
                90366,
                "Life expectancy at birth",
                76.2,
                79.2,
                "Worse",
                polarity="high_is_good",
                sex="Male",
                unit="years",
            ),
            _row(
                90366,
                "Life expectancy at birth",
                81.0,
                83.1,
                "Similar",
                polarity="high_is_good",
                sex="Female",
                unit="years",
            ),
        ]
    ).assign(
        label=lambda f: (
            f["short_name"]
            + np.where(
                f["indicator_id"] == 90366, np.where(f["sex"] == "Male", " (men)", " (women)"), ""
            )
        )
    )


def test_life_expectancy_first_then_the_largest_gaps_then_a_strength_in_plain_words():
    messages = key_messages(_headline(), "Burnley", ["Burnley has 96,435 residents."])
    ids = [m.indicator_id for m in messages]
    # men, women; then the gaps, largest first (self-harm 56%, Year 6 23%, smoking 17%);
    # then the strength (breastfeeding)
    assert ids[:6] == [90366, 90366, 3, 2, 1, 4]
    assert messages[0].text == (
        "Life expectancy at birth for men in Burnley is 76.2 years (2023/24), 3.0 years "
        "below England (79.2 years): clearly worse than England."
    )
    assert (
        "for women" in messages[1].text
        and "2.1 years below England (83.1 years)" in messages[1].text
    )
    assert MIN_MESSAGES <= len(messages) <= MAX_MESSAGES
    third = messages[2].text
    assert third == (
        "The rate of self-harm admissions in Burnley is 250.0 per 100,000 (2023/24), 56% higher "
        "than England (160.0 per 100,000): clearly worse, and getting worse: the gap is widening."
    )  # not "admissions is"
    assert messages[5].text.endswith(
        "4% higher than England (48.0%): clearly better, a strength to protect."
    )
    text = " ".join(m.text for m in messages)
    for jargon in ("99.8", "confidence", "logit", "significantly"):
        assert jargon not in text


def _many_worse(name: str = "Thing") -> pd.DataFrame:
    """The test headline with 12 more indicators clearly worse than England."""
    return pd.concat(
        [_headline()]
        + [
            pd.DataFrame([_row(100 + i, f"{name} {i}", 30.0, 10.0, "Worse", compared_998="Worse")])
            for i in range(12)
        ]
    )


def test_a_strength_is_named_even_when_many_indicators_are_worse():
    many = _many_worse()
    messages = key_messages(many, "Wyre")
    assert len(messages) == MAX_MESSAGES
    assert [m.indicator_id for m in messages].count(4) == 1  # breastfeeding, the one strength
    # without a strength, the gaps fill the room
    none_better = key_messages(many[many["indicator_id"] != 4], "Wyre")
    assert all(m.group != 6 for m in none_better) and len(none_better) == MAX_MESSAGES
    # improving counts as a strength where nothing is significantly better
    improving = many[many["indicator_id"] != 4].copy()
    improving.loc[improving["indicator_id"] == 5, "recent_trend"] = "Decreasing and getting better"
    named = key_messages(improving, "Wyre")
    assert [m.indicator_id for m in named].count(5) == 1
    assert "getting better, a gain to keep" in next(m.text for m in named if m.indicator_id == 5)


def test_key_messages_stay_within_350_words_and_keep_life_expectancy_and_the_strength():
    from hwb.text.messages import MAX_WORDS, words_in

    long_name = "A very long indicator name that goes on and on about something important"
    many = _many_worse(long_name)
    messages = key_messages(many, "Wyre")
    assert words_in(messages) <= MAX_WORDS
    assert [m.indicator_id for m in messages[:2]] == [90366, 90366]
    assert any(m.indicator_id == 4 for m in messages)


def test_messages_read_the_judged_lists_not_the_labels_and_show_fitness():
    from hwb.text.messages import lists_from_labels

    table = _headline()
    lists = lists_from_labels(table)
    # the model took adult smoking (1) off the lists (e.g. an estimate for a larger area)
    lists = lists[lists["indicator_id"] != 1]
    messages = key_messages(table, "Burnley", lists=lists)
    assert 1 not in [m.indicator_id for m in messages]
    flagged = table.assign(
        fitness=np.where(table["indicator_id"] == 2, "break in the series 2023/24", "")
    )
    text = " ".join(m.text for m in key_messages(flagged, "Burnley"))
    assert "27.0% (2023/24; break in the series 2023/24)" in text


def test_life_expectancy_leads_even_when_many_indicators_are_worse_and_says_when_missing():
    many = _many_worse()
    messages = key_messages(many, "Wyre")
    assert [m.indicator_id for m in messages[:2]] == [90366, 90366] and len(
        messages
    ) == MAX_MESSAGES
    without = key_messages(many[many["indicator_id"] != 90366], "Wyre")
    assert without[0].text.startswith("Life expectancy at birth for Wyre is not in this snapshot")


def test_no_polarity_indicators_are_never_ahead_or_behind_and_goals_are_named():
    from hwb.text.messages import indicator_sentence

    prevalence = pd.Series(
        _row(247, "Dementia prevalence (QOF)", 0.9, 0.7, "Higher", polarity="no_judgement")
    )
    assert gap_to_england(prevalence) == 0.0
    assert all(m.indicator_id != 247 for m in key_messages(pd.DataFrame([prevalence]), "Fylde"))
    goal = pd.Series(
        {
            **_row(
                92949, "Dementia diagnosis rate 65+", 58.4, 63.0, "Worse", polarity="high_is_good"
            ),
            "goal": 66.7,
            "compared_to": "goal",
        }
    )
    assert "short of the national goal of 66.7% (England 63.0%)" in indicator_sentence(
        goal, "Fylde"
    )


def test_context_sentences_fill_up_to_five():
    few = _headline().iloc[[4]]  # one similar indicator: not a message on its own
    messages = key_messages(
        few, "Fylde", ["Fylde has 81,000 residents.", "Second.", "Third.", "4.", "5.", "6."]
    )
    assert len(messages) == MIN_MESSAGES
    assert messages[0].text.startswith("Life expectancy at birth for Fylde is not in this snapshot")
    assert messages[1].text == "Fylde has 81,000 residents."


def test_gap_to_england_is_the_relative_gap_of_a_headline_row():
    rows = _headline().set_index("indicator_id")
    assert gap_to_england(rows.loc[1]) > 0  # low is good, higher than England
    assert gap_to_england(rows.loc[90366].iloc[0]) > 0  # high is good, lower than England
    assert gap_to_england(rows.loc[4]) < 0
    assert np.isclose(gap_to_england(rows.loc[2]), 5 / 22)


def test_deprivation_fifths_are_said_as_deprivation_for_the_catalogue_deprivation_indicator():
    from hwb.text.messages import quintile_phrase

    assert (
        quintile_phrase("Highest", 93553, 12)
        == "among the most deprived fifth of the 12 districts in this snapshot"
    )
    assert quintile_phrase("Highest", 92708, 300) == "in the highest fifth of English districts"
    # an indicator judged by fifths: its "Worse" is a fifth, not a test against England
    assert (
        quintile_phrase("Worse", 1000009, 300, benchmark="quintiles")
        == "in the second-worst fifth of English districts"
    )
    assert quintile_phrase("Worse", 93701, 300, benchmark="ci_overlap") == ""


def test_an_area_with_no_gaps_gets_its_strengths_as_room_allows():
    better = pd.concat(
        [_headline().iloc[-2:]]  # life expectancy, men and women
        + [pd.DataFrame([_row(200 + i, f"Good {i}", 5.0 + i, 10.0, "Better")]) for i in range(8)]
    )
    messages = key_messages(better, "Ribble Valley")
    assert len(messages) == MAX_MESSAGES
    # the largest lead first: Good 0 is 50% lower than England
    assert [m.indicator_id for m in messages[2:]] == [200, 201, 202, 203, 204, 205]
    assert all(m.text.endswith("a strength to protect.") for m in messages[2:])
