"""The data layer: one pinned, validated snapshot in the Fingertips CSV layout.

Public entry points (imported lazily so ``import hwb.data`` stays cheap):

* :func:`hwb.data.load.load_snapshot` — the one loader, returns the tidy frame;
* :func:`hwb.data.load.load_manifest` — the snapshot's provenance;
* :func:`hwb.data.catalogue.load_catalogue` — the indicator catalogue;
* :func:`hwb.data.snapshot.is_synthetic` / :func:`hwb.data.snapshot.banner_text` — the demo banner.
"""

from __future__ import annotations

from typing import Any

__all__ = ["banner_text", "is_synthetic", "load_catalogue", "load_manifest", "load_snapshot"]

_WHERE = {
    "load_snapshot": "hwb.data.load",
    "load_manifest": "hwb.data.load",
    "load_catalogue": "hwb.data.catalogue",
    "is_synthetic": "hwb.data.snapshot",
    "banner_text": "hwb.data.snapshot",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'hwb.data' has no attribute {name!r}")
