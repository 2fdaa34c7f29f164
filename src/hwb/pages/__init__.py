"""The district evidence pack: what the notebook's cells call.

``pack = load_partnership_pack(params, snapshot)`` (:mod:`hwb.pages.partnership`) reads the
partnership's model once; each section function takes the pack and returns displayable,
heading-free HTML (see :mod:`hwb.pages.sections`).
"""

from __future__ import annotations

from hwb.pages.model import Pack, load_pack
from hwb.pages.sections import (
    about,
    banner,
    district_profile,
    download_all,
    headline,
    key_messages,
    life_expectancy,
    looking_ahead,
    older_population,
    priorities,
    programme,
    similar_areas,
    spine,
)
from hwb.pages.wards import priority_wards

__all__ = [
    "Pack",
    "about",
    "banner",
    "district_profile",
    "download_all",
    "headline",
    "key_messages",
    "life_expectancy",
    "load_pack",
    "looking_ahead",
    "older_population",
    "priorities",
    "priority_wards",
    "programme",
    "similar_areas",
    "spine",
]
