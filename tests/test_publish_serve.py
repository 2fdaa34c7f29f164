"""`make serve` on a port that is taken (or not a port) says so in one line and exits non-zero."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from hwb.publish import serve


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text("<html></html>")
    return tmp_path


@pytest.fixture
def busy_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind((serve.HOST, 0))
        taken.listen(1)
        yield taken.getsockname()[1]


def test_a_busy_port_is_a_one_line_error_with_a_fix(site, busy_port):
    code = "import sys; from hwb.cli import main; sys.exit(main(sys.argv[1:]))"
    result = subprocess.run(
        [sys.executable, "-c", code, "serve", f"--port={busy_port}", "--folder", str(site)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: port {busy_port} on 127.0.0.1 is already in use")
    assert f"make serve PORT={busy_port + 1}" in lines[0]
    assert "Traceback" not in result.stderr


def test_the_background_server_reports_a_busy_port_too(site, busy_port):
    with pytest.raises(serve.HwbError, match="already in use"), serve.serving(site, busy_port):
        pass


def test_a_port_out_of_range_is_refused(site):
    with pytest.raises(serve.HwbError, match="port 70000 is not a TCP port"):
        serve.serve_forever(site, 70000)
