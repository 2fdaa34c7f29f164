"""The real templates render the same bytes with fork-server kernels as with stock
Papermill (jupyter_client's own KernelManager): three districts and the overview, with the
snapshot parsed in the fork server (skipped when the template is not there)."""

from __future__ import annotations

import pytest
from jupyter_client.manager import KernelManager

from hwb import params, paths
from hwb.render import execute as execute_module
from hwb.render import forkserver
from hwb.render.engines import ForkServerEngine, PapermillEngine
from hwb.render.execute import district_job, execute
from hwb.render.pipeline import overview_job

pytestmark = pytest.mark.slow

SLUGS = ["burnley", "pendle", "wyre"]


@pytest.mark.skipif(not paths.DISTRICT_TEMPLATE.is_file(), reason="no real district template yet")
def test_real_template_fast_and_standard_kernels_give_identical_pages(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    monkeypatch.setattr(paths, "FAILED", tmp_path / "build" / "failed")
    monkeypatch.setattr(
        forkserver, "_LOCAL", None
    )  # a server of this test's own (an earlier one stops at exit)
    jobs = {
        slug: (
            lambda folder, slug=slug: district_job(params.load_district(slug), output_dir=folder)
        )
        for slug in SLUGS
    }
    jobs["overview"] = lambda folder: overview_job(output_dir=folder)
    for slug, job in jobs.items():
        with (
            monkeypatch.context() as m
        ):  # stock Papermill/nbclient with jupyter_client's KernelManager
            m.setattr(
                execute_module,
                "kernel_manager_class",
                lambda fork_address=None, root=None: KernelManager,
            )
            standard = execute(job(tmp_path / "standard"), PapermillEngine())
        fast = execute(job(tmp_path / "fast"), ForkServerEngine())
        assert standard.read_bytes() == fast.read_bytes(), f"{slug}: fast kernel page differs"
    # the fast kernels were forked from a server that had parsed the snapshot already
    assert forkserver._LOCAL.info["warmed"] == [str(paths.SNAPSHOT)]
