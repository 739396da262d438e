"""Where runs execute: in this process, in a local process pool, or on a Dask cluster.

Executors are ``concurrent.futures`` executors used as context managers, so a
sweep or an experiment can swap one for another (Dask's ``client.get_executor()``
is one too) without changing how it submits runs.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from experiments.errors import UserError

__all__ = [
    "ExecutorSlot",
    "InProcessExecutor",
    "check_one_executor",
    "dask_local_executor",
    "dask_scheduler_executor",
    "default_workers",
    "local_executor",
    "open_executor",
    "watch_parent",
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
    context.set_forkserver_preload(["sim", "experiments.runner", "experiments.pipeline.loop"])
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=watch_parent,
        initargs=(os.getpid(),),
    )


def watch_parent(parent_pid: int, interval: float = 0.5) -> None:
    """Pool-worker initializer: exit as soon as the process that made the pool is gone.

    Without it, killing only the parent (``kill -9``) leaves workers computing
    their current run to the end. Two guards: on Linux the kernel kills the worker
    when its own parent (the forkserver, which exits with the main process) dies
    (``PR_SET_PDEATHSIG``); everywhere a daemon thread checks every ``interval``
    seconds that the main process is alive and that the worker was not reparented.
    """
    _kill_me_with_my_parent()
    original = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != original or not _alive(parent_pid):
                os._exit(1)

    threading.Thread(target=watch, name="govsim-parent-watch", daemon=True).start()


def _kill_me_with_my_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # the thread below still guards
        pass


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a killed process not yet reaped by its parent counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc: the signal check above is all we have
    return state not in (b"Z", b"X")


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


def check_one_executor(scheduler: str | None, dask_local: int | None) -> None:
    """Refuse ``--scheduler`` together with ``--dask-local`` (before any work is done).

    Raises
    ------
    UserError
        When both are given.
    """
    if scheduler and dask_local:
        raise UserError("--scheduler and --dask-local: give one or the other")


@contextmanager
def open_executor(
    workers: int = 0, scheduler: str | None = None, dask_local: int | None = None
) -> Iterator[ExecutorSlot]:
    """The executor the command line asked for: ``--scheduler``, ``--dask-local`` or ``--workers``.

    ``workers`` 0 means every core; 1 runs in this process.
    """
    check_one_executor(scheduler, dask_local)
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
