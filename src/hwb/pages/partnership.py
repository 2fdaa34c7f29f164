"""A partnership's pack: the combined area where it can be combined, and each member district.

:func:`load_partnership_pack` takes a partnership's validated parameters
(:class:`hwb.partnerships.PartnershipParams`, or the JSON of its ``to_notebook``) and returns a
:class:`PartnershipPack`, a :class:`~hwb.pages.model.Pack` every section already knows how
to show, plus ``members``: each member district's own pack. Both are made from the
partnership's model (:mod:`hwb.model`): a one-district partnership's pack *is* that
district's; a two-district partnership's is the combined area (:mod:`hwb.model.combined`).
:func:`side_by_side` and :func:`concentration` put the combined area beside its districts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hwb.data.catalogue import load_catalogue
from hwb.data.load import load_manifest
from hwb.model import load as load_model
from hwb.model.build import resolve_snapshot
from hwb.pages.model import OK, Pack, pack_of, quiet_logs
from hwb.partnerships import Grouping, PartnershipParams
from hwb.stats.burden import intervals_overlap
from hwb.text.format import interval as fmt_interval
from hwb.text.format import is_missing, join_words, number, with_unit

SIDE_BY_SIDE_KEYS = ["indicator_id", "sex", "label", "programme", "unit", "polarity"]


@dataclass
class PartnershipPack(Pack):
    """A partnership's pack: the (combined) area's evidence plus each member district's pack.

    ``partnership`` is the validated partnership (:class:`~hwb.partnerships.PartnershipParams`,
    or the overview's :class:`~hwb.partnerships.OverviewPartnership`); ``params`` its
    :attr:`~hwb.partnerships.Grouping.area`.
    """

    partnership: Grouping | None = None
    members: list[Pack] = field(default_factory=list)

    @property
    def combined(self) -> bool:
        """True when the pack's area is more than one district."""
        return len(self.members) > 1

    @property
    def partnership_name(self) -> str:
        return self.partnership.name

    def __repr__(self) -> str:  # deterministic: notebooks must not print memory addresses
        return (
            f"PartnershipPack({self.partnership.slug!r}, "
            f"{len(self.members)} district(s), {len(self.headline)} headline rows)"
        )


def load_partnership_pack(
    partnership: Grouping | Mapping[str, Any],
    snapshot: str | Path | None = None,
    manifest: dict[str, Any] | None = None,
) -> PartnershipPack:
    """Everything a partnership's pack shows, from its model (:func:`hwb.model.load`: read
    from ``build/model/<partnership>/`` when current, else computed and written there).

    ``partnership``: the validated partnership, or the JSON its notebook receives
    (:meth:`~hwb.partnerships.PartnershipParams.to_notebook`), validated back into
    :class:`~hwb.partnerships.PartnershipParams` here. ``manifest``: the snapshot's verified
    manifest when the caller has it (the overview reads one snapshot for every partnership).
    """
    if isinstance(partnership, Mapping):
        partnership = PartnershipParams.model_validate(partnership)
    quiet_logs()
    source = resolve_snapshot(snapshot)
    manifest = load_manifest(source) if manifest is None else manifest
    model = load_model(partnership, source)
    shown = str(snapshot) if snapshot is not None else "data/snapshot"
    catalogue = load_catalogue()
    area = partnership.area
    pack = pack_of(model, area, shown, manifest, catalogue)
    if len(partnership.districts) == 1:
        members = [pack]
    else:
        members = [pack_of(model, d, shown, manifest, catalogue) for d in partnership.districts]
    return PartnershipPack(
        params=area,
        frame=pack.frame,
        catalogue=catalogue,
        manifest=manifest,
        headline=pack.headline,
        snapshot=shown,
        model=model,
        lists=pack.lists,
        partnership=partnership,
        members=members,
    )


def side_by_side(pack: PartnershipPack) -> pd.DataFrame:
    """One row per headline indicator (and sex): the combined area's figure, then each member's.

    Columns: :data:`SIDE_BY_SIDE_KEYS`, then for the combined area (when the pack has
    more than one district) ``combined_period``, ``combined_value``, ``combined_lower_95``,
    ``combined_upper_95``, ``combined_compared_95``, ``combined_fitness``, ``combined_note``,
    and for each member ``<slug>_period``, ``<slug>_value``, ``<slug>_compared_95``,
    ``<slug>_fitness`` (the fitness label beside a value, "" where fit); rows where no area has
    a value are left out.
    """
    base = pack.headline
    out = base[SIDE_BY_SIDE_KEYS].copy()
    have = base["status"].eq(OK)
    if pack.combined:
        ok = base["status"].eq(OK)
        out["combined_period"] = base["period"].where(ok, "")
        for column in ("value", "lower_95", "upper_95"):
            out[f"combined_{column}"] = base[column].where(ok, np.nan)
        out["combined_compared_95"] = base["compared_95"].where(ok, "")
        out["combined_fitness"] = _fitness(base).where(ok, "")
        out["combined_note"] = base.get("combine_note", pd.Series("", index=base.index))
    for member in pack.members:
        h = member.headline
        ok = h["status"].eq(OK)
        have |= ok
        out[f"{member.slug}_period"] = h["period"].where(ok, "")
        out[f"{member.slug}_value"] = h["value"].where(ok, np.nan)
        out[f"{member.slug}_compared_95"] = h["compared_95"].where(ok, "")
        out[f"{member.slug}_fitness"] = _fitness(h).where(ok, "")
    return out[have].reset_index(drop=True)


def _fitness(headline: pd.DataFrame) -> pd.Series:
    """Each headline row's fitness label ("" where fit, or where the table has none)."""
    if "fitness" not in headline.columns:
        return pd.Series("", index=headline.index, dtype="str")
    return headline["fitness"].fillna("").astype(str)


def concentration(pack: PartnershipPack, indicator_id: int, label: str) -> str:
    """Where the need behind a priority sits, in words: in one member district or in both.

    ``label`` is the headline row's label (it carries the sex). Compares the members'
    values, not only their comparisons with England (95%): a district that is not
    significantly worse but has a value as bad as (or, with overlapping 95% intervals, not
    clearly better than) a significantly worse one does not leave the need "concentrated"
    elsewhere, and where its wider interval (smaller numbers) is why it is not significantly
    worse, that is said. "" for a one-district pack.
    """
    if not pack.combined:
        return ""
    found = []
    for member in pack.members:
        h = member.headline
        row = h[(h["indicator_id"] == indicator_id) & (h["label"] == label)]
        ok = len(row) and row["status"].iloc[0] == OK and not is_missing(row["value"].iloc[0])
        found.append((member.name, row.iloc[0] if ok else None))
    worse = [(n, r) for n, r in found if r is not None and r["compared_95"] == "Worse"]
    other = [(n, r) for n, r in found if r is None or r["compared_95"] != "Worse"]
    names = [n for n, _ in worse]
    if not other:
        return (
            "the need is shared: "
            + join_words(names)
            + (" are" if len(names) > 1 else " is")
            + " each significantly worse than England"
        )
    if not worse:
        labels = "; ".join(
            f"{n} {((r['compared_95'] if r is not None else '') or 'no value').lower()}"
            for n, r in other
        )
        return (
            f"no member district is significantly worse on its own ({labels}): "
            "the combined area's larger numbers show it"
        )
    return _concentrated_or_not(worse, other)


def _harm(row: pd.Series) -> float:
    """The value with larger meaning worse (the polarity applied)."""
    value = float(row["value"])
    return -value if row["polarity"] == "high_is_good" else value


def _width(row: pd.Series) -> float:
    lower, upper = row.get("lower_95"), row.get("upper_95")
    return np.nan if is_missing(lower) or is_missing(upper) else float(upper) - float(lower)


def _overlap(a: pd.Series, b: pd.Series) -> bool | None:
    """Do two rows' 95% intervals overlap? None when either has no interval."""
    if np.isnan(_width(a)) or np.isnan(_width(b)):
        return None
    return intervals_overlap(a["lower_95"], a["upper_95"], b["lower_95"], b["upper_95"])


def _figure_words(name: str, row: pd.Series) -> str:
    """ "Wyre 9.5% (7.4 to 11.9)" """
    ci = fmt_interval(row.get("lower_95"), row.get("upper_95"))
    return f"{name} {with_unit(row['value'], row['unit'])}" + (f" {ci}" if ci else "")


def _concentrated_or_not(
    worse: list[tuple[str, pd.Series]], other: list[tuple[str, pd.Series | None]]
) -> str:
    """Some members significantly worse, some not: compare their values (see :func:`concentration`)."""
    names = [n for n, _ in worse]
    least = min((r for _, r in worse), key=_harm)  # the least bad of the worse districts
    widest_worse = max((_width(r) for _, r in worse), default=np.nan)
    unit = least["unit"]
    england = with_unit(least["england_value"], unit)
    as_bad, unclear, lower, missing = [], [], [], []
    for name, row in other:
        if row is None:
            missing.append(name)
        elif _harm(row) >= _harm(least) or number(row["value"]) == number(least["value"]):
            as_bad.append((name, row))
        elif _overlap(row, least):
            unclear.append((name, row))
        else:
            lower.append((name, row))

    def why_not_worse(name: str, row: pd.Series) -> str:
        """Why a district as bad (or nearly) is not significantly worse than England."""
        wider = not np.isnan(_width(row)) and (np.isnan(widest_worse) or _width(row) > widest_worse)
        on_wrong_side = _harm(row) > (
            -float(row["england_value"])
            if row["polarity"] == "high_is_good"
            else float(row["england_value"])
        )
        if wider and on_wrong_side:
            return (
                f"{name} is not significantly worse than England only because its smaller numbers "
                "give a wider interval"
            )
        verdict = (row["compared_95"] or "not compared").lower()
        return f"{name} is {verdict} at 95% confidence"

    figures = "; ".join(
        [_figure_words(n, r) for n, r in [*worse, *as_bad, *unclear, *lower]]
        + [f"{n} no value" for n in missing]
    )
    if as_bad:
        reasons = "; ".join(why_not_worse(n, r) for n, r in as_bad)
        bad = join_words([n for n, _ in as_bad])
        return (
            f"the need is not concentrated in one district: {bad}'s value is as bad as "
            f"{join_words(names)}'s ({figures}; England {england}), but only {join_words(names)} "
            f"{'is' if len(names) == 1 else 'are'} significantly worse than England: {reasons}"
        )
    if unclear:
        reasons = "; ".join(why_not_worse(n, r) for n, r in unclear)
        return (
            f"the need is greater in {join_words(names)} than in "
            f"{join_words([n for n, _ in unclear])} ({figures}; England {england}), but the "
            "districts' 95% intervals overlap, so the difference between them is not clear; only "
            f"{join_words(names)} {'is' if len(names) == 1 else 'are'} significantly worse than "
            f"England ({reasons})"
        )
    if not lower:  # the other districts have no value to compare
        return (
            f"only {join_words(names)}'s figures show it ({figures}; "
            f"{join_words(names)} significantly worse than England)"
        )
    rest = [
        f"{n} {with_unit(r['value'], unit)}, {(r['compared_95'] or 'not compared').lower()}"
        for n, r in lower
    ]
    rest += [f"{n} no value" for n in missing]
    worse_words = "; ".join(f"{n} {with_unit(r['value'], unit)}" for n, r in worse)
    return (
        f"the need is concentrated in {join_words(names)} ({worse_words}, significantly worse "
        f"than England; {'; '.join(rest)})"
    )
