"""Tables printed on the terminal (readable at 80 columns: see :mod:`experiments.tables`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from experiments.tables import TableColumn, wide_tables

__all__ = ["print_summary", "summary_table", "summary_tables"]


def summary_tables(summary: pd.DataFrame, group: str = "variant", width: int = 80) -> list[Any]:
    """Rich tables: one row per indicator, one column per group, ``mean [low, high]``.

    Groups that do not fit in ``width`` characters go to further tables, each
    repeating the indicator column.
    """
    groups = list(dict.fromkeys(summary[group]))
    n = int(summary["n"].iloc[0]) if len(summary) else 0
    indicators = list(dict.fromkeys(summary["indicator"]))
    columns = [TableColumn("indicator", [str(i) for i in indicators], justify="left")]
    by_key = summary.set_index([group, "indicator"])
    for name in groups:
        cells = []
        for indicator in indicators:
            row = by_key.loc[(name, indicator)]
            cells.append(f"{row['mean']:.3f} [{row['ci_low']:.3f}, {row['ci_high']:.3f}]")
        columns.append(TableColumn(str(name), cells))
    title = f"Final state by {group} (mean [95% CI], n = {n} replicates)"
    return wide_tables(title, columns, keys=1, width=width)


def summary_table(summary: pd.DataFrame, group: str = "variant") -> Any:
    """All of :func:`summary_tables` in one table, however wide."""
    return summary_tables(summary, group, width=10**6)[0]


def print_summary(summary: pd.DataFrame, group: str = "variant") -> None:
    """Print :func:`summary_tables` to the terminal, fitted to its width."""
    from rich.console import Console

    console = Console()
    for table in summary_tables(summary, group, console.width):
        console.print(table)
