"""Drift diagnostic: is a run still trending when its final state is read?

The headline tables read each indicator at the last step, which is only a
property of the regime if the run has reached its steady state. For each variant
and indicator this module fits a least-squares line to every replicate over the
last ``window`` share of the steps, takes the mean slope over replicates with its
Student-t interval, and flags the indicator as *trending* when

* the interval excludes 0 (the trend is more than noise between replicates), and
* the change the slope implies over the window, ``slope * (t_end - t_start)``,
  exceeds ``max(rel_tol * |window mean|, abs_tol)`` (it matters on the
  indicator's own scale).

This is the regression form of the stationarity checks used for MCMC output
(Geweke 1992 compares an early and a late window's means) and for simulation
warm-up (the initial transient should be over before statistics are collected:
Law 2015, ch. 9). With one replicate the interval uses the regression's standard
error, which autocorrelation makes too narrow; use several replicates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["ID_COLUMNS", "drift_summary", "drift_warning", "indicator_drift"]

# columns of a timeseries frame that identify a row rather than measure something
ID_COLUMNS: tuple[str, ...] = ("variant", "replicate", "seed", "step")


def _slopes(steps: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Least-squares slope of every column of ``values`` (T x R) on ``steps`` (T)."""
    centred = steps - steps.mean()
    denominator = float(centred @ centred)
    return centred @ (values - values.mean(axis=0)) / denominator


def indicator_drift(
    frame: pd.DataFrame,
    indicators: Sequence[str] | None = None,
    window: float = 0.25,
    group: str = "variant",
    level: float = 0.95,
    rel_tol: float = 0.01,
    abs_tol: float = 1e-3,
) -> pd.DataFrame:
    """Slope of each indicator over the last ``window`` of the steps, per group.

    Parameters
    ----------
    frame
        Timeseries with ``step``, ``replicate``, the ``group`` column and indicators.
    indicators
        Columns to check; every numeric non-identifying column if None.
    window
        Share of the run (by step) at its end over which slopes are fitted.

    Returns
    -------
    DataFrame
        One row per (group, indicator): ``slope`` (per step, mean over
        replicates), ``ci_low``, ``ci_high``, ``change`` (slope times the window's
        length in steps), ``mean`` (over the window), ``trending``,
        ``window_start``, ``window_end``, ``n`` (replicates).

    >>> steps = np.arange(100)
    >>> frame = pd.DataFrame({"variant": "a", "replicate": np.repeat([0, 1], 100),
    ...     "step": np.tile(steps, 2), "flat": 1.0, "rising": np.tile(steps / 100.0, 2)})
    >>> table = indicator_drift(frame)
    >>> table.set_index("indicator")["trending"].to_dict()
    {'flat': False, 'rising': True}
    """
    if not 0.0 < window <= 1.0:
        raise ValueError(f"window must be in (0, 1] (got {window})")
    if indicators is None:
        indicators = [
            c
            for c in frame.columns
            if c not in ID_COLUMNS and c != group and pd.api.types.is_numeric_dtype(frame[c])
        ]
    rows = []
    for name, part in frame.groupby(group, sort=False):
        last = int(part["step"].max())
        first = int(part["step"].min())
        start = last - window * (last - first)
        tail = part[part["step"] >= start]
        wide_steps = np.sort(tail["step"].unique()).astype(np.float64)
        if wide_steps.size < 3:
            continue  # too short a window to fit a trend
        for indicator in indicators:
            wide = tail.pivot_table(
                index="step", columns="replicate", values=indicator, aggfunc="first"
            ).to_numpy(dtype=np.float64)
            slopes = _slopes(wide_steps, wide)
            slope, half = _interval(wide_steps, wide, slopes, level)
            change = slope * (wide_steps[-1] - wide_steps[0])
            mean = float(np.nanmean(wide))
            excludes_zero = abs(slope) > half
            trending = bool(excludes_zero and abs(change) > max(rel_tol * abs(mean), abs_tol))
            rows.append(
                {
                    group: name,
                    "indicator": indicator,
                    "slope": slope,
                    "ci_low": slope - half,
                    "ci_high": slope + half,
                    "change": change,
                    "mean": mean,
                    "trending": trending,
                    "window_start": int(wide_steps[0]),
                    "window_end": int(wide_steps[-1]),
                    "n": wide.shape[1],
                }
            )
    columns = [group, "indicator", "slope", "ci_low", "ci_high", "change", "mean"]
    columns += ["trending", "window_start", "window_end", "n"]
    return pd.DataFrame(rows, columns=columns)


def _interval(
    steps: np.ndarray, values: np.ndarray, slopes: np.ndarray, level: float
) -> tuple[float, float]:
    """Mean slope and the half-width of its interval (replicates, or OLS error for one)."""
    n = slopes.size
    mean = float(slopes.mean())
    if n >= 2:
        sd = float(slopes.std(ddof=1))
        return mean, float(stats.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n))
    centred = steps - steps.mean()
    fitted = values[:, 0].mean() + mean * centred
    dof = steps.size - 2
    if dof < 1:
        return mean, float("inf")
    residual = float(((values[:, 0] - fitted) ** 2).sum()) / dof
    se = np.sqrt(residual / float(centred @ centred))
    return mean, float(stats.t.ppf(0.5 + level / 2, dof) * se)


def drift_warning(table: pd.DataFrame, group: str = "variant") -> str | None:
    """A one-paragraph warning naming the indicators still trending, or None."""
    if table.empty or not table["trending"].any():
        return None
    flagged = table[table["trending"]]
    window = f"steps {flagged['window_start'].min()}-{flagged['window_end'].max()}"
    parts = []
    for name, part in flagged.groupby(group, sort=False):
        items = ", ".join(f"{r.indicator} ({r.change:+.3g})" for r in part.itertuples())
        parts.append(f"{name}: {items}")
    return (
        f"not at steady state: indicators still trending over {window} "
        f"(change over the window): {'; '.join(parts)}. Run longer before reading final values."
    )


def drift_summary(table: pd.DataFrame, group: str = "variant") -> dict[str, object]:
    """JSON-ready record of the diagnostic for a manifest: settings and what trends."""
    flagged = table[table["trending"]] if not table.empty else table
    return {
        "method": "mean OLS slope over the last 25% of steps, 95% t interval over replicates; "
        "trending if the interval excludes 0 and |change| > max(0.01 |mean|, 0.001)",
        "trending": [
            {"variant": str(getattr(r, group)), "indicator": r.indicator, "change": r.change}
            for r in flagged.itertuples()
        ],
    }
