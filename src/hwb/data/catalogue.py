"""The indicator catalogue (data/catalogue.yml): what each Fingertips indicator means for the packs.

:func:`load_catalogue` returns one row per indicator id with its short name, programme,
strategy outcome, polarity, value type, unit and multiplier, headline sex/age, benchmark
method, Fingertips CI method, whether Fingertips publishes it for districts, period type, and
any national goal it is judged against (``goal``, NaN when none).
Each entry is validated with pydantic, so a typo names the indicator and the field.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from hwb import paths, yamlio
from hwb.errors import DataInvalid

Programme = Literal[
    "Overarching", "Starting Well", "Living Well", "Ageing Well", "Wider determinants"
]
PROGRAMMES: tuple[str, ...] = Programme.__args__  # type: ignore[attr-defined]
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
)


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
        "single",
    ]
    #: a national goal or ambition the indicator is judged against instead of England
    #: (Fingertips' "Compared to goal"), in the indicator's own units; None when there is none
    goal: float | None = None

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
    return _load(str(Path(path) if path is not None else paths.CATALOGUE)).copy()


@lru_cache(maxsize=4)
def _load(path: str) -> pd.DataFrame:
    file = Path(path)
    try:
        document = yamlio.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataInvalid(f"{file}: the indicator catalogue is missing.") from exc
    except yaml.YAMLError as exc:
        raise DataInvalid(f"{file}: not valid YAML ({exc}).") from exc
    entries = (document or {}).get("indicators")
    if not isinstance(entries, dict) or not entries:
        raise DataInvalid(f"{file}: expected a mapping 'indicators:' of Fingertips id -> entry.")
    rows = []
    for key, entry in entries.items():
        if not isinstance(key, int) or key <= 0:
            raise DataInvalid(
                f"{file}: indicator key {key!r} is not a Fingertips indicator id (a positive whole number)."
            )
        try:
            model = IndicatorEntry.model_validate(entry or {})
        except ValidationError as exc:
            problems = "; ".join(
                f"field '{'.'.join(str(p) for p in err['loc'])}': {err['msg']}"
                for err in exc.errors()
            )
            raise DataInvalid(f"{file}, indicator {key}: {problems}.") from exc
        if model.sex not in model.sexes:
            raise DataInvalid(
                f"{file}, indicator {key}, field 'sexes': must include the headline sex {model.sex!r}."
            )
        rows.append({"indicator_id": key, **model.model_dump()})
    frame = pd.DataFrame(rows).set_index("indicator_id")
    frame.index = frame.index.astype("int64")
    frame["multiplier"] = frame["multiplier"].astype("float64")
    frame["district_level"] = frame["district_level"].astype(bool)
    frame["goal"] = frame["goal"].astype("float64")
    return frame[list(CATALOGUE_COLUMNS)]


def catalogue_entry(indicator_id: int) -> pd.Series:
    """One indicator's catalogue row; an unknown id names the id and the catalogue file."""
    catalogue = load_catalogue()
    if int(indicator_id) not in catalogue.index:
        raise DataInvalid(
            f"{paths.CATALOGUE}: indicator {indicator_id} is not in the catalogue; add an entry for it."
        )
    return catalogue.loc[int(indicator_id)]
