"""One function per section of a district pack; each returns heading-free displayable HTML.

The notebook's markdown cells carry the headings (Jupyter Book builds its page
contents from them); a code cell calls one of these and shows the result. No section
ever raises for missing data: it says in one plain sentence what is not available.
"""

from __future__ import annotations

import pandas as pd

from hwb.charts.projection import projection_grid
from hwb.charts.pyramid import pyramid_chart, pyramid_shares
from hwb.charts.spc import spc_grid
from hwb.charts.spine import spine_chart, spine_data
from hwb.charts.trends import trend_data, trend_grid
from hwb.data.catalogue import role_id, role_ids
from hwb.data.periods import midpoint
from hwb.data.snapshot import banner_text, provenance_text
from hwb.model.headline import STALE_YEARS, current, stale
from hwb.model.priorities import COMPONENTS, WATCH_LIST, WORSE_LIST, WORSENING_LIST, titled
from hwb.pages import display as d
from hwb.pages.model import ENGLAND_WIDE, OK, Pack
from hwb.stats.projection import (
    NOT_WITHIN,
    REACHED,
    TOO_UNCERTAIN,
    WITHIN,
)
from hwb.stats.ranges import relative_gap
from hwb.stats.trend import trend_kind
from hwb.stats.xmr import MIN_POINTS as SPC_MIN_POINTS
from hwb.stats.xmr import spc, spc_applicable
from hwb.text import alt
from hwb.text import format as fmt
from hwb.text.messages import key_messages as _key_messages
from hwb.text.messages import quintile_phrase

#: the catalogue roles of the life expectancy section's measures (and the SII beside them)
LIFE_ROLES = ("life_at_birth", "healthy_life", "life_at_65")
MAX_TREND_PANELS = 4
MAX_SPC_PANELS = 2
MAX_PROJECTION_PANELS = 4
TABLE_STYLE = "font-size:0.85em"


# --------------------------------------------------------------------------- helpers
def life_ids() -> tuple[int, ...]:
    """The ids of the life expectancy measures: the catalogue's :data:`LIFE_ROLES` indicators."""
    return role_ids(*LIFE_ROLES)


def _areas(pack: Pack) -> tuple[dict[str, str], dict[str, str]]:
    codes = {"district": pack.code, "county": pack.county_code, "england": pack.england_code}
    names = {"district": pack.name, "county": pack.county_name, "england": "England"}
    return codes, names


def _names_by_code(pack: Pack) -> dict[str, str]:
    codes, names = _areas(pack)
    return {codes[r]: names[r] for r in codes}


def _styled_table(frame: pd.DataFrame, raw: tuple[str, ...] = ()) -> str:
    return (
        f'<div style="{TABLE_STYLE};overflow-x:auto">{d.table(frame, raw_html_columns=raw)}</div>'
    )


def _missing_sentence(rows: pd.DataFrame) -> str:
    """ "Not available: A (not published for districts); B (not in this snapshot)."""
    gone = rows[rows["status"] != OK]
    if gone.empty:
        return ""
    by_reason: dict[str, list[str]] = {}
    for _, r in gone.drop_duplicates("indicator_id").iterrows():
        by_reason.setdefault(r["status"], []).append(r["short_name"])
    parts = [f"{fmt.join_words(v)} ({k})" for k, v in by_reason.items()]
    return "Not available here: " + "; ".join(parts) + "."


def banner(pack: Pack) -> d.Html:
    """The demonstration-data banner when the snapshot is synthetic; nothing for real data."""
    text = banner_text(pack.manifest)
    return d.banner(text) if text else d.Html("", "")


def range_label(rows: pd.DataFrame) -> str:
    """What a spine chart's grey bars span, in words (each indicator's own coverage)."""
    shown = rows[rows["districts_n"] > 0] if len(rows) else rows
    if shown.empty:
        return "no districts (no comparable values)"
    scopes = shown.groupby("range_scope", sort=True)["short_name"].apply(
        lambda s: list(dict.fromkeys(s))
    )
    if len(scopes) == 1:
        return str(scopes.index[0])
    parts = [f"{scope} for {fmt.join_words(names)}" for scope, names in scopes.items()]
    return "; ".join(parts)


