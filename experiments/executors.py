"""Where runs execute: in this process or in a local process pool.

Executors are ``concurrent.futures`` executors used as context managers, so a
sweep or an experiment can swap one for another (Dask's ``client.get_executor()``
is one too) without changing how it submits runs.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

__all__ = ["InProcessExecutor", "default_workers", "local_executor"]


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
