"""Running a sweep: plan, resume, execute on any executor, stream results to the store.

Results do not depend on the executor or on the number of workers: each run's
rows are a function of its task alone, and readers sort by run id and step.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, CancelledError, Future, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.codebook import write_codebook
from experiments.config import ExperimentConfig
from experiments.errors import UserError
from experiments.executors import open_executor
from experiments.outdir import resolve_output
from experiments.provenance import git_commit, package_versions
from experiments.runner import execute_run
from experiments.sweep.designs import Design, build_design, design_generator
from experiments.sweep.plan import SweepPlan, SweepRun
from experiments.sweep.store import BatchWriter, SweepStore, config_hash, prepare_folder
from experiments.tidy import insert_parameters

__all__ = ["RunOutcome", "SweepSummary", "open_plan", "run_one", "run_sweep"]

_ID_COLUMNS = ("variant", "replicate", "seed", "step")


@dataclass
class RunOutcome:
    """What one run sends back: status, timings, final indicators and per-step rows."""

    run_id: int
    status: str
    wall_seconds: float
    final: dict[str, float] = field(default_factory=dict)
    timeseries: pd.DataFrame | None = None
    error: str | None = None
    traceback: str | None = None


@dataclass
class SweepSummary:
    """How a sweep session ended."""

    out: Path
    total: int
    ok: int
    failed: int
    ran: int
    failed_now: int
    pending: int
    wall_seconds: float
    executor: str
    failures: list[dict[str, Any]] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every run has a row (ok or failed)."""
        return self.pending == 0


def run_one(run: SweepRun) -> RunOutcome:
    """Execute one sweep run; an exception becomes a ``failed`` outcome with its traceback.

    Nothing of the model outlives this call: only the indicator rows come back.
    """
    start = time.perf_counter()
    try:
        frame = execute_run(run.task)
    except Exception as error:  # recorded, and the sweep goes on
        return RunOutcome(
            run.run_id,
            "failed",
            time.perf_counter() - start,
            error=f"{type(error).__name__}: {error}",
            traceback=traceback.format_exc(),
        )
    indicators = [c for c in frame.columns if c not in _ID_COLUMNS]
    final = {name: float(value) for name, value in frame.iloc[-1][indicators].items()}
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


def open_plan(
    config: ExperimentConfig, design_frame: pd.DataFrame | None, manifest: dict | None
) -> SweepPlan:
    """The plan of a config: its design drawn fresh, or read back from a stored design."""
    if config.sweep is None:
        raise UserError(
            "sweep: the config has no sweep block; add one (see docs/SWEEPS.md) or use govsim run"
        )
    if design_frame is None or manifest is None:
        design = build_design(config.sweep, design_generator(config.run.seed))
    else:
        design = Design.from_frame(design_frame, manifest["design"]["kind"], manifest["design"])
    return SweepPlan(config, design)


