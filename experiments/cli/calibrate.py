"""``govsim calibrate``: fit free parameters to reported values (ABC-SMC with pyabc)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from experiments.cli.options import SetOption

__all__ = ["register"]


def calibrate(
    config: Annotated[Path, typer.Argument(help="Experiment config (YAML): model and timeline.")],
    targets: Annotated[
        Path,
        typer.Option(
            "--targets",
            "-t",
            help="Targets file (YAML): time mapping, observations with errors, free "
            "parameters with priors, predictions, budget (see docs/CALIBRATION.md).",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")],
    set_: SetOption = None,
    workers: Annotated[
        int,
        typer.Option(
            help="Local worker processes for pyabc's sampler; 1 (default) is reproducible "
            "bit for bit, more are faster but not (see docs/CALIBRATION.md).",
            min=1,
        ),
    ] = 1,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Address of a Dask scheduler (tcp://host:8786): sample on that cluster."),
    ] = None,
    population: Annotated[
        int | None, typer.Option(help="Override budget.population_size.", min=5)
    ] = None,
    generations: Annotated[
        int | None, typer.Option(help="Override budget.max_generations.", min=1)
    ] = None,
    max_simulations: Annotated[
        int | None, typer.Option(help="Override budget.max_simulations.", min=10)
    ] = None,
    draws: Annotated[
        int | None, typer.Option(help="Override budget.predictive_draws.", min=5)
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing output folder.")] = False,
    quiet: Annotated[bool, typer.Option(help="No progress or tables.")] = False,
) -> None:
    """Calibrate CONFIG to the observations of a targets file by ABC-SMC (pyabc) and
    write posterior samples, pyabc's database, predictive bands, predictions with 90%
    intervals and a manifest."""
    from experiments.calibration import calibrate as run_calibration

    say = (lambda message: None) if quiet else (lambda message: typer.echo(message, err=True))
    result = run_calibration(
        config,
        targets,
        out,
        overrides=set_ or [],
        workers=workers,
        scheduler=scheduler,
        overwrite=overwrite,
        budget={
            "population_size": population,
            "max_generations": generations,
            "max_simulations": max_simulations,
            "predictive_draws": draws,
        },
        progress=say,
        command=["govsim", *sys.argv[1:]],
    )
    if not quiet:
        import pandas as pd

        with pd.option_context("display.width", 160, "display.max_columns", 20):
            typer.echo(
                result.summary[
                    [
                        "parameter",
                        "prior_q05",
                        "prior_q95",
                        "posterior_q05",
                        "posterior_median",
                        "posterior_q95",
                        "shrinkage",
                    ]
                ].to_string(index=False, float_format=lambda v: f"{v:.3g}")
            )
            typer.echo(result.fit.to_string(index=False, float_format=lambda v: f"{v:.3g}"))
            if len(result.predictions):
                typer.echo(
                    result.predictions.to_string(index=False, float_format=lambda v: f"{v:.3g}")
                )
        typer.echo(f"wrote {result.out}")


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("calibrate")(calibrate)
