"""Confidence intervals for proportions, rates and standardised rates: thin wrappers over PHStatsMethods.

PHStatsMethods is DHSC's Python implementation of the Fingertips methods. This
module does not re-derive what it computes; it gives the project one API in the
tidy-frame style (``value``, ``lower_95``, ``upper_95``, ``lower_998``,
``upper_998``), validates inputs with :class:`~hwb.errors.StatsInputError`, and
works around two narrow problems found in version 0.1.16:

* ``byars_upper(0)`` raises, so a zero count (common for small districts)
  crashes ``ph_rate``/``ph_ISRate``/``ph_ISRatio``. For zero counts we use the
  exact Poisson limits PHStatsMethods itself uses below 10 events: lower 0,
  upper ``exact_upper(0, confidence)`` (3.689 events at 95%), as Fingertips does.
* ``ph_dsr`` with ``euro_standard_pops=True`` prints to stdout and matches
  bands by sort order; we attach ESP 2013 weights ourselves by band start age
  (refusing mismatched bands) and call it with ``euro_standard_pops=False``.

Where PHStatsMethods and the reference implementation, PHEindicatormethods (R), differ
in what they accept, these functions follow PHEindicatormethods: confidence is one level
in 0.9-1 or 90-100, or the pair 0.95 and 0.998 (see :func:`hwb.stats._validate.confidences`);
Wilson limits at confidence 1 are 0 and 1 (x multiplier); a DSR group with every
population missing, a multiplier that is not a number, and a ratio funnel without
``ratio_type`` are errors; and any input PHStatsMethods refuses is reported as a
:class:`~hwb.errors.StatsInputError` naming the function, never as PHStatsMethods' own
``ValueError``/``TypeError``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
import PHStatsMethods as phs

from hwb.stats import _validate as v

__all__ = [
    "ESP2013_BAND_STARTS",
    "crude_rate",
    "dsr",
    "esp2013",
    "funnel_limits",
    "funnel_significance",
    "isr",
    "isratio",
    "limit_columns",
    "poisson_limits",
    "proportion",
]

ESP2013_BAND_STARTS = tuple(range(0, 95, 5))  # 0-4, 5-9, ..., 85-89, 90+


def limit_columns(level: float) -> tuple[str, str]:
    """The names of the lower and upper limit columns this module's functions write at
    confidence ``level`` (0.95: ``lower_95``, ``upper_95``; 0.998: ``lower_998``, ...)."""
    return v.lower_col(level), v.upper_col(level)


def esp2013() -> pd.DataFrame:
    """The 2013 European Standard Population (19 bands, 90+ open), from PHStatsMethods."""
    esp = phs.euro_standard_pop().rename(
        columns={"esp_age_bands": "band", "euro_standard_pops": "esp2013"}
    )
    esp["age_start"] = list(ESP2013_BAND_STARTS)
    return esp[["age_start", "band", "esp2013"]]


def _int_multiplier(multiplier: float, func: str) -> int:
    """A positive whole-number multiplier; text ('1000'), bools and fractions are refused."""
    value = v.multiplier_value(multiplier, func)
    if not value.is_integer():
        raise v.StatsInputError(
            f"{func}: multiplier {multiplier!r} must be a positive whole number (e.g. 100, 100000)."
        )
    return int(value)


def _ph(func: str, method, *args, **kwargs):
    """Call a PHStatsMethods function; what it refuses becomes a :class:`StatsInputError`."""
    try:
        return method(*args, **kwargs)
    except v.StatsInputError:
        raise
    except (ValueError, TypeError, KeyError, ZeroDivisionError) as exc:
        raise v.StatsInputError(
            f"{func}: PHStatsMethods.{getattr(method, '__name__', 'function')} refused the input: {exc}"
        ) from exc


def _aggregate(df: pd.DataFrame, cols: list[str], group_cols: list[str]) -> pd.DataFrame:
    """Sum ``cols`` within groups (a missing value anywhere in a group makes the sum missing)."""
    if not group_cols:
        return df.reset_index(drop=True).copy()
    keys = [df[c] for c in group_cols]
    sums = df.groupby(keys, sort=True, dropna=False)[cols].sum(min_count=1)
    anyna = df[cols].isna().groupby(keys, sort=True, dropna=False).any()
    sums = sums.mask(anyna)
    return sums.reset_index()


def _rename_ph(out: pd.DataFrame, levels: tuple[float, ...]) -> pd.DataFrame:
    ren = {"Value": "value"}
    for c in levels:
        ren[phs.validation.ci_col(c, "lower")] = v.lower_col(c)
        ren[phs.validation.ci_col(c, "upper")] = v.upper_col(c)
    return out.rename(columns=ren)


def _check_counts(df, count_col, denominator_col, group_cols, func):
    v.require_frame(df, func)
    v.require_columns(df, [count_col, denominator_col, *group_cols], func)
    v.require_numeric(df, [count_col, denominator_col], func)
    v.require_non_negative(df, [count_col], func)
    v.require_positive(df, [denominator_col], func)


def proportion(
    df: pd.DataFrame,
    count_col: str = "count",
    denominator_col: str = "denominator",
    group_cols: str | Iterable[str] | None = None,
    confidence: v.Confidence = 0.95,
    multiplier: float = 100,
) -> pd.DataFrame:
    """Proportions with Wilson score limits (``PHStatsMethods.ph_proportion``), as Fingertips publishes.

    Without ``group_cols`` every row is its own estimate and all input columns are
    kept; with them, counts and denominators are summed within each group first.
    Returns the rows with ``value`` and ``lower_<c>``/``upper_<c>`` for each
    confidence level (e.g. ``lower_95``, ``upper_998``), scaled by ``multiplier``
    (100 = per cent), and ``method`` ("Wilson").

    ``confidence`` is one level (0.9-1, or 90-100 as a percentage) or (0.95, 0.998); at
    confidence 1 the limits are 0 and 1 x ``multiplier``, as PHEindicatormethods returns
    (PHStatsMethods raises there). ``multiplier`` must be a positive whole number.

    Reference: Wilson EB (1927); Newcombe RG & Altman DG (2000), as in the
    Fingertips technical guidance and PHEindicatormethods ``phe_proportion``.
    """
    func = "proportion"
    groups = v.as_list(group_cols)
    levels = v.confidences(confidence, func)
    mult = _int_multiplier(multiplier, func)
    _check_counts(df, count_col, denominator_col, groups, func)
    v.require_count_le_denominator(df, count_col, denominator_col, func)
    base = _aggregate(df, [count_col, denominator_col], groups)
    work = base[[count_col, denominator_col]].astype(float)
    if len(work) and levels == (1.0,):  # certainty: the whole range, as PHEindicatormethods
        value = (work[count_col] / work[denominator_col] * mult).to_numpy()
        res = pd.DataFrame(
            {
                "value": value,
                v.lower_col(1.0): np.where(np.isnan(value), np.nan, 0.0),
                v.upper_col(1.0): np.where(np.isnan(value), np.nan, float(mult)),
            }
        )
    elif len(work):
        res = _ph(
            func,
            phs.ph_proportion,
            work,
            count_col,
            denominator_col,
            metadata=False,
            confidence=list(levels),
            multiplier=mult,
        )
        res = _rename_ph(res, levels)
    else:
        res = pd.DataFrame(
            columns=["value", *[f(c) for c in levels for f in (v.lower_col, v.upper_col)]]
        )
    out = base.copy()
    for col in ["value", *[f(c) for c in levels for f in (v.lower_col, v.upper_col)]]:
        out[col] = res[col].to_numpy(dtype=float)
    out["method"] = "Wilson"
    return out


def poisson_limits(
    counts: Iterable[float] | pd.Series, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper limits for Poisson counts: Byar's method, exact below 10 events.

    Uses ``PHStatsMethods.byars_lower``/``byars_upper`` (which switch to the exact
    Poisson method below 10); a zero count gets (0, ``exact_upper(0)``) because
    ``byars_upper(0)`` raises in PHStatsMethods 0.1.16. Missing counts give NaN.
    """
    level = v.confidences(confidence, "poisson_limits")[0]
    arr = np.asarray(counts, dtype=float)
    lower = np.full(arr.shape, np.nan)
    upper = np.full(arr.shape, np.nan)
    for i, x in enumerate(arr):
        if np.isnan(x):
            continue
        if x == 0:
            lower[i], upper[i] = 0.0, float(_ph("poisson_limits", phs.exact_upper, 0, level))
        else:
            lower[i] = float(_ph("poisson_limits", phs.byars_lower, x, level))
            upper[i] = float(_ph("poisson_limits", phs.byars_upper, x, level))
    return lower, upper


