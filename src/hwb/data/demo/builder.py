"""The demonstration generator: each indicator's rows drawn from its ``Spec``.

:class:`Builder` draws counts and values per area, period and sex from each indicator's own
random stream (so changing one indicator changes only its file), aggregates Lancashire from
its districts where Fingertips would, adds life expectancy by deprivation decile and the
population pyramids, and returns the rows in the Fingertips layout, in a fixed order, with
values and limits from :func:`~hwb.data.demo.limits.add_limits`. ``Spec`` and the areas:
:mod:`~hwb.data.demo.specs`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from hwb.data import schema
from hwb.data.catalogue import load_catalogue
from hwb.data.demo.limits import add_limits
from hwb.data.demo.specs import (
    AGE_BANDS,
    COUNTY_TYPE,
    DECILE_LABELS,
    DECILES_ENGLAND,
    DECILES_WITHIN,
    DISTRICT_TYPE,
    DISTRICTS,
    ENGLAND,
    LANCASHIRE,
    SPECS,
    Area,
    Spec,
)
from hwb.data.periods import period_label, span_years

LATEST_YEAR = 2023
N_PERIODS = 13
SUPPRESSED = "Value suppressed for disclosure control due to small count"


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


class Builder:
    """One demonstration data set (a seed, a number of comparators): :meth:`build` draws it."""

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
