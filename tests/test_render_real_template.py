"""The real templates render the committed pages' bytes with fork-server kernels: a one-
and a two-district partnership, with the snapshot parsed in the fork server (skipped when
the template is not there). The committed pages are what the standard Papermill engine
renders (tests/test_end_to_end.py, under another machine's arithmetic), and stock
jupyter_client kernels, the project's and fork-server ones give the same bytes
(tests/test_render_engine.py): so the fast kernels change nothing on the real pages.

One test per page, so pytest-xdist spreads the renders over the cores; the pages a worker
runs share one fork server, started as the first district's fast render starts it.
"""

from __future__ import annotations

import pytest

from hwb import params, paths
from hwb.render import forkserver
from hwb.render.engines import ForkServerEngine
from hwb.render.execute import district_job, execute
from hwb.render.pipeline import overview_job

pytestmark = pytest.mark.slow

PAGES = ["burnley", "wyre"]  # a one-district and a two-district partnership


def _job(page: str, folder):
    if page == "overview":
        return overview_job(output_dir=folder)
    return district_job(params.load_district(page), output_dir=folder)


@pytest.fixture(scope="module")
def fork_server():
    """A fork server of this module's own (an earlier one stops at exit), preloading the
    district template's imports: what ``ForkServerEngine`` starts
    for a district's page in a process without one. Stopped after the module."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(forkserver, "_LOCAL", None)
        forkserver.ensure_server([paths.DISTRICT_TEMPLATE], paths.ROOT)
        server = forkserver._LOCAL
        yield server
        server.stop()


@pytest.mark.skipif(not paths.DISTRICT_TEMPLATE.is_file(), reason="no real district template yet")
@pytest.mark.parametrize("page", PAGES)
def test_real_template_fast_kernels_give_the_committed_pages(page, fork_server, tmp_path):
    from hwb.partnerships import partnership_of

    with pytest.MonkeyPatch.context() as m:
        m.setattr(paths, "BUILD", tmp_path / "build")
        m.setattr(paths, "FAILED", tmp_path / "build" / "failed")
        fast = execute(_job(page, tmp_path / "fast"), ForkServerEngine())
    committed = paths.DISTRICT_PAGES / f"{partnership_of(page).slug}.ipynb"
    assert fast.read_bytes() == committed.read_bytes(), f"{page}: fast kernel page differs"
    # the fast kernel was forked from that server
    assert forkserver._LOCAL is fork_server
