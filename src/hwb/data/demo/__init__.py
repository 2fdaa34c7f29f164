"""The seeded demonstration snapshot: realistic but synthetic Fingertips-layout data.

It serves the scale tests and benchmarks (``hwb data demo --areas N``); the shipped
snapshot is real (:mod:`hwb.data.assemble`). It is NOT derived from any real extract:
levels, spreads, trends and deprivation gradients are typical English values written down
in :mod:`~hwb.data.demo.specs` (``SPECS``), and the twelve districts get a deprivation
position that puts east Lancashire (Burnley, Hyndburn, Pendle, Preston, Rossendale) at the
deprived end and Ribble Valley, Fylde and South Ribble at the other.

Counts are drawn (binomial/Poisson) from each area's underlying level, then values and
confidence limits are computed from them by :mod:`hwb.stats` (the project's one
implementation of each method; see :func:`~hwb.data.demo.limits.add_limits`), so counts,
denominators, values and limits always agree: Wilson score limits for proportions (survey
proportions from an effective sample size), Byar's (exact Poisson below 10 events) for
crude rates, Dobson for directly standardised rates (a single effective age weight per
area). Life expectancy, SII and score limits are a demonstration approximation (value +/-
z x a standard error that shrinks with population), not a published method. The same seed
gives the same bytes (gzip with mtime 0, fixed row order), and each indicator draws from
its own random stream and goes to its own file (``fingertips_<id>.csv.gz``, as ``make
data`` writes), so changing one indicator changes only that file.

Contents: the 12 districts, Lancashire (E10000017) and England with 13 periods of every
catalogue indicator (the IMD 2019 score has its single period, as in Fingertips);
county-only indicators for Lancashire and England only; life expectancy by deprivation
decile (England and Lancashire by national district deciles, each district by deciles
within the area); population by sex and 5-year age band for the latest year; and
``n_comparators`` synthetic districts ("Demo District 001", codes E079xxxxx that cannot
clash with real ones) for the latest period of every district-level indicator.

The package's modules: :mod:`~hwb.data.demo.specs` (the areas and each indicator's
:class:`~hwb.data.demo.specs.Spec`), :mod:`~hwb.data.demo.builder` (the draws, row by row,
county aggregates, deciles and pyramids), :mod:`~hwb.data.demo.limits` (values and limits
from :mod:`hwb.stats`); this one writes the snapshot (:func:`write_demo_snapshot`).
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hwb import paths
from hwb.data import snapshot
from hwb.data.demo.builder import Builder
from hwb.data.demo.specs import COUNTY_TYPE, DISTRICT_TYPE

DEFAULT_SEED = 20240601
DEFAULT_COMPARATORS = 260


def _fmt(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    x = float(value)
    if math.isnan(x):
        return ""
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as Fingertips-layout CSV bytes (UTF-8, LF line ends, minimal quoting)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(frame.columns)
    for record in frame.itertuples(index=False, name=None):
        writer.writerow([_fmt(v) for v in record])
    return buffer.getvalue().encode("utf-8")


def build_demo_frame(
    seed: int = DEFAULT_SEED, n_comparators: int = DEFAULT_COMPARATORS
) -> pd.DataFrame:
    """The demonstration data as a Fingertips-layout frame (all columns text-ready)."""
    return Builder(seed, n_comparators).build()


def write_demo_snapshot(
    out: Path | str | None = None,
    *,
    seed: int = DEFAULT_SEED,
    n_comparators: int = DEFAULT_COMPARATORS,
) -> Path:
    """Generate the demonstration snapshot into ``out`` (default data/snapshot), replacing it whole.

    One gzip file per indicator, named as the live client names them
    (:func:`hwb.data.snapshot.indicator_file_name`), each with its own manifest entry.
    Writes to a temporary folder beside ``out``, validates it with the loader, then swaps
    it in, so a failure leaves the old snapshot untouched.
    """
    from hwb.data.load import load_snapshot

    target = Path(out) if out is not None else paths.SNAPSHOT
    frame = build_demo_frame(seed, n_comparators)
    with snapshot.staging_folder(target) as staging:
        files = []
        for iid, rows in frame.groupby("Indicator ID", sort=True):
            path = staging / snapshot.indicator_file_name(int(iid))
            path.write_bytes(snapshot.gzip_bytes(to_csv_bytes(rows)))
            files.append(snapshot.describe_file(path, rows))
        snapshot.write_manifest(staging, demo_manifest(frame, files, seed, n_comparators))
        load_snapshot(staging)  # refuse to install a snapshot the loader would reject
        snapshot.replace_folder(staging, target)
    return target


def demo_manifest(
    frame: pd.DataFrame, files: list[dict[str, Any]], seed: int, n_comparators: int
) -> dict[str, Any]:
    """The manifest of a demonstration snapshot (no timestamps: it must regenerate byte-identically).

    ``files`` are the per-indicator entries from :func:`hwb.data.snapshot.describe_file`.
    """
    command = (
        "hwb data demo"
        + ("" if seed == DEFAULT_SEED else f" --seed {seed}")
        + ("" if n_comparators == DEFAULT_COMPARATORS else f" --areas {n_comparators}")
    )
    return {
        "schema_version": 1,
        "synthetic": True,
        "title": "Demonstration snapshot (synthetic data in the Fingertips CSV layout)",
        "banner": snapshot.BANNER,
        "source": {
            "name": "hwb.data.demo (seeded generator)",
            "command": command,
            "seed": seed,
            "comparator_districts": n_comparators,
            "indicator_ids": sorted(int(i) for i in frame["Indicator ID"].unique()),
            "area_types": [DISTRICT_TYPE, COUNTY_TYPE, "England"],
            "note": (
                "Synthetic values with typical English levels and spreads; not derived from any real extract. "
                "Layout and indicator ids follow OHID Fingertips."
            ),
        },
        "date_fetched": None,
        "licence": "Synthetic data generated by this project (no third-party data).",
        "attribution": "Layout and indicator definitions follow OHID Fingertips (Open Government Licence v3.0).",
        "files": files,
    }
