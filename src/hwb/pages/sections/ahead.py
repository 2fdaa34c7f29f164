"""Looking ahead: the model's projections to the strategy horizons, in a table and charts."""

from __future__ import annotations

import pandas as pd

from hwb.charts.projection import projection_grid
from hwb.data.periods import midpoint
from hwb.model.headline import STALE_YEARS, stale
from hwb.pages import display as d
from hwb.pages.model import OK, Pack
from hwb.pages.sections.common import MAX_PROJECTION_PANELS, areas, styled_table
from hwb.stats.findings import WORSE
from hwb.stats.projection import (
    BREAK_DIRECTION_ONLY,
    NOT_WITHIN,
    REACHED,
    TOO_UNCERTAIN,
    TURNING_POINT,
    WITHIN,
)
from hwb.text import format as fmt
from hwb.text.alt import break_words


def projections(pack: Pack, code: str | None = None) -> pd.DataFrame:
    """The model's projections (:func:`hwb.model.projections.projections`) of the pack's area
    (or of the member district ``code``): every judged indicator fit to project, carried to
    the horizons with the guards of issue 28, against England's latest value (or its goal)."""
    table = pack.table("projections")
    if len(table) and "area_code" in table:
        table = table[table["area_code"] == (code or pack.code)].reset_index(drop=True)
    return table


SCALE_WORDS = {
    "log": "steady % change (log scale)",
    "logit": "bends near 0% and 100% (logit scale)",
    "identity": "straight line",
}
REACH_WORDS = {
    REACHED: "already as good",
    WITHIN: "yes, within the strategy period",
    NOT_WITHIN: "not within the strategy period",
}
SLIPS_WORDS = "as good now, but not on current trends"
#: how to read the projections table, printed once under the pack's own
READING = (
    "95% range: the prediction interval, where the value for that year would be expected to fall if the "
    "recent trend continued with the same ups and downs. Periods are dated by their midpoint (2021 - 23 as "
    "mid-2022). Average change a year: from the latest value to the projected value. A projection follows "
    "the data: after a break in a series only the periods since the break are fitted (with fewer than 5 of "
    "them, only the direction since is given); where each of the last 3 periods moved one way and the "
    'fitted line runs the other, the table says "turning point: too uncertain to project"; no projection '
    "goes beyond the best or worst district's latest value (it is held there, and the cell says so); too "
    "uncertain to project also where the 95% range is wider than the projected value itself or than the "
    "range the indicator plausibly takes. The target is England's latest value (or a national goal), never "
    "England's own projection; the change needed is always an improvement. COVID-19: periods that include "
    "2020 or 2021 are left out of the fit where at least 5 other periods remain (the Model column says so)."
)
UNCERTAIN_CELL = "too uncertain to project"


def _uncertain(status: object) -> bool:
    return str(status).startswith(TOO_UNCERTAIN) or str(status) == TURNING_POINT


def _uncertain_cell(status: object) -> str:
    return TURNING_POINT if str(status) == TURNING_POINT else UNCERTAIN_CELL


def _held(r: pd.Series) -> str:
    """Where the projection was held at the English range, in words."""
    side = {"high": "highest", "low": "lowest"}.get(str(r.get("clamped", "")), "")
    return f" (held at the {side} district's latest value)" if side else ""


def _target_cell(r: pd.Series, against: str) -> str:
    """What the area is judged against: England's latest value, or the national goal (never
    England's own projection)."""
    if fmt.is_missing(r.get("benchmark_target")):
        return ""
    if against == "goal":
        return f"{fmt.number(r['benchmark_target'])} (goal)"
    return f"{fmt.number(r['benchmark_target'])} (England's latest)"


def _change_cell(r: pd.Series) -> str:
    if _uncertain(r["status"]) or r["reaches_benchmark"] in (REACHED, ""):
        return ""
    change = r["change_needed_per_year"]
    if fmt.is_missing(change):
        return ""
    if change == 0:
        return "none: hold the latest value"
    return fmt.number(change, decimals=2)


def looking_ahead(pack: Pack) -> d.Html:
    """Projections to the strategy horizons: a table for every indicator fit to project and
    charts for the worst; for a partnership of several districts, each district's own too."""
    parts = [_area_ahead(pack, pack, projections(pack))]
    members = getattr(pack, "members", [])
    if len(members) > 1:
        for member in members:
            parts.append(d.paragraph(f"{member.name} on its own", "hwb-lead"))
            parts.append(_area_ahead(pack, member, projections(pack, member.code)))
    return d.join(parts)


