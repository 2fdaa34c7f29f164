"""What a pack on the shipped real snapshot says about its data: sources, gaps, old periods,
published comparisons and the areas each range spans."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb import params


@pytest.fixture(scope="module")
def burnley():
    import hwb.pages as hp

    return hp.load_pack(params.load_district("burnley").to_notebook(), "data/snapshot")


def test_no_demonstration_banner_on_real_data(burnley):
    import hwb.pages as hp

    assert not burnley.synthetic and hp.banner(burnley).html == ""


def test_about_names_every_source_and_why_an_indicator_is_missing(burnley):
    import hwb.pages as hp

    html = hp.about(burnley).html
    assert "traffordDataLab/trafford_themes @ ae20a088ae35" in html
    assert "dhsc-govuk/FingertipsNext @ 33e18454996c" in html
    assert "rounded at source" in html
    assert "No public copy of life expectancy at 65 for districts was found" in html
    assert "`make data` fetches it" in html


def test_values_without_limits_carry_fingertips_published_comparison(burnley):
    import hwb.pages as hp

    h = burnley.headline
    le = h[(h.indicator_id == 90366) & (h.sex == "Male")].iloc[0]
    assert (le.compared_source, le.compared_95) == ("published", "Worse")
    assert le.compared_998 == "Not compared"  # Fingertips' 99.8% verdict is not in such files
    smoking = h[h.indicator_id == 93085].iloc[0]  # an estimate for a larger area: not compared
    assert (smoking.compared_source, smoking.compared_95) == ("", "Not compared")
    assert smoking.fitness == "estimate for a larger area"
    html = hp.headline(burnley).html
    assert (
        "</span> *" in html
        and "the comparison with England is the one Fingertips published" in html
    )


def test_old_latest_periods_are_shown_as_history(burnley):
    import hwb.pages as hp

    h = burnley.headline
    assert h.loc[h.indicator_id == 21001, "period"].iloc[0] == "2017/18"
    shown = hp.headline(burnley)
    assert "231.4; old (2017/18)" in shown.html  # the label beside the value
    assert '"old": the latest period ended five or more years before the newest data' in (
        shown.text
    )


def test_ranges_say_which_districts_they_span(burnley):
    from hwb.pages.sections import range_label

    h = burnley.headline
    le = h[h.indicator_id == 90366]
    assert range_label(le) == "all English districts and unitary authorities"
    mixed = h[h.indicator_id.isin([90366, 93085])]
    label = range_label(mixed)
    assert (
        "the North West's districts and unitary authorities for Smoking at time of delivery"
        in label
    )
    assert (le.districts_n > 290).all()


def test_indicators_with_old_latest_data_are_not_projected(burnley):
    import hwb.pages as hp
    from hwb.pages.sections import projections

    projected = set(projections(burnley)["indicator_id"])
    assert 21001 not in projected and 91414 not in projected  # latest 2017/18
    assert 90366 in projected
    text = hp.looking_ahead(burnley).text
    assert "Not projected (the latest data ended 5 or more years before the newest" in text
    assert "Self-harm admissions" in text.split("5 or more years before", 1)[1]


def test_old_data_stay_out_of_key_messages_and_priorities_but_recent_pooled_data_do_not():
    import hwb.pages as hp
    from hwb.model.headline import stale
    from hwb.pages.sections import ranked_priorities

    preston = hp.load_pack(params.load_district("preston").to_notebook(), "data/snapshot")
    h = preston.headline
    old = set(h.loc[stale(h), "indicator_id"])
    assert {21001, 91414, 92949} <= old  # 2017/18 and 2018: ended 7 years before 2023 - 25
    assert 92026 not in old  # 2019/20 - 23/24 ends in 2024: recent, though it began in 2019
    text = hp.key_messages(preston).text
    assert "Alcohol-related admissions" not in text and "Dementia diagnosis" not in text
    assert not set(ranked_priorities(preston)["indicator_id"]) & old


def test_missing_998_limits_come_from_published_counts_never_from_rounded_values(burnley):
    from hwb.stats import intervals

    h = burnley.headline
    child = h[h.indicator_id == 93701].iloc[0]  # FingertipsNext: count and denominator, no 99.8%
    expected = intervals.proportion(
        pd.DataFrame({"count": [child["count"]], "denominator": [child["denominator"]]}),
        confidence=0.998,
        multiplier=100,
    )
    assert child.lower_998 == pytest.approx(float(expected["lower_998"].iloc[0]))
    assert child.compared_998 == "Worse"
    le = h[(h.indicator_id == 90366) & (h.sex == "Male")].iloc[0]  # rounded, no counts
    assert np.isnan(le.lower_998) and le.compared_998 == "Not compared"


def test_spine_table_quartiles_read_in_the_same_direction_as_its_ends(burnley):
    from hwb.charts.spine import spine_data

    h = burnley.headline
    row = h[(h.indicator_id == 93721) & (h.status == "ok")]  # low is good
    table = spine_data(row).iloc[0]
    worse = next(c for c in table.index if c.startswith("A quarter of districts are worse"))
    better = next(c for c in table.index if c.startswith("A quarter of districts are better"))
    number = lambda text: float(str(text).replace(",", ""))
    worst_end = next(c for c in table.index if c.startswith("Worst district"))
    best_end = next(c for c in table.index if c.startswith("Best district"))
    assert (
        number(table[worst_end])
        > number(table[worse])
        > number(table[better])
        > number(table[best_end])
    )
