"""Make an executed notebook's bytes depend only on its inputs.

Two Papermill runs of the same inputs differ in per-cell and per-notebook timings,
nbclient's execution timestamps, the injected cell's random id and the input/output
paths. We drop those, give cells stable book-unique ids (``<slug>-<n>``), hide the
parameter cells from readers, and substitute the district's validated names into the
template's markdown (a Jupyter Book page title must be a real markdown H1).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # nbformat takes ~1 s to import; a no-op build never needs it
    import nbformat

HIDDEN_TAGS = ("parameters", "injected-parameters")
REMOVE_TAG = "remove-cell"
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
_PAPERMILL_KEEP = ("parameters", "version")
# IPython names a cell's code file /tmp/ipykernel_<pid>/<hash>.py: the pid changes every run.
_KERNEL_PID = re.compile(r"ipykernel_\d+/")
# Python's default repr names a memory address ("<Line2D at 0x7f…>"): different every run.
_ADDRESS = re.compile(r" at 0x[0-9a-f]{6,16}>")


def fill_markdown(nb: nbformat.NotebookNode, values: Mapping[str, Any]) -> None:
    """Replace ``{{ key }}`` in markdown cells with ``values[key]`` (an unknown key is an error)."""

    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise KeyError(
                f"template markdown uses '{{{{ {key} }}}}' but no parameter '{key}' exists; "
                f"known: {', '.join(sorted(values))}"
            )
        return str(values[key])

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _PLACEHOLDER.sub(substitute, cell.source)


def normalise(nb: nbformat.NotebookNode, slug: str) -> nbformat.NotebookNode:
    """Strip run-dependent metadata in place and return the notebook."""
    papermill = nb.metadata.get("papermill", {})
    nb.metadata["papermill"] = {k: papermill[k] for k in _PAPERMILL_KEEP if k in papermill}
    nb.metadata.pop("widgets", None)
    for index, cell in enumerate(nb.cells):
        cell.id = f"{slug}-{index}"
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        tags = list(cell.metadata.get("tags", []))
        if any(t in tags for t in HIDDEN_TAGS) and REMOVE_TAG not in tags:
            tags.append(REMOVE_TAG)
        if tags:
            cell.metadata["tags"] = tags
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                output.get("metadata", {}).pop("execution", None)
                _strip_kernel_pid(output)
    nb.nbformat_minor = max(nb.get("nbformat_minor", 5), 5)
    return nb


def _stable_text(text: str) -> str:
    return _ADDRESS.sub(">", _KERNEL_PID.sub("ipykernel/", text))


def _strip_kernel_pid(output: nbformat.NotebookNode) -> None:
    """Drop process ids and memory addresses from text outputs (they change every run)."""
    kind = output.get("output_type")
    if kind == "stream":
        output["text"] = _stable_text(output["text"])
    elif kind == "error":
        output["traceback"] = [_stable_text(line) for line in output["traceback"]]
    elif kind in ("execute_result", "display_data"):
        plain = output.get("data", {}).get("text/plain")
        if isinstance(plain, str):
            output["data"]["text/plain"] = _stable_text(plain)


def dumps(nb: nbformat.NotebookNode) -> str:
    """Serialise with a fixed layout (sorted keys, one-space indent, trailing newline)."""
    import nbformat

    return nbformat.writes(nb, version=4) + "\n"