# --------------------------------------------------------------------------- key messages
def _context_sentences(pack: Pack) -> list[str]:
    h = pack.headline
    out = []
    pop = h[(h["indicator_id"] == role_id("population")) & (h["status"] == OK)]
    if len(pop):
        r = pop.iloc[0]
        out.append(
            f"{pack.name} has {fmt.number(r['value'], 'people', 0)} residents ({r['period']})."
        )
    dep = h[(h["indicator_id"] == role_id("deprivation")) & (h["status"] == OK)]
    if len(dep):
        r = dep.iloc[0]
        fifth = quintile_phrase(
            str(r["quintile"]), int(r["indicator_id"]), int(r["districts_n"]), ENGLAND_WIDE
        )
        fifth = f"; {pack.name} is {fifth}" if fifth else ""
        out.append(
            f"Its deprivation score is {fmt.number(r['value'])} against {fmt.number(r['england_value'])} "
            f"for England ({r['period']}; higher means more deprived{fifth})."
        )
    judged = int(h["compared_95"].isin(["Better", "Similar", "Worse", "Higher", "Lower"]).sum())
    total = h["indicator_id"].nunique()
    out.append(
        f"{judged} of the {fmt.plural(total, 'indicator')} in the catalogue can be compared with England "
        f"(or a national goal) for {pack.name} in this snapshot; the rest are listed under each section."
    )
    return out


def key_messages(pack: Pack) -> d.Html:
    """5-8 generated sentences, most important first, each with its benchmark badge.

    For a pack of several districts (a partnership's :class:`~hwb.pages.partnership.PartnershipPack`),
    life expectancy comes first for each member district, then the combined area's messages.
    """
    members = getattr(pack, "members", [])
    messages = _key_messages(
        current(pack.headline),
        pack.name,
        _context_sentences(pack),
        [(m.headline, m.name) for m in members] if len(members) > 1 else None,
    )
    if not messages:
        return d.paragraph(f"This snapshot has no indicator values for {pack.name}.")
    items = "".join(
        f"<li>{d.badge(m.judgement) + ' ' if m.judgement else ''}{d.escape(m.text)}</li>"
        for m in messages
    )
    text = " ".join(m.text for m in messages)
    return d.Html(f'<ol class="hwb-key-messages">{items}</ol>', text)


def download_all(pack: Pack) -> d.Html:
    """Two CSV downloads: the headline numbers (every indicator) and the district's time series."""
    return d.join(
        [
            d.csv_link(
                headline_numbers(pack),
                f"{pack.slug}-headline.csv",
                f"Download the headline numbers for {pack.name} (CSV: every indicator, with "
                f"{pack.county_name}, England, benchmarks, trends and the range of districts)",
            ),
            d.csv_link(
                pack_numbers(pack),
                f"{pack.slug}-series.csv",
                f"Download {pack.name}'s time series (CSV: every period of every indicator; county and "
                "England series are in the tables under each chart)",
            ),
        ]
    )


HEADLINE_EXPORT = [
    "indicator_id",
    "label",
    "programme",
    "unit",
    "sex",
    "age",
    "period",
    "value",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "count",
    "denominator",
    "value_note",
    "county_value",
    "england_value",
    "compared_95",
    "compared_998",
    "quintile",
    "recent_trend",
    "red_red",
    "districts_n",
    "districts_min",
    "districts_q25",
    "districts_q75",
    "districts_max",
    "rank",
    "status",
]


def headline_numbers(pack: Pack) -> pd.DataFrame:
    """The headline table as published in the pack (one row per indicator and sex)."""
    return pack.headline[HEADLINE_EXPORT].reset_index(drop=True)


def pack_numbers(pack: Pack) -> pd.DataFrame:
    """The district's rows of each headline breakdown, every period (values rounded to 3 decimals).

    The population is the latest period only (the pyramid); the snapshot holds full precision.
    """
    frame = pack.frame[(pack.frame["area_code"] == pack.code) & (pack.frame["category_type"] == "")]
    shown = pack.headline[["indicator_id", "sex", "age"]].drop_duplicates()
    series = frame.merge(shown, on=["indicator_id", "sex", "age"], how="inner")
    population = frame[frame["indicator_id"] == role_id("population")]
    population = population[population["period_sortable"] == population["period_sortable"].max()]
    out = pd.concat(
        [series[series["indicator_id"] != role_id("population")], population], ignore_index=True
    )
    out = out.sort_values(["indicator_id", "sex", "age", "period_sortable"])
    columns = [
        "indicator_id",
        "sex",
        "age",
        "period",
        "value",
        "lower_95",
        "upper_95",
        "lower_998",
        "upper_998",
        "count",
        "denominator",
        "value_note",
    ]
    out = out[columns].copy()
    for c in ("value", "lower_95", "upper_95", "lower_998", "upper_998", "count", "denominator"):
        out[c] = out[c].round(3)
    empty = [
        c
        for c in ("lower_998", "upper_998", "count", "denominator", "value_note")
        if out[c].isna().all() or (out[c].astype(str) == "").all()
    ]
    return out.drop(columns=empty).reset_index(drop=True)


