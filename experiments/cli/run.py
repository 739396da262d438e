"""``govsim run``: one experiment config, all variants and replicates."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from experiments.cli.options import DaskLocalOption, SchedulerOption, SetOption, WorkersOption

__all__ = ["register"]


def run(
    config: Annotated[Path, typer.Argument(help="Experiment config (YAML).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")],
    set_: SetOption = None,
    workers: WorkersOption = 0,
    scheduler: SchedulerOption = None,
    dask_local: DaskLocalOption = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing output folder.")] = False,
    quiet: Annotated[bool, typer.Option(help="No progress bar or table.")] = False,
) -> None:
    """Run every variant x replicate of CONFIG: Parquet timeseries, manifest, figure and a 95% CI table."""
    from experiments.config import load_config
    from experiments.executors import check_one_executor, default_workers
    from experiments.experiment import run_experiment
    from experiments.outdir import resolve_output

    check_one_executor(scheduler, dask_local)
    out = resolve_output(out, kind="folder", overwrite=overwrite)  # before any work
    loaded = load_config(config, set_ or [])
    result = run_experiment(
        loaded,
        out,
        workers=workers or default_workers(),
        overwrite=overwrite,
        progress=not quiet,
        command=["govsim", *sys.argv[1:]],
        scheduler=scheduler,
        dask_local=dask_local,
    )
    if not quiet:
        from experiments.present.tables import print_summary

        print_summary(result.summary)
        typer.echo(f"wrote {', '.join(str(f) for f in result.files)}")
    from experiments.drift import drift_warning

    if result.drift is not None and (warning := drift_warning(result.drift)):
        typer.echo(f"warning: {warning}", err=True)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("run")(run)