def run_sweep(
    config: ExperimentConfig,
    out: Path,
    *,
    workers: int = 0,
    scheduler: str | None = None,
    dask_local: int | None = None,
    overwrite: bool = False,
    retry_failed: bool = False,
    progress: bool = True,
    command: Sequence[str] = (),
    batch_runs: int = 256,
    batch_seconds: float = 30.0,
    on_outcome: Callable[[RunOutcome], None] | None = None,
) -> SweepSummary:
    """Run (or resume) the sweep of ``config`` into ``out``.

    Parameters
    ----------
    config
        A config with a ``sweep`` block.
    out
        The sweep folder. A folder holding this same sweep is resumed; one holding
        another sweep or anything else is refused unless ``overwrite``.
    workers, scheduler, dask_local
        The executor (see :func:`experiments.executors.open_executor`).
    retry_failed
        Run again the runs recorded as failed (their new row replaces the old).
    batch_runs, batch_seconds
        A batch file is written every ``batch_runs`` runs or ``batch_seconds``.
    on_outcome
        Called in this process after each finished run (tests use it to interrupt).

    Raises
    ------
    KeyboardInterrupt
        After writing every finished run; the same call resumes.
    """
    if scheduler and dask_local:
        raise UserError("--scheduler and --dask-local: give one or the other")
    if config.sweep is None:  # before the folder is touched
        open_plan(config, None, None)
    # resumable, so an existing folder is judged by prepare_folder; the path rules apply here
    out = resolve_output(
        out, kind="folder", overwrite=overwrite, allow_existing=True, links="refuse"
    )
    dump = config.model_dump(mode="json")
    store = SweepStore(out)
    repaired: list[str] = []
    with store.lock():
        manifest = prepare_folder(out, dump, overwrite)
        resumed = manifest is not None
        if resumed:
            assert manifest is not None
            store.clean()
            plan = open_plan(config, store.read_design(), manifest)
            repaired = store.verify(_rows_per_run(plan))  # count only what is really stored
            for note in repaired:  # shown even with --quiet: the user should know
                sys.stderr.write(f"{out}: {note}; its runs will be run again\n")
        else:
            plan = open_plan(config, None, None)
            plan.check()
            store.write_design(plan.design.to_frame())
            manifest = _new_manifest(config, dump, plan)
            store.write_manifest(manifest)
        done = store.read_runs()
        finished = done if not retry_failed else done[done["status"] == "ok"]
        skip = set(finished["run_id"].astype(int))
        pending = [k for k in plan.run_ids() if k not in skip]
        session: dict[str, Any] = {
            "started": datetime.now(UTC).isoformat(),
            "command": list(command),
            "git_commit": git_commit(),
            "resumed": resumed,
            "runs_before": len(skip),
        }
        clock = time.perf_counter()
        writer = BatchWriter(store, max_runs=batch_runs, max_seconds=batch_seconds)
        counts = {"ran": 0, "failed": 0}
        status = "interrupted"
        try:
            if pending:  # a finished sweep starts no pool or cluster
                with open_executor(workers, scheduler, dask_local) as slot:
                    session["executor"] = slot.description
                    _drain(
                        plan,
                        pending,
                        slot.executor,
                        slot.workers,
                        writer,
                        counts,
                        len(skip),
                        progress,
                        on_outcome,
                    )
            status = "finished"
        finally:
            writer.flush()
            store.consolidate()
            runs = store.read_runs()
            _write_codebook(store, runs)
            session.update(
                status=status,
                ran=counts["ran"],
                failed=counts["failed"],
                wall_seconds=round(time.perf_counter() - clock, 3),
            )
            manifest.setdefault("sessions", []).append(session)
            manifest["status"] = _status(runs, len(plan))
            store.write_manifest(manifest)
    failed_rows = runs[runs["status"] == "failed"]
    return SweepSummary(
        out=out,
        total=len(plan),
        ok=int((runs["status"] == "ok").sum()),
        failed=len(failed_rows),
        ran=counts["ran"],
        failed_now=counts["failed"],
        pending=len(plan) - len(runs),
        wall_seconds=session["wall_seconds"],
        executor=session.get("executor", ""),
        failures=failed_rows[["run_id", "variant", "point", "replicate", "error"]].to_dict(
            "records"
        ),
        repaired=repaired,
    )


def _rows_per_run(plan: SweepPlan) -> Callable[[int], int]:
    """How many per-step rows a successful run of the plan stores (0: final values only)."""
    if plan.spec.per_step is not None and not list(plan.spec.per_step):
        return lambda run_id: 0
    every = plan.spec.record_every
    steps = {name: variant.run.steps for name, variant in plan.variants.items()}

    def rows(run_id: int) -> int:
        n = steps[plan.locate(run_id)[0]]
        # steps 0, every, 2 every, ... and always the last one (experiments.runner.execute_run)
        return n // every + 1 + (1 if n % every else 0)

    return rows


def _drain(
    plan: SweepPlan,
    pending: list[int],
    executor: Any,
    workers: int,
    writer: BatchWriter,
    counts: dict[str, int],
    done_before: int,
    progress: bool,
    on_outcome: Callable[[RunOutcome], None] | None,
) -> None:
    """Keep at most ``2 x workers`` runs in flight (memory stays flat), store each as it ends."""
    bar = _progress_bar(len(plan), done_before) if progress else None
    queue = iter(pending)
    inflight: dict[Future, int] = {}

    def fill() -> None:
        while len(inflight) < 2 * max(workers, 1):
            run_id = next(queue, None)
            if run_id is None:
                return
            inflight[executor.submit(run_one, plan.run(run_id))] = run_id

    try:
        if bar is not None:
            bar.start()
        fill()
        while inflight:
            finished, _ = wait(list(inflight), timeout=1.0, return_when=FIRST_COMPLETED)
            for future in finished:
                run_id = inflight.pop(future)
                outcome = _outcome(future, run_id)
                writer.add(_run_row(plan, outcome), outcome.timeseries)
                counts["ran"] += 1
                counts["failed"] += outcome.status == "failed"
                if bar is not None:
                    bar.advance(counts["failed"])
                if on_outcome is not None:
                    on_outcome(outcome)
            if writer.due():
                writer.flush()
            fill()
    except BaseException:
        for future in inflight:
            future.cancel()
        raise
    finally:
        if bar is not None:
            bar.stop()