def _area_ahead(pack: Pack, area: Pack, table: pd.DataFrame) -> d.Html:
    """One area's projections (the pack's, or a member district's ``area``)."""
    horizons = pack.params.horizons
    fitted = (
        table[(table["status"] == "ok") | table["status"].map(_uncertain)] if len(table) else table
    )
    if fitted.empty:
        return d.paragraph(
            f"No indicator for {area.name} has the 5 or more periods a projection needs in this snapshot, "
            f"so there are no projections to {fmt.join_words([str(h) for h in horizons])}."
        )
    ok = fitted[fitted["status"] == "ok"]
    parts = []
    last = max(horizons)
    at_last = fitted[fitted["horizon"] == last]
    sentence = closing_sentence(area, table, last)
    if sentence:
        parts.append(d.paragraph(sentence))
    against = ["goal" if t == "goal" else "England" for t in at_last["compared_to"]]
    unsure = at_last["status"].map(_uncertain)
    shown = pd.DataFrame(
        {
            "Indicator": at_last["label"],
            "Latest": [
                f"{fmt.number(v)} ({p})"
                for v, p in zip(at_last["latest_value"], at_last["latest_period"], strict=False)
            ],
            "Model": [
                SCALE_WORDS[sc] + ("; leaves out 2020 and 2021 (COVID-19)" if n else "")
                for sc, n in zip(at_last["scale"], at_last["n_excluded"].fillna(0), strict=False)
            ],
            f"Average change a year, latest to {last}": [
                "" if u else fmt.number(x, decimals=2)
                for x, u in zip(at_last["slope"], unsure, strict=False)
            ],
        }
    )
    for h in horizons:
        at = fitted[fitted["horizon"] == h].set_index(["indicator_id", "sex"])
        key = list(zip(at_last["indicator_id"], at_last["sex"], strict=False))
        shown[f"Projected {h} (95% range)"] = [
            ""
            if k not in at.index
            else _uncertain_cell(at.loc[k, "status"])
            if _uncertain(at.loc[k, "status"])
            else f"{fmt.number(at.loc[k, 'projected'])} {fmt.interval(at.loc[k, 'lower_95'], at.loc[k, 'upper_95'])}"
            + _held(at.loc[k])
            for k in key
        ]
    if "benchmark_target" in at_last:
        shown[f"England (or goal) {last}"] = [
            _target_cell(r, a) for (_, r), a in zip(at_last.iterrows(), against, strict=False)
        ]
        shown[f"Reaches England (or goal) by {last}?"] = [
            "too uncertain to say"
            if u
            else (SLIPS_WORDS if x == NOT_WITHIN and now else REACH_WORDS.get(x, ""))
            + (" (but the 95% range includes it)" if x == NOT_WITHIN and inside else "")
            for x, inside, u, now in zip(
                at_last["reaches_benchmark"],
                at_last["benchmark_in_interval"],
                unsure,
                at_last["as_good_now"],
                strict=False,
            )
        ]
        shown[f"Change a year needed to get there by {last}"] = [
            _change_cell(r) for _, r in at_last.iterrows()
        ]
    parts.append(d.Html(styled_table(shown.reset_index(drop=True)), f"{len(shown)} projections"))
    if area is pack:
        parts.append(d.paragraph(READING))
    charted = ok.drop_duplicates(["indicator_id", "sex"], keep="last")
    worst = (
        charted.assign(_w=charted["compared_95"].eq("Worse"))
        .sort_values(["_w", "indicator_id"], ascending=[False, True], kind="stable")
        .head(MAX_PROJECTION_PANELS)
    )
    _, names = areas(area)
    panels, broken = [], {}
    for _, r in worst.iterrows():
        series = pack.series(r["indicator_id"], r["sex"])
        series = series.assign(year=[midpoint(x, r["period_type"]) for x in series["period"]])
        broken[(r["indicator_id"], r["sex"])] = break_words(
            series[(series["area_code"] == area.code) & series["value"].notna()]
        )
        rows = ok[(ok["indicator_id"] == r["indicator_id"]) & (ok["sex"] == r["sex"])]
        rows = rows.assign(horizon=rows["horizon"] + 0.5)
        panels.append(
            (
                r["label"],
                "" if r["unit"] == "%" else r["unit"],
                series[series["area_code"] == area.code],
                series[series["area_code"] == pack.england_code],
                rows,
            )
        )
    if panels:
        fig = projection_grid(panels, names, f"{area.name} on current trends to {last}")
        alt_text = (
            f"Projections for {area.name} to {fmt.join_words([str(h) for h in horizons])}, "
            "where not too uncertain to project. "
            + " ".join(
                f"{r['label']}: latest {fmt.number(r['latest_value'])} in {r['latest_period']}"
                f"{broken[(r['indicator_id'], r['sex'])]}, projected "
                f"{fmt.number(r['projected'])} in {r['horizon']} (95% prediction interval "
                f"{fmt.number(r['lower_95'])} to {fmt.number(r['upper_95'])})."
                for _, r in worst.iterrows()
            )
        )
        parts.append(d.figure(fig, alt_text))
    short = (
        table[table["status"].str.startswith("too few")].drop_duplicates(["indicator_id", "sex"])
        if len(table)
        else table
    )
    if len(short):
        parts.append(
            d.paragraph(
                f"Not projected (fewer than 5 periods): {fmt.join_words(list(short['label']))}."
            )
        )
    broken = (
        table[table["status"] == BREAK_DIRECTION_ONLY].drop_duplicates(["indicator_id", "sex"])
        if len(table)
        else table
    )
    if len(broken):
        parts.append(
            d.paragraph(
                "Not projected (a break in the series leaves fewer than 5 periods since it): "
                + "; ".join(
                    f"{r['label']} ({_direction_words(r)} since {r['break_period']})"
                    for _, r in broken.iterrows()
                )
                + "."
            )
        )
    ok = area.headline[area.headline["status"] == OK]
    old = ok[stale(ok) & (ok["polarity"] != "no_judgement") & (ok["benchmark"] != "none")]
    if len(old):
        parts.append(
            d.paragraph(
                f"Not projected (the latest data ended {STALE_YEARS} or more years before the newest, "
                "so a trend carried forward to the strategy horizons would not be evidence): "
                f"{fmt.join_words(list(old['label']))}."
            )
        )
    return d.join(parts)


