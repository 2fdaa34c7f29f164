"""The district evidence pack: what the notebook's cells call.

``pack = load_pack(params, snapshot)`` loads everything once; each section function
takes the pack and returns displayable, heading-free HTML (see :mod:`hwb.pack.sections`).
"""
from __future__ import annotations

from hwb.pack.model import Pack, load_pack
from hwb.pack.sections import banner, headline, spine

__all__ = ["Pack", "load_pack", "banner", "headline", "spine"]
