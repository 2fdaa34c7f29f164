"""Keep a slow optional import out of the build's worker processes.

Importing ``jsonschema`` (pulled in by nbformat, so by Papermill and MyST-NB) also
imports ``rfc3987_syntax`` when it is installed, to offer the optional "iri" format
check; that module compiles a Lark grammar on import, about 1 s of CPU per process.
Nothing here checks formats (nbformat validates a notebook's structure only), so the
processes that render pages or build the book mark the module absent before their
first import of jsonschema. jsonschema then simply has no "iri" checker.
"""

from __future__ import annotations

import sys

SKIPPED = ("rfc3987_syntax",)


def skip_unused_format_checkers() -> None:
    """Mark :data:`SKIPPED` absent (``import`` raises ImportError) unless already imported."""
    for name in SKIPPED:
        sys.modules.setdefault(name, None)
