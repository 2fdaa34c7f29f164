"""A partnership's four-page summary ("at a glance"): what ``notebooks/summary.ipynb`` calls.

Built from the same pack (:func:`hwb.pages.partnership.load_partnership_pack`) and the same
section functions as the full pack, never a second computation: the key messages
(:func:`hwb.pages.sections.key_messages`), the ranked long-list
(:func:`hwb.pages.sections.ranked_priorities`, the Priorities section's very list), the spine
chart (:func:`hwb.pages.sections.spine`), the life-expectancy sentences and chart, the
priority wards (:mod:`hwb.pages.wards`) and the projections
(:func:`hwb.pages.sections.projections`). This module only chooses and trims.

Printed, each of the four ``##`` sections of the summary page fills one A4 page (the print
stylesheet, ``book/_static/hwb-print.css``, starts each on a new page and keeps the data
sources on page 4; ``make pdfs`` prints ``pdf/<slug>-summary.pdf``):

1. :func:`messages_and_priorities`; 2. :func:`against_england`;
3. :func:`life_and_wards`; 4. :func:`heading` and :func:`sources`.
"""

from __future__ import annotations

import pandas as pd

from hwb.data.catalogue import role_id
from hwb.data.snapshot import provenance_text, release_text, source_copies
from hwb.model.priorities import titled
from hwb.pages import display as d
from hwb.pages import sections
from hwb.pages.model import OK, Pack
from hwb.pages.sections.ahead import closing_sentence
from hwb.pages.sections.programmes import trend_figure
from hwb.stats.findings import BETTER, WORSE
from hwb.stats.projection import NOT_WITHIN, REACHED
from hwb.text import format as fmt
from hwb.text.messages import rejection

#: the class of the block that opens the summary page; the print stylesheet lays out
#: the page as four A4 pages when it finds it
GLANCE_CLASS = "hwb-glance"
MAX_WARDS = 5  # per district, on page 3
MAX_PROJECTIONS = 14  # rows of the page-4 table
HOW_TO_READ = (
    "How to read it: page 1 gives the key messages and the priorities the data point to, page 2 "
    "every headline indicator against England, page 3 life expectancy, its inequality and the "
    "priority wards, page 4 where things are heading and the sources. Significance is shown in "
    "words and shapes as well as colour."
)


def _members(pack: Pack) -> list[Pack]:
    members = getattr(pack, "members", [])
    return members if len(members) > 1 else [pack]


def _districts(pack: Pack) -> str:
    return fmt.join_words([m.name for m in _members(pack)])


def introduction(pack: Pack) -> d.Html:
    """Whose summary it is, the data release, how to read it and where the full pack is."""
    slug = pack.partnership.slug if getattr(pack, "partnership", None) else pack.slug
    whose = (
        f"The evidence pack of the {getattr(pack, 'partnership_name', pack.name)} in four pages, "
        f"for {_districts(pack)}."
    )
    lines = [whose, f"Data: {release_text(pack.manifest)}.", HOW_TO_READ]
    body = "".join(f"<p>{d.escape(line)}</p>" for line in lines)
    link = (
        f'<p class="hwb-glance-full"><a href="../districts/{d.escape(slug)}.html">'
        "The full evidence pack, with every chart and the numbers behind it</a></p>"
    )
    return d.Html(f'<div class="{GLANCE_CLASS}">{body}{link}</div>', " ".join(lines))


def recommended(pack: Pack) -> pd.DataFrame:
    """The recommended rows of the pack's long-list: the very rows the Priorities section
    recommends (:func:`hwb.pages.sections.recommended_priorities`), with a two-district
    partnership's member-district findings."""
    return sections.recommended_priorities(pack)


