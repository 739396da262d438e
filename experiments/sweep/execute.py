"""Running a sweep: plan, resume, execute on any executor, stream results to the store.

The runs go through the one executor loop (:func:`experiments.pipeline.loop.execute`)
into a :class:`~experiments.pipeline.sinks.FolderSink`. Results do not depend on
the executor or on the number of workers: each run's rows are a function of its
task alone, and readers sort by run id and step.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from experiments.codebook import write_codebook
from experiments.config import ExperimentConfig
from experiments.errors import UserError
from experiments.executors import check_one_executor
from experiments.outdir import resolve_output
from experiments.pipeline.loop import RunOutcome, Tally, execute
from experiments.pipeline.sinks import FolderSink
from experiments.pipeline.store import BatchWriter, SweepStore, config_hash, prepare_folder
from experiments.provenance import git_commit, package_versions
from experiments.sweep.designs import Design, build_design, design_generator
from experiments.sweep.plan import SweepPlan

__all__ = ["SweepSummary", "open_plan", "run_sweep"]


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
    check_one_executor(scheduler, dask_local)
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
        tally = Tally()
        status = "interrupted"
        try:
            execute(
                plan,
                FolderSink(plan, writer),
                run_ids=pending,
                workers=workers,
                scheduler=scheduler,
                dask_local=dask_local,
                progress="sweep" if progress else None,
                done_before=len(skip),
                on_outcome=on_outcome,
                tally=tally,
            )
            status = "finished"
        finally:
            writer.flush()
            store.consolidate()
            runs = store.read_runs()
            _write_codebook(store, runs)
            if tally.executor:  # a finished sweep starts no pool or cluster
                session["executor"] = tally.executor
            session.update(
                status=status,
                ran=tally.ran,
                failed=tally.failed,
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
        ran=tally.ran,
        failed_now=tally.failed,
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


def _write_codebook(store: SweepStore, runs: pd.DataFrame) -> None:
    """``codebook.json`` for the folder's tables (the Parquet files carry it too)."""
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
