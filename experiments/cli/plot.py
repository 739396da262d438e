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
    overwrite: Annotated[
        bool, typer.Option(help="Replace figure files already there (other files are kept).")
    ] = False,
) -> None:
    """Draw indicators over time with 95% bands, the final-state comparison with error bars,
    sweep heatmaps or sensitivity indices, and a network snapshot coloured by actor type."""
    from experiments.errors import UserError
    from experiments.outdir import publish_files, resolve_output, staging_folder
    from experiments.present.folder import plot_results_folder

    formats = [f.strip().lower().lstrip(".") for f in format_.split(",") if f.strip()]
    if not folder.is_dir():  # before anything is created
        raise UserError(f"{folder}: no such folder")
    where = out if out is not None else folder / "figures"
    target = resolve_output(
        where, kind="folder", overwrite=overwrite, allow_existing=True, links="refuse"
    )
    with staging_folder(target) as staging:  # each figure appears whole; none replaced unasked
        plot_results_folder(folder, staging, formats, network=network, variant=variant)
        written = publish_files(staging, target, overwrite)
    for path in written:
        typer.echo(str(path))


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("plot")(plot)
