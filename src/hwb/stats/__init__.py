"""The statistics layer: Fingertips / OHID public-health methods behind one small API.

Notebooks call only these names. Each function takes a tidy pandas frame and
column names (PHStatsMethods style), works over many areas and periods at once,
validates its input with :class:`hwb.errors.StatsInputError` and returns a tidy
frame. Submodules are imported on first use, so ``import hwb.stats`` is cheap.

Intervals (wrapping PHStatsMethods): :func:`proportion` (Wilson),
:func:`crude_rate` (Byar's / exact Poisson), :func:`dsr` (Dobson, ESP 2013),
:func:`isr`, :func:`isratio`, :func:`funnel_limits`, :func:`funnel_significance`.
Written here from the published methods: :func:`life_expectancy` (Chiang II),
:func:`sii` (slope / relative index of inequality), :func:`compare_to_benchmark`,
:func:`quintile_labels`, :func:`benchmark_against_england` (each indicator judged by
:func:`judging_method`), :func:`recent_trend`,
:func:`red_red`, :func:`spc` (Making Data Count XmR), :func:`project`
(statsmodels trend projections).
Where an area sits among its peers: :func:`rank_among`, :func:`ranks`,
:func:`district_range` (quartiles), :func:`relative_gap`, :func:`weighted_average`. How big a problem is:
:func:`excess_events`, :func:`percentile_rank`, :func:`share_below`, :func:`intervals_overlap`.
Combining areas (sum counts, then the same interval methods): :func:`combine_areas`,
:func:`why_not_combinable`, :func:`county_values` (the county beside its districts).
Fitness of each series (issue 27): :func:`series_fitness`, :func:`combined_fitness`,
:func:`fitness_for`, :func:`rankable`, :func:`testable`, :func:`trendable`,
:func:`projectable`, :func:`segment_after_break`; the lists every page reads:
:func:`judged_lists`; candidate priorities (issue 28): :func:`priority_candidates`,
:func:`method_markdown`.
"""

from __future__ import annotations

import importlib

_WHERE = {
    "proportion": "intervals",
    "crude_rate": "intervals",
    "dsr": "intervals",
    "isr": "intervals",
    "isratio": "intervals",
    "funnel_limits": "intervals",
    "funnel_significance": "intervals",
    "poisson_limits": "intervals",
    "esp2013": "intervals",
    "life_expectancy": "life",
    "sii": "inequality",
    "compare_to_benchmark": "benchmark",
    "compare_to_goal": "benchmark",
    "quintile_labels": "benchmark",
    "benchmark_against_england": "benchmark",
    "judging_method": "benchmark",
    "judging_methods": "benchmark",
    "rank_among": "ranges",
    "ranks": "ranges",
    "district_range": "ranges",
    "relative_gap": "ranges",
    "weighted_average": "ranges",
    "excess_events": "burden",
    "percentile_rank": "burden",
    "share_below": "burden",
    "intervals_overlap": "burden",
    "recent_trend": "trend",
    "trend_label": "trend",
    "red_red": "trend",
    "limit_columns": "intervals",
    "spc": "xmr",
    "spc_summary": "xmr",
    "project": "projection",
    "combine_areas": "combine",
    "why_not_combinable": "combine",
    "county_values": "combine",
    "series_fitness": "fitness",
    "combined_fitness": "fitness",
    "fitness_for": "fitness",
    "rankable": "fitness",
    "testable": "fitness",
    "trendable": "fitness",
    "projectable": "fitness",
    "segment_after_break": "fitness",
    "judged_lists": "findings",
    "priority_candidates": "priority",
    "method_markdown": "priority",
}

__all__ = [
    "benchmark_against_england",
    "combine_areas",
    "combined_fitness",
    "compare_to_benchmark",
    "compare_to_goal",
    "county_values",
    "crude_rate",
    "district_range",
    "dsr",
    "esp2013",
    "excess_events",
    "fitness_for",
    "funnel_limits",
    "funnel_significance",
    "intervals_overlap",
    "isr",
    "isratio",
    "judged_lists",
    "judging_method",
    "judging_methods",
    "life_expectancy",
    "limit_columns",
    "method_markdown",
    "percentile_rank",
    "poisson_limits",
    "priority_candidates",
    "project",
    "projectable",
    "proportion",
    "quintile_labels",
    "rank_among",
    "rankable",
    "ranks",
    "recent_trend",
    "red_red",
    "relative_gap",
    "segment_after_break",
    "series_fitness",
    "share_below",
    "sii",
    "spc",
    "spc_summary",
    "testable",
    "trend_label",
    "trendable",
    "weighted_average",
    "why_not_combinable",
]


def __getattr__(name: str):
    if name in _WHERE:
        module = importlib.import_module(f"{__name__}.{_WHERE[name]}")
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
