"""The build engine end to end on a small template: fork-server kernels give the same bytes
as standard Papermill, the cache skips what is unchanged, failures are contained, a
markdown-only edit re-renders byte-identically without a kernel, and Dask runs the same
jobs to the same bytes."""

from __future__ import annotations

import shutil

import pytest
import render_support as support
from render_support import small_template

from hwb import params, paths
from hwb.errors import PackFailed
from hwb.render import execute as execute_module
from hwb.render import executors, pipeline
from hwb.render.engines import ForkServerEngine, PapermillEngine
from hwb.render.execute import district_job, execute
from hwb.render.rerender import rerender

pytestmark = pytest.mark.slow

project = support.project  # the fixture: a temporary project root

SLUGS = ["burnley", "hyndburn", "lancaster"]


def _jobs(slugs=SLUGS, output_dir=None):
    return [district_job(params.load_district(s), output_dir=output_dir) for s in slugs]


def stock_kernel_manager(monkeypatch):
    """Make ``execute`` use jupyter_client's own KernelManager: stock Papermill/nbclient."""
    from jupyter_client.manager import KernelManager

    monkeypatch.setattr(
        execute_module,
        "kernel_manager_class",
        lambda fork_address=None, root=None: KernelManager,
    )


def test_fork_server_kernels_render_the_same_bytes_as_standard_papermill(
    project, tmp_path, monkeypatch, capfd
):
    with monkeypatch.context() as m:
        stock_kernel_manager(m)
        standard = [execute(j, PapermillEngine()) for j in _jobs(output_dir=tmp_path / "standard")]
    stock_err = capfd.readouterr().err
    encrypted = [execute(j, PapermillEngine()) for j in _jobs(output_dir=tmp_path / "encrypted")]
    fast = [execute(j, ForkServerEngine()) for j in _jobs(output_dir=tmp_path / "fast")]
    ours_err = capfd.readouterr().err
    for a, b, c in zip(standard, encrypted, fast, strict=False):
        assert a.read_bytes() == b.read_bytes() == c.read_bytes(), (
            f"{a.name} differs between engines"
        )
    # Our kernels get CurveZMQ keys, so ipykernel has no plain-text TCP warning to print.
    assert "without encryption" in stock_err
    assert "without encryption" not in ours_err
    text = fast[0].read_text()
    assert "a warning shown in the notebook" in text and "to stderr" in text and "image/png" in text
    assert fast[0].read_bytes() != fast[1].read_bytes()  # districts really differ


def test_markdown_only_edit_rerenders_the_same_bytes_as_a_full_run(project, tmp_path):
    job = _jobs(["burnley"])[0]
    execute(job, ForkServerEngine())
    small_template(paths.DISTRICT_TEMPLATE, extra_markdown="\n\nA sentence added later.")
    rerender(job)
    full = execute(_jobs(["burnley"], output_dir=tmp_path / "full")[0], ForkServerEngine())
    assert job.output.read_bytes() == full.read_bytes()
    assert "A sentence added later." in job.output.read_text()


def test_cold_then_noop_then_one_parameter_change_with_a_failing_district(project):
    small_template(paths.DISTRICT_TEMPLATE, fail_for="lancaster")
    cold = pipeline.run(_jobs(), workers=2, progress=False)
    assert [(r.slug, r.status, r.action) for r in cold] == [
        ("burnley", "rendered", "execute"),
        ("hyndburn", "rendered", "execute"),
        ("lancaster", "failed", "execute"),
    ]
    kept = paths.FAILED / "lancaster.ipynb"
    assert kept.is_file() and "deliberate failure for lancaster" in kept.read_text()
    assert "An Exception was encountered" in kept.read_text()  # papermill's banner cell
    assert "cell" in cold[2].message and "build/failed/lancaster.ipynb" in cold[2].message
    assert not (paths.DISTRICT_PAGES / "lancaster.ipynb").exists()
    rendered = {
        s: (paths.DISTRICT_PAGES / f"{s}.ipynb").read_bytes() for s in ("burnley", "hyndburn")
    }

    again = pipeline.run(_jobs(), workers=2, progress=False)
    assert [(r.slug, r.status) for r in again] == [
        ("burnley", "cached"),
        ("hyndburn", "cached"),
        ("lancaster", "failed"),
    ]

    path = project / "parameters" / "hyndburn.yml"
    path.write_text(path.read_text().replace("name: Hyndburn", "name: Hyndburn Borough"))
    changed = pipeline.run(_jobs(["burnley", "hyndburn"]), workers=2, progress=False)
    assert [(r.slug, r.status, r.reasons) for r in changed] == [
        ("burnley", "cached", ["unchanged"]),
        ("hyndburn", "rendered", ["parameters changed"]),
    ]
    assert (paths.DISTRICT_PAGES / "burnley.ipynb").read_bytes() == rendered["burnley"]
    manifest = (paths.BUILD / "run-manifest.json").read_text()
    assert '"parameters changed"' in manifest and '"papermill": "2.7.0"' in manifest


