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
    for part in _aggregate_table(table, results.parameters, indicators, rows, console.width):
        console.print(part)
    if results.design.kind in ("sobol", "morris"):
        from experiments.sweep.sensitivity import sensitivity_indices

        indices = sensitivity_indices(results, indicators)
        written.append(_write_csv(indices, staging / "analysis" / "sensitivity.csv"))
        for part in _indices_table(indices, console.width):
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


def _aggregate_table(
    table, parameters: list[str], indicators: list[str], limit: int, width: int = 80
):  # type: ignore[no-untyped-def]
    from experiments.present.tables import TableColumn, wide_tables

    points = list(table.groupby(["variant", "point"], sort=False))
    shown = points[:limit] if limit else points
    note = (
        f" (first {len(shown)} of {len(points)}; all in analysis/aggregates.csv)"
        if len(shown) < len(points)
        else ""
    )
    columns = [
        TableColumn("variant", justify="left"),
        *[TableColumn(_wrap(_short(p))) for p in parameters],
        TableColumn("n"),
        TableColumn("failed"),
        *[TableColumn(_wrap(name)) for name in indicators],
    ]
    for (variant, _), part in shown:
        first = part.iloc[0]
        cells = [
            str(variant),
            *[_fmt(first[p]) for p in parameters],
            str(part["n"].min()),
            str(first["failed"]),
        ]
        by_name = part.set_index("indicator")
        for name in indicators:
            mean, high = by_name.at[name, "mean"], by_name.at[name, "ci_high"]
            low = by_name.at[name, "ci_low"]
            cells.append("-" if mean != mean else f"{mean:.3f} [{low:.3f}, {high:.3f}]")
        for column, cell in zip(columns, cells, strict=True):
            column.cells.append(cell)
    title = f"Final state by design point: mean [95% CI]{note}"
    return wide_tables(title, columns, keys=len(parameters) + 3, width=width)


def _indices_table(indices, width: int = 80):  # type: ignore[no-untyped-def]
    from experiments.present.tables import TableColumn, wide_tables

    columns = [
        c for c in indices.columns if c not in ("variant", "indicator", "parameter", "method")
    ]
    method = indices["method"].iloc[0] if len(indices) else "sensitivity"
    out = [
        TableColumn("variant", [str(v) for v in indices["variant"]], justify="left"),
        TableColumn("indicator", [str(v) for v in indices["indicator"]], justify="left"),
        TableColumn("parameter", [_short(str(v)) for v in indices["parameter"]], justify="left"),
        *[TableColumn(c, [f"{v:.3f}" for v in indices[c]]) for c in columns],
    ]
    title = f"{method} indices (conf: 95% bootstrap half-width)"
    return wide_tables(title, out, keys=3, width=width)


def _wrap(name: str) -> str:
    """An indicator's name over two lines at its first underscore, so its column stays narrow."""
    head, sep, tail = name.partition("_")
    return f"{head}_\n{tail}" if sep and len(name) > 14 else name


def _short(key: str) -> str:
    return key.removeprefix("model.").removeprefix("levers.")


def _fmt(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("analyze")(analyze)
