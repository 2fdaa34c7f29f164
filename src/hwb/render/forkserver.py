"""Fresh IPython kernels without paying for Python start and imports each time.

Most of a pack's cost is kernel start and imports (TOOLCHAIN.md: ~4 s of ~4.5 s). A
*fork server* ("zygote") imports the kernel machinery and the template's own imports
once, then forks one child per notebook; the child becomes an ordinary ``ipykernel``
(exactly what ``python -m ipykernel_launcher -f <file>`` runs). Each pack gets a kernel
nobody used before, so state is fresh, and the notebook is still executed by the
standard Papermill/nbclient engine: only the kernel *launch* changes.

How it fits ``jupyter_client``: :class:`ForkKernelManager` replaces the kernel command
with ``python -m hwb.render.forkclient`` (a tiny process that asks the zygote to fork,
hands over its stdio, forwards signals and exits with the kernel), so the standard
provisioner still manages a real process it can interrupt, terminate and kill. If the
client dies, the zygote kills its kernel; if the build dies, the zygote exits and so do
its kernels (they poll their parent).

What keeps the bytes identical to a normal kernel: the zygote imports the kernel
machinery first and the template's imports next (the order a kernel sees), with the
matplotlib backend variable a kernel sets, ``sys.path`` and ``sys.argv`` as
``ipykernel_launcher`` has them, each child's environment, working folder and stdio are
the launching process's, NumPy's global generator is reseeded, and modules whose import
prints a warning are not preloaded (the warning must appear in the notebook).
"""

from __future__ import annotations

import atexit
import gc
import json
import logging
import os
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger("hwb.render")

ROOT_FLAG = "--root"
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
# Imported by every kernel before any user code runs, in the order a kernel imports them:
# ipykernel_launcher's app, then what IPKernelApp.initialize imports (the kernel class, its
# shell, and the debugger, which loads debugpy: ~0.25 s that each kernel would repeat).
KERNEL_MODULES = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "IPython.core.debugger",
)
# Never preloaded because a template imports them: importing these before the kernel has
# set itself up changes how they set up (KERNEL_MODULES above are what the kernel's own
# start-up imports, in its order).
NEVER_PRELOAD = ("matplotlib_inline", "IPython", "ipykernel", "ipywidgets", "comm", "hwb.render")


def template_imports(template_paths: Iterable[Path]) -> list[str]:
    """The top-level modules the templates import (:func:`hwb.render.cache.template_imports`)
    that the zygote may preload: all but :data:`NEVER_PRELOAD`."""
    from hwb.render.cache import template_imports as imports

    return [
        m
        for m in imports(template_paths)
        if not any(m == p or m.startswith(p + ".") for p in NEVER_PRELOAD)
    ]


# --------------------------------------------------------------------------- the zygote
def _preload(modules: list[str]) -> tuple[list[str], dict[str, str]]:
    """Import ``modules`` in order; return those imported and those skipped (with why).

    A module whose import prints a warning stops the preloading: in a normal kernel that
    warning would appear in the notebook, so the server reports itself unsafe (``unsafe``).
    """
    import importlib

    kept, skipped = [], {}
    for index, name in enumerate(modules):
        with warnings.catch_warnings(record=True) as caught:
            try:
                importlib.import_module(name)
            except Exception as exc:  # noqa: BLE001 (the notebook will meet the same error)
                skipped[name] = f"import failed: {type(exc).__name__}: {exc}"
                continue
        if caught:
            skipped[name] = f"unsafe: prints a warning on import ({caught[0].message})"
            for rest in modules[index + 1 :]:
                skipped[rest] = "not attempted after an import warning"
            break
        kept.append(name)
    return kept, skipped


