"""Similar areas: each district among ONS's 20 most similar authorities (the model's
``similar`` and ``similar_group`` tables, :mod:`hwb.model.similar`)."""

from __future__ import annotations

import pandas as pd

from hwb.charts.similar import similar_dot_plot
from hwb.pages import display as d
from hwb.pages.model import Pack
from hwb.pages.sections.common import styled_table
from hwb.text import format as fmt

#: how many indicators the dot plot shows (those where the district stands out most)
CHART_PANELS = 6
#: the words for each ONS grouping (the parameter ``similar_areas``)
GROUP_WORDS = {
    "global": "on all of ONS's clustering variables (its global group)",
    "economic": "on ONS's economic variables (its economic group)",
    "demographic": "on ONS's demographic variables (its demographic group)",
}
NATIONS = {"W": "Wales", "S": "Scotland", "N": "Northern Ireland"}


def similar_areas(pack: Pack) -> d.Html:
    """For each district of the pack: its ONS similar authorities named, with the source;
    its rank among them on each indicator that covers them; a dot plot of the indicators
    where it stands out most."""
    model = pack.model
    groups = model.tables.get("similar_group", pd.DataFrame()) if model is not None else None
    if groups is None or groups.empty:
        return d.paragraph(
            "This snapshot has no ONS similar-areas table, so there is no comparison with "
            "similar authorities; `make assemble` builds it."
        )
    ranked = model.tables.get("similar", pd.DataFrame())
    members = getattr(pack, "members", None) or [pack]
    parts = []
    for member in members:
        if len(members) > 1:
            parts.append(d.paragraph(member.name, "hwb-lead"))
        group = groups[groups["area"] == member.slug]
        rows = ranked[ranked["area"] == member.slug] if len(ranked) else ranked
        parts.append(_district(member, group, rows, pack.manifest))
    return d.join(parts)


def source_words(manifest: dict) -> str:
    """ONS, the licence and the version of the similar-areas file, from the manifest."""
    for entry in manifest.get("files", []) or []:
        if entry.get("kind") == "similar_areas":
            origin = (entry.get("origin") or [{}])[0]
            return (
                f"Source: Office for National Statistics, Explore local statistics "
                f"(similar areas), {origin.get('repository', '')} at commit "
                f"{str(origin.get('commit', ''))[:12]}; {origin.get('licence', '')}."
            )
    return ""


def _district(member: Pack, group: pd.DataFrame, rows: pd.DataFrame, manifest: dict) -> d.Html:
    group_type = str(group["group_type"].iloc[0])
    names = list(group.sort_values("rank", kind="stable")["similar_area_name"])
    other = group[~group["similar_area_code"].str.startswith("E")]
    elsewhere = [
        f"{r['similar_area_name']} ({NATIONS.get(r['similar_area_code'][0], 'outside England')})"
        for _, r in other.iterrows()
    ]
    intro = (
        f"ONS names the {len(group)} authorities most like {member.name} "
        f"{GROUP_WORDS.get(group_type, group_type)}, most similar first: "
        f"{fmt.join_words(names)}. {source_words(manifest)}"
    )
    if elsewhere:
        intro += (
            f" {fmt.join_words(elsewhere)} {'is' if len(elsewhere) == 1 else 'are'} outside "
            "England, so English indicators have no value there and "
            f"{'it is' if len(elsewhere) == 1 else 'they are'} not ranked."
        )
    parts = [d.paragraph(intro)]
    if rows.empty:
        parts.append(
            d.paragraph(
                f"No current indicator covers {member.name} and at least four in five of these "
                "authorities for the same period, so it is not ranked among them."
            )
        )
        return d.join(parts)
    summary = summary_table(rows)
    # a survey estimate published without limits is ranked in the table, labelled, but not
    # called best or worst: without limits, neighbouring ranks cannot be told apart
    named = summary[~summary["_survey"]]
    worst = named[named["_rank"] == named["_n"]]
    best = named[named["_rank"] == 1]

    def on(rows: pd.DataFrame) -> str:
        if rows.empty:
            return "on none"
        return (
            f"on {fmt.plural(len(rows), 'indicator')} ({fmt.join_words(list(rows['Indicator']))})"
        )

    lines = [
        (
            f"Ranked among them (1 = the best) on {fmt.plural(len(summary), 'indicator')}, each in "
            f"its latest period, {member.name} is the best of its group {on(best)} and the worst "
            f"{on(worst)}."
        )
    ]
    surveys = summary.loc[summary["_survey"], "_name"]
    if len(surveys):
        are = "is a survey estimate" if len(surveys) == 1 else "are survey estimates"
        lines.append(
            f"{fmt.join_words(list(surveys))} {are} published without confidence limits: ranked "
            "in the table, but not called best or worst, as the samples are too small to tell "
            "neighbouring ranks apart."
        )
    gaps = sorted({n for cell in summary["No value for"] for n in cell.split("; ") if n})
    if gaps:
        lines.append(
            f"An authority without a value in the district's period ({fmt.join_words(gaps)} on "
            "some indicators) is left out of that ranking; the table names where."
        )
    parts.append(d.paragraph(" ".join(lines)))
    if len(standout(named)):
        parts.append(_chart(member, rows, named))
    shown = summary.drop(columns=["_rank", "_n", "_key", "_survey", "_name"])
    parts.append(
        d.Html(
            d.details(
                f"Show {member.name}'s rank on all {len(shown)} indicators", styled_table(shown)
            ),
            "",
        )
    )
    return d.join(parts)


