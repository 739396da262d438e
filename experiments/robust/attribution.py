"""Shapley attribution of regime gaps to lever blocks, from a stored coalition sweep.

For each pair (A, B) planned by :func:`experiments.robust.plan.attribution_config`,
each indicator and each seed ``r``: the coalition values ``v_r(S)`` (steady states),
then the Shapley value of each block (:mod:`experiments.robust.shapley`, exact or
over the sampled orders). Reported: the mean over seeds with a Student-t 95%
interval, and the share of the mean gap ``mean_r(v_r(all) - v_r(empty))``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.analysis import mean_ci
from experiments.robust.plan import PairPlan
from experiments.robust.shapley import exact_shapley, permutation_shapley

__all__ = ["shapley_table"]


def shapley_table(
    levels: pd.DataFrame, plans: Sequence[PairPlan], indicators: Sequence[str]
) -> pd.DataFrame:
    """One row per (pair, indicator, block), plus a ``gap`` row per (pair, indicator).

    ``levels`` is :func:`experiments.robust.summary.steady_levels` of the coalition
    sweep. Seeds with a failed coalition run are left out of that pair.
    """
    rows = []
    for plan in plans:
        count = len(plan.masks)
        part = levels[
            (levels["point"] >= plan.first_point) & (levels["point"] < plan.first_point + count)
        ]
        for indicator in indicators:
            table = part.pivot_table(index="point", columns="replicate", values=indicator)
            table = table.reindex(range(plan.first_point, plan.first_point + count)).dropna(axis=1)
            if table.shape[1] == 0:
                continue
            by_mask = {
                mask: table.loc[plan.first_point + i].to_numpy()
                for i, mask in enumerate(plan.masks)
            }
            k = len(plan.blocks)
            if plan.orders is None:
                phi = exact_shapley(by_mask.__getitem__, k)
            else:
                phi = permutation_shapley(by_mask.__getitem__, k, plan.orders)
            gap = by_mask[2**k - 1] - by_mask[0]
            g_mean = float(gap.mean())
            entries = [("gap", f"{plan.b} - {plan.a}", gap)]
            entries += [("block", block, phi[j]) for j, block in enumerate(plan.blocks)]
            for kind, name, values in entries:
                mean, low, high = mean_ci(values)
                rows.append(
                    {
                        "a": plan.a,
                        "b": plan.b,
                        "indicator": indicator,
                        "kind": kind,
                        "block": name,
                        "mean": mean,
                        "low": low,
                        "high": high,
                        "share": mean / g_mean if g_mean != 0 else float("nan"),
                        "seeds": int(np.size(values)),
                        "method": plan.method,
                        "coalitions": count,
                    }
                )
    return pd.DataFrame(rows)
