"""Re-render a page after a markdown-only template edit, without running a kernel.

When a template's code cells, the parameters, the data and the library are unchanged,
executing it again would give the same code-cell outputs. So the new page is the new
template's cells with the code cells (outputs, execution counts) taken, in order, from
the page already rendered, Papermill's injected-parameters cell kept where Papermill put
it (after the cell tagged ``parameters``, or first), the notebook metadata kept (it
depends only on the template's metadata and the kernel, both in the execution key), then
the same markdown filling and normalisation as :func:`hwb.render.execute.execute`. The
tests check the bytes equal a full Papermill run of the edited template.
"""

from __future__ import annotations

import copy
from pathlib import Path

from hwb.render import atomic
from hwb.render.normalise import dumps, fill_markdown, normalise

INJECTED = "injected-parameters"


class CannotRerender(Exception):
    """The rendered page does not line up with the template; execute instead."""


def rerender(job) -> Path:
    """Write ``job.output`` from the new template and the outputs already on disk."""
    import nbformat
    from papermill.iorw import load_notebook_node

    old = nbformat.read(str(job.output), as_version=4)
    template = load_notebook_node(str(job.template))  # as Papermill reads it (adds empty tags)
    executed = [c for c in old.cells if c.cell_type == "code"]
    injected = [c for c in executed if INJECTED in c.metadata.get("tags", [])]
    executed = [c for c in executed if INJECTED not in c.metadata.get("tags", [])]
    wanted = [c for c in template.cells if c.cell_type == "code"]
    if len(injected) != 1 or len(executed) != len(wanted):
        raise CannotRerender(f"{job.output}: its code cells do not match {job.template}")
    has_parameters_cell = any("parameters" in c.metadata.get("tags", []) for c in wanted)
    cells = [] if has_parameters_cell else [injected[0]]
    outputs = iter(executed)
    for cell in template.cells:
        if cell.cell_type == "code":
            done = next(outputs)
            if done.source != cell.source:
                raise CannotRerender(f"{job.output}: code cell differs from {job.template}")
            cells.append(done)
            if "parameters" in cell.metadata.get("tags", []) and has_parameters_cell:
                cells.append(injected[0])
                has_parameters_cell = False  # papermill injects after the first one only
        else:
            cells.append(copy.deepcopy(cell))
    nb = copy.deepcopy(old)
    nb.cells = cells
    fill_markdown(nb, job.markdown)
    normalise(nb, job.slug)
    atomic.write_text(job.output, dumps(nb))
    return Path(job.output)
