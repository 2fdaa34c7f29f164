"""The four-page summary says what its pack says (issue 27): the counts on page 2 and page 4 are
the pack's judged lists, the same numbers the pack's spine charts and "Looking ahead" state."""

from __future__ import annotations

import re
from functools import lru_cache

import pytest

import hwb.pages as hp
from hwb.pages import summary
from hwb.pages.partnership import load_partnership_pack
from hwb.pages.sections import projections
from hwb.pages.sections.ahead import closing_sentence
from hwb.partnerships import resolve_partnership
from hwb.stats.findings import WORSE

OF_THE = re.compile(r"Of the (\d+) indicators? where ([A-Z][A-Za-z ]+?) is significantly worse")


@lru_cache(maxsize=3)
def _pack(slug: str):
    return load_partnership_pack(resolve_partnership(slug))


def _areas(pack):
    return [pack, *(pack.members if pack.combined else [])]


@pytest.mark.parametrize("slug", ["burnley", "lancaster", "chorley-and-south-ribble"])
def test_page_4_counts_every_indicator_on_the_significantly_worse_list(slug):
    """Burnley's summary said 'Of the 1 indicator where Burnley is significantly worse' and its
    pack 'Of the 8' (those it could project) while its judged list has 15."""
    pack = _pack(slug)
    listed = {a.name: len(a.on_list(WORSE)) for a in _areas(pack)}
    for text in (summary.heading(pack).text, hp.looking_ahead(pack).text):
        said = {who: int(n) for n, who in OF_THE.findall(text)}
        assert said == {name: n for name, n in listed.items() if n}, (slug, said, listed)
    for area in _areas(pack):
        sentence = closing_sentence(
            area, projections(pack, None if area is pack else area.code), 2035
        )
        for _, row in area.on_list(WORSE).iterrows():  # each one is named, with what happens
            assert row["label"] in sentence, (area.name, row["label"])


@pytest.mark.parametrize("slug", ["burnley", "lancaster"])
def test_page_2_and_the_packs_spines_count_the_same_list(slug):
    """Lancaster's spines said 'significantly worse' 7 times against 5 on its list: school
    readiness, judged by fifths, was counted as worse."""
    pack = _pack(slug)
    listed = list(pack.on_list(WORSE)["label"])
    page = summary.against_england(pack).html
    words = re.search(r"Clearly worse than England \(or short of a national goal\): ([^<]*)", page)
    assert words and all(label in words.group(1) for label in listed)

    def worse_in_alts(html: str) -> int:
        found = 0
        for alt in re.findall(r'aria-label="(Spine chart[^"]*)"', html):
            group = re.search(r"Significantly worse than England: (.*?)\.(?: [A-Z][^:]*: |$)", alt)
            found += group.group(1).count("(England ") if group else 0
        return found

    assert worse_in_alts(page) == len(listed)
    programmes = ("Starting Well", "Living Well", "Ageing Well", "Wider determinants")
    pack_spines = "".join(hp.programme(pack, p).html for p in programmes)
    pack_spines += hp.life_expectancy(pack).html
    assert worse_in_alts(pack_spines) == len(listed)