# --------------------------------------------------------------------------- headline
def compared_cell(row: pd.Series) -> str:
    """The "compared" cell of a table: badge (shape, colour, word), and what it is compared with."""
    label = str(row["compared_95"])
    if row.get("compared_to", "England") == "goal":
        met = "meets" if label == "Better" else "misses"
        return (
            f"{d.badge(label)} {met} the national goal of {d.escape(fmt.with_unit(row['goal'], row['unit']))} "
            f"(England: {d.escape(str(row.get('compared_england_95', 'Not compared')).lower())})"
        )
    fifth = quintile_phrase(
        label, int(row["indicator_id"]), int(row["districts_n"] or 0), ENGLAND_WIDE
    )
    if fifth:
        return f"{d.badge(label)} {d.escape(fifth)}"
    if row["indicator_id"] == role_id("inequality"):
        return f"{d.badge(label)} (a district's SII is not comparable with England's)"
    mark = " *" if row.get("compared_source") == "published" else ""
    if label in ("Higher", "Lower"):
        return f"{d.badge(label)}{mark} (neither better nor worse)"
    return d.badge(label) + mark


PUBLISHED_NOTE = (
    "* Published without confidence intervals (values rounded at source): the comparison with "
    "England is the one Fingertips published, not recalculated here."
)


def old_periods_note(rows: pd.DataFrame) -> str:
    """A sentence naming indicators whose latest period is several years behind the newest."""
    if rows.empty:
        return ""
    old = rows[stale(rows)]
    if old.empty:
        return ""
    names = fmt.join_words(list(dict.fromkeys(old["short_name"])))
    return (
        f"Older data: the latest period available here for {names} ended {STALE_YEARS} or more years "
        "before the newest; it is shown with its period, should be read as history, and is left out of "
        "the key messages, the priorities and the projections."
    )


def trend_cell(row: pd.Series) -> str:
    """The recent trend, marked † when it is our weighted-regression substitute, not Fingertips' test."""
    trend = str(row["recent_trend"]) or "Not available"
    return f"{trend} †" if uses_regression(row) else trend


def uses_regression(row: pd.Series) -> bool:
    """Whether the pack's own trend test fell back to the weighted regression (no counts, or a rate
    that is not a proportion or crude rate); Fingertips' published trends never do."""
    if row.get("trend_source") != "calculated" or str(row["recent_trend"]) in (
        "",
        "Cannot be calculated",
    ):
        return False
    has_counts = not (fmt.is_missing(row.get("count")) or fmt.is_missing(row.get("denominator")))
    return not (has_counts and trend_kind(row.get("value_type")) != "other")


REGRESSION_NOTE = (
    "† Trend from our weighted regression of the last five values on their confidence intervals: "
    "Fingertips publishes no trend for this kind of indicator, so this is our substitute, not "
    "Fingertips' test."
)


def headline(pack: Pack) -> d.Html:
    """Every indicator with a district value: 95% CI, county, England, judgement and trend."""
    rows = pack.headline[pack.headline["status"] == OK]
    if rows.empty:
        return d.paragraph(f"This snapshot has no indicator values for {pack.name}.")
    table = pd.DataFrame(
        {
            "Indicator": rows["label"],
            "Unit": rows["unit"],
            "Period": rows["period"],
            pack.name: rows["value"].map(fmt.number),
            "95% CI": [
                fmt.interval(lo, hi)
                for lo, hi in zip(rows["lower_95"], rows["upper_95"], strict=False)
            ],
            pack.county_name: rows["county_value"].map(fmt.number),
            "England": rows["england_value"].map(fmt.number),
            "Compared with England (or goal)": [compared_cell(r) for _, r in rows.iterrows()],
            "Recent trend": [trend_cell(r) for _, r in rows.iterrows()],
        }
    )
    parts = [
        d.Html(
            _styled_table(table, ("Compared with England (or goal)",)), f"{len(table)} indicators"
        )
    ]
    notes = ["95% CI: the 95% confidence interval, the range the true value very probably lies in."]
    if any(uses_regression(r) for _, r in rows.iterrows()):
        notes.append(REGRESSION_NOTE)
    if rows["compared_source"].eq("published").any():
        notes.append(PUBLISHED_NOTE)
    parts.append(d.paragraph(" ".join(notes)))
    old = old_periods_note(rows)
    if old:
        parts.append(d.paragraph(old))
    return d.join(parts)


