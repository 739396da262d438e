"""Terminal tables of a sweep (``govsim analyze``): aggregates by design point, sensitivity indices."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from rich.table import Table

from experiments.present.style import short_key
from experiments.present.tables import TableColumn, wide_tables

__all__ = ["aggregate_tables", "indices_tables"]


def aggregate_tables(
    table: pd.DataFrame,
    parameters: Sequence[str],
    indicators: Sequence[str],
    limit: int = 0,
    width: int = 80,
) -> list[Table]:
    """Rich tables of :func:`experiments.sweep.aggregate.aggregate_by_point`, one row per point.

    Parameters
    ----------
    table
        Long aggregate table (variant, point, swept keys, n, failed, indicator, mean, CI).
    parameters
        Swept keys (key columns, with the variant, n and failed).
    indicators
        Indicators shown, one column each: ``mean [low, high]``.
    limit
        Show the first ``limit`` points only (0: all).
    width
        Terminal width; columns that do not fit go to further tables.
    """
    points = list(table.groupby(["variant", "point"], sort=False))
    shown = points[:limit] if limit else points
    note = (
        f" (first {len(shown)} of {len(points)}; all in analysis/aggregates.csv)"
        if len(shown) < len(points)
        else ""
    )
    columns = [
        TableColumn("variant", justify="left"),
        *[TableColumn(_wrap(short_key(p))) for p in parameters],
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


def indices_tables(indices: pd.DataFrame, width: int = 80) -> list[Table]:
    """Rich tables of :func:`experiments.sweep.sensitivity.sensitivity_indices`, fitted to ``width``."""
    columns = [
        c for c in indices.columns if c not in ("variant", "indicator", "parameter", "method")
    ]
    method = indices["method"].iloc[0] if len(indices) else "sensitivity"
    out = [
        TableColumn("variant", [str(v) for v in indices["variant"]], justify="left"),
        TableColumn("indicator", [str(v) for v in indices["indicator"]], justify="left"),
        TableColumn("parameter", [short_key(str(v)) for v in indices["parameter"]], justify="left"),
        *[TableColumn(c, [f"{v:.3f}" for v in indices[c]]) for c in columns],
    ]
    title = f"{method} indices (conf: 95% bootstrap half-width)"
    return wide_tables(title, out, keys=3, width=width)


def _wrap(name: str) -> str:
    """An indicator's name over two lines at its first underscore, so its column stays narrow."""
    head, sep, tail = name.partition("_")
    return f"{head}_\n{tail}" if sep and len(name) > 14 else name


def _fmt(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
