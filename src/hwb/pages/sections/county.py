"""Healthy life expectancy, the county's: published for counties, not districts.

ONS publishes healthy life expectancy for counties and unitary authorities only, so a
district pack can show Lancashire's figure, labelled as the county's, beside the district's
life expectancy (:func:`county_healthy_life`), judged against England by its 95% interval
(:func:`hwb.stats.benchmark.compare_to_benchmark`).
"""

from __future__ import annotations

import pandas as pd

from hwb.data.catalogue import role_id
from hwb.pages import display as d
from hwb.pages.model import Pack
from hwb.pages.sections.common import styled_table
from hwb.stats.benchmark import compare_to_benchmark
from hwb.text import format as fmt

_WORDS = {
    "Better": "significantly above England",
    "Worse": "significantly below England",
    "Similar": "not significantly different from England",
}


def county_healthy_life(pack: Pack) -> d.Html:
    """The county's healthy life expectancy by sex beside the district's life expectancy, in
    a sentence and a small table; nothing when the snapshot has no county figure."""
    healthy, life = role_id("healthy_life"), role_id("life_at_birth")
    rows = pack.headline[pack.headline["indicator_id"] == healthy]
    found = []
    for sex in rows["sex"]:
        series = pack.series(healthy, sex)
        county = series[(series["area_code"] == pack.county_code) & series["value"].notna()]
        if county.empty:
            continue
        latest = county[county["period_sortable"] == county["period_sortable"].max()].iloc[0]
        england = series[
            (series["area_code"] == pack.england_code)
            & (series["period_sortable"] == latest["period_sortable"])
        ]
        found.append((sex, latest, england["value"].iloc[0] if len(england) else float("nan")))
    if not found:
        return d.Html("", "")
    judged = compare_to_benchmark(
        pd.DataFrame(
            {
                "value": [r["value"] for _, r, _ in found],
                "lower_95": [r["lower_95"] for _, r, _ in found],
                "upper_95": [r["upper_95"] for _, r, _ in found],
                "benchmark": [e for _, _, e in found],
            }
        ),
        polarity=str(pack.catalogue.loc[healthy, "polarity"]),
    )["comparison"]
    said = [
        f"{fmt.with_unit(r['value'], 'years')} {fmt.sex_words(sex)} "
        f"({_WORDS.get(c, 'not compared with England')}, {fmt.with_unit(e, 'years')})"
        for (sex, r, e), c in zip(found, judged, strict=True)
    ]
    period = found[0][1]["period"]
    sentence = (
        f"Healthy life expectancy is published for counties, not districts, so this is "
        f"{pack.county_name} county's figure, not {pack.name}'s: {fmt.join_words(said)}, "
        f"{period}. {pack.name}'s own life expectancy is beside it in the table below."
    )
    table = []
    for sex, r, e in found:
        lived = pack.headline[
            (pack.headline["indicator_id"] == life) & (pack.headline["sex"] == sex)
        ]
        if len(lived):
            x = lived.iloc[0]
            table.append(
                {
                    "Measure": f"Life expectancy at birth {fmt.sex_words(sex)}",
                    "Period": x["period"],
                    pack.name: fmt.number(x["value"]),
                    f"{pack.county_name} (county)": fmt.number(x["county_value"]),
                    "England": fmt.number(x["england_value"]),
                }
            )
        table.append(
            {
                "Measure": f"Healthy life expectancy at birth {fmt.sex_words(sex)}",
                "Period": r["period"],
                pack.name: "not published for districts",
                f"{pack.county_name} (county)": fmt.number(r["value"]),
                "England": fmt.number(e),
            }
        )
    return d.join(
        [
            d.paragraph(sentence),
            d.Html(
                styled_table(pd.DataFrame(table)),
                f"Life expectancy and {pack.county_name} county's healthy life expectancy, years",
            ),
        ]
    )
