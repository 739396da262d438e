"""The one executor loop: submit a plan's runs, collect outcomes as they end, hand each to a sink.

The commands that run model runs go through :func:`execute`: ``govsim run``,
``sweep``, ``compare --robust``, ``swaps``, ``cases`` and the posterior-predictive
draws of ``calibrate`` (a :class:`~experiments.pipeline.plan.TaskPlan` of calls).
Not through it: ``calibrate``'s ABC search (pyabc's own sampler proposes runs
from the results so far: no fixed list), ``validate`` (the coproduction curves run
populations, not model runs, on :func:`experiments.executors.local_executor`; the
other cases run a few models in this process), ``govsim plot --network``'s
snapshot, which rebuilds one live model in this process
(:func:`experiments.present.folder.rebuild_model`), and the dashboard, which steps
a live model. In the loop the runs go to the
executor the command line asks for (:func:`experiments.executors.open_executor`),
at most ``2 x workers`` in flight so that memory stays flat, and each outcome
goes to a sink (:mod:`experiments.pipeline.sinks`) in completion order. Results
do not depend on the executor or on the number of workers: each run's rows are a
function of its task alone, and sinks order them by run id.
"""

from __future__ import annotations

import time
import traceback
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from concurrent.futures import (
    FIRST_COMPLETED,
    BrokenExecutor,
    CancelledError,
    Executor,
    Future,
    wait,
)
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from experiments.executors import open_executor
from experiments.pipeline.plan import Plan, PlannedRun
from experiments.runner import execute_run, execute_run_tables
from experiments.tidy import insert_parameters

__all__ = ["Output", "RunOutcome", "Sink", "Tally", "execute", "run_one"]

_ID_COLUMNS = ("variant", "replicate", "seed", "step")

Output = Literal["series", "frame", "tables"]
"""What a run sends back per step.

``series``: the sweep's tidy rows (``run_id``, ``variant``, ``point``, ``replicate``,
``seed``, ``step``, parameter values, the run's ``per_step`` indicators);
``frame``: the run's indicator frame as :func:`experiments.runner.execute_run`
returns it (``variant``, ``replicate``, ``seed``, ``step``, indicators);
``tables``: that frame and the run's per-jurisdiction table
(:func:`experiments.runner.execute_run_tables`).
"""


@dataclass
class RunOutcome:
    """What one run sends back: status, timings, final indicators and per-step rows.

    Attributes
    ----------
    run_id
        The run's id in its plan.
    status
        ``ok`` or ``failed``.
    wall_seconds
        Time the run took in its worker (NaN when the worker was lost).
    final
        Every indicator's value at the last step.
    timeseries
        Per-step rows in the form asked for (:data:`Output`); None for final values only.
    jurisdictions
        Per-step and per-jurisdiction rows (``tables`` only).
    error, traceback
        Why a failed run failed.
    """

    run_id: int
    status: str
    wall_seconds: float
    final: dict[str, float] = field(default_factory=dict)
    timeseries: pd.DataFrame | None = None
    error: str | None = None
    traceback: str | None = None
    jurisdictions: pd.DataFrame | None = None


class Sink(ABC):
    """Where outcomes go: :meth:`add` takes each; :meth:`due` and :meth:`flush` batch writes."""

    @abstractmethod
    def add(self, outcome: RunOutcome) -> None:
        """Take one finished run's outcome (completion order, not run-id order)."""

    def due(self) -> bool:
        """Whether buffered outcomes should be written now."""
        return False

    def flush(self) -> None:
        """Write what is buffered (called when due, and by the caller at the end)."""
        return None


@dataclass
class Tally:
    """What a session of :func:`execute` did so far (still readable after an interrupt)."""

    ran: int = 0
    failed: int = 0
    executor: str = ""


def run_one(run: PlannedRun, output: Output = "series", catch: bool = True) -> RunOutcome:
    """Execute one run; with ``catch`` an exception becomes a ``failed`` outcome with its traceback.

    Nothing of the model outlives this call: only the indicator rows come back.
    """
    start = time.perf_counter()
    jurisdictions = None
    if run.call is not None and output != "frame":
        raise ValueError(f"run {run.run_id} is a call: output 'frame' only, not {output!r}")
    try:
        if run.call is not None:  # a run that records more than the indicators
            frame = run.call()
        elif output == "tables":
            frame, jurisdictions = execute_run_tables(run.task)
        else:
            frame = execute_run(run.task)
    except Exception as error:  # recorded, and the sweep goes on
        if not catch:
            raise
        return RunOutcome(
            run.run_id,
            "failed",
            time.perf_counter() - start,
            error=f"{type(error).__name__}: {error}",
            traceback=traceback.format_exc(),
        )
    if run.call is not None:  # its frame as the call returns it, no final values
        return RunOutcome(run.run_id, "ok", time.perf_counter() - start, timeseries=frame)
    indicators = [c for c in frame.columns if c not in _ID_COLUMNS]
    final = {name: float(value) for name, value in frame.iloc[-1][indicators].items()}
    if output != "series":
        seconds = time.perf_counter() - start
        return RunOutcome(run.run_id, "ok", seconds, final, frame, jurisdictions=jurisdictions)
    keep = indicators if run.per_step is None else list(run.per_step)
    if not keep:  # final values only
        return RunOutcome(run.run_id, "ok", time.perf_counter() - start, final)
    series = frame[["step", *keep]].copy()
    series.insert(0, "seed", run.task.seed)
    series.insert(0, "replicate", run.task.replicate)
    series.insert(0, "point", run.point)
    series.insert(0, "variant", run.task.variant)
    series.insert(0, "run_id", run.run_id)
    # the design point's and the variant's parameter values: one tidy table
    insert_parameters(series, dict(run.parameters), after="step")
    return RunOutcome(run.run_id, "ok", time.perf_counter() - start, final, series)