def _become_kernel(request: dict, fds: list[int]) -> None:
    """In the forked child: take over the client's stdio, folder and environment; run ipykernel."""
    for fd, target in zip(fds, (0, 1, 2), strict=False):
        os.dup2(fd, target)
        os.close(fd)
    os.setsid()
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ["JPY_PARENT_PID"] = str(os.getppid())
    sys.argv = [request["launcher"], *request["args"]]
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed()  # a new process would draw fresh OS entropy
    from ipykernel import kernelapp

    # parent_handle's default was read from the environment when the zygote imported
    # ipykernel, so give it explicitly (the kernel exits if the zygote dies).
    kernelapp.IPKernelApp.launch_instance(parent_handle=int(os.environ["JPY_PARENT_PID"]))


def serve(address: str, modules: list[str], root: str | None = None) -> None:
    """Run the zygote: preload, announce readiness on stdout, fork a kernel per request.

    ``root``: the project the build renders, given to :mod:`hwb.paths` as ``HWB_ROOT``
    before anything of hwb is preloaded (as each kernel is given it).

    Exits (killing its kernels) when stdin closes, i.e. when the build that started it ends.
    """
    if sys.path and Path(sys.path[0] or ".").resolve() == Path.cwd():
        del sys.path[0]  # as ipykernel_launcher does; IPython adds '' back in each kernel
    import importlib.util

    launcher = importlib.util.find_spec("ipykernel_launcher").origin
    # debugpy prints a note about frozen modules on import unless told not to validate file
    # names (only breakpoints use them); kernels get their own environment back on fork.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    if root is not None:
        os.environ["HWB_ROOT"] = root
    kept, skipped = _preload(list(KERNEL_MODULES))
    if not skipped:
        os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)  # as IPKernelApp.init_gui_pylab
        more, skipped = _preload(modules)
        kept += more
    unsafe = any(why.startswith("unsafe") for why in skipped.values())
    # Kernels share the preloaded heap copy-on-write. Frozen, it is left out of their
    # garbage collections, which would otherwise walk every preloaded object (and, by
    # writing to each one's header, copy its page). (Python's recipe also turns collections
    # off while preloading; measured at 300 areas that was no faster: 268.9 s against 259.6.)
    gc.collect()
    gc.freeze()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(64)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_w)
    sys.stdout.write(
        json.dumps(
            {
                "ready": True,
                "pid": os.getpid(),
                "preloaded": kept,
                "skipped": skipped,
                "unsafe": unsafe,
            }
        )
        + "\n"
    )
    sys.stdout.flush()

    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "accept")
    selector.register(sys.stdin, selectors.EVENT_READ, "parent")
    selector.register(wake_r, selectors.EVENT_READ, "child")
    kernels: dict[int, socket.socket] = {}  # kernel pid -> its client's connection
    owners: dict[socket.socket, int] = {}
    try:
        while True:
            for key, _ in selector.select(timeout=1.0):
                kind = key.data
                if kind == "parent":
                    if not os.read(sys.stdin.fileno(), 4096):
                        return
                elif kind == "child":
                    os.read(wake_r, 4096)
                elif kind == "accept":
                    conn, _ = listener.accept()
                    message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
                    request = json.loads(message.decode("utf-8"))
                    request["launcher"] = launcher
                    pid = os.fork()
                    if pid == 0:  # the child: never returns into this loop
                        try:
                            selector.close()
                            listener.close()
                            for c in owners:
                                c.close()
                            conn.close()
                            os.close(wake_r)
                            os.close(wake_w)
                            signal.set_wakeup_fd(-1)
                            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                            _become_kernel(request, fds)
                        finally:
                            os._exit(0)
                    for fd in fds:
                        os.close(fd)
                    conn.sendall((json.dumps({"pid": pid}) + "\n").encode())
                    kernels[pid] = conn
                    owners[conn] = pid
                    selector.register(conn, selectors.EVENT_READ, "client")
                elif kind == "client":  # a client hung up before its kernel ended
                    conn = key.fileobj
                    try:
                        data = conn.recv(4096)
                    except OSError:
                        data = b""
                    if not data:
                        pid = owners.pop(conn)
                        selector.unregister(conn)
                        conn.close()
                        kernels.pop(pid, None)
                        _kill(pid)
            _reap(kernels, owners, selector)
    finally:
        for pid in list(kernels):
            _kill(pid)
        listener.close()
        Path(address).unlink(missing_ok=True)


