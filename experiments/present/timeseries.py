"""Indicators over time: one panel per indicator, one line per variant with its 95% band."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from experiments.analysis import KEY_INDICATORS, timeseries_bands
from experiments.present.style import indicator_label, save_figure, style_cycle

__all__ = ["plot_timeseries", "timeseries_figure"]


def timeseries_figure(
    frame: pd.DataFrame,
    indicators: Sequence[str] = KEY_INDICATORS,
    group: str = "variant",
    title: str | None = None,
) -> Figure:
    """Indicators over time by group: mean with its 95% confidence band.

    Parameters
    ----------
    frame
        Long table with ``step``, ``group`` and the indicator columns, one row per
        run and step (``timeseries.parquet`` of ``govsim run``).
    indicators
        Indicators to draw, one panel each (two columns from four on).
    group
        Column whose values are the series.
    title
        Title above the legend, or None.

    Returns
    -------
    Figure
        The figure (bands from :func:`experiments.analysis.timeseries_bands`).
    """
    names = list(dict.fromkeys(frame[group]))
    cols = 2 if len(indicators) > 3 else 1
    rows = -(-len(indicators) // cols)
    fig = Figure(figsize=(5.2 * cols, 2.3 * rows))
    axes = fig.subplots(rows, cols, sharex=True, squeeze=False)
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
        ax.set_ylabel(indicator_label(indicator), fontsize=8)
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
    return fig


def plot_timeseries(
    frame: pd.DataFrame,
    out: Path,
    indicators: Sequence[str] = KEY_INDICATORS,
    group: str = "variant",
    formats: Sequence[str] = ("png", "pdf"),
    title: str | None = None,
) -> list[Path]:
    """Save :func:`timeseries_figure` as ``out.<format>``; returns the files written."""
    return save_figure(timeseries_figure(frame, indicators, group, title), out, formats)