def messages_and_priorities(pack: Pack) -> d.Html:
    """Page 1: the pack's key messages, then its recommended priorities with their reasons."""
    parts = [sections.key_messages(pack)]
    rows = recommended(pack)
    if rows.empty:
        parts.append(
            d.paragraph(
                f"No priority is recommended from the data for {pack.name}: no indicator fit to "
                "judge is significantly worse than England or similar but getting worse."
            )
        )
        return d.join(parts)
    items = []
    for _, r in rows.iterrows():
        where = ""
        if len(_members(pack)) > 1:
            from hwb.pages.partnership import concentration

            where = f" {fmt.upper_first(concentration(pack, r['indicator_id'], r['label']))}."
        items.append(f"{titled(r)} ({r['list']}): {r['reason']}{where}")
    parts += [
        d.paragraph(
            f"Recommended priorities from the data ({len(rows)}), for the partnership to weigh; "
            "the full pack gives the long-list and how it was ranked:",
            "hwb-lead",
        ),
        d.bullets(items, ordered=True, css_class="hwb-list hwb-glance-priorities"),
    ]
    return d.join(parts)


def against_england(pack: Pack) -> d.Html:
    """Page 2: the spine chart of every headline indicator, with the verdicts also in words."""
    rows = pack.headline[(pack.headline["status"] == OK) & (pack.headline["benchmark"] != "none")]
    words = []
    for label, verdict, names in (
        (
            "Worse",
            "Clearly worse than England (or short of a national goal)",
            list(pack.on_list(WORSE)["label"]),
        ),
        ("Better", "Clearly better", list(pack.on_list(BETTER)["label"])),
        (
            "Similar",
            "Not clearly different",
            list(dict.fromkeys(rows.loc[rows["compared_95"] == "Similar", "label"])),
        ),
    ):
        if names:
            words.append(
                f"{d.badge(label)} {d.escape(verdict)}: {d.escape(fmt.join_words(names))}."
            )
    text = d.Html("".join(f'<p class="hwb-note">{w}</p>' for w in words), "")
    return d.join([sections.spine(pack), text])


def life_and_wards(pack: Pack) -> d.Html:
    """Page 3: life expectancy and its gap to England, the inequality within, and the priority wards."""
    parts = []
    members = _members(pack)
    for member in members:
        have = member.headline[
            member.headline["indicator_id"].isin(sections.life_ids() + (role_id("inequality"),))
            & (member.headline["status"] == OK)
        ]
        if len(members) > 1:
            parts.append(d.paragraph(member.name, "hwb-lead"))
        if have.empty:
            rows = member.headline[member.headline["indicator_id"].isin(sections.life_ids())]
            rejected = rejection(rows["status"])
            absent = f"was {rejected}" if rejected else "is not in this snapshot"
            parts.append(d.paragraph(f"Life expectancy for {member.name} {absent}."))
            continue
        sentences = [
            s
            for s in sections.life_sentences(member, have)
            if "not in this snapshot" not in s and "not on the same footing" not in s
        ]
        parts.append(d.bullets(sentences))
        if len(members) == 1:
            parts.append(
                trend_figure(
                    member,
                    have[have["indicator_id"].isin(sections.life_ids())],
                    f"Life expectancy in {member.name}, {member.county_name} and England",
                )
            )
    parts.append(d.paragraph("Priority wards", "hwb-lead"))
    for member in members:
        parts.append(wards_table(member))
    return d.join(parts)


def wards_table(pack: Pack) -> d.Html:
    """The priority wards (or, where none are named, the most deprived) in a compact table."""
    try:
        from hwb.pages import wards
    except ImportError:  # the priority-wards section is not in this checkout
        return d.paragraph("Priority wards are not available in this version of the evidence book.")
    rows, named = wards.shown_wards(pack)
    if rows.empty:
        return d.paragraph(f"Ward-level data for {pack.name} are not available in this snapshot.")
    which = (
        f"named by the partnership; source: {pack.params.priority_wards_source}"
        if named
        else "none named with a source: the five most deprived current wards by IoD2025 score"
    )
    shown = rows.head(MAX_WARDS)
    table = pd.DataFrame(
        {
            "Ward (2023)": shown["ward_name"],
            "People": [
                fmt.number(v, decimals=0) if not fmt.is_missing(v) else "n/a"
                for v in shown["population"]
            ],
            "IoD2025 score": [
                fmt.number(v) if not fmt.is_missing(v) else "n/a" for v in shown["imd_score"]
            ],
            f"Rank in {pack.name} (of {fmt.number(shown['ward_count'].iloc[0], decimals=0)})": [
                fmt.number(v, decimals=0) for v in shown["district_rank"]
            ],
            "Neighbourhoods in England's most deprived 10%": [
                f"{m} of {n}" for m, n in zip(shown["most_deprived"], shown["lsoas"], strict=False)
            ],
        }
    )
    more = f"; {len(rows) - MAX_WARDS} more in the full pack" if len(rows) > MAX_WARDS else ""
    caption = f"{pack.name}: {fmt.plural(len(rows), 'ward')} ({which}{more})"
    return d.Html(f'<div class="hwb-glance-table">{d.table(table, caption)}</div>', caption)


