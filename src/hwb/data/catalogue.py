"""The indicator catalogue (data/catalogue.yml): what each Fingertips indicator means for the packs.

:func:`load_catalogue` returns one row per indicator id with its short name, programme,
strategy outcome, polarity, value type, unit and multiplier, headline sex/age, benchmark
method, Fingertips CI method, whether Fingertips publishes it for districts, period type, and
any national goal it is judged against (``goal``, NaN when none) and who publishes it
(``source``, "" when the entry does not say). Ids are Fingertips ids, or, for an indicator
Fingertips does not publish, project ids from :data:`PROJECT_ID_START` upwards
(:func:`is_project_id`), whose entries must name their source.
Each entry is validated with pydantic, so a typo names the indicator and the field.

The catalogue also holds the domain knowledge the pages need, so no page names an id:
an indicator's ``role`` (:func:`role_id`: the headline life expectancy, deprivation,
population, ...), the indicators that are ``part_of`` another (:func:`nested_parts`), what
its count counts (``events``: :func:`event_nouns`) and the strategy outcomes the place plan
names (:func:`place_plan_outcomes`).

What the data cannot show about an indicator's fitness is declared here too (read by
:func:`hwb.stats.fitness.series_fitness`): ``larger_area_estimate`` (why every district's
value is an estimate for a larger area), ``fractional_counts`` (its counts are fractional by
design, e.g. sums of alcohol-attributable fractions, so a fractional count is no sign of an
apportioned estimate) and ``breaks`` (a change of recording or definition: its period, the
areas it affects, why, and whether a value after it is still compared with England's;
:func:`declared_breaks`). ``priority_group`` merges indicators
into one candidate priority (``premature_death``: life expectancy, premature mortality and
its parts), named in the file's ``priority_groups`` (:func:`priority_groups`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationError,
    field_validator,
)

from hwb import paths, yamlio
from hwb.data.periods import label_fits, span_years
from hwb.errors import DataInvalid

Programme = Literal[
    "Overarching", "Starting Well", "Living Well", "Ageing Well", "Wider determinants"
]
PROGRAMMES: tuple[str, ...] = Programme.__args__  # type: ignore[attr-defined]
Role = Literal[
    "life_at_birth",
    "healthy_life",
    "life_at_65",
    "inequality",
    "population",
    "deprivation",
    "deprivation_new",
]
#: what a page may use an indicator for; each role names at most one indicator
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]
CATALOGUE_COLUMNS: tuple[str, ...] = (
    "short_name",
    "name",
    "programme",
    "outcome",
    "polarity",
    "value_type",
    "unit",
    "multiplier",
    "sex",
    "sexes",
    "age",
    "benchmark",
    "ci_method",
    "district_level",
    "period_type",
    "goal",
    "role",
    "part_of",
    "source",
    "event_noun",
    "events_per_year",
    "larger_area_estimate",
    "fractional_counts",
    "priority_group",
    "period_years",
)
#: columns of :func:`declared_breaks`
BREAK_COLUMNS: tuple[str, ...] = (
    "indicator_id",
    "period",
    "area_code",
    "reason",
    "comparable_with_england",
)
#: an ONS area code a declared break may name (district, unitary authority, county)
_AREA_CODE = r"^E(0[6-9]|1[01])\d{6}$"


def _refuse_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


#: words that must not be blank
Text = Annotated[str, AfterValidator(_refuse_blank)]


#: the first project id: an indicator Fingertips does not publish gets an id from here upwards
#: (Fingertips ids are all below it); see the header of data/catalogue.yml
PROJECT_ID_START = 1_000_001


def is_project_id(indicator_id: int) -> bool:
    """True for an id of the project's own (an indicator Fingertips does not publish)."""
    return int(indicator_id) >= PROJECT_ID_START


def fingertips_ids(path: Path | str | None = None) -> list[int]:
    """The catalogue's Fingertips indicator ids (its project ids left out), in file order:
    what ``make data`` asks the Fingertips API for."""
    return [int(i) for i in load_catalogue(path).index if not is_project_id(int(i))]