def _outcome(future: Future, run_id: int) -> RunOutcome:
    """The run's outcome; a lost worker fails the run, a broken pool or Ctrl-C stops the sweep."""
    try:
        return future.result()
    except (BrokenExecutor, KeyboardInterrupt, CancelledError):
        raise
    except Exception as error:  # e.g. Dask's KilledWorker: the run took its worker down
        text = "".join(traceback.format_exception(error))
        return RunOutcome(
            run_id, "failed", float("nan"), error=f"{type(error).__name__}: {error}", traceback=text
        )


def _run_row(plan: SweepPlan, outcome: RunOutcome) -> dict[str, Any]:
    from sim.indicators import INDICATORS

    row = plan.identity(outcome.run_id)
    row.update(
        status=outcome.status,
        error=outcome.error,
        traceback=outcome.traceback,
        wall_seconds=outcome.wall_seconds,
    )
    row.update({f"final_{name}": outcome.final.get(name, float("nan")) for name in INDICATORS})
    return row


def _write_codebook(store: SweepStore, runs: pd.DataFrame) -> None:
    """``codebook.json`` for the folder's tables (the Parquet files carry it too)."""
    import pyarrow.parquet as pq

    files = {"runs.parquet": list(runs.columns), "design.parquet": []}
    if (store.root / "design.parquet").is_file():
        files["design.parquet"] = pq.read_schema(store.root / "design.parquet").names
    parts = sorted(store.timeseries_dir.glob("part-*.parquet"))
    if parts:
        files["timeseries/part-*.parquet"] = pq.read_schema(parts[0]).names
    write_codebook(files, store.root / "codebook.json")


def _status(runs: pd.DataFrame, total: int) -> dict[str, int]:
    ok = int((runs["status"] == "ok").sum())
    failed = int((runs["status"] == "failed").sum())
    return {"total": total, "ok": ok, "failed": failed, "pending": total - ok - failed}


def _new_manifest(
    config: ExperimentConfig, dump: dict[str, Any], plan: SweepPlan
) -> dict[str, Any]:
    design = plan.design
    spec = plan.spec
    versions = package_versions()
    for name in ("SALib", "dask", "distributed"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "kind": "sweep",
        "config_hash": config_hash(dump),
        "config": dump,
        "variants": {name: v.model_dump(mode="json") for name, v in plan.variants.items()},
        "design": {
            "kind": design.kind,
            "points": plan.points,
            "parameters": {k: v.model_dump(exclude_none=True) for k, v in spec.parameters.items()},
            "sampler_seed": design.sampler_seed,
            "analysis_seed": design.analysis_seed,
            "file": "design.parquet",
            **design.meta,
        },
        "runs": {"total": len(plan), "variants": plan.variant_names, "replicates": plan.replicates},
        "seeds": {
            "root": config.run.seed,
            "scheme": (
                "run k (ordered variant, point, replicate) uses SeedSequence(root, spawn_key=(s,)) with "
                + (
                    "s = k"
                    if spec.seeds != "common"
                    else "s = replicate (common random numbers)"
                    if spec.seed_block is None
                    else f"s = (point // {spec.seed_block}) * replicates + replicate "
                    "(common random numbers within each block of points)"
                )
                + "; the design and SALib seeds come from default_rng(SeedSequence(root))"
            ),
        },
        "versions": versions,
        "git_commit": git_commit(),
        "created": datetime.now(UTC).isoformat(),
    }


def _progress_bar(total: int, done: int) -> Any:
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

    class Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.speed
            return Text(f"{speed:.2f} runs/s" if speed else "- runs/s")

    progress = Progress(
        TextColumn("[bold]sweep"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("[red]{task.fields[failed]} failed"),
        Rate(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        transient=False,
    )
    job = progress.add_task("sweep", total=total, completed=done, failed=0)

    class Bar:
        def start(self) -> None:
            progress.start()

        def stop(self) -> None:
            progress.stop()

        def advance(self, failed: int) -> None:
            progress.update(job, advance=1, failed=failed)

    return Bar()
