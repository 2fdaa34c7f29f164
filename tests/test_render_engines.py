"""The engine seam: one interface, the standard Papermill engine and the fork-server engine.

Where fork is unavailable (no POSIX fork, or ``fcntl`` cannot be imported) the standard
engine runs and renders the same bytes; the standard path imports nothing POSIX-only at
module top; engines are plain values handed to workers, with no environment variable.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import render_support as support

from hwb import params, paths
from hwb.render import engines, pipeline
from hwb.render.engines import Engine, ForkServerEngine, PapermillEngine
from hwb.render.execute import Workspace, district_job

project = support.project  # the fixture: a temporary project root


@pytest.fixture
def no_fcntl(monkeypatch):
    """As on a platform without ``fcntl``: ``import fcntl`` raises ImportError."""
    monkeypatch.setitem(sys.modules, "fcntl", None)


def test_both_engines_implement_the_interface_and_are_registered_by_name():
    for engine in (PapermillEngine(), ForkServerEngine()):
        assert isinstance(engine, Engine)
        assert engine.ready() is engine
        assert engines.ENGINES[engine.name] is type(engine)
    assert engines.resolve("papermill") == "papermill"


def test_auto_is_the_fork_engine_where_fork_is_available():
    assert engines.fork_available()
    assert engines.resolve() == engines.resolve("forkserver") == "forkserver"


def test_without_fcntl_fork_is_unavailable_and_the_standard_engine_runs(no_fcntl, caplog):
    assert not engines.fork_available()
    assert engines.resolve("auto") == "papermill"
    assert engines.resolve("forkserver") == "papermill"  # asked for explicitly: said so
    assert "fork is not available" in caplog.text
    job = district_job(params.load_district("burnley"))
    assert isinstance(engines.start("auto", [job], workers=2), PapermillEngine)


def test_without_fork_the_standard_engine_is_chosen(monkeypatch):
    monkeypatch.delattr(os, "fork")
    assert engines.resolve("auto") == "papermill"


def test_an_unknown_engine_is_a_clear_error():
    from hwb.errors import HwbError

    with pytest.raises(
        HwbError, match="unknown engine 'kernel'; choose from auto, papermill, forkserver"
    ):
        engines.resolve("kernel")


def test_engines_are_plain_values_that_pickle_to_workers(tmp_path):
    workspace = Workspace(tmp_path, tmp_path / "build" / "scratch", tmp_path / "build" / "failed")
    for engine in (PapermillEngine(workspace), ForkServerEngine(workspace, "/tmp/hwb-fs-x/sock")):
        assert pickle.loads(pickle.dumps(engine)) == engine
    assert PapermillEngine().workspace == Workspace.current()


def test_kernels_are_told_the_build_s_root(tmp_path, monkeypatch):
    """Through the public ``start_kernel(env=...)``: what jupyter_client passes to the kernel."""
    from jupyter_client.manager import KernelManager

    from hwb.render import execute

    given = {}
    monkeypatch.setattr(KernelManager, "start_kernel", lambda self, **kw: given.update(kw))
    execute.kernel_manager_class(root=tmp_path)().start_kernel(env={"KEPT": "1"})
    assert given["env"] == {"KEPT": "1", "HWB_ROOT": str(tmp_path)}


def test_nothing_to_execute_starts_no_fork_server():
    assert isinstance(engines.start("forkserver", [], workers=2), PapermillEngine)


def test_the_standard_path_imports_nothing_posix_only_at_module_top():
    """With ``fcntl`` absent, the CLI and every module the standard engine uses import,
    and the fork server's modules are not imported at all."""
    script = textwrap.dedent("""
        import sys
        sys.modules["fcntl"] = None
        import hwb.cli, hwb.publish.rendered
        from hwb.render import (atomic, book, book_process, cache, engines, execute, executors,
                                housekeeping, imports, manifest, normalise, pipeline, rerender)
        print(engines.resolve("auto"), "hwb.render.forkserver" in sys.modules,
              "hwb.render.forkclient" in sys.modules)
    """)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=paths.ROOT
    ).stdout.split()
    assert out == ["papermill", "False", "False"]


@pytest.mark.slow
def test_without_fork_a_build_renders_the_same_bytes_as_the_fork_engine(project, monkeypatch):
    jobs = [district_job(params.load_district(s)) for s in ("burnley", "hyndburn")]
    fast = pipeline.run(jobs, workers=1, engine="forkserver", progress=False)
    assert [r.status for r in fast] == ["rendered", "rendered"]
    expected = {r.slug: r.output.read_bytes() for r in fast}
    manifest = (paths.BUILD / "run-manifest.json").read_text()
    assert '"engine": "forkserver"' in manifest

    with monkeypatch.context() as m:
        m.setitem(sys.modules, "fcntl", None)  # and so no fork engine, no fcntl lock
        environment = dict(os.environ)
        standard = pipeline.run(jobs, workers=1, force=True, progress=False)
        assert dict(os.environ) == environment  # nothing signalled through the environment
    assert [r.status for r in standard] == ["rendered", "rendered"]
    assert {r.slug: r.output.read_bytes() for r in standard} == expected
    assert '"engine": "papermill"' in (paths.BUILD / "run-manifest.json").read_text()


def test_a_page_that_cannot_be_written_fails_in_one_line_naming_the_path_and_fix():
    import errno
    from types import SimpleNamespace

    from hwb.render.executors import run_job

    class FullDisk:
        def execute(self, job):
            raise OSError(errno.ENOSPC, "No space left on device", str(job.output))

    job = SimpleNamespace(slug="burnley", output=Path("book/districts/burnley.ipynb"))
    outcome = run_job(job, FullDisk())
    assert outcome.status == "failed"
    assert outcome.message == (
        "burnley: cannot write book/districts/burnley.ipynb: No space left on device; the disk "
        "is full: free some space and run it again"
    )