def crude_rate(
    df: pd.DataFrame,
    count_col: str = "count",
    denominator_col: str = "denominator",
    group_cols: str | Iterable[str] | None = None,
    confidence: v.Confidence = 0.95,
    multiplier: float = 100_000,
) -> pd.DataFrame:
    """Crude rates with Byar's limits, exact Poisson below 10 events (``PHStatsMethods.ph_rate``).

    Same shape as :func:`proportion`; ``method`` is "Byar's" or "Exact Poisson"
    (fewer than 10 events). Zero counts get lower 0 and the exact upper limit
    (see module note). References: Breslow & Day (1987); Armitage & Berry (2002).
    """
    func = "crude_rate"
    groups = v.as_list(group_cols)
    levels = v.confidences(confidence, func)
    mult = _int_multiplier(multiplier, func)
    _check_counts(df, count_col, denominator_col, groups, func)
    base = _aggregate(df, [count_col, denominator_col], groups)
    work = base[[count_col, denominator_col]].astype(float)
    zero = (work[count_col] == 0).to_numpy()
    out = base.copy()
    out["value"] = (work[count_col] / work[denominator_col] * mult).to_numpy()
    if len(work):
        safe = work.copy()
        safe.loc[zero, count_col] = np.nan  # PHStatsMethods cannot take 0; filled below
        res = _rename_ph(
            _ph(
                func,
                phs.ph_rate,
                safe,
                count_col,
                denominator_col,
                metadata=False,
                confidence=list(levels),
                multiplier=mult,
            ),
            levels,
        )
    for c in levels:
        lo = res[v.lower_col(c)].to_numpy(dtype=float) if len(work) else np.array([])
        up = res[v.upper_col(c)].to_numpy(dtype=float) if len(work) else np.array([])
        if zero.any():
            lo = lo.copy()
            up = up.copy()
            lo[zero] = 0.0
            up[zero] = float(phs.exact_upper(0, c)) / work[denominator_col].to_numpy()[zero] * mult
        out[v.lower_col(c)] = lo
        out[v.upper_col(c)] = up
    out["method"] = np.where(
        work[count_col].isna(), "", np.where(work[count_col] < 10, "Exact Poisson", "Byar's")
    )
    return out


