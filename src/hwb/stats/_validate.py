"""Input checks shared by every :mod:`hwb.stats` function.

Each check raises :class:`hwb.errors.StatsInputError` naming the function, the
column and the first offending rows, and saying what to fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from hwb.errors import StatsInputError

Confidence = float | Sequence[float]
_MAX_ROWS_SHOWN = 5


def confidences(confidence: Confidence, func: str, any_levels: bool = False) -> tuple[float, ...]:
    """Normalise ``confidence`` to a tuple of fractions, as PHEindicatormethods accepts it.

    One level between 0.9 and 1, or the same as a percentage between 90 and 100 (95 and
    99.8 mean 0.95 and 0.998); or exactly two levels, 0.95 and 0.998 (95 and 99.8), to
    output both. With ``any_levels`` (as ``phe_sii`` accepts them) any number of distinct
    levels, each as above, e.g. (0.95, 0.99). Any other pair, more than two levels, text
    ("0.95") or anything else that is not a number is refused with a
    :class:`StatsInputError` saying what to pass.
    """
    hint = (
        "pass levels between 0.9 and 1 (or 90 and 100), e.g. 0.95 or (0.95, 0.99)"
        if any_levels
        else "pass 0.95 or 0.998 (or 95 or 99.8), or (0.95, 0.998) for both"
    )
    if isinstance(confidence, (str, bytes)):
        raise StatsInputError(f"{func}: confidence {confidence!r} is text, not a number; {hint}.")
    if isinstance(confidence, (int, float, np.number)):
        levels = (confidence,)
    else:
        try:
            levels = tuple(confidence)
        except TypeError:
            raise StatsInputError(
                f"{func}: confidence {confidence!r} is not a number; {hint}."
            ) from None
    if not levels:
        raise StatsInputError(f"{func}: confidence is empty; {hint}.")
    out = []
    for level in levels:
        if isinstance(level, (str, bytes)):
            raise StatsInputError(f"{func}: confidence {level!r} is text, not a number; {hint}.")
        if isinstance(level, (bool, np.bool_)) or not isinstance(level, (int, float, np.number)):
            raise StatsInputError(f"{func}: confidence {level!r} is not a number; {hint}.")
        value = float(level)
        if 90 <= value <= 100:
            value /= 100  # a percentage, as PHEindicatormethods accepts
        elif not 0.9 <= value <= 1:
            raise StatsInputError(
                f"{func}: confidence {level!r} is outside 0.9-1 (or 90-100 as a percentage); {hint}."
            )
        out.append(round(value, 4))
    if len(set(out)) != len(out):
        raise StatsInputError(f"{func}: confidence {levels!r} repeats a level; {hint}.")
    if len(out) > 1 and not any_levels and sorted(out) != [0.95, 0.998]:
        raise StatsInputError(
            f"{func}: confidence {levels!r}: several levels can only be 0.95 and 0.998 together "
            "(as PHEindicatormethods); pass one level, or (0.95, 0.998)."
        )
    return tuple(out)


def multiplier_value(multiplier: object, func: str, *, allow_negative: bool = False) -> float:
    """``multiplier`` as a float: a number (not text, not a bool), non-zero; positive unless
    ``allow_negative``. Refused with a :class:`StatsInputError` otherwise."""
    if isinstance(multiplier, (bool, np.bool_)) or not isinstance(
        multiplier, (int, float, np.number)
    ):
        raise StatsInputError(
            f"{func}: multiplier {multiplier!r} is not a number; pass a number such as 100 or 100000"
            + (" (text such as '1000' is not converted)." if isinstance(multiplier, str) else ".")
        )
    value = float(multiplier)
    if not np.isfinite(value) or value == 0 or (value < 0 and not allow_negative):
        allowed = "a non-zero number" if allow_negative else "a positive number"
        raise StatsInputError(
            f"{func}: multiplier {multiplier!r} must be {allowed} (e.g. 100, 100000)."
        )
    return value


def ci_label(level: float) -> str:
    """Column suffix for a confidence level, as in the tidy frame: 0.95 -> '95', 0.998 -> '998'."""
    return f"{level * 100:g}".replace(".", "")


def lower_col(level: float) -> str:
    return f"lower_{ci_label(level)}"


def upper_col(level: float) -> str:
    return f"upper_{ci_label(level)}"


def as_list(cols: str | Iterable[str] | None) -> list[str]:
    if cols is None:
        return []
    if isinstance(cols, str):
        return [cols]
    return list(cols)


def _rows(mask: pd.Series) -> str:
    idx = list(mask[mask].index[:_MAX_ROWS_SHOWN])
    more = int(mask.sum()) - len(idx)
    return f"rows {idx}" + (f" and {more} more" if more > 0 else "")


def require_frame(df: object, func: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise StatsInputError(f"{func}: expected a pandas DataFrame, got {type(df).__name__}.")
    return df


def require_columns(df: pd.DataFrame, cols: Iterable[str], func: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise StatsInputError(
            f"{func}: column(s) {missing} not found; the frame has {list(df.columns)}. "
            "Pass the right column names as arguments."
        )


def require_numeric(df: pd.DataFrame, cols: Iterable[str], func: str) -> None:
    for col in cols:
        if not pd.api.types.is_numeric_dtype(df[col]):
            raise StatsInputError(
                f"{func}: column {col!r} must be numeric but has dtype {df[col].dtype}; convert it first."
            )


def require_non_negative(df: pd.DataFrame, cols: Iterable[str], func: str) -> None:
    for col in cols:
        bad = df[col] < 0
        if bad.any():
            raise StatsInputError(
                f"{func}: column {col!r} has negative values at {_rows(bad)}; counts and populations "
                "cannot be negative — fix or drop those rows."
            )


def require_positive(df: pd.DataFrame, cols: Iterable[str], func: str) -> None:
    for col in cols:
        bad = df[col] <= 0
        if bad.any():
            raise StatsInputError(
                f"{func}: column {col!r} must be greater than zero but is zero or negative at {_rows(bad)}."
            )


def require_count_le_denominator(df: pd.DataFrame, count: str, denominator: str, func: str) -> None:
    bad = df[count] > df[denominator]
    if bad.any():
        raise StatsInputError(
            f"{func}: numerator {count!r} is larger than denominator {denominator!r} at {_rows(bad)}; "
            "a proportion cannot exceed 1 — check the columns were not swapped."
        )


def require_choice(value: object, name: str, choices: Iterable[object], func: str) -> None:
    choices = list(choices)
    if value not in choices:
        raise StatsInputError(f"{func}: {name}={value!r} is not one of {choices}.")