def heading(pack: Pack) -> d.Html:
    """Page 4: each indicator's projection to the strategy horizons, and whether the gap to
    England closes; for two districts, each district's own projections too."""
    members = getattr(pack, "members", [])
    if len(members) <= 1:
        return _heading(pack, pack, pack.name, sections.projections(pack))
    parts = [_heading(pack, pack, f"{pack.name} (combined)", sections.projections(pack))]
    for member in members:
        parts.append(_heading(pack, member, member.name, sections.projections(pack, member.code)))
    return d.join(parts)


def _heading(pack: Pack, area: Pack, name: str, table: pd.DataFrame) -> d.Html:
    """One area's projections on page 4 (the pack's ``area`` or a member district's), with the
    pack's sentence on its significantly-worse list (:func:`closing_sentence`)."""
    horizons = pack.params.horizons
    last = max(horizons)
    sentence = closing_sentence(area, table, last)
    parts = [d.paragraph(sentence)] if sentence else []
    ok = table[table["status"] == "ok"] if len(table) else table
    if ok.empty:
        parts.append(
            d.paragraph(
                f"No indicator for {name} can be projected with confidence in this snapshot (too "
                "few periods, a break in the series, a turning point or too wide a range); the "
                "full pack says which applies to each."
            )
        )
        return d.join(parts)
    at_last = ok[ok["horizon"] == last]
    at_last = (
        at_last.assign(_w=~at_last["compared_95"].eq("Worse"))
        .sort_values(["_w", "indicator_id"], kind="mergesort")
        .head(MAX_PROJECTIONS)
    )
    shown = pd.DataFrame(
        {
            "Indicator": at_last["label"],
            "Latest": [
                f"{fmt.number(v)} ({p})"
                for v, p in zip(at_last["latest_value"], at_last["latest_period"], strict=False)
            ],
        }
    )
    for h in horizons:
        at = ok[ok["horizon"] == h].set_index(["indicator_id", "sex"])
        shown[f"{h} (95% range)"] = [
            f"{fmt.number(at.loc[k, 'projected'])} {fmt.interval(at.loc[k, 'lower_95'], at.loc[k, 'upper_95'])}"
            if k in at.index
            else ""
            for k in zip(at_last["indicator_id"], at_last["sex"], strict=False)
        ]
    if "reaches_benchmark" in at_last:
        shown[f"Reaches England (or goal) by {last}?"] = [
            {REACHED: "already there", NOT_WITHIN: "no"}.get(x, "yes" if x else "")
            for x in at_last["reaches_benchmark"]
        ]
    more = len(ok[ok["horizon"] == last]) - len(shown)
    caption = (
        f"{name} on current trends to {fmt.join_words([str(h) for h in horizons])}: what happens if "
        "nothing changes, not a forecast" + (f" ({more} more in the full pack)" if more > 0 else "")
    )
    parts.append(
        d.Html(
            f'<div class="hwb-glance-table">{d.table(shown.reset_index(drop=True), caption)}</div>',
            caption,
        )
    )
    return d.join(parts)


def sources(pack: Pack) -> d.Html:
    """Page 4, continued: where the data come from, the snapshot and the licence."""
    manifest = pack.manifest
    lines = [provenance_text(manifest)]
    copies = source_copies(manifest)
    if copies:
        lines.append(f"Copies read: {copies}.")
    lines.append(
        f'Snapshot: {release_text(manifest)}. The full pack\'s "About this data" lists every file, '
        "its source and what was done to it; the methods page explains every statistic."
    )
    return d.join([d.paragraph(line) for line in lines])
