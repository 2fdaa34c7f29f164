"""hwb.text.events: counts named from the catalogue's ``events``, a year for pooled periods."""

from __future__ import annotations

import math

from hwb.data.catalogue import event_nouns
from hwb.text.events import about, count_phrase, event_noun, excess_phrase


def test_the_noun_comes_from_the_catalogue_else_from_the_name():
    assert event_noun(93721) == ("preventable deaths under 75", True)
    assert event_noun(93701) == ("children in absolute low-income families", False)
    assert all(event_noun(i) == declared for i, declared in event_nouns().items())
    assert event_noun(1, "Under-75 mortality from liver disease") == ("deaths", True)
    assert event_noun(1, "Emergency admissions for asthma") == ("admissions", True)
    assert event_noun(1, "Smokers", "proportion") == ("people", False)
    assert event_noun(1, "Something", "dsr") == ("people", True)


def test_about_rounds_to_two_significant_figures_from_100():
    assert [about(x) for x in (7.4, 48.4, 163.0, 1449.0)] == ["7", "48", "160", "1,400"]
    assert about(math.nan) == "n/a"


def test_a_pooled_count_is_said_a_year_and_a_count_of_people_at_a_time():
    # 492 deaths over three pooled years: 164 a year, about 160
    assert (
        count_phrase(492, 93721, "2021 - 23")
        == "about 160 preventable deaths under 75 a year (2021 - 23)"
    )
    assert (
        count_phrase(2300, 93701, "2022/23")
        == "about 2,300 children in absolute low-income families (2022/23)"
    )
    assert excess_phrase(41.0, 93721, False, "at England's rate") == (
        "about 41 more preventable deaths under 75 a year than at England's rate"
    )
    assert excess_phrase(120.0, 92949, True, "at the national goal of 66.7%") == (
        "about 120 fewer people with dementia diagnosed than at the national goal of 66.7%"
    )
