"""An experiment: every variant times every replicate, run, stored, summarised, plotted."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from experiments.analysis import KEY_INDICATORS, final_state_summary
from experiments.codebook import write_codebook, write_parquet
from experiments.config import ExperimentConfig
from experiments.drift import drift_summary, indicator_drift
from experiments.executors import local_executor
from experiments.outdir import staged_output
from experiments.provenance import git_commit, package_versions
from experiments.runner import RunTask, execute_run_tables
from experiments.seeds import stream_seeds
from experiments.tidy import varying_parameters

__all__ = ["ExperimentResult", "plan_runs", "run_experiment", "run_task_tables", "run_tasks"]


@dataclass
class ExperimentResult:
    """What an experiment produced."""

    timeseries: pd.DataFrame
    summary: pd.DataFrame
    files: list[Path]
    drift: pd.DataFrame | None = None
    jurisdictions: pd.DataFrame | None = None  # per step and jurisdiction (pilot scope)


def plan_runs(config: ExperimentConfig) -> list[RunTask]:
    """One task per (variant, replicate).

    Replicate ``r`` of every variant uses seed stream ``r`` (common random
    numbers): variants are compared on the same draws, which sharpens differences
    between them without biasing any one.
    """
    seeds = stream_seeds(config.run.seed, config.run.replicates)
    tasks = []
    for name, variant in config.resolved_variants().items():
        model = variant.model.model_dump(mode="json")
        events = [e.model_dump(mode="json", exclude_defaults=True) for e in variant.events]
        for replicate, seed in enumerate(seeds):
            tasks.append(RunTask(name, replicate, seed, model, events, variant.run.steps))
    return tasks


def run_tasks(
    tasks: Sequence[RunTask],
    workers: int,
    on_done: Callable[[RunTask], None] | None = None,
) -> pd.DataFrame:
    """Run tasks on a local executor; rows come back in task order whatever finishes first."""
    return run_task_tables(tasks, workers, on_done)[0]


def run_task_tables(
    tasks: Sequence[RunTask],
    workers: int,
    on_done: Callable[[RunTask], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`run_tasks`' timeseries and the runs' per-jurisdiction indicators, in task order."""
    frames: dict[int, tuple[pd.DataFrame, pd.DataFrame]] = {}
    with local_executor(min(workers, len(tasks))) as executor:
        futures = {executor.submit(execute_run_tables, task): k for k, task in enumerate(tasks)}
        for future in as_completed(futures):
            k = futures[future]
            frames[k] = future.result()
            if on_done is not None:
                on_done(tasks[k])
    ordered = [frames[k] for k in range(len(tasks))]
    return (
        pd.concat([pair[0] for pair in ordered], ignore_index=True),
        pd.concat([pair[1] for pair in ordered], ignore_index=True),
    )


def run_experiment(
    config: ExperimentConfig,
    out: Path,
    workers: int = 1,
    overwrite: bool = False,
    progress: bool = True,
    command: Sequence[str] = (),
) -> ExperimentResult:
    """Run every variant and replicate; write timeseries, manifest, summary and figure.

    Files in ``out``: ``timeseries.parquet`` (one tidy table: identifiers, the
    values of the parameters that differ between variants, step, indicators; its
    schema carries the codebook), ``jurisdictions.parquet`` (the same runs'
    indicators per step and jurisdiction), ``summary.csv``, ``drift.csv``
    (:mod:`experiments.drift`), ``codebook.json``, ``manifest.json``,
    ``figures/indicators.png`` and ``.pdf``. Nothing appears in ``out`` unless the
    whole experiment succeeds.
    """
    from experiments.present.timeseries import plot_timeseries

    tasks = plan_runs(config)
    started = datetime.now(UTC)
    clock = time.perf_counter()
    with staged_output(out, overwrite) as staging:
        if progress:
            frame, jurisdictions = _run_with_progress(tasks, workers)
        else:
            frame, jurisdictions = run_task_tables(tasks, workers)
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


def _run_with_progress(tasks: Sequence[RunTask], workers: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("[bold]runs"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[last]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=False) as bar:
        job = bar.add_task("runs", total=len(tasks), last="")

        def done(task: RunTask) -> None:
            bar.update(job, advance=1, last=f"{task.variant} #{task.replicate}")

        return run_task_tables(tasks, workers, on_done=done)
