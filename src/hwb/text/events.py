"""Counts named for what they are: "about 160 deaths a year", not "492 people counted in 2021 - 23".

Fingertips' ``count`` is the numerator of an indicator's value: deaths for a mortality
rate, admissions for an admission rate, children for child poverty. Pooled periods
count several years together, so a count is divided by the years pooled before it is
called "a year". Events that happen (deaths, admissions, conceptions) are per year;
people who *are* something (children in low-income families) are a number at a time.
What each indicator's count counts is declared in data/catalogue.yml (``events:``).
"""

from __future__ import annotations

import math

from hwb.data.catalogue import event_nouns
from hwb.data.periods import years_in


def event_noun(indicator_id: int, name: str = "", value_type: str = "") -> tuple[str, bool]:
    """What an indicator's count counts and whether it is per year (the catalogue's ``events``);
    a guess from the name otherwise."""
    declared = event_nouns().get(int(indicator_id))
    if declared:
        return declared
    lowered = name.lower()
    if "mortality" in lowered or "deaths" in lowered:
        return "deaths", True
    if "admission" in lowered:
        return "admissions", True
    return "people", value_type in ("dsr", "crude_rate")


def about(number: float) -> str:
    """A rounded count for prose: 7, 48, 160, 1,400 (two significant figures from 100 up)."""
    if number is None or math.isnan(number):
        return "n/a"
    n = abs(float(number))
    if n >= 100:
        digits = math.floor(math.log10(n)) - 1
        n = round(n, -digits)
    return f"{round(n):,}"


def count_phrase(
    count: float, indicator_id: int, period: str, name: str = "", value_type: str = ""
) -> str:
    """E.g. "about 160 preventable deaths under 75 a year (2021 - 23)"."""
    noun, per_year = event_noun(indicator_id, name, value_type)
    years = years_in(period)
    per = " a year" if per_year else ""
    value = float(count) / years if per_year else float(count)
    return f"about {about(value)} {noun}{per} ({period})"


def excess_phrase(
    excess: float,
    indicator_id: int,
    high_is_good: bool,
    reference: str,
    name: str = "",
    value_type: str = "",
) -> str:
    """E.g. "about 40 more preventable deaths under 75 a year than at England's rate"."""
    noun, per_year = event_noun(indicator_id, name, value_type)
    more = "fewer" if high_is_good else "more"
    per = " a year" if per_year else ""
    return f"about {about(excess)} {more} {noun}{per} than {reference}"
