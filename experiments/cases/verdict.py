"""Paired differences, verdicts and side effects of a case.

For replicate ``r`` (one seed, shared by both arms: common random numbers) and
an indicator ``y``, the effect of the intervention over a claim's window
``[t0 + a, t0 + b]`` (``t0`` the intervention step) is

.. math::

    d_r = \\frac{1}{b - a + 1} \\sum_{t = t0 + a}^{t0 + b} \\left( y_{r,t}^{treated} - y_{r,t}^{control} \\right)

and the result is the mean of ``d_r`` over replicates with its Student-t 95%
interval (replicates are the independent unit; the difference of two arms is
not a share, so no Wilson interval). A plain before/after comparison of the
treated arm would confound the intervention with the drift every indicator
still has after burn-in; the control run of the same seed carries the same
drift and cancels it.

Verdict of a claim of direction ``increase`` with smallest effect ``m >= 0``
(``decrease`` is the mirror image):

* ``reproduced`` if the interval lies above ``m`` (low > m);
* ``opposite`` if it lies below 0 (high < 0): significant the other way;
* ``not reproduced`` otherwise (the interval includes 0, or does not clear ``m``).

Side effects: every indicator of :data:`GOOD_DIRECTION` that the case's claims
do not name, over the first claim's window, whose interval excludes 0 on the
side the source would call worse. With about fifteen such indicators per case
the intervals are Bonferroni-adjusted (level ``1 - 0.05 / k`` for ``k``
indicators), so that a case with no true side effect shows one falsely at most
5% of the time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.analysis import mean_ci

__all__ = [
    "GOOD_DIRECTION",
    "NOT_EXPRESSIBLE",
    "NOT_REPRODUCED",
    "OPPOSITE",
    "REPRODUCED",
    "PairedEffect",
    "judge",
    "paired_differences",
    "paired_effect",
    "side_effects",
    "window_means",
]

REPRODUCED = "reproduced"
NOT_REPRODUCED = "not reproduced"
OPPOSITE = "opposite"
NOT_EXPRESSIBLE = "not expressible"

# +1: more is better; -1: less is better (for the source's yardsticks of good
# governance, 善治: legitimacy, participation, rule of law, responsiveness,
# effectiveness at low cost, fairness, stability). Indicators whose better side
# is not given (complaints are voice and grievance at once; structure such as
# polycentricity or network density describes, it does not judge) are left out.
GOOD_DIRECTION: dict[str, int] = {
    "participation_rate": +1,
    "compliance_rate": +1,
    "mean_trust": +1,
    "mean_satisfaction": +1,
    "satisfaction_gini": -1,
    "unrest_rate": -1,
    "jailed_rate": -1,
    "service_coverage": +1,
    "service_match": +1,
    "responsiveness": +1,
    "mean_harm": -1,
    "welfare": +1,
    "governance_cost": -1,
    "cost_effectiveness": +1,
    "jurisdiction_equity": +1,
}

_ARM_KEYS = ["replicate", "seed"]


@dataclass(frozen=True)
class PairedEffect:
    """Mean paired difference (treated - control) with its interval, over replicates."""

    mean: float
    low: float
    high: float
    n: int


def window_means(
    frame: pd.DataFrame, indicators: Sequence[str], first: int, last: int
) -> pd.DataFrame:
    """Mean of ``indicators`` over steps ``first..last`` per (variant, replicate, seed)."""
    rows = frame[(frame["step"] >= first) & (frame["step"] <= last)]
    return rows.groupby(["variant", *_ARM_KEYS], sort=True)[list(indicators)].mean().reset_index()


def paired_differences(
    frame: pd.DataFrame,
    indicators: Sequence[str],
    first: int,
    last: int,
    treated: str = "treated",
    control: str = "control",
) -> pd.DataFrame:
    """Per replicate, treated - control of the window means; rows: replicate, seed, indicators.

    Raises
    ------
    ValueError
        When the two arms do not have the same replicates and seeds (the pairing).

    >>> frame = pd.DataFrame({"variant": ["control"] * 2 + ["treated"] * 2,
    ...     "replicate": [0, 1, 0, 1], "seed": [7, 8, 7, 8], "step": 5,
    ...     "y": [1.0, 2.0, 1.5, 2.5]})
    >>> paired_differences(frame, ["y"], 5, 5)["y"].tolist()
    [0.5, 0.5]
    """
    means = window_means(frame, indicators, first, last)
    arm_t = means[means["variant"] == treated].set_index(_ARM_KEYS)[list(indicators)]
    arm_c = means[means["variant"] == control].set_index(_ARM_KEYS)[list(indicators)]
    if arm_t.empty or not arm_t.index.equals(arm_c.index):
        raise ValueError(
            f"{treated} and {control} must have the same replicates and seeds over steps "
            f"{first}-{last} (got {len(arm_t)} and {len(arm_c)} runs)"
        )
    return (arm_t - arm_c).reset_index()


def paired_effect(differences: np.ndarray | pd.Series, level: float = 0.95) -> PairedEffect:
    """Mean of per-replicate differences and its Student-t interval."""
    values = np.asarray(differences, dtype=np.float64)
    mean, low, high = mean_ci(values, level=level, share=False)
    return PairedEffect(mean, low, high, int(values.size))


def judge(effect: PairedEffect, direction: str, min_effect: float = 0.0) -> str:
    """``reproduced``, ``opposite`` or ``not reproduced`` (module docstring).

    >>> judge(PairedEffect(0.2, 0.1, 0.3, 10), "increase")
    'reproduced'
    >>> judge(PairedEffect(0.2, 0.1, 0.3, 10), "decrease")
    'opposite'
    >>> judge(PairedEffect(0.2, -0.1, 0.5, 10), "increase")
    'not reproduced'
    >>> judge(PairedEffect(0.2, 0.1, 0.3, 10), "increase", min_effect=0.15)
    'not reproduced'
    """
    if direction not in ("increase", "decrease"):
        raise ValueError(f"direction must be increase or decrease (got {direction!r})")
    sign = 1.0 if direction == "increase" else -1.0
    # oriented so that the claim is "> min_effect"
    low, high = sorted((sign * effect.low, sign * effect.high))
    if effect.n < 2 or not np.isfinite(low):
        return NOT_REPRODUCED
    if low > min_effect:
        return REPRODUCED
    if high < 0.0:
        return OPPOSITE
    return NOT_REPRODUCED


def side_effects(
    differences: pd.DataFrame,
    claimed: Sequence[str],
    family_level: float = 0.95,
    good: dict[str, int] | None = None,
) -> pd.DataFrame:
    """Indicators not claimed whose paired difference is significant on their bad side.

    Parameters
    ----------
    differences
        Per-replicate paired differences (:func:`paired_differences`), with a
        column per indicator of ``good``.
    claimed
        Indicators the case's claims name (left out).
    family_level
        Joint coverage of the intervals: each is at ``1 - (1 - family_level) / k``.

    Returns
    -------
    DataFrame
        Every indicator checked: ``indicator``, ``good`` (+1 / -1), ``mean``,
        ``low``, ``high``, ``level``, ``worse`` (significant on the bad side),
        ``better`` (significant on the good side).

    >>> d = pd.DataFrame({"mean_trust": [-0.2, -0.3, -0.25], "unrest_rate": [0.0, 0.01, -0.01]})
    >>> table = side_effects(d, [], good={"mean_trust": 1, "unrest_rate": -1})
    >>> table.loc[table["worse"], "indicator"].tolist()
    ['mean_trust']
    """
    good = GOOD_DIRECTION if good is None else good
    names = [n for n in good if n not in set(claimed) and n in differences.columns]
    level = 1.0 - (1.0 - family_level) / max(1, len(names))
    rows = []
    for name in names:
        effect = paired_effect(differences[name], level=level)
        significant = effect.n >= 2 and (effect.low > 0.0 or effect.high < 0.0)
        oriented = good[name] * effect.mean
        rows.append(
            {
                "indicator": name,
                "good": good[name],
                "mean": effect.mean,
                "low": effect.low,
                "high": effect.high,
                "level": level,
                "worse": bool(significant and oriented < 0.0),
                "better": bool(significant and oriented > 0.0),
            }
        )
    columns = ["indicator", "good", "mean", "low", "high", "level", "worse", "better"]
    return pd.DataFrame(rows, columns=columns)