# --------------------------------------------------------------------------- the district
def district_profile(pack: Pack) -> d.Html:
    """A short profile in words and the population pyramid against the county and England."""
    parts = [
        d.paragraph(
            " ".join(_context_sentences(pack)[:2])
            or f"Population and deprivation figures for {pack.name} are not in this snapshot."
        )
    ]
    pop = pack.frame[
        (pack.frame["indicator_id"] == role_id("population")) & (pack.frame["category_type"] == "")
    ]
    codes, names = _areas(pack)
    mine = pop[pop["area_code"] == pack.code]
    if mine.empty:
        parts.append(
            d.paragraph(
                "Population by age and sex is not in this snapshot, so there is no pyramid."
            )
        )
        return d.join(parts)
    latest = mine["period_sortable"].max()
    shares = pyramid_shares(
        pop[(pop["period_sortable"] == latest) & pop["area_code"].isin(codes.values())]
    )
    district = shares[shares["area_code"] == pack.code]
    if district.empty:
        parts.append(
            d.paragraph(
                "The snapshot has no 5-year age bands for this district, so there is no pyramid."
            )
        )
        return d.join(parts)
    period = mine.loc[mine["period_sortable"] == latest, "period"].iloc[0]
    older = district[district["start"] >= 65]["percent"].sum()
    england = shares[(shares["area_code"] == pack.england_code) & (shares["start"] >= 65)][
        "percent"
    ].sum()
    young = district[district["start"] < 20]["percent"].sum()
    title = f"{fmt.number(older)}% of {pack.name}'s residents are 65 or over (England {fmt.number(england)}%), {period}"
    alt_text = (
        f"Population pyramid of {pack.name} in {period} by sex and 5-year age band. "
        f"{fmt.number(older)}% are aged 65 or over against {fmt.number(england)}% in England; "
        f"{fmt.number(young)}% are under 20. The largest band is "
        f"{_largest(district)}."
    )
    table = shares.assign(Area=shares["area_code"].map(_names_by_code(pack)))
    table = (
        table.pivot_table(index=["age", "start"], columns=["Area", "sex"], values="percent")
        .sort_index(level="start")
        .reset_index(level="start", drop=True)
    )
    table.columns = [f"{a}: {s} (%)" for a, s in table.columns]
    table = table.map(fmt.number).reset_index().rename(columns={"age": "Age band"})
    parts.append(d.figure(pyramid_chart(shares, codes, names, title), alt_text, table))
    return d.join(parts)


def _largest(district: pd.DataFrame) -> str:
    top = district.sort_values(["percent", "start"], ascending=[False, True]).iloc[0]
    who = "men" if top["sex"] == "Male" else "women"
    return f"{who} aged {top['age'].replace(' yrs', '')} ({fmt.number(top['percent'])}%)"


# --------------------------------------------------------------------------- life expectancy
def life_expectancy(pack: Pack) -> d.Html:
    """Life and healthy life expectancy by sex: gap sentences, trend charts, inequality (SII, not
    compared with England), and the spine chart of the Overarching indicators."""
    h = pack.headline
    rows = h[h["indicator_id"].isin(life_ids() + (role_id("inequality"),))]
    have = rows[rows["status"] == OK]
    if have.empty:
        return d.paragraph(
            f"Life expectancy and healthy life expectancy for {pack.name} are not in this snapshot "
            f"({_missing_sentence(rows)[len('Not available here: ') :].rstrip('.')}), so this section has no chart."
        )
    parts = [d.bullets(life_sentences(pack, have))]
    parts.append(
        _trend_figure(
            pack,
            have[have["indicator_id"].isin(life_ids())],
            f"Life expectancy in {pack.name}, {pack.county_name} and England",
        )
    )
    parts.append(spine(pack, "Overarching"))
    missing = _missing_sentence(rows)
    if missing:
        parts.append(d.paragraph(missing))
    return d.join(parts)


