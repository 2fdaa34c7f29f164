"""Publishing and review: PDFs, the served book, rendered-pack checks, release notes, provenance.

Modules: ``serve`` (the built book on 127.0.0.1), ``browser`` (headless Debian Chromium via
Playwright), ``pdf`` (A4 pack PDFs), ``rendered`` (check committed packs, nbdime diffs),
``changes`` (the "What changed" page), ``reproducibility`` (the build's provenance page),
``sphinx_ext`` (book-build hooks: PDF links, the reproducibility page). Heavy imports stay
inside functions.
"""
