"""District parameters: the schema, loading and validation of ``parameters/*.yml``.

Every value that reaches a notebook passes through :func:`load_district` first, so a
typo in a file or on the command line stops the build before anything is written.
``parameters/defaults.yml`` holds what all districts share; ``parameters/<slug>.yml``
holds one district and may override a default.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from hwb import paths, yamlio
from hwb.errors import BadParameter

DEFAULTS_FILE = "defaults.yml"
PARTNERSHIPS_FILE = "partnerships.yml"  # read by hwb.partnerships, not a district

LadCode = Annotated[str, Field(pattern=r"^E0[6-9]\d{6}$", description="ONS lower-tier LA code")]
AreaCode = Annotated[
    str,
    Field(
        pattern=r"^E0[6-9]\d{6}(\+E0[6-9]\d{6})*$",
        description="a district's ONS code, or a partnership's districts' codes joined by '+'",
    ),
]
CountyCode = Annotated[str, Field(pattern=r"^E1[01]\d{6}$", description="ONS county code")]
EnglandCode = Annotated[str, Field(pattern=r"^E92000001$")]
Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
Year = Annotated[int, Field(ge=2025, le=2060)]
#: ONS's three groupings of similar authorities (:data:`hwb.data.similar_areas.GROUP_TYPES`)
SIMILAR_GROUPS = ("global", "economic", "demographic")


def _similar_group(value: str) -> str:
    """One of :data:`SIMILAR_GROUPS`, else a did-you-mean error."""
    if value not in SIMILAR_GROUPS:
        close = difflib.get_close_matches(str(value), SIMILAR_GROUPS, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ValueError(
            f"'{value}' is not an ONS similar-areas group{hint}; "
            f"give one of {', '.join(SIMILAR_GROUPS)}"
        )
    return value


SimilarGroup = Annotated[str, AfterValidator(_similar_group)]


class PriorityWeights(BaseModel):
    """How much each kind of evidence counts when ranking candidate priorities."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    significance: float = Field(3.0, ge=0, description="significantly worse than England")
    trend: float = Field(2.0, ge=0, description="getting worse on the recent trend")
    gap: float = Field(2.0, ge=0, description="relative size of the gap to England")
    people: float = Field(1.0, ge=0, description="number of people affected")
    strategy_link: float = Field(1.0, ge=0, description="evidences a strategy outcome")


class SharedDefaults(BaseModel):
    """``parameters/defaults.yml``: what every district shares."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    county_code: CountyCode = "E10000017"
    county_name: str = "Lancashire"
    england_code: EnglandCode = "E92000001"
    horizons: list[Year] = [2030, 2035]
    priority_weights: PriorityWeights = PriorityWeights()
    recommended_priorities: int = Field(3, ge=1, le=10)
    #: which of ONS's groups of 20 most similar authorities each pack compares with
    similar_areas: SimilarGroup = "global"


class DistrictFile(BaseModel):
    """``parameters/<slug>.yml``: one district."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: Slug
    name: str = Field(min_length=2)
    ons_code: LadCode
    parent_code: CountyCode
    partnership: str = Field(min_length=3)
    horizons: list[Year] | None = None
    priority_wards: list[str] = Field(
        [],
        description="wards the partnership has named as its priorities (current, 2023 wards); "
        "only with priority_wards_source",
    )
    priority_wards_source: str = Field(
        "",
        description="the document naming the priority wards and its date, e.g. "
        "'Burnley Health and Wellbeing Partnership plan, March 2025'",
    )
    priority_weights: PriorityWeights | None = None

    @model_validator(mode="after")
    def _wards_have_a_source(self) -> DistrictFile:
        source = self.priority_wards_source.strip()
        if self.priority_wards and not source:
            raise ValueError(
                "key 'priority_wards_source': named priority wards need a source, the document "
                "and its date (e.g. priority_wards_source: 'Partnership plan, March 2025'); "
                "or remove priority_wards to show the five most deprived wards by IoD2025"
            )
        if source and not self.priority_wards:
            raise ValueError(
                "key 'priority_wards_source' is given but no priority_wards are named; "
                "name the wards or remove the source"
            )
        if source and not re.search(r"\b(19|20)\d\d\b", source):
            raise ValueError(
                f"key 'priority_wards_source': {source!r} has no date; give the document "
                "and its date (a year at least), e.g. 'Partnership plan, March 2025'"
            )
        return self

    @field_validator("horizons")
    @classmethod
    def _horizons_sorted(cls, value: list[int] | None) -> list[int] | None:
        if value is not None and (not value or value != sorted(set(value))):
            raise ValueError(
                "give one or more distinct years in increasing order, e.g. [2030, 2035]"
            )
        return value


