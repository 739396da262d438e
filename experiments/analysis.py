"""Aggregates with confidence intervals, over replicates.

Intervals are intervals of the mean across replicates (independent runs), the
honest unit of replication in a stochastic simulation: Student-t intervals,
``m +/- t * se`` with ``se = s / sqrt(n)``, except for indicators bounded in
[0, 1] (:data:`experiments.codebook.SHARE_INDICATORS`), whose intervals are
Wilson score intervals (Wilson 1927, JASA 22:209-212) at the effective sample
size ``n_eff = m (1 - m) / se^2`` - the binomial size with the same standard
error (Kish's design effect; Korn and Graubard 1998, Survey Methodology 24:193-201,
use it with exact intervals) - with the t quantile in place of z:

    k = t^2 / n_eff
    centre = (m + k / 2) / (1 + k)
    half = t / (1 + k) * sqrt(se^2 + t^2 / (4 n_eff^2))

A Wilson interval never leaves [0, 1] and matches the t interval away from the
bounds. When every replicate has the same value the interval is that value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "KEY_INDICATORS",
    "final_state_summary",
    "interval_bounds",
    "mean_ci",
    "recovery_time",
    "timeseries_bands",
]

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


def mean_ci(
    values: np.ndarray | pd.Series, level: float = 0.95, share: bool = False
) -> tuple[float, float, float]:
    """Mean and the two ends of its confidence interval (the mean itself when n < 2).

    Parameters
    ----------
    share
        The values lie in [0, 1]: a Wilson interval at the effective sample
        size, which stays in [0, 1] (module docstring); otherwise a Student-t
        interval.

    >>> mean_ci(np.array([1.0, 2.0, 3.0]))[0]
    2.0
    >>> low, high = mean_ci(np.array([0.0, 0.0, 0.02]), share=True)[1:]
    >>> bool(0.0 <= low and high <= 1.0)
    True
    """
    x = np.asarray(values, dtype=np.float64)
    n = x.size
    mean = float(x.mean()) if n else float("nan")
    if n < 2:
        return mean, mean, mean
    low, high = interval_bounds(
        np.array([mean]), np.array([x.std(ddof=1)]), np.array([n]), level, share
    )
    return mean, float(low[0]), float(high[0])


def interval_bounds(
    mean: np.ndarray, std: np.ndarray, n: np.ndarray, level: float = 0.95, share: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Ends of the intervals of means (arrays of means, sample standard deviations, counts).

    Student-t intervals, or Wilson intervals when ``share`` (module docstring);
    where ``n < 2`` or the standard deviation is 0 or NaN, both ends are the mean.
    """
    mean = np.asarray(mean, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    std = np.nan_to_num(np.asarray(std, dtype=np.float64), nan=0.0)
    t = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1))
    se = np.where(n > 1, std / np.sqrt(np.maximum(n, 1)), 0.0)
    if not share:
        return mean - t * se, mean + t * se
    inside = (mean > 0.0) & (mean < 1.0) & (se > 0.0)
    m = np.where(inside, mean, 0.5)
    se = np.where(inside, se, 1.0)
    n_eff = m * (1.0 - m) / se**2
    k = t**2 / n_eff
    centre = (m + k / 2.0) / (1.0 + k)
    half = t / (1.0 + k) * np.sqrt(se**2 + t**2 / (4.0 * n_eff**2))
    low = np.where(inside, np.clip(centre - half, 0.0, 1.0), mean)
    high = np.where(inside, np.clip(centre + half, 0.0, 1.0), mean)
    return low, high


def _is_share(indicator: str) -> bool:
    from experiments.codebook import SHARE_INDICATORS

    return indicator in SHARE_INDICATORS


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
            mean, low, high = mean_ci(part[indicator].to_numpy(), level, _is_share(indicator))
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
    """Per group and step: mean of ``indicator`` across replicates and its interval.

    A Wilson interval for the indicators of
    :data:`experiments.codebook.SHARE_INDICATORS`, a t interval otherwise.
    """
    grouped = frame.groupby([group, "step"], sort=False)[indicator]
    out = grouped.agg(["mean", "std", "count"]).reset_index()
    out["ci_low"], out["ci_high"] = interval_bounds(
        out["mean"].to_numpy(),
        out["std"].to_numpy(),
        out["count"].to_numpy(),
        level,
        _is_share(indicator),
    )
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
