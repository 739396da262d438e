"""What a calibration writes: posterior summary, predictive bands, predictions, figures.

All intervals are 90% (5% and 95% quantiles). Posterior quantiles are weighted by
the pyabc particle weights; predictive quantiles are over posterior-predictive
runs (posterior draws, each run with its own seed, so they include the model's
own randomness).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.calibration.simulator import TERM_COLUMNS
from experiments.calibration.targets import Targets

__all__ = [
    "fit_table",
    "mechanism_table",
    "plot_bands",
    "plot_posterior",
    "posterior_summary",
    "prediction_table",
    "weighted_quantiles",
]

LOW, HIGH = 0.05, 0.95


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """Quantiles of a weighted sample (inverse of the weighted empirical CDF, midpoints).

    >>> weighted_quantiles(np.array([1.0, 2.0, 3.0]), np.ones(3), [0.5]).tolist()
    [2.0]
    """
    order = np.argsort(values)
    v = np.asarray(values, dtype=float)[order]
    w = np.asarray(weights, dtype=float)[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(qs, cdf, v)


def posterior_summary(posterior: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """Prior and posterior 90% intervals of each free parameter, and how much the data narrowed it.

    ``shrinkage = 1 - (posterior 90% width) / (prior 90% width)``: 0 when the data
    say nothing about the parameter, near 1 when they pin it down.
    """
    rows = []
    w = posterior["weight"].to_numpy()
    for key, prior in targets.parameters.items():
        q05, q50, q95 = weighted_quantiles(posterior[key].to_numpy(), w, [LOW, 0.5, HIGH])
        p05, p95 = prior.quantile(LOW), prior.quantile(HIGH)
        rows.append(
            {
                "parameter": key,
                "prior": prior.distribution,
                "prior_low": prior.low,
                "prior_high": prior.high,
                "prior_q05": p05,
                "prior_q95": p95,
                "posterior_q05": q05,
                "posterior_median": q50,
                "posterior_q95": q95,
                "posterior_mean": float(np.average(posterior[key], weights=w)),
                "shrinkage": 1.0 - (q95 - q05) / (p95 - p05),
            }
        )
    return pd.DataFrame(rows)


def _quantiles_at(
    predictive: pd.DataFrame, indicator: str, step: int, window: int = 1
) -> dict[str, float]:
    """Quantiles over draws of the indicator's mean over steps ``step - window + 1 .. step``."""
    rows = predictive[(predictive["step"] > step - window) & (predictive["step"] <= step)]
    values = rows.groupby("draw")[indicator].mean().to_numpy(dtype=float)
    q05, q50, q95 = np.quantile(values, [LOW, 0.5, HIGH])
    return {
        "median": float(q50),
        "q05": float(q05),
        "q95": float(q95),
        "mean": float(values.mean()),
    }


def fit_table(predictive: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """Each observation beside the posterior-predictive median and 90% interval."""
    steps = targets.observation_steps()
    rows = []
    for o in targets.observations:
        step = steps[o.name]
        rows.append(
            {
                "observation": o.name,
                "date": str(o.date) if o.date else "",
                "step": step,
                "step_date": str(targets.time.date_of(step)),
                "indicator": o.indicator,
                "observed": o.value,
                "error": o.error,
                **{
                    f"predicted_{k}": v
                    for k, v in _quantiles_at(predictive, o.indicator, step, o.window).items()
                },
            }
        )
    return pd.DataFrame(rows)


def prediction_table(predictive: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """The fitted model's values at each requested prediction, with 90% intervals."""
    indicators = list(dict.fromkeys(o.indicator for o in targets.observations))
    rows = []
    for name, step in targets.prediction_steps().items():
        for indicator in indicators:
            rows.append(
                {
                    "prediction": name,
                    "date": str(targets.time.date_of(step)),
                    "step": step,
                    "indicator": indicator,
                    **_quantiles_at(predictive, indicator, step),
                }
            )
    return pd.DataFrame(rows)


def mechanism_table(predictive: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """Median over posterior draws of each rule-compliance utility term at each named step."""
    named = {**targets.observation_steps(), **targets.prediction_steps()}
    rows = []
    for name, step in named.items():
        at = predictive[predictive["step"] == step]
        rows.append(
            {
                "when": name,
                "date": str(targets.time.date_of(step)),
                "step": step,
                **{c: float(at[c].median()) for c in TERM_COLUMNS},
            }
        )
    return pd.DataFrame(rows)


def _dates(targets: Targets, steps: np.ndarray) -> list[dt.date]:
    return [targets.time.date_of(int(s)) for s in steps]


def plot_bands(predictive: pd.DataFrame, targets: Targets, path: Path, title: str = "") -> None:
    """Posterior-predictive median and 90% band of each observed indicator, with the targets."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    indicators = list(dict.fromkeys(o.indicator for o in targets.observations))
    fig, axes = plt.subplots(
        len(indicators), 1, figsize=(7.5, 3.4 * len(indicators)), squeeze=False
    )
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
        import textwrap

        axes[0, 0].set_title("\n".join(textwrap.wrap(title, 80)), fontsize=10)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_posterior(posterior: pd.DataFrame, targets: Targets, path: Path) -> None:
    """Weighted posterior histogram of each free parameter over its prior range."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = list(targets.parameters)
    cols = min(3, len(keys))
    rows = (len(keys) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 2.8 * rows), squeeze=False)
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
    fig.savefig(path, dpi=120)
    plt.close(fig)