class AreaParams(BaseModel):
    """The validated parameters of the area one pack covers: what ``Pack.params`` holds.

    A district's (:class:`DistrictParams`), or a partnership's districts combined
    (:attr:`hwb.partnerships.PartnershipParams.area`). Every value is set: the defaults were
    merged in from :class:`SharedDefaults` when the district was loaded, so pages read
    attributes and restate no default.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: Slug
    name: str
    ons_code: AreaCode
    parent_code: CountyCode
    county_name: str
    england_code: EnglandCode
    partnership: str
    horizons: list[Year]
    priority_wards: list[str]
    #: the document (and date) naming ``priority_wards``; "" when none are named
    priority_wards_source: str = ""
    priority_weights: PriorityWeights
    recommended_priorities: int
    similar_areas: SimilarGroup = SharedDefaults.model_fields["similar_areas"].default

    def to_notebook(self) -> dict[str, Any]:
        """Plain JSON-able values for Papermill's parameter injection."""
        return self.model_dump(mode="json")


class DistrictParams(AreaParams):
    """A district's validated, merged parameters: exactly what the notebook receives."""

    ons_code: LadCode


#: the fields of a district's parameters the overview page reads: all it receives of each
#: district (:func:`hwb.render.pipeline.overview_job`), so a change to another one (a
#: district's horizons, say) does not re-render it
OVERVIEW_FIELDS = (
    "slug",
    "name",
    "ons_code",
    "parent_code",
    "county_name",
    "england_code",
    "priority_weights",
    "recommended_priorities",
    "priority_wards",
    "priority_wards_source",
)

#: a district (or a partnership's districts combined) as the overview reads it: the
#: :data:`OVERVIEW_FIELDS` of :class:`AreaParams`, declared there once
OverviewArea = create_model(
    "OverviewArea",
    __config__=ConfigDict(extra="forbid", frozen=True),
    __doc__="An area's parameters as the overview page reads them (:data:`OVERVIEW_FIELDS`).",
    __module__=__name__,
    **{
        name: (info.annotation, info)
        for name, info in AreaParams.model_fields.items()
        if name in OVERVIEW_FIELDS
    },
)


def overview_area(district: BaseModel | Mapping[str, Any]) -> BaseModel:
    """A district's parameters (a model, or the JSON a notebook receives) as the overview reads them.

    Only :data:`OVERVIEW_FIELDS` are kept; each is validated by the schema.
    """
    values = district.model_dump() if isinstance(district, BaseModel) else dict(district)
    return OverviewArea.model_validate({k: values[k] for k in OVERVIEW_FIELDS if k in values})