def life_sentences(pack: Pack, have: pd.DataFrame) -> list[str]:
    """Life expectancy and its gap to England, and the inequality within the district, in words
    (``have``: the pack's headline rows with values; the pack's section and its summary use them)."""
    sentences = []
    for _, r in have[have["indicator_id"].isin(life_ids())].iterrows():
        if fmt.is_missing(r["england_value"]):
            continue
        gap = fmt.difference(r["value"], r["england_value"], r["unit"])
        side = "below" if r["value"] < r["england_value"] else "above"
        judged = {
            "Worse": "significantly worse than England",
            "Better": "significantly better than England",
            "Similar": "not significantly different from England",
        }.get(r["compared_95"], "not compared")
        sentences.append(
            f"{r['label']}: {fmt.with_unit(r['value'], r['unit'])} in {r['period']}, "
            f"{gap} {side} England ({fmt.with_unit(r['england_value'], r['unit'])}); "
            f"{judged} (95% confidence)."
        )
    sii = have[have["indicator_id"] == role_id("inequality")]
    for _, r in sii.iterrows():
        ci = fmt.interval(r["lower_95"], r["upper_95"])
        ci = f", 95% confidence interval {ci[1:-1]}" if ci else ", no interval published"
        sentences.append(
            f"Within {pack.name}, the gap in life expectancy {fmt.sex_words(r['sex'])} between the most "
            f"and least deprived neighbourhoods (the slope index of inequality, SII) is "
            f"{fmt.with_unit(r['value'], r['unit'])} ({r['period']}{ci})."
        )
    if len(sii):
        sentences.append(
            "The SII is not compared with England: a district's SII is measured across its own "
            "neighbourhoods ranked into tenths by deprivation, England's across national tenths, "
            "so the two are not on the same footing."
        )
    else:
        sentences.append(
            "The slope index of inequality in life expectancy within the district is not in this snapshot."
        )
    sentences.append("Life expectancy by deprivation tenth or by ward is not in this snapshot.")
    return sentences


# --------------------------------------------------------------------------- programmes
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
    title = alt.spine_title(rows, pack.name, programme or "")
    fig = spine_chart(rows, title, pack.name, spread)
    return d.figure(fig, alt.spine_alt(rows, pack.name, spread), spine_data(rows))


def _trend_figure(pack: Pack, rows: pd.DataFrame, title: str) -> d.Html:
    codes, names = _areas(pack)
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
            panels.append((str(r["label"]), "" if r["unit"] == "%" else str(r["unit"]), series, r))
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
    return d.figure(fig, f"{title}. {alt_text}", trend_data(simple, _names_by_code(pack)))


def _spc_figure(pack: Pack, rows: pd.DataFrame, programme: str) -> d.Html:
    """SPC (XmR) charts only where valid: at least 12 non-overlapping periods; otherwise a sentence.

    The verdict on change is the recent trend (one per indicator, as in the table); the chart
    shows which single periods were unusual, not a second verdict.
    """
    panels, words, reasons = [], [], []
    for _, r in rows.drop_duplicates(["indicator_id", "sex"]).iterrows():
        series = pack.series(r["indicator_id"], r["sex"])
        mine = series[(series["area_code"] == pack.code) & series["value"].notna()]
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
        why = (
            "their periods overlap (rolling pooled years) or " if overlap else ""
        ) + f"they have fewer than {SPC_MIN_POINTS} periods"
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
            _trend_figure(
                pack, have, f"{name}: trends in {pack.name}, {pack.county_name} and England"
            )
        )
        parts.append(_spc_figure(pack, have, name))
    missing = _missing_sentence(rows)
    if missing:
        parts.append(d.paragraph(missing))
    return d.join(parts)


# --------------------------------------------------------------------------- looking ahead
def projections(pack: Pack) -> pd.DataFrame:
    """The model's projections (:func:`hwb.model.projections.projections`): every judged
    indicator with enough points carried to the horizons, against England (or its goal)."""
    return pack.table("projections")


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
UNCERTAIN_CELL = "too uncertain to project"


def _uncertain(status: object) -> bool:
    return str(status).startswith(TOO_UNCERTAIN)


