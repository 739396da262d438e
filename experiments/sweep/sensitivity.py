"""Global sensitivity indices of a sobol or morris sweep (SALib).

Sobol: first-order and total indices by Saltelli's estimators (Saltelli 2002;
Saltelli et al. 2010), bootstrap confidence intervals. Morris: mean absolute
elementary effect mu* with its bootstrap interval, and sigma (Morris 1991;
Campolongo, Cariboni & Saltelli 2007). The output of each design point is the
mean final indicator over its replicates; effects are per whole range of each
parameter (the design is analysed in unit coordinates). The bootstrap draws from
the analysis seed recorded in the manifest, so the intervals are reproducible.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.analysis import KEY_INDICATORS
from experiments.errors import UserError
from experiments.sweep.aggregate import point_means
from experiments.sweep.results import SweepResults

__all__ = ["MORRIS_COLUMNS", "SOBOL_COLUMNS", "sensitivity_indices"]

SOBOL_COLUMNS: tuple[str, ...] = ("S1", "S1_conf", "ST", "ST_conf")
MORRIS_COLUMNS: tuple[str, ...] = ("mu_star", "mu_star_conf", "mu", "sigma")


def sensitivity_indices(
    results: SweepResults, indicators: Sequence[str] = KEY_INDICATORS, level: float = 0.95
) -> pd.DataFrame:
    """Sobol or Morris indices of each indicator, per variant.

    Returns
    -------
    DataFrame
        One row per (variant, indicator, parameter) with ``method`` and
        :data:`SOBOL_COLUMNS` or :data:`MORRIS_COLUMNS`. ``frame.attrs["skipped"]``
        lists (variant, indicator, reason) left out: a point without a successful
        run, or an output that does not vary.

    Raises
    ------
    UserError
        When the sweep's design is not sobol or morris.
    """
    design = results.design
    if design.kind not in ("sobol", "morris"):
        raise UserError(
            f"sensitivity indices need a sobol or morris design; this sweep is a {design.kind} design"
        )
    problem = design.problem()
    rows: list[dict[str, object]] = []
    skipped: list[tuple[str, str, str]] = []
    for indicator in indicators:
        means = point_means(results, indicator)
        for variant in results.variants:
            y = means.loc[variant].to_numpy(np.float64)
            if np.isnan(y).any():
                skipped.append(
                    (variant, indicator, f"{int(np.isnan(y).sum())} design points have no result")
                )
                continue
            if np.ptp(y) == 0.0:
                skipped.append((variant, indicator, "the output does not vary"))
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                indices = _analyse(
                    design.kind, problem, design.unit, y, design.meta, design.analysis_seed, level
                )
            for j, name in enumerate(problem["names"]):
                row: dict[str, object] = {
                    "variant": variant,
                    "indicator": indicator,
                    "parameter": name,
                }
                row["method"] = design.kind
                row.update({key: float(indices[key][j]) for key in _columns(design.kind)})
                rows.append(row)
    frame = pd.DataFrame(
        rows, columns=["variant", "indicator", "parameter", "method", *_columns(design.kind)]
    )
    frame.attrs["skipped"] = skipped
    return frame


def _columns(kind: str) -> tuple[str, ...]:
    return SOBOL_COLUMNS if kind == "sobol" else MORRIS_COLUMNS


def _analyse(
    kind: str,
    problem: dict,
    unit: np.ndarray | None,
    y: np.ndarray,
    meta: dict,
    seed: int,
    level: float,
) -> dict:
    if kind == "sobol":
        from SALib.analyze import sobol

        return sobol.analyze(
            problem,
            y,
            calc_second_order=bool(meta.get("second_order", False)),
            conf_level=level,
            seed=seed,
        )
    from SALib.analyze import morris

    assert unit is not None
    return morris.analyze(
        problem, unit, y, conf_level=level, num_levels=int(meta.get("morris_levels", 4)), seed=seed
    )
