"""``govsim export``: a results folder as CSV or netCDF, with its codebook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def export(
    folder: Annotated[Path, typer.Argument(help="Output folder of govsim run or govsim sweep.")],
    format_: Annotated[
        str, typer.Option("--format", help="csv (for R, Stata, Excel) or netcdf (xarray).")
    ] = "csv",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Where to write (default: DIR/export).")
    ] = None,
) -> None:
    """Write the folder's tidy tables as CSV or netCDF, with codebook.json (meaning and unit of every column).

    netCDF needs xarray: pip install govsim\\[export].
    """
    from experiments.export import export_folder

    for path in export_folder(folder, format_.strip().lower(), out):
        typer.echo(str(path))


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("export")(export)
