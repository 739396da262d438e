"""``govsim validate``: reproduce the published results the model reduces to."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def validate(
    cases: Annotated[
        list[str] | None,
        typer.Argument(
            help="Cases to run: coproduction, compliance, unrest, allocation "
            "(or santos, becker, epstein, oates); all when omitted.",
            show_default=False,
        ),
    ] = None,
    quick: Annotated[
        bool,
        typer.Option(
            "--quick/--full",
            help="Quick variant (the CI one, about a minute) or full variant (the "
            "docs/VALIDATION.md figures, minutes).",
        ),
    ] = True,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Folder for figures and data; a new temporary folder if omitted."
        ),
    ] = None,
) -> None:
    """Run the validation cases, print a table (case, expected, measured, tolerance,
    pass) and exit 1 if any check fails."""
    import tempfile

    from rich.console import Console

    from experiments.errors import UserError
    from experiments.validation import render_table, resolve_cases, run_validation

    names = resolve_cases(cases or [])
    if out is None:
        out = Path(tempfile.mkdtemp(prefix="govsim-validate-"))
    elif out.exists() and not out.is_dir():
        raise UserError(f"--out: {out} exists and is not a folder")
    console = Console()
    variant = "quick" if quick else "full"
    results = run_validation(
        names,
        variant,
        out,
        progress=lambda case: console.print(f"running {case} ({variant}) ..."),
    )
    render_table(results, console)
    console.print(f"wrote figures and data to {out}")
    failed = [r.case for r in results if not r.passed]
    if failed:
        console.print(f"[bold red]validation failed:[/bold red] {', '.join(failed)}")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("validate")(validate)