def _age_start(label: object) -> int | None:
    if isinstance(label, (int, np.integer)):
        return int(label)
    if isinstance(label, float) and label.is_integer():
        return int(label)
    m = re.search(r"\d+", str(label))
    return int(m.group()) if m else None


def dsr(
    df: pd.DataFrame,
    count_col: str = "count",
    population_col: str = "denominator",
    age_col: str = "age",
    group_cols: str | Iterable[str] | None = None,
    confidence: v.Confidence = 0.95,
    multiplier: float = 100_000,
) -> pd.DataFrame:
    """Directly standardised rates (ESP 2013) with Dobson limits (``PHStatsMethods.ph_dsr``).

    ``df`` has one row per 5-year age band (0-4, 5-9, ..., 85-89, 90+) per group;
    bands are matched to the 2013 European Standard Population by their start age
    (the first number in ``age_col``), and a group with missing, extra or
    repeated bands is refused. As in Fingertips, the value and limits are blank
    when the group has fewer than 10 events. A group whose populations are all
    missing is an error (as PHEindicatormethods), not a silent blank; so is a
    ``multiplier`` that is not a positive whole number (e.g. the text '1000').
    Returns one row per group with ``count``, ``denominator``, ``value``, limits and
    ``method`` ("Dobson").

    References: Dobson AJ et al., Stat Med 1991;10:457-62; Breslow & Day (1987);
    Eurostat, Revision of the European Standard Population (2013).
    """
    func = "dsr"
    groups = v.as_list(group_cols)
    levels = v.confidences(confidence, func)
    mult = _int_multiplier(multiplier, func)
    _check_counts(df, count_col, population_col, [age_col, *groups], func)
    work = df[[*groups, age_col, count_col, population_col]].copy()
    work["_age_start"] = [_age_start(a) for a in work[age_col]]
    expected = sorted(ESP2013_BAND_STARTS)
    for key, g in work.groupby(groups, sort=True, dropna=False) if groups else [((), work)]:
        starts = sorted(s for s in g["_age_start"] if s is not None)
        if starts != expected or g["_age_start"].isna().any():
            missing = sorted(set(expected) - set(starts))
            extra = sorted(set(starts) - set(expected))
            repeated = sorted({s for s in starts if starts.count(s) > 1})
            where = (
                f" for group {dict(zip(groups, key if isinstance(key, tuple) else (key,), strict=False))}"
                if groups
                else ""
            )
            raise v.StatsInputError(
                f"{func}: age bands in {age_col!r}{where} do not match the 19 ESP 2013 bands "
                f"(0-4, 5-9, ..., 85-89, 90+): missing starts {missing}, unexpected {extra}, repeated {repeated}. "
                "Aggregate 0 and 1-4 into 0-4 and 90+ into one band."
            )
        if g[population_col].isna().all():
            where = (
                f" for group {dict(zip(groups, key if isinstance(key, tuple) else (key,), strict=False))}"
                if groups
                else ""
            )
            raise v.StatsInputError(
                f"{func}: every population in {population_col!r}{where} is missing, so there is no "
                "rate to standardise; give the populations, or leave that group out."
            )
    esp = esp2013().set_index("age_start")["esp2013"]
    work["_esp"] = work["_age_start"].map(esp).astype(float)
    work[count_col] = work[count_col].astype(float)
    work[population_col] = work[population_col].astype(float)
    res = _ph(
        func,
        phs.ph_dsr,
        work[[*groups, count_col, population_col, "_esp"]],
        count_col,
        population_col,
        "_esp",
        group_cols=groups or None,
        metadata=False,
        confidence=list(levels),
        multiplier=mult,
        euro_standard_pops=False,
    )
    res = _rename_ph(res, levels).rename(
        columns={"Total Count": "count", "Total Pop": "denominator"}
    )
    for c in levels:  # Fingertips blanks the limits with the value below 10 events
        res.loc[res["count"] < 10, [v.lower_col(c), v.upper_col(c)]] = np.nan
    res["method"] = "Dobson"
    cols = [
        *groups,
        "count",
        "denominator",
        "value",
        *[f(c) for c in levels for f in (v.lower_col, v.upper_col)],
        "method",
    ]
    return res[cols].reset_index(drop=True)


