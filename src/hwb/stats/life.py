"""Period life expectancy from an abridged life table (Chiang II, PHE conventions).

Method (Chiang 1968; Silcocks et al. 2001; Eayres & Williams 2004), as in the
PHE Life Expectancy Calculator on the Fingertips technical-guidance page and
PHEindicatormethods ``phe_life_expectancy``:

* 20 age bands: 0, 1-4, 5-9, ..., 85-89 and an open 90+ band; band width n is
  1, 4, then 5; the fraction of the band lived by those who die there (a) is
  0.1 under one year and 0.5 otherwise.
* Death rate M = deaths / population; probability of dying
  q = nM / (1 + n(1-a)M) (q = 1 in the open band); survivors l from a radix of
  100,000; years lived L = n(l_next + a d), and l/M in the open band;
  life expectancy e_x = (sum of L from x up) / l_x.
* Variance: Chiang's sum over bands of l^2 ((1-a)n + e_next)^2 q^2 (1-q) / D,
  plus Silcocks' term for the open band, l^2 / (M^2 D); limits are
  e ± z·SE (normal approximation), so 95% and 99.8% share one SE.
* Not calculated (blank, with a reason) when any band's population is zero or
  missing, deaths exceed population, the open band has no deaths, or the total
  population is 5,000 or less; a value whose 95% interval is wider than 20
  years is blanked (its limits are kept), as PHE does.
* One group's bad data does not stop the others (as PHEindicatormethods
  ``phe_life_expectancy``): a group with negative or missing deaths, or whose
  age bands are not the 20 life-table bands, is blank with a note saying why,
  and every other group is computed. Only when no group has the right bands is
  it an error (the bands were given wrongly, not one area's data).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.stats import norm

from hwb.stats import _validate as v

__all__ = ["LE_BAND_STARTS", "life_expectancy"]

LE_BAND_STARTS = (0, 1, *range(5, 95, 5))  # 0, 1-4, 5-9, ..., 85-89, 90+
_MIN_TOTAL_POPULATION = 5000
_MAX_CI_WIDTH = 20.0


def _band_start(label: object) -> float:
    if isinstance(label, (int, np.integer, float, np.floating)):
        return float(label)
    digits = "".join(ch if ch.isdigit() else " " for ch in str(label)).split()
    return float(digits[0]) if digits else np.nan


def _one_table(
    deaths: np.ndarray, pops: np.ndarray, z: dict[float, float]
) -> tuple[np.ndarray, np.ndarray, str]:
    """Life expectancy and its SE at every band start for one group (arrays ordered by band)."""
    k = len(deaths)
    nan = np.full(k, np.nan)
    if np.isnan(pops).any() or (pops <= 0).any():
        return nan, nan, "a band has zero or missing population"
    if np.isnan(deaths).any():
        return nan, nan, "a band has missing deaths"
    if (deaths > pops).any():
        return nan, nan, "deaths exceed population in a band"
    if pops.sum() <= _MIN_TOTAL_POPULATION:
        return nan, nan, "total population is 5,000 or less"
    if deaths[-1] <= 0:
        return nan, nan, "no deaths in the open 90+ band"
    starts = np.asarray(LE_BAND_STARTS, dtype=float)
    n = np.append(np.diff(starts), np.nan)
    a = np.where(starts == 0, 0.1, 0.5)
    m = deaths / pops
    q = np.empty(k)
    q[:-1] = n[:-1] * m[:-1] / (1 + n[:-1] * (1 - a[:-1]) * m[:-1])
    q[:-1] = np.minimum(q[:-1], 1.0)
    q[-1] = 1.0
    l = np.empty(k)
    l[0] = 100_000.0
    for i in range(1, k):
        l[i] = l[i - 1] * (1 - q[i - 1])
    d = l - np.append(l[1:], 0.0)
    big_l = np.empty(k)
    big_l[:-1] = n[:-1] * (l[1:] + a[:-1] * d[:-1])
    big_l[-1] = l[-1] / m[-1]
    t = np.cumsum(big_l[::-1])[::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.where(l > 0, t / l, 0.0)
        var_q = np.where(deaths[:-1] > 0, q[:-1] ** 2 * (1 - q[:-1]) / deaths[:-1], 0.0)
        w = np.empty(k)
        w[:-1] = l[:-1] ** 2 * ((1 - a[:-1]) * n[:-1] + e[1:]) ** 2 * var_q
        w[-1] = l[-1] ** 2 / (m[-1] ** 2 * deaths[-1])
        se = np.sqrt(np.cumsum(w[::-1])[::-1] / l**2)
    return e, se, ""


def life_expectancy(
    df: pd.DataFrame,
    deaths_col: str = "deaths",
    population_col: str = "population",
    age_col: str = "age",
    group_cols: str | Iterable[str] | None = None,
    confidence: v.Confidence = (0.95, 0.998),
    le_age: str | int | Iterable[int] = 0,
) -> pd.DataFrame:
    """Life expectancy at birth (or at any band start) with Chiang II / Silcocks limits.

    ``df`` has 20 rows per group: one per band 0, 1-4, 5-9, ..., 85-89, 90+
    (``age_col`` may hold start ages or labels such as "1-4" or "90+"; deaths and
    population are usually pooled over 3 years). ``le_age`` is a band start age,
    several, or "all". Returns one row per group and age with ``age_start``,
    ``value``, ``se``, ``lower_<c>``/``upper_<c>``, ``deaths_used``,
    ``population_used`` (from that age up) and ``note`` (why a value is blank,
    "" otherwise). As PHEindicatormethods, a group with invalid data (negative deaths,
    a missing or unexpected band) is blank with a note and the other groups are still
    computed; data that PHE would not publish (see module notes) are blank with a note
    too. If no group has the 20 life-table bands, a
    :class:`~hwb.errors.StatsInputError` says what bands to give.
    """
    func = "life_expectancy"
    groups = v.as_list(group_cols)
    levels = v.confidences(confidence, func)
    v.require_frame(df, func)
    v.require_columns(df, [deaths_col, population_col, age_col, *groups], func)
    v.require_numeric(df, [deaths_col, population_col], func)
    if isinstance(le_age, str):
        if le_age != "all":
            raise v.StatsInputError(
                f"{func}: le_age={le_age!r}; pass 'all', a band start age or a list of them."
            )
        ages = list(LE_BAND_STARTS)
    else:
        ages = [le_age] if isinstance(le_age, (int, np.integer)) else list(le_age)
        bad = [x for x in ages if x not in LE_BAND_STARTS]
        if bad:
            raise v.StatsInputError(
                f"{func}: le_age {bad} is not a band start; choose from {list(LE_BAND_STARTS)}."
            )
    z = {c: float(norm.ppf(0.5 + c / 2)) for c in levels}
    work = df[[*groups, age_col, deaths_col, population_col]].copy()
    work["_start"] = [_band_start(x) for x in work[age_col]]
    rows, band_errors, good_bands = [], [], 0
    grouped = work.groupby(groups, sort=True, dropna=False) if groups else [((), work)]
    blank = np.full(len(LE_BAND_STARTS), np.nan)
    for key, g in grouped:
        key = key if isinstance(key, tuple) else (key,)
        starts = sorted(g["_start"].tolist())
        if starts != [float(s) for s in LE_BAND_STARTS]:
            missing = sorted(set(LE_BAND_STARTS) - {int(s) for s in starts if not np.isnan(s)})
            where = f" for group {dict(zip(groups, key, strict=False))}" if groups else ""
            band_errors.append(
                f"{func}: age bands in {age_col!r}{where} are not the 20 life-table bands "
                f"0, 1-4, 5-9, ..., 85-89, 90+ (got starts {[s if np.isnan(s) else int(s) for s in starts]}; "
                f"missing {missing}). Split 0-4 into 0 and 1-4 and pool 90+ into one band."
            )
            e = se = d_used = p_used = blank
            note = f"age bands are not the 20 life-table bands (missing {missing})"
        else:
            good_bands += 1
            g = g.sort_values("_start", kind="stable")
            deaths = g[deaths_col].to_numpy(dtype=float)
            pops = g[population_col].to_numpy(dtype=float)
            if (deaths < 0).any():
                e, se, note = blank, blank, "a band has negative deaths"
            else:
                e, se, note = _one_table(deaths, pops, z)
            d_used = np.cumsum(deaths[::-1])[::-1]
            p_used = np.cumsum(pops[::-1])[::-1]
        for i, start in enumerate(LE_BAND_STARTS):
            if start not in ages:
                continue
            row = dict(zip(groups, key, strict=False))
            row.update(age_start=start, value=e[i], se=se[i])
            for c in levels:
                row[v.lower_col(c)] = e[i] - z[c] * se[i]
                row[v.upper_col(c)] = e[i] + z[c] * se[i]
            row_note = note
            if not note and 2 * float(norm.ppf(0.975)) * se[i] > _MAX_CI_WIDTH:
                row["value"] = np.nan
                row_note = "95% interval wider than 20 years"
            row.update(deaths_used=d_used[i], population_used=p_used[i], note=row_note)
            rows.append(row)
    if band_errors and not good_bands:
        raise v.StatsInputError(band_errors[0])
    cols = [
        *groups,
        "age_start",
        "value",
        "se",
        *[f(c) for c in levels for f in (v.lower_col, v.upper_col)],
        "deaths_used",
        "population_used",
        "note",
    ]
    return pd.DataFrame(rows, columns=cols)
