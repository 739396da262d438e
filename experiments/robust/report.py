"""Markdown summary of a robust comparison (``OUT/summary.md``; the README's tables)."""

from __future__ import annotations

import pandas as pd

__all__ = ["markdown_summary"]


def _p(p: float, low: float, high: float) -> str:
    return "-" if p != p else f"{p:.2f} [{low:.2f}, {high:.2f}]"


def markdown_summary(
    headline: pd.DataFrame,
    pairs: pd.DataFrame,
    attribution: pd.DataFrame | None = None,
    boxes: pd.DataFrame | None = None,
    top: int = 3,
) -> str:
    """Three Markdown tables: rankings with probabilities, attribution, PRIM boxes."""
    lines = [
        "| indicator | ranking at the presets | P(ranking holds) | P(regulatory > top_down) "
        "| P(service > top_down) | P(service > regulatory) |",
        "|---|---|---|---|---|---|",
    ]
    for _, row in headline.iterrows():
        cells = []
        for a, b in (
            ("top_down", "regulatory"),
            ("top_down", "service"),
            ("regulatory", "service"),
        ):
            pr = pairs[
                (pairs["indicator"] == row["indicator"]) & (pairs["a"] == a) & (pairs["b"] == b)
            ]
            if pr.empty:
                cells.append("-")
                continue
            p = pr.iloc[0]
            # P(b > a) = 1 - P(a > b) (ties have probability 0 for continuous indicators)
            cells.append(_p(1 - p["p_a_gt_b"], 1 - p["high"], 1 - p["low"]))
        lines.append(
            f"| `{row['indicator']}` | {row['headline']} | "
            f"{_p(row['p_holds'], row['low'], row['high'])} | " + " | ".join(cells) + " |"
        )
    if attribution is not None and len(attribution):
        lines += [
            "",
            "| indicator | gap B - A at the presets [95% CI] | largest Shapley values of lever blocks "
            "(share of the gap) |",
            "|---|---|---|",
        ]
        for (a, b, indicator), rows in attribution.groupby(["a", "b", "indicator"], sort=False):
            gap = rows[rows["kind"] == "gap"].iloc[0]
            blocks = rows[rows["kind"] == "block"]
            blocks = blocks.reindex(blocks["mean"].abs().sort_values(ascending=False).index)
            parts = [
                f"{r['block']} {r['mean']:+.3g}"
                + ("" if r["share"] != r["share"] else f" ({100 * r['share']:.0f}%)")
                for _, r in blocks.head(top).iterrows()
            ]
            lines.append(
                f"| `{indicator}` | {b} - {a}: {gap['mean']:+.3g} [{gap['low']:+.3g}, "
                f"{gap['high']:+.3g}] | {', '.join(parts)} |"
            )
    if boxes is not None and len(boxes) and "input" in boxes:
        lines += [
            "",
            "| indicator | presets' ranking | reversals | PRIM box where it reverses | coverage "
            "| density |",
            "|---|---|---|---|---|---|",
        ]
        found = boxes.dropna(subset=["input"])
        for _, rows in found.groupby(["indicator", "a", "b"], sort=False):
            first = rows.iloc[0]
            limits = "; ".join(
                f"`{r['input']}` in [{r['low']:.3g}, {r['high']:.3g}]" for _, r in rows.iterrows()
            )
            lines.append(
                f"| `{first['indicator']}` | {first['headline']} | {first['reversals']}/"
                f"{first['draws']} ({first['base_rate']:.2f}) | {limits} | {first['coverage']:.2f} | "
                f"{first['density']:.2f} |"
            )
    return "\n".join(lines) + "\n"
