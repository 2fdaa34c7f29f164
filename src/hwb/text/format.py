"""Numbers and words as a reader sees them: one way to print a value, a unit, an interval.

Every sentence, table cell and alt text in the book formats numbers through here, so
"12.3%" in a key message is the same "12.3%" in the table under the chart.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

from hwb.wording import join_words  # noqa: F401 (part of this module's surface)

#: Significant digits every number keeps on its way into a sentence or a figure: far more
#: than a page shows or a chart can draw, far fewer than the 15–17 in which another CPU's
#: or BLAS's arithmetic differs, so the same inputs give the same page on any machine.
STABLE_DIGITS = 8
#: Magnitudes below this are zero: the residue of a subtraction, whose size and sign vary
#: from machine to machine (no public-health value is this small).
STABLE_ZERO = 1e-9
#: Digits kept first, before any rounding that decides a page: the last bits of arithmetic
#: (the 16th and 17th digits) are gone, while a value the data make exactly half-way at a
#: later digit (a quartile between two published values: 42.488325945) stays exactly
#: half-way, so it rounds the same way on every machine.
NOISE_DIGITS = 13


def stable_decimal(value: float, digits: int = STABLE_DIGITS) -> Decimal:
    """``value`` as a decimal of ``digits`` significant digits, the same on every machine:
    first written to :data:`NOISE_DIGITS` digits (Python's own correctly rounded
    conversion), then rounded half up to ``digits``; magnitudes below :data:`STABLE_ZERO`
    are zero. ``value`` must be finite."""
    if abs(value) < STABLE_ZERO:
        return Decimal(0)
    clean = Decimal(format(value, f".{NOISE_DIGITS - 1}e"))
    with localcontext() as context:
        context.prec = digits
        context.rounding = ROUND_HALF_UP
        return +clean


def stable(value: float, digits: int = STABLE_DIGITS) -> float:
    """``value`` at ``digits`` significant digits (:func:`stable_decimal`) as a float; missing
    or infinite values as they are. The boundary every number crosses into a sentence
    (:func:`number`), a chart (:func:`hwb.charts.theme.stable_inputs`) or a model file
    (:mod:`hwb.model.tables`)."""
    if not math.isfinite(value):
        return value
    return float(stable_decimal(value, digits))


def is_missing(value) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def decimals_for(value: float, unit: str = "") -> int:
    """One decimal place for most public-health values; none for large counts and rates."""
    if unit in ("people",) or abs(value) >= 1000:
        return 0
    return 1


def number(value, unit: str = "", decimals: int | None = None) -> str:
    """``12.3``, ``1,234`` or ``n/a``; thousands separated, fixed decimals."""
    if is_missing(value):
        return "n/a"
    value = float(value)
    if math.isinf(value):
        return "n/a"
    value = stable(value)
    places = decimals_for(value, unit) if decimals is None else decimals
    # Half-way values round up, as a reader rounds the decimal written (9.35 -> 9.4), not as
    # the binary float nearest 9.35 (just below it) would print.
    exact = stable_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{exact:,.{places}f}"
    return text.lstrip("-") if float(text.replace(",", "")) == 0 else text


def with_unit(value, unit: str = "", decimals: int | None = None) -> str:
    """``12.3%``, ``78.4 years``, ``345.6 per 100,000``; ``n/a`` when missing."""
    text = number(value, unit, decimals)
    if text == "n/a" or not unit:
        return text
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}"


def interval(lower, upper, unit: str = "", decimals: int | None = None) -> str:
    """``(11.2 to 13.4)``; empty when either limit is missing."""
    if is_missing(lower) or is_missing(upper):
        return ""
    return f"({number(lower, unit, decimals)} to {number(upper, unit, decimals)})"


def difference(value, reference, unit: str = "", decimals: int | None = None) -> str:
    """The absolute gap in the indicator's own units, e.g. ``3.2 years`` or ``4.1 percentage points``."""
    if is_missing(value) or is_missing(reference):
        return "n/a"
    gap = abs(stable(float(value)) - stable(float(reference)))
    if unit == "%":
        return f"{number(gap, unit, decimals)} percentage points"
    return with_unit(gap, unit, decimals)


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym (e.g. "CVD", "NHS")."""
    if not text:
        return text
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[:2].isupper():
        return text
    return text[0].lower() + text[1:]


def upper_first(text: str) -> str:
    """Upper-case the first letter only ("reduce CVD deaths" -> "Reduce CVD deaths")."""
    return text[:1].upper() + text[1:]


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 indicator``, ``2 indicators`` (``many`` for irregular plurals)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def sex_words(sex: str) -> str:
    """``for men``/``for women``/``""`` to qualify a sentence by sex."""
    return {"Male": "for men", "Female": "for women"}.get(sex, "")
