"""Aggregates with confidence intervals, over replicates.

Intervals are Student-t intervals of the mean across replicates (independent
runs), the honest unit of replication in a stochastic simulation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["KEY_INDICATORS", "final_state_summary", "mean_ci", "recovery_time", "timeseries_bands"]

KEY_INDICATORS: tuple[str, ...] = (
    "participation_rate",
    "compliance_rate",
    "mean_trust",
    "mean_satisfaction",
    "satisfaction_gini",
    "unrest_rate",
    "service_coverage",
    "governance_cost",
    "welfare",
    "polycentricity",
)


def mean_ci(values: np.ndarray | pd.Series, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and the two ends of its t confidence interval (the mean itself when n < 2).

    >>> mean_ci(np.array([1.0, 2.0, 3.0]))[0]
    2.0
    """
    x = np.asarray(values, dtype=np.float64)
    n = x.size
    mean = float(x.mean()) if n else float("nan")
    if n < 2:
        return mean, mean, mean
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / np.sqrt(n))
    return mean, mean - half, mean + half


def final_state_summary(
    frame: pd.DataFrame,
    indicators: Sequence[str] = KEY_INDICATORS,
    group: str = "variant",
    level: float = 0.95,
) -> pd.DataFrame:
    """Final-step mean and confidence interval of each indicator, by group.

    Returns
    -------
    DataFrame
        One row per (group, indicator) with ``mean``, ``ci_low``, ``ci_high``, ``n``.
    """
    last = frame[frame["step"] == frame.groupby([group, "replicate"])["step"].transform("max")]
    rows = []
    for name, part in last.groupby(group, sort=False):
        for indicator in indicators:
            mean, low, high = mean_ci(part[indicator].to_numpy(), level)
            rows.append(
                {
                    group: name,
                    "indicator": indicator,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "n": len(part),
                }
            )
    return pd.DataFrame(rows)


def timeseries_bands(
    frame: pd.DataFrame, indicator: str, group: str = "variant", level: float = 0.95
) -> pd.DataFrame:
    """Per group and step: mean of ``indicator`` across replicates and its t interval."""
    grouped = frame.groupby([group, "step"], sort=False)[indicator]
    out = grouped.agg(["mean", "std", "count"]).reset_index()
    t = stats.t.ppf(0.5 + level / 2, np.maximum(out["count"] - 1, 1))
    half = np.where(out["count"] > 1, t * out["std"].fillna(0.0) / np.sqrt(out["count"]), 0.0)
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    return out.drop(columns=["std"])


def recovery_time(responsiveness: pd.Series, shock_step: int, fraction: float = 0.5) -> float:
    """Steps from a demand shock until the allocation gap has closed by ``fraction``.

    Responsiveness (回应性) as a lag: the allocation gap is ``1 - responsiveness``;
    after a shock at ``shock_step`` it peaks, then shrinks as governments learn.
    The result counts steps from the shock to the first step after the peak where
    the gap is back within ``fraction`` of the way from its pre-shock level to the
    peak (the half-life for 0.5). NaN if it never gets there.

    Parameters
    ----------
    responsiveness
        The ``responsiveness`` indicator of one run, indexed by step.
    shock_step
        The step of the shock event (at least 1).

    >>> series = pd.Series([0.9, 0.9, 0.5, 0.6, 0.7, 0.8, 0.9])
    >>> recovery_time(series, shock_step=2)
    2.0
    """
    gap = 1.0 - responsiveness.astype(float)
    before = float(gap.loc[shock_step - 1])
    after = gap.loc[shock_step:]
    peak_step = after.idxmax()
    peak = float(after.loc[peak_step])
    target = peak - fraction * (peak - before)
    recovered = after.loc[peak_step:][after.loc[peak_step:] <= target + 1e-12]
    if recovered.empty:
        return float("nan")
    return float(recovered.index[0] - shock_step)
