"""The Lancashire overview page: every district side by side, with links to each pack.

:func:`load_overview` builds each district's headline table (the same one its pack
uses, :func:`hwb.pack.model.headline_table`) from one load of the snapshot; the
functions below turn them into the page's sections.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from hwb.pack import display as d
from hwb.pack.model import OK, Pack, headline_table, load_pack


@dataclass
class Overview:
    """Every district's pack data, sharing one frame, catalogue and manifest."""

    packs: list[Pack]

    @property
    def county_name(self) -> str:
        return self.packs[0].county_name if self.packs else "Lancashire"

    @property
    def manifest(self) -> dict[str, Any]:
        return self.packs[0].manifest

    def __repr__(self) -> str:
        return f"Overview({len(self.packs)} districts)"


def load_overview(districts: Sequence[Mapping[str, Any]], snapshot: str | Path | None = None) -> Overview:
    """Load the snapshot once and build each district's headline table."""
    if not districts:
        return Overview([])
    first = load_pack(districts[0], snapshot)
    packs = [first]
    for params in districts[1:]:
        params = dict(params)
        table = headline_table(first.frame, first.catalogue, params["ons_code"], params["parent_code"],
                               params.get("england_code", "E92000001"))
        packs.append(Pack(params=params, frame=first.frame, catalogue=first.catalogue, manifest=first.manifest,
                          headline=table, snapshot=first.snapshot))
    return Overview(packs)


def pack_href(slug: str) -> str:
    """The built page of a district's pack, relative to the overview page (book/overview.html)."""
    return f"districts/{slug}.html"


def banner(overview: Overview) -> d.Html:
    from hwb.data.snapshot import banner_text

    text = banner_text(overview.manifest) if overview.packs else None
    return d.banner(text) if text else d.Html("", "")


def district_links(overview: Overview) -> d.Html:
    """One row per district: a link to its pack and how many indicators are worse / better than England."""
    rows = []
    for pack in overview.packs:
        judged = pack.headline[pack.headline["status"] == OK]["compared_95"]
        rows.append({
            "District": f'<a href="{pack_href(pack.slug)}">{d.escape(pack.name)}</a>',
            "Worse than England": int((judged == "Worse").sum()),
            "Similar": int((judged == "Similar").sum()),
            "Better than England": int((judged == "Better").sum()),
            "Indicators with a value": len(judged),
        })
    if not rows:
        return d.paragraph("No districts were given.")
    frame = pd.DataFrame(rows)
    return d.Html(d.table(frame, raw_html_columns=("District",)), f"{len(rows)} district packs")
