"""Terminal tables that stay readable in a narrow terminal (80 columns), and the summary table.

Rich shrinks columns that do not fit and cuts their text with an ellipsis, so a
wide table turns into cells such as ``0…`` and headers cut to the same text.
:func:`wide_tables` instead splits the columns into blocks that fit the width,
repeating the key columns in each block (as R prints a wide data frame), and
wraps rather than cuts whatever still does not fit: no value is ever hidden.
:func:`summary_tables` lays out the final-state summary of ``govsim run`` that way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

__all__ = ["TableColumn", "print_summary", "summary_tables", "wide_tables"]

# a column's share of the table's width besides its text: padding 1 + 1, one border
_FRAME = 3


@dataclass
class TableColumn:
    """One column: its header, its cells (as text) and how they are aligned."""

    header: str
    cells: list[str] = field(default_factory=list)
    justify: str = "right"

    @property
    def width(self) -> int:
        """Widest line of the header and cells."""
        lines = [*self.header.splitlines(), *(line for c in self.cells for line in c.splitlines())]
        return max((len(line) for line in lines), default=1)


def wide_tables(
    title: str, columns: Sequence[TableColumn], keys: int, width: int, **table_options: Any
) -> list[Table]:
    """Rich tables showing ``columns`` within ``width`` characters.

    Parameters
    ----------
    title
        Title of the first table (the others say which part they are).
    columns
        Every column, the ``keys`` key columns first.
    keys
        How many leading columns identify a row (repeated in every block).
    width
        The terminal's width (``Console().width``).
    """
    key_columns, rest = list(columns[:keys]), list(columns[keys:])
    budget = width - 1 - sum(c.width + _FRAME for c in key_columns)
    blocks: list[list[TableColumn]] = []
    for column in rest:
        need = column.width + _FRAME
        if blocks and sum(c.width + _FRAME for c in blocks[-1]) + need <= budget:
            blocks[-1].append(column)
        else:
            blocks.append([column])
    blocks = blocks or [[]]
    tables = []
    for number, block in enumerate(blocks):
        caption = title if len(blocks) == 1 else f"{title} ({number + 1}/{len(blocks)})"
        table = Table(title=caption, **table_options)
        shown = [*key_columns, *block]
        for column in shown:
            # fold, never an ellipsis: a column too wide for the terminal wraps
            table.add_column(
                column.header, justify=column.justify, overflow="fold", min_width=_min(column)
            )
        rows = len(shown[0].cells) if shown else 0
        for row in range(rows):
            table.add_row(*(column.cells[row] for column in shown))
        tables.append(table)
    return tables


def _min(column: TableColumn) -> int:
    """Keep a number whole: as wide as the longest unbroken cell, up to 24 characters."""
    longest = max((len(word) for c in column.cells for word in c.split()), default=1)
    return min(max(longest, 1), 24)


def summary_tables(summary: pd.DataFrame, group: str = "variant", width: int = 80) -> list[Table]:
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


def print_summary(summary: pd.DataFrame, group: str = "variant") -> None:
    """Print :func:`summary_tables` to the terminal, fitted to its width."""
    console = Console()
    for table in summary_tables(summary, group, console.width):
        console.print(table)
