"""Life expectancy and the overarching indicators."""

from __future__ import annotations

import pandas as pd

from hwb.data.catalogue import role_id
from hwb.pages import display as d
from hwb.pages.model import OK, Pack

#: the catalogue roles of the life expectancy section's measures (and the SII beside them)
from hwb.pages.sections.common import county_note, life_ids, missing_sentence
from hwb.pages.sections.county import county_healthy_life
from hwb.pages.sections.programmes import spine, trend_figure
from hwb.text import format as fmt
from hwb.text.messages import rejection


def life_expectancy(pack: Pack) -> d.Html:
    """Life and healthy life expectancy by sex: gap sentences, trend charts, inequality (SII, not
    compared with England), and the spine chart of the Overarching indicators."""
    h = pack.headline
    rows = h[h["indicator_id"].isin(life_ids() + (role_id("inequality"),))]
    have = rows[rows["status"] == OK]
    if have.empty:
        absent = (
            "were rejected at load" if rejection(rows["status"]) else "are not in this snapshot"
        )
        return d.paragraph(
            f"Life expectancy and healthy life expectancy for {pack.name} {absent} "
            f"({missing_sentence(rows)[len('Not available here: ') :].rstrip('.')}), so this section has no chart."
        )
    parts = [d.bullets(life_sentences(pack, have)), county_healthy_life(pack)]
    parts.append(
        trend_figure(
            pack,
            have[have["indicator_id"].isin(life_ids())],
            f"Life expectancy in {pack.name}, {pack.county_name} and England",
        )
    )
    parts.append(spine(pack, "Overarching"))
    overarching = h[(h["programme"] == "Overarching") & (h["status"] == OK)]
    for note in (county_note(overarching, pack.county_name), missing_sentence(rows)):
        if note:
            parts.append(d.paragraph(note))
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
            "Worse": "clearly worse than England",
            "Better": "clearly better than England",
            "Similar": "not clearly different from England",
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
