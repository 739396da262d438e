"""Figures of a calibration: predictive bands against the targets, the posterior histograms.

``govsim calibrate`` writes ``calibration.png`` (:func:`plot_bands`) and
``posterior.png`` (:func:`plot_posterior`). Intervals are 90%, as in
:mod:`experiments.calibration.report`.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.calibration.report import HIGH, LOW
from experiments.calibration.targets import Targets
from experiments.present.style import save_figure

__all__ = ["plot_bands", "plot_posterior"]

_DPI = 120


def _dates(targets: Targets, steps: np.ndarray) -> list[dt.date]:
    return [targets.time.date_of(int(s)) for s in steps]


def plot_bands(predictive: pd.DataFrame, targets: Targets, path: Path, title: str = "") -> Path:
    """Posterior-predictive median and 90% band of each observed indicator, with the targets.

    Parameters
    ----------
    predictive
        Posterior-predictive runs: ``step`` and one column per indicator, one row per
        draw and step.
    targets
        The targets (observations with their errors, predictions, the time axis).
    path
        The image file (its suffix is the format); returned.
    title
        Title above the first panel (wrapped at 80 characters), or empty.
    """
    indicators = list(dict.fromkeys(o.indicator for o in targets.observations))
    fig = Figure(figsize=(7.5, 3.4 * len(indicators)))
    axes = fig.subplots(len(indicators), 1, squeeze=False)
    obs_steps = targets.observation_steps()
    pred_steps = targets.prediction_steps()
    for ax, indicator in zip(axes[:, 0], indicators, strict=True):
        grouped = predictive.groupby("step")[indicator]
        q = grouped.quantile([LOW, 0.5, HIGH]).unstack()
        x = _dates(targets, q.index.to_numpy())
        ax.fill_between(x, q[LOW], q[HIGH], alpha=0.3, color="C0", label="90% predictive band")
        ax.plot(x, q[0.5], color="C0", label="predictive median")
        for o in targets.observations:
            if o.indicator != indicator:
                continue
            when = targets.time.date_of(obs_steps[o.name])
            ax.errorbar([when], [o.value], yerr=[[1.645 * o.error]], fmt="o", color="C3", capsize=4)
        ax.plot([], [], "o", color="C3", label="target (bar: 90% of stated error)")
        for name, step in pred_steps.items():
            when = targets.time.date_of(step)
            ax.axvline(when, color="grey", lw=0.8, ls=":")
            ax.annotate(
                name,
                (when, 1.0),
                xycoords=("data", "axes fraction"),
                rotation=90,
                va="top",
                ha="right",
                fontsize=7,
                color="grey",
            )
        ax.set_ylabel(indicator)
        ax.legend(loc="lower right", fontsize=8)
    axes[-1, 0].set_xlabel(f"date (1 step = {targets.time.step_days:g} days)")
    if title:
        axes[0, 0].set_title("\n".join(textwrap.wrap(title, 80)), fontsize=10)
    fig.autofmt_xdate()
    fig.tight_layout()
    (written,) = save_figure(fig, path, [Path(path).suffix.lstrip(".")], dpi=_DPI, tight=False)
    return written


def plot_posterior(posterior: pd.DataFrame, targets: Targets, path: Path) -> Path:
    """Weighted posterior histogram of each free parameter over its prior range.

    Parameters
    ----------
    posterior
        Particles: one column per free parameter and ``weight``.
    targets
        The targets, whose priors give each panel's range (log axis for log-uniform).
    path
        The image file (its suffix is the format); returned.
    """
    keys = list(targets.parameters)
    cols = min(3, len(keys))
    rows = (len(keys) + cols - 1) // cols
    fig = Figure(figsize=(3.6 * cols, 2.8 * rows))
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax in axes.flat[len(keys) :]:
        ax.set_visible(False)
    for ax, key in zip(axes.flat, keys, strict=False):
        prior = targets.parameters[key]
        log = prior.distribution == "loguniform"
        bins = (
            np.geomspace(prior.low, prior.high, 21)
            if log
            else np.linspace(prior.low, prior.high, 21)
        )
        ax.hist(posterior[key], bins=bins, weights=posterior["weight"], density=True, color="C0")
        if log:
            ax.set_xscale("log")
        ax.set_title(key.split(".", 1)[-1] if key.startswith("model.") else key, fontsize=8)
        ax.set_yticks([])
    fig.suptitle("posterior (histogram) over the prior range (x axis)", fontsize=9)
    fig.tight_layout()
    (written,) = save_figure(fig, path, [Path(path).suffix.lstrip(".")], dpi=_DPI, tight=False)
    return written
