"""An experiment: every variant times every replicate, run, stored, summarised, plotted.

A run config is a sweep of one point (:meth:`experiments.sweep.plan.SweepPlan.single`),
executed by the one loop of :mod:`experiments.pipeline` into memory, then
summarised into the run's files.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from experiments.analysis import KEY_INDICATORS, final_state_summary
from experiments.codebook import write_codebook, write_parquet
from experiments.config import ExperimentConfig
from experiments.drift import drift_summary, indicator_drift
from experiments.outdir import staged_output
from experiments.pipeline.loop import RunOutcome
from experiments.pipeline.plan import TaskPlan
from experiments.pipeline.sinks import collect
from experiments.provenance import git_commit, package_versions
from experiments.runner import RunTask
from experiments.sweep.plan import SweepPlan
from experiments.tidy import varying_parameters

__all__ = [
    "ExperimentResult",
    "plan_runs",
    "run_experiment",
    "run_task_tables",
    "run_tasks",
]


@dataclass
class ExperimentResult:
    """What an experiment produced."""

    timeseries: pd.DataFrame
    summary: pd.DataFrame
    files: list[Path]
    drift: pd.DataFrame | None = None
    jurisdictions: pd.DataFrame | None = None  # per step and jurisdiction (pilot scope)


def plan_runs(config: ExperimentConfig) -> list[RunTask]:
    """One task per (variant, replicate): the config as a sweep of one point.

    Replicate ``r`` of every variant uses seed stream ``r`` (common random
    numbers): variants are compared on the same draws, which sharpens differences
    between them without biasing any one.
    """
    return SweepPlan.single(config).tasks()


def run_tasks(
    tasks: Sequence[RunTask],
    workers: int,
    on_done: Callable[[RunTask], None] | None = None,
    *,
    scheduler: str | None = None,
    dask_local: int | None = None,
) -> pd.DataFrame:
    """Run tasks on a local executor; rows come back in task order whatever finishes first.

    ``workers``: 1 runs in this process, more a local process pool, 0 every core
    (:func:`experiments.executors.default_workers`); never more than the tasks
    (:func:`experiments.pipeline.sinks.collect`). ``scheduler`` or ``dask_local``
    runs them on Dask instead (:func:`experiments.executors.open_executor`).
    """
    sink, _ = collect(
        TaskPlan(tasks),
        workers,
        scheduler=scheduler,
        dask_local=dask_local,
        output="frame",
        on_outcome=_on_done(tasks, on_done),
    )
    return sink.timeseries()


def run_task_tables(
    tasks: Sequence[RunTask],
    workers: int,
    on_done: Callable[[RunTask], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`run_tasks`' timeseries and the runs' per-jurisdiction indicators, in task order."""
    sink, _ = collect(
        TaskPlan(tasks), workers, output="tables", on_outcome=_on_done(tasks, on_done)
    )
    return sink.timeseries(), sink.jurisdictions()


def _on_done(
    tasks: Sequence[RunTask], on_done: Callable[[RunTask], None] | None
) -> Callable[[RunOutcome], None] | None:
    """``on_done`` of each finished run's task, as the loop's ``on_outcome``."""
    if on_done is None:
        return None
    tasks = list(tasks)
    return lambda outcome: on_done(tasks[outcome.run_id])


def run_experiment(
    config: ExperimentConfig,
    out: Path,
    workers: int = 1,
    overwrite: bool = False,
    progress: bool = True,
    command: Sequence[str] = (),
    scheduler: str | None = None,
    dask_local: int | None = None,
) -> ExperimentResult:
    """Run every variant and replicate; write timeseries, manifest, summary and figure.

    Files in ``out``: ``timeseries.parquet`` (one tidy table: identifiers, the
    values of the parameters that differ between variants, step, indicators; its
    schema carries the codebook), ``jurisdictions.parquet`` (the same runs'
    indicators per step and jurisdiction), ``summary.csv``, ``drift.csv``
    (:mod:`experiments.drift`), ``codebook.json``, ``manifest.json``,
    ``figures/indicators.png`` and ``.pdf``. Nothing appears in ``out`` unless the
    whole experiment succeeds. The runs go to a local pool of ``workers``, or to
    Dask (``scheduler`` or ``dask_local``; see :func:`experiments.executors.open_executor`).
    """
    from experiments.present.timeseries import plot_timeseries

    plan = SweepPlan.single(config)
    tasks = plan.tasks()
    started = datetime.now(UTC)
    clock = time.perf_counter()
    with staged_output(out, overwrite) as staging:
        sink, tally = collect(
            plan,
            workers,
            scheduler=scheduler,
            dask_local=dask_local,
            output="tables",
            progress="runs" if progress else None,
        )
        frame, jurisdictions = sink.timeseries(), sink.jurisdictions()
        summary = final_state_summary(frame, KEY_INDICATORS)
        frame = _with_parameters(frame, config)
        write_parquet(frame, staging / "timeseries.parquet")
        write_parquet(jurisdictions, staging / "jurisdictions.parquet")
        summary.to_csv(staging / "summary.csv", index=False)
        drift = indicator_drift(frame)  # is the final state a steady state?
        drift.to_csv(staging / "drift.csv", index=False)
        write_codebook(
            {
                "timeseries.parquet": list(frame.columns),
                "jurisdictions.parquet": list(jurisdictions.columns),
                "summary.csv": list(summary.columns),
                "drift.csv": list(drift.columns),
            },
            staging / "codebook.json",
        )
        figures = plot_timeseries(frame, staging / "figures" / "indicators")
        manifest = {
            "kind": "run",
            "config": config.model_dump(mode="json"),
            "variants": {
                name: v.model_dump(mode="json") for name, v in config.resolved_variants().items()
            },
            "seeds": {
                "root": config.run.seed,
                "scheme": "replicate r uses SeedSequence(root, spawn_key=(r,)); see experiments.seeds",
                "runs": [
                    {"variant": t.variant, "replicate": t.replicate, "seed": t.seed} for t in tasks
                ],
            },
            "versions": package_versions(),
            "git_commit": git_commit(),
            "command": list(command),
            "started": started.isoformat(),
            "wall_seconds": round(time.perf_counter() - clock, 3),
            "workers": workers,
            "executor": tally.executor,  # what ran the runs, as a sweep session records it
            "drift": drift_summary(drift),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    files = [out / "timeseries.parquet", out / "jurisdictions.parquet", out / "summary.csv"]
    files += [out / "drift.csv", out / "manifest.json", out / "codebook.json"]
    files += [out / "figures" / f.name for f in figures]
    return ExperimentResult(frame, summary, files, drift, jurisdictions)


def _with_parameters(frame: pd.DataFrame, config: ExperimentConfig) -> pd.DataFrame:
    """``frame`` with a column per parameter that differs between variants, after ``step``."""
    varying = varying_parameters(config.resolved_variants())
    keys = list(next(iter(varying.values()), {}))
    if not keys:
        return frame
    at = frame.columns.get_loc("step") + 1
    columns = {
        key: frame["variant"].map({v: values[key] for v, values in varying.items()}) for key in keys
    }
    head, tail = frame.iloc[:, :at], frame.iloc[:, at:]
    return pd.concat([head, pd.DataFrame(columns), tail], axis=1)
