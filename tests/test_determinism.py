"""Rules that keep pages the same bytes on any machine, checked over the whole library.

numpy's default sort (``quicksort``) hands equal keys to SIMD sorting networks whose order
for ties depends on the CPU (AVX2 and AVX-512 differ): two districts with the same
published value then swap places in a chart and its alt text on another machine. Every
sort in ``src/hwb`` is therefore stable, so ties keep the order the data came in.
"""

from __future__ import annotations

import ast
from pathlib import Path

from hwb import paths

STABLE = {"stable", "mergesort"}
SORTS = {"sort_values", "sort_index", "argsort", "sort"}


def _unstable_sorts(source: str, name: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in SORTS:
            continue
        if node.func.attr == "sort" and not node.args:  # list.sort(): stable by definition
            continue
        kind = next((k.value for k in node.keywords if k.arg == "kind"), None)
        if not (isinstance(kind, ast.Constant) and kind.value in STABLE):
            found.append(f"{name}:{node.lineno}: .{node.func.attr}(…) without kind='stable'")
    return found


def test_every_sort_in_the_library_is_stable():
    problems = []
    for path in sorted(Path(paths.SRC).rglob("*.py")):
        problems += _unstable_sorts(path.read_text(encoding="utf-8"), str(path))
    assert problems == []


def test_the_check_finds_an_unstable_sort():
    assert _unstable_sorts("frame.sort_values('value')\nnp.argsort(x)\n", "x.py") == [
        "x.py:1: .sort_values(…) without kind='stable'",
        "x.py:2: .argsort(…) without kind='stable'",
    ]
    assert _unstable_sorts("frame.sort_values('v', kind='stable')\nitems.sort()\n", "x") == []
