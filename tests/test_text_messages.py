"""Key messages: order (red-red first), count, and numbers taken from the headline rows."""
from __future__ import annotations

import numpy as np
import pandas as pd

from hwb.text.messages import MAX_MESSAGES, MIN_MESSAGES, key_messages, relative_gap


def _row(indicator_id, name, value, england, compared, trend="No significant change", polarity="low_is_good",
         compared_998="Not compared", sex="Persons", unit="%"):
    return {
        "indicator_id": indicator_id, "short_name": name, "label": name, "sex": sex, "unit": unit,
        "polarity": polarity, "value": value, "england_value": england, "period": "2023/24",
        "compared_95": compared, "compared_998": compared_998, "recent_trend": trend,
        "red_red": compared == "Worse" and trend.endswith("getting worse"), "status": "ok",
    }


def _headline():
    return pd.DataFrame([
        _row(1, "Adult smoking", 14.0, 12.0, "Worse"),
        _row(2, "Obesity in Year 6", 27.0, 22.0, "Worse", compared_998="Worse"),
        _row(3, "Self-harm admissions", 250.0, 160.0, "Worse", trend="Increasing and getting worse", unit="per 100,000"),
        _row(4, "Breastfeeding", 50.0, 48.0, "Better", polarity="high_is_good"),
        _row(5, "Infant mortality", 4.0, 4.0, "Similar"),
        _row(90366, "Life expectancy at birth", 76.2, 79.2, "Worse", polarity="high_is_good", sex="Male",
             unit="years"),
    ])


def test_red_red_first_then_99_8_then_95_and_numbers_in_words():
    messages = key_messages(_headline(), "Burnley", ["Burnley has 96,435 residents."])
    ids = [m.indicator_id for m in messages]
    assert ids[:2] == [3, 2]  # worse and getting worse; then worse at 99.8%
    assert ids.index(1) < ids.index(4)  # worse before better
    assert MIN_MESSAGES <= len(messages) <= MAX_MESSAGES
    first = messages[0].text
    assert "250.0 per 100,000" in first and "160.0 per 100,000" in first and "getting worse" in first
    assert "even at 99.8% confidence" in messages[1].text


def test_context_sentences_fill_up_to_five():
    few = _headline().iloc[[4]]  # one similar indicator: not a message on its own
    messages = key_messages(few, "Fylde", ["Fylde has 81,000 residents.", "Second.", "Third.", "4.", "5.", "6."])
    assert len(messages) == MIN_MESSAGES
    assert messages[0].text == "Fylde has 81,000 residents."


def test_relative_gap_is_positive_when_worse_whatever_the_polarity():
    rows = _headline().set_index("indicator_id")
    assert relative_gap(rows.loc[1]) > 0  # low is good, higher than England
    assert relative_gap(rows.loc[90366]) > 0  # high is good, lower than England
    assert relative_gap(rows.loc[4]) < 0
    assert np.isclose(relative_gap(rows.loc[2]), 5 / 22)