class Events(BaseModel):
    """What an indicator's count counts ("preventable deaths under 75") and whether it is a
    number a year (events that happen) or at a time (people who are something)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    noun: str
    per_year: bool

    @field_validator("noun")
    @classmethod
    def _noun_not_blank(cls, value: str) -> str:
        return _refuse_blank(value)


class Break(BaseModel):
    """A declared break in an indicator's series: from ``period`` on, values are recorded
    differently, in ``areas`` (every area when empty), for the ``reason`` given.

    ``comparable_with_england``: the change reached England's figure in the same way (a new
    method applied everywhere at once), so a value after the break is still compared with
    England's for the same period; only its trend is not read across the break. Without it
    (a local change of recording), the first value after the break is not compared with
    England either."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    period: Text
    reason: Text
    areas: tuple[Annotated[str, StringConstraints(pattern=_AREA_CODE)], ...] = ()
    comparable_with_england: bool = False

    @field_validator("period", mode="before")
    @classmethod
    def _year_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class PriorityGroup(BaseModel):
    """Indicators merged into one candidate priority (``priority_groups`` in catalogue.yml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: the candidate's name in words ("premature death")
    title: Text
    #: recommended whenever any member is significantly worse than England, whatever its score
    recommend_when_worse: bool = False


class IndicatorEntry(BaseModel):
    """One catalogue entry; field meanings are documented at the top of catalogue.yml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    short_name: str
    name: str
    programme: Programme
    outcome: str
    polarity: Literal["high_is_good", "low_is_good", "no_judgement"]
    value_type: Literal[
        "proportion", "crude_rate", "dsr", "life_expectancy", "score", "count", "ratio"
    ]
    unit: str
    multiplier: float
    sex: Literal["Persons", "Male", "Female", "Not applicable"]
    sexes: tuple[Literal["Persons", "Male", "Female", "Not applicable"], ...]
    age: str
    benchmark: Literal["ci_overlap", "quintiles", "none"]
    ci_method: Literal[
        "wilson",
        "byar",
        "exact_poisson",
        "dobson",
        "chiang",
        "sullivan",
        "survey",
        "simulation",
        "none",
    ]
    district_level: bool
    period_type: Literal[
        "calendar",
        "financial",
        "school_year",
        "pooled_3y",
        "pooled_3y_financial",
        "pooled_5y",
        "pooled_5y_school",
        "single",
    ]
    #: a national goal or ambition the indicator is judged against instead of England
    #: (Fingertips' "Compared to goal"), in the indicator's own units; None when there is none
    goal: float | None = None
    #: what the pages use the indicator for (one of :data:`ROLES`); None for most indicators
    role: Role | None = None
    #: the id of the overall indicator this one is a part of (merged with it as one priority)
    part_of: int | None = None
    #: who publishes the figures and from what (required for a project id)
    source: str | None = None
    #: what its count counts, in words
    events: Events | None = None
    #: why every district's value is an estimate for a larger area (e.g. apportioned from an NHS
    #: area), when the data alone cannot show it; None for a district measurement
    larger_area_estimate: str | None = None
    #: its counts are fractional by design (sums of attributable fractions), not apportioned
    fractional_counts: bool = False
    #: changes of recording or definition that break the series
    breaks: tuple[Break, ...] = ()
    #: the candidate priority it is merged into (a key of ``priority_groups``); parts inherit it
    priority_group: str | None = None

    @field_validator("larger_area_estimate")
    @classmethod
    def _reason_not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError(
                "must not be blank: say why the values are estimates for a larger area"
            )
        return value

    @field_validator("short_name", "name", "outcome", "unit", "age")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    @field_validator("multiplier")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be positive (e.g. 100 for %, 100000 for per 100,000)")
        return value


def load_catalogue(path: Path | str | None = None) -> pd.DataFrame:
    """The catalogue as a DataFrame indexed by ``indicator_id`` (int64), in file order."""
    return _load(_key(path)).frame.copy()


def role_id(role: str, path: Path | str | None = None) -> int:
    """The id of the indicator with this ``role`` (e.g. "life_at_birth"); a catalogue without one
    names the file and the role to add."""
    if role not in ROLES:
        raise ValueError(f"{role!r} is not an indicator role; the roles are {', '.join(ROLES)}")
    loaded = _load(_key(path))
    if role not in loaded.roles:
        raise DataInvalid(
            f"{loaded.file}: no indicator has the role {role!r}; add `role: {role}` to the indicator "
            "the pages should use for it."
        )
    return loaded.roles[role]


