"""Terminal tables of a lever-swap result (``govsim swaps``): the gap and what each swap explains."""

from __future__ import annotations

import pandas as pd
from rich.table import Table

from experiments.present.tables import TableColumn, wide_tables

__all__ = ["swap_tables"]


def swap_tables(table: pd.DataFrame, title: str, width: int = 80, top: int = 0) -> list[Table]:
    """Rich tables of a lever-swap result, readable at ``width`` columns.

    Per indicator: the gap, the swaps by decreasing size of effect (the ``top``
    largest if ``top`` > 0), their sum and the interaction remainder.
    """
    names = ["indicator", "item", "A -> B", "effect", "95% CI", "share"]
    columns = [TableColumn(n, justify="left" if k < 3 else "right") for k, n in enumerate(names)]
    for indicator, rows in table.groupby("indicator", sort=False):
        swaps_ = rows[rows["kind"] == "swap"]
        swaps_ = swaps_.reindex(swaps_["mean"].abs().sort_values(ascending=False).index)
        if top:
            swaps_ = swaps_.head(top)
        ordered = [
            rows[rows["kind"] == "gap"],
            swaps_,
            rows[rows["kind"].isin(["sum", "remainder"])],
        ]
        for first, (_, row) in enumerate(r for part in ordered for r in part.iterrows()):
            values = f"{row['value_a']} -> {row['value_b']}" if row["kind"] == "swap" else ""
            cells = (
                indicator if first == 0 else "",
                _item_label(row),
                values,
                f"{row['mean']:+.3g}",
                f"[{row['low']:+.3g}, {row['high']:+.3g}]",
                "" if row["share"] != row["share"] else f"{100 * row['share']:.0f}%",
            )
            for column, cell in zip(columns, cells, strict=True):
                column.cells.append(cell)
    return wide_tables(title, columns, keys=2, width=width)


def _item_label(row: pd.Series) -> str:
    if row["kind"] == "gap":
        return "gap B - A"
    if row["kind"] == "remainder":
        return "remainder"
    if row["kind"] == "sum":
        return "sum of swaps"
    return str(row["item"])
