"""The sections of a pack, one module each; each function returns heading-free displayable HTML.

The notebook's markdown cells carry the headings (Jupyter Book builds its page contents
from them); a code cell calls one section function and shows the result. No section ever
raises for missing data: it says in one plain sentence what is not available.

:data:`PACK_SECTIONS` is the one list of the pack template's sections, in order: each
heading and the function its cell calls (``hp.`` for these modules, ``ps.`` for
:mod:`hwb.pages.partnership_sections`); a test checks ``notebooks/district_pack.md``
against it. Adding a section is a module here (or a function in
:mod:`hwb.pages.partnership_sections`), an entry in the list, and its cell in the template.
"""

from __future__ import annotations

from hwb.pages.sections.ageing import older_population
from hwb.pages.sections.ahead import looking_ahead, projections
from hwb.pages.sections.common import banner, life_ids, range_label
from hwb.pages.sections.downloads import download_all, headline_numbers, pack_numbers
from hwb.pages.sections.indicators import headline
from hwb.pages.sections.life import life_expectancy, life_sentences
from hwb.pages.sections.long_list import priorities, ranked_priorities, recommended_priorities
from hwb.pages.sections.messages import key_messages
from hwb.pages.sections.profile import district_profile
from hwb.pages.sections.programmes import programme, spine
from hwb.pages.sections.similar import similar_areas
from hwb.pages.sections.sources import about, snapshot_gaps, source_table

#: the pack template's sections, in order: (heading, the call its code cell makes); a
#: heading in braces is filled from the partnership's parameters (two-district packs only)
PACK_SECTIONS: tuple[tuple[str, str], ...] = (
    ("# {{ partnership }}: evidence pack", "hp.banner(pack)"),
    ("## Key messages", "hp.key_messages(pack)"),
    ("## The district", "hp.district_profile(pack)"),
    ("{{ side_by_side_heading }}", "ps.districts_side_by_side(pack)"),
    ("## Life expectancy and the overarching indicators", "ps.life_expectancy(pack)"),
    ("## Priority wards", "ps.priority_wards(pack)"),
    ("## Starting Well", 'hp.programme(pack, "Starting Well")'),
    ("## Living Well", 'hp.programme(pack, "Living Well")'),
    ("## Ageing Well", 'hp.programme(pack, "Ageing Well")'),
    ("## The older population ahead", "hp.older_population(pack)"),
    ("## Wider determinants of health", 'hp.programme(pack, "Wider determinants")'),
    ("## Compared with similar areas", "hp.similar_areas(pack)"),
    ("## Looking ahead", "hp.looking_ahead(pack)"),
    ("## Priorities", "ps.priorities(pack)"),
    ("## All headline indicators", "hp.headline(pack)"),
    ("## About this data", "hp.about(pack)"),
)

__all__ = [
    "PACK_SECTIONS",
    "about",
    "banner",
    "district_profile",
    "download_all",
    "headline",
    "headline_numbers",
    "key_messages",
    "life_expectancy",
    "life_ids",
    "life_sentences",
    "looking_ahead",
    "older_population",
    "pack_numbers",
    "priorities",
    "programme",
    "projections",
    "range_label",
    "ranked_priorities",
    "recommended_priorities",
    "similar_areas",
    "snapshot_gaps",
    "source_table",
    "spine",
]
