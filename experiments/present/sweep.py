"""Figures of a sweep: heatmaps over two swept keys per regime, sensitivity bar charts.

Styled by :mod:`experiments.present.style`: indicator labels, series told apart by
colour and by hatch (greyscale-safe), ``viridis`` for heatmaps (perceptually
uniform, monotone in grey), PNG and PDF at 150 dpi.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.errors import UserError
from experiments.present.style import HATCHES, indicator_label, save_figure, short_key, style_cycle
from experiments.sweep.results import FINAL_PREFIX, SweepResults

__all__ = ["plot_heatmaps", "plot_sensitivity"]

_DPI = 150


def plot_heatmaps(
    results: SweepResults,
    indicator: str,
    out: Path,
    x: str | None = None,
    y: str | None = None,
    formats: Sequence[str] = ("png", "pdf"),
) -> list[Path]:
    """Mean final ``indicator`` over two swept keys, one panel per variant (regime), one colour scale.

    Cells average the replicates (and any other swept keys). Empty cells (every
    run failed) are left blank. Returns the files written.

    Raises
    ------
    UserError
        For a design other than grid, or fewer than two swept keys.
    """
    if results.design.kind != "grid":
        raise UserError(
            f"heatmaps need a grid design; this sweep is a {results.design.kind} design"
        )
    names = results.parameters
    if len(names) < 2:
        raise UserError("heatmaps need two swept keys; this sweep varies one")
    x = x or names[0]
    y = y or (names[1] if names[1] != x else names[0])
    for axis, key in (("--x", x), ("--y", y)):
        if key not in names:
            raise UserError(f"{axis} {key}: not a swept key; allowed: {', '.join(names)}")
    column = FINAL_PREFIX + indicator
    if column not in results.runs.columns:
        raise UserError(f"--indicator {indicator}: not an indicator of this sweep")
    means = results.ok.groupby(["variant", y, x])[column].mean()
    xs = sorted(results.design.points[x].unique())
    ys = sorted(results.design.points[y].unique())
    variants = results.variants

    grids = {v: _cells(means, v, xs, ys) for v in variants}
    finite = np.concatenate([g[np.isfinite(g)] for g in grids.values()] or [np.array([])])
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    fig = Figure(figsize=(0.5 + 3.4 * len(variants), 3.2), layout="constrained")
    axes = fig.subplots(1, len(variants), squeeze=False, sharey=True)
    image = None
    for ax, variant in zip(axes[0], variants, strict=True):
        grid = grids[variant]
        image = ax.imshow(grid, origin="lower", cmap="viridis", vmin=low, vmax=high, aspect="auto")
        if grid.size <= 100:
            for (i, j), value in np.ndenumerate(grid):
                if np.isfinite(value):
                    shade = (value - low) / (high - low) if high > low else 0.5
                    ax.text(
                        j,
                        i,
                        f"{value:.2f}",
                        ha="center",
                        va="center",
                        fontsize=6.5,
                        color="black" if shade > 0.55 else "white",
                    )
        ax.set_xticks(range(len(xs)), [_tick(v) for v in xs], fontsize=7)
        ax.set_yticks(range(len(ys)), [_tick(v) for v in ys], fontsize=7)
        ax.set_xlabel(short_key(x), fontsize=8)
        ax.set_title(str(variant), fontsize=9)
    axes[0][0].set_ylabel(short_key(y), fontsize=8)
    bar = fig.colorbar(image, ax=axes[0].tolist(), shrink=0.9)
    bar.set_label(indicator_label(indicator), fontsize=8)
    bar.ax.tick_params(labelsize=7)
    return save_figure(fig, out, formats, dpi=_DPI)


def plot_sensitivity(
    indices: pd.DataFrame, out: Path, formats: Sequence[str] = ("png", "pdf")
) -> list[Path]:
    """Bar charts of :func:`~experiments.sweep.sensitivity.sensitivity_indices`, one panel per indicator.

    Sobol: bars are total indices ST with their interval, dots first-order S1.
    Morris: bars are mu* with its interval, dots sigma. Variants are bar groups.
    """
    if indices.empty:
        raise UserError("no sensitivity indices to plot")
    sobol = indices["method"].iloc[0] == "sobol"
    bar_key, conf_key, dot_key = (
        ("ST", "ST_conf", "S1") if sobol else ("mu_star", "mu_star_conf", "sigma")
    )
    indicators = list(dict.fromkeys(indices["indicator"]))
    parameters = list(dict.fromkeys(indices["parameter"]))
    variants = list(dict.fromkeys(indices["variant"]))
    width = 0.8 / len(variants)
    fig = Figure(
        figsize=(
            max(5.0, 0.55 * len(parameters) * max(1, len(variants)) + 1.5),
            2.2 * len(indicators),
        ),
        layout="constrained",
    )
    axes = fig.subplots(len(indicators), 1, squeeze=False, sharex=True)
    positions = np.arange(len(parameters))
    for ax, indicator in zip(axes[:, 0], indicators, strict=True):
        part = indices[indices["indicator"] == indicator]
        for k, variant in enumerate(variants):
            rows = part[part["variant"] == variant].set_index("parameter").reindex(parameters)
            style = style_cycle(k)
            where = positions - 0.4 + width * (k + 0.5)
            ax.bar(
                where,
                rows[bar_key],
                width,
                yerr=rows[conf_key],
                color=style["color"],
                alpha=0.85,
                hatch=HATCHES[k % len(HATCHES)],
                edgecolor="black",
                linewidth=0.4,
                error_kw={"elinewidth": 0.7, "capsize": 1.5},
                label=str(variant),
            )
            ax.plot(
                where,
                rows[dot_key],
                linestyle="none",
                marker=style["marker"],
                color="black",
                markersize=3,
            )
        ax.set_ylabel(indicator_label(indicator), fontsize=7)
        ax.tick_params(labelsize=7)
        ax.grid(axis="y", alpha=0.3, linewidth=0.5)
        ax.axhline(0.0, color="black", linewidth=0.5)
    axes[-1, 0].set_xticks(
        positions, [short_key(p) for p in parameters], rotation=30, ha="right", fontsize=7
    )
    what = (
        "bars: total index ST (95% CI); dots: first-order S1"
        if sobol
        else "bars: mu* (95% CI); dots: sigma"
    )
    axes[0, 0].set_title(what, fontsize=8)
    if len(variants) > 1:
        axes[0, 0].legend(fontsize=7, frameon=False, ncol=min(len(variants), 4))
    return save_figure(fig, out, formats, dpi=_DPI)


def _cells(means: pd.Series, variant: str, xs: list, ys: list) -> np.ndarray:
    grid = np.full((len(ys), len(xs)), np.nan)
    if variant not in means.index.get_level_values(0):
        return grid
    part = means.loc[variant]
    for (yv, xv), value in part.items():
        grid[ys.index(yv), xs.index(xv)] = value
    return grid


def _tick(value: object) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)
