"""Summaries of the stored draws: orderings of the regimes and their probabilities.

An indicator's value in a run is its steady state, the mean of its recorded values
over the last ``window`` steps. At each draw the regimes' values are averaged over
the draw's seeds (which the three regimes share). Over the draws ``d = 1..N``:

* the probability of each ordering of the three regimes (share of draws with that
  order, highest first),
* ``P(A > B)``, the share of draws in which A's value exceeds B's,
* the share of draws in which the *headline* ranking - the ordering at draw 0, the
  presets - holds.

Draws are independent, so each share is a binomial proportion; intervals are Wilson
score intervals (Wilson 1927). They describe the draws from the declared ranges and
orders (a uniform prior over what the source allows), seed noise included.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import permutations
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from experiments.errors import UserError

__all__ = ["draw_levels", "draws_drift", "ordering_tables", "steady_levels", "wilson"]


def wilson(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion.

    >>> low, high = wilson(50, 100)
    >>> round(low, 3), round(high, 3)
    (0.404, 0.596)
    >>> wilson(0, 0)
    (nan, nan)
    """
    if n == 0:
        return float("nan"), float("nan")
    z = float(stats.norm.ppf(0.5 + level / 2))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def steady_levels(folder: Path, indicators: Sequence[str], window: int) -> pd.DataFrame:
    """One row per ok run of a sweep folder: its identity, design values and steady states."""
    from experiments.pipeline.store import SweepStore

    store = SweepStore(Path(folder))
    runs = store.read_runs()
    if runs.empty:
        raise UserError(f"{folder}: no finished runs to summarise")
    runs = runs[runs["status"] == "ok"]
    series = store.read_timeseries(columns=list(indicators))
    last = series.groupby("run_id")["step"].transform("max")
    tail = series[series["step"] > last - window]
    means = tail.groupby("run_id")[list(indicators)].mean()
    keep = [c for c in runs.columns if not c.startswith("final_")]
    keep = [c for c in keep if c not in ("status", "error", "traceback", "wall_seconds")]
    return runs[keep].merge(means, left_on="run_id", right_index=True, how="inner")


def draws_drift(folder: Path, indicators: Sequence[str], window: int) -> pd.DataFrame:
    """Is the steady-state window of the draws still trending? One row per regime and indicator.

    :func:`experiments.drift.indicator_drift` over the stored series of a draws
    folder, with the draws of a regime as its replicates: the mean least-squares
    slope over the last ``window`` steps, its 95% t-interval over draws, and the
    ``trending`` flag (interval excludes 0 and the implied change over the window
    exceeds 1% of the window mean, or 0.001).
    """
    from experiments.drift import indicator_drift
    from experiments.pipeline.store import SweepStore
    from sim.levers import REGIME_NAMES

    series = SweepStore(Path(folder)).read_timeseries(
        columns=["point", "model.regime", *indicators]
    )
    series = series.rename(columns={"model.regime": "regime"})
    series["replicate"] = series["point"] // len(REGIME_NAMES)
    steps = int(series["step"].max())
    share = min(1.0, window / steps) if steps else 1.0
    return indicator_drift(series, list(indicators), window=share, group="regime")


def draw_levels(levels: pd.DataFrame, indicators: Sequence[str]) -> pd.DataFrame:
    """Mean over seeds per (draw, regime): rows draws, columns (indicator, regime)."""
    from sim.levers import REGIME_NAMES

    frame = levels.assign(draw=levels["point"] // len(REGIME_NAMES))
    means = frame.groupby(["draw", "model.regime"])[list(indicators)].mean()
    wide = means.unstack("model.regime")
    return wide.reindex(columns=pd.MultiIndex.from_product([list(indicators), REGIME_NAMES]))


TIE: tuple[str, ...] = ()
"""The ranking of a draw in which two regimes have the same value."""


def ordering_tables(
    wide: pd.DataFrame, indicators: Sequence[str], level: float = 0.95
) -> dict[str, pd.DataFrame]:
    """``headline``, ``orderings`` and ``pairs`` tables from :func:`draw_levels`.

    Draw 0 is the presets; the probabilities are over draws ``1..N`` (NaN when N = 0).
    Comparisons are strict: a draw in which two regimes are equal counts in no ordering
    (the ``tie`` row of ``orderings``) and in neither ``p_a_gt_b`` nor ``p_b_gt_a``
    (``p_tie``).
    """
    from sim.levers import REGIME_NAMES

    if 0 not in wide.index:
        raise UserError("the presets (draw 0) have no finished run; run the command again")
    draws = wide.drop(index=0)
    n = len(draws)
    headline_rows, order_rows, pair_rows = [], [], []
    for indicator in indicators:
        preset = wide.loc[0, indicator]
        head = tuple(sorted(REGIME_NAMES, key=lambda r: -preset[r]))
        values = draws[indicator].dropna()
        n = len(values)
        # a draw in which two regimes are equal has no strict ordering: it is counted as a
        # tie (e.g. no co-production under two regimes), never as one of the six orderings
        ranks = [
            tuple(np.asarray(REGIME_NAMES)[np.argsort(-row, kind="stable")])
            if len(np.unique(row)) == len(row)
            else TIE
            for row in values.to_numpy()
        ]
        holds = sum(r == head for r in ranks)
        low, high = wilson(holds, n, level)
        headline_rows.append(
            {
                "indicator": indicator,
                "headline": " > ".join(head),
                **{f"preset_{r}": float(preset[r]) for r in REGIME_NAMES},
                "p_holds": holds / n if n else float("nan"),
                "low": low,
                "high": high,
                "draws": n,
            }
        )
        for order in [*permutations(REGIME_NAMES), TIE]:
            count = sum(r == order for r in ranks)
            low, high = wilson(count, n, level)
            order_rows.append(
                {
                    "indicator": indicator,
                    "ordering": "tie" if order == TIE else " > ".join(order),
                    "headline": order == head,
                    "count": count,
                    "probability": count / n if n else float("nan"),
                    "low": low,
                    "high": high,
                    "draws": n,
                }
            )
        for i, a in enumerate(REGIME_NAMES):
            for b in REGIME_NAMES[i + 1 :]:
                gap = (values[b] - values[a]).to_numpy()
                wins = int((values[a] > values[b]).sum())
                losses = int((values[b] > values[a]).sum())
                low, high = wilson(wins, n, level)
                low_b, high_b = wilson(losses, n, level)
                pair_rows.append(
                    {
                        "indicator": indicator,
                        "a": a,
                        "b": b,
                        "preset_gap_b_minus_a": float(preset[b] - preset[a]),
                        "p_a_gt_b": wins / n if n else float("nan"),
                        "low": low,
                        "high": high,
                        "p_b_gt_a": losses / n if n else float("nan"),
                        "low_b": low_b,
                        "high_b": high_b,
                        "p_tie": (n - wins - losses) / n if n else float("nan"),
                        "gap_median": float(np.median(gap)) if n else float("nan"),
                        "gap_q05": float(np.quantile(gap, 0.05)) if n else float("nan"),
                        "gap_q95": float(np.quantile(gap, 0.95)) if n else float("nan"),
                        "draws": n,
                    }
                )
    return {
        "headline": pd.DataFrame(headline_rows),
        "orderings": pd.DataFrame(order_rows),
        "pairs": pd.DataFrame(pair_rows),
    }
