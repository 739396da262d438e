"""The one path every command runs the model on: plan -> execute -> store -> summarise.

- plan (:mod:`experiments.pipeline.plan`): dense run ids, each rebuilt as a
  :class:`~experiments.pipeline.plan.PlannedRun` (a ``RunTask`` with its identity
  and parameter values). :class:`experiments.sweep.plan.SweepPlan` is the general
  plan (variants x design points x replicates); a plain run config is a sweep of
  one point (``SweepPlan.single``); :class:`~experiments.pipeline.plan.TaskPlan`
  wraps an explicit list of tasks (lever-swap arms, every case at once).
- execute (:mod:`experiments.pipeline.loop`): the one executor loop, on any
  executor (in-process, process pool, Dask), outcomes in completion order.
- store (:mod:`experiments.pipeline.sinks`, :mod:`experiments.pipeline.store`):
  in memory, in run-id order, or a resumable sweep folder.
- summarise: each command's own tables and figures (``experiments.experiment``,
  ``experiments.sweep``, ``experiments.robust``, ``experiments.lever_swaps``,
  ``experiments.cases``).

Names load on first use (the submodules import one another and the sweep plan).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "FolderSink",
    "MemorySink",
    "PlannedRun",
    "RunOutcome",
    "Tally",
    "TaskPlan",
    "execute",
    "run_one",
]

_HOMES = {
    "PlannedRun": "experiments.pipeline.plan",
    "TaskPlan": "experiments.pipeline.plan",
    "RunOutcome": "experiments.pipeline.loop",
    "Tally": "experiments.pipeline.loop",
    "execute": "experiments.pipeline.loop",
    "run_one": "experiments.pipeline.loop",
    "FolderSink": "experiments.pipeline.sinks",
    "MemorySink": "experiments.pipeline.sinks",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'experiments.pipeline' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)


def __dir__() -> list[str]:
    return sorted(__all__)
