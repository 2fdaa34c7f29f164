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
        "pooled_5y_school",
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
