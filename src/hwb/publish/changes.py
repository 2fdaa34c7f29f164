""" "What changed in this release": compare two snapshots, per district, and write the book page.

``hwb changes OLD NEW`` loads both snapshots with :func:`hwb.data.load.load_snapshot`,
takes each district's latest value of every indicator breakdown (no category splits), and
reports, per district:

* **new period** — NEW has a later period than OLD (or the breakdown is newly published);
* **significance** — the comparison with England changed (e.g. Similar → Worse), using
  :func:`hwb.stats.benchmark.benchmark_against_england` and the catalogue's polarity;
* **trend** — the recent trend changed (Fingertips' published trend, or where a snapshot
  has none, :func:`hwb.stats.trend.recent_trend` over its last five points);
* **outside old interval** — the latest value now lies outside the 95% interval of the
  latest value in OLD (a revision if the period is the same, a real move if it is new).

The page is deterministic: same two snapshots, same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from hwb import paths
from hwb.render import atomic

PAGE = paths.BOOK / "changes.md"
KEY = ["indicator_id", "area_code", "sex", "age"]
KINDS = ("new period", "significance", "trend", "outside old interval")
_NOT_CALCULATED = {"", "Cannot be calculated", "Not calculated"}


@dataclass(frozen=True)
class Release:
    """One snapshot as the page describes it."""

    label: str  # what the reader sees, e.g. "Fingertips data fetched 2026-01-15"
    frame: pd.DataFrame


def describe_snapshot(source: Path) -> str:
    """A short reader-facing name for a snapshot: its title or file name, date and hash prefix."""
    from hwb.data.load import load_manifest
    from hwb.data.snapshot import snapshot_sha256

    manifest = load_manifest(source)
    title = manifest.get("title") or Path(source).name
    date = manifest.get("date_fetched")
    return (
        f"{title}"
        + (f", fetched {date}" if date else "")
        + f" (sha256 {snapshot_sha256(manifest)[:12]})"
    )


def _polarity_and_types():
    try:
        from hwb.data.catalogue import load_catalogue

        return load_catalogue()
    except Exception:  # noqa: BLE001 - no catalogue: compare without a judgement of good or bad
        return None


def _headline(frame: pd.DataFrame, area_codes: list[str], england: str) -> pd.DataFrame:
    rows = frame[(frame["category_type"] == "") & frame["area_code"].isin([*area_codes, england])]
    return rows.sort_values([*KEY, "period_sortable"], kind="stable")


def _trend_labels(rows: pd.DataFrame, catalogue) -> pd.Series:
    """Latest recent-trend label per KEY: published where given, else calculated."""
    latest = rows.groupby(KEY, sort=True).tail(1).set_index(KEY)["recent_trend"].astype(str)
    missing = latest[latest.isin(_NOT_CALCULATED)].index
    if len(missing) == 0:
        return latest
    from hwb.stats.trend import recent_trend, trend_kind

    computed = {}
    subset = rows.set_index(KEY).loc[missing].reset_index()
    for indicator_id, group in subset.groupby("indicator_id", sort=True):
        value_type, polarity = "other", "no_judgement"
        if catalogue is not None and indicator_id in catalogue.index:
            value_type = trend_kind(catalogue.at[indicator_id, "value_type"])
            polarity = catalogue.at[indicator_id, "polarity"]
        result = recent_trend(group, group_cols=KEY, value_type=value_type, polarity=polarity)
        for record in result.to_dict("records"):
            computed[tuple(record[k] for k in KEY)] = str(record["recent_trend"])
    filled = latest.copy()
    for key in missing:
        filled.loc[key] = computed.get(key, "")
    return filled


def _latest(frame: pd.DataFrame, area_codes: list[str], england: str, catalogue) -> pd.DataFrame:
    """One row per (indicator, district, sex, age): the latest period, its England comparison and trend."""
    from hwb.stats.benchmark import benchmark_against_england

    rows = _headline(frame, area_codes, england)
    polarity = catalogue if catalogue is not None else "no_judgement"
    compared = benchmark_against_england(rows, polarity=polarity, england_code=england)
    compared = compared[compared["area_code"].isin(area_codes)]
    latest = compared.groupby(KEY, sort=True).tail(1).set_index(KEY)
    trends = _trend_labels(rows[rows["area_code"].isin(area_codes)], catalogue)
    latest["trend"] = trends.reindex(latest.index).fillna("")
    return latest


def _fmt(value: float) -> str:
    from hwb.text import format as fmt

    if pd.isna(value):
        return "no value"
    return fmt.number(value, decimals=1 if abs(value) >= 10 else 2)


def compare_releases(
    old: pd.DataFrame,
    new: pd.DataFrame,
    districts: list | None = None,
    england_code: str = "E92000001",
) -> pd.DataFrame:
    """Every change between two tidy frames for the given districts (default: all 12).

    Returns one row per change with ``district`` (name), ``slug``, ``indicator_id``,
    ``indicator`` (name, with sex/age when not the whole population), ``kind`` (one of
    :data:`KINDS`), ``before`` and ``now`` (reader-facing text), sorted for the page.
    """
    from hwb import params

    districts = districts or params.load_all()
    by_code = {d.ons_code: d for d in districts}
    codes = sorted(by_code)
    catalogue = _polarity_and_types()
    before = _latest(old, codes, england_code, catalogue)
    now = _latest(new, codes, england_code, catalogue)
    changes = []
    for key, row in now.iterrows():
        indicator_id, area_code, sex, age = key
        district = by_code[area_code]
        name = str(row["indicator_name"])
        if sex not in ("Persons", "Not applicable") or age != "All ages":
            name += f" ({sex}, {age})"

        def add(
            kind: str,
            was: str,
            is_now: str,
            district=district,
            indicator_id=indicator_id,
            name=name,
        ) -> None:
            changes.append(
                {
                    "district": district.name,
                    "slug": district.slug,
                    "indicator_id": int(indicator_id),
                    "indicator": name,
                    "kind": kind,
                    "before": was,
                    "now": is_now,
                }
            )

        if key not in before.index:
            add("new period", "not published", f"{row['period']}: {_fmt(row['value'])}")
            continue
        was = before.loc[key]
        if row["period_sortable"] > was["period_sortable"]:
            add(
                "new period",
                f"{was['period']}: {_fmt(was['value'])}",
                f"{row['period']}: {_fmt(row['value'])}",
            )
        if row["comparison"] != was["comparison"]:
            add(
                "significance",
                f"{was['comparison']} ({was['period']})",
                f"{row['comparison']} ({row['period']})",
            )
        if row["trend"] != was["trend"] and not (
            row["trend"] in _NOT_CALCULATED and was["trend"] in _NOT_CALCULATED
        ):
            add("trend", was["trend"] or "not calculated", row["trend"] or "not calculated")
        low, high = was["lower_95"], was["upper_95"]
        if (
            pd.notna(row["value"])
            and pd.notna(low)
            and pd.notna(high)
            and not (low <= row["value"] <= high)
        ):
            how = "revised" if row["period"] == was["period"] else "moved"
            add(
                "outside old interval",
                f"{was['period']}: {_fmt(was['value'])} (95% CI {_fmt(low)} to {_fmt(high)})",
                f"{row['period']}: {_fmt(row['value'])} ({how})",
            )
    columns = ["district", "slug", "indicator_id", "indicator", "kind", "before", "now"]
    frame = pd.DataFrame(changes, columns=columns)
    order = {kind: i for i, kind in enumerate(KINDS)}
    frame["_kind"] = frame["kind"].map(order)
    frame = frame.sort_values(["district", "indicator", "indicator_id", "_kind"], kind="stable")
    return frame.drop(columns="_kind").reset_index(drop=True)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_page(changes: pd.DataFrame, old_label: str, new_label: str, districts: list) -> str:
    """The "What changed in this release" page as MyST Markdown."""
    lines = [
        "# What changed in this release",
        "",
        "This page compares the data in this release with the previous one.",
        "",
        f"- **Previous release:** {old_label}",
        f"- **This release:** {new_label}",
        "",
        "For each district it lists the indicators that have a newer time period, whose",
        "comparison with England changed (for example from *Similar* to *Worse*), whose recent",
        "trend changed, or whose latest value lies outside the 95% confidence interval of the",
        "previous release's latest value.",
        "",
        "## Summary",
        "",
        "| District | New period | Comparison with England changed | Trend changed | Outside old interval |",
        "|---|---:|---:|---:|---:|",
    ]
    for district in sorted(districts, key=lambda d: d.name):
        mine = changes[changes["slug"] == district.slug]
        counts = [int((mine["kind"] == kind).sum()) for kind in KINDS]
        lines.append(
            f"| [{district.name}](#{district.slug}-changes) | "
            + " | ".join(map(str, counts))
            + " |"
        )
    for district in sorted(districts, key=lambda d: d.name):
        mine = changes[changes["slug"] == district.slug]
        lines += ["", f"({district.slug}-changes)=", f"## {district.name}", ""]
        if mine.empty:
            lines.append("No indicator changed between these releases.")
            continue
        lines += ["| Indicator | What changed | Before | Now |", "|---|---|---|---|"]
        for record in mine.to_dict("records"):
            lines.append(
                f"| {_cell(record['indicator'])} | {record['kind']} "
                f"| {_cell(record['before'])} | {_cell(record['now'])} |"
            )
    return "\n".join(lines) + "\n"


def write_changes_page(
    old_source: Path, new_source: Path, output: Path | None = None, districts: list | None = None
) -> Path:
    """Compare two snapshots (folders or Fingertips CSVs) and write the page (default ``book/changes.md``)."""
    from hwb import params
    from hwb.data.load import load_snapshot

    districts = districts or params.load_all()
    old = load_snapshot(old_source)
    new = load_snapshot(new_source)
    changes = compare_releases(old, new, districts)
    text = render_page(
        changes, describe_snapshot(old_source), describe_snapshot(new_source), districts
    )
    output = Path(output or PAGE)
    atomic.write_text(output, text)
    return output
