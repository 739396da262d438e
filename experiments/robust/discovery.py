"""Scenario discovery: the boxes of lever and parameter space where a ranking reverses.

For an indicator and a pair of regimes (A, B), a draw is a *case of interest* when the
sign of ``y_B - y_A`` differs from its sign at the presets (the headline). PRIM, the
patient rule induction method (Friedman & Fisher 1999), as implemented in the EMA
Workbench (Kwakkel 2017; ``ema_workbench.analysis.prim``), peels the box of draws
step by step towards the cases of interest. Along the peeling trajectory, *coverage*
is the share of all cases of interest inside the box and *density* the share of the
box's draws that are cases of interest; this module reports, among the boxes that
restrict at most ``max_dims`` inputs (interpretable boxes, Bryant & Lempert 2010), the
one with the highest density with coverage at least ``min_coverage`` (else the densest).
The inputs are each regime's drawn lever values (``<regime>.<lever>``; levers a regime
is fixed at are left out) and the structural parameters.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.errors import UserError

__all__ = ["draw_inputs", "scenario_boxes"]

MIN_CASES = 5


def draw_inputs(levels: pd.DataFrame) -> pd.DataFrame:
    """Per draw (index ``draw`` >= 1): each regime's levers and the structural values."""
    from sim.lever_orders import LEVER_ORDERS, STRUCTURAL_RANGES
    from sim.levers import REGIME_NAMES

    frame = levels.assign(draw=levels["point"] // len(REGIME_NAMES))
    frame = frame[frame["draw"] > 0].drop_duplicates(["draw", "model.regime"])
    parts = []
    for regime in REGIME_NAMES:
        rows = frame[frame["model.regime"] == regime].set_index("draw")
        columns = {
            f"model.levers.{name}": f"{regime}.{name}"
            for name, spec in LEVER_ORDERS.items()
            if regime not in spec.fixed
        }
        parts.append(rows[list(columns)].rename(columns=columns))
    structural = [k for k in STRUCTURAL_RANGES if k in frame.columns]
    if structural:
        first = frame[frame["model.regime"] == REGIME_NAMES[0]].set_index("draw")
        parts.append(first[structural].rename(columns=lambda k: k.removeprefix("model.")))
    return pd.concat(parts, axis=1).sort_index().astype(np.float64)


def scenario_boxes(
    wide: pd.DataFrame,
    inputs: pd.DataFrame,
    indicators: Sequence[str],
    pairs: Sequence[tuple[str, str]] | None = None,
    min_coverage: float = 0.5,
    max_dims: int = 3,
) -> pd.DataFrame:
    """One row per restricted dimension of the chosen PRIM box of each (indicator, pair).

    ``wide`` is :func:`experiments.robust.summary.draw_levels`. Pairs with fewer
    than :data:`MIN_CASES` reversals or non-reversals get one row saying so.
    """
    from sim.levers import REGIME_NAMES

    if pairs is None:
        pairs = [(a, b) for i, a in enumerate(REGIME_NAMES) for b in REGIME_NAMES[i + 1 :]]
    draws = wide.drop(index=0, errors="ignore")
    x = inputs.reindex(draws.index)
    rows = []
    for indicator in indicators:
        for a, b in pairs:
            head = np.sign(wide.loc[0, (indicator, b)] - wide.loc[0, (indicator, a)])
            gap = (draws[(indicator, b)] - draws[(indicator, a)]).to_numpy()
            y = np.sign(gap) != head
            base = {
                "indicator": indicator,
                "a": a,
                "b": b,
                "headline": f"{b} {'>' if head > 0 else '<'} {a}",
                "reversals": int(y.sum()),
                "draws": len(y),
            }
            if y.sum() < MIN_CASES or (~y).sum() < MIN_CASES:
                rows.append({**base, "note": "too few reversals or non-reversals for PRIM"})
                continue
            prim = _prim()  # imported only when a pair qualifies (a heavy import)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                box = prim.Prim(x.reset_index(drop=True), y, mass_min=0.05).find_box()
            trajectory = box.peeling_trajectory
            simple = trajectory[trajectory["res_dim"] <= max_dims]
            eligible = simple[simple["coverage"] >= min_coverage]
            if eligible.empty:
                eligible = simple
            i = int(eligible["density"].idxmax()) if len(eligible) else 0
            stats = trajectory.loc[i]
            limits, full = box.box_lims[i], box.box_lims[0]
            restricted = [c for c in limits.columns if not np.allclose(limits[c], full[c])]
            common = {
                **base,
                "box": i,
                "coverage": float(stats["coverage"]),
                "density": float(stats["density"]),
                "mass": float(stats["mass"]),
                "base_rate": float(y.mean()),
            }
            if not restricted:
                rows.append({**common, "note": "no box restricts any input"})
            for column in restricted:
                rows.append(
                    {
                        **common,
                        "input": column,
                        "low": float(limits[column].iloc[0]),
                        "high": float(limits[column].iloc[1]),
                        "range_low": float(full[column].iloc[0]),
                        "range_high": float(full[column].iloc[1]),
                    }
                )
    return pd.DataFrame(rows)


def _prim():  # type: ignore[no-untyped-def]
    """``ema_workbench.analysis.prim``, quiet; a clear message when it is missing."""
    import logging

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from ema_workbench.analysis import prim
    except ImportError:
        raise UserError(
            "scenario discovery needs the EMA Workbench: pip install 'ema-workbench>=3'"
        ) from None
    for name in ("EMA", "EMA.ema_workbench.analysis.prim"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return prim
