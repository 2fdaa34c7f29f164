"""Period labels: ONS's ISO 8601 periods mapped to the catalogue's period types."""

from __future__ import annotations

import pytest

from hwb.data.periods import iso_period, label_fits


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