def role_ids(*roles: str, path: Path | str | None = None) -> tuple[int, ...]:
    """The ids of several roles, in the order asked (see :func:`role_id`)."""
    return tuple(role_id(role, path) for role in roles)


def nested_parts(path: Path | str | None = None) -> dict[int, tuple[int, ...]]:
    """Overall indicator id -> the ids declared ``part_of`` it, in file order."""
    return dict(_load(_key(path)).nested)


def event_nouns(path: Path | str | None = None) -> dict[int, tuple[str, bool]]:
    """Indicator id -> (what its count counts, whether it is a number a year), for the indicators
    whose entry declares ``events``."""
    return dict(_load(_key(path)).events)


def place_plan_outcomes(path: Path | str | None = None) -> frozenset[str]:
    """The strategy outcomes the Lancashire place plan names (``place_plan_outcomes:``)."""
    return _load(_key(path)).place_plan


def declared_breaks(path: Path | str | None = None) -> pd.DataFrame:
    """The catalogue's declared breaks, one row per indicator, period and affected area
    (:data:`BREAK_COLUMNS`; ``area_code`` "" when the break affects every area)."""
    return _load(_key(path)).breaks.copy()


def priority_groups(path: Path | str | None = None) -> dict[str, PriorityGroup]:
    """Name -> :class:`PriorityGroup` for the candidate priorities that merge several indicators."""
    return dict(_load(_key(path)).groups)


def _key(path: Path | str | None) -> str:
    return str(Path(path) if path is not None else paths.CATALOGUE)


@dataclass(frozen=True)
class _Loaded:
    file: Path
    frame: pd.DataFrame
    roles: dict[str, int]
    nested: dict[int, tuple[int, ...]]
    events: dict[int, tuple[str, bool]]
    place_plan: frozenset[str]
    breaks: pd.DataFrame
    groups: dict[str, PriorityGroup]


@lru_cache(maxsize=4)
def _load(path: str) -> _Loaded:
    file = Path(path)
    try:
        document = yamlio.load_file(file)
    except FileNotFoundError as exc:
        raise DataInvalid(f"{file}: the indicator catalogue is missing.") from exc
    except yaml.YAMLError as exc:
        raise DataInvalid(f"{file}: not valid YAML ({yamlio.describe(exc)}).") from exc
    entries = (document or {}).get("indicators")
    if not isinstance(entries, dict) or not entries:
        raise DataInvalid(f"{file}: expected a mapping 'indicators:' of Fingertips id -> entry.")
    models: dict[int, IndicatorEntry] = {}
    for key, entry in entries.items():
        if not isinstance(key, int) or key <= 0:
            raise DataInvalid(
                f"{file}: indicator key {key!r} is not an indicator id (a positive whole number: a "
                f"Fingertips id, or a project id from {PROJECT_ID_START})."
            )
        try:
            model = IndicatorEntry.model_validate(entry or {})
        except ValidationError as exc:
            problems = "; ".join(
                f"field '{'.'.join(str(p) for p in err['loc'])}': {err['msg']}"
                for err in exc.errors()
            )
            raise DataInvalid(f"{file}, indicator {key}: {problems}.") from exc
        if key >= PROJECT_ID_START and not (model.source or "").strip():
            raise DataInvalid(
                f"{file}, indicator {key}, field 'source': {key} is a project id (from "
                f"{PROJECT_ID_START}; not a Fingertips indicator), so the entry must say who "
                "publishes the figures, e.g. `source: ONS, Annual Population Survey`."
            )
        if model.sex not in model.sexes:
            raise DataInvalid(
                f"{file}, indicator {key}, field 'sexes': must include the headline sex {model.sex!r}."
            )
        models[key] = model
    roles = _roles(file, models)
    nested = _nested(file, models)
    groups = _priority_groups(file, document)
    member_of = _group_members(file, models, groups)
    breaks = _breaks(file, models)
    rows = []
    for key, model in models.items():
        row = model.model_dump(exclude={"events", "breaks"})
        row["role"] = model.role or ""
        row["source"] = model.source or ""
        row["event_noun"] = model.events.noun if model.events else ""
        row["events_per_year"] = bool(model.events.per_year) if model.events else False
        row["larger_area_estimate"] = model.larger_area_estimate or ""
        row["priority_group"] = member_of.get(key, "")
        row["period_years"] = span_years(model.period_type)
        rows.append({"indicator_id": key, **row})
    frame = pd.DataFrame(rows).set_index("indicator_id")
    frame.index = frame.index.astype("int64")
    frame["multiplier"] = frame["multiplier"].astype("float64")
    frame["district_level"] = frame["district_level"].astype(bool)
    frame["goal"] = frame["goal"].astype("float64")
    frame["part_of"] = frame["part_of"].astype("Int64")
    frame["fractional_counts"] = frame["fractional_counts"].astype(bool)
    frame["period_years"] = frame["period_years"].astype("int64")
    events = {key: (m.events.noun, m.events.per_year) for key, m in models.items() if m.events}
    place_plan = _place_plan(file, document, {m.outcome for m in models.values()})
    return _Loaded(
        file,
        frame[list(CATALOGUE_COLUMNS)],
        roles,
        nested,
        events,
        place_plan,
        breaks,
        groups,
    )


