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
    overwrite: Annotated[
        bool, typer.Option(help="Replace validation files already in --out (others are kept).")
    ] = False,
) -> None:
    """Run the validation cases, print a table (case, expected, measured, tolerance,
    pass) and exit 1 if any check fails."""
    import tempfile

    from rich.console import Console

    from experiments.outdir import publish_files, staging_folder
    from experiments.present.validation import render_table
    from experiments.validation import resolve_cases, run_validation

    names = resolve_cases(cases or [])
    if out is None:
        out = Path(tempfile.mkdtemp(prefix="govsim-validate-"))
    else:
        out = _checked_folder(out, names, overwrite)
    console = Console()
    variant = "quick" if quick else "full"
    with staging_folder(out) as staging:  # files appear whole, and only once all cases ran
        results = run_validation(
            names,
            variant,
            staging,
            progress=lambda case: console.print(f"running {case} ({variant}) ..."),
        )
        publish_files(staging, out, overwrite)
    for result in results:
        result.figure = out / result.figure.name if result.figure else None
        result.table = out / result.table.name if result.table else None
    render_table(results, console)
    console.print(f"wrote figures and data to {out}")
    failed = [r.case for r in results if not r.passed]
    if failed:
        console.print(f"[bold red]validation failed:[/bold red] {', '.join(failed)}")
        raise typer.Exit(1)


def _checked_folder(out: Path, names: list[str], overwrite: bool) -> Path:
    """The resolved --out; without ``overwrite``, refuse now the files the cases would replace."""
    from experiments.errors import UserError
    from experiments.outdir import resolve_output

    folder = resolve_output(
        out, kind="folder", overwrite=overwrite, allow_existing=True, links="refuse"
    )
    if not overwrite and folder.is_dir():
        stems = {f"validation_{name}" for name in [*names, "summary"]}
        taken = sorted(p.name for p in folder.iterdir() if p.name.split(".")[0] in stems)
        if taken:
            raise UserError(
                f"--out {out}: holds {', '.join(taken)} from an earlier validation; pass "
                "--overwrite to replace them, or choose another folder"
            )
    return folder


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("validate")(validate)