def _label(row: pd.Series) -> str:
    sex = "" if row["sex"] in ("Persons", "Not applicable") else f" {fmt.sex_words(row['sex'])}"
    return f"{row['short_name']}{sex}"


def summary_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator: the district's value and rank (its fitness label beside the name),
    Lancashire, England and the authorities without a value (columns starting ``_`` are for
    ordering and choosing, not display: ``_survey`` marks a survey estimate without limits)."""
    mine = rows[rows["role"] == "district"]
    out = []
    for _, r in mine.iterrows():
        rank, n = int(r["rank_in_group"]), int(r["ranked_n"])
        fitness = r.get("fitness", "")
        fitness = fitness if isinstance(fitness, str) else ""
        out.append(
            {
                "Indicator": _label(r) + (f" – {fitness}" if fitness else ""),
                "Period": r["period"],
                "Value": fmt.with_unit(r["value"], r["unit"]),
                "Rank in group": f"{rank} of {n}",
                "Lancashire": fmt.number(r["county_value"]),
                "England": fmt.number(r["england_value"]),
                "No value for": r["not_ranked"] if isinstance(r["not_ranked"], str) else "",
                "_rank": rank,
                "_n": n,
                "_key": (int(r["indicator_id"]), str(r["sex"])),
                "_survey": bool(r.get("survey_without_limits", False))
                and not pd.isna(r.get("survey_without_limits", False)),
                "_name": _label(r),
            }
        )
    return pd.DataFrame(
        out,
        columns=["Indicator", "Period", "Value", "Rank in group", "Lancashire", "England"]
        + ["No value for", "_rank", "_n", "_key", "_survey", "_name"],
    )


def standout(summary: pd.DataFrame, panels: int = CHART_PANELS) -> pd.DataFrame:
    """Up to ``panels`` indicators where the district stands out among its group: half
    where it ranks nearest the worst, half nearest the best (catalogue order among equals),
    the worst first; ranks in the middle of the group are left out."""
    position = ((summary["_rank"] - 1) / (summary["_n"] - 1).clip(lower=1)).round(6)
    worst = position[position > 0.5].sort_values(ascending=False, kind="stable")
    best = position[position < 0.5].sort_values(ascending=True, kind="stable")
    half = panels // 2
    take_worst = min(len(worst), max(half, panels - len(best)))
    take_best = min(len(best), panels - take_worst)
    chosen = list(worst.index[:take_worst]) + list(best.index[:take_best])
    return summary.loc[chosen]


def _chart(member: Pack, rows: pd.DataFrame, summary: pd.DataFrame) -> d.Html:
    chosen = standout(summary)
    frames, panels, alt_parts = [], [], []
    for _, s in chosen.iterrows():
        indicator_id, sex = s["_key"]
        mine = rows[(rows["indicator_id"] == indicator_id) & (rows["sex"] == sex)]
        first = mine.iloc[0]
        panel = f"{s['Indicator']} ({s['Period']}): {member.name} {s['Rank in group']}"
        panels.append(panel)
        points = mine[["role", "value", "unit"]].assign(panel=panel)
        extra = pd.DataFrame(
            [
                {"role": "county", "value": first["county_value"], "unit": first["unit"]},
                {"role": "england", "value": first["england_value"], "unit": first["unit"]},
            ]
        ).assign(panel=panel)
        frames += [points, extra]
        alt_parts.append(
            f"{s['Indicator']} {s['Value']}, {s['Rank in group']} "
            f"(England {s['England']}, {member.county_name} {s['Lancashire']})"
        )
    data = pd.concat(frames, ignore_index=True)
    title = f"{member.name} among its similar authorities: where it ranks lowest and highest"
    alt = (
        f"Dot plot of {member.name} among its ONS similar authorities on the "
        f"{fmt.plural(len(panels), 'indicator')} where it ranks lowest and highest, each on its "
        "own scale; rank 1 is the best. " + "; ".join(alt_parts) + "."
    )
    table = mine_table(rows, chosen, member.name)
    return d.figure(
        similar_dot_plot(data, panels, member.name, member.county_name, title), alt, table
    )


def mine_table(rows: pd.DataFrame, chosen: pd.DataFrame, name: str) -> pd.DataFrame:
    """The numbers behind the dot plot: every authority's value on each indicator shown."""
    out = []
    for _, s in chosen.iterrows():
        indicator_id, sex = s["_key"]
        mine = rows[(rows["indicator_id"] == indicator_id) & (rows["sex"] == sex)]
        for _, r in mine.iterrows():
            out.append(
                {
                    "Indicator": s["Indicator"],
                    "Period": r["period"],
                    "Authority": r["area_name"],
                    "ONS similarity rank": "–"
                    if r["role"] == "district"
                    else int(r["similar_rank"]),
                    "Value": fmt.number(r["value"]),
                }
            )
    return pd.DataFrame(out)
