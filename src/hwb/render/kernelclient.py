"""The client Papermill talks to a page's kernel with: ready when the kernel is, not after fixed waits.

jupyter_client's blocking client (what nbclient uses) waits for a new kernel with two fixed
pauses: after the ``kernel_info`` reply it reads IOPub until 0.2 s pass with no message
(to drop the start-up messages), and its sockets retry a connection refused by a kernel
that has not bound its ports yet every 100 ms. Together that is about a third of a second
of every page in which neither the page's worker nor its kernel does anything.

:class:`PackKernelClient` keeps the same guarantees with no fixed pause, through the
client's public API only (it overrides the public :meth:`wait_for_ready`): the kernel is
ready once it has answered ``kernel_info`` on the shell channel and IOPub has delivered
that request's ``idle`` status (so IOPub is connected and the start-up messages are
consumed; a kernel's ``iopub_welcome``, sent when the subscription is made, means ask once
more); anything else already queued is dropped as before. Its sockets retry every 10 ms:
they are made by :data:`CONTEXT`, a ZeroMQ context whose default ``RECONNECT_IVL`` says so
(:func:`client_context`, handed to each client by the kernel manager,
:func:`hwb.render.execute.kernel_manager_class`). What a page's cells print is unaffected:
nbclient reads only the messages that answer its own requests.
"""

from __future__ import annotations

import time
from queue import Empty

import zmq
from jupyter_client import protocol_version_info
from jupyter_client.blocking.client import BlockingKernelClient

RECONNECT_MS = 10
# IOPub silence after which it is taken as not connected yet (ask kernel_info again), as
# jupyter_client's own check does
IOPUB_WAIT_SECONDS = 0.2
SHELL_WAIT_SECONDS = 1.0

_CONTEXT: zmq.Context | None = None


def client_context() -> zmq.Context:
    """This process's ZeroMQ context for kernel clients: new sockets retry a refused
    connection every :data:`RECONNECT_MS` (``zmq.Context.setsockopt`` sets the default for
    the sockets the context makes)."""
    global _CONTEXT
    if _CONTEXT is None or _CONTEXT.closed:
        _CONTEXT = zmq.Context()
        _CONTEXT.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
    return _CONTEXT


class PackKernelClient(BlockingKernelClient):
    """:class:`~jupyter_client.blocking.BlockingKernelClient` without the fixed start-up pauses."""

    def wait_for_ready(self, timeout: float | None = None) -> None:
        """Return once the kernel answers (see the module docstring); raise RuntimeError if
        it dies first or does not answer within ``timeout`` seconds."""
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = self.shell_channel.get_msg(timeout=SHELL_WAIT_SECONDS)
            except Empty:
                reply = None
            if (
                reply is not None
                and reply["msg_type"] == "kernel_info_reply"
                and self._idle_seen(reply["parent_header"].get("msg_id"))
            ):
                self._adapt_protocol(reply)
                break
            if not self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while True:  # drop whatever else is queued (nothing waits for more)
            try:
                self.iopub_channel.get_msg(timeout=0)
            except Empty:
                break

    def _adapt_protocol(self, reply: dict) -> None:
        """Speak the kernel's message protocol when its major version differs, as the
        client's own ``kernel_info`` handling does (the session's public ``adapt_version``)."""
        version = int(reply["content"]["protocol_version"].split(".")[0])
        if version != protocol_version_info[0]:
            self.session.adapt_version = version

    def _idle_seen(self, request_id: str | None) -> bool:
        """Read IOPub until the kernel's ``idle`` status for ``request_id``. False after
        :data:`IOPUB_WAIT_SECONDS` without any message (IOPub is not connected yet), or on the
        kernel's ``iopub_welcome`` (connected only now, so that status may have been missed)."""
        while True:
            try:
                msg = self.iopub_channel.get_msg(timeout=IOPUB_WAIT_SECONDS)
            except Empty:
                return False
            if msg["msg_type"] == "iopub_welcome":
                # subscribed only now: the idle status may have gone before; ask again
                return False
            if (
                msg["msg_type"] == "status"
                and msg["content"].get("execution_state") == "idle"
                and msg["parent_header"].get("msg_id") == request_id
            ):
                return True