def _indirect(
    df,
    count_col,
    population_col,
    ref_count_col,
    ref_population_col,
    group_cols,
    confidence,
    func,
    ph_func,
    ph_kw,
    scale,
):
    """Run an indirect-standardisation PHStatsMethods function; patch groups with 0 observed events.

    ``scale(g)`` gives the factor applied to observed/expected for a group's rows
    ``g`` (refvalue for ratios; the reference crude rate x multiplier for rates).

    As PHEindicatormethods: every group must have the same bands (rows) as the others,
    since a group lacking bands would have its reference rates recomputed from its own
    bands only; a band with zero local population is allowed (it expects no events),
    while reference populations must be above zero.
    """
    groups = v.as_list(group_cols)
    levels = v.confidences(confidence, func)
    v.require_frame(df, func)
    v.require_columns(
        df, [count_col, population_col, ref_count_col, ref_population_col, *groups], func
    )
    v.require_numeric(df, [count_col, population_col, ref_count_col, ref_population_col], func)
    v.require_non_negative(df, [count_col, ref_count_col, population_col], func)
    v.require_positive(df, [ref_population_col], func)
    cols = [count_col, population_col, ref_count_col, ref_population_col]
    work = df[[*cols, *groups]].copy()
    for c in cols:
        work[c] = work[c].astype(float)
    gcols = groups or ["_all"]
    if not groups:
        work["_all"] = "all"
    sizes = work.groupby(gcols, sort=True, dropna=False).size()
    if groups and sizes.nunique() > 1:
        bands = int(sizes.max())
        short = sizes[sizes < bands]
        named = ", ".join(
            f"{dict(zip(groups, k if isinstance(k, tuple) else (k,), strict=False))} has {n}"
            for k, n in short.head(5).items()
        )
        raise v.StatsInputError(
            f"{func}: every group needs the same {bands} standardisation bands, but {named}; "
            "a group lacking bands would be standardised against reference rates from its own "
            "bands only. Give every group every band (0 events where there were none)."
        )
    observed = work.groupby(gcols, sort=True, dropna=False)[count_col].transform("sum")
    zero = (observed == 0).to_numpy()
    parts = []
    if (~zero).any():
        res = _ph(
            func,
            ph_func,
            work[~zero],
            count_col,
            population_col,
            ref_count_col,
            ref_population_col,
            group_cols=gcols,
            metadata=False,
            confidence=list(levels),
            **ph_kw,
        )
        parts.append(
            _rename_ph(res, levels).rename(columns={"Observed": "observed", "Expected": "expected"})
        )
    if (
        zero.any()
    ):  # PHStatsMethods raises on 0 observed: exact limits (0, exact_upper(0)) / expected
        rows = []
        for key, g in work[zero].groupby(gcols, sort=True, dropna=False):
            k = key if isinstance(key, tuple) else (key,)
            e = float(
                (
                    g[ref_count_col].fillna(0) / g[ref_population_col] * g[population_col].fillna(0)
                ).sum()
            )
            row = dict(zip(gcols, k, strict=False), observed=0.0, expected=e, value=0.0)
            for c in levels:
                row[v.lower_col(c)] = 0.0
                row[v.upper_col(c)] = float(phs.exact_upper(0, c)) / e * scale(g)
            rows.append(row)
        parts.append(pd.DataFrame(rows))
    out = (
        pd.concat(parts, ignore_index=True).sort_values(gcols, kind="stable").reset_index(drop=True)
    )
    out["method"] = np.where(out["observed"] < 10, "Exact Poisson", "Byar's")
    keep = [
        *groups,
        "observed",
        "expected",
        "value",
        *[f(c) for c in levels for f in (v.lower_col, v.upper_col)],
        "method",
    ]
    return out[keep]


