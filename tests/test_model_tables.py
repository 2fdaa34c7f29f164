"""Typed CSV tables (hwb.model.tables): every kind of column reads back as written."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hwb.model.tables import MISSING_TEXT, read_table, table_bytes


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "whole": pd.Series([1, 2, 3], dtype="int64"),
            "float": [1.0 / 3.0, np.nan, 9.350000000000001],
            "flag": [True, False, True],
            "text": pd.Series(["a, b", "", np.nan], dtype="str"),
            "mixed": pd.Series([True, None, np.nan], dtype=object),
        }
    )


def test_every_kind_of_column_reads_back_with_its_dtype_and_missing_values():
    frame = _frame()
    data, schema = table_bytes(frame, exact=True)
    back = read_table(data, schema)
    assert [kind for _, kind in schema] == ["int", "float", "bool", "text", "mixed"]
    assert list(back.dtypes.astype(str)) == list(frame.dtypes.astype(str))
    pd.testing.assert_frame_equal(back, frame)
    # an empty text is not a missing one
    assert back.loc[1, "text"] == "" and pd.isna(back.loc[2, "text"])
    assert back.loc[1, "mixed"] is None and np.isnan(back.loc[2, "mixed"])


def test_floats_are_written_to_eight_significant_digits_unless_exact():
    frame = _frame()
    rounded, _ = table_bytes(frame)
    exact, _ = table_bytes(frame, exact=True)
    assert "0.33333333," in rounded.decode() and ",9.35," in rounded.decode()
    assert "0.3333333333333333," in exact.decode() and "9.350000000000001" in exact.decode()
    # the same numbers to their last bits give the same file
    nudged = frame.assign(float=frame["float"] * (1 + 1e-15))
    assert table_bytes(nudged)[0] == rounded


def test_the_text_that_marks_a_missing_value_is_refused():
    with pytest.raises(ValueError, match="marks a missing value"):
        table_bytes(pd.DataFrame({"text": pd.Series([MISSING_TEXT], dtype="str")}))


def test_an_empty_table_reads_back_empty():
    data, schema = table_bytes(pd.DataFrame())
    assert read_table(data, schema).empty


def test_tables_are_read_only_when_asked_for():
    from hwb.model.tables import Tables

    data, schema = table_bytes(_frame(), exact=True)
    tables = Tables({"good": (data, schema), "never read": (b"not, a\\table", [["x", "int"]])})
    assert sorted(tables) == ["good", "never read"] and len(tables) == 2
    pd.testing.assert_frame_equal(tables["good"], _frame())
    assert tables["good"] is tables["good"]  # read once
    with pytest.raises(KeyError):  # its bad bytes matter only when it is read
        tables["never read"]
