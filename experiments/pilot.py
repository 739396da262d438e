"""The effect of a pilot reform: a difference in differences over jurisdictions.

A pilot changes levers in some jurisdictions of the ``pilot`` variant; the
``control`` variant runs the same seeds without it (common random numbers). For
each replicate ``r`` and indicator, over the steps from ``from_step`` on,

    effect_r = (P_r,in - C_r,in) - (P_r,out - C_r,out)

with ``P``/``C`` the pilot's and control's mean over the piloted jurisdictions
(``in``) or the others (``out``), each jurisdiction weighted by its population.
The first difference removes what the seed does, the second what the reform does
to everyone (spill-overs, national budgets). The result is the mean over
replicates with its Student-t interval (replicates are the independent unit).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from experiments.analysis import mean_ci

__all__ = ["pilot_effect"]


def pilot_effect(
    table: pd.DataFrame,
    piloted: Iterable[int],
    from_step: int,
    indicators: Sequence[str],
    pilot: str = "pilot",
    control: str = "control",
    level: float = 0.95,
) -> pd.DataFrame:
    """Difference in differences of ``indicators`` between piloted and other jurisdictions.

    Parameters
    ----------
    table
        Rows of ``jurisdictions.parquet`` (variant, replicate, step, jurisdiction,
        population, indicators).
    piloted
        Indices of the jurisdictions that received the reform.
    from_step
        First step of the comparison window (e.g. some steps after the reform).

    Returns
    -------
    DataFrame
        One row per indicator: ``indicator``, ``effect``, ``ci_low``, ``ci_high``, ``n``.

    Examples
    --------
    >>> rows = [("pilot", 0, 5, j, 10, 1.0 + (j == 0)) for j in range(3)]
    >>> rows += [("control", 0, 5, j, 10, 1.0) for j in range(3)]
    >>> frame = pd.DataFrame(rows, columns=["variant", "replicate", "step", "jurisdiction",
    ...                                     "population", "mean_trust"])
    >>> float(pilot_effect(frame, [0], 5, ["mean_trust"])["effect"].iloc[0])
    1.0
    """
    inside = set(piloted)
    window = table[(table["step"] >= from_step) & table["variant"].isin([pilot, control])]
    window = window.assign(_in=window["jurisdiction"].isin(inside))
    weighted = window[list(indicators)].mul(window["population"], axis=0)
    weighted = weighted.assign(
        population=window["population"],
        variant=window["variant"],
        replicate=window["replicate"],
        _in=window["_in"],
    )
    sums = weighted.groupby(["variant", "replicate", "_in"]).sum()
    means = sums[list(indicators)].div(sums["population"], axis=0)
    gap = means.loc[pilot] - means.loc[control]  # by replicate and side; pairs by seed
    effect = gap.xs(True, level="_in") - gap.xs(False, level="_in")
    rows = []
    for name in indicators:
        values = effect[name].dropna().to_numpy(dtype=np.float64)
        mean, low, high = mean_ci(values, level)
        rows.append(
            {"indicator": name, "effect": mean, "ci_low": low, "ci_high": high, "n": values.size}
        )
    return pd.DataFrame(rows)
