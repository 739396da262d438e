"""The final state by group: each indicator's mean at the last step with its interval."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from experiments.analysis import KEY_INDICATORS, final_state_summary
from experiments.present.style import indicator_label, save_figure, style_cycle, wrap_label

__all__ = ["final_state_figure", "plot_final_state"]


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

    Parameters
    ----------
    frame
        Long table with ``step``, ``replicate``, ``group`` and the indicator columns.
    indicators
        Indicators to draw, one panel each (up to five panels a row).
    group
        Column whose values are compared.
    level
        Confidence level of the intervals.
    """
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
        ax.set_title(wrap_label(indicator_label(indicator)), fontsize=7.5)
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
