"""Reading YAML: PyYAML's C parser (libyaml) when the installed wheel has it.

The pure-Python parser takes ~22 ms for the snapshot manifest (libyaml ~3 ms), and
every pack reads the manifest twice, the catalogue and its parameters; libyaml builds
the same objects. Only the safe subset of YAML is ever read.
"""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """Parse ``text`` as safe YAML (as :func:`yaml.safe_load`, faster)."""
    return yaml.load(text, Loader=SafeLoader)
