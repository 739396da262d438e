"""Sweep configs of a robust comparison: the draws and the attribution coalitions.

Both are ordinary sweeps (:mod:`experiments.sweep`) with a ``table`` design, so they
run on any executor, stream to Parquet and resume like any sweep:

* **draws** - point ``3 d + i`` is regime ``i`` (``top_down``, ``regulatory``,
  ``service``) at draw ``d``; draw 0 is the presets with the config's structural
  values (the headline comparison), draws ``1..N`` are lever settings drawn by
  :func:`sim.lever_orders.draw_levers` (every declared order respected) and, unless
  switched off, structural parameters drawn jointly by
  :func:`sim.lever_orders.draw_structural` (the same for the three regimes of a draw).
  ``seed_block = 3``: the three regimes of a draw share their seeds (common random
  numbers), draws do not.
* **attribution** - for each pair (A, B), the coalitions of lever blocks
  (:mod:`experiments.robust.shapley`): regime A with the blocks of the coalition set
  to B's preset values. Every point shares the seeds.

Every point sets all sixteen levers, so the config's own lever overrides are replaced.
The draw and order generators are ``default_rng([root, 1])`` and ``default_rng([root, 2])``
of the config's root seed; the runs' seeds are streams of the same root
(:mod:`experiments.seeds`), which never coincide with these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from experiments.config import ExperimentConfig
from experiments.errors import UserError
from experiments.robust.shapley import coalitions_exact, coalitions_permutations, draw_orders

__all__ = [
    "DRAW_STREAM",
    "ORDER_STREAM",
    "PairPlan",
    "attribution_config",
    "draws_config",
    "lever_key",
]

DRAW_STREAM = 1
ORDER_STREAM = 2
DEFAULT_EXACT_MAX = 5
DEFAULT_PERMUTATIONS = 8


def lever_key(lever: str) -> str:
    """The dotted model key of a lever."""
    return f"model.levers.{lever}"


def _base(
    config: ExperimentConfig, steps: int, seeds: int, sweep: dict[str, Any]
) -> ExperimentConfig:
    raw = config.model_dump(mode="json", exclude={"variants", "sweep"})
    raw["model"]["levers"] = {}
    raw["run"]["steps"] = steps
    raw["run"]["replicates"] = seeds
    raw["sweep"] = sweep
    return ExperimentConfig.model_validate(raw)


def _get(model: Mapping[str, Any], dotted: str) -> Any:
    node: Any = model
    for part in dotted.split(".")[1:]:
        node = node[part]
    return node


def draws_config(
    config: ExperimentConfig,
    draws: int,
    seeds: int,
    steps: int,
    per_step: Sequence[str],
    record_every: int = 1,
    structural: bool = True,
) -> ExperimentConfig:
    """The sweep config of the draws (module docstring)."""
    from sim.lever_orders import STRUCTURAL_RANGES, draw_levers, draw_structural
    from sim.levers import REGIME_NAMES, REGIME_PRESETS

    if draws < 0:
        raise UserError(f"--robust {draws}: must be 0 (presets only) or more")
    rng = np.random.default_rng([config.run.seed, DRAW_STREAM])
    levers = [{r: REGIME_PRESETS[r].model_dump() for r in REGIME_NAMES}]
    levers += draw_levers(rng, draws)
    model = config.model.model_dump(mode="json")
    keys = list(STRUCTURAL_RANGES) if structural else []
    structure = [{key: float(_get(model, key)) for key in keys}]
    structure += draw_structural(rng, draws, keys) if keys else [{} for _ in range(draws)]
    points = []
    for setting, values in zip(levers, structure, strict=True):
        for regime in REGIME_NAMES:
            point: dict[str, Any] = {"model.regime": regime}
            point.update({lever_key(k): float(v) for k, v in setting[regime].items()})
            point.update(values)
            points.append(point)
    sweep = {
        "design": "table",
        "points": points,
        "seed_block": len(REGIME_NAMES),
        "per_step": list(per_step),
        "record_every": record_every,
    }
    return _base(config, steps, seeds, sweep)


@dataclass(frozen=True)
class PairPlan:
    """The coalitions of one pair: blocks that differ, masks, and the orders if sampled."""

    a: str
    b: str
    blocks: tuple[str, ...]
    masks: tuple[int, ...]
    orders: tuple[tuple[int, ...], ...] | None  # None: exact
    first_point: int

    @property
    def method(self) -> str:
        return "exact" if self.orders is None else f"{len(self.orders)} permutations"


def attribution_config(
    config: ExperimentConfig,
    pairs: Sequence[tuple[str, str]],
    seeds: int,
    steps: int,
    per_step: Sequence[str],
    record_every: int = 1,
    permutations: int | None = None,
    exact_max: int = DEFAULT_EXACT_MAX,
) -> tuple[ExperimentConfig, list[PairPlan]]:
    """The sweep config of the Shapley coalitions of every pair, and each pair's plan.

    ``permutations`` None: exact when at most ``exact_max`` blocks differ, else
    :data:`DEFAULT_PERMUTATIONS` sampled orders; 0: always exact; ``M``: ``M`` orders.
    """
    from sim.lever_orders import LEVER_BLOCKS
    from sim.levers import REGIME_NAMES, REGIME_PRESETS

    rng = np.random.default_rng([config.run.seed, ORDER_STREAM])
    points: list[dict[str, Any]] = []
    plans = []
    for a, b in pairs:
        for regime in (a, b):
            if regime not in REGIME_NAMES:
                raise UserError(f"--pair {a}:{b}: expected regimes among {', '.join(REGIME_NAMES)}")
        if a == b:
            raise UserError(f"--pair {a}:{b}: give two different regimes")
        la, lb = REGIME_PRESETS[a].model_dump(), REGIME_PRESETS[b].model_dump()
        blocks = tuple(
            name for name, members in LEVER_BLOCKS.items() if any(la[m] != lb[m] for m in members)
        )
        k = len(blocks)
        sample = (
            permutations
            if permutations is not None
            else (0 if k <= exact_max else DEFAULT_PERMUTATIONS)
        )
        if sample == 0 and k > 16:
            raise UserError(f"--permutations 0: {k} blocks are too many for the exact formula")
        orders = None if sample == 0 else tuple(map(tuple, draw_orders(rng, k, sample)))
        masks = coalitions_exact(k) if orders is None else coalitions_permutations(k, orders)
        plans.append(PairPlan(a, b, blocks, tuple(masks), orders, len(points)))
        for mask in masks:
            levers = dict(la)
            for bit, block in enumerate(blocks):
                if mask >> bit & 1:
                    for member in LEVER_BLOCKS[block]:
                        levers[member] = lb[member]
            point: dict[str, Any] = {"model.regime": a}
            point.update({lever_key(name): float(value) for name, value in levers.items()})
            points.append(point)
    sweep = {
        "design": "table",
        "points": points,
        "per_step": list(per_step),
        "record_every": record_every,
    }
    return _base(config, steps, seeds, sweep), plans
