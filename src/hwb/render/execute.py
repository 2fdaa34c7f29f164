"""Execute one template with Papermill for one set of validated parameters.

:func:`run_papermill` is what every engine (:mod:`hwb.render.engines`) does with a page:
the Papermill/nbclient engine runs the notebook into a scratch file; the result is
normalised (see :mod:`hwb.render.normalise`) and renamed into place, so a failed or
interrupted run never leaves a half-written page. A failed notebook, with Papermill's
error banner at the failing cell, is kept under ``build/failed/``. Engines differ only in
the kernel manager they hand it (how a kernel is launched), never in the bytes written.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hwb import paths
from hwb.errors import PackFailed
from hwb.render import atomic
from hwb.render.normalise import dumps, fill_markdown, normalise

log = logging.getLogger("hwb.render")

KERNEL = "python3"
# How long a kernel asked to shut down gets to exit before it is interrupted (an idle one
# exits in a fraction of a second; only a kernel still running code needs the interrupt).
SHUTDOWN_GRACE_SECONDS = 3.0
# The kernel client: jupyter_client's blocking one without its fixed start-up pauses
CLIENT_CLASS = "hwb.render.kernelclient.PackKernelClient"
# How jupyter_client says a kernel died or never answered before any cell ran (retried once)
KERNEL_NOT_STARTED = ("Kernel died before replying to kernel_info", "Kernel didn't respond")


@dataclass(frozen=True)
class Job:
    """One notebook to render: which template, with what parameters, to where."""

    slug: str
    template: Path
    output: Path
    parameters: Mapping[str, Any]
    markdown: Mapping[str, Any]
    snapshot: Path | None = None  # the data it reads (default: the committed snapshot)


def display_path(path: Path | str) -> str:
    """A path as notebooks and pages should show it: relative to the repo root when possible."""
    path = Path(path).resolve()
    try:
        return os.path.relpath(path, paths.ROOT)
    except ValueError:
        return str(path)


def partnership_job(
    partnership, snapshot: Path | None = None, output_dir: Path | None = None
) -> Job:
    """The job for one partnership's evidence pack (``partnership`` is a validated PartnershipParams).

    Its parameters are the partnership's and every member district's, so a change to one
    district's parameters re-renders its partnership's pack only.
    """
    snapshot = Path(snapshot) if snapshot else paths.SNAPSHOT
    output_dir = Path(output_dir) if output_dir else paths.DISTRICT_PAGES
    return Job(
        slug=partnership.slug,
        template=paths.DISTRICT_TEMPLATE,
        output=output_dir / f"{partnership.slug}.ipynb",
        parameters={
            "partnership": partnership.slug,
            "params": partnership.to_notebook(),
            "snapshot": display_path(snapshot),
        },
        markdown=partnership.markdown(),
        snapshot=snapshot,
    )


def summary_job(partnership, snapshot: Path | None = None, output_dir: Path | None = None) -> Job:
    """The job for a partnership's four-page summary (``book/summaries/<slug>``): the pack's
    parameters and data, the summary template (``notebooks/summary.ipynb``)."""
    job = partnership_job(partnership, snapshot, output_dir or paths.SUMMARY_PAGES)
    return replace(job, slug=f"{partnership.slug}-summary", template=paths.SUMMARY_TEMPLATE)


def district_job(params, snapshot: Path | None = None, output_dir: Path | None = None) -> Job:
    """The job for the pack of the partnership a district belongs to (``params``: DistrictParams)."""
    from hwb.partnerships import partnership_of

    return partnership_job(partnership_of(params.slug), snapshot, output_dir)


@dataclass(frozen=True)
class Workspace:
    """Where pages execute: the project root (the kernels' working folder), the scratch
    folder and where failed notebooks are kept. Captured in the build process and handed
    to workers explicitly, so a worker needs no environment variable to find them."""

    root: Path
    scratch: Path
    failed: Path

    @classmethod
    def current(cls) -> Workspace:
        """The folders :mod:`hwb.paths` names now (tests point it at temporary roots)."""
        return cls(Path(paths.ROOT), Path(paths.BUILD) / "scratch", Path(paths.FAILED))

    def shown(self, path: Path) -> str:
        """``path`` relative to the root when it is inside it (for messages)."""
        try:
            return os.path.relpath(Path(path).resolve(), self.root)
        except ValueError:
            return str(path)


def failed_path(slug: str, workspace: Workspace | None = None) -> Path:
    return (workspace.failed if workspace else paths.FAILED) / f"{slug}.ipynb"


def _failing_cell(nb) -> str:
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"cell {index} ({output.get('ename')}: {output.get('evalue')})"
    return "an unknown cell"


def kernel_manager_class(fork_address: str | None = None, root: Path | None = None):
    """The ``jupyter_client`` KernelManager for a pack's kernel.

    It provisions CurveZMQ keys (``transport_encryption="auto"``; the python3 kernelspec
    declares Curve support), so the loopback traffic between Papermill and the kernel is
    encrypted and ipykernel does not warn about plain-text TCP once per pack. With
    ``fork_address`` the kernel is forked from that pre-warmed server instead of started
    as a new Python. Its clients (:data:`CLIENT_CLASS`) start talking to a new kernel as soon
    as it is ready. None of these changes a byte of the executed notebook. With ``root`` the
    kernel is given ``HWB_ROOT`` (the library's documented way to name a checkout) so
    :mod:`hwb.paths` in the kernel describes the same project as the build (and its pages
    find the models the build wrote, :mod:`hwb.model`).

    Shutting down, it asks the kernel to exit before anything else. jupyter_client's own
    shutdown interrupts (SIGINT) the kernel first, and a kernel that is idle but still
    handling a message when the signal lands logs ``[IPKernelApp] ERROR | KeyboardInterrupt
    caught in kernel.`` to the build's terminal during a build that succeeded. Here the
    interrupt is kept for a kernel that has not exited within
    :data:`SHUTDOWN_GRACE_SECONDS` (one still running code).

    Only public methods of ``jupyter_client``'s ``KernelManager`` are overridden
    (``client``, ``start_kernel``, ``shutdown_kernel``), each adding to what it does and
    then calling the library's own.
    """
    import time

    import zmq
    from jupyter_client.manager import KernelManager

    from hwb.render.kernelclient import client_context

    encryption = "auto" if zmq.has("curve") else "disabled"  # pyzmq wheels bundle libsodium
    base = KernelManager
    if fork_address is not None:
        from hwb.render import forkserver

        base = forkserver.kernel_manager_class(fork_address)

    class PackKernelManager(base):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport_encryption", encryption)
            kwargs.setdefault("client_class", CLIENT_CLASS)
            super().__init__(**kwargs)

        def client(self, **kwargs):
            kwargs.setdefault("context", client_context())
            return super().client(**kwargs)

        def start_kernel(self, **kw):
            if root is not None:
                kw["env"] = {**dict(kw.get("env") or os.environ), "HWB_ROOT": str(root)}
            return super().start_kernel(**kw)

        def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
            if not now and not restart and self.owns_kernel and self.has_kernel:
                self.shutting_down = True
                self.stop_restarter()
                self.request_shutdown()
                deadline = time.monotonic() + SHUTDOWN_GRACE_SECONDS
                while self.is_alive() and time.monotonic() < deadline:
                    time.sleep(0.02)
                if not self.is_alive():  # exited when asked: reap it, nothing to interrupt
                    self.finish_shutdown(restart=restart)
                    self.cleanup_resources(restart=restart)
                    return
            # still running code (or asked to stop now): interrupt, ask again, then terminate
            super().shutdown_kernel(now=now, restart=restart)

    return PackKernelManager


def run_papermill(job: Job, kernel_manager, workspace: Workspace) -> Path:
    """Run ``job`` with Papermill, kernels from ``kernel_manager`` (a KernelManager class);
    write the normalised notebook atomically; return its path.

    Raises :class:`PackFailed` naming the page, the failing cell and the kept notebook.
    """
    from hwb.render.imports import skip_unused_format_checkers

    skip_unused_format_checkers()
    import nbformat
    import papermill

    workspace.scratch.mkdir(parents=True, exist_ok=True)
    # The pid in the name lets a later build tell an abandoned scratch file from a live one.
    fd, scratch = tempfile.mkstemp(
        prefix=f"{job.slug}.{os.getpid()}.", suffix=".ipynb", dir=workspace.scratch
    )
    os.close(fd)
    scratch_path = Path(scratch)

    def run():
        return papermill.execute_notebook(
            str(job.template),
            str(scratch_path),
            parameters=dict(job.parameters),
            kernel_name=KERNEL,
            progress_bar=False,
            log_output=False,
            # Papermill would rewrite the whole notebook after every cell (~30 times a
            # pack, ~0.5 s of this worker's CPU); the final write is the one we read.
            request_save_on_cell_execute=False,
            cwd=str(workspace.root),
            kernel_manager_class=kernel_manager,
        )

    try:
        try:
            try:
                nb = run()
            except RuntimeError as exc:
                if not str(exc).startswith(KERNEL_NOT_STARTED):
                    raise
                # The kernel died before any cell ran (e.g. another process took one of the
                # ports it was given): nothing has executed, so a new kernel starts afresh.
                log.warning(
                    "%s: its kernel died while starting (%s); starting another", job.slug, exc
                )
                nb = run()
        except papermill.PapermillExecutionError:
            failed = nbformat.read(scratch_path, as_version=4)
            normalise(failed, job.slug)
            keep = failed_path(job.slug, workspace)
            atomic.write_text(keep, dumps(failed))
            raise PackFailed(
                f"{job.slug}: the notebook failed at {_failing_cell(failed)}; "
                f"the failed notebook is kept at {workspace.shown(keep)}"
            ) from None
        fill_markdown(nb, job.markdown)
        normalise(nb, job.slug)
        atomic.write_text(job.output, dumps(nb))
        failed_path(job.slug, workspace).unlink(missing_ok=True)
        return job.output
    finally:
        scratch_path.unlink(missing_ok=True)


def execute(job: Job, engine=None) -> Path:
    """Render one page with ``engine`` (an :class:`hwb.render.engines.Engine`; default: the
    standard Papermill engine); return the path written. Raises :class:`PackFailed`."""
    from hwb.render import engines

    return (engine or engines.PapermillEngine()).ready().execute(job)
