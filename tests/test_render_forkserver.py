"""What the fork server preloads, and when the build waits for it.

A pack's cost should be its own work: every module a pack needs must be imported by the
template's own imports (so the fork server preloads it once), and the pool's workers must
start while the server is still preloading rather than after it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from types import SimpleNamespace

import nbformat
import psutil
import pytest

from hwb import paths
from hwb.render import executors
from hwb.render.engines import PapermillEngine
from hwb.render.forkserver import template_imports

# Libraries that take hundreds of milliseconds to import (statsmodels.api alone: ~370 modules).
HEAVY = {
    "scipy",
    "statsmodels",
    "patsy",
    "formulaic",
    "pandera",
    "narwhals",
    "PHStatsMethods",
    "pydantic",
}


def test_template_imports_reads_code_cells_in_order_and_skips_magics(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("import not_code"),
        nbformat.v4.new_code_cell(
            "import hwb.pages as hp\nfrom hwb.params import load_district\nx = 1"
        ),
        nbformat.v4.new_code_cell("%matplotlib inline\nimport never_seen"),  # not Python: skipped
        nbformat.v4.new_code_cell(
            "import IPython\nfrom matplotlib_inline import backend_inline\nimport numpy"
        ),
        nbformat.v4.new_code_cell("def f():\n    import inside_a_function\nfrom . import relative"),
    ]
    path = tmp_path / "t.ipynb"
    nbformat.write(nb, str(path))  # nbformat stores sources as lists of lines
    assert json.loads(path.read_text())["cells"][1]["source"][0] == "import hwb.pages as hp\n"
    assert template_imports([path, tmp_path / "missing.ipynb"]) == [
        "hwb.pages",
        "hwb.params",
        "numpy",
    ]


@pytest.mark.slow
@pytest.mark.skipif(not paths.DISTRICT_TEMPLATE.is_file(), reason="no district template")
def test_a_pack_imports_nothing_heavy_beyond_what_the_fork_server_preloads():
    """Lazily imported libraries would be paid for by every pack instead of once per build."""
    templates = [paths.DISTRICT_TEMPLATE, paths.NOTEBOOKS / "overview.ipynb"]
    modules = template_imports(templates)
    script = textwrap.dedent(f"""
        import importlib, json, sys
        for name in {modules!r}:
            importlib.import_module(name)
        before = set(sys.modules)
        import hwb.pages as hp
        from hwb.params import load_district
        pack = hp.load_pack(load_district("burnley").to_notebook(), "data/snapshot")
        parts = [hp.key_messages(pack), hp.district_profile(pack), hp.life_expectancy(pack),
                 *(hp.programme(pack, p) for p in ("Starting Well", "Living Well", "Ageing Well",
                                                    "Wider determinants")),
                 hp.looking_ahead(pack), hp.priorities(pack), hp.headline(pack), hp.about(pack)]
        print(json.dumps(sorted(set(sys.modules) - before)))
    """)
    env = {**os.environ, "MPLBACKEND": "agg"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=paths.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    late = json.loads(done.stdout.strip().splitlines()[-1])
    heavy = [m for m in late if m.split(".")[0] in HEAVY]
    assert not heavy, f"imported only when a pack runs, so once per pack: {heavy[:10]}"
    assert len(late) < 50, f"{len(late)} modules imported only when a pack runs: {late[:20]}"


@pytest.mark.slow
def test_pool_workers_start_before_the_build_waits_for_the_fork_server():
    seen = {}

    class Starting:  # an engine still preloading: ready() is when the build waits for it
        name = "forkserver"

        def ready(self):
            seen["workers"] = len(psutil.Process().children())
            return PapermillEngine()  # as if preloading were unsafe: pages use standard kernels

    # Jobs that cannot execute: run_job never raises, so each comes back "failed".
    jobs = [SimpleNamespace(slug=s, output=f"/nonexistent/{s}.ipynb") for s in "abc"]
    outcomes = list(executors.run_local(jobs, workers=2, engine=Starting()))
    assert seen["workers"] >= 2
    assert [o.status for o in outcomes] == ["failed"] * 3


def test_page_workers_skip_jsonschemas_iri_grammar_and_still_validate_notebooks():
    """rfc3987_syntax compiles a grammar on import (~1 s per worker); nothing here needs it."""
    script = textwrap.dedent("""
        import sys
        from hwb.render.imports import skip_unused_format_checkers
        skip_unused_format_checkers()
        import jsonschema, nbformat, papermill
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
        nbformat.validate(nb)
        del nb.cells[0]["outputs"]
        try:
            nbformat.validate(nb)
            invalid_rejected = False
        except nbformat.ValidationError:
            invalid_rejected = True
        print(sys.modules.get("rfc3987_syntax") is None, invalid_rejected,
              "iri" in jsonschema.FormatChecker().checkers)
    """)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=paths.ROOT
    ).stdout.split()
    assert out == ["True", "True", "False"]


def test_server_arguments():
    from hwb.render import forkserver

    assert forkserver._parse_arguments(["/tmp/s", "hwb.pages", "numpy", "--root", "/r"]) == (
        "/tmp/s",
        ["hwb.pages", "numpy"],
        "/r",
    )
