"""Where outcomes go: kept in memory, or written to a resumable folder as they end.

- :class:`MemorySink` keeps every outcome and gives back the per-step tables in
  run-id order, whatever order the runs finished in (``govsim run``, ``swaps``,
  ``cases``, notebooks).
- :class:`FolderSink` buffers each run's row and per-step rows and writes them as
  batches of a sweep folder (:class:`experiments.pipeline.store.SweepStore`), so a
  stopped session resumes (``govsim sweep``, ``compare --robust``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from experiments.executors import default_workers
from experiments.pipeline.loop import Output, RunOutcome, Sink, Tally, execute
from experiments.pipeline.plan import Plan
from experiments.pipeline.store import BatchWriter
from experiments.sweep.plan import SweepPlan
from sim.indicators import INDICATORS

__all__ = ["FolderSink", "MemorySink", "collect", "run_row"]


class MemorySink(Sink):
    """Every outcome, kept in memory; tables come back in run-id order."""

    def __init__(self) -> None:
        self.outcomes: dict[int, RunOutcome] = {}

    def add(self, outcome: RunOutcome) -> None:
        """Keep the outcome."""
        self.outcomes[outcome.run_id] = outcome

    def timeseries(self, run_ids: Iterable[int] | None = None) -> pd.DataFrame:
        """The per-step rows of ``run_ids`` (default: every run kept), in run-id order."""
        return _concat(o.timeseries for o in self._ordered(run_ids))

    def jurisdictions(self, run_ids: Iterable[int] | None = None) -> pd.DataFrame:
        """The per-jurisdiction rows (output ``tables``) of ``run_ids``, in run-id order."""
        return _concat(o.jurisdictions for o in self._ordered(run_ids))

    def _ordered(self, run_ids: Iterable[int] | None) -> list[RunOutcome]:
        ids = sorted(self.outcomes) if run_ids is None else run_ids
        return [self.outcomes[k] for k in ids]


def collect(
    plan: Plan,
    workers: int = 1,
    *,
    scheduler: str | None = None,
    dask_local: int | None = None,
    output: Output = "frame",
    progress: str | None = None,
    on_outcome: Callable[[RunOutcome], None] | None = None,
) -> tuple[MemorySink, Tally]:
    """Execute every run of ``plan`` into memory; the first failing run raises its error.

    ``workers``: 1 runs in this process, more a local process pool, 0 every core
    (:func:`experiments.executors.default_workers`); either way never more than the
    plan's runs (``scheduler`` and ``dask_local`` size their own). Returns the sink
    and what :func:`~experiments.pipeline.loop.execute` did (its executor's
    description is empty when the plan had no run).
    """
    sink = MemorySink()
    tally = execute(
        plan,
        sink,
        workers=min(workers or default_workers(), len(plan)),
        scheduler=scheduler,
        dask_local=dask_local,
        output=output,
        strict=True,
        progress=progress,
        on_outcome=on_outcome,
    )
    return sink, tally


class FolderSink(Sink):
    """Each outcome as a row of ``runs`` and its per-step rows, written in batches.

    Parameters
    ----------
    plan
        The sweep the outcomes belong to (it names each run's identity columns).
    writer
        The batch writer of the sweep folder.
    """

    def __init__(self, plan: SweepPlan, writer: BatchWriter) -> None:
        self.plan = plan
        self.writer = writer

    def add(self, outcome: RunOutcome) -> None:
        """Buffer the run's row and its per-step rows."""
        self.writer.add(run_row(self.plan, outcome), outcome.timeseries)

    def due(self) -> bool:
        """Whether the batch is full or old enough to write."""
        return self.writer.due()

    def flush(self) -> None:
        """Write the batch."""
        self.writer.flush()


def run_row(plan: SweepPlan, outcome: RunOutcome) -> dict[str, Any]:
    """A run's row of ``runs.parquet``: identity, status, error, time and final indicators."""
    row = plan.identity(outcome.run_id)
    row.update(
        status=outcome.status,
        error=outcome.error,
        traceback=outcome.traceback,
        wall_seconds=outcome.wall_seconds,
    )
    row.update({f"final_{name}": outcome.final.get(name, float("nan")) for name in INDICATORS})
    return row


def _concat(frames: Iterable[pd.DataFrame | None]) -> pd.DataFrame:
    kept = [frame for frame in frames if frame is not None]
    return pd.concat(kept, ignore_index=True) if kept else pd.DataFrame()
