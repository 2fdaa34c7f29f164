"""Where pages execute: in this process, a local process pool, or Dask distributed.

Every executor submits the same function, :func:`run_job`, which never raises: it
returns a :class:`JobOutcome` (rendered or failed, with the message naming the district
and cell), so one failing page cannot stop the others. Each page is executed by the
:class:`~hwb.render.engines.Engine` passed in: executors start their workers first, then
call its ``ready()`` (a fork server preloads meanwhile) and hand the engine it returns to
every worker as an argument. Work the pages depend on (the model step,
:mod:`hwb.render.models`) is given as ``before``: ``(function, argument)`` pairs run on the
same workers, all finished before the first page starts; each function returns its outcome
rather than raising, and ``on_before`` receives it.
"""

from __future__ import annotations

import os
import platform
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass
from typing import Any

from hwb.render import engines

EXECUTORS = ("pool", "dask")


@dataclass
class JobOutcome:
    slug: str
    output: str
    status: str  # "rendered" | "failed"
    seconds: float
    message: str = ""
    worker: str = ""


def run_job(job, engine: engines.Engine) -> JobOutcome:
    """Execute one job with ``engine`` and report how it went (what every executor submits)."""
    from hwb.errors import HwbError, os_error_message

    start = time.perf_counter()
    worker = f"{platform.node()}:{os.getpid()}"
    try:
        engine.execute(job)
        status, message = "rendered", ""
    except HwbError as exc:
        status, message = "failed", str(exc)
    except OSError as exc:  # the page could not be written: one line naming the path and fix
        status, message = "failed", f"{job.slug}: cannot write {os_error_message(exc)}"
    except Exception as exc:  # noqa: BLE001 - a bug or a broken environment: still report, don't crash the run
        status = "failed"
        message = f"{job.slug}: {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
    return JobOutcome(
        job.slug, str(job.output), status, time.perf_counter() - start, message, worker
    )


def cores() -> int:
    """The cores this process may run on."""
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


def default_jobs() -> int:
    """Pages executed at once: one more than the cores. Each page spends a few tenths of a
    second with its core idle (its kernel starting and exiting, the page handed out and
    written), which the extra page fills: 30 synthetic areas (60 pages) on 2 cores took
    59.5 s and 86.9 s with 3 at once against 77.2 s and 95.6 s with 2, in alternate runs."""
    return cores() + 1


def _warm_worker() -> None:
    import signal

    # Terminated with the build: interrupt the page as Ctrl-C would, so its kernel is shut
    # down and its connection file removed (Python's default would just exit).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    from hwb.render.imports import skip_unused_format_checkers

    skip_unused_format_checkers()
    import papermill  # noqa: F401  (import once per worker, not per page)


Before = Sequence[tuple[Callable[[Any], Any], Any]]


def run_local(
    jobs: list,
    workers: int,
    engine: engines.Engine,
    before: Before = (),
    on_before: Callable[[Any], None] | None = None,
) -> Iterator[JobOutcome]:
    """Yield outcomes as pages finish, on ``workers`` local processes (in-process if 1).

    ``engine.ready()`` is asked once the pool's workers are started (and ``before`` has
    run on them), so their imports overlap a fork server's preloading.
    """
    report = on_before or (lambda _: None)
    if workers <= 1 or len(jobs) <= 1:
        for function, argument in before:
            report(function(argument))
        engine = engine.ready()
        for job in jobs:
            yield run_job(job, engine)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    n = min(workers, len(jobs))
    with ProcessPoolExecutor(max_workers=n, mp_context=context, initializer=_warm_worker) as pool:
        for _ in range(n):  # a spawn pool starts a worker per submission: start them all now
            pool.submit(os.getpid)
        first = [pool.submit(function, argument) for function, argument in before]
        for outcome in _as_completed(first, lambda f: f.result()):
            report(outcome)
        engine = engine.ready()
        futures = [pool.submit(run_job, job, engine) for job in jobs]
        try:
            yield from _as_completed(futures, lambda f: f.result())
        except BaseException:
            for future in futures:
                future.cancel()
            from hwb.processes import TERMINATED

            # A terminated build stops its workers' pages too (Ctrl-C reaches them itself).
            for process in list(getattr(pool, "_processes", {}).values()) if TERMINATED else []:
                if process.is_alive():
                    process.terminate()
            raise


