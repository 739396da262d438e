"""Figures of a robust comparison: ordering probabilities and Shapley attribution."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["plot_attribution", "plot_orderings"]


def plot_orderings(orderings: pd.DataFrame, path: Path) -> Path:
    """Per indicator, the probability of each ordering (headline hatched) with Wilson intervals."""
    import matplotlib.pyplot as plt

    indicators = list(dict.fromkeys(orderings["indicator"]))
    fig, axes = plt.subplots(
        len(indicators), 1, figsize=(7.5, 1.6 * len(indicators) + 0.6), squeeze=False
    )
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
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_attribution(table: pd.DataFrame, path: Path) -> Path:
    """Per pair and indicator, each block's Shapley value with its interval, and the gap."""
    import matplotlib.pyplot as plt

    groups = list(table.groupby(["a", "b", "indicator"], sort=False))
    cols = 3
    rows_n = int(np.ceil(len(groups) / cols))
    fig, axes = plt.subplots(
        rows_n, cols, figsize=(4.2 * cols, 2.6 * rows_n), squeeze=False, sharey=False
    )
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
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
