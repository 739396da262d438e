"""``govsim swaps``: which levers explain the gap between two regimes (lever swaps)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from experiments.cli.options import DaskLocalOption, SchedulerOption, SetOption
from experiments.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["register"]


def swaps(
    config: Annotated[
        Path, typer.Argument(help="Experiment config (YAML): its model, events and run seed.")
    ],
    regime_from: Annotated[
        str, typer.Option("--from", help="Regime A, the one whose levers are swapped.")
    ] = "top_down",
    regime_to: Annotated[
        str, typer.Option("--to", help="Regime B, whose lever values are given to A.")
    ] = "service",
    indicator: Annotated[
        list[str] | None,
        typer.Option("--indicator", "-i", help="Indicator to compare (repeatable)."),
    ] = None,
    steps: Annotated[
        int | None, typer.Option(help="Steps per run (default: the config's run.steps).")
    ] = None,
    window: Annotated[
        int | None,
        typer.Option(help="Final steps averaged as the steady state (default: a third of steps)."),
    ] = None,
    replicates: Annotated[
        int | None,
        typer.Option(help="Seeds, the same in every arm (default: the config's run.replicates)."),
    ] = None,
    set_: SetOption = None,
    group_delivery: Annotated[
        bool,
        typer.Option(
            "--group-delivery",
            help="Always swap the two delivery shares together (else only when needed).",
        ),
    ] = False,
    top: Annotated[
        int, typer.Option(help="Show the N largest swaps per indicator; 0 shows all.")
    ] = 0,
    workers: Annotated[int, typer.Option(help="Parallel worker processes; 0 uses every core.")] = 0,
    scheduler: SchedulerOption = None,
    dask_local: DaskLocalOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write the tidy table (CSV).")
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing --out file.")] = False,
) -> None:
    """Give regime A each lever of regime B in turn; print each lever's share of the gap B - A.

    Every arm runs on the same seeds (common random numbers); an indicator's value
    is its mean over the last WINDOW steps. Shares of one-at-a-time swaps need not
    sum to 1: the table reports their sum and the interaction remainder.
    """
    from sim.levers import REGIME_NAMES

    for option, regime in (("--from", regime_from), ("--to", regime_to)):
        if regime not in REGIME_NAMES:
            raise UserError(f"{option} {regime!r}: expected one of {', '.join(REGIME_NAMES)}")
    if regime_from == regime_to:
        raise UserError(f"--from and --to are both {regime_from!r}: give two different regimes")
    for option, value in (("--steps", steps), ("--window", window), ("--replicates", replicates)):
        if value is not None and value < (2 if option == "--replicates" else 1):
            raise UserError(
                f"{option} {value}: must be at least {2 if option == '--replicates' else 1}"
            )
    if top < 0:
        raise UserError(f"--top {top}: must be 0 (all) or more")
    if workers < 0:
        raise UserError(f"--workers {workers}: must be 0 (every core) or more")
    from experiments.executors import check_one_executor

    check_one_executor(scheduler, dask_local)
    from experiments.lever_swaps import DEFAULT_SWAP_INDICATORS, check_indicators

    indicators = list(indicator or DEFAULT_SWAP_INDICATORS)
    check_indicators(indicators)
    target = None
    if out is not None:
        from experiments.outdir import resolve_output

        target = resolve_output(out, kind="file", overwrite=overwrite)  # before any run
    from experiments.config import load_config

    loaded = load_config(config, set_ or [])
    steps = steps or loaded.run.steps
    window = window or max(1, steps // 3)
    if window > steps:
        raise UserError(f"--window {window}: must be at most --steps ({steps})")
    from rich.console import Console

    done = 0
    status = Console(stderr=True).status("lever swaps: starting runs")

    def count(task: object) -> None:
        nonlocal done
        done += 1
        status.update(f"lever swaps: {done} runs done (last: {getattr(task, 'variant', '')})")

    with status:
        table = _run(
            loaded,
            regime_from,
            regime_to,
            indicators,
            replicates,
            steps,
            window,
            workers,
            group_delivery,
            count,
            scheduler,
            dask_local,
        )
    console = Console()
    title = (
        f"{regime_to} - {regime_from}: lever swaps (A={regime_from} with one lever of "
        f"B={regime_to}); mean of the last {window} of {steps} steps, "
        f"{int(table['seeds'].iloc[0])} seeds, 95% t-intervals"
    )
    from experiments.present.swaps import swap_tables

    for part in swap_tables(table, title, console.width, top):
        console.print(part)
    if "delivery mix" in set(table["item"]):
        typer.echo(
            "note: the delivery shares are swapped together ('delivery mix'): one alone "
            "would break enterprise + social_org <= 1"
        )
    typer.echo("note: one-at-a-time shares need not sum to 1; 'remainder' = gap - sum of swaps")
    if target is not None:
        from experiments.outdir import write_file_atomically

        write_file_atomically(target, lambda tmp: table.to_csv(tmp, index=False), overwrite)
        typer.echo(f"wrote {target}")


def _run(
    loaded: Any,
    regime_from: str,
    regime_to: str,
    indicators: list[str],
    replicates: int | None,
    steps: int,
    window: int,
    workers: int,
    group_delivery: bool,
    on_done: Callable[[Any], None],
    scheduler: str | None = None,
    dask_local: int | None = None,
) -> pd.DataFrame:
    """Run the swaps of ``loaded`` (an ExperimentConfig) with the command's options."""
    from experiments.executors import default_workers
    from experiments.lever_swaps import lever_swaps

    return lever_swaps(
        loaded,
        regime_from,
        regime_to,
        indicators=indicators,
        replicates=replicates or loaded.run.replicates,
        root_seed=loaded.run.seed,
        steps=steps,
        window=window,
        workers=workers or default_workers(),
        group_delivery=True if group_delivery else None,
        on_done=on_done,
        scheduler=scheduler,
        dask_local=dask_local,
    )


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("swaps")(swaps)
