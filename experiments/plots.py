"""Figures for papers: one consistent style, readable in greyscale.

Variants differ by line style and marker as well as colour (a colour-blind-safe
palette), so a figure printed in black and white still tells them apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from experiments.analysis import KEY_INDICATORS, timeseries_bands

__all__ = ["INDICATOR_LABELS", "plot_timeseries", "style_cycle"]

INDICATOR_LABELS: dict[str, str] = {
    "participation_rate": "Participation (share of citizens)",
    "compliance_rate": "Compliance (share of enterprises)",
    "mean_trust": "Trust in government (0-1)",
    "mean_satisfaction": "Satisfaction (0-1)",
    "satisfaction_gini": "Satisfaction inequality (Gini)",
    "unrest_rate": "Unrest (share of citizens active)",
    "service_coverage": "Service coverage (share of need met)",
    "governance_cost": "Governance cost (money per citizen per step)",
    "welfare": "Welfare (log-utility units)",
    "polycentricity": "Polycentricity (0-1)",
    "responsiveness": "Responsiveness (0-1)",
    "service_match": "Service match (0-1)",
    "complaint_rate": "Complaints (share of citizens)",
    "jurisdiction_equity": "Equity between jurisdictions (0-1)",
    "cost_effectiveness": "Coverage per unit cost",
}

_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
_LINES = ("-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 2)))
_MARKERS = ("o", "s", "^", "D", "v", "P", "X")


def style_cycle(index: int) -> dict[str, object]:
    """Colour, line style and marker of the ``index``-th series."""
    return {
        "color": _COLOURS[index % len(_COLOURS)],
        "linestyle": _LINES[index % len(_LINES)],
        "marker": _MARKERS[index % len(_MARKERS)],
    }


def plot_timeseries(
    frame: pd.DataFrame,
    out: Path,
    indicators: Sequence[str] = KEY_INDICATORS,
    group: str = "variant",
    formats: Sequence[str] = ("png", "pdf"),
    title: str | None = None,
) -> list[Path]:
    """Indicators over time by group, mean with 95% confidence band; returns the files written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(frame[group]))
    cols = 2 if len(indicators) > 3 else 1
    rows = -(-len(indicators) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(5.2 * cols, 2.3 * rows), sharex=True, squeeze=False
    )
    steps = frame["step"].nunique()
    mark_every = max(1, steps // 8)
    for ax, indicator in zip(axes.flat, indicators, strict=False):
        bands = timeseries_bands(frame, indicator, group)
        for k, name in enumerate(names):
            part = bands[bands[group] == name]
            style = style_cycle(k)
            ax.plot(
                part["step"],
                part["mean"],
                label=str(name),
                markevery=mark_every,
                markersize=3.5,
                linewidth=1.4,
                **style,
            )
            ax.fill_between(
                part["step"],
                part["ci_low"],
                part["ci_high"],
                color=style["color"],
                alpha=0.18,
                linewidth=0,
            )
        ax.set_ylabel(INDICATOR_LABELS.get(indicator, indicator), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3, linewidth=0.5)
    for ax in axes.flat[len(indicators) :]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("Step", fontsize=8)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(
        handles, labels, loc="upper center", ncol=min(len(names), 5), fontsize=8, frameon=False
    )
    if title:
        fig.suptitle(title, fontsize=10, y=1.0)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    out.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = out.with_suffix(f".{fmt}")
        fig.savefig(path, dpi=150, bbox_inches="tight")
        written.append(path)
    plt.close(fig)
    return written
