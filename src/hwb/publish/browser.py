"""Headless Debian Chromium driven by Playwright for Python.

Playwright cannot download its own browser here, so we drive the system package
(``/usr/bin/chromium``, installed by ``make test-prerequisites``) with the flags that work
on these machines (see TOOLCHAIN.md). Nothing the browser does reaches the network:
background networking, component updates and sync are off.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from hwb.errors import HwbError

CHROMIUM = Path(os.environ.get("HWB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
    "--font-render-hinting=none",
)


def chromium_path() -> Path:
    """The Chromium binary, or a :class:`HwbError` saying how to install it."""
    if CHROMIUM.is_file():
        return CHROMIUM
    found = shutil.which("chromium")
    if found:
        return Path(found)
    raise HwbError(
        f"Chromium is not installed ({CHROMIUM} is missing); run `make test-prerequisites` "
        "(it runs `apt-get install -y chromium`), or set HWB_CHROMIUM to a Chromium binary."
    )


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A launched headless Chromium (a Playwright ``Browser``), closed on exit."""
    from playwright.sync_api import sync_playwright

    binary = chromium_path()
    # Playwright gives each launch its own throwaway profile (it refuses --user-data-dir).
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(binary), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()
