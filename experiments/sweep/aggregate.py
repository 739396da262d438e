"""Final-state aggregates by design point, with confidence intervals over replicates.

Intervals of the mean across replicates, as in :mod:`experiments.analysis`
(Wilson intervals for 0-1 indicators, Student-t otherwise): replicates are
independent runs, the honest unit of replication of a stochastic simulation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.analysis import KEY_INDICATORS, interval_bounds
from experiments.codebook import SHARE_INDICATORS
from experiments.errors import UserError
from experiments.sweep.results import FINAL_PREFIX, SweepResults

__all__ = ["aggregate_by_point", "point_means"]


def aggregate_by_point(
    results: SweepResults, indicators: Sequence[str] = KEY_INDICATORS, level: float = 0.95
) -> pd.DataFrame:
    """Mean final value of each indicator per (variant, design point), with its interval.

    Returns
    -------
    DataFrame
        One row per (variant, point, indicator): the swept keys, ``mean``,
        ``ci_low``, ``ci_high``, ``n`` (ok replicates) and ``failed``. Points
        whose runs all failed have NaN means.
    """
    columns = _final_columns(results, indicators)
    runs = results.runs
    keys = ["variant", "point"]
    failed = (
        (runs["status"] == "failed")
        .groupby([runs["variant"], runs["point"]])
        .sum()
        .rename("failed")
    )
    ok = results.ok
    long = ok.melt(id_vars=keys, value_vars=columns, var_name="indicator", value_name="value")
    long["indicator"] = long["indicator"].str.removeprefix(FINAL_PREFIX)
    grouped = long.groupby([*keys, "indicator"], sort=False)["value"]
    table = grouped.agg(["mean", "std", "count"]).reset_index().rename(columns={"count": "n"})
    share = table["indicator"].isin(SHARE_INDICATORS).to_numpy()
    bounds = [
        interval_bounds(table["mean"], table["std"], table["n"], level, share=flag)
        for flag in (False, True)
    ]
    table["ci_low"] = np.where(share, bounds[1][0], bounds[0][0])
    table["ci_high"] = np.where(share, bounds[1][1], bounds[0][1])
    table = table.drop(columns=["std"])
    # every (variant, point, indicator) appears, even when no replicate of it succeeded
    grid = pd.MultiIndex.from_product(
        [
            results.variants,
            range(len(results.design.points)),
            [c.removeprefix(FINAL_PREFIX) for c in columns],
        ],
        names=[*keys, "indicator"],
    ).to_frame(index=False)
    table = grid.merge(table, on=[*keys, "indicator"], how="left")
    table["n"] = table["n"].fillna(0).astype(np.int64)
    table = table.merge(failed.reset_index(), on=keys, how="left")
    table["failed"] = table["failed"].fillna(0).astype(np.int64)
    values = results.design.points.reset_index(names="point")
    table = table.merge(values, on="point", how="left")
    order = [*keys, *results.parameters, "indicator", "mean", "ci_low", "ci_high", "n", "failed"]
    return table[order]


def point_means(results: SweepResults, indicator: str) -> pd.DataFrame:
    """Mean final ``indicator`` per point (columns) and variant (rows), NaN where no run succeeded."""
    column = _final_columns(results, [indicator])[0]
    means = results.ok.groupby(["variant", "point"])[column].mean().unstack("point")
    return means.reindex(index=results.variants, columns=range(len(results.design.points)))


def _final_columns(results: SweepResults, indicators: Sequence[str]) -> list[str]:
    columns = [FINAL_PREFIX + name for name in indicators]
    missing = [c.removeprefix(FINAL_PREFIX) for c in columns if c not in results.runs.columns]
    if missing:
        known = sorted(
            c.removeprefix(FINAL_PREFIX) for c in results.runs.columns if c.startswith(FINAL_PREFIX)
        )
        raise UserError(
            f"--indicator {', '.join(missing)}: not an indicator; allowed: {', '.join(known)}"
        )
    return columns
