"""``govsim compare``: the regimes compared over ordinal-respecting draws, with attribution.

:func:`robust_compare` plans two sweeps (:mod:`experiments.robust.plan`), runs or
resumes them with :func:`experiments.sweep.execute.run_sweep` (any executor), and
summarises the stored runs: ordering probabilities (:mod:`experiments.robust.summary`),
Shapley attribution of the preset gaps to lever blocks
(:mod:`experiments.robust.attribution`) and PRIM boxes where a ranking reverses
(:mod:`experiments.robust.discovery`). Folder layout::

    OUT/draws/          the sweep of draws x regimes x seeds (a sweep folder)
    OUT/attribution/    the sweep of coalitions x seeds (a sweep folder)
    OUT/headline.csv, orderings.csv, pairs.csv, attribution.csv, boxes.csv, drift.csv, summary.md
    OUT/attribution.png, OUT/orderings.png
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.config import ExperimentConfig
from experiments.errors import UserError
from experiments.present.robust import markdown_summary, plot_attribution, plot_orderings

__all__ = ["DEFAULT_PAIRS", "RobustResult", "robust_compare", "steady_state_note"]

DEFAULT_PAIRS: tuple[tuple[str, str], ...] = (("top_down", "service"), ("regulatory", "service"))


@dataclass
class RobustResult:
    """Tables of a robust comparison and how the sweeps ended."""

    out: Path
    draws: int
    seeds: int
    steps: int
    window: int
    headline: pd.DataFrame
    orderings: pd.DataFrame
    pairs: pd.DataFrame
    attribution: pd.DataFrame | None = None
    boxes: pd.DataFrame | None = None
    drift: pd.DataFrame | None = None
    sweeps: dict[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return all(s.complete and not s.failed for s in self.sweeps.values())


def robust_compare(
    config: ExperimentConfig,
    out: Path,
    *,
    draws: int = 200,
    seeds: int = 1,
    steps: int | None = None,
    window: int | None = None,
    indicators: Sequence[str] | None = None,
    structural: bool = True,
    attribution: bool = True,
    pairs: Sequence[tuple[str, str]] = DEFAULT_PAIRS,
    attribution_seeds: int | None = None,
    permutations: int | None = None,
    discovery: bool = True,
    min_coverage: float = 0.5,
    record_every: int | None = None,
    workers: int = 0,
    scheduler: str | None = None,
    dask_local: int | None = None,
    overwrite: bool = False,
    progress: bool = True,
    command: Sequence[str] = (),
    figures: bool = True,
) -> RobustResult:
    """Run (or resume) a robust comparison of the three regimes into ``out``.

    Parameters
    ----------
    config
        The base experiment (model, events, run seed); its variants and lever
        overrides are not used (every point sets the regime and all levers).
    draws, seeds
        Lever settings drawn per regime (plus the presets as draw 0), and seeds per
        draw shared by its three regimes.
    steps, window
        Run length (default the config's) and the final steps averaged as the
        steady state (default a quarter of the steps).
    attribution, pairs, attribution_seeds, permutations
        Shapley attribution of each pair's preset gap ``B - A`` to lever blocks, on
        ``attribution_seeds`` (default ``max(seeds, 4)``) common seeds;
        ``permutations`` as in :func:`experiments.robust.plan.attribution_config`.
    discovery, min_coverage
        PRIM boxes where a pair's ranking reverses (needs ``draws`` > 0).
    record_every
        Steps between stored values (default ``max(1, window // 25)``); the steady
        state is the mean of the stored values in the window.
    """
    from experiments.analysis import KEY_INDICATORS
    from experiments.lever_swaps import check_indicators
    from experiments.outdir import resolve_output
    from experiments.robust.plan import attribution_config, draws_config
    from experiments.robust.summary import (
        draw_levels,
        draws_drift,
        ordering_tables,
        steady_levels,
    )
    from experiments.sweep.execute import run_sweep

    indicators = list(indicators or KEY_INDICATORS)
    check_indicators(indicators)
    steps = steps or config.run.steps
    window = window or max(1, steps // 4)
    if not 1 <= window <= steps:
        raise UserError(f"--window {window}: must be between 1 and --steps ({steps})")
    if seeds < 1:
        raise UserError(f"--seeds {seeds}: must be at least 1")
    every = record_every or max(1, window // 25)
    out = resolve_output(out, kind="folder", overwrite=overwrite, allow_existing=True)
    out.mkdir(parents=True, exist_ok=True)
    common = {
        "workers": workers,
        "scheduler": scheduler,
        "dask_local": dask_local,
        "overwrite": overwrite,
        "progress": progress,
        "command": list(command),
    }
    sweeps = {}
    plan_draws = draws_config(config, draws, seeds, steps, indicators, every, structural)
    sweeps["draws"] = run_sweep(plan_draws, out / "draws", **common)
    levels = steady_levels(out / "draws", indicators, window)
    wide = draw_levels(levels, indicators)
    tables = ordering_tables(wide, indicators)
    result = RobustResult(out, draws, seeds, steps, window, **tables, sweeps=sweeps)
    result.drift = draws_drift(out / "draws", indicators, window)
    if attribution and pairs:
        from experiments.robust.attribution import shapley_table

        n_seeds = attribution_seeds or max(seeds, 4)
        if n_seeds < 2:
            raise UserError(f"--attribution-seeds {n_seeds}: need at least 2 for an interval")
        plan_attr, plans = attribution_config(
            config, pairs, n_seeds, steps, indicators, every, permutations
        )
        sweeps["attribution"] = run_sweep(plan_attr, out / "attribution", **common)
        result.attribution = shapley_table(
            steady_levels(out / "attribution", indicators, window), plans, indicators
        )
    if discovery and draws > 0:
        from experiments.robust.discovery import draw_inputs, scenario_boxes

        result.boxes = scenario_boxes(
            wide, draw_inputs(levels), indicators, min_coverage=min_coverage
        )
    _write(result, figures)
    return result


def _write(result: RobustResult, figures: bool) -> None:
    named = {
        "headline": result.headline,
        "orderings": result.orderings,
        "pairs": result.pairs,
        "attribution": result.attribution,
        "boxes": result.boxes,
        "drift": result.drift,
    }
    for name, table in named.items():
        if table is not None:
            table.to_csv(result.out / f"{name}.csv", index=False)
    text = markdown_summary(result.headline, result.pairs, result.attribution, result.boxes)
    text += f"\n{steady_state_note(result)}\n"
    (result.out / "summary.md").write_text(text, encoding="utf-8")
    if figures:
        plot_orderings(result.orderings, result.out / "orderings.png")
        if result.attribution is not None and len(result.attribution):
            plot_attribution(result.attribution, result.out / "attribution.png")


def steady_state_note(result: RobustResult) -> str:
    """One sentence on the draws' drift over the steady-state window (``drift.csv``)."""
    from experiments.drift import drift_warning

    window = f"the last {result.window} of {result.steps} steps"
    if result.drift is None or result.drift.empty:
        return f"Steady state over {window}: not checked."
    warning = drift_warning(result.drift, group="regime")
    if warning is None:
        return (
            f"Steady state over {window}: no indicator of any regime trends, on average over "
            "the draws (drift.csv)."
        )
    return f"Averaged over the draws, {warning}"
