"""District Health and Wellbeing Partnerships: ``parameters/partnerships.yml``, validated.

Ten partnerships cover Lancashire's twelve districts (Chorley and South Ribble share one,
as do Fylde and Wyre). Each partnership gets one evidence pack. The grouping is
configuration: the file lists each partnership's slug, name and member districts, and
:func:`load_partnerships` refuses, before anything runs and naming the file and key, a
district in no partnership or in two, an unknown district, a duplicate slug, a partnership
slug that is another partnership's district, members that disagree on the shared settings
(horizons, priority weights), and a district file whose ``partnership`` key names another
partnership.

:func:`resolve` turns what a person typed (a partnership or a district) into the
partnership whose pack to build, with a did-you-mean across both kinds of name.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hwb import params as parameters
from hwb import paths, yamlio
from hwb.errors import BadParameter
from hwb.params import AreaParams, DistrictParams, OverviewArea, Slug
from hwb.wording import join_words

FILE = parameters.PARTNERSHIPS_FILE

#: district settings every member of a partnership must share (one pack, one set)
SHARED_SETTINGS = ("horizons", "priority_weights", "recommended_priorities")


class PartnershipEntry(BaseModel):
    """One item of ``partnerships:`` in ``parameters/partnerships.yml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: Slug
    name: str = Field(min_length=3)
    districts: list[Slug] = Field(min_length=1)


