"""What a page's sections read: one area's pack, made from its partnership's model.

A :class:`Pack` holds an area's validated parameters, its model's tables
(:class:`hwb.model.Model`: the headline table, the series the charts draw, the priorities
and projections, all worked out by the model step), the catalogue and the snapshot's
manifest. Sections only read it. :func:`load_pack` makes one district's pack on its own
(computing its one-district model: tests, and notebooks run by hand); a partnership's
pages use :func:`hwb.pages.partnership.load_partnership_pack`, which reads the
partnership's model files.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from hwb.data.catalogue import load_catalogue
from hwb.data.load import load_manifest
from hwb.model import Model, build
from hwb.model.build import resolve_snapshot
from hwb.model.headline import (
    ENGLAND_WIDE,
    NOT_DISTRICT_LEVEL,
    NOT_IN_SNAPSHOT,
    OK,
    indicator_series,
    split_by_indicator,
)
from hwb.params import AreaParams, DistrictParams, OverviewArea
from hwb.partnerships import PartnershipParams

__all__ = [
    "ENGLAND_WIDE",
    "NOT_DISTRICT_LEVEL",
    "NOT_IN_SNAPSHOT",
    "OK",
    "Pack",
    "load_pack",
    "pack_of",
]


@dataclass
class Pack:
    """One area's evidence: parameters, the model's series and headline table, catalogue, provenance.

    ``params`` is the validated model (:class:`~hwb.params.DistrictParams`, a partnership's
    combined :class:`~hwb.params.AreaParams`, or the overview's
    :class:`~hwb.params.OverviewArea`); pages read its attributes. ``frame`` is the model's
    ``series`` table (the loader's notes on the snapshot in its ``attrs``); ``model`` the
    partnership's model whose pack area this is (None for a member district of a
    two-district partnership: its priorities and projections are the partnership's).
    """

    params: AreaParams | OverviewArea
    frame: pd.DataFrame
    catalogue: pd.DataFrame
    manifest: dict[str, Any]
    headline: pd.DataFrame
    snapshot: str
    model: Model | None = None
    #: the area's judged lists (:func:`hwb.stats.findings.judged_lists`, worked out by the model):
    #: the one source of every "significantly worse / better" count and list a page shows
    lists: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: series already picked out of ``frame`` (trends, SPC and projections ask for the same)
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def slug(self) -> str:
        return self.params.slug

    @property
    def name(self) -> str:
        return self.params.name

    @property
    def code(self) -> str:
        return self.params.ons_code

    @property
    def county_code(self) -> str:
        return self.params.parent_code

    @property
    def county_name(self) -> str:
        return self.params.county_name

    @property
    def england_code(self) -> str:
        return self.params.england_code

    @property
    def synthetic(self) -> bool:
        return bool(self.manifest.get("synthetic", False))

    def table(self, name: str) -> pd.DataFrame:
        """One of the model's tables (``priorities``, ``sensitivity``, ``projections``, …)."""
        if self.model is None:
            raise ValueError(
                f"{self.name}: a member district's pack has no model of its own; "
                "read the partnership's pack"
            )
        return self.model.tables.get(name, pd.DataFrame())

    def on_list(self, name: str) -> pd.DataFrame:
        """The area's rows on one judged list ("significantly worse", "significantly better",
        "worsening", "improving"; :data:`hwb.stats.findings.LISTS`), in headline order."""
        if self.lists.empty:
            return self.lists
        return self.lists[self.lists["list"] == name]

    def series(
        self, indicator_id: int, sex: str | None = None, age: str | None = None
    ) -> pd.DataFrame:
        """Every period of one indicator (headline breakdown) for the area, county and England.

        Picked out once per pack for each indicator, sex and age; callers must not modify
        the frame returned."""
        entry = self.catalogue.loc[int(indicator_id)]
        key = ("series", int(indicator_id), sex or entry["sex"], age or entry["age"])
        if key not in self.memo:
            rows = split_by_indicator(self.frame).get(int(indicator_id), self.frame.iloc[:0])
            self.memo[key] = indicator_series(
                rows, *key[1:], [self.code, self.county_code, self.england_code]
            )
        return self.memo[key]

    @cached_property
    def small_areas(self) -> tuple[Any, str | None]:
        """The snapshot's small-area tables (:mod:`hwb.data.small_areas`), loaded once per
        pack: ``(tables, None)``, or ``(None, reason)`` when the snapshot has none or they fail."""
        from hwb.data.small_areas import load_small_areas, missing_reason
        from hwb.errors import HwbError

        folder = resolve_snapshot(self.snapshot)
        reason = missing_reason(folder)
        if reason is not None:
            return None, reason
        try:
            return load_small_areas(folder), None
        except HwbError as exc:
            return None, str(exc)

    def __repr__(self) -> str:  # deterministic: notebooks must not print memory addresses
        return f"Pack({self.slug!r}, {len(self.headline)} headline rows)"


def series_frame(model: Model) -> pd.DataFrame:
    """The model's series, with the loader's notes on the snapshot in ``attrs``."""
    frame = model.tables["series"]
    frame.attrs = {
        "dropped_rows": list(model.notes.get("dropped_rows", [])),
        "quarantined": [dict(f) for f in model.notes.get("quarantined", [])],
    }
    return frame


def pack_of(
    model: Model,
    params: AreaParams | OverviewArea,
    snapshot: str,
    manifest: dict[str, Any],
    catalogue: pd.DataFrame,
) -> Pack:
    """The pack of one of ``model``'s areas (``params``: that area's parameters)."""
    return Pack(
        params=params,
        frame=series_frame(model),
        catalogue=catalogue,
        manifest=manifest,
        headline=model.headline(params.slug),
        snapshot=snapshot,
        lists=model.lists(params.slug),
        model=model if params.slug == model.pack_area.slug else None,
    )


def load_pack(params: AreaParams | Mapping[str, Any], snapshot: str | Path | None = None) -> Pack:
    """One district's pack on its own (``snapshot`` relative to the repo root or absolute),
    from its one-district model, computed here and not written.

    ``params``: the district's validated parameters, or the JSON a notebook receives
    (:meth:`~hwb.params.DistrictParams.to_notebook`), validated back into the model here.
    """
    if isinstance(params, Mapping):
        params = DistrictParams.model_validate(params)
    quiet_logs()
    source = resolve_snapshot(snapshot)
    manifest = load_manifest(source)
    alone = PartnershipParams(slug=params.slug, name=params.partnership, districts=[params])
    model = build(alone, source, manifest)
    shown = str(snapshot) if snapshot is not None else "data/snapshot"
    return pack_of(model, params, shown, manifest, load_catalogue())


def quiet_logs() -> None:
    """Keep loader warnings out of rendered notebooks (the pack reports dropped rows in words)."""
    logger = logging.getLogger("hwb")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
