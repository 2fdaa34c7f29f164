"""Plain-English list wording shared by every layer (statistics' reasons, pages, messages).

A foundation module like :mod:`hwb.paths` and :mod:`hwb.errors`: it imports nothing of
:mod:`hwb`, so the statistics layer can word its reasons without depending on the text layer.
"""

from __future__ import annotations


def join_words(items: list[str], conjunction: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
