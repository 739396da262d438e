"""``govsim compare``: the three regimes, robust to the preset guesses (orders, attribution, PRIM)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from experiments.cli.options import DaskLocalOption, SchedulerOption, SetOption, WorkersOption
from experiments.errors import UserError

if TYPE_CHECKING:
    from experiments.robust.compare import RobustResult

__all__ = ["register"]


def compare(
    config: Annotated[
        Path, typer.Argument(help="Experiment config (YAML): its model, events and run seed.")
    ],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Output folder (resumed if it holds this comparison)."),
    ],
    robust: Annotated[
        int,
        typer.Option(
            "--robust",
            help="Lever settings drawn per regime respecting every declared order (0: presets only).",
            min=0,
        ),
    ] = 0,
    seeds: Annotated[
        int, typer.Option(help="Seeds per draw, shared by its three regimes.", min=1)
    ] = 1,
    steps: Annotated[
        int | None, typer.Option(help="Steps per run (default: the config's run.steps).", min=1)
    ] = None,
    window: Annotated[
        int | None,
        typer.Option(help="Final steps averaged as the steady state (default: a quarter).", min=1),
    ] = None,
    indicator: Annotated[
        list[str] | None,
        typer.Option("--indicator", "-i", help="Indicator to compare (repeatable)."),
    ] = None,
    structural: Annotated[
        bool, typer.Option(help="Also draw the structural parameters (sim.lever_orders).")
    ] = True,
    attribution: Annotated[
        bool, typer.Option(help="Shapley attribution of the preset gaps to lever blocks.")
    ] = True,
    pair: Annotated[
        list[str] | None,
        typer.Option(
            help="Gap B - A to attribute, as A:B (repeatable; default top_down:service, "
            "regulatory:service)."
        ),
    ] = None,
    attribution_seeds: Annotated[
        int | None, typer.Option(help="Seeds of the attribution (default max(seeds, 4)).", min=2)
    ] = None,
    permutations: Annotated[
        int | None,
        typer.Option(
            help="Shapley: sampled block orders; 0 exact (default: exact up to 5 blocks, else 8).",
            min=0,
        ),
    ] = None,
    prim: Annotated[
        bool, typer.Option(help="PRIM boxes where a ranking reverses (EMA Workbench).")
    ] = True,
    set_: SetOption = None,
    workers: WorkersOption = 0,
    scheduler: SchedulerOption = None,
    dask_local: DaskLocalOption = None,
    overwrite: Annotated[
        bool, typer.Option(help="Replace folders holding another comparison.")
    ] = False,
    quiet: Annotated[bool, typer.Option(help="No progress bars.")] = False,
) -> None:
    """Compare the regimes over lever settings that respect the source's orders.

    Draw 0 is the presets (the headline ranking); draws 1..N draw every lever of each
    regime in its plausible range respecting the declared order (sim/lever_orders.py)
    and the structural parameters jointly. Prints, per indicator, the headline
    ranking and the share of draws in which it holds, the probability of each
    ordering and P(A > B) with Wilson intervals; the Shapley values of lever blocks
    in each preset gap; and the PRIM boxes where a ranking reverses. Runs on any
    executor; run the same command again to resume.
    """
    pairs = [_pair(text) for text in pair] if pair else None
    from experiments.config import load_config
    from experiments.robust.compare import DEFAULT_PAIRS, robust_compare

    loaded = load_config(config, set_ or [])
    try:
        result = robust_compare(
            loaded,
            out,
            draws=robust,
            seeds=seeds,
            steps=steps,
            window=window,
            indicators=indicator,
            structural=structural,
            attribution=attribution,
            pairs=pairs or DEFAULT_PAIRS,
            attribution_seeds=attribution_seeds,
            permutations=permutations,
            discovery=prim,
            workers=workers,
            scheduler=scheduler,
            dask_local=dask_local,
            overwrite=overwrite,
            progress=not quiet,
            command=["govsim", *sys.argv[1:]],
        )
    except KeyboardInterrupt:
        typer.echo(
            f"interrupted: finished runs are saved in {out}; run the same command to resume",
            err=True,
        )
        raise typer.Exit(130) from None
    _print(result)
    if not result.complete:
        typer.echo("some runs failed: see the runs.parquet of the sweep folders", err=True)
        raise typer.Exit(1)


def _pair(text: str) -> tuple[str, str]:
    from sim.levers import REGIME_NAMES

    parts = text.split(":")
    if len(parts) != 2 or any(p not in REGIME_NAMES for p in parts) or parts[0] == parts[1]:
        raise UserError(
            f"--pair {text!r}: expected A:B with two different regimes among "
            f"{', '.join(REGIME_NAMES)}"
        )
    return parts[0], parts[1]


def _print(result: RobustResult) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    n = result.draws
    sizes = (
        f"{n} draws + presets, {result.seeds} seed(s) per draw, mean of the last "
        f"{result.window} of {result.steps} steps"
    )
    table = Table(
        title=f"Headline ranking (presets) and the share of draws where it holds ({sizes})"
    )
    names = ("indicator", "ranking at the presets", "top_down / regulatory / service")
    for name in (*names, "P(holds)", "95% Wilson"):
        table.add_column(name, justify="left" if name != "P(holds)" else "right")
    for _, row in result.headline.iterrows():
        p = row["p_holds"]
        values = " / ".join(
            f"{row[f'preset_{r}']:.3g}" for r in ("top_down", "regulatory", "service")
        )
        table.add_row(
            row["indicator"],
            row["headline"],
            values,
            "-" if p != p else f"{p:.2f}",
            "-" if p != p else f"[{row['low']:.2f}, {row['high']:.2f}]",
        )
    console.print(table)
    if n:
        table = Table(title="P(A > B) over the draws, 95% Wilson intervals")
        for name in ("indicator", "A", "B", "presets B - A", "P(A > B)", "95% Wilson"):
            table.add_column(name)
        for _, row in result.pairs.iterrows():
            table.add_row(
                row["indicator"],
                row["a"],
                row["b"],
                f"{row['preset_gap_b_minus_a']:+.3g}",
                f"{row['p_a_gt_b']:.2f}",
                f"[{row['low']:.2f}, {row['high']:.2f}]",
            )
        console.print(table)
    if result.attribution is not None and len(result.attribution):
        table = Table(
            title="Shapley values of lever blocks in the preset gap B - A (95% t over seeds)"
        )
        for name in ("indicator", "B - A", "block", "value", "95% CI", "share"):
            table.add_column(name)
        for (_, _, indicator), rows in result.attribution.groupby(
            ["a", "b", "indicator"], sort=False
        ):
            gap = rows[rows["kind"] == "gap"]
            blocks = rows[rows["kind"] == "block"]
            blocks = blocks.reindex(blocks["mean"].abs().sort_values(ascending=False).index)
            for first, (_, row) in enumerate(_rows(gap, blocks)):
                share = row["share"]
                table.add_row(
                    indicator if first == 0 else "",
                    f"{row['b']} - {row['a']}" if first == 0 else "",
                    "gap" if row["kind"] == "gap" else row["block"],
                    f"{row['mean']:+.3g}",
                    f"[{row['low']:+.3g}, {row['high']:+.3g}]",
                    "" if share != share else f"{100 * share:.0f}%",
                )
        console.print(table)
        method = result.attribution["method"].iloc[0]
        typer.echo(f"note: Shapley values by {method}; they sum to the gap per seed")
    if result.boxes is not None and len(result.boxes):
        table = Table(title="PRIM: where the presets' ranking of a pair reverses")
        for name in ("indicator", "headline", "reversals", "coverage", "density", "box"):
            table.add_column(name)
        for _, rows in result.boxes.groupby(["indicator", "a", "b"], sort=False):
            first = rows.iloc[0]
            if "input" not in rows or rows["input"].isna().all():
                continue
            limits = "; ".join(
                f"{r['input']} in [{r['low']:.3g}, {r['high']:.3g}]" for _, r in rows.iterrows()
            )
            table.add_row(
                first["indicator"],
                first["headline"],
                f"{first['reversals']}/{first['draws']}",
                f"{first['coverage']:.2f}",
                f"{first['density']:.2f}",
                limits,
            )
        console.print(table)
    from experiments.robust.compare import steady_state_note

    typer.echo(steady_state_note(result))
    typer.echo(f"tables and figures in {result.out}")


def _rows(*frames: Any) -> Iterator[tuple[Any, Any]]:
    """Rows of several frames in turn."""
    for frame in frames:
        yield from frame.iterrows()


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("compare")(compare)
