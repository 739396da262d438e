"""What a robust comparison shows: ordering and attribution figures, the Markdown summary.

``govsim compare --robust`` writes ``orderings.png``, ``attribution.png`` and
``summary.md`` (the README's tables) from the tables of
:mod:`experiments.robust.summary` and :mod:`experiments.robust.shapley`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.present.style import save_figure

__all__ = ["markdown_summary", "plot_attribution", "plot_orderings"]

_DPI = 120


def plot_orderings(orderings: pd.DataFrame, path: Path) -> Path:
    """Per indicator, the probability of each ordering (headline hatched) with Wilson intervals."""
    indicators = list(dict.fromkeys(orderings["indicator"]))
    fig = Figure(figsize=(7.5, 1.6 * len(indicators) + 0.6))
    axes = fig.subplots(len(indicators), 1, squeeze=False)
    for ax, indicator in zip(axes[:, 0], indicators, strict=True):
        rows = orderings[orderings["indicator"] == indicator]
        y = np.arange(len(rows))
        p = rows["probability"].to_numpy()
        err = np.vstack([p - rows["low"].to_numpy(), rows["high"].to_numpy() - p])
        bars = ax.barh(y, p, xerr=err, color="0.7", ecolor="0.2", capsize=2)
        for bar, head in zip(bars, rows["headline"], strict=True):
            if head:
                bar.set_color("tab:blue")
        ax.set_yticks(y, [o.replace("top_down", "top-down") for o in rows["ordering"]], fontsize=7)
        ax.set_xlim(0, 1)
        ax.set_title(indicator, fontsize=9, loc="left")
    axes[-1, 0].set_xlabel("share of draws (blue: the presets' ranking), 95% Wilson intervals")
    fig.tight_layout()
    path = Path(path)
    (written,) = save_figure(fig, path, [path.suffix.lstrip(".")], dpi=_DPI, tight=False)
    return written


def plot_attribution(table: pd.DataFrame, path: Path) -> Path:
    """Per pair and indicator, each block's Shapley value with its interval, and the gap."""
    groups = list(table.groupby(["a", "b", "indicator"], sort=False))
    cols = 3
    rows_n = int(np.ceil(len(groups) / cols))
    fig = Figure(figsize=(4.2 * cols, 2.6 * rows_n))
    axes = fig.subplots(rows_n, cols, squeeze=False, sharey=False)
    for ax, ((a, b, indicator), rows) in zip(axes.flat, groups, strict=False):
        rows = rows.iloc[::-1]
        y = np.arange(len(rows))
        mean = rows["mean"].to_numpy()
        err = np.vstack([mean - rows["low"].to_numpy(), rows["high"].to_numpy() - mean])
        colours = ["black" if k == "gap" else "tab:orange" for k in rows["kind"]]
        ax.barh(y, mean, xerr=err, color=colours, ecolor="0.3", capsize=2)
        ax.axvline(0, color="0.5", lw=0.6)
        ax.set_yticks(y, list(rows["block"]), fontsize=7)
        ax.set_title(f"{indicator}: {b} - {a}", fontsize=8, loc="left")
    for ax in list(axes.flat)[len(groups) :]:
        ax.set_visible(False)
    fig.suptitle("Shapley values of lever blocks (orange) and the gap (black), 95% t-intervals")
    fig.tight_layout()
    path = Path(path)
    (written,) = save_figure(fig, path, [path.suffix.lstrip(".")], dpi=_DPI, tight=False)
    return written


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
            cells.append(_p(p["p_b_gt_a"], p["low_b"], p["high_b"]))  # strict: ties excluded
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
