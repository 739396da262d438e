"""Phase 8: the pollution stock, joint enforcement and shared infrastructure.

Runs after enterprise compliance (phase 6), when this step's violations are
known, and before satisfaction (phase 9), which feels the harm. Off by default
(``mechanisms.environment``); see :mod:`sim.environment` for the stock and
:mod:`sim.cooperation` for the cooperation instruments.

1. Emissions (:func:`sim.environment.emissions`, ``output`` = one unit per
   enterprise until enterprise output is modelled) feed the stock, which decays and
   spills over to neighbouring jurisdictions (Perman et al. 2011; Sigman 2002;
   Lipscomb & Mobarak 2017):

       P_j(t+1) = (1 - delta - delta_I [j in M]) P_j(t) + (1 - s) e_j + s sum_k W_kj e_k

2. Harm: ``h_i = h_v violate_{e(i)} + h_P P_j(t+1)`` (replacing phase 6's flow term).
3. Joint enforcement (``cooperation.joint_enforcement``): a member ``j`` that
   cooperates (``kappa_j`` > 0, phase 3) raises its enforcement effort by the
   pollution its violations export, on top of phase 13's adaptation:

       f_j += a * m_j * w_e * kappa_j * s_j^out * v_j

   with ``a`` the adaptation rate, ``m_j = [inspection_probability * f_j < 1]``,
   ``w_e`` the environment weight of the evaluation and ``v_j`` the violation rate
   (Becker 1968 with the external harm counted; the linear step is an assumption).
   Each cooperating member pays ``enforcement_coordination_cost`` per step.
4. Shared infrastructure (``cooperation.shared_infrastructure`` ``delta_I`` > 0)
   costs ``infrastructure_cost_per_capita * N_j`` per member and step.

Coordination costs go to the Ledger category ``coordination`` (local governments).

State contract (``READS`` / ``WRITES``, checked by ``tests/sim/test_phase_contracts.py``):

reads ``citizens.enterprise``, ``citizens.harm``, ``citizens.jurisdiction``, ``economy``,
``enterprises.jurisdiction``, ``enterprises.output``, ``enterprises.violating``,
``governments.emissions``,
``governments.enforcement_effort``, ``governments.n_jurisdictions``,
``governments.pollution``, ``governments.population``, ``ledger``, ``levers``,
``org_ties.government``, ``org_ties.kind``, ``org_ties.of_kind``,
``org_ties.partner``, ``org_ties.weight``, ``org_ties.active``, ``params.adaptation``,
``params.compliance``, ``params.cooperation``, ``params.environment``;

writes ``governments.pollution``, ``governments.emissions``,
``governments.enforcement_effort``, ``citizens.harm``, ``ledger``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.cooperation import member_mask
from sim.environment import emissions, exported_share, next_stock
from sim.phases.adaptation import evaluation_weights
from sim.phases.allocation import cooperation_strength
from sim.phases.compliance import direct_harm, violation_rates

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = [
    "READS",
    "WRITES",
    "joint_enforcement_step",
    "pollution_harm",
    "update_environment",
]

READS: tuple[str, ...] = (
    "citizens.enterprise",
    "citizens.harm",
    "citizens.jurisdiction",
    "economy",
    "enterprises.jurisdiction",
    "enterprises.output",
    "enterprises.violating",
    "governments.emissions",
    "governments.enforcement_effort",
    "governments.n_jurisdictions",
    "governments.pollution",
    "governments.population",
    "ledger",
    "levers",
    "org_ties.government",
    "org_ties.kind",
    "org_ties.of_kind",
    "org_ties.partner",
    "org_ties.weight",
    "org_ties.active",
    "params.adaptation",
    "params.compliance",
    "params.cooperation",
    "params.environment",
)
WRITES: tuple[str, ...] = (
    "governments.pollution",
    "governments.emissions",
    "governments.enforcement_effort",
    "citizens.harm",
    "ledger",
)


def pollution_harm(model: GovernanceModel) -> None:
    """``h_i = h_v violate_{e(i)} + h_P P_j``: direct harm plus the stock's harm."""
    cit = model.citizens
    stock_harm = model.params.environment.harm_per_stock * model.governments.pollution
    np.add(direct_harm(model), np.take(stock_harm, cit.jurisdiction), out=cit.harm)


def joint_enforcement_step(
    effort: np.ndarray,
    productive: np.ndarray,
    kappa: np.ndarray,
    exported: np.ndarray,
    violation_rate: np.ndarray,
    environment_weight: float | np.ndarray,
    rate: float,
) -> np.ndarray:
    """``f_j + a m_j w_e kappa_j s_j^out v_j``: effort after internalising exported pollution.

    >>> joint_enforcement_step(np.ones(2), np.array([True, False]), np.full(2, 0.5),
    ...                        np.full(2, 0.3), np.full(2, 0.4), 1.0, 0.1).round(6).tolist()
    [1.006, 1.0]
    """
    return effort + rate * productive * environment_weight * kappa * exported * violation_rate


def update_environment(model: GovernanceModel) -> None:
    """Phase 8: emissions, stock, harm, joint enforcement, coordination costs."""
    gov = model.governments
    env = model.params.environment
    coop = model.params.cooperation
    ent = model.enterprises
    n_j = gov.n_jurisdictions
    members = member_mask(coop, n_j)

    # production in units of an average firm's output at the start (the economy,
    # 7.7); without the economy every enterprise produces one unit
    econ = model.economy
    if econ is not None and econ.reference_output > 0:
        output = ent.output / econ.reference_output
    else:
        output = np.ones(len(ent))
    gov.emissions[:] = emissions(ent.jurisdiction, ent.violating, output, n_j, env)
    decay = np.minimum(env.decay + coop.shared_infrastructure * members, 1.0)
    gov.pollution[:] = next_stock(gov.pollution, gov.emissions, decay, env)
    pollution_harm(model)

    cost = np.zeros(n_j)
    if coop.shared_infrastructure > 0:
        cost += members * coop.infrastructure_cost_per_capita * gov.population
    if coop.joint_enforcement and len(ent):
        kappa = cooperation_strength(model) * members
        inspection = model.lever_table.local("inspection_probability")
        productive = inspection * gov.enforcement_effort < 1.0
        _, _, w_e = evaluation_weights(model)
        gov.enforcement_effort[:] = joint_enforcement_step(
            gov.enforcement_effort,
            productive,
            kappa,
            exported_share(env, n_j),
            violation_rates(model),
            w_e,
            model.params.adaptation.rate,
        )
        cost += (kappa > 0) * coop.enforcement_coordination_cost
    if cost.any():
        model.ledger.pay(np.concatenate([cost, [0.0]]), category="coordination")