def _as_completed(futures: list, result: Callable) -> Iterator[JobOutcome]:
    pending = set(futures)
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            yield result(future)


#: Dask's own monitoring, turned down in the loopback cluster a build starts: it has no
#: dashboard to feed, and on two cores every sample is taken from the pages. Only what is
#: observed and how often changes, never what runs.
QUIET_LOCAL_CLUSTER = {
    "distributed.worker.profile.enabled": False,  # stack samples of running tasks, every 10 ms
    "distributed.admin.tick.interval": "1s",  # event-loop health check, every 20 ms
    "distributed.admin.system-monitor.interval": "5s",  # CPU, memory, disk samples, every 0.5 s
    "distributed.admin.system-monitor.gil.enabled": False,  # GIL contention polls, every 1 ms
    "distributed.worker.memory.monitor-interval": "1s",  # the nanny's memory check, every 0.1 s
}


def run_dask(
    jobs: list,
    workers: int,
    engine: engines.Engine,
    scheduler: str | None = None,
    before: Before = (),
    on_before: Callable[[Any], None] | None = None,
) -> Iterator[JobOutcome]:
    """Yield outcomes from Dask distributed: a loopback ``LocalCluster`` of ``workers``
    single-threaded processes (its monitoring turned down, :data:`QUIET_LOCAL_CLUSTER`), or
    the existing cluster at ``scheduler`` (tcp://host:port), left as it is configured.
    ``engine``, ``before`` and ``on_before`` as for :func:`run_local` (``ready()`` asked
    once the cluster is up and ``before`` has run)."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        yield from _run_on(Client(scheduler), None, jobs, engine, before, on_before)
        return
    with dask.config.set(QUIET_LOCAL_CLUSTER):  # read as the cluster and its workers start
        cluster = LocalCluster(
            n_workers=max(1, workers),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=40,
        )
    yield from _run_on(Client(cluster), cluster, jobs, engine, before, on_before)


def _run_on(
    client, cluster, jobs: list, engine: engines.Engine, before: Before, on_before
) -> Iterator[JobOutcome]:
    from distributed import as_completed

    try:
        first = [
            client.submit(function, argument, pure=False, key=f"hwb-before-{index}")
            for index, (function, argument) in enumerate(before)
        ]
        for future in as_completed(first):
            if on_before:
                on_before(future.result())
        engine = engine.ready()
        futures = [
            client.submit(run_job, job, engine, pure=False, key=f"hwb-{job.slug}") for job in jobs
        ]
        try:
            for future in as_completed(futures):
                yield future.result()
        except BaseException:
            client.cancel(futures)
            raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run(
    jobs: list,
    executor: str = "pool",
    workers: int | None = None,
    engine: engines.Engine | None = None,
    scheduler: str | None = None,
    before: Before = (),
    on_before: Callable[[Any], None] | None = None,
) -> Iterator[JobOutcome]:
    """Execute ``jobs`` on the chosen executor, yielding each outcome as it finishes.

    ``engine``: default, :func:`hwb.render.engines.start` of the ``auto`` engine. With
    nothing to execute (everything cached), no pool, cluster or fork server is started.
    ``before``: work to finish on the same workers before any page starts (see the module
    docstring), each outcome given to ``on_before``.
    """
    if not jobs:
        return
    workers = workers or default_jobs()
    if engine is None:
        engine = engines.start(
            engines.AUTO, jobs, workers, shared=executor != "dask" or not scheduler
        )
    if executor == "dask":
        yield from run_dask(jobs, workers, engine, scheduler, before, on_before)
    else:
        yield from run_local(jobs, workers, engine, before, on_before)
