"""Rows in the Fingertips download layout (27 columns, :data:`hwb.data.schema.LAYOUT_27`).

The area types a code belongs to, one row from named cells, the key that makes a row one
point of a series, the order rows are written in and their CSV bytes: what every reader of
:mod:`hwb.data.assemble.readers` writes into.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from hwb.data import schema
from hwb.data.assemble.sources import Row

DISTRICT_TYPE = "Districts & UAs (from Apr 2023)"
COUNTY_TYPE = "Counties & UAs (from Apr 2023)"
ENGLAND = "E92000001"
COMPARED = "Compared to England value or percentiles"

#: the cells that make a row one point of a series: no two rows of a file share them
KEY_HEADERS = (
    "Indicator ID",
    "Area Code",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
)


def area_type_of(code: str) -> str | None:
    """The Fingertips area type a code belongs to here, or None for areas left out."""
    if code == ENGLAND:
        return "England"
    if code[:3] in ("E06", "E07", "E08", "E09"):
        return DISTRICT_TYPE
    if code[:3] == "E10":
        return COUNTY_TYPE
    return None


def fingertips_row(entry, **cells: Any) -> Row:
    """One row in the 27-column layout from named cells."""
    row = dict.fromkeys(schema.LAYOUT_27, "")
    row.update(
        {
            "Indicator ID": str(int(entry.name)),
            "Indicator Name": entry["name"],
            "Parent Code": cells.get("parent", ""),
            "Area Code": cells["code"],
            "Area Name": cells["name"],
            "Area Type": cells["area_type"],
            "Sex": cells["sex"],
            "Age": cells["age"],
            "Category Type": cells.get("category_type", ""),
            "Category": cells.get("category", ""),
            "Time period": cells["period"],
            "Value": cells.get("value", ""),
            "Lower CI 95.0 limit": cells.get("lower", ""),
            "Upper CI 95.0 limit": cells.get("upper", ""),
            "Count": cells.get("count", ""),
            "Denominator": cells.get("denominator", ""),
            "Recent Trend": cells.get("trend", ""),
            COMPARED: cells.get("compared", ""),
            "Time period Sortable": f"{int(cells['sortable'])}0000",
            "Time period range": cells.get("period_range", ""),
        }
    )
    return row


_TYPE_ORDER = {"England": 0, COUNTY_TYPE: 1, DISTRICT_TYPE: 2}


def sorted_rows(rows: Iterable[Row]) -> list[Row]:
    """England first, then counties, then districts; within each by code, breakdown, period."""
    return sorted(
        rows,
        key=lambda r: (
            _TYPE_ORDER.get(r["Area Type"], 3),
            r["Area Type"],
            r["Area Code"],
            r["Sex"],
            r["Age"],
            r["Category Type"],
            r["Category"],
            r["Time period Sortable"],
            r["Time period"],
        ),
    )


def csv_bytes(rows: list[Row]) -> bytes:
    """The rows as CSV bytes in the 27-column layout (UTF-8, LF line ends, with a header)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(schema.LAYOUT_27), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
