"""hwb.render.kernelclient: ready when the kernel is, with jupyter_client's guarantees."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from queue import Empty

import pytest

from hwb.render import execute, kernelclient
from hwb.render.kernelclient import PackKernelClient


class FakeChannel:
    """A channel that hands out queued messages, then raises Empty (as a quiet socket does)."""

    def __init__(self, messages):
        self.messages = list(messages)
        self.timeouts = []

    def get_msg(self, timeout=None):
        self.timeouts.append(timeout)
        if not self.messages:
            raise Empty
        return self.messages.pop(0)


def _status(state, parent):
    return {
        "msg_type": "status",
        "content": {"execution_state": state},
        "parent_header": {"msg_id": parent},
    }


WELCOME = {"msg_type": "iopub_welcome", "content": {}, "parent_header": {}}


def _run(coroutine):
    """``asyncio.run`` in a thread of its own: a test that ran earlier in this pytest worker
    may have left an event loop running in the main thread (Playwright's sync API does, for
    the browser tests' session-wide Chromium), where ``asyncio.run`` refuses to start."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _client(iopub):
    client = PackKernelClient.__new__(PackKernelClient)  # no sockets: channels are set by hand
    client.__dict__["_iopub"] = FakeChannel(iopub)
    return client


@pytest.fixture(autouse=True)
def _fake_iopub(monkeypatch):
    monkeypatch.setattr(
        PackKernelClient, "iopub_channel", property(lambda self: self.__dict__["_iopub"])
    )


@pytest.mark.parametrize(
    ("messages", "ready"),
    [
        ([_status("busy", "k1"), _status("idle", "k1")], True),
        ([_status("idle", "older"), _status("busy", "k1"), _status("idle", "k1")], True),
        ([WELCOME, _status("busy", "k1"), _status("idle", "k1")], False),  # ask again
        ([_status("busy", "k1")], False),  # idle never came: not ready yet
        ([], False),  # IOPub silent: not connected
    ],
)
def test_ready_only_on_the_idle_status_of_the_request(messages, ready):
    client = _client(messages)
    assert client._idle_seen("k1") is ready
    assert client.iopub_channel.timeouts[0] == kernelclient.IOPUB_WAIT_SECONDS


def test_pack_kernels_use_this_client_and_its_quick_reconnecting_sockets():
    import zmq

    manager = execute.kernel_manager_class()()
    assert manager.client_factory is PackKernelClient
    assert kernelclient.client_context().getsockopt(zmq.RECONNECT_IVL) == kernelclient.RECONNECT_MS


def _overridden_private(cls, library: tuple[str, ...]) -> list[str]:
    """Names of ``_private`` (not dunder) methods ``cls`` or its own bases define that a
    class from one of the ``library`` packages also defines: private overrides. (Attributes
    that traitlets' metaclass adds to every class, such as ``_instance_inits``, are data.)"""
    found = []
    for klass in cls.__mro__:
        if klass.__module__.split(".")[0] in library or klass is object:
            continue
        for name, value in vars(klass).items():
            if not name.startswith("_") or name.startswith("__") or not callable(value):
                continue
            if any(
                name in vars(base)
                for base in cls.__mro__
                if base.__module__.split(".")[0] in library
            ):
                found.append(f"{klass.__name__}.{name}")
    return found


def test_no_pack_class_overrides_a_private_method_of_jupyter_client():
    """Speed through public API only (issue 26): the kernel manager (both engines') and the
    client override only public methods, so a jupyter_client upgrade that renames a private
    one cannot silently change how pages run."""
    import jupyter_client

    assert jupyter_client.version_info[0] == 8, "pinned: re-check these overrides on upgrade"
    library = ("jupyter_client", "traitlets")
    assert _overridden_private(PackKernelClient, library) == []
    assert _overridden_private(execute.kernel_manager_class(), library) == []
    assert _overridden_private(execute.kernel_manager_class(fork_address="/x"), library) == []
