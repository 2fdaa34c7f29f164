"""Where pages execute: in this process, a local process pool, or Dask distributed.

Every executor submits the same function, :func:`run_job`, which never raises: it
returns a :class:`JobOutcome` (rendered or failed, with the message naming the district
and cell), so one failing page cannot stop the others. Kernels come from a fork server
(:mod:`hwb.render.forkserver`): the build starts one and names it in ``$HWB_FORKSERVER``
so pool workers and local Dask workers share it; a worker on another machine starts its
own on first use.
"""
from __future__ import annotations

import os
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass
from pathlib import Path

from hwb import paths
from hwb.render import forkserver

EXECUTORS = ("pool", "dask")


@dataclass
class JobOutcome:
    slug: str
    output: str
    status: str  # "rendered" | "failed"
    seconds: float
    message: str = ""
    worker: str = ""


def run_job(job, fast: bool = True) -> JobOutcome:
    """Execute one job and report how it went (the function every executor submits)."""
    from hwb.errors import HwbError
    from hwb.render.execute import execute

    start = time.perf_counter()
    worker = f"{os.uname().nodename}:{os.getpid()}"
    try:
        execute(job, fast=fast)
        status, message = "rendered", ""
    except HwbError as exc:
        status, message = "failed", str(exc)
    except Exception as exc:  # noqa: BLE001 - a bug or a broken environment: still report, don't crash the run
        status = "failed"
        message = f"{job.slug}: {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
    return JobOutcome(job.slug, str(job.output), status, time.perf_counter() - start, message, worker)


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


_SERVERS: dict[tuple, forkserver.ForkServer] = {}


def start_shared_forkserver(templates: Iterable[Path], snapshots: Iterable[Path] = ()) -> forkserver.ForkServer:
    """Start the build's fork server and name it in the environment workers inherit.

    ``snapshots``: the data the pages read, parsed once in the server. Does not wait for it
    to preload: the workers start meanwhile, and :func:`fork_server_usable` is asked before
    any page is submitted. One server per (project root, preloaded modules, snapshots) is
    kept for this process's life, so repeated runs in one process (tests, benchmarks) do
    not pay its start-up again.
    """
    modules = forkserver.template_imports(sorted(templates))
    sources = sorted({str(s) for s in snapshots})
    key = (str(paths.ROOT), tuple(modules), tuple(sources))
    server = _SERVERS.get(key)
    if server is None or server.process.poll() is not None:
        server = _SERVERS[key] = forkserver.ForkServer(modules, paths.ROOT, sources)
    os.environ[forkserver.ENV_ADDRESS] = server.address
    return server


def fork_server_usable(server: forkserver.ForkServer) -> bool:
    """Wait for ``server`` to finish preloading; False (standard kernels) if preloading was unsafe."""
    return not server.wait_ready().get("unsafe")


def _warm_worker() -> None:
    from hwb.render.imports import skip_unused_format_checkers

    skip_unused_format_checkers()
    import papermill  # noqa: F401  (import once per worker, not per page)


def _fast(fast: bool, ready: Callable[[], bool] | None) -> bool:
    """Whether pages may use fork-server kernels, asked only once workers are starting."""
    return fast and (ready() if ready is not None else True)


def run_local(jobs: list, workers: int, fast: bool,
              ready: Callable[[], bool] | None = None) -> Iterator[JobOutcome]:
    """Yield outcomes as pages finish, on ``workers`` local processes (in-process if 1).

    ``ready`` (optional) blocks until the fork server has preloaded and says whether to use
    it; the pool's workers are started first, so their imports overlap its preloading.
    """
    if workers <= 1 or len(jobs) <= 1:
        fast = _fast(fast, ready)
        for job in jobs:
            yield run_job(job, fast)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    n = min(workers, len(jobs))
    with ProcessPoolExecutor(max_workers=n, mp_context=context, initializer=_warm_worker) as pool:
        for _ in range(n):  # a spawn pool starts a worker per submission: start them all now
            pool.submit(os.getpid)
        fast = _fast(fast, ready)
        futures = [pool.submit(run_job, job, fast) for job in jobs]
        try:
            yield from _as_completed(futures, lambda f: f.result())
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _as_completed(futures: list, result: Callable) -> Iterator[JobOutcome]:
    pending = set(futures)
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            yield result(future)


def run_dask(jobs: list, workers: int, fast: bool, scheduler: str | None = None,
             ready: Callable[[], bool] | None = None) -> Iterator[JobOutcome]:
    """Yield outcomes from Dask distributed: a loopback ``LocalCluster`` of ``workers``
    single-threaded processes, or the existing cluster at ``scheduler`` (tcp://host:port).
    ``ready`` as for :func:`run_local` (asked once the cluster is up)."""
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None, silence_logs=40)
        client = Client(cluster)
    try:
        fast = _fast(fast, ready)
        futures = [client.submit(run_job, job, fast, pure=False, key=f"hwb-{job.slug}") for job in jobs]
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


def run(jobs: list, executor: str = "pool", workers: int | None = None, fast: bool = True,
        scheduler: str | None = None, ready: Callable[[], bool] | None = None) -> Iterator[JobOutcome]:
    """Execute ``jobs`` on the chosen executor, yielding each outcome as it finishes.

    With nothing to execute (everything cached), no pool or cluster is started.
    """
    if not jobs:
        return
    workers = workers or default_jobs()
    if executor == "dask":
        yield from run_dask(jobs, workers, fast, scheduler, ready)
    else:
        yield from run_local(jobs, workers, fast, ready)

