"""Values between published points: a published projection read at a year it does not list.

ONS's sub-national projections are published every five years here (2022, 2027, …); a
strategy horizon such as 2030 falls between two of them. :func:`between_years` reads the
straight line between the two published years either side (a year that is published is
returned as published; a year outside the published span is refused, not extrapolated).
"""

from __future__ import annotations

from collections.abc import Mapping


def between_years(points: Mapping[int, float], year: int) -> float:
    """The value at ``year`` on the straight line between the published ``points`` (year ->
    value) either side of it. Raises ValueError, naming the span, outside the published years."""
    years = sorted(int(y) for y in points)
    if not years or not years[0] <= year <= years[-1]:
        span = f"{years[0]} to {years[-1]}" if years else "no years"
        raise ValueError(f"year {year} is outside the published years ({span}); not extrapolated")
    if year in points:
        return float(points[year])
    before = max(y for y in years if y < year)
    after = min(y for y in years if y > year)
    share = (year - before) / (after - before)
    return float(points[before]) + share * (float(points[after]) - float(points[before]))
