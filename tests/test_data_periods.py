"""Period labels, parsed and labelled in one place (hwb.data.periods): Fingertips labels and
ONS's ISO 8601 periods mapped to the catalogue's period types."""

from __future__ import annotations

import numpy as np
import pytest

from hwb.data.periods import (
    end_year,
    first_year,
    iso_period,
    label_fits,
    midpoint,
    period_label,
    span_years,
    years_in,
)


def test_period_midpoints_worked_examples():
    assert midpoint("2023") == 2023.5
    assert midpoint("2021 - 23", "pooled_3y") == 2022.5  # not 2021, its first year
    assert midpoint("2019 - 2023", "pooled_5y") == 2021.5
    assert midpoint("2023/24", "financial") == pytest.approx(2023.75)  # April to March
    assert midpoint("2023/24", "school_year") == pytest.approx(2024 + 1 / 6)  # Sept to Aug
    assert midpoint("2019/20 - 21/22", "pooled_3y_financial") == pytest.approx(2020.75)
    assert midpoint("1999/00", "financial") == pytest.approx(1999.75)
    assert np.isnan(midpoint("Q1 2023"))
    assert (span_years("pooled_3y"), span_years("pooled_3y_financial"), span_years("calendar")) == (
        3,
        3,
        1,
    )


@pytest.mark.parametrize(
    ("period", "years"),
    [
        ("2021 - 23", 3),
        ("2019/20 - 21/22", 3),
        ("2018/19 - 22/23", 5),
        ("2023/24", 1),
        ("2022", 1),
        ("1998 - 02", 5),
    ],
)
def test_years_in_a_label(period, years):
    assert years_in(period) == years


def test_first_year_and_labels_round_trip():
    assert first_year("2019/20 - 21/22") == 2019 and first_year("Q1") is None
    for kind in ("calendar", "financial", "pooled_3y", "pooled_5y_school"):
        label = period_label(kind, 2019)
        assert first_year(label) == 2019
        assert years_in(label) == span_years(kind)
    assert end_year("pooled_3y_financial", 2019) == 2022


@pytest.mark.parametrize(
    ("period_type", "text", "label", "first"),
    [
        ("pooled_3y", "2022-01-01/P3Y", "2022 - 24", 2022),
        ("financial", "2023-04-01/P1Y", "2023/24", 2023),
        ("school_year", "2024-09-01/P1Y", "2024/25", 2024),
        ("calendar", "2023-01-01/P1Y", "2023", 2023),
        ("calendar", "2025-04-01", "2025", 2025),  # an instant: dated by its calendar year
        ("pooled_3y", "1999-01-01/P3Y", "1999 - 01", 1999),
    ],
)
def test_iso_periods_get_fingertips_labels(period_type, text, label, first):
    assert iso_period(period_type, text) == (label, first)
    assert label_fits(period_type, label)


@pytest.mark.parametrize(
    ("period_type", "text", "message"),
    [
        ("financial", "2023-01-01/P1Y", r"starts on 2023-04-01 and lasts 1 year"),
        ("school_year", "2023-04-01/P1Y", r"starts on 2023-09-01"),
        ("pooled_3y", "2022-01-01/P1Y", r"lasts 3 year\(s\) \(/P3Y\)"),
        ("calendar", "2022-01-01/P3Y", r"lasts 1 year"),
        ("financial", "2025-04-01", r"is a date, not an interval; a financial period needs"),
        ("calendar", "2023/24", r"not an ISO 8601 period"),
        ("calendar", "2023-01-01/P1M", r"not an ISO 8601 period"),
    ],
)
def test_a_period_that_does_not_fit_its_type_says_what_was_expected(period_type, text, message):
    with pytest.raises(ValueError, match=message):
        iso_period(period_type, text)


def test_pooled_calendar_periods_get_fingertips_spaces_back_and_nothing_else_changes():
    from hwb.data.periods import spaced_pooled

    assert spaced_pooled("2021-23") == "2021 - 23"
    assert spaced_pooled("2021 - 23") == "2021 - 23"
    assert spaced_pooled("2021/22") == "2021/22"
    assert spaced_pooled("2019/20 - 21/22") == "2019/20 - 21/22"
    assert spaced_pooled("2021") == "2021"
