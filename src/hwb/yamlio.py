"""Reading YAML: PyYAML's C parser (libyaml) when the installed wheel has it.

The pure-Python parser takes ~0.14 s for a snapshot manifest, and every pack reads
the manifest, the catalogue and its parameters; libyaml is ~10x faster and builds
the same objects. Only the safe subset of YAML is ever read.
"""
from __future__ import annotations

from typing import Any

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAMLError = yaml.YAMLError


def safe_load(text: str) -> Any:
    """Parse ``text`` as safe YAML (as :func:`yaml.safe_load`, faster)."""
    return yaml.load(text, Loader=SafeLoader)
