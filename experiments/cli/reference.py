"""``govsim reference`` and ``govsim schema``: documentation generated from the schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def reference(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of printing.")
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing --out file.")] = False,
) -> None:
    """Print (or write) the Markdown reference of every config key."""
    from experiments.reference import render_reference

    target = None if out is None else _checked(out, overwrite)
    text = render_reference()
    _emit(text, target, overwrite)


def schema(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of printing.")
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing --out file.")] = False,
) -> None:
    """Print (or write) the JSON Schema of experiment configs, for editors."""
    from experiments.reference import config_json_schema

    target = None if out is None else _checked(out, overwrite)
    text = json.dumps(config_json_schema(), indent=2) + "\n"
    _emit(text, target, overwrite)


def _checked(out: Path, overwrite: bool) -> Path:
    from experiments.outdir import resolve_output

    return resolve_output(out, kind="file", overwrite=overwrite)


def _emit(text: str, target: Path | None, overwrite: bool) -> None:
    """Print, or write the file atomically (never replacing one without ``overwrite``)."""
    from experiments.outdir import write_file_atomically

    if target is None:
        typer.echo(text, nl=False)
    else:
        write_file_atomically(target, lambda tmp: tmp.write_text(text, "utf-8"), overwrite)


def register(app: typer.Typer) -> None:
    """Add the commands to the app."""
    app.command("reference")(reference)
    app.command("schema")(schema)
