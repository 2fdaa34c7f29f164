"""The headline table: one area's latest value of every catalogue indicator, judged.

:func:`headline_table` derives, from the snapshot as loaded (or a partnership's combined
frame), the *headline table*: for each catalogue indicator (and each
sex, for sex-specific measures such as life expectancy) the district's latest value
with its published 95% interval, the Lancashire and England values for the same
period, the benchmark against England at 95% and 99.8% (:mod:`hwb.stats`), the
recent trend (Fingertips' published trend when the snapshot has it, otherwise
:func:`hwb.stats.recent_trend`), the red-red flag, and where the district sits among
the districts in the snapshot, and how far it is from England in the harmful direction
(``gap_to_england``, :func:`hwb.stats.ranges.relative_gap`: what orders the key messages).
Indicators without district data keep a row with a plain ``status`` saying why, so every
section can explain its gaps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hwb.data.periods import end_year
from hwb.data.schema import VALUE_COLUMNS
from hwb.model.judgements import catalogue_judgements
from hwb.stats.benchmark import (
    CI_OVERLAP,
    compare_to_benchmark,
    quintile_labels,
)
from hwb.stats.combine import PUBLISHED, combine_areas, county_values
from hwb.stats.fitness import fitness_for, fresh_break, rankable, testable, trendable
from hwb.stats.ranges import district_range, rank_among, relative_gap
from hwb.stats.trend import recent_trend, trend_kind
from hwb.text.messages import rejected_status

#: status values of a headline row
OK = "ok"
NOT_DISTRICT_LEVEL = "not published for districts"
NOT_IN_SNAPSHOT = "not in this snapshot"
NO_DISTRICT_ROWS = "no value for this district in the snapshot"
SUPPRESSED = "suppressed"

SEX_LABEL = {"Male": "men", "Female": "women", "Persons": "persons"}

#: at least this many districts in the snapshot before we call the range "English districts"
ENGLAND_WIDE = 100

HEADLINE_COLUMNS = [
    "indicator_id",
    "short_name",
    "label",
    "period_end",
    "programme",
    "outcome",
    "polarity",
    "value_type",
    "unit",
    "multiplier",
    "benchmark",
    "sex",
    "age",
    "period",
    "period_sortable",
    *VALUE_COLUMNS,
    "county_value",
    "england_value",
    "compared_95",
    "compared_998",
    "compared_source",
    "published_comparison",
    "quintile",
    "recent_trend",
    "trend_source",
    "red_red",
    "n_points",
    "districts_n",
    "districts_min",
    "districts_q25",
    "districts_q75",
    "districts_max",
    "rank",
    "range_scope",
    "status",
]


def indicator_series(
    frame: pd.DataFrame, indicator_id: int, sex: str, age: str, areas: list[str]
) -> pd.DataFrame:
    """Headline (no category) rows of one indicator, sex and age for ``areas``, oldest period first."""
    rows = frame[
        (frame["indicator_id"] == indicator_id)
        & (frame["sex"] == sex)
        & (frame["age"] == age)
        & (frame["category_type"] == "")
        & (frame["area_code"].isin(areas))
    ]
    return rows.sort_values(["area_code", "period_sortable"], kind="stable").reset_index(drop=True)


#: a latest period that ended this many years or more before the pack's newest is history,
#: not the current position (judged by when periods end: 2019/20 - 23/24 ends in 2024)
STALE_YEARS = 5


def stale(rows: pd.DataFrame) -> pd.Series:
    """True for headline rows whose latest period ended :data:`STALE_YEARS` or more years
    before the newest period shown; such values are not projected or recommended."""
    if rows.empty:
        return pd.Series(False, index=rows.index)
    ended = rows["period_end"].where(rows["period_end"] > 0)
    return (ended <= ended.max() - STALE_YEARS).fillna(False).astype(bool)


def current(headline: pd.DataFrame) -> pd.DataFrame:
    """The headline rows fit to judge as current district values: what key messages and
    priorities use. With the series' fitness (:func:`with_fitness`), the testable rows (not an
    estimate for a larger area, not old); without it, the rows that are not :func:`stale`.
    Old values and estimates stay in the tables, labelled."""
    if "testable" in headline.columns:
        return headline[headline["testable"].astype(bool)]
    return headline[~stale(headline)]


def range_scopes(headline: pd.DataFrame, manifest: Mapping[str, Any]) -> pd.Series:
    """Which areas each indicator's range of districts spans, in words.

    The manifest records each file's coverage (all English districts, or the North West's
    only); with no record, the count decides (at least :data:`ENGLAND_WIDE` districts reads
    as English districts, fewer as "the districts in this snapshot").
    """
    coverage: dict[int, str] = {}
    for entry in manifest.get("files", []) or []:
        for indicator_id in entry.get("indicators") or []:
            if entry.get("coverage"):
                coverage[int(indicator_id)] = str(entry["coverage"])
    scopes = []
    for indicator_id, n in zip(headline["indicator_id"], headline["districts_n"], strict=False):
        if not n or pd.isna(n):
            scopes.append("")
        elif int(indicator_id) in coverage:
            scopes.append(coverage[int(indicator_id)])
        else:
            scopes.append(
                "all English districts" if n >= ENGLAND_WIDE else "the districts in this snapshot"
            )
    return pd.Series(scopes, index=headline.index, dtype="str")


def _breakdowns(entry: pd.Series) -> list[str]:
    """Which sexes get a headline row: each sex for sex-specific measures, else the headline sex."""
    sexes = list(entry["sexes"])
    if entry["sex"] in ("Male", "Female") and set(sexes) <= {"Male", "Female"} and len(sexes) > 1:
        return ["Male", "Female"]
    return [entry["sex"]]


def headline_table(
    frame: pd.DataFrame,
    catalogue: pd.DataFrame,
    district: str,
    county: str,
    england: str,
    manifest: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """One row per catalogue indicator (per sex for sex-specific ones); see the module docstring.

    ``manifest`` (the snapshot's) says which areas each indicator's range spans
    (:func:`range_scopes`); without it the number of districts decides."""
    indexed = index_by_indicator(frame)
    district_types = [
        types for ix in indexed.values() if len(types := ix.area_type[ix.area_code == district])
    ]
    area_type = pd.Series(np.concatenate(district_types)).mode().iloc[0] if district_types else None
    empty = IndicatorRows.of(frame.iloc[:0])
    rejected = {  # the district's rows rejected at load: (indicator, sex) -> the first finding
        (f.get("indicator_id"), f.get("sex")): f
        for f in reversed(frame.attrs.get("quarantined", []))
        if f.get("area_code") == district
    }
    rows = []
    for indicator_id, entry in catalogue.iterrows():
        sexes = _breakdowns(entry)
        subset = indexed.get(int(indicator_id), empty)
        for sex in sexes:
            row = _headline_row(
                subset,
                int(indicator_id),
                entry,
                sex,
                district,
                county,
                england,
                area_type,
                present=bool(len(subset.frame)),
            )
            held = rejected.get((str(int(indicator_id)), sex))
            if held is not None and row["status"] in (NO_DISTRICT_ROWS, NOT_IN_SNAPSHOT):
                row["status"] = rejected_status(held)
            row["label"] = entry["short_name"] + (f" ({SEX_LABEL[sex]})" if len(sexes) > 1 else "")
            rows.append(row)
    table = pd.DataFrame(rows, columns=HEADLINE_COLUMNS)
    table["period_end"] = [
        end_year(catalogue.loc[int(i), "period_type"], int(s) // 10000) if s else 0
        for i, s in zip(table["indicator_id"], table["period_sortable"], strict=True)
    ]
    table = catalogue_judgements(_add_benchmarks(table), catalogue)
    table["range_scope"] = range_scopes(table, manifest or {})
    table["gap_to_england"] = [
        relative_gap(value, england, polarity)
        for value, england, polarity in zip(
            table["value"], table["england_value"], table["polarity"], strict=True
        )
    ]
    return table


def _base_row(indicator_id: int, entry: pd.Series, sex: str) -> dict[str, Any]:
    row: dict[str, Any] = {c: np.nan for c in HEADLINE_COLUMNS}
    row.update(
        indicator_id=indicator_id,
        short_name=entry["short_name"],
        programme=entry["programme"],
        outcome=entry["outcome"],
        polarity=entry["polarity"],
        value_type=entry["value_type"],
        unit=entry["unit"],
        multiplier=entry["multiplier"],
        benchmark=entry["benchmark"],
        sex=sex,
        age=entry["age"],
        period="",
        period_sortable=0,
        value_note="",
        recent_trend="",
        trend_source="",
        red_red=False,
        n_points=0,
        districts_n=0,
        compared_95="Not compared",
        compared_998="Not compared",
        quintile="",
        compared_source="",
        published_comparison="",
    )
    return row


def split_by_indicator(frame: pd.DataFrame) -> dict[int, pd.DataFrame]:
    """Headline (no category) rows per indicator id, without the frame's attrs (they slow pandas down).

    The last frame split is remembered (by identity, holding the frame itself, so it cannot be
    confused with a new frame at the same address), so the headline tables of the models a
    process builds from one snapshot (:func:`hwb.model.build.build`) split it once.
    """
    if _LAST_SPLIT and _LAST_SPLIT[0] is frame:
        return _LAST_SPLIT[1]
    plain = frame[frame["category_type"] == ""].copy()
    plain.attrs = {}
    groups = {int(k): g for k, g in plain.groupby("indicator_id", sort=True)}
    _LAST_SPLIT[:] = [frame, groups]
    return groups


_LAST_SPLIT: list = []  # [frame, its split]


@dataclass(frozen=True)
class IndicatorRows:
    """One indicator's headline rows, with their key columns as NumPy arrays.

    A headline row picks its district, period and peers out of these rows; NumPy comparisons
    on the arrays, then one ``take`` of the rows wanted, cost a fraction of pandas boolean
    masks on string columns (which, at 300 districts, were most of a pack's headline table
    and of the overview)."""

    frame: pd.DataFrame
    sex: np.ndarray
    age: np.ndarray
    area_code: np.ndarray
    area_type: np.ndarray
    period_sortable: np.ndarray
    value: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame) -> IndicatorRows:
        text = {
            c: frame[c].to_numpy(dtype=object) for c in ("sex", "age", "area_code", "area_type")
        }
        return cls(
            frame=frame,
            period_sortable=frame["period_sortable"].to_numpy(),
            value=frame["value"].to_numpy(dtype="float64"),
            **text,
        )

    def rows(self, positions: np.ndarray) -> pd.DataFrame:
        return self.frame.iloc[positions]


def index_by_indicator(frame: pd.DataFrame) -> dict[int, IndicatorRows]:
    """:func:`split_by_indicator` with each indicator's :class:`IndicatorRows` (remembered
    with the split, so the models built from one snapshot index it once)."""
    groups = split_by_indicator(frame)
    if len(_LAST_SPLIT) < 3:
        _LAST_SPLIT.append({k: IndicatorRows.of(g) for k, g in groups.items()})
    return _LAST_SPLIT[2]


def limits_998(latest: pd.Series, entry: pd.Series, district: str) -> tuple[float, float]:
    """The published 99.8% limits, or, where a source left them out but published the count
    and denominator of a proportion (Wilson) or crude rate (Byar's), the same limits computed
    from those counts as Fingertips computes them (:func:`hwb.stats.combine_areas` on the one
    area: nothing is computed from a rounded value, and a value that is not its count over
    its denominator, such as a standardised one, gets none)."""
    published = (latest["lower_998"], latest["upper_998"])
    if not (np.isnan(published[0]) or np.isnan(published[1])):
        return published
    if np.isnan(latest["count"]) or np.isnan(latest["denominator"]):
        return published
    one = pd.DataFrame([latest[["area_code", "count", "denominator", "value"]]])
    result = combine_areas(
        one,
        [district],
        entry["value_type"],
        entry["ci_method"],
        float(entry["multiplier"]),
        group_cols=None,
    ).iloc[0]
    if result["reason"] or entry["value_type"] == "count":
        return published
    return float(result["lower_998"]), float(result["upper_998"])


def _headline_row(
    ix: IndicatorRows,
    indicator_id: int,
    entry: pd.Series,
    sex: str,
    district: str,
    county: str,
    england: str,
    area_type: str | None,
    present: bool = True,
) -> dict[str, Any]:
    """One headline row: the district's latest value of one indicator (``ix``: its rows) and
    sex, with its county and England values, peers, limits and recent trend."""
    row = _base_row(indicator_id, entry, sex)
    breakdown = np.flatnonzero((ix.sex == sex) & (ix.age == entry["age"]))
    mine = ix.rows(breakdown[ix.area_code[breakdown] == district]).sort_values(
        "period_sortable", kind="stable"
    )
    if mine.empty:
        if not entry["district_level"]:
            row["status"] = NOT_DISTRICT_LEVEL
        elif present:
            row["status"] = NO_DISTRICT_ROWS
        else:
            row["status"] = NOT_IN_SNAPSHOT
        return row
    with_value = mine[mine["value"].notna()]
    latest = (with_value if len(with_value) else mine).iloc[-1]
    for column in ("period", "period_sortable", *VALUE_COLUMNS):
        row[column] = latest[column]
    row["published_comparison"] = str(latest.get("compared_england", "") or "")
    row["lower_998"], row["upper_998"] = limits_998(latest, entry, district)
    row["n_points"] = int(with_value["period_sortable"].nunique())
    row["status"] = OK if len(with_value) else SUPPRESSED
    same_period = breakdown[ix.period_sortable[breakdown] == latest["period_sortable"]]
    for code, column in ((county, "county_value"), (england, "england_value")):
        match = ix.value[same_period[ix.area_code[same_period] == code]]
        row[column] = float(match[0]) if len(match) else np.nan
    peer_rows = ix.rows(
        same_period[(ix.area_type[same_period] == area_type) & ~np.isnan(ix.value[same_period])]
    )
    peers = peer_rows["value"]
    if entry["benchmark"] == "quintiles" and len(peers) >= 5 and row["status"] == OK:
        ranked = quintile_labels(
            peer_rows.reset_index(drop=True), "value", polarity=entry["polarity"]
        )
        row["quintile"] = str(ranked.loc[ranked["area_code"] == district, "quintile"].iloc[0])
    if len(peers) and row["status"] == OK:
        row.update({f"districts_{k}": x for k, x in district_range(peers).items()})
        row["rank"] = rank_among(latest["value"], peers, entry["polarity"])
    row["recent_trend"], row["trend_source"] = _trend(mine, latest, entry)
    return row


def _trend(series: pd.DataFrame, latest: pd.Series, entry: pd.Series) -> tuple[str, str]:
    """Fingertips' published recent trend when present, else :func:`hwb.stats.recent_trend`."""
    published = str(latest.get("recent_trend", "") or "")
    if published:
        return published, "published"
    points = series[series["value"].notna()]
    kind = trend_kind(entry["value_type"])
    result = recent_trend(points, value_type=kind, polarity=entry["polarity"])
    return str(result["recent_trend"].iloc[0]), "calculated"


#: Fingertips' published "Compared to England" labels a page can use, by polarity
_PUBLISHED_LABELS = {
    "high_is_good": ("Better", "Similar", "Worse"),
    "low_is_good": ("Better", "Similar", "Worse"),
    "no_judgement": ("Higher", "Similar", "Lower"),
}


def _published_where_no_limits(table: pd.DataFrame, judged: pd.Series) -> None:
    """Use Fingertips' own comparison where a value was published without limits.

    Nothing is recomputed from rounded values: the label is the one Fingertips published
    at 95% (its 99.8% comparison is not in such files, so that stays "Not compared"), and
    ``compared_source`` says "published" so pages can label it.
    """
    no_limits = judged & (table["lower_95"].isna() | table["upper_95"].isna())
    for index in table.index[no_limits]:
        label = table.at[index, "published_comparison"]
        if label in _PUBLISHED_LABELS.get(table.at[index, "polarity"], ()):
            table.at[index, "compared_95"] = label
            table.at[index, "compared_source"] = "published"
        else:
            table.at[index, "compared_source"] = ""


def _add_benchmarks(table: pd.DataFrame) -> pd.DataFrame:
    """95% and 99.8% comparisons with England by intervals (:mod:`hwb.stats`), or Fingertips'
    published label where a value has no limits; the judging method, goals and quintiles are
    :func:`hwb.model.judgements.catalogue_judgements`'s."""
    # the England comparison by intervals: the judgement itself, or kept beside a goal's
    judged = table["status"].eq(OK) & table["benchmark"].eq(CI_OVERLAP)
    if judged.any():
        work = table.loc[judged].copy()
        for level, column in ((0.95, "compared_95"), (0.998, "compared_998")):
            labelled = compare_to_benchmark(
                work, "england_value", confidence=level, polarity=work["polarity"], out_col="_label"
            )
            table.loc[judged, column] = labelled["_label"].to_numpy()
        table.loc[judged, "compared_source"] = "calculated"
        _published_where_no_limits(table, judged)
    return table


# --------------------------------------------------------------------------- fitness (issue 27)
#: the fitness columns a headline row carries (:func:`with_fitness`)
FITNESS_SHOWN = [
    "larger_area_estimate",
    "estimate_evidence",
    "old",
    "years_behind",
    "break_in_series",
    "break_period",
    "break_evidence",
    "break_reason",
    "points_after_break",
    "survey_without_limits",
    "rankable",
    "testable",
    "trendable",
    "fresh_break",
    "fitness",
]
#: what a headline row's ``trend_source`` says when its trend is not read (across a break,
#: from a survey estimate without limits, or from a series not judged as a district value)
TREND_WITHHELD = "withheld"


def fitness_labels(rows: pd.DataFrame) -> list[str]:
    """Each row's fitness in the words shown beside its number ("" when fit): "estimate for a
    larger area", "old (2017/18)", "break in the series 2023/24", "survey estimate, no limits"."""
    out = []
    for r in rows.itertuples(index=False):
        words = []
        if r.larger_area_estimate:
            words.append("estimate for a larger area")
        if r.old:
            words.append(f"old ({r.period})")
        if r.break_in_series:
            words.append(f"break in the series {r.break_period}".rstrip())
        if r.survey_without_limits:
            words.append("survey estimate, no limits")
        out.append("; ".join(words))
    return out


def with_fitness(table: pd.DataFrame, fitness: pd.DataFrame, area_code: str) -> pd.DataFrame:
    """``table`` (one area's headline table) with its series' fitness (:data:`FITNESS_SHOWN`,
    from :func:`hwb.stats.fitness.series_fitness`), and with what the fitness rules out taken
    out (issue 27):

    * a value that is not testable as a district value (an estimate for a larger area, an old
      series), or the first value after a declared local change of recording
      (:func:`hwb.stats.fitness.fresh_break`: its level is not comparable with England's yet),
      is not compared with England ("Not compared"), not ranked among districts nor given a
      fifth, and never red-red;
    * a recent trend that is not trendable (across a break, from a survey estimate without
      limits, of a series not testable) is not read: ``recent_trend`` "" and ``trend_source``
      :data:`TREND_WITHHELD`.

    Evidence tuples become text ("declared; detected") so the table goes through CSV files.
    """
    rows = fitness_for(
        table.assign(area_code=area_code), fitness[fitness["area_code"] == area_code]
    )
    rows = rows.drop(columns="area_code")
    rows["rankable"] = rankable(rows).to_numpy()
    rows["testable"] = testable(rows).to_numpy()
    rows["trendable"] = trendable(rows).to_numpy()
    rows["fresh_break"] = fresh_break(rows).to_numpy()
    for column in ("estimate_evidence", "break_evidence"):
        rows[column] = ["; ".join(e) for e in rows[column]]
    rows["years_behind"] = rows["years_behind"].astype(float)
    rows["fitness"] = fitness_labels(rows)
    ok = rows["status"].eq(OK)
    unjudged = ok & (~rows["testable"] | rows["fresh_break"])
    rows.loc[unjudged, ["compared_95", "compared_998"]] = "Not compared"
    rows.loc[unjudged, "compared_source"] = ""
    if "compared_england_95" in rows.columns:
        rows.loc[unjudged, "compared_england_95"] = "Not compared"
    unranked = ok & ~rows["rankable"]
    rows.loc[unranked, "rank"] = np.nan
    rows.loc[unranked, "quintile"] = ""
    rows.loc[unjudged | unranked, "red_red"] = False
    untrended = ok & ~rows["trendable"] & rows["recent_trend"].astype(str).ne("")
    rows.loc[untrended, "recent_trend"] = ""
    rows.loc[untrended, "trend_source"] = TREND_WITHHELD
    return rows[[*table.columns, *FITNESS_SHOWN]]


# --------------------------------------------------------------------------- the county beside
def county_districts(frame: pd.DataFrame, county: str) -> list[str]:
    """The county's districts in ``frame`` (their ``parent_code``), sorted."""
    if "parent_code" not in frame.columns:
        return []
    return sorted(set(frame.loc[frame["parent_code"] == county, "area_code"].astype(str)))


def with_county(
    table: pd.DataFrame, frame: pd.DataFrame, catalogue: pd.DataFrame, county: str
) -> pd.DataFrame:
    """``table`` (a headline table) with the county's value for each row's period wherever it
    can be had (:func:`hwb.stats.combine.county_values`): the county's published row, else the
    exact figure from all its districts' counts and denominators. ``county_source`` says which
    ("published", "computed from the districts' counts"); ``county_reason`` says, where there
    is none, why (e.g. "life expectancy cannot be combined without each district's deaths and
    population by age")."""
    out = table.copy()
    have = out["county_value"].notna()
    out["county_source"] = np.where(have, PUBLISHED, "")
    out["county_reason"] = ""
    districts = county_districts(frame, county)
    if not districts:
        out.loc[~have & out["status"].eq(OK), "county_reason"] = (
            "the snapshot names none of the county's districts"
        )
        return out
    groups = split_by_indicator(frame)
    for index in out.index[~have & out["status"].eq(OK)]:
        row = out.loc[index]
        entry = catalogue.loc[int(row["indicator_id"])]
        rows = groups.get(int(row["indicator_id"]), frame.iloc[:0])
        rows = rows[
            (rows["sex"] == row["sex"])
            & (rows["age"] == row["age"])
            & (rows["period_sortable"] == row["period_sortable"])
        ]
        if rows.empty:
            out.at[index, "county_reason"] = "no figure for the county or its districts"
            continue
        found = county_values(
            rows,
            county,
            districts,
            entry["value_type"],
            entry["ci_method"],
            float(entry["multiplier"]),
        ).iloc[0]
        if found["source"]:
            out.at[index, "county_value"] = float(found["value"])
            out.at[index, "county_source"] = str(found["source"])
        else:
            out.at[index, "county_reason"] = str(found["reason"])
    return out