def _breaks(file: Path, models: dict[int, IndicatorEntry]) -> pd.DataFrame:
    """The declared breaks as rows; a period not written as the indicator's period type says
    names the indicator and the field."""
    rows = []
    for key, model in models.items():
        for number, declared in enumerate(model.breaks):
            if not label_fits(model.period_type, declared.period):
                raise DataInvalid(
                    f"{file}, indicator {key}, field 'breaks.{number}.period': {declared.period!r} is not "
                    f"a {model.period_type} period; write it as the snapshot does (e.g. "
                    f"{'2023/24' if model.period_type == 'financial' else '2023'})."
                )
            for area in declared.areas or ("",):
                rows.append(
                    (
                        key,
                        declared.period,
                        area,
                        " ".join(declared.reason.split()),
                        declared.comparable_with_england,
                    )
                )
    frame = pd.DataFrame(rows, columns=list(BREAK_COLUMNS))
    frame["indicator_id"] = frame["indicator_id"].astype("int64")
    frame["comparable_with_england"] = frame["comparable_with_england"].astype(bool)
    return frame


def _priority_groups(file: Path, document: dict) -> dict[str, PriorityGroup]:
    listed = document.get("priority_groups", {}) or {}
    where = f"{file}, field 'priority_groups'"
    if not isinstance(listed, dict):
        raise DataInvalid(f"{where}: expected a mapping of group name -> {{title: ...}}.")
    groups = {}
    for name, entry in listed.items():
        if not isinstance(name, str) or not name.strip():
            raise DataInvalid(
                f"{where}: group name {name!r} must be a word such as premature_death."
            )
        try:
            groups[name] = PriorityGroup.model_validate(entry or {})
        except ValidationError as exc:
            problems = "; ".join(
                f"'{'.'.join(str(p) for p in err['loc'])}': {err['msg']}" for err in exc.errors()
            )
            raise DataInvalid(f"{where}.{name}: {problems}.") from exc
    return groups


def _group_members(
    file: Path, models: dict[int, IndicatorEntry], groups: dict[str, PriorityGroup]
) -> dict[int, str]:
    """Indicator id -> its priority group: declared, or inherited from the indicator it is
    ``part_of``; an unknown group, or a part declaring another group than its parent's, is refused."""
    member_of: dict[int, str] = {}
    for key, model in models.items():
        if model.priority_group is None:
            continue
        if model.priority_group not in groups:
            known = ", ".join(sorted(groups)) or "none are declared"
            raise DataInvalid(
                f"{file}, indicator {key}, field 'priority_group': {model.priority_group!r} is not in "
                f"priority_groups ({known}); add it there or fix the name."
            )
        member_of[key] = model.priority_group
    for key, model in models.items():
        parent = model.part_of
        if parent is None or parent not in member_of:
            continue
        if key in member_of and member_of[key] != member_of[parent]:
            raise DataInvalid(
                f"{file}, indicator {key}, field 'priority_group': {member_of[key]!r}, but it is part of "
                f"{parent}, which is in {member_of[parent]!r}; a part belongs to its parent's group."
            )
        member_of[key] = member_of[parent]
    return member_of


