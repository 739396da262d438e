"""``govsim sweep`` (run or resume a sweep) and ``govsim rerun`` (reproduce one of its runs)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from experiments.cli.options import DaskLocalOption, SchedulerOption, SetOption, WorkersOption

__all__ = ["register"]


def sweep(
    config: Annotated[Path, typer.Argument(help="Experiment config (YAML) with a sweep block.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Sweep folder (resumed if it holds this sweep).")
    ],
    set_: SetOption = None,
    workers: WorkersOption = 0,
    scheduler: SchedulerOption = None,
    dask_local: DaskLocalOption = None,
    overwrite: Annotated[
        bool,
        typer.Option(
            help="Replace a folder holding another sweep or other files (this sweep resumes anyway)."
        ),
    ] = False,
    retry_failed: Annotated[
        bool, typer.Option(help="Run again the runs recorded as failed.")
    ] = False,
    batch_runs: Annotated[
        int, typer.Option(help="Runs per Parquet batch file (also written every 30 s).", min=1)
    ] = 256,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Run every design point x variant x replicate of CONFIG's sweep into --out.

    Results stream into a Parquet dataset as runs finish; run the same command again
    after an interruption to resume. Exit code 1 if any run failed.
    """
    from experiments.config import load_config
    from experiments.outdir import resolve_output
    from experiments.sweep.execute import run_sweep

    # the path rules first, before any work (run_sweep judges the folder's contents)
    out = resolve_output(
        out, kind="folder", overwrite=overwrite, allow_existing=True, links="refuse"
    )
    loaded = load_config(config, set_ or [])
    try:
        summary = run_sweep(
            loaded,
            out,
            workers=workers,
            scheduler=scheduler,
            dask_local=dask_local,
            overwrite=overwrite,
            retry_failed=retry_failed,
            progress=not quiet,
            command=["govsim", *sys.argv[1:]],
            batch_runs=batch_runs,
        )
    except KeyboardInterrupt:
        typer.echo(
            f"interrupted: finished runs are saved in {out}; run the same command to resume",
            err=True,
        )
        raise typer.Exit(130) from None
    rate = (
        f" ({summary.ran / summary.wall_seconds:.2f} runs/s)"
        if summary.wall_seconds > 0 and summary.ran
        else ""
    )
    typer.echo(
        f"sweep {out}: {summary.total} runs, {summary.ok} ok, {summary.failed} failed, {summary.pending} pending; "
        f"this session ran {summary.ran} ({summary.failed_now} failed) in {summary.wall_seconds:.1f} s{rate} "
        f"on {summary.executor or 'no executor (nothing to run)'}"
    )
    if summary.failed:
        for row in summary.failures[:5]:
            typer.echo(
                f"  failed run {row['run_id']} ({row['variant']}, point {row['point']}, "
                f"replicate {row['replicate']}): {row['error']}",
                err=True,
            )
        more = f" ({summary.failed - 5} more in runs.parquet)" if summary.failed > 5 else ""
        typer.echo(
            f"  tracebacks in {out / 'runs.parquet'}{more}; reproduce one with: govsim rerun {out} RUN_ID",
            err=True,
        )
        raise typer.Exit(1)


def rerun(
    folder: Annotated[Path, typer.Argument(help="Sweep folder.")],
    run_id: Annotated[int, typer.Argument(help="Run id (column run_id of runs.parquet).")],
    save: Annotated[
        Path | None, typer.Option(help="Also write the rerun's per-step rows to this Parquet file.")
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing --save file.")] = False,
) -> None:
    """Reproduce one run of a sweep alone and compare it, bit for bit, with the stored rows.

    Prints OK (exit 0) or the differences (exit 1).
    """
    from experiments.outdir import resolve_output, write_file_atomically
    from experiments.sweep.replay import rerun as rerun_run

    target = None
    if save is not None:
        target = resolve_output(save, kind="file", overwrite=overwrite, option="--save")
    report = rerun_run(folder, run_id)
    who = ", ".join(f"{k}={v}" for k, v in report.identity.items())
    if target is not None and report.outcome.timeseries is not None:
        frame = report.outcome.timeseries
        write_file_atomically(
            target, lambda tmp: frame.to_parquet(tmp, index=False), overwrite, option="--save"
        )
        typer.echo(f"wrote {target}")
    if not report.stored:
        typer.echo(
            f"run {run_id} ({who}) is not stored yet (the sweep has not reached it); "
            f"rerun status {report.outcome.status}: nothing to compare"
        )
        raise typer.Exit(1)
    if report.identical:
        typer.echo(f"OK: run {run_id} ({who}) reproduced bit for bit ({report.outcome.status})")
        return
    typer.echo(f"MISMATCH: run {run_id} ({who})")
    for line in report.mismatches:
        typer.echo(f"  {line}")
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the commands to the app."""
    app.command("sweep")(sweep)
    app.command("rerun")(rerun)
