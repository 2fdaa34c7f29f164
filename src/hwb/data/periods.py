"""Fingertips time-period labels: one rule per catalogue ``period_type``.

Fingertips writes a period by its type: ``2021`` (calendar), ``2021/22`` (financial or
school year), ``2021 - 23`` (three calendar years pooled), ``2019/20 - 21/22`` (three
financial years), ``2018 - 22`` (five calendar years), ``2018/19 - 22/23`` (five school
years). Sources that keep only a period's *first* year (FingertipsNext) are labelled
here, ONS's ISO 8601 periods (``2022-01-01/P3Y``) are mapped to these labels with
:func:`iso_period`, and a snapshot's labels are checked against the catalogue with
:func:`label_fits`.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

#: years each period type spans, and whether it runs from April/September (a split year)
_SPAN: dict[str, tuple[int, bool]] = {
    "calendar": (1, False),
    "single": (1, False),
    "financial": (1, True),
    "school_year": (1, True),
    "pooled_3y": (3, False),
    "pooled_3y_financial": (3, True),
    "pooled_5y": (5, False),
    "pooled_5y_school": (5, True),
}
_YEAR_OF = {False: r"\d{4}", True: r"\d{4}/\d{2}"}  # how one year is written, calendar or split
_END_OF = {False: r"\d{2}", True: r"\d{2}/\d{2}"}  # how a pooled period's last year is written
_PATTERN: dict[str, re.Pattern[str]] = {
    kind: re.compile(
        rf"^{_YEAR_OF[split]}$" if years == 1 else rf"^{_YEAR_OF[split]} ?- ?{_END_OF[split]}$"
    )
    for kind, (years, split) in _SPAN.items()
}


def span_years(period_type: str) -> int:
    """How many years one period of this type pools (1, 3 or 5)."""
    return _SPAN[period_type][0]


def period_label(period_type: str, first_year: int) -> str:
    """The Fingertips label of the period of ``period_type`` that starts in ``first_year``."""
    years, split = _SPAN[period_type]
    last = first_year + years - 1
    if not split:
        return str(first_year) if years == 1 else f"{first_year} - {last % 100:02d}"
    one = f"{first_year}/{(first_year + 1) % 100:02d}"
    return one if years == 1 else f"{one} - {last % 100:02d}/{(last + 1) % 100:02d}"


def end_year(period_type: str, first_year: int) -> int:
    """The calendar year a period ends in: 2021 - 23 ends in 2023, 2017/18 in 2018,
    2019/20 - 23/24 in 2024; how old a value is is judged by when its period ended."""
    years, split = _SPAN[period_type]
    return first_year + years - 1 + (1 if split else 0)


def spaced_pooled(label: str) -> str:
    """A pooled calendar period as Fingertips writes it, ``2021 - 23``, from a copy that
    dropped the spaces (``2021-23``); any other label unchanged."""
    if len(label) == 7 and label[4] == "-" and label[:4].isdigit():
        return f"{label[:4]} - {label[5:]}"
    return label


def period_range(period_type: str) -> str:
    """Fingertips' "Time period range" for the type: ``1y``, ``3y`` or ``5y``."""
    return f"{span_years(period_type)}y"


def label_fits(period_type: str, label: str) -> bool:
    """True when ``label`` is written the way Fingertips writes a period of ``period_type``."""
    return bool(_PATTERN[period_type].match(label.strip()))


def period_ends(frame: pd.DataFrame, period_types: pd.Series | dict) -> pd.Series:
    """The calendar year each row's period ends in (:func:`end_year`), from its
    ``period_sortable`` (first year x 10000) and its indicator's period type (``period_types``:
    indicator id -> catalogue period type, e.g. the catalogue's ``period_type`` column).

    NaN for an indicator without a period type, or a row without a period."""
    types = frame["indicator_id"].map(dict(period_types)) if len(frame) else frame["indicator_id"]
    first = pd.to_numeric(frame["period_sortable"], errors="coerce") // 10000
    ends = [
        float(end_year(kind, int(year))) if isinstance(kind, str) and year > 0 else np.nan
        for kind, year in zip(types, first.fillna(0), strict=True)
    ]
    return pd.Series(ends, index=frame.index, dtype="float64", name="period_end")


def with_period_end(frame: pd.DataFrame, period_types: pd.Series | dict) -> pd.DataFrame:
    """A copy of ``frame`` with ``period_end`` (:func:`period_ends`): what
    :func:`hwb.stats.fitness.series_fitness` reads to judge how old a series is."""
    return frame.assign(period_end=period_ends(frame, period_types))


