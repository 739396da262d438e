"""``govsim plot``: every figure of a results folder, in PNG and PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def plot(
    folder: Annotated[Path, typer.Argument(help="Output folder of govsim run or govsim sweep.")],
    format_: Annotated[
        str, typer.Option("--format", help="Comma-separated file formats: png, pdf, svg.")
    ] = "png,pdf",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Where to write (default: DIR/figures).")
    ] = None,
    variant: Annotated[
        str | None, typer.Option(help="Variant shown in the network snapshot (default: the first).")
    ] = None,
    network: Annotated[
        bool, typer.Option(help="Rebuild run 0 and draw its collaboration network.")
    ] = True,
) -> None:
    """Draw indicators over time with 95% bands, the final-state comparison with error bars,
    sweep heatmaps or sensitivity indices, and a network snapshot coloured by actor type."""
    from experiments.figures import plot_results_folder

    formats = [f.strip().lower().lstrip(".") for f in format_.split(",") if f.strip()]
    written = plot_results_folder(folder, out, formats, network=network, variant=variant)
    for path in written:
        typer.echo(str(path))


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("plot")(plot)
