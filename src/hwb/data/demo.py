"""The seeded demonstration snapshot: realistic but synthetic Fingertips-layout data.

It lets a fresh clone build every page with no network. It is NOT derived from any real
extract: levels, spreads, trends and deprivation gradients are typical English values
written down below (``SPECS``), and the twelve districts get a deprivation position that
puts east Lancashire (Burnley, Hyndburn, Pendle, Preston, Rossendale) at the deprived end
and Ribble Valley, Fylde and South Ribble at the other.

Counts are drawn (binomial/Poisson) from each area's underlying level, then values and
confidence limits are computed from them by :mod:`hwb.stats` (the project's one
implementation of each method; see :func:`add_limits`), so counts, denominators, values
and limits always agree: Wilson score limits for proportions (survey proportions from an
effective sample size), Byar's (exact Poisson below 10 events) for crude rates, Dobson
for directly standardised rates (a single effective age weight per area). Life
expectancy, SII and score limits are a demonstration approximation (value +/- z x a
standard error that shrinks with population), not a published method. The same seed
gives the same bytes (gzip with mtime 0, fixed row order), and each indicator draws
from its own random stream and goes to its own file (``fingertips_<id>.csv.gz``, as
``make data`` writes), so changing one indicator changes only that file.

Contents: the 12 districts, Lancashire (E10000017) and England with 13 periods of every
catalogue indicator (the IMD 2019 score has its single period, as in Fingertips);
county-only indicators for Lancashire and England only; life expectancy by deprivation
decile (England and Lancashire by national district deciles, each district by deciles
within the area); population by sex and 5-year age band for the latest year; and
``n_comparators`` synthetic districts ("Demo District 001", codes E079xxxxx that cannot
clash with real ones) for the latest period of every district-level indicator.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from hwb import paths
from hwb.data import schema, snapshot
from hwb.data.catalogue import load_catalogue
from hwb.data.periods import period_label, span_years

DEFAULT_SEED = 20240601
DEFAULT_COMPARATORS = 260
LATEST_YEAR = 2023
N_PERIODS = 13
SUPPRESSED = "Value suppressed for disclosure control due to small count"

DISTRICT_TYPE = "Districts & UAs (from Apr 2023)"
COUNTY_TYPE = "Counties & UAs (from Apr 2023)"
DECILES_ENGLAND = "District & UA deprivation deciles in England (IMD2019)"
DECILES_WITHIN = "LSOA11 deprivation deciles within area (IMD2019)"
DECILE_LABELS = (
    "Most deprived decile (IMD2019)",
    "Second most deprived decile (IMD2019)",
    "Third more deprived decile (IMD2019)",
    "Fourth more deprived decile (IMD2019)",
    "Fifth more deprived decile (IMD2019)",
    "Fifth less deprived decile (IMD2019)",
    "Fourth less deprived decile (IMD2019)",
    "Third less deprived decile (IMD2019)",
    "Second least deprived decile (IMD2019)",
    "Least deprived decile (IMD2019)",
)
AGE_BANDS = tuple(f"{a}-{a + 4} yrs" for a in range(0, 90, 5)) + ("90+ yrs",)


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    area_type: str
    parent: str
    population: float  # latest year, all ages
    deprivation: float  # 0 = least deprived, 1 = most deprived
    older: float  # share aged 65+


# name, code, population (latest), deprivation position, share 65+ (typical, rounded).
DISTRICTS: tuple[Area, ...] = tuple(
    Area(code, name, DISTRICT_TYPE, "E10000017", pop, dep, old)
    for code, name, pop, dep, old in (
        ("E07000117", "Burnley", 95_500, 0.97, 0.18),
        ("E07000118", "Chorley", 118_000, 0.42, 0.20),
        ("E07000119", "Fylde", 82_000, 0.33, 0.29),
        ("E07000120", "Hyndburn", 82_500, 0.92, 0.18),
        ("E07000121", "Lancaster", 144_000, 0.62, 0.20),
        ("E07000122", "Pendle", 97_000, 0.88, 0.18),
        ("E07000123", "Preston", 150_000, 0.85, 0.15),
        ("E07000124", "Ribble Valley", 62_000, 0.12, 0.26),
        ("E07000125", "Rossendale", 71_500, 0.72, 0.19),
        ("E07000126", "South Ribble", 112_000, 0.35, 0.22),
        ("E07000127", "West Lancashire", 118_000, 0.55, 0.23),
        ("E07000128", "Wyre", 113_500, 0.58, 0.29),
    )
)
LANCASHIRE = Area("E10000017", "Lancashire", COUNTY_TYPE, "E12000002", 0.0, 0.0, 0.0)
ENGLAND = Area("E92000001", "England", "England", "", 57_100_000, 0.5, 0.185)


@dataclass(frozen=True)
class Spec:
    """How one indicator's synthetic values behave.

    ``level`` is England's latest value; ``gradient`` the difference between the most
    and least deprived district; ``spread`` the area-to-area standard deviation;
    ``trend`` the relative change per year; ``base`` which population the denominator
    counts and ``rate`` its size per head; ``sex`` the male and female multipliers.
    """

    level: float
    gradient: float
    spread: float
    trend: float = 0.0
    base: str = "all"  # all | older | births | children | none
    rate: float = 1.0
    sex: tuple[float, float] = (1.0, 1.0)
    sample: float = 0.0  # survey: effective sample size per 100,000 residents
    se: float = 0.0  # life expectancy / score: standard error at 100,000 residents


SPECS: dict[int, Spec] = {
    90366: Spec(81.2, -6.5, 0.5, 0.0012, sex=(0.977, 1.023), se=0.35),
    91102: Spec(19.9, -2.4, 0.35, 0.002, sex=(0.94, 1.06), se=0.22),
    90362: Spec(61.7, -11.0, 1.0, -0.0005, sex=(0.997, 1.003), se=1.1),
    92901: Spec(8.8, 8.0, 1.3, 0.004, sex=(1.1, 0.9), se=1.1),
    93721: Spec(145.0, 115.0, 12.0, -0.012, rate=0.93, sex=(1.35, 0.66)),
    92708: Spec(0.0, 0.0, 0.0),
    92196: Spec(4.0, 2.4, 0.4, -0.01, base="births", rate=0.0105),
    93085: Spec(7.4, 9.0, 1.4, -0.045, base="births", rate=0.0105),
    92517: Spec(49.3, -18.0, 4.0, 0.004, base="births", rate=0.0102),
    92026: Spec(9.6, 4.2, 0.6, 0.0, base="children", rate=0.0118, sex=(1.05, 0.95)),
    92033: Spec(22.1, 8.0, 1.2, 0.01, base="children", rate=0.0121, sex=(1.09, 0.91)),
    93701: Spec(15.6, 15.0, 2.0, 0.02, base="children", rate=0.185),
    20401: Spec(13.1, 13.0, 2.0, -0.065, base="children", rate=0.0165),
    21001: Spec(163.0, 150.0, 25.0, -0.01, sex=(0.7, 1.3)),
    92443: Spec(11.9, 8.5, 2.0, -0.04, sample=420.0, sex=(1.15, 0.85)),
    93015: Spec(22.6, 9.5, 2.2, 0.0, sample=500.0, sex=(0.95, 1.05)),
    93088: Spec(64.5, 7.5, 2.5, 0.003, sample=430.0, sex=(1.07, 0.93)),
    91414: Spec(494.0, 330.0, 60.0, 0.008, sex=(1.55, 0.5)),
    93763: Spec(40.7, 24.0, 4.5, 0.015, sex=(1.5, 0.55)),
    41001: Spec(10.7, 5.5, 1.3, 0.006, rate=0.9, sex=(1.55, 0.48)),
    93722: Spec(29.5, 24.0, 4.0, -0.02, rate=0.93, sex=(1.55, 0.48)),
    93723: Spec(50.0, 28.0, 4.5, -0.015, rate=0.93, sex=(1.1, 0.9)),
    93724: Spec(18.2, 19.0, 3.0, -0.01, rate=0.93, sex=(1.2, 0.85)),
    241: Spec(7.5, 1.6, 0.5, 0.025, rate=0.8),
    93861: Spec(5.8, 0.4, 0.5, -0.03, base="none"),
    22401: Spec(1933.0, 480.0, 220.0, -0.004, base="older", sex=(0.78, 1.17)),
    41401: Spec(551.0, 85.0, 50.0, -0.01, base="older", sex=(0.69, 1.25)),
    92949: Spec(64.8, 2.0, 4.5, 0.004, base="older", rate=0.072),
    247: Spec(0.75, -0.05, 0.09, 0.012, rate=1.05),
    41101: Spec(14.4, 2.4, 0.8, 0.01, rate=0.09),
    90280: Spec(45.3, -2.0, 3.5, -0.004, sample=90.0),
    1194: Spec(560.0, 90.0, 60.0, -0.015, base="older"),
    90584: Spec(82.3, -3.0, 2.5, 0.001, base="older", rate=0.0045),
    93553: Spec(21.7, 28.0, 2.5),
    90356: Spec(13.1, 5.5, 1.5, 0.01, rate=0.44),
    90282: Spec(10.4, 6.0, 3.0, -0.01, se=3.2),
    90283: Spec(70.9, 2.0, 3.0, 0.0, se=1.6),
    93563: Spec(23.7, 15.0, 4.0, -0.02, base="children", rate=0.012),
    93570: Spec(47.8, -6.0, 4.0, 0.005, sample=300.0),
    848: Spec(13.2, 3.0, 2.0, 0.05, rate=0.8),
    93014: Spec(67.1, -8.0, 3.0, 0.002, sample=500.0),
    93671: Spec(58.7, -3.0, 3.0, 0.005, rate=0.006),
    1000001: Spec(7.45, -0.35, 0.12, se=0.25),
    1000002: Spec(7.39, -0.3, 0.14, se=0.3),
    1000003: Spec(7.73, -0.3, 0.12, se=0.25),
    1000004: Spec(3.21, 0.25, 0.2, se=0.4),
    1000005: Spec(79.5, -6.0, 2.5, 0.002, base="children", rate=0.012),
    1000006: Spec(70.6, -7.0, 2.5, 0.002, base="children", rate=0.012),
    1000007: Spec(77.0, -6.0, 2.5, 0.002, base="children", rate=0.012),
    1000008: Spec(75.7, -8.0, 3.0, 0.002, sample=600.0),
    1000009: Spec(21.5, 6.0, 3.0, sample=600.0),
    1000010: Spec(3.8, 2.5, 0.8, sample=900.0),
    1000011: Spec(3.9, 3.0, 0.9, base="none"),
    1000012: Spec(7.7, -3.0, 1.2, 0.01),
    1000013: Spec(21.7, 28.0, 2.5),
}


# --------------------------------------------------------------------------- periods
def period_labels(
    period_type: str, n: int = N_PERIODS, latest: int = LATEST_YEAR
) -> list[tuple[str, int, int]]:
    """``(label, sortable, first year)`` for the last ``n`` periods, oldest first, as Fingertips writes them."""
    out = []
    for year in range(latest - n + 1, latest + 1):
        first = year - span_years(period_type) + 1
        out.append((period_label(period_type, first), first * 10000, first))
    if period_type == "single":
        return [("2019", 20190000, 2019)]
    return out


# --------------------------------------------------------------------------- intervals
LIMIT_COLUMNS = {
    0.95: ("Lower CI 95.0 limit", "Upper CI 95.0 limit"),
    0.998: ("Lower CI 99.8 limit", "Upper CI 99.8 limit"),
}


def add_limits(frame: pd.DataFrame) -> pd.DataFrame:
    """Fill value and 95%/99.8% limits of the drawn rows with :mod:`hwb.stats`, the whole frame at once.

    Rows carry what was drawn in private columns (``_kind``, ``_num``, ``_den``,
    ``_mult``, ``_factor``, ``_se``); this is the only place limits are computed:

    * ``wilson`` (proportions, and survey proportions from an effective sample size):
      :func:`hwb.stats.proportion`, one call per multiplier;
    * ``poisson`` (crude rates, and the one-weight DSRs described below): the limits
      of the count from :func:`hwb.stats.poisson_limits` (Byar's, exact below 10
      events), computed once per distinct count (the counts repeat a lot, and the
      PHStatsMethods functions behind it work one count at a time), then scaled to
      the rate: ``limit x multiplier x factor / denominator``. For a crude rate the
      factor is 1, which is exactly what :func:`hwb.stats.crude_rate` returns. For a
      DSR the generator does not draw deaths by age band; it draws one count and an
      effective age weight (``factor``), and Dobson's method with a single weight
      reduces to that weight times the Poisson limits of the count;
    * ``normal`` (life expectancy, healthy life expectancy, SII, gaps, survey scores):
      a DEMONSTRATION APPROXIMATION, not a published method: ``value +/- z x SE`` with
      an SE that shrinks with population (:class:`Spec` ``se``). The generator draws no
      deaths and populations by age, so Chiang's method cannot apply.
    """
    from hwb import stats  # the one implementation of each interval formula

    frame = frame.copy()
    kind = frame["_kind"].to_numpy() if "_kind" in frame else np.full(len(frame), None)
    for column in (c for pair in LIMIT_COLUMNS.values() for c in pair):
        if column not in frame:
            frame[column] = np.nan
        frame[column] = frame[column].astype(float)
    frame["Value"] = frame["Value"].astype(float)

    wilson = kind == "wilson"
    for mult in sorted(set(frame.loc[wilson, "_mult"])):
        rows = wilson & (frame["_mult"] == mult).to_numpy()
        result = stats.proportion(
            frame.loc[rows, ["_num", "_den"]],
            count_col="_num",
            denominator_col="_den",
            confidence=tuple(LIMIT_COLUMNS),
            multiplier=mult,
        )
        frame.loc[rows, "Value"] = result["value"].to_numpy()
        for level, (low, high) in LIMIT_COLUMNS.items():
            frame.loc[rows, low] = result[stats_lower(level)].to_numpy()
            frame.loc[rows, high] = result[stats_upper(level)].to_numpy()

    poisson = kind == "poisson"
    if poisson.any():
        counts = frame.loc[poisson, "_num"].to_numpy(dtype=float)
        scale = (
            frame.loc[poisson, "_mult"].to_numpy(dtype=float)
            * frame.loc[poisson, "_factor"].to_numpy(dtype=float)
            / frame.loc[poisson, "_den"].to_numpy(dtype=float)
        )
        distinct, where = np.unique(counts, return_inverse=True)
        frame.loc[poisson, "Value"] = counts * scale
        for level, (low, high) in LIMIT_COLUMNS.items():
            lower, upper = stats.poisson_limits(distinct, level)
            frame.loc[poisson, low] = lower[where] * scale
            frame.loc[poisson, high] = upper[where] * scale

    normal = kind == "normal"
    if normal.any():
        value = frame.loc[normal, "Value"].to_numpy(dtype=float)
        se = frame.loc[normal, "_se"].to_numpy(dtype=float)
        for level, (low, high) in LIMIT_COLUMNS.items():
            z = float(sps.norm.ppf(0.5 + level / 2))
            frame.loc[normal, low] = value - z * se
            frame.loc[normal, high] = value + z * se
    return frame


def stats_lower(level: float) -> str:
    """The :mod:`hwb.stats` column name of the lower limit at ``level`` (e.g. ``lower_95``)."""
    from hwb.stats import _validate

    return _validate.lower_col(level)


def stats_upper(level: float) -> str:
    """The :mod:`hwb.stats` column name of the upper limit at ``level`` (e.g. ``upper_998``)."""
    from hwb.stats import _validate

    return _validate.upper_col(level)


# --------------------------------------------------------------------------- generation
class _Builder:
    def __init__(self, seed: int, n_comparators: int):
        self.seed = seed
        self.rng = np.random.default_rng(seed)  # comparators; then one stream per indicator
        self.catalogue = load_catalogue()
        self.entries = {int(i): row for i, row in self.catalogue.to_dict("index").items()}
        self.rows: list[dict[str, Any]] = []
        self.comparators = self._comparators(n_comparators)
        self.years = np.arange(LATEST_YEAR - N_PERIODS + 1, LATEST_YEAR + 1)
        # One fixed area effect per (indicator, area): an area stays high or low over time.
        self.effects: dict[tuple[int, str], float] = {}
        # District headline rows by (indicator, period label, sex), for the county aggregate.
        self.district_rows: dict[tuple[int, str, str], list[dict[str, Any]]] = {}

    def _comparators(self, n: int) -> list[Area]:
        dep = self.rng.beta(1.3, 1.3, n)
        pop = np.exp(self.rng.normal(np.log(115_000), 0.45, n)).round(-2)
        older = np.clip(0.185 + 0.06 * (0.5 - dep) + self.rng.normal(0, 0.03, n), 0.1, 0.33)
        return [
            Area(
                f"E079{i:05d}",
                f"Demo District {i:03d}",
                DISTRICT_TYPE,
                f"E1090{(i - 1) // 12 + 1:04d}",
                float(pop[i - 1]),
                float(dep[i - 1]),
                float(older[i - 1]),
            )
            for i in range(1, n + 1)
        ]

    # ---- population model
    @staticmethod
    def _pop(area: Area, year: int) -> float:
        return area.population * 1.005 ** (year - LATEST_YEAR)

    def _base(self, spec: Spec, area: Area, year: int) -> float:
        """Denominator for one area-year (before pooling and sex split)."""
        pop = self._pop(area, year)
        if spec.base == "older":
            return pop * area.older * (spec.rate if spec.rate != 1.0 else 1.0)
        if spec.base == "births":
            return pop * spec.rate * (1.1 - 0.4 * area.older)
        if spec.base == "children":
            return pop * spec.rate * (1.15 - 0.6 * area.older)
        return pop * spec.rate

    def _truth(self, iid: int, spec: Spec, area: Area, year: int) -> float:
        """The underlying level for an area and year (before sampling)."""
        key = (iid, area.code)
        if key not in self.effects:
            self.effects[key] = 0.0 if area is ENGLAND else float(self.rng.normal(0, spec.spread))
        level = spec.level + spec.gradient * (area.deprivation - 0.5) + self.effects[key]
        if spec.se == 0.0:  # counts and rates: keep a floor so no area is implausibly low
            level = max(level, 0.3 * spec.level)
        return level * (1 + spec.trend) ** (year - LATEST_YEAR)

    # ---- one row
    def _row(
        self, iid: int, area: Area, sex: str, age: str, period: tuple[str, int, int], **values: Any
    ) -> None:
        entry = self.entries[iid]
        label, sortable, _ = period
        row = {
            "Indicator ID": iid,
            "Indicator Name": entry["name"],
            "Parent Code": area.parent,
            "Parent Name": {"E10000017": "Lancashire", "E12000002": "North West"}.get(
                area.parent, ""
            ),
            "Area Code": area.code,
            "Area Name": area.name,
            "Area Type": area.area_type,
            "Sex": sex,
            "Age": age,
            "Category Type": values.pop("category_type", ""),
            "Category": values.pop("category", ""),
            "Time period": label,
            "Time period Sortable": sortable,
            "Time period range": "3y" if " - " in label else "1y",
            **values,
        }
        self.rows.append(row)
        if area.code in _DISTRICT_CODES and not row["Category Type"]:
            self.district_rows.setdefault((iid, label, sex), []).append(row)

    def _emit(self, iid: int, area: Area, sex: str, age: str, period, kind: str, **v: Any) -> None:
        """Record one row: the drawn quantities, for :func:`add_limits` to turn into value and limits."""
        mult = float(self.entries[iid]["multiplier"])
        out: dict[str, Any] = {}
        if kind == "proportion":
            count, n = v["count"], v["n"]
            out = {"Count": count, "Denominator": n, "_kind": "wilson", "_num": count, "_den": n}
        elif kind in ("crude_rate", "dsr"):
            count, n, factor = v["count"], v["n"], v.get("factor", 1.0)
            # The drawn count feeds the county total even when it is suppressed here.
            out = {"Denominator": n, "_count": count, "_factor": factor}
            if count < 5:
                out["Value note"] = SUPPRESSED
            else:
                out.update({"Count": count, "_kind": "poisson", "_num": count, "_den": n})
        elif kind == "survey":  # Wilson limits from an effective sample size
            value, n_eff = v["value"], v["n"]
            p = min(max(value / mult, 1e-4), 1 - 1e-4)
            out = {"Value": p * mult, "Denominator": round(n_eff), "_kind": "wilson"}
            out.update({"_num": p * n_eff, "_den": n_eff})
        elif kind == "normal":  # value +/- z * SE: a demonstration approximation (add_limits)
            out = {"Value": v["value"], "_kind": "normal", "_se": v["se"]}
            if "n" in v:
                out["Denominator"] = v["n"]
        elif kind == "plain":
            out = {k: val for k, val in v.items() if k in ("Value", "Count", "Denominator")}
        if "_kind" in out:
            out["_mult"] = mult
        out.update({k: val for k, val in v.items() if k in ("category_type", "category")})
        self._row(iid, area, sex, age, period, **out)

    # ---- indicators
    def build(self) -> pd.DataFrame:
        for iid in self.catalogue.index:
            # Each indicator draws from its own stream, so changing one indicator's spec
            # regenerates only that indicator's file.
            self.rng = np.random.default_rng([self.seed, int(iid)])
            self._indicator(int(iid))
        self.rng = np.random.default_rng([self.seed, 90366, 1])  # deciles: in 90366's file
        self._deciles()
        self._pyramids()
        return self._frame()

    def _areas_for(self, iid: int) -> list[Area]:
        if bool(self.entries[iid]["district_level"]):
            return [ENGLAND, LANCASHIRE, *DISTRICTS]
        return [ENGLAND, LANCASHIRE]

    def _indicator(self, iid: int) -> None:
        entry = self.entries[iid]
        spec = SPECS[iid]
        periods = period_labels(entry["period_type"])
        sexes = list(entry["sexes"])
        district_level = bool(entry["district_level"])
        for index, period in enumerate(periods):
            latest = index == len(periods) - 1
            areas = [ENGLAND, *DISTRICTS] if district_level else [ENGLAND]
            if latest and district_level:
                areas = areas + self.comparators
            for area in areas:
                row_sexes = sexes if (area in DISTRICTS or area is ENGLAND) else [entry["sex"]]
                self._area_period(iid, spec, entry, area, period, row_sexes)
            self._county(iid, spec, entry, period, sexes)

    def _draw(
        self, iid: int, spec: Spec, entry: pd.Series, area: Area, period, sex: str
    ) -> dict[str, Any]:
        """Draw the underlying quantities for one area, period and sex."""
        value_type, method = entry["value_type"], entry["ci_method"]
        _, _, first = period
        pooled = span_years(entry["period_type"])
        years = range(first, first + pooled)
        truth = float(np.mean([self._truth(iid, spec, area, y) for y in years]))
        male, female = spec.sex
        share = 0.5 if sex in ("Male", "Female") else 1.0
        if sex == "Male":
            truth *= male
        elif sex == "Female":
            truth *= female
        n = sum(self._base(spec, area, y) for y in years) * share
        mult = float(entry["multiplier"])
        if method == "survey" and value_type == "proportion":
            n_eff = max(60.0, spec.sample * self._pop(area, first) / 100_000 * share)
            n_eff = min(n_eff, 200_000.0)
            sd = math.sqrt(max(truth / mult * (1 - truth / mult), 1e-6) / n_eff) * mult
            return {"kind": "survey", "value": truth + self.rng.normal(0, sd), "n": n_eff}
        if method in ("chiang", "sullivan", "simulation", "survey"):
            se = spec.se * math.sqrt(100_000 / (self._pop(area, first) * share * pooled / 3))
            se = max(se, 0.02)
            return {"kind": "normal", "value": truth + self.rng.normal(0, se), "se": se}
        if method == "wilson":
            n = max(round(n), 20)
            p = min(max(truth / mult, 1e-5), 0.999)
            return {"kind": "proportion", "count": int(self.rng.binomial(n, p)), "n": n}
        if method in ("byar", "dobson", "exact_poisson"):
            n = max(round(n), 100)
            expected = truth / mult * n
            factor = 1.0
            if method == "dobson":
                # Age-standardising moves the crude rate towards the standard population's.
                factor = 1.0 + 0.8 * (ENGLAND.older - area.older)
                expected /= factor
            return {
                "kind": "crude_rate",
                "count": int(self.rng.poisson(max(expected, 0.0))),
                "n": n,
                "factor": factor,
            }
        # No published limits: fuel poverty, air pollution, deprivation score.
        if value_type == "proportion":
            households = max(round(n), 100) if spec.base != "none" else None
            value = max(truth + self.rng.normal(0, 0.3), 0.1)
            if households is None:
                return {"kind": "plain", "Value": round(value, 2)}
            count = round(households * value / mult)
            return {
                "kind": "plain",
                "Value": count / households * mult,
                "Count": count,
                "Denominator": households,
            }
        return {"kind": "plain", "Value": round(truth + self.rng.normal(0, 0.2), 3)}

    def _area_period(self, iid, spec, entry, area, period, sexes) -> None:
        age = entry["age"]
        if iid == 92708:  # population: value = count, no limits
            for sex in sexes:
                share = {"Persons": 1.0, "Male": 0.492, "Female": 0.508}[sex]
                count = round(self._pop(area, period[2]) * share)
                self._emit(iid, area, sex, age, period, "plain", Value=count, Count=count)
            return
        for sex in sexes:
            drawn = self._draw(iid, spec, entry, area, period, sex)
            kind = drawn.pop("kind")
            self._emit(iid, area, sex, age, period, kind, **drawn)

    def _county(self, iid, spec, entry, period, sexes) -> None:
        """Lancashire: aggregated from its districts where Fingertips would, drawn otherwise."""
        age = entry["age"]
        if not bool(entry["district_level"]):
            for sex in sexes:
                drawn = self._draw(iid, spec, entry, _county_area(), period, sex)
                kind = drawn.pop("kind")
                self._emit(iid, LANCASHIRE, sex, age, period, kind, **drawn)
            return
        for sex in sexes:
            rows = self.district_rows[(iid, period[0], sex)]
            self._aggregate(iid, entry, sex, age, period, rows)

    def _aggregate(self, iid, entry, sex, age, period, rows) -> None:
        value_type, method = entry["value_type"], entry["ci_method"]
        pops = np.array([_POP[r["Area Code"]] for r in rows])
        if iid == 92708:
            count = sum(r["Count"] for r in rows)
            self._emit(iid, LANCASHIRE, sex, age, period, "plain", Value=count, Count=count)
            return
        if method == "wilson":
            count = sum(r.get("Count", 0) for r in rows)
            n = sum(r["Denominator"] for r in rows)
            self._emit(iid, LANCASHIRE, sex, age, period, "proportion", count=count, n=n)
            return
        if method in ("byar", "dobson", "exact_poisson"):
            # Suppressed districts still count towards the county, as in Fingertips.
            count = sum(r["_count"] for r in rows)
            n = sum(r["Denominator"] for r in rows)
            factor = 1.0
            if method == "dobson":
                factor = float(
                    np.average(
                        [r["_factor"] for r in rows], weights=[r["Denominator"] for r in rows]
                    )
                )
            kind = "dsr" if method == "dobson" else "crude_rate"
            self._emit(iid, LANCASHIRE, sex, age, period, kind, count=count, n=n, factor=factor)
            return
        values = np.array([r.get("Value", np.nan) for r in rows], dtype=float)
        ok = ~np.isnan(values)
        value = float(np.average(values[ok], weights=pops[ok]))
        if method == "survey" and value_type == "proportion":
            n_eff = float(sum(r["Denominator"] for r in rows))
            self._emit(iid, LANCASHIRE, sex, age, period, "survey", value=value, n=n_eff)
        elif "_se" in rows[0]:
            ses = np.array([r["_se"] for r in rows])
            w = pops / pops.sum()
            self._emit(
                iid,
                LANCASHIRE,
                sex,
                age,
                period,
                "normal",
                value=value,
                se=float(np.sqrt((w**2 * ses**2).sum())),
            )
        elif "Count" in rows[0] and rows[0].get("Denominator"):
            count = sum(r["Count"] for r in rows)
            n = sum(r["Denominator"] for r in rows)
            self._emit(
                iid,
                LANCASHIRE,
                sex,
                age,
                period,
                "plain",
                Value=count / n * float(entry["multiplier"]),
                Count=count,
                Denominator=n,
            )
        else:
            self._emit(iid, LANCASHIRE, sex, age, period, "plain", Value=round(value, 3))

    # ---- life expectancy by deprivation decile (for the slope index of inequality)
    def _deciles(self) -> None:
        iid = 90366
        entry = self.entries[iid]
        spec = SPECS[iid]
        x = (np.arange(10) + 0.5) / 10  # relative rank: 0 most deprived, 1 least
        for period in period_labels(entry["period_type"]):
            first = period[2]
            for sex in ("Male", "Female"):
                sex_mult = spec.sex[0] if sex == "Male" else spec.sex[1]
                sii_spec = SPECS[92901]
                for area in [ENGLAND, *DISTRICTS]:
                    level = (
                        np.mean([self._truth(iid, spec, area, y) for y in range(first, first + 3)])
                        * sex_mult
                    )
                    sii = np.mean(
                        [self._truth(92901, sii_spec, area, y) for y in range(first, first + 3)]
                    )
                    sii *= sii_spec.sex[0] if sex == "Male" else sii_spec.sex[1]
                    population = self._pop(area, first) * 0.5 / 10
                    se = spec.se * math.sqrt(100_000 / population) * 0.8
                    values = level + sii * (x - 0.5) + self.rng.normal(0, se, 10)
                    ctype = DECILES_ENGLAND if area is ENGLAND else DECILES_WITHIN
                    for k in range(10):
                        self._emit(
                            iid,
                            area,
                            sex,
                            entry["age"],
                            period,
                            "normal",
                            value=float(values[k]),
                            se=se,
                            n=round(population),
                            category_type=ctype,
                            category=DECILE_LABELS[k],
                        )
                # Lancashire by national district decile: its districts grouped by where they fall.
                groups: dict[int, list[Area]] = {}
                for area in DISTRICTS:
                    groups.setdefault(_national_decile(area), []).append(area)
                for k in sorted(groups):
                    members = groups[k]
                    pops = np.array([self._pop(a, first) * 0.5 for a in members])
                    levels = np.array(
                        [
                            np.mean([self._truth(iid, spec, a, y) for y in range(first, first + 3)])
                            * sex_mult
                            for a in members
                        ]
                    )
                    se = spec.se * math.sqrt(100_000 / pops.sum())
                    value = float(np.average(levels, weights=pops) + self.rng.normal(0, se))
                    self._emit(
                        iid,
                        LANCASHIRE,
                        sex,
                        entry["age"],
                        period,
                        "normal",
                        value=value,
                        se=se,
                        n=round(pops.sum()),
                        category_type=DECILES_ENGLAND,
                        category=DECILE_LABELS[k],
                    )

    # ---- population pyramid (92708 by sex and 5-year band, latest year)
    def _pyramids(self) -> None:
        iid = 92708
        period = period_labels("calendar")[-1]
        mids = np.array([2.5 + 5 * i for i in range(19)])
        for area in [ENGLAND, LANCASHIRE, *DISTRICTS]:
            if area is LANCASHIRE:
                older = float(
                    np.average(
                        [a.older for a in DISTRICTS], weights=[a.population for a in DISTRICTS]
                    )
                )
                total = sum(a.population for a in DISTRICTS)
            else:
                older, total = area.older, area.population
            for sex, share in (("Male", 0.492), ("Female", 0.508)):
                tilt = (older - 0.185) * 6
                weights = np.exp(-(((mids - 40) / 38) ** 2)) * (1 + tilt * (mids - 40) / 45)
                weights = np.clip(weights, 0.02, None)
                weights[-3:] *= np.array([0.8, 0.55, 0.35]) * (1.25 if sex == "Female" else 0.85)
                weights[3:5] *= (
                    1.15 if area.code in ("E07000121", "E07000123") else 1.0
                )  # student towns
                counts = np.round(weights / weights.sum() * total * share).astype(int)
                for band, count in zip(AGE_BANDS, counts, strict=False):
                    self._emit(
                        iid, area, sex, band, period, "plain", Value=int(count), Count=int(count)
                    )

    # ---- output
    def _frame(self) -> pd.DataFrame:
        frame = add_limits(pd.DataFrame(self.rows))
        for column in schema.LAYOUT_27:
            if column not in frame:
                frame[column] = ""
        order = {
            a.code: i for i, a in enumerate([ENGLAND, LANCASHIRE, *DISTRICTS, *self.comparators])
        }
        frame["_area"] = frame["Area Code"].map(order)
        frame["_sex"] = frame["Sex"].map(
            {"Persons": 0, "Male": 1, "Female": 2, "Not applicable": 3}
        )
        frame["_cat"] = (
            frame["Category"].map({c: i + 1 for i, c in enumerate(DECILE_LABELS)}).fillna(0)
        )
        frame["_age"] = frame["Age"].map({b: i + 1 for i, b in enumerate(AGE_BANDS)}).fillna(0)
        frame = frame.sort_values(
            [
                "Indicator ID",
                "_area",
                "_sex",
                "Category Type",
                "_cat",
                "_age",
                "Time period Sortable",
            ],
            kind="stable",
        )
        return frame[list(schema.LAYOUT_27)].reset_index(drop=True)


_DISTRICT_CODES = frozenset(a.code for a in DISTRICTS)


_POP = {a.code: a.population for a in DISTRICTS}


def _county_area() -> Area:
    pops = [a.population for a in DISTRICTS]
    return Area(
        LANCASHIRE.code,
        LANCASHIRE.name,
        COUNTY_TYPE,
        LANCASHIRE.parent,
        float(sum(pops)),
        float(np.average([a.deprivation for a in DISTRICTS], weights=pops)),
        float(np.average([a.older for a in DISTRICTS], weights=pops)),
    )


def _national_decile(area: Area) -> int:
    """0 = most deprived decile ... 9 = least, from the deprivation position."""
    return int(min(9, max(0, math.floor((1 - area.deprivation) * 10))))


# --------------------------------------------------------------------------- writing
def _fmt(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    x = float(value)
    if math.isnan(x):
        return ""
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as Fingertips-layout CSV bytes (UTF-8, LF line ends, minimal quoting)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(frame.columns)
    for record in frame.itertuples(index=False, name=None):
        writer.writerow([_fmt(v) for v in record])
    return buffer.getvalue().encode("utf-8")


def build_demo_frame(
    seed: int = DEFAULT_SEED, n_comparators: int = DEFAULT_COMPARATORS
) -> pd.DataFrame:
    """The demonstration data as a Fingertips-layout frame (all columns text-ready)."""
    return _Builder(seed, n_comparators).build()


def write_demo_snapshot(
    out: Path | str | None = None,
    *,
    seed: int = DEFAULT_SEED,
    n_comparators: int = DEFAULT_COMPARATORS,
) -> Path:
    """Generate the demonstration snapshot into ``out`` (default data/snapshot), replacing it whole.

    One gzip file per indicator, named as the live client names them
    (:func:`hwb.data.snapshot.indicator_file_name`), each with its own manifest entry.
    Writes to a temporary folder beside ``out``, validates it with the loader, then swaps
    it in, so a failure leaves the old snapshot untouched.
    """
    from hwb.data.load import load_snapshot

    target = Path(out) if out is not None else paths.SNAPSHOT
    frame = build_demo_frame(seed, n_comparators)
    with snapshot.staging_folder(target) as staging:
        files = []
        for iid, rows in frame.groupby("Indicator ID", sort=True):
            path = staging / snapshot.indicator_file_name(int(iid))
            path.write_bytes(snapshot.gzip_bytes(to_csv_bytes(rows)))
            files.append(snapshot.describe_file(path, rows))
        snapshot.write_manifest(staging, demo_manifest(frame, files, seed, n_comparators))
        load_snapshot(staging)  # refuse to install a snapshot the loader would reject
        snapshot.replace_folder(staging, target)
    return target


def demo_manifest(
    frame: pd.DataFrame, files: list[dict[str, Any]], seed: int, n_comparators: int
) -> dict[str, Any]:
    """The manifest of a demonstration snapshot (no timestamps: it must regenerate byte-identically).

    ``files`` are the per-indicator entries from :func:`hwb.data.snapshot.describe_file`.
    """
    command = (
        "hwb data demo"
        + ("" if seed == DEFAULT_SEED else f" --seed {seed}")
        + ("" if n_comparators == DEFAULT_COMPARATORS else f" --areas {n_comparators}")
    )
    return {
        "schema_version": 1,
        "synthetic": True,
        "title": "Demonstration snapshot (synthetic data in the Fingertips CSV layout)",
        "banner": snapshot.BANNER,
        "source": {
            "name": "hwb.data.demo (seeded generator)",
            "command": command,
            "seed": seed,
            "comparator_districts": n_comparators,
            "indicator_ids": sorted(int(i) for i in frame["Indicator ID"].unique()),
            "area_types": [DISTRICT_TYPE, COUNTY_TYPE, "England"],
            "note": (
                "Synthetic values with typical English levels and spreads; not derived from any real extract. "
                "Layout and indicator ids follow OHID Fingertips."
            ),
        },
        "date_fetched": None,
        "licence": "Synthetic data generated by this project (no third-party data).",
        "attribution": "Layout and indicator definitions follow OHID Fingertips (Open Government Licence v3.0).",
        "files": files,
    }
