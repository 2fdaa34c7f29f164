"""A programme (Starting, Living, Ageing Well; wider determinants): spine, trend and SPC charts."""

from __future__ import annotations

import pandas as pd

from hwb.charts.spc import spc_grid
from hwb.charts.spine import spine_chart, spine_data
from hwb.charts.trends import split_at_break, trend_data, trend_grid
from hwb.pages import display as d
from hwb.pages.model import OK, Pack

#: the catalogue roles of the life expectancy section's measures (and the SII beside them)
from hwb.pages.sections.common import (
    MAX_SPC_PANELS,
    MAX_TREND_PANELS,
    areas,
    county_note,
    fitness_note,
    label_of,
    labelled,
    missing_sentence,
    names_by_code,
    range_label,
)
from hwb.stats.findings import BETTER, WORSE
from hwb.stats.ranges import relative_gap
from hwb.stats.xmr import MIN_POINTS as SPC_MIN_POINTS
from hwb.stats.xmr import spc, spc_applicable
from hwb.text import alt
from hwb.text import format as fmt


def spine(pack: Pack, programme: str | None = None) -> d.Html:
    """The spine chart for one programme (or every indicator), with alt text and its numbers."""
    rows = pack.headline[(pack.headline["status"] == OK) & (pack.headline["benchmark"] != "none")]
    if programme:
        rows = rows[rows["programme"] == programme]
    if rows.empty:
        where = f" in {programme}" if programme else ""
        return d.paragraph(
            f"No indicator{where} has a value for {pack.name} in this snapshot, so there is no chart."
        )
    spread = range_label(rows)
    rows = rows.assign(label=labelled(rows))
    title = alt.spine_title(rows, pack.name, programme or "", counts=list_counts_of(pack, rows))
    fig = spine_chart(rows, title, pack.name, spread)
    return d.figure(fig, alt.spine_alt(rows, pack.name, spread), spine_data(rows))


def list_counts_of(pack: Pack, rows: pd.DataFrame) -> dict[str, int]:
    """How many of ``rows``' indicators are on the pack's "significantly worse" and "significantly
    better" lists (:attr:`hwb.pages.model.Pack.lists`): the counts a spine caption states, the
    same lists the key messages, summary and overview read."""
    keys = set(zip(rows["indicator_id"], rows["sex"], strict=True))
    out = {}
    for name in (WORSE, BETTER):
        on = pack.on_list(name)
        out[name] = sum(k in keys for k in zip(on["indicator_id"], on["sex"], strict=True))
    return out


def trend_figure(pack: Pack, rows: pd.DataFrame, title: str) -> d.Html:
    codes, names = areas(pack)
    panels = []
    rows = rows.assign(
        _worse=~rows["compared_95"].eq("Worse"),
        _gap=[
            -relative_gap(r["value"], r["england_value"], r["polarity"]) for _, r in rows.iterrows()
        ],
    )
    rows = rows.sort_values(["_worse", "_gap", "indicator_id"], kind="mergesort")
    for _, r in rows.iterrows():
        series = pack.series(r["indicator_id"], r["sex"])
        if series[series["area_code"] == pack.code]["value"].notna().sum() >= 2:
            label = label_of(r)
            panels.append((label, "" if r["unit"] == "%" else str(r["unit"]), series, r))
    if not panels:
        return d.paragraph(
            "Each indicator here has fewer than two periods for the district, so there is no trend chart."
        )
    total = len(panels)
    panels = panels[:MAX_TREND_PANELS]
    simple = [(t, u if u else "%", s) for t, u, s, _ in panels]
    if total > MAX_TREND_PANELS:
        title = f"{title} (the {MAX_TREND_PANELS} furthest behind England of {total})"
    fig = trend_grid(simple, codes, names, title)
    alt_text = " ".join(
        alt.trend_alt(
            s, t, r["unit"], {codes[k]: names[k] for k in ("district", "county", "england")}
        )
        for t, _, s, r in panels
    )
    columns = names_by_code(pack)
    if not any(
        s.loc[s["area_code"] == pack.county_code, "value"].notna().any() for _, _, s in simple
    ):  # no county figure in any panel: the section's note says why, not a column of "n/a"
        columns.pop(pack.county_code, None)
    return d.figure(fig, f"{title}. {alt_text}", trend_data(simple, columns))


