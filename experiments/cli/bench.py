"""``govsim bench``: the speed and memory benchmarks (``python -m benchmarks``)."""

from __future__ import annotations

import importlib
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from experiments.errors import UserError

__all__ = ["register"]


def _benchmarks():
    """The ``benchmarks`` package: installed, or beside ``experiments/`` in a source checkout."""
    try:
        return importlib.import_module("benchmarks")
    except ModuleNotFoundError:
        root = Path(__file__).resolve().parents[2]
        if not (root / "benchmarks" / "harness.py").is_file():
            raise UserError(
                "bench: the benchmarks package is not installed and there is no source "
                "checkout beside experiments/; run from a clone of the repository"
            ) from None
        sys.path.insert(0, str(root))
        return importlib.import_module("benchmarks")


def bench(
    quick: Annotated[bool, typer.Option("--quick", help="Small sizes only (under 30 s).")] = False,
    case: Annotated[
        list[str] | None,
        typer.Option("--case", "-c", help="Run only this case (repeatable); see --list."),
    ] = None,
    list_cases: Annotated[bool, typer.Option("--list", help="List the cases and exit.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the measurements as JSON.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write the table to this file.")
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing --out file.")] = False,
) -> None:
    """Time set-up and steps, peak memory and the targets' ratios (docs/PERFORMANCE.md)."""
    benchmarks = _benchmarks()
    if list_cases:
        for name, spec in benchmarks.CASES.items():
            typer.echo(f"{name:20s} {spec.description}")
        return
    unknown = sorted(set(case or ()) - set(benchmarks.CASES))
    if unknown:
        raise UserError(
            f"case: unknown {', '.join(unknown)}; allowed: {', '.join(benchmarks.CASES)}"
        )
    target = None
    if out is not None:
        from experiments.outdir import resolve_output

        target = resolve_output(out, kind="file", overwrite=overwrite)  # before minutes of work
    report = benchmarks.run_benchmarks(quick=quick, names=case or None, progress=True)
    if as_json:
        typer.echo(json.dumps(asdict(report), indent=2))
    else:
        text = benchmarks.format_report(report)
        typer.echo(text)
        if target is not None:
            from experiments.outdir import write_file_atomically

            write_file_atomically(
                target, lambda tmp: tmp.write_text(text + "\n", "utf-8"), overwrite
            )
    if report.errors:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("bench")(bench)
