"""The pipeline's named steps (decide, reuse, execute, record, build book) around an
engine, shown with a stand-in engine that writes a fixed notebook (no kernel)."""

from __future__ import annotations

import json

import nbformat
import render_support as support

from hwb import params, paths
from hwb.errors import PackFailed
from hwb.render import engines, pipeline
from hwb.render.execute import district_job

project = support.project  # the fixture: a temporary project root


class WritingEngine:
    """Writes a one-cell notebook per page; fails for ``fail``."""

    name = "stand-in"

    def __init__(self, fail: str = "") -> None:
        self.fail, self.executed = fail, []

    def ready(self):
        return self

    def execute(self, job):
        self.executed.append(job.slug)
        if job.slug == self.fail:
            raise PackFailed(f"{job.slug}: the notebook failed at cell 1")
        job.output.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(
            nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(job.slug)]),
            str(job.output),
        )
        return job.output


def _jobs(*slugs):
    return [district_job(params.load_district(s)) for s in slugs]


def test_steps_execute_then_reuse_then_record_with_the_engine_given(project, monkeypatch):
    engine = WritingEngine(fail="hyndburn")
    started = []

    def start(name, jobs, workers, shared=True, workspace=None):
        started.append((name, [j.slug for j in jobs], workers, shared))
        return engine

    monkeypatch.setattr(engines, "start", start)
    seen = []
    first = pipeline.run(
        _jobs("burnley", "hyndburn"),
        workers=1,
        engine="papermill",
        progress=False,
        on_result=seen.append,
    )
    assert [(r.slug, r.status, r.action) for r in first] == [
        ("burnley", "rendered", "execute"),
        ("hyndburn", "failed", "execute"),
    ]
    assert started == [("papermill", ["burnley", "hyndburn"], 1, True)]
    assert [r.slug for r in seen] == ["burnley", "hyndburn"]
    manifest = json.loads((paths.BUILD / "run-manifest.json").read_text())
    assert manifest["settings"]["engine"] == "stand-in" and manifest["counts"]["failed"] == 1
    assert [p["reasons"] for p in manifest["pages"]] == [["never built (no cache entry)"]] * 2

    again = pipeline.run(_jobs("burnley", "hyndburn"), workers=1, progress=False)
    assert [(r.slug, r.action) for r in again] == [("burnley", "cached"), ("hyndburn", "execute")]
    assert engine.executed == ["burnley", "hyndburn", "hyndburn"]  # only the failed page again
    assert started[-1][1] == ["hyndburn"]


def test_everything_cached_starts_no_engine(project, monkeypatch):
    monkeypatch.setattr(engines, "start", lambda *a, **k: WritingEngine())
    pipeline.run(_jobs("burnley"), workers=1, progress=False)

    def no_engine(*args, **kwargs):
        raise AssertionError("an engine was started with nothing to execute")

    monkeypatch.setattr(engines, "start", no_engine)
    (result,) = pipeline.run(_jobs("burnley"), workers=1, engine="forkserver", progress=False)
    assert result.status == "cached"
    assert (
        json.loads((paths.BUILD / "run-manifest.json").read_text())["settings"]["engine"]
        == "forkserver"
    )


def test_the_book_step_records_its_time_in_the_manifest(project, monkeypatch):
    from hwb.render import book

    monkeypatch.setattr(engines, "start", lambda *a, **k: WritingEngine())
    pipeline.run(_jobs("burnley"), workers=1, progress=False)
    monkeypatch.setattr(
        book, "build_book_if_changed", lambda force=False, warm=None: (paths.BOOK_HTML, False)
    )
    assert pipeline.build_book() == (paths.BOOK_HTML, False)
    assert json.loads((paths.BUILD / "run-manifest.json").read_text())["book"]["built"] is False


def test_the_cli_wires_the_engine_choice(project, monkeypatch):
    from hwb import cli

    calls = []
    monkeypatch.setattr(pipeline, "run", lambda jobs, **options: calls.append(options) or [])
    assert cli.main(["build", "burnley", "--no-book", "-j", "1"]) == 0
    assert cli.main(["build", "burnley", "--no-book", "--engine", "papermill"]) == 0
    assert cli.main(["build", "burnley", "--no-book", "--standard-kernels"]) == 0
    assert [c["engine"] for c in calls] == ["auto", "papermill", "papermill"]