def isr(
    df: pd.DataFrame,
    count_col: str = "count",
    population_col: str = "denominator",
    ref_count_col: str = "ref_count",
    ref_population_col: str = "ref_denominator",
    group_cols: str | Iterable[str] | None = None,
    confidence: v.Confidence = 0.95,
    multiplier: float = 100_000,
) -> pd.DataFrame:
    """Indirectly standardised rates (``PHStatsMethods.ph_ISRate``), Byar's / exact limits.

    One row per standardisation band per group, with the reference (e.g.
    England) counts and populations for that band in ``ref_count_col`` and
    ``ref_population_col``. Returns one row per group: ``observed``,
    ``expected``, ``value`` (observed / expected x the reference crude rate) and
    limits. Every group must have the same bands (as PHEindicatormethods; a group
    lacking some is an error, not a rate against a reference recomputed from its own
    bands); a band with zero local population is allowed. Reference: Breslow & Day (1987).
    """
    mult = _int_multiplier(multiplier, "isr")
    return _indirect(
        df,
        count_col,
        population_col,
        ref_count_col,
        ref_population_col,
        group_cols,
        confidence,
        "isr",
        phs.ph_ISRate,
        {"multiplier": mult},
        lambda g: g[ref_count_col].sum() / g[ref_population_col].sum() * mult,
    )


def isratio(
    df: pd.DataFrame,
    count_col: str = "count",
    population_col: str = "denominator",
    ref_count_col: str = "ref_count",
    ref_population_col: str = "ref_denominator",
    group_cols: str | Iterable[str] | None = None,
    confidence: v.Confidence = 0.95,
    refvalue: float = 100,
) -> pd.DataFrame:
    """Indirectly standardised ratios, e.g. SMRs x 100 (``PHStatsMethods.ph_ISRatio``), Byar's / exact limits.

    Same input and checks as :func:`isr` (every group the same bands; zero local
    populations allowed); ``value`` is observed / expected x ``refvalue`` (100 gives the
    Fingertips convention where England = 100).
    """
    return _indirect(
        df,
        count_col,
        population_col,
        ref_count_col,
        ref_population_col,
        group_cols,
        confidence,
        "isratio",
        phs.ph_ISRatio,
        {"refvalue": refvalue},
        lambda g: float(refvalue),
    )