def _direction_words(r: pd.Series) -> str:
    direction = r.get("recent_direction")
    if fmt.is_missing(direction):
        return "too few periods for a direction"
    return {1.0: "rising", -1.0: "falling"}.get(float(direction), "no steady direction")


def closing_sentence(area: Pack, table: pd.DataFrame, last: int) -> str:
    """Which gaps to England close within the strategy period on current trends, and which do
    not, for every indicator on the area's "significantly worse" list (:attr:`Pack.lists`, the
    list the key messages, spine, summary and overview count), so the number stated is that
    list's; those the projections cannot carry forward are named with the reason. ``table``:
    the area's projections (:func:`projections`); "" when nothing is significantly worse."""
    listed = area.on_list(WORSE)
    if listed.empty:
        return ""
    listed = listed.drop_duplicates(["indicator_id", "sex"])
    at_last = table[table["horizon"] == last] if len(table) else table
    found = at_last.drop_duplicates(["indicator_id", "sex"]).set_index(["indicator_id", "sex"])
    within, not_within, unsure = [], [], []
    why_not: dict[str, list[str]] = {}
    fitness = area.headline.set_index(["indicator_id", "sex"])
    for r in listed.itertuples(index=False):
        key = (r.indicator_id, r.sex)
        state = str(found.at[key, "status"]) if key in found.index else ""
        goes = found.at[key, "reaches_benchmark"] if state == "ok" else ""
        if goes in (WITHIN, REACHED):
            within.append(r.label)
        elif goes == NOT_WITHIN:
            not_within.append(r.label)
        elif _uncertain(state):
            unsure.append(r.label)
        else:
            why_not.setdefault(_not_projected(state, fitness, key), []).append(r.label)
    clauses = []
    if within:
        clauses.append(
            f"the gap would close within the strategy period (by {last}) for "
            + fmt.join_words(within)
        )
    if not_within:
        clauses.append(
            "it would not close within the strategy period for " + fmt.join_words(not_within)
        )
    if unsure:
        clauses.append(f"it is too uncertain to say by {last} for " + fmt.join_words(unsure))
    opening = (
        f"Of the {fmt.plural(len(listed), 'indicator')} where {area.name} is significantly worse "
        "than England (or its goal)"
    )
    sentences = [f"{opening}, on current trends {'; '.join(clauses)}."] if clauses else []
    gone = sum(len(v) for v in why_not.values())
    if gone:
        reasons = "; ".join(f"{fmt.join_words(names)} ({why})" for why, names in why_not.items())
        sentences.append(
            f"The other {'one' if gone == 1 else gone} cannot be carried forward: {reasons}."
            if clauses
            else f"{opening}, none can be carried forward: {reasons}."
        )
    if within or not_within:
        sentences.append(
            f"The table gives the change a year needed to reach England's latest value (or the "
            f"goal) by {last}."
        )
    return " ".join(sentences)


def _not_projected(status: str, fitness: pd.DataFrame, key: tuple) -> str:
    """Why an indicator on the "significantly worse" list has no projection, in words."""
    if status == BREAK_DIRECTION_ONLY:
        return "a break in the series leaves fewer than 5 periods since it"
    if status.startswith("too few"):
        return "fewer than 5 periods"
    row = fitness.loc[key] if key in fitness.index else None
    if row is not None and bool(row.get("survey_without_limits", False)):
        return "published as a survey estimate without limits"
    return "no trend to carry forward"
