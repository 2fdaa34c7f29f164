"""The run manifest, ``build/run-manifest.json``: what ran, why, how long it took, with
the versions and hashes involved (written by :func:`hwb.render.pipeline.record`; the book
step adds its own timing with :func:`update_run_manifest`)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from hwb import paths
from hwb.render import atomic
from hwb.render.execute import display_path

RUN_MANIFEST = "run-manifest.json"


def versions() -> dict[str, str]:
    """Versions of the tools that shape a rendered page."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": sys.version.split()[0]}
    for name in (
        "lancashire-hwb",
        "papermill",
        "nbclient",
        "nbformat",
        "ipykernel",
        "jupyter-book",
        "pandas",
        "numpy",
        "matplotlib",
        "dask",
        "distributed",
    ):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found


def write_run_manifest(jobs, results, decisions, printer, seconds, **settings) -> Path:
    """``build/run-manifest.json``: what ran, why, how long, with versions and hashes."""
    extra = settings.pop("extra", None) or {}
    pages = []
    for job, result in zip(jobs, results, strict=False):
        fingerprint = decisions[job.output].fingerprint
        pages.append(
            {
                "slug": job.slug,
                "template": display_path(job.template),
                "output": display_path(job.output),
                "status": result.status,
                "action": result.action,
                "reasons": result.reasons,
                "seconds": round(result.seconds, 3),
                "message": result.message,
                "execution_key": fingerprint.execution_key,
                "render_key": fingerprint.render_key,
                "parts": fingerprint.parts,
                "data_files": fingerprint.files,
            }
        )
    manifest = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seconds": round(seconds, 3),
        "settings": settings,
        "versions": versions(),
        "shared_hashes": {k: v for k, v in printer.shared.items() if k != "python"},
        "counts": {
            status: sum(r.status == status for r in results)
            for status in ("rendered", "cached", "failed")
        },
        "pages": pages,
        **extra,
    }
    path = paths.BUILD / RUN_MANIFEST
    atomic.write_text(path, json.dumps(manifest, indent=1, default=str) + "\n")
    return path


def update_run_manifest(**fields: Any) -> None:
    """Add fields (e.g. the book build) to the last run manifest."""
    path = paths.BUILD / RUN_MANIFEST
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return
    manifest.update(fields)
    atomic.write_text(path, json.dumps(manifest, indent=1, default=str) + "\n")