def funnel_limits(
    df: pd.DataFrame,
    count_col: str = "count",
    denominator_col: str = "denominator",
    statistic: str = "proportion",
    multiplier: float = 100,
    rate_col: str | None = None,
    rate_type: str | None = None,
    ratio_type: str | None = None,
    years_of_data: int | None = None,
) -> pd.DataFrame:
    """Funnel-plot control limits (95% "2s" and 99.8% "3s") via ``PHStatsMethods.calculate_funnel_limits``.

    ``statistic`` is "proportion", "rate" or "ratio" as in the Fingertips
    technical guidance; rates also need ``rate_col``, ``rate_type`` ("dsr" or
    "crude") and ``years_of_data``; ratios need ``ratio_type`` ("count" or "isr"), as
    PHEindicatormethods requires (PHStatsMethods 0.1.16 skips that check and returns
    unadjusted limits). Returns 100 points along the x-axis with the limits and the
    baseline, ready for a chart.
    """
    func = "funnel_limits"
    v.require_choice(statistic, "statistic", ["proportion", "rate", "ratio"], func)
    v.require_frame(df, func)
    v.require_columns(df, [count_col, denominator_col] + ([rate_col] if rate_col else []), func)
    v.require_non_negative(df, [count_col], func)
    if statistic == "proportion":
        v.require_count_le_denominator(df, count_col, denominator_col, func)
    if df[[count_col, denominator_col]].isna().any().any():
        raise v.StatsInputError(
            f"{func}: {count_col!r} and {denominator_col!r} must be present on every row "
            "(use 0 for no events); drop suppressed rows first."
        )
    if statistic == "rate" and (rate_col is None or rate_type is None or years_of_data is None):
        raise v.StatsInputError(
            f"{func}: statistic='rate' needs rate_col, rate_type ('dsr'/'crude') and years_of_data."
        )
    if statistic == "ratio" and ratio_type not in ("count", "isr"):
        raise v.StatsInputError(
            f"{func}: statistic='ratio' needs ratio_type 'count' (observed/expected) or 'isr' "
            f"(ratios x 100), got {ratio_type!r}."
        )
    return _ph(
        func,
        phs.calculate_funnel_limits,
        df,
        count_col,
        statistic,
        _int_multiplier(multiplier, func),
        denom_col=denominator_col,
        metadata=False,
        rate=rate_col,
        rate_type=rate_type,
        ratio_type=ratio_type,
        years_of_data=years_of_data,
    )


#: ``assign_funnel_significance``'s words for a DSR of fewer than 10 events (PHEindicatormethods)
FEW_EVENTS_FOR_DSRS = "Not applicable for events less than 10 for dsrs"


def funnel_significance(
    df: pd.DataFrame,
    count_col: str = "count",
    denominator_col: str = "denominator",
    statistic: str = "proportion",
    rate_col: str | None = None,
    rate_type: str | None = None,
    multiplier: float | None = None,
) -> pd.DataFrame:
    """Flag each row outside the 95% / 99.8% funnel limits (``PHStatsMethods.assign_funnel_significance``).

    Adds ``significance``: "High (0.001)", "High (0.025)", "Not significant",
    "Low (0.025)" or "Low (0.001)"; for directly standardised rates with fewer than 10
    events, :data:`FEW_EVENTS_FOR_DSRS` in PHEindicatormethods' words (PHStatsMethods
    0.1.16 writes "DSRs").
    """
    func = "funnel_significance"
    v.require_choice(statistic, "statistic", ["proportion", "rate", "ratio"], func)
    v.require_frame(df, func)
    v.require_columns(df, [count_col, denominator_col], func)
    v.require_non_negative(df, [count_col], func)
    if df[[count_col, denominator_col]].isna().any().any():
        raise v.StatsInputError(
            f"{func}: {count_col!r} and {denominator_col!r} must be present on every row."
        )
    mult = None if multiplier is None else _int_multiplier(multiplier, func)
    out = _ph(
        func,
        phs.assign_funnel_significance,
        df,
        count_col,
        statistic,
        denom_col=denominator_col,
        rate=rate_col,
        rate_type=rate_type,
        multiplier=mult,
    )
    out["significance"] = out["significance"].replace(
        FEW_EVENTS_FOR_DSRS.replace("dsrs", "DSRs"), FEW_EVENTS_FOR_DSRS
    )
    return out
