"""What the source supports about the regime presets: orders and plausible ranges.

The source text says *how* the three governance models differ, never by how much
(``docs/ODD.md``, "Regimes"): every preset value in :data:`sim.levers.REGIME_PRESETS`
is a guess, but the *order* of the three regimes on most levers is the source's
claim. This module states those claims as data, next to the presets:

* :data:`LEVER_ORDERS` - for each lever, the order of the regimes the source supports
  (tiers from highest to lowest, ties allowed: ``top_down >= regulatory >= service``
  is ``(("top_down",), ("regulatory",), ("service",))``), or ``None`` where the source
  is silent; regimes the source says do not use a lever at all (``fixed``); a
  plausible range; the lever block it belongs to; and the source's words.
* :data:`STRUCTURAL_RANGES` - plausible ranges of structural parameters (trust
  weights, harm weights, multipliers, costs, efficiencies) that are the same in all
  three regimes; the trust weights are drawn jointly and normalised to sum to 1.
* :data:`LEVER_BLOCKS` - the lever blocks used to attribute regime gaps.

:func:`draw_levers` draws lever settings for the three regimes that respect every
declared order: per lever, three values uniform in the range are drawn and sorted,
and the tiers take them from the top (regimes in one tier take their values in a
random order). Sorting iid uniforms gives the uniform distribution on the region
the order allows (the order statistics of iid draws, David & Nagaraja 2003, ch. 2),
so every ordered setting in the box is equally likely. :func:`draw_structural`
draws the structural parameters uniformly in their ranges. Both take the caller's
``numpy.random.Generator``.

>>> import numpy as np
>>> draws = draw_levers(np.random.default_rng(1), 50)
>>> all(satisfies_orders(d) for d in draws)
True
>>> satisfies_orders({r: p.model_dump() for r, p in REGIME_PRESETS.items()})
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.levers import REGIME_NAMES, REGIME_PRESETS, Levers

__all__ = [
    "LEVER_BLOCKS",
    "LEVER_ORDERS",
    "STRUCTURAL_RANGES",
    "TRUST_WEIGHTS",
    "LeverOrder",
    "StructuralRange",
    "block_of",
    "draw_levers",
    "draw_structural",
    "order_text",
    "satisfies_orders",
]

TD, REG, SVC = REGIME_NAMES  # top_down, regulatory, service
_DECREASING = ((TD,), (REG,), (SVC,))
_INCREASING = ((SVC,), (REG,), (TD,))


@dataclass(frozen=True)
class LeverOrder:
    """What the source supports about one lever.

    Attributes
    ----------
    block
        Lever block (information, allocation, delivery, enforcement, incentives, voice,
        coercion, evaluation, cooperation).
    low, high
        Plausible range of the lever in any regime (contains every preset).
    order
        Tiers of regimes from highest to lowest value; regimes in one tier are not
        ordered between themselves; ``None``: the source is silent (each regime is
        drawn independently in the range).
    fixed
        Regimes the source says do not use the lever, and their value (e.g. 0).
    source
        The source's words (CONCEPTS.md, ODD "Regimes").
    """

    block: str
    low: float
    high: float
    order: tuple[tuple[str, ...], ...] | None
    source: str
    fixed: Mapping[str, float] = field(default_factory=dict)


LEVER_ORDERS: dict[str, LeverOrder] = {
    "allocation_centralization": LeverOrder(
        "allocation",
        0.0,
        1.0,
        _DECREASING,
        "统治型 'the centre decides allocation uniformly'; 管制型 'formula allocation'; "
        "服务型 'allocation responds to reported demand'",
    ),
    "information_lag": LeverOrder(
        "information",
        0.0,
        12.0,
        _DECREASING,
        "统治型 'slow, noisy information' (决策滞后); 服务型 platform with 'low lag'",
    ),
    "information_noise": LeverOrder(
        "information",
        0.0,
        0.2,
        _DECREASING,
        "统治型 'slow, noisy information' (information asymmetry); 服务型 platform",
    ),
    "transparency": LeverOrder(
        "information",
        0.0,
        1.0,
        _INCREASING,
        "服务型 'high transparency' (政务公开); 统治型 the least open",
    ),
    "enterprise_delivery_share": LeverOrder(
        "delivery",
        0.0,
        0.6,
        ((REG,), (SVC,), (TD,)),
        "管制型 'market delivers under regulation'; 服务型 purchase of services from "
        "enterprises and social organisations; 统治型 'government agencies deliver everything'",
    ),
    "social_org_delivery_share": LeverOrder(
        "delivery",
        0.0,
        0.4,
        _INCREASING,
        "服务型 co-production and purchase of services from social organisations "
        "(政府购买服务); 统治型 'government agencies deliver everything'",
    ),
    "inspection_probability": LeverOrder(
        "enforcement",
        0.05,
        0.5,
        ((REG,), (SVC,), (TD,)),
        "管制型 'rules, licences, inspection and fines'; 服务型 risk-based inspection "
        "(风险防控); 统治型 relies on coercion rather than inspection",
    ),
    "fine": LeverOrder(
        "enforcement",
        1.0,
        10.0,
        ((TD, REG), (SVC,)),
        "管制型 deterrence by fines; 服务型 'rewards rather than fines'; the source does not "
        "order 统治型 against 管制型",
    ),
    "participation_reward": LeverOrder(
        "incentives",
        0.0,
        0.06,
        ((SVC,), (TD, REG)),
        "incentive mechanisms (激励机制: points and cash) belong to 服务型; the others use none",
        fixed={TD: 0.0, REG: 0.0},
    ),
    "compliance_subsidy": LeverOrder(
        "incentives",
        0.0,
        0.1,
        ((SVC,), (TD, REG)),
        "subsidies ('rewards rather than fines') belong to 服务型; the others use none",
        fixed={TD: 0.0, REG: 0.0},
    ),
    "voice_cost": LeverOrder(
        "voice",
        0.0,
        0.8,
        _DECREASING,
        "统治型 'weak voice channels'; 管制型 'complaints as the only voice'; 服务型 "
        "'participatory decisions', 'at most one visit' (最多跑一次)",
    ),
    "coercion": LeverOrder(
        "coercion",
        0.0,
        1.0,
        _DECREASING,
        "统治型 'coercive enforcement', power-driven decisions",
    ),
    "evaluation_growth": LeverOrder(
        "evaluation",
        0.0,
        1.0,
        _DECREASING,
        "growth-first distortion (增长优先) is a problem of the old models",
    ),
    "evaluation_satisfaction": LeverOrder(
        "evaluation",
        0.0,
        1.0,
        _INCREASING,
        "服务型 evaluates officials on citizen satisfaction (绩效考核)",
    ),
    "evaluation_environment": LeverOrder(
        "evaluation",
        0.0,
        0.6,
        None,
        "silent: the environment weights are guesses",
    ),
    "intergovernmental_cooperation": LeverOrder(
        "cooperation",
        0.0,
        1.0,
        None,
        "silent: the source names 府际治理 as an innovation but ties it to no model "
        "(the presets' increasing order is an interpretation)",
    ),
}

LEVER_BLOCKS: dict[str, tuple[str, ...]] = {}
for _name, _order in LEVER_ORDERS.items():
    LEVER_BLOCKS.setdefault(_order.block, ())
    LEVER_BLOCKS[_order.block] = (*LEVER_BLOCKS[_order.block], _name)
del _name, _order


@dataclass(frozen=True)
class StructuralRange:
    """Plausible range of one structural parameter (a dotted model key)."""

    low: float
    high: float
    what: str


TRUST_WEIGHTS: tuple[str, ...] = (
    "model.trust.weight_satisfaction",
    "model.trust.weight_fairness",
    "model.trust.weight_integrity",
    "model.trust.weight_procedural",
    "model.trust.weight_neighbours",
)
"""Drawn jointly: each in its range, then all five divided by their sum (they sum to 1)."""

STRUCTURAL_RANGES: dict[str, StructuralRange] = {
    "model.trust.weight_satisfaction": StructuralRange(0.2, 0.6, "trust weight"),
    "model.trust.weight_fairness": StructuralRange(0.05, 0.2, "trust weight"),
    "model.trust.weight_integrity": StructuralRange(0.05, 0.3, "trust weight"),
    "model.trust.weight_procedural": StructuralRange(0.05, 0.3, "trust weight"),
    "model.trust.weight_neighbours": StructuralRange(0.1, 0.3, "trust weight"),
    "model.trust.harm_weight": StructuralRange(0.5, 1.5, "harm weight"),
    "model.compliance.harm_per_violation": StructuralRange(0.15, 0.45, "harm weight"),
    "model.services.volunteer_multiplier": StructuralRange(0.3, 0.9, "multiplier"),
    "model.coproduction.synergy": StructuralRange(2.0, 4.0, "multiplier"),
    "model.services.max_leakage": StructuralRange(0.1, 0.4, "efficiency"),
    "model.services.noncontractible_quality": StructuralRange(0.15, 0.45, "efficiency"),
    "model.services.violation_quality_loss": StructuralRange(0.25, 0.75, "efficiency"),
    "model.services.contract_monitoring_cost": StructuralRange(0.05, 0.15, "cost"),
    "model.fiscal.inspection_cost": StructuralRange(0.25, 0.75, "cost"),
    "model.unrest.police_cost": StructuralRange(0.025, 0.075, "cost"),
    "model.information.platform_running_cost": StructuralRange(0.005, 0.02, "cost"),
    "model.voice.response_cost": StructuralRange(0.025, 0.075, "cost"),
}


def block_of(lever: str) -> str:
    """The block of a lever.

    >>> block_of("fine")
    'enforcement'
    """
    return LEVER_ORDERS[lever].block


def order_text(lever: str) -> str:
    """The declared order as text, e.g. ``top_down >= regulatory >= service``.

    >>> order_text("participation_reward")
    'service >= top_down = regulatory = 0'
    >>> order_text("evaluation_environment")
    'none (source silent)'
    """
    spec = LEVER_ORDERS[lever]
    if spec.order is None:
        return "none (source silent)"
    parts = []
    for tier in spec.order:
        fixed = [r for r in tier if r in spec.fixed]
        if fixed and len(fixed) == len(tier) and len({spec.fixed[r] for r in tier}) == 1:
            parts.append(" = ".join([*tier, f"{spec.fixed[tier[0]]:g}"]))
        else:
            parts.append(", ".join(tier))
    return " >= ".join(parts)


def satisfies_orders(levers: Mapping[str, Mapping[str, float]], tol: float = 1e-12) -> bool:
    """True when a setting ``{regime: {lever: value}}`` respects every declared order and range."""
    for name, spec in LEVER_ORDERS.items():
        values = {r: float(levers[r][name]) for r in REGIME_NAMES}
        if any(not spec.low - tol <= v <= spec.high + tol for v in values.values()):
            return False
        if any(abs(values[r] - v) > tol for r, v in spec.fixed.items()):
            return False
        if spec.order is None:
            continue
        for upper, lower in zip(spec.order, spec.order[1:], strict=False):
            if min(values[r] for r in upper) < max(values[r] for r in lower) - tol:
                return False
    return True


def draw_levers(
    rng: np.random.Generator, n: int, levers: Sequence[str] | None = None
) -> list[dict[str, dict[str, float]]]:
    """``n`` lever settings ``{regime: {lever: value}}`` that respect every declared order.

    Parameters
    ----------
    rng
        The caller's generator.
    n
        Number of draws.
    levers
        Levers to draw (default: all); the others keep each regime's preset value
        (the presets respect the orders, :func:`satisfies_orders`).

    Notes
    -----
    Per lever and draw: the regimes not ``fixed`` take ``k`` values uniform in
    ``[low, high]``; with an order, the values are sorted descending and the tiers
    take them from the top, in a random order within a tier; without one, each
    regime keeps its own value. Levers are drawn independently of each other; the
    delivery shares' ranges keep their sum below 1.
    """
    names = list(LEVER_ORDERS) if levers is None else list(levers)
    unknown = [name for name in names if name not in LEVER_ORDERS]
    if unknown:
        raise ValueError(f"unknown lever {unknown[0]!r}; allowed: {', '.join(LEVER_ORDERS)}")
    out = [{r: REGIME_PRESETS[r].model_dump() for r in REGIME_NAMES} for _ in range(n)]
    for name in names:
        spec = LEVER_ORDERS[name]
        free = [r for r in REGIME_NAMES if r not in spec.fixed]
        values = rng.uniform(spec.low, spec.high, size=(n, len(free)))
        if spec.order is not None:
            values = -np.sort(-values, axis=1)  # descending
            tiers = [[r for r in tier if r in free] for tier in spec.order]
            ranked = [r for tier in tiers for r in tier]
            columns = {r: values[:, k] for k, r in enumerate(ranked)}
            start = 0
            for tier in tiers:
                if len(tier) > 1:  # the tier's values in a random order
                    block = values[:, start : start + len(tier)]
                    perm = rng.permuted(np.tile(np.arange(len(tier)), (n, 1)), axis=1)
                    shuffled = np.take_along_axis(block, perm, axis=1)
                    for k, r in enumerate(tier):
                        columns[r] = shuffled[:, k]
                start += len(tier)
        else:
            columns = {r: values[:, k] for k, r in enumerate(free)}
        for i in range(n):
            for r in REGIME_NAMES:
                out[i][r][name] = float(spec.fixed[r]) if r in spec.fixed else float(columns[r][i])
    for draw in out:  # every draw is a valid lever setting
        for r in REGIME_NAMES:
            Levers(**draw[r])
    return out


def draw_structural(
    rng: np.random.Generator, n: int, keys: Sequence[str] | None = None
) -> list[dict[str, float]]:
    """``n`` joint draws of the structural parameters ``{dotted key: value}``.

    Each key uniform in its range; the trust weights drawn (those in ``keys``) are
    then divided by the sum of all five trust weights (the others at their drawn
    value, or their default when not drawn) so that the five sum to 1.
    """
    names = list(STRUCTURAL_RANGES) if keys is None else list(keys)
    unknown = [name for name in names if name not in STRUCTURAL_RANGES]
    if unknown:
        raise ValueError(
            f"unknown structural parameter {unknown[0]!r}; allowed: {', '.join(STRUCTURAL_RANGES)}"
        )
    values = {
        name: rng.uniform(STRUCTURAL_RANGES[name].low, STRUCTURAL_RANGES[name].high, size=n)
        for name in names
    }
    drawn_weights = [k for k in TRUST_WEIGHTS if k in values]
    if drawn_weights:
        from sim.params import TrustParams

        defaults = TrustParams()
        total = sum(
            values[k] if k in values else getattr(defaults, k.rsplit(".", 1)[1])
            for k in TRUST_WEIGHTS
        )
        for k in drawn_weights:
            values[k] = values[k] / total
    return [{name: float(values[name][i]) for name in names} for i in range(n)]
