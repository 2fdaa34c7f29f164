"""Serve a built book folder on 127.0.0.1 from a background thread.

Used by the browser tests, the PDF printer and ``make serve``. Binding to 127.0.0.1 only
keeps the preview private to this machine; port 0 lets the system pick a free port.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

from hwb.errors import HwbError

HOST = "127.0.0.1"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A browser that closes a connection early (favicon, navigation) is not an error.
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def _check_folder(folder: Path) -> Path:
    folder = Path(folder).resolve()
    if not (folder / "index.html").is_file():
        raise HwbError(
            f"{folder}: no index.html, so there is no built book to serve; "
            "build it first with `make all` (or `make district=<slug>`)."
        )
    return folder


@contextlib.contextmanager
def serving(folder: Path, port: int = 0, quiet: bool = True) -> Iterator[str]:
    """Serve ``folder`` while the ``with`` block runs; yield its base URL (ending in ``/``)."""
    folder = _check_folder(folder)
    handler = functools.partial(
        _QuietHandler if quiet else http.server.SimpleHTTPRequestHandler, directory=str(folder)
    )
    server = _bind(port, handler)
    thread = threading.Thread(target=server.serve_forever, name="hwb-serve", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _bind(port: int, handler) -> _Server:
    """The server on ``HOST:port``; a port in use or not allowed is a one-line :class:`HwbError`."""
    import errno

    if not 0 <= port <= 65535:
        raise HwbError(
            f"port {port} is not a TCP port; give one from 1024 to 65535, e.g. make serve PORT=8001"
        )
    try:
        return _Server((HOST, port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise HwbError(
                f"port {port} on {HOST} is already in use (another `make serve`, or another program); "
                f"stop it or choose another port, e.g. make serve PORT={port + 1 if port < 65535 else 8001}"
            ) from None
        raise HwbError(
            f"cannot serve on {HOST}:{port} ({exc.strerror or exc}); "
            "choose another port from 1024 to 65535, e.g. make serve PORT=8001"
        ) from None


def serve_forever(folder: Path, port: int = 8000) -> None:
    """Serve ``folder`` until interrupted (``make serve``), printing the address to open."""
    folder = _check_folder(folder)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    with _bind(port, handler) as server:
        print(
            f"serving {folder} at http://{HOST}:{server.server_address[1]}/ (Ctrl+C stops)",
            flush=True,
        )
        server.serve_forever()
