"""The model step of a build (hwb.render.models): which models pages read, run before them."""

from __future__ import annotations

from pathlib import Path

from render_support import project  # noqa: F401  (fixture)

from hwb import paths
from hwb.partnerships import resolve_partnership
from hwb.render import executors, models
from hwb.render.execute import partnership_job, summary_job
from hwb.render.pipeline import overview_job


def test_packs_summaries_and_the_overview_read_models_each_once():
    burnley = resolve_partnership("burnley")
    jobs = [partnership_job(burnley), summary_job(burnley), overview_job()]
    tasks = models.tasks_for(jobs)
    slugs = [t.slug for t in tasks]
    assert len(slugs) == len(set(slugs)) == 10  # every partnership once (the overview's)
    mine = next(t for t in tasks if t.slug == "burnley")
    assert mine.partnership == burnley.to_notebook()
    assert mine.snapshot == paths.SNAPSHOT and mine.folder == paths.MODELS


def test_pages_whose_template_does_not_import_hwb_pages_read_no_model(project):  # noqa: F811
    job = partnership_job(resolve_partnership("burnley"))
    assert not models.reads_models(Path(job.template))
    assert models.tasks_for([job]) == []


def test_a_failing_model_is_an_outcome_not_an_exception(tmp_path):
    task = models.ModelTask(
        "burnley", resolve_partnership("burnley").to_notebook(), tmp_path / "no-snapshot", tmp_path
    )
    outcome = models.run_task(task)
    assert outcome.status == "failed" and outcome.slug == "burnley"
    assert "no-snapshot" in outcome.message


def _record(value):
    return ("done", value)


def test_work_given_before_the_pages_finishes_before_the_first_page(monkeypatch):
    order = []

    class Engine:
        name = "test"

        def ready(self):
            order.append("ready")
            return self

        def execute(self, job):
            order.append(f"page {job.slug}")

    class Job:
        def __init__(self, slug):
            self.slug, self.output = slug, Path(slug)

    outcomes = list(
        executors.run_local(
            [Job("a")],
            1,
            Engine(),
            before=[(_record, 1), (_record, 2)],
            on_before=lambda r: order.append(r),
        )
    )
    assert order == [("done", 1), ("done", 2), "ready", "page a"]
    assert [o.status for o in outcomes] == ["rendered"]


def test_on_dask_the_work_before_the_pages_runs_on_the_cluster_and_is_reported(tmp_path):
    """The same code path on Dask: ``before`` runs on the cluster's workers and every outcome
    is reported; then the pages run (here a probe engine that fails every page it is given)."""
    from types import SimpleNamespace

    import render_support as support

    seen = []
    job = SimpleNamespace(slug="probe", output=tmp_path / "probe.ipynb")
    outcomes = list(
        executors.run_dask(
            [job],
            1,
            support.ConfigProbe([]),
            before=[(len, [1, 2]), (len, [1])],
            on_before=seen.append,
        )
    )
    assert sorted(seen) == [1, 2]
    assert [o.slug for o in outcomes] == ["probe"]
