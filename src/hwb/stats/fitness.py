"""Is a series fit to be judged? One fitness record per indicator, sex, age and area.

Every number shown carries what a reader must know before judging it (issue 27): the
record is worked out from the data, and from what the catalogue declares where the data
cannot show it. Four flags:

* ``larger_area_estimate``: the value is an estimate for a larger area, not a district
  measurement. Evidence (``estimate_evidence``, any of):

  - ``"shared_values"``: the same *unrounded* value (at least :data:`UNROUNDED_DECIMALS`
    decimal places) in this area and another of the same type in at least
    :data:`SHARED_PERIODS` periods (``shared_with`` names them). Two rounded values can agree
    by chance among 300 districts; two unrounded values in two periods cannot;
  - ``"fractional_counts"``: a count that is not a whole number (an apportioned count),
    unless the catalogue says the indicator's counts are fractional by design
    (``fractional_counts``, e.g. deaths weighted by alcohol-attributable fractions);
  - ``"declared"``: the catalogue's ``larger_area_estimate`` (its words in ``estimate_reason``).

* ``old``: the series' newest period ends :data:`OLD_YEARS` or more years before the
  snapshot's newest period end (``years_behind``). Ends come from ``period_end``, worked out
  by :func:`hwb.data.periods.with_period_end` (periods are read only there).

* ``break_in_series``: from ``break_period`` on, values are not comparable with earlier ones.
  Evidence (``break_evidence``):

  - ``"detected"``: a one-period change far beyond the series' own variation in most
    districts of an area at once. For each series, the step from one period to the next
    of log(value / England's value) (so a change England shares, such as the pandemic's, is
    not a break) is compared with the series' other steps: it is *far beyond* when it is at
    least :data:`BREAK_Z` standard deviations of the other steps from their mean and at least
    :data:`BREAK_MIN_CHANGE` (15%) in size. A break is detected at a period when more than
    half of an area's districts (their parent county, or the groups given; at least
    :data:`BREAK_MIN_DISTRICTS` with a step to test) have such a step there: one district's
    jump can be real, the same jump in most of a county at once is a change of recording.
    ``break_change`` is this series' step there (relative, e.g. -0.28 for 28% down), and
    ``break_districts`` / ``break_districts_tested`` how many of the area's districts jumped;
  - ``"declared"``: the catalogue's ``breaks`` (its reason in ``break_reason``), for the areas
    named there (every area when none are).

  Only the latest break counts: ``points_after_break`` periods remain from it on
  (:func:`segment_after_break` keeps them). ``break_stops_comparison``: the break is a local
  change of recording (declared, and not ``comparable_with_england`` in the catalogue), so
  the first value after it is not compared with England either (:func:`fresh_break`); a
  change that reached England's figure too, or a detected break whose cause is not known,
  stops trends and projections across it but not the comparison.

* ``survey_without_limits``: a survey estimate (catalogue ``ci_method: survey``) whose latest
  value was published without confidence limits: small samples, nothing to test it with.

What each flag rules out (issue 27): estimates and old series are shown, labelled, but
never ranked among districts (:func:`rankable`) nor tested for significance as district
values (:func:`testable`), so never in key messages, priorities, summaries' lists or the
overview's counts; no trend, SPC or projection runs across a break, and none on a survey
estimate without limits (:func:`trendable`, :func:`projectable`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from hwb.stats import _validate as v

__all__ = [
    "BREAK_MIN_CHANGE",
    "BREAK_MIN_DISTRICTS",
    "BREAK_Z",
    "FITNESS_COLUMNS",
    "KEY",
    "OLD_YEARS",
    "SHARED_PERIODS",
    "TREND_WINDOW",
    "UNROUNDED_DECIMALS",
    "break_start",
    "combined_fitness",
    "fitness_for",
    "fresh_break",
    "projectable",
    "rankable",
    "segment_after_break",
    "series_fitness",
    "testable",
    "trendable",
    "unfit_reasons",
]

#: one fitness record per series: indicator, sex, age and area
KEY = ["indicator_id", "sex", "age", "area_code"]
#: a series whose newest period ends this many years or more before the snapshot's newest is old
OLD_YEARS = 5
#: decimal places from which a value counts as unrounded
UNROUNDED_DECIMALS = 3
#: periods in which two areas must share an unrounded value to be one estimate
SHARED_PERIODS = 2
#: a step this many standard deviations of the series' other steps from their mean is far beyond
BREAK_Z = 3.5
#: ... and at least this large (relative change against England)
BREAK_MIN_CHANGE = 0.15
#: an area needs at least this many districts with a step to test before a break is detected
BREAK_MIN_DISTRICTS = 3
#: steps besides the one tested that a series needs for its own variation
_OTHER_STEPS = 3
#: points the Fingertips recent trend uses: a trend needs this many after a break
TREND_WINDOW = 5

FITNESS_COLUMNS = [
    *KEY,
    "area_type",
    "n_periods",
    "latest_period",
    "latest_sortable",
    "latest_end",
    "larger_area_estimate",
    "estimate_evidence",
    "estimate_reason",
    "shared_with",
    "fractional_periods",
    "old",
    "years_behind",
    "break_in_series",
    "break_period",
    "break_sortable",
    "break_evidence",
    "break_reason",
    "break_change",
    "break_districts",
    "break_districts_tested",
    "break_stops_comparison",
    "points_after_break",
    "survey_without_limits",
]
_CATALOGUE = ["larger_area_estimate", "fractional_counts", "ci_method"]


def _decimals_at_least(values: np.ndarray, places: int) -> np.ndarray:
    """True where a value is not a multiple of 10**-(places - 1): it has ``places`` or more decimals."""
    scaled = values * 10 ** (places - 1)
    return np.abs(scaled - np.round(scaled)) > 1e-6 * np.maximum(1.0, np.abs(scaled))


def series_fitness(
    frame: pd.DataFrame,
    catalogue: pd.DataFrame,
    declared_breaks: pd.DataFrame | None = None,
    *,
    england_code: str = "E92000001",
    groups: Mapping[str, str] | None = None,
    newest_end: float | None = None,
    old_years: int = OLD_YEARS,
    break_z: float = BREAK_Z,
    break_min_change: float = BREAK_MIN_CHANGE,
) -> pd.DataFrame:
    """The fitness record of every series in ``frame`` (see the module docstring).

    ``frame``: tidy snapshot rows (:func:`hwb.data.load.load_snapshot`) with ``period_end``
    (:func:`hwb.data.periods.with_period_end`); rows with a category (``category_type`` not
    "") are ignored. ``catalogue``: :func:`hwb.data.catalogue.load_catalogue` (its
    ``larger_area_estimate``, ``fractional_counts`` and ``ci_method``, by indicator id).
    ``declared_breaks``: :func:`hwb.data.catalogue.declared_breaks`. ``groups``: area code ->
    the area a district belongs to for break detection (default: each area's
    ``parent_code`` anywhere in ``frame``, i.e. its county). ``newest_end``: the snapshot's
    newest period end (default: the newest in ``frame``).

    Returns one row per series, :data:`FITNESS_COLUMNS`: the key, the area type, how many
    periods have a value, the latest period (label, sortable, end year), then each flag with
    its evidence as data: ``estimate_evidence`` (a tuple of "declared", "shared_values",
    "fractional_counts"), ``estimate_reason`` (the catalogue's words), ``shared_with`` (a
    tuple of area codes), ``fractional_periods``; ``years_behind``; ``break_period``,
    ``break_sortable``, ``break_evidence`` (a tuple of "declared", "detected"),
    ``break_reason``, ``break_change``, ``break_districts``, ``break_districts_tested``,
    ``break_stops_comparison``, ``points_after_break``.
    """
    func = "series_fitness"
    v.require_frame(frame, func)
    v.require_columns(
        frame,
        [*KEY, "area_type", "category_type", "period", "period_sortable", "period_end", "value"],
        func,
    )
    v.require_columns(catalogue, _CATALOGUE, func)
    rows = frame[(frame["category_type"] == "") & frame["value"].notna()]
    rows = rows.sort_values([*KEY, "period_sortable"], kind="mergesort")
    if rows.empty:
        return pd.DataFrame(columns=FITNESS_COLUMNS)
    newest = float(rows["period_end"].max()) if newest_end is None else float(newest_end)
    out = _latest(rows)
    info = catalogue.reindex(out["indicator_id"].to_numpy())
    not_england = out["area_code"].ne(england_code).to_numpy()

    # estimates for a larger area
    declared_words = info["larger_area_estimate"].fillna("").astype(str).to_numpy()
    declared = (declared_words != "") & not_england
    shared = _shared_values(rows, england_code)
    fractional = _fractional_periods(rows, catalogue)
    out = out.merge(shared, on=KEY, how="left").merge(fractional, on=KEY, how="left")
    out["shared_with"] = [s if isinstance(s, tuple) else () for s in out["shared_with"]]
    out["fractional_periods"] = out["fractional_periods"].fillna(0).astype("int64")
    evidence = []
    for is_declared, partners, n_fractional in zip(
        declared, out["shared_with"], out["fractional_periods"], strict=True
    ):
        evidence.append(
            tuple(
                name
                for name, present in (
                    ("declared", is_declared),
                    ("shared_values", bool(partners)),
                    ("fractional_counts", n_fractional > 0),
                )
                if present
            )
        )
    out["estimate_evidence"] = evidence
    out["larger_area_estimate"] = [bool(e) for e in evidence]
    out["estimate_reason"] = np.where(declared, declared_words, "")

    # old
    out["years_behind"] = newest - out["latest_end"]
    out["old"] = (out["years_behind"] >= old_years).fillna(False).astype(bool)

    # breaks
    found = _breaks(rows, declared_breaks, england_code, groups, break_z, break_min_change, frame)
    out = out.merge(found, on=KEY, how="left")
    out["break_in_series"] = out["break_sortable"].notna()
    out["break_evidence"] = [e if isinstance(e, tuple) else () for e in out["break_evidence"]]
    out["break_period"] = out["break_period"].fillna("").astype(str)
    out["break_reason"] = out["break_reason"].fillna("").astype(str)
    for column in ("break_districts", "break_districts_tested"):
        out[column] = out[column].fillna(0).astype("int64")
    out["break_stops_comparison"] = [
        isinstance(x, bool | np.bool_) and bool(x) for x in out["break_stops_comparison"]
    ]
    broken = out.loc[out["break_in_series"], [*KEY, "break_sortable"]]
    after = rows.merge(broken, on=KEY)
    after = after[after["period_sortable"] >= after["break_sortable"].astype(float)]
    counted = after.groupby(KEY, sort=False).size().rename("points_after_break")
    out = out.merge(counted.reset_index(), on=KEY, how="left")
    out["points_after_break"] = out["points_after_break"].fillna(0).astype("int64")

    # surveys without limits
    survey = info["ci_method"].eq("survey").to_numpy()
    out["survey_without_limits"] = survey & out["_no_limits"].to_numpy()
    return out[FITNESS_COLUMNS].reset_index(drop=True)


def _latest(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per series: its area type, periods with a value and its latest period."""
    grouped = rows.groupby(KEY, sort=True, dropna=False)
    last = grouped.tail(1).set_index(KEY)
    out = pd.DataFrame(
        {
            "area_type": last["area_type"],
            "n_periods": grouped["period_sortable"].nunique(),
            "latest_period": last["period"],
            "latest_sortable": last["period_sortable"],
            "latest_end": last["period_end"].astype(float),
            "_no_limits": (
                last["lower_95"].isna() | last["upper_95"].isna()
                if {"lower_95", "upper_95"} <= set(last.columns)
                else True
            ),
        }
    )
    return out.reset_index()


