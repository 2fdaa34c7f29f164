"""Shared fixtures: the repo root, a scratch copy of parameters, the real extract (or a skip),
Burnley's rendered pack; and the order tests start in.

`make test` runs the suite on every core (pytest-xdist). Each free worker is handed the
next test, or the next of the GROUPS below whole: tests that share an expensive module- or
session-scoped fixture, which is then built once, in one worker. Tests marked ``slow`` or
``browser`` go first (a group where its first test is), then the rest, so the workers
finish together, on short tests.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hwb import paths

# Tests that share an expensive fixture run one after another in one worker, so it is built
# once: {test file or folder: its group}.
GROUPS = {
    "tests/browser/": "built book",  # the book built from the committed pages, Chromium, PDFs
    "tests/test_end_to_end.py": "burnley pack",  # Burnley's rendered pack (BurnleyRender)
    "tests/test_pages_built.py": "burnley pack",
    "tests/test_pages_sections.py": "sections",  # the twelve districts' packs, projections
    "tests/test_data_demo.py": "demo snapshot",  # the default demonstration snapshot
    "tests/test_pages_overview.py": "overview",  # the overview's model
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """xdist's load scheduling by unit: a group of GROUPS, or a single test.

    (``--dist loadgroup`` with ``xdist_group`` marks would say the same, but with pytest 9.2
    it no longer groups anything: pytest-xdist issue #1386.) Only for the default ``load``
    distribution; ``--dist <mode>`` given on the command line is left alone.
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    config.option.loadscopereorder = False  # units in collection order (see below), not by size

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return next(
                (group for prefix, group in GROUPS.items() if nodeid.startswith(prefix)), nodeid
            )

        def _reschedule(self, node) -> None:
            """The next unit only once the worker is down to its last test (a worker runs a
            test when it holds the one after it), not from three left as xdist does: a unit
            queued behind a long test cannot move to a worker that has run out."""
            if node.shutting_down:
                return
            if not self.workqueue:
                node.shutdown()
            elif self._pending_of(self.assigned_work[node]) <= 1:
                self._assign_work_unit(node)

    return GroupScheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow and browser tests before the others (a stable sort: otherwise file order)."""
    items.sort(key=lambda item: not any(item.get_closest_marker(m) for m in ("slow", "browser")))


@pytest.fixture(scope="session", autouse=True)
def models_remembered(tmp_path_factory):
    """A model is computed once per run for the same inputs, by whichever worker asks first,
    and read back by the others (:func:`hwb.model.build.remember_models`): many tests read
    the same district's model. The folder is this run's (shared by its xdist workers)."""
    import os

    from hwb.model.build import remember_models

    base = tmp_path_factory.getbasetemp()
    run = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    remember_models(run / "models")
    yield
    remember_models(None)


@pytest.fixture(autouse=True)
def fresh_models_where_asked(request):
    """Tests marked ``fresh_model`` (determinism, the computation itself) and tests that
    monkeypatch (what they patch may be what a model is computed from, behind its inputs'
    key) compute their models afresh."""
    from hwb.model.build import computed_afresh

    if request.node.get_closest_marker("fresh_model") or "monkeypatch" in request.fixturenames:
        with computed_afresh():
            yield
    else:
        yield


@pytest.fixture
def params_dir(tmp_path: Path) -> Path:
    """A writable copy of parameters/ to break in a test."""
    target = tmp_path / "parameters"
    shutil.copytree(paths.PARAMETERS, target)
    return target


@pytest.fixture
def real_extract() -> Path:
    """The real Lancashire Fingertips extract from ../shared, or skip when it is absent."""
    if not paths.REAL_EXTRACT.is_file():
        pytest.skip(f"real extract not available at {paths.REAL_EXTRACT}")
    return paths.REAL_EXTRACT


def other_machine_numerics() -> dict[str, str]:
    """Environment variables that make this machine compute like another one: OpenBLAS on
    its oldest generic x86-64 kernels in one thread (other summation orders, no FMA) and
    numpy without the SIMD paths it found on this CPU (other last bits in its loops). A
    page rendered under them must be the same bytes as one rendered without them."""
    import numpy._core._multiarray_umath as umath

    found = [f for f in umath.__cpu_dispatch__ if umath.__cpu_features__.get(f)]
    other = {
        "OPENBLAS_CORETYPE": "Prescott",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    if found:
        other["NPY_DISABLE_CPU_FEATURES"] = " ".join(found)
    return other


class BurnleyRender:
    """Burnley's partnership pack executed by Papermill (the standard engine) from the
    shipped snapshot into a folder of its own, when a test first asks for it (``path``),
    its kernel under :func:`other_machine_numerics`, as a machine with another CPU and BLAS
    would compute it. It must be the committed page's bytes (tests/test_end_to_end.py)."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self._factory = tmp_path_factory
        self._path: Path | None = None

    @property
    def path(self) -> Path:
        from hwb import params
        from hwb.render.execute import district_job, execute

        if self._path is None:
            folder = self._factory.mktemp("burnley")
            with pytest.MonkeyPatch.context() as environment:
                for name, value in other_machine_numerics().items():
                    environment.setenv(name, value)
                job = district_job(params.load_district("burnley"), output_dir=folder)
                self._path = execute(job)
        return self._path


@pytest.fixture(scope="session")
def burnley_render(tmp_path_factory) -> BurnleyRender:
    """Burnley's pack rendered from the shipped snapshot, shared by the tests that read it
    (test_end_to_end.py, test_pages_built.py: one xdist group, so one worker renders it)."""
    return BurnleyRender(tmp_path_factory)
