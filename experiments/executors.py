"""Where runs execute: in this process, in a local process pool, or on a Dask cluster.

Executors are ``concurrent.futures`` executors used as context managers, so a
sweep or an experiment can swap one for another (Dask's ``client.get_executor()``
is one too) without changing how it submits runs.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from experiments.errors import UserError

__all__ = [
    "ExecutorSlot",
    "InProcessExecutor",
    "dask_local_executor",
    "dask_scheduler_executor",
    "default_workers",
    "local_executor",
    "open_executor",
]


class InProcessExecutor(Executor):
    """Runs each task at submission, in this process (easiest to debug and profile)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # the future carries it to the caller
            if isinstance(error, KeyboardInterrupt):
                raise
            future.set_exception(error)
        return future


def default_workers() -> int:
    """Usable cores of this machine."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def local_executor(workers: int) -> Executor:
    """An in-process executor for one worker, else a process pool.

    The pool uses the ``forkserver`` start method with the model preloaded: workers
    start fast, and no state of the parent leaks into them.
    """
    if workers <= 1:
        return InProcessExecutor()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["sim", "experiments.runner"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


@dataclass(frozen=True)
class ExecutorSlot:
    """An open executor, how many runs it works on at once, and a description for manifests."""

    executor: Executor
    workers: int
    description: str


@contextmanager
def dask_local_executor(workers: int, dashboard: bool = False) -> Iterator[ExecutorSlot]:
    """A Dask ``LocalCluster`` of ``workers`` single-threaded processes, as an executor.

    Processes rather than threads: the model holds the GIL, so threads would
    not run in parallel.
    """
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=workers,
        processes=True,
        threads_per_worker=1,
        dashboard_address=":0" if dashboard else None,
    )
    try:
        with Client(cluster) as client:
            yield ExecutorSlot(
                client.get_executor(pure=False), workers, f"dask LocalCluster({workers})"
            )
    finally:
        cluster.close()


@contextmanager
def dask_scheduler_executor(address: str, timeout: float = 20.0) -> Iterator[ExecutorSlot]:
    """An executor on an existing Dask cluster (workers need this package installed).

    Raises
    ------
    UserError
        When the scheduler cannot be reached within ``timeout`` seconds.
    """
    from distributed import Client

    try:
        client = Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as error:
        raise UserError(
            f"--scheduler {address}: cannot connect to a Dask scheduler ({error})"
        ) from None
    try:
        threads = sum(client.nthreads().values()) or 1
        yield ExecutorSlot(
            client.get_executor(pure=False),
            threads,
            f"dask scheduler {address} ({threads} threads)",
        )
    finally:
        client.close()


@contextmanager
def open_executor(
    workers: int = 0, scheduler: str | None = None, dask_local: int | None = None
) -> Iterator[ExecutorSlot]:
    """The executor the command line asked for: ``--scheduler``, ``--dask-local`` or ``--workers``.

    ``workers`` 0 means every core; 1 runs in this process.
    """
    if scheduler and dask_local:
        raise UserError("--scheduler and --dask-local: give one or the other")
    if scheduler:
        with dask_scheduler_executor(scheduler) as slot:
            yield slot
    elif dask_local:
        with dask_local_executor(dask_local) as slot:
            yield slot
    else:
        workers = workers or default_workers()
        with local_executor(workers) as executor:
            kind = "in-process" if workers <= 1 else f"process pool({workers})"
            yield ExecutorSlot(executor, workers, kind)