def _roles(file: Path, models: dict[int, IndicatorEntry]) -> dict[str, int]:
    """Role -> indicator id; a role claimed twice names both indicators."""
    roles: dict[str, int] = {}
    for key, model in models.items():
        if model.role is None:
            continue
        if model.role in roles:
            raise DataInvalid(
                f"{file}, indicator {key}, field 'role': role {model.role!r} is already indicator "
                f"{roles[model.role]}'s; each role names one indicator."
            )
        roles[model.role] = key
    return roles


def _nested(file: Path, models: dict[int, IndicatorEntry]) -> dict[int, tuple[int, ...]]:
    """Overall indicator -> its parts; a part of an unknown, itself or a part names the field."""
    nested: dict[int, list[int]] = {}
    for key, model in models.items():
        parent = model.part_of
        if parent is None:
            continue
        where = f"{file}, indicator {key}, field 'part_of'"
        if parent == key:
            raise DataInvalid(f"{where}: an indicator cannot be a part of itself.")
        if parent not in models:
            raise DataInvalid(f"{where}: indicator {parent} is not in the catalogue.")
        if models[parent].part_of is not None:
            raise DataInvalid(
                f"{where}: indicator {parent} is itself a part of {models[parent].part_of}; "
                "name the overall indicator."
            )
        nested.setdefault(parent, []).append(key)
    return {parent: tuple(parts) for parent, parts in nested.items()}


def _place_plan(file: Path, document: dict, outcomes: set[str]) -> frozenset[str]:
    """The place plan's outcomes; each must be an indicator's outcome (a typo would link nothing)."""
    listed = document.get("place_plan_outcomes", [])
    where = f"{file}, field 'place_plan_outcomes'"
    if not isinstance(listed, list) or not all(isinstance(o, str) and o.strip() for o in listed):
        raise DataInvalid(f"{where}: expected a list of strategy outcomes (words, one per line).")
    unknown = [o for o in listed if o not in outcomes]
    if unknown:
        raise DataInvalid(
            f"{where}: {', '.join(repr(o) for o in unknown)} is not the outcome of any indicator; "
            "use an indicator's outcome exactly as written."
        )
    return frozenset(listed)


def catalogue_entry(indicator_id: int) -> pd.Series:
    """One indicator's catalogue row; an unknown id names the id and the catalogue file."""
    catalogue = load_catalogue()
    if int(indicator_id) not in catalogue.index:
        raise DataInvalid(
            f"{paths.CATALOGUE}: indicator {indicator_id} is not in the catalogue; add an entry for it."
        )
    return catalogue.loc[int(indicator_id)]


def period_mismatches(frame: pd.DataFrame, catalogue: pd.DataFrame | None = None) -> list[str]:
    """Catalogue indicators whose snapshot periods are not written as their ``period_type`` says.

    A period type decides how a pack dates a period (a pooled "2018/19 - 22/23" is not the
    school year 2018/19), so a mismatch is reported by ``hwb data verify``.
    """
    from hwb.data.periods import label_fits

    catalogue = load_catalogue() if catalogue is None else catalogue
    problems = []
    headline = frame[frame["category_type"] == ""]
    for indicator_id, periods in headline.groupby("indicator_id", sort=True)["period"]:
        if int(indicator_id) not in catalogue.index:
            continue
        period_type = catalogue.loc[int(indicator_id), "period_type"]
        wrong = sorted({p for p in periods.unique() if not label_fits(period_type, p)})
        if wrong:
            shown = ", ".join(repr(p) for p in wrong[:3]) + (" …" if len(wrong) > 3 else "")
            problems.append(
                f"indicator {int(indicator_id)}: catalogue period_type {period_type!r} but the "
                f"snapshot has period(s) {shown}; fix period_type in data/catalogue.yml"
            )
    return problems
