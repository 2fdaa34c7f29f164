"""The real district template renders the same bytes with fork-server kernels as with
stock Papermill (jupyter_client's own KernelManager), on three districts (skipped when the template is not there)."""
from __future__ import annotations

import pytest
from jupyter_client.manager import KernelManager

from hwb import params, paths
from hwb.build import execute as execute_module
from hwb.build.execute import district_job, execute

pytestmark = pytest.mark.slow

SLUGS = ["burnley", "pendle", "wyre"]


@pytest.mark.skipif(not paths.DISTRICT_TEMPLATE.is_file(), reason="no real district template yet")
def test_real_template_fast_and_standard_kernels_give_identical_pages(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    monkeypatch.setattr(paths, "FAILED", tmp_path / "build" / "failed")
    monkeypatch.delenv("HWB_FORKSERVER", raising=False)
    for slug in SLUGS:
        district = params.load_district(slug)
        with monkeypatch.context() as m:  # stock Papermill/nbclient with jupyter_client's KernelManager
            m.setattr(execute_module, "kernel_manager_class", lambda fork_address=None: KernelManager)
            standard = execute(district_job(district, output_dir=tmp_path / "standard"), fast=False)
        fast = execute(district_job(district, output_dir=tmp_path / "fast"), fast=True)
        assert standard.read_bytes() == fast.read_bytes(), f"{slug}: fast kernel page differs"
