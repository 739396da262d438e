"""Figures for papers: one consistent style, readable in greyscale.

Variants differ by line style and marker as well as colour (a colour-blind-safe
palette), so a figure printed in black and white still tells them apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from experiments.analysis import KEY_INDICATORS, final_state_summary, timeseries_bands

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim import GovernanceModel

__all__ = [
    "FIGURE_FORMATS",
    "INDICATOR_LABELS",
    "final_state_figure",
    "network_figure",
    "plot_final_state",
    "plot_network",
    "plot_timeseries",
    "save_figure",
    "style_cycle",
]

FIGURE_FORMATS: tuple[str, ...] = ("png", "pdf", "svg")

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
    written = save_figure(fig, out, formats)
    plt.close(fig)
    return written


def final_state_figure(
    frame: pd.DataFrame,
    indicators: Sequence[str] = KEY_INDICATORS,
    group: str = "variant",
    level: float = 0.95,
) -> Figure:
    """Final-step mean of each indicator by group, with its confidence interval as error bars.

    One panel per indicator, groups side by side, each with its own marker and
    colour; intervals are Student-t intervals over replicates
    (:func:`experiments.analysis.final_state_summary`).
    """
    from matplotlib.figure import Figure

    summary = final_state_summary(frame, indicators, group, level)
    names = list(dict.fromkeys(frame[group]))
    cols = min(5, len(indicators))
    rows = -(-len(indicators) // cols)
    fig = Figure(figsize=(2.05 * cols, 2.35 * rows))
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax, indicator in zip(axes.flat, indicators, strict=False):
        part = summary[summary["indicator"] == indicator].set_index(group)
        for k, name in enumerate(names):
            row = part.loc[name]
            style = style_cycle(k)
            below, above = row["mean"] - row["ci_low"], row["ci_high"] - row["mean"]
            ax.errorbar(
                [k],
                [row["mean"]],
                yerr=[[below], [above]],
                fmt=style["marker"],
                color=style["color"],
                ecolor="#333333",
                elinewidth=1.0,
                capsize=3,
                markersize=5.5,
                markeredgecolor="black",
                markeredgewidth=0.5,
                label=str(name),
            )
        ax.set_xticks(
            range(len(names)), [str(n) for n in names], rotation=30, ha="right", fontsize=7
        )
        ax.set_xlim(-0.6, len(names) - 0.4)
        ax.set_title(_wrap(INDICATOR_LABELS.get(indicator, indicator)), fontsize=7.5)
        ax.tick_params(axis="y", labelsize=7)
        ax.grid(axis="y", alpha=0.3, linewidth=0.5)
        ax.margins(y=0.25)
    for ax in axes.flat[len(indicators) :]:
        ax.set_visible(False)
    steps = int(frame["step"].max())
    replicates = int(summary["n"].max()) if len(summary) else 0
    fig.text(
        0.5,
        0.0,
        f"Points: mean at step {steps} over {replicates} replicates; "
        f"bars: {level:.0%} confidence interval.",
        ha="center",
        va="top",
        fontsize=7.5,
    )
    fig.tight_layout()
    return fig


def plot_final_state(
    frame: pd.DataFrame,
    out: Path,
    indicators: Sequence[str] = KEY_INDICATORS,
    group: str = "variant",
    formats: Sequence[str] = ("png", "pdf"),
    level: float = 0.95,
) -> list[Path]:
    """Save :func:`final_state_figure` as ``out.<format>``; returns the files written."""
    return save_figure(final_state_figure(frame, indicators, group, level), out, formats)


def network_figure(
    model: GovernanceModel,
    max_citizens: int = 300,
    seed: int = 0,
    size_by: Literal["capacity", "degree"] = "capacity",
    title: str | None = None,
) -> Figure:
    """A snapshot of the model's collaboration graph, coloured and shaped by actor type.

    See :mod:`experiments.graph_drawing` for what is drawn (all organisations and
    governments, a stratified sample of ``max_citizens`` citizens drawn with
    ``seed``) and where.
    """
    from matplotlib.figure import Figure

    from experiments.graph_drawing import draw_collaboration_graph, layout_collaboration_graph

    layout = layout_collaboration_graph(model, max_citizens, seed)
    fig = Figure(figsize=(7.0, 7.0))
    ax = fig.subplots()
    draw_collaboration_graph(ax, model, layout, size_by=size_by, legend="below", fontsize=8.0)
    if title:
        ax.set_title(title, fontsize=10)
    # the caption goes right under the legend, wherever the equal-aspect drawing put it
    fig.draw_without_rendering()
    legend_box = ax.get_legend().get_window_extent().transformed(fig.transFigure.inverted())
    caption = f"{layout.caption()}.\nNode size: {size_by} within each type."
    fig.text(0.5, legend_box.y0 - 0.01, caption, ha="center", va="top", fontsize=7.5)
    return fig


def plot_network(
    model: GovernanceModel,
    out: Path,
    formats: Sequence[str] = ("png", "pdf"),
    max_citizens: int = 300,
    seed: int = 0,
    size_by: Literal["capacity", "degree"] = "capacity",
    title: str | None = None,
) -> list[Path]:
    """Save :func:`network_figure` as ``out.<format>``; returns the files written."""
    return save_figure(network_figure(model, max_citizens, seed, size_by, title), out, formats)


def save_figure(fig: Figure, out: Path, formats: Sequence[str] = ("png", "pdf")) -> list[Path]:
    """Write ``fig`` as ``out.<format>`` for each format (PNG at 200 dpi); returns the paths.

    Raises
    ------
    ValueError
        For a format outside :data:`FIGURE_FORMATS`.
    """
    unknown = [f for f in formats if f not in FIGURE_FORMATS]
    if unknown:
        raise ValueError(
            f"unknown figure format {unknown[0]!r}; allowed: {', '.join(FIGURE_FORMATS)}"
        )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = out.with_suffix(f".{fmt}")
        fig.savefig(path, dpi=200, bbox_inches="tight")
        written.append(path)
    return written


def _wrap(label: str, width: int = 24) -> str:
    """Break a long panel title at a space near ``width`` characters."""
    if len(label) <= width:
        return label
    cut = label.rfind(" ", 0, width + 1)
    return label if cut <= 0 else label[:cut] + "\n" + label[cut + 1 :]