def _kill(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
            return
        except (ProcessLookupError, PermissionError):
            continue


def _reap(kernels: dict, owners: dict, selector) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = kernels.pop(pid, None)
        if conn is None:
            continue
        owners.pop(conn, None)
        try:
            conn.sendall((json.dumps({"exit": os.waitstatus_to_exitcode(status)}) + "\n").encode())
        except OSError:
            pass
        selector.unregister(conn)
        conn.close()


# --------------------------------------------------------------------------- the build side
class ForkServer:
    """A running zygote owned by this process (stopped at exit)."""

    def __init__(self, modules: list[str], cwd: Path) -> None:
        self.folder = tempfile.mkdtemp(prefix="hwb-fs-")
        self.address = os.path.join(self.folder, "sock")
        self.cwd = Path(cwd)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hwb.render.forkserver",
                self.address,
                *modules,
                ROOT_FLAG,
                str(self.cwd),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=str(self.cwd),
            start_new_session=True,
        )
        self.info: dict | None = None
        atexit.register(self.stop)

    def wait_ready(self, timeout: float = 120.0) -> dict:
        """Block until the zygote has preloaded; return what it preloaded and skipped."""
        if self.info is None:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("the kernel fork server exited during start-up")
            self.info = json.loads(line)
            for name, why in self.info.get("skipped", {}).items():
                log.info("fork server: not preloading %s (%s)", name, why)
        return self.info

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except Exception:  # noqa: BLE001 (stopping must not fail)
                self.process.kill()
        Path(self.address).unlink(missing_ok=True)
        try:
            os.rmdir(self.folder)
        except OSError:
            pass


_LOCAL: ForkServer | None = None


def ensure_server(templates: Iterable[Path], cwd: Path) -> str | None:
    """The address of a ready fork server of this process's own, or None when preloading
    would change the output: started once, with the templates' imports preloaded (the
    build's shared server is handed to workers by its address,
    :class:`hwb.render.engines.ForkServerEngine`)."""
    global _LOCAL
    if _LOCAL is None or _LOCAL.process.poll() is not None or _LOCAL.cwd != Path(cwd):
        _LOCAL = ForkServer(template_imports(templates), cwd)
    info = _LOCAL.wait_ready()
    return None if info.get("unsafe") else _LOCAL.address


def kernel_manager_class(address: str):
    """A ``jupyter_client`` KernelManager class that launches kernels through ``address``."""
    from jupyter_client.manager import KernelManager

    class ForkKernelManager(KernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            cmd = super().format_kernel_cmd(extra_arguments)
            if cmd[1:3] != ["-m", "ipykernel_launcher"]:
                return cmd  # not the standard Python kernel: launch it the ordinary way
            return [cmd[0], "-m", "hwb.render.forkclient", address, *cmd[3:]]

    return ForkKernelManager


def _parse_arguments(argv: list[str]) -> tuple[str, list[str], str | None]:
    """``ADDRESS MODULE... [--root PATH]`` as (address, modules, root)."""
    address, modules, root = argv[0], [], None
    rest = iter(argv[1:])
    for arg in rest:
        if arg == ROOT_FLAG:
            root = next(rest)
        else:
            modules.append(arg)
    return address, modules, root


if __name__ == "__main__":
    serve(*_parse_arguments(sys.argv[1:]))
    # Tearing down the preloaded heap (pandas, matplotlib, hwb) takes ~0.5 s
    # that the build would wait for at exit; nothing is left to flush or clean up.
    sys.stdout.flush()
    os._exit(0)