def _valid_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed where ``loc`` (the unknown key's location) sits in ``model``."""
    for part in loc[:-1]:
        field = model.model_fields.get(str(part))
        inner = None
        if field is not None:
            candidates = [field.annotation, *getattr(field.annotation, "__args__", ())]
            inner = next(
                (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None
            )
        if inner is None:
            return []
        model = inner
    return list(model.model_fields)


def _describe(error: ValidationError, model: type[BaseModel] | None = None) -> str:
    parts = []
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"]) or "(top level)"
        if item["type"] == "extra_forbidden":
            valid = _valid_keys(model, tuple(item["loc"])) if model is not None else []
            close = difflib.get_close_matches(str(item["loc"][-1]), valid, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            listed = f"; valid keys: {', '.join(valid)}" if valid else ""
            parts.append(f"unknown key '{key}'{hint}{listed}")
        elif item["type"] == "missing":
            parts.append(f"missing key '{key}'")
        else:
            got = item.get("input")
            parts.append(f"key '{key}': {item['msg']} (got {yamlio.shorten(got)})")
    return "; ".join(parts)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        content = yamlio.load_file(path)
    except yaml.YAMLError as exc:
        raise BadParameter(f"{path}: not valid YAML: {yamlio.describe(exc)}") from None
    if content is None:
        content = {}
    if not isinstance(content, dict):
        raise BadParameter(
            f"{path}: expected a mapping of keys to values, got {type(content).__name__}"
        )
    return content


def known_districts(directory: Path | None = None) -> list[str]:
    """Slugs of every district that has a parameter file, sorted."""
    directory = directory or paths.PARAMETERS
    return sorted(
        p.stem for p in directory.glob("*.yml") if p.name not in (DEFAULTS_FILE, PARTNERSHIPS_FILE)
    )


def load_defaults(directory: Path | None = None) -> SharedDefaults:
    directory = directory or paths.PARAMETERS
    path = directory / DEFAULTS_FILE
    if not path.is_file():
        return SharedDefaults()
    try:
        return SharedDefaults.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise BadParameter(f"{path}: {_describe(exc, SharedDefaults)}") from None


def unknown_district_message(slug: str, valid: list[str]) -> str:
    """``unknown district 'burnly'; did you mean 'burnley'?`` plus the valid names."""
    close = difflib.get_close_matches(slug.lower(), valid, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown district '{slug}'{hint}\nvalid districts: {', '.join(valid)}"


def load_district(slug: str, directory: Path | None = None) -> DistrictParams:
    """Load, validate and merge one district's parameters with the shared defaults.

    Raises :class:`BadParameter` naming the file and key for anything wrong, and a
    did-you-mean suggestion for an unknown district.
    """
    directory = directory or paths.PARAMETERS
    valid = known_districts(directory)
    if slug not in valid:
        raise BadParameter(unknown_district_message(slug, valid))
    return _district(slug, directory, load_defaults(directory))


def _district(slug: str, directory: Path, defaults: SharedDefaults) -> DistrictParams:
    """One known district's file, validated and merged with ``defaults`` (read once by callers
    that load many districts)."""
    path = directory / f"{slug}.yml"
    try:
        district = DistrictFile.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise BadParameter(f"{path}: {_describe(exc, DistrictFile)}") from None
    if district.slug != slug:
        raise BadParameter(
            f"{path}: key 'slug' is '{district.slug}' but the file is named '{slug}.yml'; "
            "make them match"
        )
    if district.parent_code != defaults.county_code:
        raise BadParameter(
            f"{path}: key 'parent_code' is {district.parent_code} but the book covers "
            f"{defaults.county_name} ({defaults.county_code}); fix the code or parameters/defaults.yml"
        )
    from hwb.data.small_areas import check_ward_names  # against the snapshot's current wards

    check_ward_names(district.priority_wards, district.ons_code, str(path))
    return DistrictParams(
        slug=district.slug,
        name=district.name,
        ons_code=district.ons_code,
        parent_code=district.parent_code,
        county_name=defaults.county_name,
        england_code=defaults.england_code,
        partnership=district.partnership,
        horizons=district.horizons or defaults.horizons,
        priority_wards=district.priority_wards,
        priority_wards_source=district.priority_wards_source.strip(),
        priority_weights=district.priority_weights or defaults.priority_weights,
        recommended_priorities=defaults.recommended_priorities,
        similar_areas=defaults.similar_areas,
    )


def load_all(directory: Path | None = None) -> list[DistrictParams]:
    """Every district, validated; also rejects two files claiming the same ONS code."""
    directory = directory or paths.PARAMETERS
    defaults = load_defaults(directory)
    districts = [_district(slug, directory, defaults) for slug in known_districts(directory)]
    seen: dict[str, str] = {}
    for d in districts:
        if d.ons_code in seen:
            raise BadParameter(
                f"{directory / (d.slug + '.yml')}: key 'ons_code' {d.ons_code} is also used by "
                f"{seen[d.ons_code]}.yml; each district needs its own code"
            )
        seen[d.ons_code] = d.slug
    return districts


def check_table_of_contents(toc_path: Path | None = None, directory: Path | None = None) -> None:
    """Every district has a page entry in ``_toc.yml`` and every district entry a parameter file."""
    toc_path = toc_path or paths.ROOT / "_toc.yml"
    prefix = "book/districts/"
    entries = {
        line.split(prefix, 1)[1].strip()
        for line in yamlio.read_text(toc_path).splitlines()
        if prefix in line and not line.lstrip().startswith("#")
    }
    valid = set(known_districts(directory))
    for slug in sorted(valid - entries):
        raise BadParameter(
            f"{toc_path}: no page for district '{slug}'; add `- file: {prefix}{slug}` to the district part"
        )
    for slug in sorted(entries - valid):
        raise BadParameter(
            f"{toc_path}: page '{prefix}{slug}' has no parameters/{slug}.yml; add the file or remove the entry"
        )
