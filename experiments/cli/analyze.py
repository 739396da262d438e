"""``govsim analyze``: aggregates with confidence intervals, sensitivity indices and figures of a sweep."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def analyze(
    folder: Annotated[Path, typer.Argument(help="Sweep folder written by govsim sweep.")],
    indicator: Annotated[
        list[str] | None,
        typer.Option(
            "--indicator", "-i", help="Indicator to report (repeatable; default: key ones)."
        ),
    ] = None,
    x: Annotated[
        str | None, typer.Option(help="Heatmap x axis: a swept key (default: the first).")
    ] = None,
    y: Annotated[
        str | None, typer.Option(help="Heatmap y axis: a swept key (default: the second).")
    ] = None,
    rows: Annotated[
        int, typer.Option(help="Print at most this many design points (all are in the CSV).", min=0)
    ] = 40,
    figures: Annotated[bool, typer.Option(help="Write figures.")] = True,
    overwrite: Annotated[
        bool, typer.Option(help="Replace the tables and figures of an earlier analyze.")
    ] = False,
) -> None:
    """Summarise a sweep: aggregates by design point with 95% CIs, sensitivity indices, figures.

    Prints final-state means [95% CI] per design point and variant, and Sobol or
    Morris indices for those designs; writes analysis/*.csv and figures/ (heatmaps
    over two swept keys per regime, sensitivity bar charts). Files of an earlier
    analyze are replaced only with --overwrite.
    """
    from experiments.outdir import publish_files, staging_folder
    from experiments.sweep.results import load_results

    results = load_results(folder)
    with staging_folder(results.root / "analysis") as staging:  # files appear whole, at the end
        shown = _analyze(results, staging, indicator, x, y, rows, figures)
        written = publish_files(staging, results.root, overwrite, option="analyze")
    if shown:
        typer.echo("wrote " + ", ".join(str(p) for p in written))


def _analyze(results, staging: Path, indicator, x, y, rows: int, figures: bool) -> bool:  # type: ignore[no-untyped-def]
    """Print the tables and write the files into ``staging`` (its analysis/ and figures/)."""
    from rich.console import Console

    from experiments.analysis import KEY_INDICATORS
    from experiments.present.sweep_tables import aggregate_tables, indices_tables
    from experiments.sweep.aggregate import aggregate_by_point

    folder = results.root
    indicators = list(indicator or KEY_INDICATORS)
    console = Console()
    status = results.manifest.get("status", {})
    console.print(
        f"[bold]{folder}[/]: {results.design.kind} design, {len(results.design.points)} points x "
        f"{len(results.variants)} variants x {results.manifest['runs']['replicates']} replicates = "
        f"{status.get('total', len(results.runs))} runs; ok {status.get('ok', '?')}, failed {status.get('failed', '?')}, "
        f"pending {status.get('pending', '?')}"
    )
    table = aggregate_by_point(results, indicators)
    written = [_write_csv(table, staging / "analysis" / "aggregates.csv")]
    for part in aggregate_tables(table, results.parameters, indicators, rows, console.width):
        console.print(part)
    if results.design.kind in ("sobol", "morris"):
        from experiments.sweep.sensitivity import sensitivity_indices

        indices = sensitivity_indices(results, indicators)
        written.append(_write_csv(indices, staging / "analysis" / "sensitivity.csv"))
        for part in indices_tables(indices, console.width):
            console.print(part)
        for variant, name, reason in indices.attrs.get("skipped", []):
            console.print(f"[yellow]no indices for {name} in {variant}: {reason}")
        if figures and not indices.empty:
            from experiments.present.sweep import plot_sensitivity

            written += plot_sensitivity(indices, staging / "figures" / "sensitivity")
    elif figures and results.design.kind == "grid" and len(results.parameters) >= 2:
        from experiments.present.sweep import plot_heatmaps

        for name in indicators:
            written += plot_heatmaps(
                results, name, staging / "figures" / f"heatmap_{name}", x=x, y=y
            )
    return bool(written)


def _write_csv(frame, path: Path) -> Path:  # type: ignore[no-untyped-def]
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("analyze")(analyze)