def test_cli_exits_non_zero_and_prints_the_table_when_a_district_fails(project, capsys):
    from hwb.cli import main

    small_template(paths.DISTRICT_TEMPLATE, fail_for="hyndburn")
    status = main(["build", "burnley", "hyndburn", "--no-book", "-j", "2"])
    out, err = capsys.readouterr()
    assert status == 1
    assert "burnley" in out and "rendered" in out and "failed" in out and "cached" in out
    assert "hyndburn: the notebook failed at cell" in err


def test_the_local_cluster_s_workers_run_with_dask_s_monitoring_turned_down(tmp_path):
    import json
    from types import SimpleNamespace

    import dask
    import distributed  # noqa: F401  (registers Dask's distributed settings)

    from hwb.render import executors

    quiet = executors.QUIET_LOCAL_CLUSTER
    for key in quiet:  # each a setting Dask has (a misspelt one would be read back as set)
        dask.config.get(key)
    job = SimpleNamespace(slug="probe", output=tmp_path / "probe.ipynb")
    [outcome] = executors.run_dask([job], 1, support.ConfigProbe(list(quiet)))
    assert outcome.status == "failed"
    assert json.loads(outcome.message) == quiet
    assert dask.config.get("distributed.worker.profile.enabled") is True  # here: as it was


def test_dask_local_cluster_renders_the_same_bytes_as_the_pool_and_a_noop_starts_no_cluster(
    project, monkeypatch
):
    pool = pipeline.run(_jobs(["burnley", "hyndburn"]), workers=2, progress=False)
    first = {r.slug: r.output.read_bytes() for r in pool}
    shutil.rmtree(paths.DISTRICT_PAGES)
    dask = pipeline.run(_jobs(["burnley", "hyndburn"]), workers=2, executor="dask", progress=False)
    assert [(r.slug, r.status) for r in dask] == [("burnley", "rendered"), ("hyndburn", "rendered")]
    assert {r.slug: r.output.read_bytes() for r in dask} == first

    # everything cached now: a no-op starts no cluster at all
    def no_cluster(*args, **kwargs):
        raise AssertionError("a cluster was started with nothing to execute")

    monkeypatch.setattr(executors, "run_dask", no_cluster)
    again = pipeline.run(_jobs(["burnley", "hyndburn"]), workers=2, executor="dask", progress=False)
    assert [r.status for r in again] == ["cached", "cached"]


def test_kernels_are_shut_down_without_an_interrupt_so_no_keyboardinterrupt_noise(
    project, monkeypatch, capfd
):
    """jupyter_client interrupts every kernel before shutting it down; a kernel that is idle
    but still handling a message logs "KeyboardInterrupt caught in kernel." during a
    successful build. Ours are asked to exit first and are never interrupted when idle."""
    real = execute_module.kernel_manager_class
    interrupts = []

    def spying(fork_address=None, root=None):
        class Spy(real(fork_address, root)):
            async def _async_interrupt_kernel(self):
                interrupts.append(self.shutting_down)
                await super()._async_interrupt_kernel()

        return Spy

    monkeypatch.setattr(execute_module, "kernel_manager_class", spying)
    small_template(paths.DISTRICT_TEMPLATE, fail_for="hyndburn")
    burnley, hyndburn, lancaster = _jobs()
    execute(burnley, ForkServerEngine())
    with pytest.raises(PackFailed):
        execute(hyndburn, ForkServerEngine())
    execute(lancaster, PapermillEngine())
    assert interrupts == []
    assert "KeyboardInterrupt" not in capfd.readouterr().err


def test_a_kernel_that_dies_while_starting_is_replaced_once_and_the_page_is_the_same(
    project, tmp_path, monkeypatch, caplog
):
    """A kernel that dies before any cell runs (as one can when another process takes a port
    it was given) is replaced by a new one, once; the page is the same. A second death, or
    an error while cells run, is not retried."""
    import papermill

    job = _jobs(["burnley"], output_dir=tmp_path / "first")[0]
    expected = execute(job, PapermillEngine()).read_bytes()
    real = papermill.execute_notebook
    failures = {"left": 1}

    def flaky(*args, **kwargs):
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("Kernel died before replying to kernel_info")
        return real(*args, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    again = _jobs(["burnley"], output_dir=tmp_path / "again")[0]
    with caplog.at_level("WARNING", logger="hwb.render"):
        assert execute(again, PapermillEngine()).read_bytes() == expected
    assert "burnley: its kernel died while starting" in caplog.text
    failures["left"] = 2
    with pytest.raises(RuntimeError, match="Kernel died"):
        execute(_jobs(["burnley"], output_dir=tmp_path / "twice")[0], PapermillEngine())
    assert not (tmp_path / "twice" / "burnley.ipynb").exists()
