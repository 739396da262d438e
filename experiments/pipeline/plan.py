"""Plans: dense run ids ``0 .. len(plan) - 1``, each rebuilt on demand as a :class:`PlannedRun`.

A plan is anything with ``len(plan)`` and ``plan.run(run_id)``. Two kinds exist:

- :class:`experiments.sweep.plan.SweepPlan`, the general one: variants x design
  points x replicates of a config. A config without a ``sweep`` block is a
  sweep of one point and no swept key (:meth:`~experiments.sweep.plan.SweepPlan.single`);
  that is what ``govsim run`` and ``govsim cases`` execute, with the seeds of a
  sweep's common random numbers (replicate ``r`` uses stream ``r``).
- :class:`TaskPlan`, over an explicit list of :class:`~experiments.runner.RunTask`:
  for runs that no config describes (the lever-swap arms are whole model dicts)
  and for several plans executed as one (every case's runs on one executor).
  An entry may also be a picklable call returning the run's frame, for runs that
  record more than the indicators (the calibration's posterior-predictive draws
  record the mechanism terms at every step); such runs support output ``frame`` only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from experiments.runner import RunTask

__all__ = ["Plan", "PlannedRun", "TaskPlan"]


@dataclass(frozen=True)
class PlannedRun:
    """One run of a plan: its identity and the :class:`RunTask` that reproduces it.

    Attributes
    ----------
    run_id
        Dense id of the run in its plan.
    point
        Design point of the run (0 for a plan without a design).
    task
        Everything the model needs to reproduce the run bit for bit.
    per_step
        Indicators kept at every recorded step (``None``: all; empty: final values only).
    parameters
        Dotted key and value of each swept key and each key that differs between variants.
    call
        Instead of ``task``: a picklable call that runs the model and returns the
        run's frame (``task`` is then None; output ``frame`` only).
    """

    run_id: int
    point: int
    task: RunTask | None
    per_step: tuple[str, ...] | None = None
    parameters: tuple[tuple[str, Any], ...] = ()
    call: Callable[[], Any] | None = None


class Plan(Protocol):
    """What :func:`experiments.pipeline.loop.execute` needs of a plan."""

    def __len__(self) -> int: ...

    def run(self, run_id: int) -> PlannedRun:
        """The run with this id."""
        ...

    def run_ids(self) -> Iterator[int]:
        """Every run id, in order."""
        ...


class TaskPlan:
    """A plan over an explicit list of tasks: run ``k`` is ``tasks[k]``.

    Parameters
    ----------
    tasks
        The runs, in run-id order; their seeds are whatever the tasks carry. An
        entry may be a picklable call returning the run's frame instead of a task.
    """

    def __init__(self, tasks: Sequence[RunTask | Callable[[], Any]]) -> None:
        self.tasks = list(tasks)

    def __len__(self) -> int:
        return len(self.tasks)

    def run(self, run_id: int) -> PlannedRun:
        """The run with this id (point 0, no parameters: the task says it all)."""
        task = self.tasks[run_id]
        if isinstance(task, RunTask):
            return PlannedRun(run_id, 0, task)
        return PlannedRun(run_id, 0, None, call=task)

    def run_ids(self) -> Iterator[int]:
        """Every run id, in order."""
        return iter(range(len(self.tasks)))
