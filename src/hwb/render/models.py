"""The model step of a build: each partnership model its pages read, worked out once first.

A pack and its four-page summary read their partnership's model (:mod:`hwb.model`); the
overview reads every partnership's. Before a build's pages execute, :func:`tasks_for`
lists the models they read, and the executor (:mod:`hwb.render.executors`: the local
pool or Dask, the same code path) runs :func:`run_task` for each, which writes the model
to ``build/model/<partnership>/`` unless it is already there for the same inputs. The
pages then read the files. A model that fails is reported and left to its pages, which
compute it themselves and show the error where it happens, as without this step.

Only pages whose template imports :mod:`hwb.pages` read models. After the pages,
:func:`publish_numbers` puts each pack's downloadable numbers (its model's ``numbers``
table) beside its page as ``book/districts/<partnership>.csv``, which the book links
(:mod:`hwb.publish.sphinx_ext`).
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hwb import paths
from hwb.render.execute import Job

log = logging.getLogger("hwb.render")

PAGES_PACKAGE = "hwb.pages"


@dataclass(frozen=True)
class ModelTask:
    """One partnership's model to bring up to date: its parameters (the JSON its pages
    receive), the snapshot it reads and the folder its model goes in."""

    slug: str
    partnership: dict[str, Any]
    snapshot: Path
    folder: Path


@dataclass
class ModelOutcome:
    slug: str
    status: str  # "built" | "current" | "failed"
    seconds: float
    message: str = ""


def reads_models(template: Path) -> bool:
    """Whether a template's pages read models: it imports :mod:`hwb.pages` (or a module of it)."""
    from hwb.render.cache import template_imports

    return any(
        m == PAGES_PACKAGE or m.startswith(PAGES_PACKAGE + ".")
        for m in template_imports([template])
    )


def tasks_for(jobs: Iterable[Job]) -> list[ModelTask]:
    """The models ``jobs`` read, each once: a pack's or summary's partnership (its
    ``params``), and for the overview every partnership of ``parameters/partnerships.yml``."""
    tasks: dict[tuple[str, str], ModelTask] = {}
    readers = {}
    for job in jobs:
        template = Path(job.template)
        if template not in readers:
            readers[template] = template.is_file() and reads_models(template)
        if not readers[template]:
            continue
        snapshot = Path(job.snapshot) if job.snapshot else paths.SNAPSHOT
        if "params" in job.parameters:
            given = [dict(job.parameters["params"])]
        else:
            from hwb.partnerships import load_partnerships

            given = [p.to_notebook() for p in load_partnerships()]
        for partnership in given:
            key = (partnership["slug"], str(snapshot))
            tasks.setdefault(
                key, ModelTask(partnership["slug"], partnership, snapshot, paths.MODELS)
            )
    return list(tasks.values())


def run_task(task: ModelTask) -> ModelOutcome:
    """Bring one model up to date (:func:`hwb.model.load`); never raises: a failure is an
    outcome, as a page's is (:func:`hwb.render.executors.run_job`)."""
    from hwb.model import build, load
    from hwb.partnerships import PartnershipParams

    start = time.perf_counter()
    built = []

    def compute(*args):
        built.append(True)
        return build(*args)

    try:
        partnership = PartnershipParams.model_validate(task.partnership)
        load(partnership, task.snapshot, root=task.folder, compute=compute)
        status, message = ("built" if built else "current"), ""
    except Exception as exc:  # noqa: BLE001 - its pages will meet it and say where
        status = "failed"
        message = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
    return ModelOutcome(task.slug, status, time.perf_counter() - start, message)


def report(outcome: ModelOutcome) -> None:
    """Log one model's outcome (a failure as a warning: its pages will show the error)."""
    if outcome.status == "failed":
        log.warning(
            "warning: the model of %s failed (%s); its pages will compute it and show the error",
            outcome.slug,
            outcome.message.splitlines()[0] if outcome.message else "no message",
        )
    else:
        log.info("model %s: %s in %.1fs", outcome.slug, outcome.status, outcome.seconds)


NUMBERS_SUFFIX = ".csv"


def numbers_path(job: Job) -> Path:
    """Where a pack's downloadable numbers go: beside its rendered page (``book/districts/<slug>.csv``)."""
    return Path(job.output).with_suffix(NUMBERS_SUFFIX)


def publish_numbers(job: Job, executed: bool) -> Path | None:
    """Write the numbers behind a pack (its model's ``numbers`` table) beside its page, when
    the page was just executed or the file is missing; None for a page that reads no model
    or whose model fails (the book then shows no link to it)."""
    target = numbers_path(job)
    if "params" not in job.parameters:
        return None
    if target.is_file() and not executed:
        return target  # a no-op build imports nothing more
    if not reads_models(Path(job.template)):
        return None
    from hwb.model import load
    from hwb.partnerships import PartnershipParams
    from hwb.render import atomic

    try:
        partnership = PartnershipParams.model_validate(job.parameters["params"])
        model = load(partnership, job.snapshot or paths.SNAPSHOT)
    except Exception as exc:  # noqa: BLE001 - the page itself reports what is wrong
        log.warning("warning: no numbers file for %s: %s", job.slug, exc)
        return None
    atomic.write_bytes(target, model.files["numbers"][0])
    return target
