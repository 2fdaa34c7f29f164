"""The pack template's cells are the one list of sections (hwb.pages.sections.PACK_SECTIONS)."""

from __future__ import annotations

import re

import hwb.pages as hp
from hwb import paths
from hwb.pages import partnership_sections as ps
from hwb.pages.sections import PACK_SECTIONS

CALL = re.compile(r"^(hp|ps)\.([a-z_]+)\((.*)\)$")
CELL = re.compile(r"```\{code-cell\}[^\n]*\n(.*?)```", flags=re.DOTALL)


def _template_sections() -> list[tuple[str, str]]:
    """(heading, call) for each code cell of the pack template that calls a section, with
    the last heading above it (a markdown ``#`` line, or a ``{{ …_heading }}`` placeholder that
    the partnership's parameters fill with one)."""
    text = (paths.NOTEBOOKS / "district_pack.md").read_text(encoding="utf-8")
    found, heading, at = [], "", 0
    for cell in CELL.finditer(text):
        for line in text[at : cell.start()].splitlines():
            if line.startswith("#") or re.fullmatch(r"\{\{ \w+_heading \}\}", line.strip()):
                heading = line.strip()
        at = cell.end()
        calls = [line.strip() for line in cell.group(1).splitlines() if CALL.match(line.strip())]
        if calls:
            found.append((heading, calls[-1]))
    return found


def test_the_template_calls_each_section_in_the_listed_order_under_its_heading():
    assert _template_sections() == list(PACK_SECTIONS)


def test_every_listed_section_is_a_function():
    for _, call in PACK_SECTIONS:
        module, name, _ = CALL.match(call).groups()
        assert callable(getattr({"hp": hp, "ps": ps}[module], name)), call
