"""What a calibration writes: posterior summary, fit, predictions, mechanisms (its figures:
:mod:`experiments.present.calibration`).

All intervals are 90% (5% and 95% quantiles). Posterior quantiles are weighted by
the pyabc particle weights; predictive quantiles are over posterior-predictive
runs (posterior draws, each run with its own seed, so they include the model's
own randomness).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.calibration.simulator import TERM_COLUMNS
from experiments.calibration.targets import Targets

__all__ = [
    "fit_table",
    "mechanism_table",
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
