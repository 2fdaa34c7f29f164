"""The overview page over the ten partnerships, on the shipped snapshot (issue 13 point 5)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import hwb.pages.overview as ho
from hwb import paths
from hwb.pages import sections
from hwb.pages.partnership import load_partnership_pack
from hwb.params import load_all
from hwb.partnerships import load_partnerships
from hwb.render.pipeline import overview_job


@pytest.fixture(scope="module")
def overview():
    """Built from the very parameters ``make all`` gives the overview notebook."""
    given = overview_job().parameters
    return ho.load_overview(given["districts"], given["snapshot"], given["partnerships"])


@pytest.fixture(scope="module")
def fylde_and_wyre():
    partnership = next(p for p in load_partnerships() if p.slug == "fylde-and-wyre")
    return load_partnership_pack(partnership.to_notebook(), "data/snapshot")


def _toc_pages() -> set[str]:
    text = (paths.ROOT / "_toc.yml").read_text(encoding="utf-8")
    return set(re.findall(r"file: book/districts/([a-z0-9-]+)", text))


def _hrefs(html: str) -> list[str]:
    return re.findall(r"""href=['"]([^'"]+)['"]""", html)


def test_the_ten_partnerships_in_file_order_with_every_district_once(overview):
    assert [p.partnership.slug for p in overview.partnerships] == [
        p.slug for p in load_partnerships()
    ]
    assert sorted(p.slug for p in overview.packs) == sorted(d.slug for d in load_all())
    assert overview.page_of("wyre") == "fylde-and-wyre" and overview.page_of("burnley") == "burnley"


def test_every_link_is_an_existing_partnership_page(overview):
    pages = _toc_pages()
    assert len(pages) == 10
    for section in (
        ho.partnership_links,
        ho.tartan_rug,
        ho.priorities_side_by_side,
        ho.priority_wards,
    ):
        links = [h for h in _hrefs(section(overview).html) if h.startswith("districts/")]
        assert links, section.__name__
        for href in links:
            slug = href.removeprefix("districts/").removesuffix(".html")
            assert slug in pages, (section.__name__, href)
    assert 'href="districts/wyre.html"' not in ho.priority_wards(overview).html


def test_counts_are_each_partnerships_from_its_pack_model(overview, fylde_and_wyre):
    html = ho.partnership_links(overview).html
    assert html.count("<tr>") == 1 + 10
    counts = ho.benchmark_counts(fylde_and_wyre)
    judged = fylde_and_wyre.headline.query("status == 'ok'")["compared_95"]
    assert counts["Worse"] == (judged == "Worse").sum() and counts["With a value"] == len(judged)
    row = re.search(
        r'fylde-and-wyre\.html">Fylde and Wyre Health and Wellbeing Partnership</a></td>'
        r"<td>Fylde and Wyre</td>(.*?)</tr>",
        html,
    ).group(1)
    cells = re.findall(r"<td>([^<]*)</td>", row)
    each = {m.name: ho.benchmark_counts(m) for m in fylde_and_wyre.members}
    assert cells[:4] == [
        f"Fylde {each['Fylde'][k]}; Wyre {each['Wyre'][k]}; combined {counts[k]}"
        for k in ("Worse", "Similar", "Better", "With a value")
    ]
    assert each["Wyre"]["Worse"] > counts["Worse"]  # Wyre's own findings are not hidden
    assert cells[4] == str((fylde_and_wyre.headline["status"] == "no combined figure").sum())


def test_priorities_are_the_ones_each_pack_recommends(overview, fylde_and_wyre):
    html = ho.priorities_side_by_side(overview).html
    assert html.count("<tr>") == 1 + 10
    chosen = sections.recommended_priorities(fylde_and_wyre)
    assert len(chosen) >= 1
    row = re.search(r"fylde-and-wyre\.html.*?</tr>", html).group(0)
    for _, r in chosen.iterrows():
        assert r["label"] in row
    assert "in Wyre" in row  # Wyre's own findings, labelled with the district
    assert "concentrated in Wyre (Fylde similar)" not in row
    burnley = next(p for p in overview.partnerships if p.partnership.slug == "burnley")
    burnley_row = re.search(r"districts/burnley\.html.*?</tr>", html).group(0)
    for _, r in sections.recommended_priorities(burnley).iterrows():
        assert r["label"] in burnley_row
    assert "<small>" not in burnley_row  # a one-district partnership has no "where the need is"


def test_the_rug_has_one_column_per_district_grouped_by_partnership(overview):
    html = ho.tartan_rug(overview).html
    head = html[html.index("<thead>") : html.index("</thead>")]
    assert head.count("scope='colgroup'") == 2
    assert "colspan='2'><a href='districts/chorley-and-south-ribble.html'" in head
    second_row = head.split("</tr>")[1]
    assert re.findall(r"<th scope='col'>([^<]+)</th>", second_row) == [
        "Chorley",
        "South Ribble",
        "Fylde",
        "Wyre",
    ]
    assert "<colgroup span='3'></colgroup>" in html and html.count("<colgroup") == 1 + 10
    first_body_row = html.split("<tbody>")[1].split("</tr>")[1]
    assert first_body_row.count("<td") == 2 + 12  # England, county, then one cell per district
    data = pd.read_csv(_csv(ho.tartan_rug(overview).html))
    assert {"partnership", "district"} <= set(data.columns)
    assert set(data.loc[data["district"] == "Wyre", "partnership"]) == {
        "Fylde and Wyre Health and Wellbeing Partnership"
    }


def _csv(html: str):
    import base64
    import io

    payload = re.search(r"data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)", html)
    assert payload, "no CSV download"
    return io.StringIO(base64.b64decode(payload.group(1)).decode("utf-8"))


def test_one_district_per_partnership_when_none_are_given():
    """Areas in no partnership given (e.g. synthetic ones) each get their own page."""
    districts = [d.to_notebook() for d in load_all() if d.slug in ("burnley", "pendle")]
    overview = ho.load_overview(
        districts,
        "data/snapshot",
        [{"slug": "burnley", "name": "Burnley HWB", "districts": ["burnley"]}],
    )
    assert [p.partnership.slug for p in overview.partnerships] == ["burnley", "pendle"]
    html = ho.tartan_rug(overview).html
    assert "scope='colgroup'" not in html and "rowspan" not in html


def test_the_overview_counts_the_packs_lists_and_marks_unfit_values(overview):
    """Issue 27: the overview's worse/better counts are each pack's judged lists, and an
    estimate for a larger area or an old value in the rug is marked, not judged."""
    from hwb.stats.findings import BETTER, WORSE, list_counts

    for pack in overview.partnerships:
        for member in pack.members if pack.combined else [pack]:
            counts = ho.benchmark_counts(member)
            assert counts["Worse"] == list_counts(member.lists)[WORSE], member.name
            assert counts["Better"] == list_counts(member.lists)[BETTER], member.name
    html = ho.tartan_rug(overview).html
    cell = re.search(r"<td [^>]*title='Not compared; estimate for a larger area'>[^<]*†", html)
    assert cell, "Smoking at time of delivery is an estimate for a larger area in East Lancashire"
    assert f"{ho.FITNESS_MARK} an estimate for a larger area" in html


def test_the_rug_says_why_lancashire_is_missing_and_marks_the_falls_break(overview):
    """Issue 27: a sentence says why the Lancashire column is empty, not a column of "n/a"
    alone; falls are not compared where the 2023/24 break is declared (Ribble Valley too)."""
    html = ho.tartan_rug(overview).html
    note = re.search(r'<p class="hwb-note">(No Lancashire figure for [^<]*)</p>', html)
    assert note and "Life expectancy at birth" in note.group(1)
    assert "cannot be combined without each district" in note.group(1)
    row = next(r for r in html.split("<tr>") if "Falls admissions 65+<br>" in r)
    assert row.count("title='Not compared; break in the series 2023/24'") == 5
    assert "getting better" not in row
