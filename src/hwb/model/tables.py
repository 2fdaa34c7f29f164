"""Typed tables as plain CSV files: written so a reviewer can diff them, read back exactly.

A model's tables (:mod:`hwb.model.build`) are pandas frames of five kinds of column:
whole numbers, floats, true/false, text, and (rarely) mixed values. :func:`table_bytes`
turns one into CSV and returns its *schema*, the list of ``[column, kind]`` pairs, which
the model's manifest keeps; :func:`read_table` reads the bytes back into the same columns
and dtypes:

* floats are written to :data:`FLOAT_DIGITS` significant digits by
  :func:`hwb.text.format.stable_decimal`, so the files do not depend on the last bits of
  floating point (a value exactly half-way rounds up on every machine); a missing float is
  an empty cell. A
  table that holds the snapshot's own values (or statistics the pages still round
  themselves) is written *exact* instead (``exact=True``: the shortest text that reads
  back as the same float, as Python prints it), so it reproduces its source;
* text is written as it is; a missing text value (not the same as an empty one) is
  :data:`MISSING_TEXT`;
* mixed columns (a projection's yes/no flags, which may be missing) are written one JSON
  value per cell (``true``, ``null``, ``NaN``, ``"text"``).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping

import numpy as np
import pandas as pd

from hwb.text.format import stable_decimal

#: significant digits of a float in a model file (:func:`hwb.text.format.stable_decimal`)
FLOAT_DIGITS = 8
#: how a missing text value is written (an empty cell is the empty text)
MISSING_TEXT = r"\N"

INT, FLOAT, BOOL, TEXT, MIXED = "int", "float", "bool", "text", "mixed"


def _kind(series: pd.Series) -> str:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return BOOL
    if pd.api.types.is_integer_dtype(dtype):
        return INT
    if pd.api.types.is_float_dtype(dtype):
        return FLOAT
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        return TEXT
    return MIXED


def table_bytes(frame: pd.DataFrame, exact: bool = False) -> tuple[bytes, list[list[str]]]:
    """``frame`` as CSV bytes (UTF-8, ``\\n`` line ends, no index) and its schema;
    floats to :data:`FLOAT_DIGITS` significant digits, or ``exact``."""
    out = pd.DataFrame(index=range(len(frame)))
    schema = []
    for column in frame.columns:
        values = frame[column].reset_index(drop=True)
        kind = _kind(values)
        schema.append([str(column), kind])
        if kind == TEXT:
            if values.eq(MISSING_TEXT).any():
                raise ValueError(
                    f"column {column!r} holds the text {MISSING_TEXT!r}, which marks a missing value"
                )
            values = values.astype(object).where(values.notna(), MISSING_TEXT)
        elif kind == FLOAT and not exact:
            values = values.map(_float_text).astype(object)
        elif kind == MIXED:
            values = values.map(lambda v: json.dumps(_plain(v), allow_nan=True))
        out[str(column)] = values.to_numpy() if len(values) else values.astype(object)
    text = out.to_csv(
        index=False,
        lineterminator="\n",
        na_rep="",
    )
    return text.encode("utf-8"), schema


def _float_text(value: float) -> str:
    """A float at :data:`FLOAT_DIGITS` significant digits, without trailing zeros or an
    exponent ("76", "0.33333333", "56989570"); a missing one as an empty cell."""
    if not np.isfinite(value):
        return "" if np.isnan(value) else repr(float(value))
    return format(stable_decimal(float(value), FLOAT_DIGITS).normalize(), "f")


def _plain(value):
    """A mixed column's cell as a JSON value (NumPy scalars as Python's; a finite float at
    :data:`FLOAT_DIGITS` significant digits, as in a float column)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isfinite(value):
        return float(stable_decimal(value, FLOAT_DIGITS))
    return value


def read_table(data: bytes, schema: list[list[str]]) -> pd.DataFrame:
    """The frame :func:`table_bytes` wrote as ``data``, with ``schema``'s columns and kinds."""
    if not schema:
        return pd.DataFrame()
    raw = pd.read_csv(
        io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8"
    )
    columns = {}
    for column, kind in schema:
        text = raw[column].astype(object)
        if kind == FLOAT:
            columns[column] = pd.to_numeric(text.replace("", np.nan)).astype("float64")
        elif kind == INT:
            columns[column] = text.astype("int64")
        elif kind == BOOL:
            columns[column] = text.map({"True": True, "False": False}).astype(bool)
        elif kind == TEXT:
            columns[column] = text.where(text != MISSING_TEXT, np.nan).astype("str")
        elif kind == MIXED:
            columns[column] = text.map(json.loads).astype(object)
        else:
            raise ValueError(f"column {column!r}: unknown kind {kind!r}")
    return pd.DataFrame(columns, index=pd.RangeIndex(len(raw)))


class Tables(Mapping):
    """A model's tables by name, each read from its CSV bytes when first asked for: a page
    parses only the tables it shows (the overview, of 300 models, no series), and the model
    step, which only writes them, parses none."""

    def __init__(self, files: Mapping[str, tuple[bytes, list]]) -> None:
        self._files = dict(files)
        self._read: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._read:
            data, schema = self._files[name]
            self._read[name] = read_table(data, schema)
        return self._read[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)
