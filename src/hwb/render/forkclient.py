"""The process ``jupyter_client`` launches in place of ``python -m ipykernel_launcher``.

``python -m hwb.render.forkclient <server address> -f <connection file>`` asks the fork
server (:mod:`hwb.render.forkserver`) for a fresh kernel, hands it this process's stdin,
stdout and stderr, forwards every signal it gets to the kernel's process group, and exits
with the kernel's exit code. Killing this process makes the server kill the kernel. It
imports nothing heavy so it starts in a few tens of milliseconds.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys

FORWARDED = (
    signal.SIGINT,
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
)


def main(argv: list[str]) -> int:
    address, *kernel_args = argv
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(address)
    request = {"cwd": os.getcwd(), "env": dict(os.environ), "args": kernel_args}
    socket.send_fds(conn, [json.dumps(request).encode("utf-8")], [0, 1, 2])
    reader = conn.makefile("r", encoding="utf-8")
    pid = json.loads(reader.readline())["pid"]

    def forward(signum, _frame):
        try:
            os.killpg(pid, signum)
        except OSError:
            try:
                os.kill(pid, signum)
            except OSError:
                pass

    for signum in FORWARDED:
        signal.signal(signum, forward)
    while True:
        try:
            line = reader.readline()
        except InterruptedError:
            continue
        if not line:
            return 1  # the server went away
        message = json.loads(line)
        if "exit" in message:
            code = message["exit"]
            return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
