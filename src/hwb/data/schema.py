"""The declared shape of snapshot files and of the tidy frame the loader returns.

Two layers, one module:

* the Fingertips CSV layout (what is on disk): which headers must be present, which
  are numeric, and how each maps to a tidy column;
* the tidy frame contract (what every downstream module consumes), declared as a
  pandera schema so a frame can be checked anywhere with ``TIDY_SCHEMA.validate(df)``.

Area-code rules live here too: a code must be a well-formed ONS-style code for its
area type (districts E06-E09, counties E06/E08/E09/E10/E11, regions E12, England
E92000001); other area types only need a plausible code.
"""

from __future__ import annotations

import re

import pandera.pandas as pa

# Fingertips download header -> tidy column. Both layout vintages carry these; the
# newer one adds "Time period range" at the end (ignored, it repeats the period).
FINGERTIPS_COLUMNS: dict[str, str] = {
    "Indicator ID": "indicator_id",
    "Indicator Name": "indicator_name",
    "Parent Code": "parent_code",
    "Area Code": "area_code",
    "Area Name": "area_name",
    "Area Type": "area_type",
    "Sex": "sex",
    "Age": "age",
    "Category Type": "category_type",
    "Category": "category",
    "Time period": "period",
    "Value": "value",
    "Lower CI 95.0 limit": "lower_95",
    "Upper CI 95.0 limit": "upper_95",
    "Lower CI 99.8 limit": "lower_998",
    "Upper CI 99.8 limit": "upper_998",
    "Count": "count",
    "Denominator": "denominator",
    "Value note": "value_note",
    "Recent Trend": "recent_trend",
    "Time period Sortable": "period_sortable",
}
REQUIRED_HEADERS: tuple[str, ...] = tuple(FINGERTIPS_COLUMNS)
# Optional headers: read when present, an empty cell otherwise. Fingertips' own published
# comparison with England is what a page shows for a value published without limits.
OPTIONAL_COLUMNS: dict[str, str] = {
    "Compared to England value or percentiles": "compared_england",
}
# The labels Fingertips publishes in "Compared to England value or percentiles"
# (interval methods; quintile methods; no comparison).
PUBLISHED_COMPARISONS: frozenset[str] = frozenset(
    {"Better", "Similar", "Worse", "Higher", "Lower", "Not compared", "Cannot be calculated", ""}
    | {f"{q} quintile" for q in ("Lowest", "Low", "Middle", "High", "Highest")}
    | {f"{q} quintile" for q in ("Best", "Better", "Worse", "Worst")}
)

# The full header of each vintage, in order, as Fingertips writes it (the demo and the
# live client write the newer one). The "Compared to ..." headers vary by parent type.
LAYOUT_26 = (
    "Indicator ID",
    "Indicator Name",
    "Parent Code",
    "Parent Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
    "Value",
    "Lower CI 95.0 limit",
    "Upper CI 95.0 limit",
    "Lower CI 99.8 limit",
    "Upper CI 99.8 limit",
    "Count",
    "Denominator",
    "Value note",
    "Recent Trend",
    "Compared to England value or percentiles",
    "Compared to Region value or percentiles",
    "Time period Sortable",
    "New data",
    "Compared to goal",
)
LAYOUT_27 = LAYOUT_26 + ("Time period range",)

NUMERIC_COLUMNS: tuple[str, ...] = (
    "value",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "count",
    "denominator",
)
#: a row's value with its limits, count and denominator, and the note beside it: the value
#: columns every table of the model (headline, numbers) and the pack's downloads carry
VALUE_COLUMNS: tuple[str, ...] = (*NUMERIC_COLUMNS, "value_note")
TEXT_COLUMNS: tuple[str, ...] = (
    "indicator_name",
    "area_code",
    "area_name",
    "area_type",
    "sex",
    "age",
    "category_type",
    "category",
    "period",
    "value_note",
    "recent_trend",
    "compared_england",
)
TIDY_COLUMNS: tuple[str, ...] = (
    "indicator_id",
    "indicator_name",
    "area_code",
    "area_name",
    "area_type",
    "parent_code",
    "sex",
    "age",
    "category_type",
    "category",
    "period",
    "period_sortable",
    "year",
    *VALUE_COLUMNS,
    "recent_trend",
    "compared_england",
    "source_file",
)
# One row per key; a second row with the same key is a duplicate.
ROW_KEY: tuple[str, ...] = (
    "indicator_id",
    "area_code",
    "sex",
    "age",
    "category_type",
    "category",
    "period",
)
SEXES: frozenset[str] = frozenset({"Persons", "Male", "Female", "Not applicable"})

# Area-code rules, matched on the lower-cased area type (first match wins).
_ONS = r"[EWSNK]\d{8}"
AREA_CODE_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "district",
        re.compile(r"^E0[6-9]\d{6}$"),
        "a district/UA code E06…, E07…, E08… or E09… (9 characters)",
    ),
    (
        "county",
        re.compile(r"^E(06|08|09|10|11)\d{6}$"),
        "a county/UA code E06…, E08…, E09…, E10… or E11… (9 characters)",
    ),
    ("region", re.compile(r"^E12\d{6}$"), "a region code E12… (9 characters)"),
    ("england", re.compile(r"^E92000001$"), "E92000001"),
    ("country", re.compile(rf"^{_ONS}$"), "an ONS country code such as E92000001"),
)
GENERIC_AREA_CODE = re.compile(r"^[A-Z][A-Z0-9]{2,11}$")
GENERIC_AREA_CODE_HINT = "an upper-case area code such as E38000014 or A81001"


def area_code_rule(area_type: str) -> tuple[re.Pattern[str], str]:
    """The pattern an area code must match for ``area_type``, and how to describe it."""
    lowered = area_type.lower()
    for word, pattern, hint in AREA_CODE_RULES:
        if word in lowered:
            return pattern, hint
    return GENERIC_AREA_CODE, GENERIC_AREA_CODE_HINT


def _text(nullable: bool = False) -> pa.Column:
    return pa.Column(str, nullable=nullable)


TIDY_SCHEMA = pa.DataFrameSchema(
    {
        "indicator_id": pa.Column("int64", pa.Check.gt(0)),
        "indicator_name": _text(),
        "area_code": pa.Column(str, pa.Check.str_length(min_value=1)),
        "area_name": _text(),
        "area_type": _text(),
        "parent_code": pa.Column(str, nullable=True),
        "sex": pa.Column(str, pa.Check.isin(sorted(SEXES))),
        "age": _text(),
        "category_type": _text(),
        "category": _text(),
        "period": pa.Column(str, pa.Check.str_length(min_value=1)),
        "period_sortable": pa.Column("int64"),
        "year": pa.Column("int64", pa.Check.in_range(1900, 2100)),
        **{name: pa.Column("float64", nullable=True) for name in NUMERIC_COLUMNS},
        "value_note": _text(),
        "recent_trend": _text(),
        "compared_england": _text(),
        "source_file": _text(),
    },
    strict=True,
    ordered=True,
    coerce=False,
    name="hwb tidy frame",
)