class PartnershipsFile(BaseModel):
    """``parameters/partnerships.yml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    partnerships: list[PartnershipEntry] = Field(min_length=1)


def combined_code(codes: list[str]) -> str:
    """The code a partnership's combined area goes by: its districts' ONS codes joined by "+"."""
    return "+".join(codes)


class Grouping(BaseModel):
    """A partnership and its member districts' parameters, and the area its pack covers.

    Subclasses declare ``districts`` (each member's validated parameters) and
    ``area_model`` (the model of the combined area).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    area_model: ClassVar[type[BaseModel]]

    slug: Slug
    name: str

    @property
    def area_name(self) -> str:
        """The area the partnership covers, in words: "Chorley and South Ribble"."""
        return join_words([d.name for d in self.districts])

    @property
    def district_slugs(self) -> list[str]:
        return [d.slug for d in self.districts]

    @property
    def area(self) -> BaseModel:
        """The parameters of the area the pack covers: the district itself for a one-district
        partnership, else the districts combined (their codes joined, their priority wards
        together, the settings they share)."""
        first = self.districts[0]
        if len(self.districts) == 1:
            return first
        combined = {
            "slug": self.slug,
            "name": self.area_name,
            "ons_code": combined_code([d.ons_code for d in self.districts]),
            "partnership": self.name,
            "priority_wards": [w for d in self.districts for w in d.priority_wards],
            "priority_wards_source": "; ".join(
                f"{d.name}: {d.priority_wards_source}"
                for d in self.districts
                if getattr(d, "priority_wards_source", "")
            ),
        }
        fields = self.area_model.model_fields
        return self.area_model.model_validate(
            {**first.model_dump(), **{k: v for k, v in combined.items() if k in fields}}
        )

    @model_validator(mode="after")
    def _members_share_settings(self) -> Grouping:
        first = self.districts[0]
        for district in self.districts[1:]:
            for setting in (*SHARED_SETTINGS, "parent_code", "county_name", "england_code"):
                if setting in type(first).model_fields and getattr(district, setting) != getattr(
                    first, setting
                ):
                    raise ValueError(
                        f"districts {first.slug} and {district.slug} differ on '{setting}'"
                    )
        return self


class PartnershipParams(Grouping):
    """A partnership with its member districts' validated parameters: what its pack receives.

    The pack's notebook receives :meth:`to_notebook`'s JSON and turns it back into this
    model with ``PartnershipParams.model_validate(params)``.
    """

    area_model: ClassVar[type[BaseModel]] = AreaParams

    districts: list[DistrictParams] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _derived_area_name(cls, data: Any) -> Any:
        """:meth:`to_notebook` carries ``area_name``, which the districts determine: check it, drop it."""
        if isinstance(data, Mapping) and "area_name" in data:
            data = dict(data)
            given = data.pop("area_name")
            names = [
                d.get("name") if isinstance(d, Mapping) else getattr(d, "name", None)
                for d in data.get("districts") or []
            ]
            if given != join_words([str(n) for n in names if n]):
                raise ValueError(
                    f"area_name {yamlio.shorten(given)} is not the districts' names in words"
                )
        return data

    def markdown(self) -> dict[str, str]:
        """The values the pack template's text uses (``{{ partnership }}`` and so on)."""
        names = [d.name for d in self.districts]
        heading, areas = "", ""
        if len(names) > 1:
            heading = (
                f"## {self.area_name}: the districts side by side\n\n"
                "The combined area's figure, where counts and denominators can be added up honestly, "
                "beside each district's own. Where there is no combined figure, the table says why."
            )
            areas = (
                f"One pack for the {len(names)} districts of the partnership, {self.area_name}: figures are "
                "for the combined area where they can be combined honestly, and for each district otherwise."
            )
        return {
            "partnership": self.name,
            "district_name": self.area_name,
            "partnership_areas": areas,
            "side_by_side_heading": heading,
            "county_name": self.districts[0].county_name,
        }

    def to_notebook(self) -> dict[str, Any]:
        """Plain JSON-able values for Papermill's parameter injection."""
        return {
            "slug": self.slug,
            "name": self.name,
            "area_name": self.area_name,
            "districts": [d.to_notebook() for d in self.districts],
        }


class OverviewPartnership(Grouping):
    """A partnership as the overview page reads it: its districts' :class:`~hwb.params.OverviewArea`."""

    area_model: ClassVar[type[BaseModel]] = OverviewArea

    districts: list[OverviewArea] = Field(min_length=1)


def partnerships_file(directory: Path | None = None) -> Path:
    return (directory or paths.PARAMETERS) / FILE


def _entries(path: Path) -> list[PartnershipEntry]:
    if not path.is_file():
        raise BadParameter(
            f"{path}: missing; it lists each partnership's slug, name and districts "
            "(restore it from git)"
        )
    try:
        return PartnershipsFile.model_validate(parameters._read_yaml(path)).partnerships
    except ValidationError as exc:
        raise BadParameter(f"{path}: {parameters._describe(exc, PartnershipsFile)}") from None


def _did_you_mean(name: str, valid: list[str]) -> str:
    close = difflib.get_close_matches(name.lower(), valid, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _check_grouping(path: Path, entries: list[PartnershipEntry], districts: list[str]) -> None:
    """Slugs unique, every member a known district, every district in exactly one partnership."""
    slug_at: dict[str, int] = {}
    home: dict[str, int] = {}
    for i, entry in enumerate(entries):
        key = f"partnerships.{i}"
        if entry.slug in slug_at:
            raise BadParameter(
                f"{path}: key '{key}.slug': '{entry.slug}' is already the slug of "
                f"partnerships.{slug_at[entry.slug]}; each partnership needs its own slug"
            )
        slug_at[entry.slug] = i
        for district in entry.districts:
            if district not in districts:
                raise BadParameter(
                    f"{path}: key '{key}.districts': '{district}' is not a district (no parameters/"
                    f"{district}.yml){_did_you_mean(district, districts)}\nvalid districts: {', '.join(districts)}"
                )
            if district in home:
                other = entries[home[district]]
                raise BadParameter(
                    f"{path}: key '{key}.districts': district '{district}' is also in partnership "
                    f"'{other.slug}' (partnerships.{home[district]}); each district belongs to exactly one"
                )
            home[district] = i
    for district in districts:
        if district not in home:
            raise BadParameter(
                f"{path}: district '{district}' (parameters/{district}.yml) is in no partnership; "
                "add it to the districts of one entry under key 'partnerships'"
            )
    for i, entry in enumerate(entries):
        owner = home.get(entry.slug)
        if owner is not None and owner != i:
            raise BadParameter(
                f"{path}: key 'partnerships.{i}.slug': '{entry.slug}' is the name of a district in partnership "
                f"'{entries[owner].slug}'; choose a slug that does not name another partnership's district"
            )


def _check_members(
    path: Path, index: int, entry: PartnershipEntry, members: list[DistrictParams], directory: Path
) -> None:
    """Each member's ``partnership`` key names this partnership; members share one set of settings."""
    for district in members:
        if district.partnership != entry.name:
            raise BadParameter(
                f"{directory / (district.slug + '.yml')}: key 'partnership' is '{district.partnership}' but "
                f"{path} (partnerships.{index}) puts {district.slug} in '{entry.name}'; make them match"
            )
    first = members[0]
    for district in members[1:]:
        for setting in SHARED_SETTINGS:
            if getattr(district, setting) != getattr(first, setting):
                raise BadParameter(
                    f"{directory / (district.slug + '.yml')}: key '{setting}' differs from {first.slug}'s, but "
                    f"both are in partnership '{entry.slug}' ({path}), which has one pack; give them the same"
                )


def load_partnerships(directory: Path | None = None) -> list[PartnershipParams]:
    """Every partnership, in file order, with its members' validated parameters."""
    directory = directory or paths.PARAMETERS
    path = partnerships_file(directory)
    entries = _entries(path)
    districts = parameters.known_districts(directory)
    _check_grouping(path, entries, districts)
    by_slug = {d.slug: d for d in parameters.load_all(directory)}
    out = []
    for i, entry in enumerate(entries):
        members = [by_slug[s] for s in entry.districts]
        _check_members(path, i, entry, members, directory)
        out.append(PartnershipParams(slug=entry.slug, name=entry.name, districts=members))
    return out


def known_partnerships(directory: Path | None = None) -> list[str]:
    """Partnership slugs in file order (the file is validated first)."""
    return [p.slug for p in load_partnerships(directory)]


def unknown_name_message(name: str, partnerships: list[str], districts: list[str]) -> str:
    """``unknown partnership or district 'fylde-and-wyr'; did you mean 'fylde-and-wyre'?`` plus both lists."""
    valid = sorted(set(partnerships) | set(districts))
    return (
        f"unknown partnership or district '{name}'{_did_you_mean(name, valid)}\n"
        f"valid partnerships: {', '.join(partnerships)}\nvalid districts: {', '.join(districts)}"
    )


def resolve(name: str, directory: Path | None = None) -> tuple[PartnershipParams, str | None]:
    """The partnership to build for ``name`` (a partnership's slug, or a district's).

    Returns the partnership and, when ``name`` was a district, that district's slug.
    A partnership slug wins where both match (a one-district partnership is named after
    its district, which is the same pack).
    """
    return _resolve_in(name, load_partnerships(directory))


def resolve_many(
    names: Iterable[str], directory: Path | None = None
) -> list[tuple[PartnershipParams, str | None]]:
    """:func:`resolve` for each of ``names`` (in order), reading the parameter files once;
    the first unknown name raises."""
    partnerships = load_partnerships(directory)
    return [_resolve_in(name, partnerships) for name in names]


def _resolve_in(
    name: str, partnerships: list[PartnershipParams]
) -> tuple[PartnershipParams, str | None]:
    for partnership in partnerships:
        if partnership.slug == name:
            return partnership, (name if name in partnership.district_slugs else None)
    for partnership in partnerships:
        if name in partnership.district_slugs:
            return partnership, name
    districts = sorted(d for p in partnerships for d in p.district_slugs)
    raise BadParameter(unknown_name_message(name, [p.slug for p in partnerships], districts))


def resolve_partnership(name: str, directory: Path | None = None) -> PartnershipParams:
    """A partnership by its own slug only; a district's name is refused, naming its partnership."""
    partnership, _ = resolve(name, directory)
    if partnership.slug != name:
        raise BadParameter(
            f"'{name}' is a district, not a partnership; its partnership is "
            f"'{partnership.slug}' (give partnership={partnership.slug}, or district={name})"
        )
    return partnership


def partnership_of(district: str, directory: Path | None = None) -> PartnershipParams:
    """The partnership a district belongs to (its slug must be a district's)."""
    for partnership in load_partnerships(directory):
        if district in partnership.district_slugs:
            return partnership
    raise BadParameter(
        parameters.unknown_district_message(district, parameters.known_districts(directory))
    )


def check_table_of_contents(toc_path: Path | None = None, directory: Path | None = None) -> None:
    """Every partnership has a page entry in ``_toc.yml`` and every pack entry there is a partnership."""
    toc_path = toc_path or paths.ROOT / "_toc.yml"
    prefix = "book/districts/"
    lines = yamlio.read_text(toc_path).splitlines()
    entries = {
        line.split(prefix, 1)[1].strip()
        for line in lines
        if prefix in line and not line.lstrip().startswith("#")
    }
    valid = known_partnerships(directory)
    for slug in [s for s in valid if s not in entries]:
        raise BadParameter(
            f"{toc_path}: no page for partnership '{slug}'; add `- file: {prefix}{slug}` to the partnership part"
        )
    for slug in sorted(entries - set(valid)):
        raise BadParameter(
            f"{toc_path}: page '{prefix}{slug}' is not a partnership in {partnerships_file(directory)}; "
            "add the partnership there or remove the entry"
        )
