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
) -> None:
    """Print (or write) the Markdown reference of every config key."""
    from experiments.reference import render_reference

    text = render_reference()
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")


def schema(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of printing.")
    ] = None,
) -> None:
    """Print (or write) the JSON Schema of experiment configs, for editors."""
    from experiments.reference import config_json_schema

    text = json.dumps(config_json_schema(), indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")


def register(app: typer.Typer) -> None:
    """Add the commands to the app."""
    app.command("reference")(reference)
    app.command("schema")(schema)