#: ISO 8601 periods as ONS writes them: a start date and, for an interval, a duration in years
_ISO = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?:/P(?P<years>\d+)Y)?$")
#: the month a split-year period starts in (financial years in April, school years in
#: September); the other types start in January
_SPLIT_MONTH = {"financial": 4, "school_year": 9, "pooled_3y_financial": 4, "pooled_5y_school": 9}


def iso_period(period_type: str, text: str) -> tuple[str, int]:
    """The Fingertips label and first year of an ISO 8601 period as ONS publishes it.

    ``2022-01-01/P3Y`` is the three calendar years 2022-24 (``pooled_3y``: "2022 - 24"),
    ``2023-04-01/P1Y`` the financial year 2023/24, ``2024-09-01/P1Y`` the school year
    2024/25, ``2023-01-01/P1Y`` the calendar year 2023. A bare date (``2025-04-01``, an
    instant such as a survey's reference date) is dated by its calendar year and fits only
    the ``calendar`` and ``single`` types. Raises ValueError, saying what was expected, when
    the text is not such a period or does not fit ``period_type`` (its start month or its
    length in years).
    """
    found = _ISO.match(text.strip())
    if not found:
        raise ValueError(
            f"{text!r} is not an ISO 8601 period (a date such as 2023-04-01, optionally "
            "followed by a duration in years, /P1Y or /P3Y)"
        )
    years = _SPAN[period_type][0]
    first, month = int(found["year"]), int(found["month"])
    if found["years"] is None:
        if period_type not in ("calendar", "single"):
            raise ValueError(
                f"{text!r} is a date, not an interval; a {period_type} period needs a duration "
                f"(e.g. {first}-{_SPLIT_MONTH.get(period_type, 1):02d}-01/P{years}Y)"
            )
        return period_label(period_type, first), first
    wanted = _SPLIT_MONTH.get(period_type, 1)
    if int(found["years"]) != years or month != wanted or int(found["day"]) != 1:
        raise ValueError(
            f"{text!r} does not fit period type {period_type!r}, which starts on "
            f"{first}-{wanted:02d}-01 and lasts {years} year(s) (/P{years}Y)"
        )
    return period_label(period_type, first), first


#: where a split year starts, as a fraction of the calendar year (April; September)
_YEAR_START = {"financial": 3 / 12, "school_year": 8 / 12}
_CALENDAR_LABEL = re.compile(r"(\d{4})(?:\s*-\s*(\d{2}|\d{4}))?")
_SPLIT_LABEL = re.compile(r"(\d{4})/(\d{2})(?:\s*-\s*(\d{2}|\d{4})/(\d{2}))?")
_POOLED_TAIL = re.compile(r"(\d{4})(?:/\d{2})?\s*-\s*(\d{2,4})(?:/\d{2})?$")
_FIRST_YEAR = re.compile(r"(19|20)\d{2}")


def _full_year(first: int, tail: str) -> int:
    """A period's last year from its label's tail ("23" after 2021 is 2023; "01" after 1999 is 2001)."""
    if len(tail) == 4:
        return int(tail)
    century = first - first % 100
    year = century + int(tail)
    return year + 100 if year < first else year


def midpoint(label: str, period_type: str = "calendar") -> float:
    """The middle of a period in decimal years; NaN when the label is not understood.

    "2023" -> 2023.5; "2021 - 23" -> 2022.5; financial "2023/24" -> 2023.75;
    school-year "2023/24" -> 2024.17; pooled financial "2019/20 - 21/22" -> 2020.75.
    """
    text = str(label).strip()
    kind = "school_year" if period_type == "school_year" else "financial"
    years = _CALENDAR_LABEL.fullmatch(text)
    if years:
        first = int(years.group(1))
        last = _full_year(first, years.group(2)) if years.group(2) else first
        return (first + last + 1) / 2
    split = _SPLIT_LABEL.fullmatch(text)
    if split:
        first = int(split.group(1))
        last = _full_year(first, split.group(3)) if split.group(3) else first
        start = _YEAR_START[kind]
        return (first + start + last + start + 1) / 2
    return math.nan


def years_in(label: str) -> int:
    """How many years a period label spans: "2021 - 23" -> 3, "2019/20 - 21/22" -> 3, "2023/24" -> 1."""
    found = _POOLED_TAIL.search(str(label).strip())
    if not found:
        return 1
    first, tail = int(found.group(1)), found.group(2)
    last = int(tail) if len(tail) == 4 else first - first % 100 + int(tail)
    if last < first:
        last += 100
    return max(1, last - first + 1)


def first_year(label: str) -> int | None:
    """The first year written in a period label ("2019/20 - 21/22" -> 2019), or None."""
    found = _FIRST_YEAR.search(str(label))
    return int(found.group(0)) if found else None
