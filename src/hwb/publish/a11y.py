"""Accessibility checks with axe-core (from npm, ``node_modules/axe-core``) inside Chromium.

:func:`run_axe` injects axe into an open Playwright page and runs the WCAG 2.0/2.1/2.2
A and AA rules; :func:`serious` keeps the violations that block people (impact
"serious" or "critical"); :func:`write_report` saves every page's results as JSON and
returns a readable summary.
"""

from __future__ import annotations

import json
from pathlib import Path

from hwb import paths
from hwb.errors import HwbError

AXE_SCRIPT = paths.ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")
REPORT = paths.BUILD / "a11y-report.json"


def axe_source() -> str:
    """axe-core's script, or a :class:`HwbError` saying how to install it."""
    if not AXE_SCRIPT.is_file():
        raise HwbError(
            f"axe-core is not installed ({AXE_SCRIPT} is missing); run `make test-prerequisites` (npm ci)"
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")


def run_axe(page, tags: list[str] | None = None) -> dict:
    """Run axe-core on the page's current document; return its results (violations, passes, ...)."""
    page.evaluate(axe_source())
    options = {
        "runOnly": {"type": "tag", "values": tags or WCAG_22_AA},
        "resultTypes": ["violations"],
    }
    return page.evaluate("options => axe.run(document, options)", options)


def serious(results: dict) -> list[dict]:
    """The violations whose impact is serious or critical."""
    return [v for v in results.get("violations", []) if v.get("impact") in BLOCKING]


def _short(violation: dict) -> dict:
    return {
        "id": violation["id"],
        "impact": violation.get("impact"),
        "help": violation.get("help"),
        "helpUrl": violation.get("helpUrl"),
        "tags": violation.get("tags", []),
        "nodes": [
            {
                "target": n.get("target"),
                "html": n.get("html", "")[:300],
                "failureSummary": n.get("failureSummary"),
            }
            for n in violation.get("nodes", [])
        ],
    }


def write_report(results: dict[str, dict], path: Path | None = None) -> str:
    """Save {page: axe results} as JSON (violations only) and return a one-line-per-page summary."""
    path = Path(path or REPORT)
    report = {
        page: {
            "axe_version": res.get("testEngine", {}).get("version"),
            "url": res.get("url"),
            "violations": [_short(v) for v in res.get("violations", [])],
        }
        for page, res in sorted(results.items())
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    lines = [f"axe-core WCAG 2.2 AA report ({path}):"]
    for page, entry in report.items():
        counts = {}
        for v in entry["violations"]:
            counts[v["impact"]] = counts.get(v["impact"], 0) + 1
        found = (
            ", ".join(f"{n} {impact}" for impact, n in sorted(counts.items())) or "no violations"
        )
        lines.append(f"  {page}: {found}")
        for v in entry["violations"]:
            lines.append(
                f"    - [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} element(s))"
            )
    return "\n".join(lines)