def _shared_values(rows: pd.DataFrame, england_code: str) -> pd.DataFrame:
    """Each area's partners: areas of its type with the same unrounded value in
    :data:`SHARED_PERIODS` or more periods."""
    values = rows["value"].to_numpy(dtype=float)
    cand = rows[_decimals_at_least(values, UNROUNDED_DECIMALS) & rows["area_code"].ne(england_code)]
    same = ["indicator_id", "sex", "age", "area_type", "period_sortable", "value"]
    cand = cand[cand.duplicated(same, keep=False)]
    if cand.empty:
        return pd.DataFrame(columns=[*KEY, "shared_with"])
    pairs = cand[[*same, "area_code"]].merge(
        cand[[*same, "area_code"]], on=same, suffixes=("", "_other")
    )
    pairs = pairs[pairs["area_code"] != pairs["area_code_other"]]
    counted = pairs.groupby([*KEY, "area_code_other"], sort=True).size()
    counted = counted[counted >= SHARED_PERIODS].reset_index()
    partners = counted.groupby(KEY, sort=True)["area_code_other"].agg(lambda s: tuple(sorted(s)))
    return partners.rename("shared_with").reset_index()


def _fractional_periods(rows: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Periods with a count that is not a whole number, per series (indicators whose counts are
    fractional by design left out)."""
    if "count" not in rows.columns:
        return pd.DataFrame(columns=[*KEY, "fractional_periods"])
    by_design = rows["indicator_id"].map(catalogue["fractional_counts"]).fillna(False).astype(bool)
    counts = rows["count"].to_numpy(dtype=float)
    fractional = np.isfinite(counts) & (np.abs(counts - np.round(counts)) > 1e-6)
    hit = rows[fractional & ~by_design.to_numpy()]
    counted = hit.groupby(KEY, sort=True)["period_sortable"].nunique()
    return counted.rename("fractional_periods").reset_index()


def _group_of(frame: pd.DataFrame, groups: Mapping[str, str] | None) -> dict[str, str]:
    if groups is not None:
        return dict(groups)
    if "parent_code" not in frame.columns:
        return {}
    known = frame.loc[
        frame["parent_code"].notna() & frame["parent_code"].ne(""), ["area_code", "parent_code"]
    ]
    return dict(known.drop_duplicates("area_code").itertuples(index=False, name=None))


def _steps(
    rows: pd.DataFrame, england_code: str, z_limit: float, min_change: float
) -> pd.DataFrame:
    """Each district step of log(value / England's value) from one period to the next, and
    whether it is far beyond the series' other steps (their mean and standard deviation, worked
    out for all steps at once from each series' sums)."""
    same = ["indicator_id", "sex", "age", "period_sortable"]
    england = rows.loc[rows["area_code"] == england_code, [*same, "value"]]
    areas = rows[rows["area_code"] != england_code].merge(
        england.rename(columns={"value": "_england"}), on=same
    )
    areas = areas[(areas["value"] > 0) & (areas["_england"] > 0)]
    areas = areas.sort_values([*KEY, "period_sortable"], kind="mergesort")
    ratio = np.log(areas["value"].to_numpy(dtype=float) / areas["_england"].to_numpy(dtype=float))
    areas = areas.assign(
        _step=pd.Series(ratio, index=areas.index)
        .groupby([areas[k] for k in KEY], sort=False)
        .diff()
    )
    steps = areas[areas["_step"].notna()].assign(_square=lambda t: t["_step"] ** 2)
    by = steps.groupby(KEY, sort=False)
    n = by["_step"].transform("size").to_numpy(dtype=float)
    total = by["_step"].transform("sum").to_numpy(dtype=float)
    squares = by["_square"].transform("sum").to_numpy(dtype=float)
    d = steps["_step"].to_numpy(dtype=float)
    enough = n - 1 >= _OTHER_STEPS
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = (total - d) / (n - 1)
        var = (squares - d**2 - (n - 1) * mean**2) / (n - 2)
        sd = np.sqrt(np.maximum(var, 0.0))
        z = np.where(sd > 1e-12, (d - mean) / sd, np.inf * np.sign(d - mean))
    far = enough & (np.abs(z) >= z_limit) & (np.abs(d) >= np.log1p(min_change))
    out = steps.loc[enough, [*KEY, "period_sortable", "period"]].copy()
    out["change"] = np.expm1(d[enough])
    out["far"] = far[enough]
    return out.reset_index(drop=True)


def _breaks(
    rows: pd.DataFrame,
    declared: pd.DataFrame | None,
    england_code: str,
    groups: Mapping[str, str] | None,
    z_limit: float,
    min_change: float,
    frame: pd.DataFrame,
) -> pd.DataFrame:
    """The latest break of each series: detected in most districts of its area, or declared."""
    columns = [*KEY, "period_sortable", "period", "evidence", "reason", "change", "k", "n", "stops"]
    found: list[tuple] = []
    steps = _steps(rows, england_code, z_limit, min_change)
    group_of = _group_of(frame, groups)
    if len(steps) and group_of:
        steps["_group"] = steps["area_code"].map(group_of)
        steps = steps[steps["_group"].notna()]
        same = ["indicator_id", "sex", "age", "_group", "period_sortable"]
        tally = steps.groupby(same, sort=True)["far"].agg(["sum", "size"]).reset_index()
        hits = tally[(tally["size"] >= BREAK_MIN_DISTRICTS) & (tally["sum"] * 2 > tally["size"])]
        if len(hits):
            members = rows[rows["area_code"].map(group_of).notna()].assign(
                _group=lambda d: d["area_code"].map(group_of)
            )
            series = members[[*KEY, "_group"]].drop_duplicates()
            hit = series.merge(hits, on=["indicator_id", "sex", "age", "_group"])
            hit = hit.merge(
                steps[[*KEY, "period_sortable", "period", "change"]],
                on=[*KEY, "period_sortable"],
                how="left",
            )
            labels = rows.drop_duplicates(["indicator_id", "period_sortable"]).set_index(
                ["indicator_id", "period_sortable"]
            )["period"]
            for r in hit.itertuples(index=False):
                label = labels.get((r.indicator_id, r.period_sortable), "")
                found.append(
                    (r.indicator_id, r.sex, r.age, r.area_code, r.period_sortable, label,
                     "detected", "", r.change, int(r.sum), int(r.size), False)
                )  # fmt: skip
    if declared is not None and len(declared):
        v.require_columns(
            declared, ["indicator_id", "period", "area_code", "reason"], "series_fitness"
        )
        sortable = rows.drop_duplicates(["indicator_id", "period"]).set_index(
            ["indicator_id", "period"]
        )["period_sortable"]
        series = rows[KEY].drop_duplicates()
        if "comparable_with_england" not in declared.columns:
            declared = declared.assign(comparable_with_england=False)
        for d in declared.itertuples(index=False):
            at = sortable.get((int(d.indicator_id), str(d.period)))
            if at is None:  # the declared period is not in the data: nothing to break
                continue
            mine = series[series["indicator_id"] == int(d.indicator_id)]
            if d.area_code:
                mine = mine[mine["area_code"] == d.area_code]
            for r in mine.itertuples(index=False):
                found.append(
                    (r.indicator_id, r.sex, r.age, r.area_code, at, str(d.period), "declared",
                     str(d.reason), np.nan, 0, 0, not bool(d.comparable_with_england))
                )  # fmt: skip
    table = pd.DataFrame(found, columns=columns)
    if table.empty:
        return pd.DataFrame(
            columns=[
                *KEY,
                "break_sortable",
                "break_period",
                "break_evidence",
                "break_reason",
                "break_change",
                "break_districts",
                "break_districts_tested",
                "break_stops_comparison",
            ]
        )
    latest = table.groupby(KEY, sort=True)["period_sortable"].transform("max")
    table = table[table["period_sortable"] == latest]
    merged = table.groupby(KEY, sort=True).agg(
        break_sortable=("period_sortable", "first"),
        break_period=("period", "first"),
        break_evidence=("evidence", lambda s: tuple(sorted(set(s)))),
        break_reason=("reason", lambda s: next((x for x in s if x), "")),
        break_change=("change", "max"),
        break_districts=("k", "max"),
        break_districts_tested=("n", "max"),
        break_stops_comparison=("stops", "any"),
    )
    # a declared break's change is the series' own step there, where one was measured
    own = steps.set_index([*KEY, "period_sortable"])["change"] if len(steps) else None
    if own is not None:
        index = pd.MultiIndex.from_arrays(
            [merged.index.get_level_values(k) for k in KEY] + [merged["break_sortable"]]
        )
        measured = own.reindex(index).to_numpy()
        merged["break_change"] = np.where(
            merged["break_change"].isna(), measured, merged["break_change"]
        )
    return merged.reset_index()


# --------------------------------------------------------------------------- what each flag allows
def fitness_for(rows: pd.DataFrame, fitness: pd.DataFrame) -> pd.DataFrame:
    """``rows`` (e.g. a headline table: one row per indicator, sex and age for one area, with
    ``area_code``) with their series' fitness columns; a row without a record is fit."""
    v.require_columns(rows, KEY, "fitness_for")
    flags = fitness.reindex(columns=FITNESS_COLUMNS)
    flags = flags.drop(columns=[c for c in flags.columns if c in rows.columns and c not in KEY])
    out = rows.merge(flags, on=KEY, how="left", validate="many_to_one")
    out.index = rows.index
    for column in (
        "larger_area_estimate",
        "old",
        "break_in_series",
        "break_stops_comparison",
        "survey_without_limits",
    ):
        out[column] = [x is True or x == 1 for x in out[column]]
    out["points_after_break"] = out["points_after_break"].fillna(0).astype("int64")
    for column in ("estimate_evidence", "break_evidence", "shared_with"):
        out[column] = [x if isinstance(x, tuple) else () for x in out[column]]
    for column in ("estimate_reason", "break_reason", "break_period"):
        out[column] = [x if isinstance(x, str) else "" for x in out[column]]
    return out


def _flags(table: pd.DataFrame, func: str) -> pd.DataFrame:
    v.require_columns(
        table,
        [
            "larger_area_estimate",
            "old",
            "break_in_series",
            "points_after_break",
            "survey_without_limits",
        ],
        func,
    )
    return table


def rankable(table: pd.DataFrame) -> pd.Series:
    """May the value be ranked among districts? Not an estimate for a larger area, not old."""
    t = _flags(table, "rankable")
    return ~t["larger_area_estimate"].astype(bool) & ~t["old"].astype(bool)


def testable(table: pd.DataFrame) -> pd.Series:
    """May the value be tested for significance as a district value (and so reach key messages,
    priorities, summary lists and the overview's counts)? Not an estimate, not old."""
    return rankable(_flags(table, "testable"))


testable.__test__ = False  # a predicate, not a test: pytest must not collect it where imported


def trendable(table: pd.DataFrame, window: int = TREND_WINDOW) -> pd.Series:
    """May a recent trend (or SPC) be read from the series' last ``window`` points? Testable, not
    a survey without limits, and no break inside the window (``window`` points after it)."""
    t = _flags(table, "trendable")
    clear = ~t["break_in_series"].astype(bool) | (t["points_after_break"] >= window)
    return testable(t) & ~t["survey_without_limits"].astype(bool) & clear


def projectable(table: pd.DataFrame) -> pd.Series:
    """May the series be projected (on its segment after any break, :func:`segment_after_break`)?
    Testable and not a survey without limits."""
    t = _flags(table, "projectable")
    return testable(t) & ~t["survey_without_limits"].astype(bool)


def unfit_reasons(table: pd.DataFrame) -> pd.Series:
    """Each row's flags that are set, as a tuple of their names in :data:`FITNESS_COLUMNS` order
    ("larger_area_estimate", "old", "break_in_series", "survey_without_limits")."""
    t = _flags(table, "unfit_reasons")
    names = ("larger_area_estimate", "old", "break_in_series", "survey_without_limits")
    return pd.Series(
        [tuple(n for n in names if bool(r[n])) for _, r in t[list(names)].iterrows()],
        index=t.index,
        dtype=object,
    )


def break_start(series: pd.DataFrame, fitness: pd.DataFrame) -> pd.Series:
    """For each row of ``series`` (any areas, with :data:`KEY`), the ``period_sortable`` its
    series' latest break starts at (NaN for a series without a break), aligned to its index:
    what a chart needs to leave a gap at the break."""
    v.require_columns(series, KEY, "break_start")
    breaks = fitness.loc[fitness["break_in_series"].astype(bool), [*KEY, "break_sortable"]]
    at = series[KEY].merge(breaks, on=KEY, how="left", validate="many_to_one")["break_sortable"]
    return pd.Series(at.to_numpy(dtype=float), index=series.index, name="break_sortable")


def segment_after_break(series: pd.DataFrame, fitness: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``series`` (any areas, with :data:`KEY` and ``period_sortable``) from their
    series' break on; a series without a break is kept whole. Order is kept."""
    v.require_columns(series, [*KEY, "period_sortable"], "segment_after_break")
    at = break_start(series, fitness).to_numpy()
    keep = np.isnan(at) | (series["period_sortable"].to_numpy(dtype=float) >= at)
    return series[keep]


def fresh_break(table: pd.DataFrame) -> pd.Series:
    """Is each row's value the first after a break that stops the comparison with England
    (``break_stops_comparison``: a local change of recording)? Its level is not comparable with
    England's until the new series has its own history, so it is not compared, ranked into
    lists or prioritised. ``table``: rows with their fitness (:func:`fitness_for`) and
    ``period_sortable`` (the row's period)."""
    v.require_columns(
        table,
        ["break_in_series", "break_stops_comparison", "break_sortable", "period_sortable"],
        "fresh_break",
    )
    at = pd.to_numeric(table["break_sortable"], errors="coerce").to_numpy(dtype=float)
    now = pd.to_numeric(table["period_sortable"], errors="coerce").to_numpy(dtype=float)
    stops = table["break_in_series"].astype(bool) & table["break_stops_comparison"].astype(bool)
    return pd.Series(stops.to_numpy() & (at == now), index=table.index, dtype=bool)


def combined_fitness(fitness: pd.DataFrame, members: list[str], code: str) -> pd.DataFrame:
    """Fitness records for a combined area (``code``, e.g. a two-district partnership) from its
    ``members``' records: an estimate, old, broken or a survey without limits when any member's
    series is (the combined figure inherits every member's weakness), with the latest break
    and the fewest points after it; the evidence of every member, joined."""
    mine = fitness[fitness["area_code"].isin(members)]
    if mine.empty:
        return fitness.iloc[:0]
    rows = []
    for _key, g in mine.groupby(KEY[:3], sort=True):
        broken = g[g["break_in_series"]]
        latest = (
            broken.loc[broken["break_sortable"].astype(float).idxmax()] if len(broken) else None
        )
        row = g.iloc[0].to_dict()
        row.update(
            area_code=code,
            larger_area_estimate=bool(g["larger_area_estimate"].any()),
            estimate_evidence=tuple(sorted({e for t in g["estimate_evidence"] for e in t})),
            estimate_reason=next((r for r in g["estimate_reason"] if r), ""),
            shared_with=tuple(sorted({a for t in g["shared_with"] for a in t} - set(members))),
            fractional_periods=int(g["fractional_periods"].max()),
            old=bool(g["old"].any()),
            years_behind=float(g["years_behind"].max()),
            latest_end=float(g["latest_end"].min()),
            survey_without_limits=bool(g["survey_without_limits"].any()),
            break_in_series=latest is not None,
        )
        unbroken = {
            "break_period": "",
            "break_sortable": np.nan,
            "break_evidence": (),
            "break_reason": "",
            "break_change": np.nan,
            "break_districts": 0,
            "break_districts_tested": 0,
            "break_stops_comparison": False,
        }
        row.update({c: latest[c] for c in unbroken} if latest is not None else unbroken)
        row["points_after_break"] = int(broken["points_after_break"].min()) if len(broken) else 0
        rows.append(row)
    return pd.DataFrame(rows, columns=FITNESS_COLUMNS)
