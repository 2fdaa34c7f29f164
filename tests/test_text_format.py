"""Number and unit formatting used by every sentence, table and alt text."""

from __future__ import annotations

import math

from hwb.text import format as fmt


def test_numbers_units_and_intervals():
    assert fmt.number(12.345) == "12.3"
    assert fmt.number(96435, "people") == "96,435"
    assert fmt.number(1234.56) == "1,235"
    assert fmt.number(-0.04) == "0.0"
    assert fmt.number(math.nan) == "n/a" and fmt.number(None) == "n/a"
    assert fmt.with_unit(11.4, "%") == "11.4%"
    assert fmt.with_unit(78.94, "years") == "78.9 years"
    assert fmt.interval(9.505, 13.52) == "(9.5 to 13.5)"
    assert fmt.interval(math.nan, 3) == ""


def test_differences_in_percentage_points_and_word_lists():
    assert fmt.difference(11.4, 7.4, "%") == "4.0 percentage points"
    assert fmt.difference(76.2, 79.2, "years") == "3.0 years"
    assert fmt.join_words(["a", "b", "c"]) == "a, b and c"
    assert fmt.lower_first("CVD mortality") == "CVD mortality"
    assert fmt.lower_first("Adult smoking") == "adult smoking"