def _spc_figure(pack: Pack, rows: pd.DataFrame, programme: str) -> d.Html:
    """SPC (XmR) charts only where valid: at least 12 non-overlapping periods; otherwise a sentence.

    The verdict on change is the recent trend (one per indicator, as in the table); the chart
    shows which single periods were unusual, not a second verdict.
    """
    panels, words, reasons = [], [], []
    for _, r in rows.drop_duplicates(["indicator_id", "sex"]).iterrows():
        if not bool(r.get("trendable", True)):
            reasons.append("unfit")  # a break, a survey without limits, an estimate or old
            continue
        series = pack.series(r["indicator_id"], r["sex"])
        mine = series[(series["area_code"] == pack.code) & series["value"].notna()]
        mine = split_at_break(mine)[-1]  # a control chart reads only the periods since a break
        period_type = pack.catalogue.loc[int(r["indicator_id"]), "period_type"]
        ok, why = spc_applicable(len(mine), period_type)
        if not ok:
            reasons.append(why)
            continue
        points = spc(mine, polarity=r["polarity"])
        unusual = points.loc[points["special_cause"], "period"].tolist()
        trend = str(r["recent_trend"]) or "not available"
        flagged = (
            f"{fmt.plural(len(unusual), 'unusual period')} ({fmt.join_words(unusual)})"
            if unusual
            else "no unusual periods"
        )
        panels.append((f"{r['label']}\nRecent trend: {trend}; {flagged}", points))
        words.append(
            f"{r['label']}: average {fmt.number(points['mean'].iloc[0])}, usual range "
            f"{fmt.number(points['lower_process_limit'].iloc[0])} to "
            f"{fmt.number(points['upper_process_limit'].iloc[0])}; {flagged}; recent trend {trend.lower()}."
        )
    if not panels:
        overlap = any("overlap" in w for w in reasons)
        unfit = (
            "a break in the series, a survey estimate without limits, an estimate for a larger "
            "area or old data, or "
            if "unfit" in reasons
            else ""
        )
        why = (
            unfit
            + ("their periods overlap (rolling pooled years) or " if overlap else "")
            + f"they have fewer than {SPC_MIN_POINTS} periods"
        )
        return d.paragraph(
            f"No SPC chart for {programme}: a statistical process control chart is valid only for at "
            f"least {SPC_MIN_POINTS} periods that do not overlap, and these indicators do not qualify "
            f"({why}). The trend charts above show the change over time."
        )
    total = len(panels)
    order = sorted(range(total), key=lambda i: not panels[i][1]["special_cause"].any())
    panels = [panels[i] for i in order[:MAX_SPC_PANELS]]
    words = [words[i] for i in order[:MAX_SPC_PANELS]]
    title = f"{programme}: which periods were unusual ({fmt.plural(total, 'indicator')} with {SPC_MIN_POINTS}+ periods)"
    fig = spc_grid(panels, title)
    table = pd.concat([p.assign(Indicator=t.split("\n")[0]) for t, p in panels], ignore_index=True)
    table = table[
        [
            "Indicator",
            "period",
            "value",
            "mean",
            "lower_process_limit",
            "upper_process_limit",
            "point_class",
        ]
    ]
    table.columns = [
        "Indicator",
        "Period",
        "Value",
        "Average",
        "Bottom of usual range",
        "Top of usual range",
        "Point",
    ]
    for c in ("Value", "Average", "Bottom of usual range", "Top of usual range"):
        table[c] = table[c].map(fmt.number)
    shown = (
        ""
        if total <= MAX_SPC_PANELS
        else f" (the {MAX_SPC_PANELS} shown put those with unusual periods first)"
    )
    caption = (
        f"{title}{shown}. The usual range (dashed lines, the 'process limits') is the average plus or minus "
        "2.66 times the average change from one period to the next; a point outside it, or a run of 7 on one "
        "side of the average or rising or falling, is unusual (circles: improvement, squares: concern, "
        "triangles: neither). The verdict on change is the recent trend, as in the table."
    )
    return d.figure(
        fig, f"SPC charts for {pack.name}{shown}. " + " ".join(words), table, caption=caption
    )


def programme(pack: Pack, name: str) -> d.Html:
    """A programme section: spine chart, trend charts with intervals, SPC charts, and what is missing."""
    rows = pack.headline[pack.headline["programme"] == name]
    have = rows[(rows["status"] == OK) & (rows["benchmark"] != "none")]
    parts = [spine(pack, name)]
    if len(have):
        parts.append(
            trend_figure(
                pack, have, f"{name}: trends in {pack.name}, {pack.county_name} and England"
            )
        )
        parts.append(_spc_figure(pack, have, name))
    for note in (
        fitness_note(have),
        county_note(rows[rows["status"] == OK], pack.county_name),
        missing_sentence(rows),
    ):
        if note:
            parts.append(d.paragraph(note))
    if len(getattr(pack, "members", [])) > 1:  # two districts: each one's own values too
        from hwb.pages.partnership_sections import programme_by_district

        parts.append(programme_by_district(pack, name))
    return d.join(parts)
