"""About this data: sources, periods, licence, what is missing and why, downloads."""

from __future__ import annotations

import pandas as pd

from hwb.data.snapshot import provenance_text
from hwb.pages import display as d
from hwb.pages.model import OK, Pack

#: the catalogue roles of the life expectancy section's measures (and the SII beside them)
from hwb.pages.sections.common import styled_table
from hwb.pages.sections.downloads import download_all
from hwb.text import format as fmt


def about(pack: Pack) -> d.Html:
    """Sources, periods, licence and snapshot hash from the manifest; what is missing and why."""
    m = pack.manifest
    files = m.get("files", [])
    facts = [
        ("Source", provenance_text(m)),
        ("Demonstration data", "Yes — not official statistics" if pack.synthetic else "No"),
        ("Snapshot", pack.snapshot),
        (
            "Files and SHA-256",
            "; ".join(f"{f.get('name')}: {str(f.get('sha256', ''))[:16]}…" for f in files),
        ),
        ("Licence", str(m.get("licence") or "Open Government Licence v3.0 (OHID Fingertips)")),
    ]
    ok = pack.headline[pack.headline["status"] == OK]
    if len(ok):
        periods = sorted(set(ok["period"]), key=str)
        facts.append(
            (
                "Latest periods shown",
                f"{periods[0]} to {periods[-1]} (each indicator's own latest period)",
            )
        )
    for note in pack.frame.attrs.get("dropped_rows", []):
        facts.append(("Rows left out at load", str(note)))
    held = pack.frame.attrs.get("quarantined", [])
    if held:
        facts.append(
            (
                "Rows quarantined at load",
                f"{len(held)} row(s) failed validation and are left out; listed below",
            )
        )
    facts_table = pd.DataFrame(facts, columns=["", "Detail"])
    parts = [d.Html(styled_table(facts_table), "About this data")]
    missing = pack.headline[pack.headline["status"] != OK].drop_duplicates("indicator_id")
    if len(missing):
        reasons = snapshot_gaps(pack.manifest)
        words = missing["status"].map(_STATUS_WORDS).fillna(missing["status"])
        words = [
            f"{w} ({reasons[int(i)]})" if int(i) in reasons else w
            for i, w in zip(missing["indicator_id"], words, strict=False)
        ]
        why = pd.DataFrame(
            {
                "Indicator": missing["short_name"],
                "Programme": missing["programme"],
                "Why it is not shown": words,
            }
        )
        parts.append(
            d.paragraph(f"{len(missing)} catalogue indicators have no value for {pack.name} here:")
        )
        parts.append(
            d.Html(
                d.details(f"Show the {len(missing)} indicators not available", styled_table(why)),
                "",
            )
        )
    if held:
        listed = pd.DataFrame(
            {
                "Where": [f"{f['file']}, line {f['line']}, column '{f['column']}'" for f in held],
                "Why it was left out": [
                    f["reason"] + (f" (found {f['found']!r})" if f.get("found") else "")
                    for f in held
                ],
            }
        )
        parts.append(
            d.Html(d.details(f"Show the {len(held)} quarantined rows", styled_table(listed)), "")
        )
    listed = source_list(pack)
    if len(listed):
        parts.append(
            d.paragraph(
                f"The {fmt.plural(len(listed), 'public source')} this snapshot was assembled from, "
                "each with its licence and the dates its data cover (from the snapshot's manifest):"
            )
        )
        parts.append(
            d.Html(
                d.details(f"Show the {len(listed)} sources", styled_table(listed)),
                "Sources, licences and dates",
            )
        )
    sources = source_table(pack)
    if len(sources):
        parts.append(d.paragraph("Where each indicator comes from (the snapshot's manifest):"))
        parts.append(
            d.Html(
                d.details(f"Show the sources of {len(sources)} indicators", styled_table(sources)),
                "",
            )
        )
    parts.append(download_all(pack))
    return d.join(parts)


def snapshot_gaps(manifest: dict) -> dict[int, str]:
    """Why the manifest says an indicator has no file: not in any public copy, or no data at that area type."""
    gaps = {}
    for key in ("not_in_snapshot", "no_data"):
        for entry in manifest.get(key) or []:
            gaps[int(entry["indicator_id"])] = str(entry.get("reason", "")).rstrip(".")
    return gaps


def source_list(pack: Pack) -> pd.DataFrame:
    """Every source the manifest names, once: its repository and commit, its licence, what
    it gives (indicators, or tables) and the dates its data cover (each file's latest period,
    or for a table its coverage)."""
    names = pack.catalogue["short_name"]
    found: dict[str, dict] = {}
    for entry in pack.manifest.get("files", []) or []:
        for origin in entry.get("origin") or []:
            key = str(origin.get("source") or origin.get("repository"))
            row = found.setdefault(
                key,
                {
                    "versions": {},
                    "licence": str(origin.get("licence", "")),
                    "gives": {},
                    "dates": {},
                },
            )
            row["versions"][f"{origin.get('repository')} @ {str(origin.get('commit'))[:12]}"] = 1
            for indicator_id in entry.get("indicators") or []:
                row["gives"][names.get(int(indicator_id), f"Indicator {indicator_id}")] = 1
            if not entry.get("indicators"):
                row["gives"][str(entry.get("name"))] = 1
            periods = entry.get("periods") or {}
            if periods.get("latest"):
                label = str(periods["latest"])
                if periods.get("earliest") and periods["earliest"] != periods["latest"]:
                    label = f"{periods['earliest']} to {label}"
                row["dates"][label] = 1
            elif entry.get("coverage"):
                row["dates"][str(entry["coverage"])] = 1
    rows = [
        {
            "Source": "; ".join(v["versions"]),
            "Licence": v["licence"],
            "Gives": "; ".join(v["gives"]),
            "Dates covered": "; ".join(v["dates"]),
        }
        for v in found.values()
    ]
    return pd.DataFrame(rows, columns=["Source", "Licence", "Gives", "Dates covered"])


def source_table(pack: Pack) -> pd.DataFrame:
    """Per indicator in the snapshot: its source repository and commit, why, and what was done."""
    names = pack.catalogue["short_name"]
    rows = []
    for entry in pack.manifest.get("files", []) or []:
        origins = entry.get("origin") or []
        if not origins:
            continue
        for indicator_id in entry.get("indicators") or []:
            rows.append(
                {
                    "Indicator": names.get(int(indicator_id), f"Indicator {indicator_id}"),
                    "Source": "; ".join(
                        f"{o['repository']} @ {str(o['commit'])[:12]} ({o['path']})"
                        for o in origins
                    ),
                    "Why this source": str(entry.get("why", "")),
                    "What was done": "; ".join(entry.get("processing") or []),
                }
            )
    return pd.DataFrame(rows, columns=["Indicator", "Source", "Why this source", "What was done"])


_STATUS_WORDS = {
    "not published for districts": "Fingertips publishes it for counties and unitary authorities only",
    "not in this snapshot": "not in this snapshot; `make data` fetches it from Fingertips",
    "no value for this district in the snapshot": "the snapshot has it for other areas but not this district",
    "suppressed": "the value is suppressed (small numbers) or not available",
}
