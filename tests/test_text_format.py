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


def test_stable_rounds_far_below_what_is_shown_and_is_the_same_for_last_bit_differences():
    from hwb.text.format import STABLE_DIGITS, stable

    assert stable(0.1 + 0.2) == 0.3 == stable(0.3)
    assert stable(76.54321098765) == 76.543211  # eight significant digits
    assert stable(-3e-17) == 0.0 and str(stable(-3e-17)) == "0.0"  # no "-0" from a residue
    assert math.isnan(stable(float("nan"))) and stable(float("inf")) == float("inf")
    for value in (79.2049999999, 158.2, 0.12345678901, 1234567.891, 95123.0):
        ulps = [value]
        for _ in range(4):  # four units in the last place either way: another machine's bits
            ulps += [math.nextafter(ulps[-1], math.inf)]
        assert len({stable(v) for v in ulps}) == 1
        assert abs(stable(value) - value) <= abs(value) * 10 ** (1 - STABLE_DIGITS)


def test_numbers_are_formatted_from_their_stable_value():
    assert fmt.number(0.05 + 1e-16, decimals=1) == fmt.number(0.05, decimals=1)
    assert fmt.number(-1e-12) == "0.0"  # a residue's sign never reaches a sentence


def test_half_way_values_round_up_as_written():
    assert (
        fmt.number(9.35) == "9.4"
    )  # the float nearest 9.35 is just below it: f"{9.35:.1f}" is 9.3
    assert fmt.number(9.350000000000001) == "9.4" and fmt.number(9.3499) == "9.3"
    assert fmt.number(-2.25, decimals=1) == "-2.3" and fmt.number(1234.5) == "1,235"
    assert fmt.number(0.04, decimals=1) == "0.0" and fmt.number(-0.04, decimals=1) == "0.0"
