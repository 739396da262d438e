"""Tables printed on the terminal."""

from __future__ import annotations

import pandas as pd

__all__ = ["print_summary", "summary_table"]


def summary_table(summary: pd.DataFrame, group: str = "variant"):
    """A rich table: one row per indicator, one column per group, ``mean [low, high]``."""
    from rich.table import Table

    groups = list(dict.fromkeys(summary[group]))
    n = int(summary["n"].iloc[0]) if len(summary) else 0
    table = Table(title=f"Final state by {group} (mean [95% CI], n = {n} replicates)")
    table.add_column("indicator")
    for name in groups:
        table.add_column(str(name), justify="right")
    for indicator, part in summary.groupby("indicator", sort=False):
        cells = []
        for name in groups:
            row = part[part[group] == name].iloc[0]
            cells.append(f"{row['mean']:.3f} [{row['ci_low']:.3f}, {row['ci_high']:.3f}]")
        table.add_row(str(indicator), *cells)
    return table


def print_summary(summary: pd.DataFrame, group: str = "variant") -> None:
    """Print :func:`summary_table` to the terminal."""
    from rich.console import Console

    Console().print(summary_table(summary, group))
