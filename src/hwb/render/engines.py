"""Engines: how a page's notebook is executed. One interface, two implementations.

Like Papermill's own engines registry, an :class:`Engine` is looked up by name
(:data:`ENGINES`) and does one thing, :meth:`Engine.execute` a :class:`~hwb.render.execute.Job`,
writing the same bytes whichever engine runs it (the tests compare them):

- ``papermill`` (:class:`PapermillEngine`): stock Papermill/nbclient, each kernel a new
  Python. Runs everywhere.
- ``forkserver`` (:class:`ForkServerEngine`): the same Papermill run, but kernels are
  forked from a pre-warmed server (:mod:`hwb.render.forkserver`): POSIX only.

``auto`` (the default) is ``forkserver`` where fork is available (:func:`fork_available`),
else ``papermill``. The build process calls :func:`start` before its workers start (a fork
server preloads meanwhile); executors call :meth:`Engine.ready` once workers are starting,
and ship the engine it returns to them as an argument: a picklable value holding the
:class:`~hwb.render.execute.Workspace` and, for the fork engine, the server's address.
Nothing POSIX-only is imported unless the fork engine is chosen.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

from hwb.errors import HwbError
from hwb.render import execute as execute_module
from hwb.render.execute import Job, Workspace

log = logging.getLogger("hwb.render")

AUTO = "auto"


@runtime_checkable
class Engine(Protocol):
    """Executes pages. Implementations are small picklable values (sent to workers)."""

    name: ClassVar[str]

    def ready(self) -> Engine:
        """Block until usable; return the engine to execute pages with (maybe a fallback)."""
        ...

    def execute(self, job: Job) -> Path:
        """Render ``job`` to ``job.output``; raise :class:`~hwb.errors.PackFailed` if it fails."""
        ...


def _workspace() -> Workspace:
    return Workspace.current()


@dataclass(frozen=True)
class PapermillEngine:
    """Stock Papermill: each kernel is a new Python (``python -m ipykernel_launcher``)."""

    name: ClassVar[str] = "papermill"
    workspace: Workspace = field(default_factory=_workspace)

    def ready(self) -> PapermillEngine:
        return self

    def execute(self, job: Job) -> Path:
        manager = execute_module.kernel_manager_class(root=self.workspace.root)
        return execute_module.run_papermill(job, manager, self.workspace)


@dataclass(frozen=True)
class ForkServerEngine:
    """Papermill with kernels forked from a warm server at ``address``.

    With no ``address`` (or one that is gone: a worker on another machine), the first page
    starts a server in the executing process, preloading that page's template imports.
    If preloading would change a page (an import that warns), pages use standard kernels.
    """

    name: ClassVar[str] = "forkserver"
    workspace: Workspace = field(default_factory=_workspace)
    address: str | None = None

    def ready(self) -> ForkServerEngine:
        return self

    def execute(self, job: Job) -> Path:
        from hwb.render import forkserver

        address = self.address
        if not address or not os.path.exists(address):
            address = forkserver.ensure_server([job.template], self.workspace.root)
        if address is None:  # preloading was unsafe
            return PapermillEngine(self.workspace).execute(job)
        manager = execute_module.kernel_manager_class(
            fork_address=address, root=self.workspace.root
        )
        return execute_module.run_papermill(job, manager, self.workspace)


class _StartingForkServer:
    """The build's fork server while it preloads (held by the build process only)."""

    name: ClassVar[str] = ForkServerEngine.name

    def __init__(self, server, workspace: Workspace) -> None:
        self.server, self.workspace = server, workspace

    def ready(self) -> Engine:
        if self.server.wait_ready().get("unsafe"):
            log.info("fork server: preloading would change the pages; using standard kernels")
            return PapermillEngine(self.workspace)
        return ForkServerEngine(self.workspace, self.server.address)

    def execute(self, job: Job) -> Path:
        return self.ready().execute(job)


ENGINES: dict[str, type] = {
    PapermillEngine.name: PapermillEngine,
    ForkServerEngine.name: ForkServerEngine,
}


def fork_available() -> bool:
    """Whether the fork engine can run here: POSIX ``fork``, Unix sockets passing file
    descriptors, and ``fcntl`` importable."""
    if os.name != "posix" or not hasattr(os, "fork") or not hasattr(socket, "send_fds"):
        return False
    try:
        import fcntl  # noqa: F401
    except ImportError:
        return False
    return True


def resolve(name: str = AUTO) -> str:
    """The engine name to use for ``name`` (``auto``, ``forkserver`` or ``papermill``)."""
    if name not in (AUTO, *ENGINES):
        raise HwbError(f"unknown engine '{name}'; choose from {AUTO}, {', '.join(ENGINES)}")
    if name in (AUTO, ForkServerEngine.name) and not fork_available():
        if name == ForkServerEngine.name:
            log.warning("warning: fork is not available here; using the standard Papermill engine")
        return PapermillEngine.name
    return ForkServerEngine.name if name == AUTO else name


_SERVERS: dict[tuple, object] = {}


def start(
    name: str,
    jobs: list[Job],
    workers: int,
    shared: bool = True,
    workspace: Workspace | None = None,
) -> Engine:
    """The engine for this build's ``jobs``, started but not waited for (call ``ready()``).

    ``shared``: start one fork server here for every local worker (a remote cluster's
    workers start their own).
    """
    workspace = workspace or Workspace.current()
    if resolve(name) == PapermillEngine.name or not jobs:
        return PapermillEngine(workspace)
    if not shared:
        return ForkServerEngine(workspace)
    return _StartingForkServer(
        _shared_server({j.template for j in jobs}, workspace.root), workspace
    )


def _shared_server(templates: Iterable[Path], root: Path):
    """One server per (root, preloaded modules), kept for this process's life so repeated
    runs in one process (tests, benchmarks) do not pay its start-up again."""
    from hwb.render import forkserver

    modules = forkserver.template_imports(sorted(templates))
    key = (str(root), tuple(modules))
    server = _SERVERS.get(key)
    if server is None or server.process.poll() is not None:
        server = _SERVERS[key] = forkserver.ForkServer(modules, root)
    return server


__all__ = [
    "AUTO",
    "ENGINES",
    "Engine",
    "ForkServerEngine",
    "PapermillEngine",
    "fork_available",
    "resolve",
    "start",
]
