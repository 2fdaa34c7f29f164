"""The client Papermill talks to a page's kernel with: ready when the kernel is, not after fixed waits.

jupyter_client's blocking client (what nbclient uses) waits for a new kernel with two fixed
pauses: after the ``kernel_info`` reply it reads IOPub until 0.2 s pass with no message
(to drop the start-up messages), and its sockets retry a connection refused by a kernel
that has not bound its ports yet every 100 ms. Together that is about a third of a second
of every page in which neither the page's worker nor its kernel does anything.

:class:`PackKernelClient` keeps the same guarantees with no fixed pause: the kernel is ready
once it has answered ``kernel_info`` on the shell channel and IOPub has delivered that
request's ``idle`` status (so IOPub is connected and the start-up messages are consumed;
a kernel's ``iopub_welcome``, sent when the subscription is made, means ask once more);
anything else already queued is dropped as before. Sockets retry every 10 ms. What a page's
cells print is unaffected: nbclient reads only the messages that answer its own requests.
"""

from __future__ import annotations

import time
from queue import Empty

import zmq
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.utils import ensure_async, run_sync

RECONNECT_MS = 10
# IOPub silence after which it is taken as not connected yet (ask kernel_info again), as
# jupyter_client's own check does
IOPUB_WAIT_SECONDS = 0.2
SHELL_WAIT_SECONDS = 1.0


class PackKernelClient(BlockingKernelClient):
    """:class:`~jupyter_client.blocking.BlockingKernelClient` without the fixed start-up pauses."""

    def _create_connected_socket(self, channel: str, identity: bytes | None = None):
        sock = super()._create_connected_socket(channel, identity)
        sock.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
        return sock

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await ensure_async(self.shell_channel.get_msg(timeout=SHELL_WAIT_SECONDS))
            except Empty:
                reply = None
            if (
                reply is not None
                and reply["msg_type"] == "kernel_info_reply"
                and await self._idle_seen(reply["parent_header"].get("msg_id"))
            ):
                self._handle_kernel_info_reply(reply)
                break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while True:  # drop whatever else is queued (nothing waits for more)
            try:
                await ensure_async(self.iopub_channel.get_msg(timeout=0))
            except Empty:
                break

    wait_for_ready = run_sync(_async_wait_for_ready)

    async def _idle_seen(self, request_id: str | None) -> bool:
        """Read IOPub until the kernel's ``idle`` status for ``request_id``. False after
        :data:`IOPUB_WAIT_SECONDS` without any message (IOPub is not connected yet), or on the
        kernel's ``iopub_welcome`` (connected only now, so that status may have been missed)."""
        while True:
            try:
                msg = await ensure_async(self.iopub_channel.get_msg(timeout=IOPUB_WAIT_SECONDS))
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