def _target_cell(r: pd.Series, against: str) -> str:
    """England's value the district is judged against: its projection, or its latest value
    where its projection worsens (so a gap never closes only because England gets worse)."""
    if fmt.is_missing(r.get("benchmark_target")):
        return ""
    if against == "goal":
        return f"{fmt.number(r['benchmark_target'])} (goal)"
    if bool(r.get("benchmark_worsens")) and fmt.number(r["benchmark_target"]) != fmt.number(
        r["benchmark_projected"]
    ):
        return (
            f"{fmt.number(r['benchmark_target'])} (England's latest: its trend worsens, to "
            f"{fmt.number(r['benchmark_projected'])})"
        )
    return fmt.number(r["benchmark_target"])


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
    """Projections to the strategy horizons: table for every indicator with 5+ points, charts for the worst."""
    horizons = pack.params.horizons
    table = projections(pack)
    fitted = (
        table[(table["status"] == "ok") | table["status"].map(_uncertain)] if len(table) else table
    )
    if fitted.empty:
        return d.paragraph(
            f"No indicator for {pack.name} has the 5 or more periods a projection needs in this snapshot, "
            f"so there are no projections to {fmt.join_words([str(h) for h in horizons])}."
        )
    ok = fitted[fitted["status"] == "ok"]
    parts = []
    last = max(horizons)
    at_last = fitted[fitted["horizon"] == last]
    worse = at_last[at_last["compared_95"] == "Worse"]
    if len(worse):
        parts.append(d.paragraph(_closing_sentence(pack.name, worse, last)))
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
            else UNCERTAIN_CELL
            if _uncertain(at.loc[k, "status"])
            else f"{fmt.number(at.loc[k, 'projected'])} {fmt.interval(at.loc[k, 'lower_95'], at.loc[k, 'upper_95'])}"
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
    parts.append(d.Html(_styled_table(shown.reset_index(drop=True)), f"{len(shown)} projections"))
    parts.append(
        d.paragraph(
            "95% range: the prediction interval, where the value for that year would be expected to fall if the recent "
            "trend continued with the same ups and downs. Periods are dated by their midpoint (2021 - 23 as mid-2022); "
            "projections never leave the possible range (no rate below zero, no percentage outside 0 to 100). "
            "Average change a year: from the latest value to the projected value. "
            "Too uncertain to project: the 95% range is wider than the projected value itself (more than "
            "±50% of it), so it could not inform a decision. Where England's own trend is getting worse, the "
            "district is judged against England's latest value, never against a worse future England; the change "
            "needed is always an improvement. COVID-19: periods that include 2020 or 2021 are left out of the fit "
            "where at least 5 other periods remain (the Model column says so); otherwise the pandemic's peaks in "
            "deaths and dips in life expectancy pull the line, so treat those projections with particular caution."
        )
    )
    charted = ok.drop_duplicates(["indicator_id", "sex"], keep="last")
    worst = (
        charted.assign(_w=charted["compared_95"].eq("Worse"))
        .sort_values(["_w", "indicator_id"], ascending=[False, True])
        .head(MAX_PROJECTION_PANELS)
    )
    _, names = _areas(pack)
    panels = []
    for _, r in worst.iterrows():
        series = pack.series(r["indicator_id"], r["sex"])
        series = series.assign(year=[midpoint(x, r["period_type"]) for x in series["period"]])
        rows = ok[(ok["indicator_id"] == r["indicator_id"]) & (ok["sex"] == r["sex"])]
        rows = rows.assign(horizon=rows["horizon"] + 0.5)
        panels.append(
            (
                r["label"],
                "" if r["unit"] == "%" else r["unit"],
                series[series["area_code"] == pack.code],
                series[series["area_code"] == pack.england_code],
                rows,
            )
        )
    if panels:
        fig = projection_grid(panels, names, f"{pack.name} on current trends to {last}")
        alt_text = (
            f"Projections for {pack.name} to {fmt.join_words([str(h) for h in horizons])}, "
            "where not too uncertain to project. "
            + " ".join(
                f"{r['label']}: latest {fmt.number(r['latest_value'])} in {r['latest_period']}, projected "
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
    ok = pack.headline[pack.headline["status"] == OK]
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


def _closing_sentence(district: str, worse: pd.DataFrame, last: int) -> str:
    """Which gaps to England close within the strategy period on current trends, and which do not."""
    unsure = worse["status"].map(_uncertain) if "status" in worse else False
    sure = worse[~unsure]
    within = sure[sure["reaches_benchmark"] == WITHIN]
    not_within = sure[sure["reaches_benchmark"] == NOT_WITHIN]
    too_wide = worse[unsure]
    n = len(worse)
    out = (
        f"Of the {fmt.plural(n, 'indicator')} where {district} is significantly worse than England (or its "
        f"goal), on current trends"
    )
    clauses = []
    if len(within):
        clauses.append(
            f"the gap would close within the strategy period (by {last}) for "
            + fmt.join_words(list(within["label"]))
        )
    if len(not_within):
        clauses.append(
            "it would not close within the strategy period for "
            + fmt.join_words(list(not_within["label"]))
        )
    if len(too_wide):
        clauses.append(
            f"the trend is too uncertain to say by {last} for "
            + fmt.join_words(list(too_wide["label"]))
        )
    if not clauses:
        clauses.append("none is projected")
    return (
        out
        + " "
        + "; ".join(clauses)
        + ". The table gives the change a year needed to reach England's "
        f"projected value (or its latest, where England's trend is getting worse; or the goal) by {last}."
    )


# --------------------------------------------------------------------------- priorities
def ranked_priorities(pack: Pack) -> pd.DataFrame:
    """The pack's long-list (the model's ``priorities``: :func:`hwb.model.priorities.rank_priorities`
    with the pack's own weights, number to recommend, peers and, for two districts, each
    member's own findings); the Priorities section, the four-page summary and the overview
    all show this one."""
    return pack.table("priorities")


def recommended_priorities(pack: Pack) -> pd.DataFrame:
    """The rows of :func:`ranked_priorities` the pack recommends."""
    ranked = ranked_priorities(pack)
    return ranked[ranked["recommended"]] if len(ranked) else ranked


def priorities(pack: Pack) -> d.Html:
    """The long-list of candidate priorities: recommended ones first, both lists, the scores and
    reasons, and whether the top three change under other weights (see :mod:`hwb.model.priorities`)."""
    weights = pack.params.priority_weights
    members = len(getattr(pack, "members", [])) > 1
    ranked = ranked_priorities(pack)
    if ranked.empty:
        return d.paragraph(
            f"No indicator with a judgement has a value for {pack.name} in this snapshot, "
            "so no priority can be drawn from the data."
        )
    whom = f"{pack.name} or one of its districts" if members else pack.name
    parts = [
        d.paragraph(
            f"A long-list for the partnership to choose from, not a decision: only indicators where {whom} is "
            "significantly worse than England (or misses a national goal) are candidates, with a separate list of "
            "those similar to England but getting worse. Each candidate's reason gives the evidence; the methods page "
            "explains the scores."
        )
    ]
    recommended = ranked[ranked["recommended"]]
    lists = set(ranked["list"])
    if WORSE_LIST not in lists:
        whom = f"{pack.name} or any of its districts" if members else pack.name
        parts.append(
            d.paragraph(
                f"No indicator is significantly worse than England for {whom}, so the recommendation "
                "comes from the list of indicators similar to England but getting worse."
                if WORSENING_LIST in lists
                else f"No indicator is significantly worse than England for {whom} and none is getting "
                f"worse, so the indicator on which {pack.name} ranks least well among the districts is "
                "offered to watch (its rank is in its reason: least well need not mean low)."
            )
        )
    items = [f"{titled(r)} ({r['list']}): {r['reason']}" for _, r in recommended.iterrows()]
    parts += [
        d.paragraph(f"Recommended from the data ({len(recommended)}):", "hwb-lead"),
        d.bullets(items, ordered=True),
    ]
    for name, heading in (
        (WORSE_LIST, "Long-list 1: significantly worse than England ({n})"),
        (WORSENING_LIST, "Long-list 2: similar to England but getting worse ({n})"),
        (WATCH_LIST, "To watch ({n})"),
    ):
        rows = ranked[ranked["list"] == name]
        if rows.empty:
            if name == WORSENING_LIST and WORSE_LIST in lists:
                parts.append(
                    d.paragraph("Long-list 2 (similar to England but getting worse) is empty.")
                )
            continue
        parts.append(d.paragraph(heading.format(n=len(rows)), "hwb-lead"))
        parts.append(d.Html(_styled_table(_candidate_table(rows)), f"{len(rows)} candidates"))
    weight_words = ", ".join(
        f"{c.replace('_', ' ')} {fmt.number(getattr(weights, c), decimals=0)}" for c in COMPONENTS
    )
    parts.append(
        d.paragraph(
            f"Weights (from the district's parameters): {weight_words}. Each piece of evidence scores 0 to 1: "
            "significance (1 worse even at 99.8%, 0.5 at 95% only), trend (1 getting worse), "
            "gap (percentile rank among the districts, 1 = worst), "
            "people (percentile rank of excess events, 1 = most), strategy link."
        )
    )
    view = pack.table("sensitivity")
    if len(view) > 1:
        changed = (view["Same top three?"].iloc[1:] != "yes").sum()
        verdict = (
            "The top three are the same under every other weighting tried."
            if changed == 0
            else f"The top three change under {int(changed)} of the {len(view) - 1} other weightings tried: "
            "read the ranking as a guide, not a verdict."
        )
        parts.append(
            d.paragraph(
                f"Sensitivity: does the top of the long-list depend on the weights? {verdict}"
            )
        )
        parts.append(d.Html(_styled_table(view), "sensitivity"))
    return d.join(parts)


def _candidate_table(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Rank": rows["rank"],
            "Candidate priority": [titled(r) for _, r in rows.iterrows()],
            **{
                c.replace("_", " ").capitalize(): rows[c].map(lambda x: fmt.number(x, decimals=2))
                for c in COMPONENTS
            },
            "Score": rows["score"].map(lambda x: fmt.number(x, decimals=2)),
            "Recommended": rows["recommended"].map({True: "Yes", False: ""}),
            "Why": rows["reason"],
        }
    ).reset_index(drop=True)


# --------------------------------------------------------------------------- about this data
def about(pack: Pack) -> d.Html:
    """Sources, periods, licence and snapshot hash from the manifest; what is missing and why."""
    m = pack.manifest
    files = m.get("files", [])
    facts = [
        ("Source", provenance_text(m)),
        ("Demonstration data", "Yes — not official statistics" if pack.synthetic else "No"),
        ("Snapshot", pack.snapshot),
        (
            "Files and SHA-256",
            "; ".join(f"{f.get('name')}: {str(f.get('sha256', ''))[:16]}…" for f in files),
        ),
        ("Licence", str(m.get("licence") or "Open Government Licence v3.0 (OHID Fingertips)")),
    ]
    ok = pack.headline[pack.headline["status"] == OK]
    if len(ok):
        periods = sorted(set(ok["period"]), key=str)
        facts.append(
            (
                "Latest periods shown",
                f"{periods[0]} to {periods[-1]} (each indicator's own latest period)",
            )
        )
    for note in pack.frame.attrs.get("dropped_rows", []):
        facts.append(("Rows left out at load", str(note)))
    held = pack.frame.attrs.get("quarantined", [])
    if held:
        facts.append(
            (
                "Rows quarantined at load",
                f"{len(held)} row(s) failed validation and are left out; listed below",
            )
        )
    facts_table = pd.DataFrame(facts, columns=["", "Detail"])
    parts = [d.Html(_styled_table(facts_table), "About this data")]
    missing = pack.headline[pack.headline["status"] != OK].drop_duplicates("indicator_id")
    if len(missing):
        reasons = snapshot_gaps(pack.manifest)
        words = missing["status"].map(_STATUS_WORDS).fillna(missing["status"])
        words = [
            f"{w} ({reasons[int(i)]})" if int(i) in reasons else w
            for i, w in zip(missing["indicator_id"], words, strict=False)
        ]
        why = pd.DataFrame(
            {
                "Indicator": missing["short_name"],
                "Programme": missing["programme"],
                "Why it is not shown": words,
            }
        )
        parts.append(
            d.paragraph(f"{len(missing)} catalogue indicators have no value for {pack.name} here:")
        )
        parts.append(
            d.Html(
                d.details(f"Show the {len(missing)} indicators not available", _styled_table(why)),
                "",
            )
        )
    if held:
        listed = pd.DataFrame(
            {
                "Where": [f"{f['file']}, line {f['line']}, column '{f['column']}'" for f in held],
                "Why it was left out": [
                    f["reason"] + (f" (found {f['found']!r})" if f.get("found") else "")
                    for f in held
                ],
            }
        )
        parts.append(
            d.Html(d.details(f"Show the {len(held)} quarantined rows", _styled_table(listed)), "")
        )
    sources = source_table(pack)
    if len(sources):
        parts.append(d.paragraph("Where each indicator comes from (the snapshot's manifest):"))
        parts.append(
            d.Html(
                d.details(f"Show the sources of {len(sources)} indicators", _styled_table(sources)),
                "",
            )
        )
    parts.append(download_all(pack))
    return d.join(parts)


def snapshot_gaps(manifest: dict) -> dict[int, str]:
    """Why the manifest says an indicator has no file: not in any public copy, or no data at that area type."""
    gaps = {}
    for key in ("not_in_snapshot", "no_data"):
        for entry in manifest.get(key) or []:
            gaps[int(entry["indicator_id"])] = str(entry.get("reason", "")).rstrip(".")
    return gaps


def source_table(pack: Pack) -> pd.DataFrame:
    """Per indicator in the snapshot: its source repository and commit, why, and what was done."""
    names = pack.catalogue["short_name"]
    rows = []
    for entry in pack.manifest.get("files", []) or []:
        origins = entry.get("origin") or []
        if not origins:
            continue
        for indicator_id in entry.get("indicators") or []:
            rows.append(
                {
                    "Indicator": names.get(int(indicator_id), f"Indicator {indicator_id}"),
                    "Source": "; ".join(
                        f"{o['repository']} @ {str(o['commit'])[:12]} ({o['path']})"
                        for o in origins
                    ),
                    "Why this source": str(entry.get("why", "")),
                    "What was done": "; ".join(entry.get("processing") or []),
                }
            )
    return pd.DataFrame(rows, columns=["Indicator", "Source", "Why this source", "What was done"])


_STATUS_WORDS = {
    "not published for districts": "Fingertips publishes it for counties and unitary authorities only",
    "not in this snapshot": "not in this snapshot; `make data` fetches it from Fingertips",
    "no value for this district in the snapshot": "the snapshot has it for other areas but not this district",
    "suppressed": "the value is suppressed (small numbers) or not available",
}