def execute(
    plan: Plan,
    sink: Sink,
    *,
    run_ids: Iterable[int] | None = None,
    workers: int = 0,
    scheduler: str | None = None,
    dask_local: int | None = None,
    output: Output = "series",
    strict: bool = False,
    progress: str | None = None,
    done_before: int = 0,
    on_outcome: Callable[[RunOutcome], None] | None = None,
    tally: Tally | None = None,
    executor: Executor | None = None,
) -> Tally:
    """Run ``run_ids`` of ``plan`` (default: all) on the executor asked for; feed ``sink``.

    Parameters
    ----------
    plan, sink
        What to run, and where each outcome goes.
    workers, scheduler, dask_local
        The executor (:func:`experiments.executors.open_executor`); none is
        opened when there is nothing to run.
    output
        What each run sends back (:data:`Output`).
    strict
        Let a run's exception stop everything (in-flight runs are cancelled);
        otherwise it is a ``failed`` outcome and the others go on.
    progress
        Label of a progress bar on the terminal; None for no bar.
    done_before
        Runs of the plan already done (the bar starts there).
    on_outcome
        Called in this process after each finished run.
    tally
        Counts to update (pass one to read them after an interrupt).
    executor
        An executor already open (e.g. a test's) used instead of opening one:
        ``scheduler`` and ``dask_local`` are then ignored, ``workers`` (at least 1)
        only sets how many runs are in flight, and the caller shuts it down.

    Returns
    -------
    Tally
        Runs done and failed in this call, and the executor's description.
    """
    tally = tally if tally is not None else Tally()
    pending = list(plan.run_ids() if run_ids is None else run_ids)
    if not pending:  # nothing to do starts no pool or cluster
        return tally
    bar = _Bar(progress, len(plan), done_before) if progress else None
    if executor is not None:
        tally.executor = f"given {type(executor).__name__}"
        _drain(
            plan, pending, executor, max(workers, 1), sink, tally, output, strict, bar, on_outcome
        )
        return tally
    with open_executor(workers, scheduler, dask_local) as slot:
        tally.executor = slot.description
        _drain(
            plan, pending, slot.executor, slot.workers, sink, tally, output, strict, bar, on_outcome
        )
    return tally


def _drain(
    plan: Plan,
    pending: Iterable[int],
    executor: Any,
    workers: int,
    sink: Sink,
    tally: Tally,
    output: Output,
    strict: bool,
    bar: Any,
    on_outcome: Callable[[RunOutcome], None] | None,
) -> None:
    """Keep at most ``2 x workers`` runs in flight (memory stays flat), sink each as it ends."""
    queue = iter(pending)
    inflight: dict[Future, int] = {}

    def fill() -> None:
        while len(inflight) < 2 * max(workers, 1):
            run_id = next(queue, None)
            if run_id is None:
                return
            inflight[executor.submit(run_one, plan.run(run_id), output, not strict)] = run_id

    try:
        if bar is not None:
            bar.start()
        fill()
        while inflight:
            finished, _ = wait(list(inflight), timeout=1.0, return_when=FIRST_COMPLETED)
            for future in finished:
                run_id = inflight.pop(future)
                outcome = _outcome(future, run_id, strict)
                sink.add(outcome)
                tally.ran += 1
                tally.failed += outcome.status == "failed"
                if bar is not None:
                    bar.advance(tally.failed)
                if on_outcome is not None:
                    on_outcome(outcome)
            if sink.due():
                sink.flush()
            fill()
    except BaseException:
        for future in inflight:
            future.cancel()
        raise
    finally:
        if bar is not None:
            bar.stop()


def _outcome(future: Future, run_id: int, strict: bool) -> RunOutcome:
    """The run's outcome; a lost worker fails the run, a broken pool or Ctrl-C stops the session."""
    try:
        return future.result()
    except (BrokenExecutor, KeyboardInterrupt, CancelledError):
        raise
    except Exception as error:  # e.g. Dask's KilledWorker: the run took its worker down
        if strict:
            raise
        text = "".join(traceback.format_exception(error))
        return RunOutcome(
            run_id, "failed", float("nan"), error=f"{type(error).__name__}: {error}", traceback=text
        )


class _Rate(ProgressColumn):
    def render(self, task: Any) -> Text:
        speed = task.speed
        return Text(f"{speed:.2f} runs/s" if speed else "- runs/s")


class _Bar:
    """A progress bar of runs done, failed, rate and time left."""

    def __init__(self, label: str, total: int, done: int) -> None:
        self.progress = Progress(
            TextColumn(f"[bold]{label}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failed]} failed"),
            _Rate(),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            transient=False,
        )
        self.job = self.progress.add_task(label, total=total, completed=done, failed=0)

    def start(self) -> None:
        self.progress.start()

    def stop(self) -> None:
        self.progress.stop()

    def advance(self, failed: int) -> None:
        self.progress.update(self.job, advance=1, failed=failed)
