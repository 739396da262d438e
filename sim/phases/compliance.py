"""Phase 6: enterprise compliance under deterrence (Becker 1968).

A risk-neutral enterprise with violation gain ``g_e`` violates iff the gain
exceeds what violating is expected to cost:

    violate_e  <=>  g_e > p_e (F + rho * tau * R_e) + S

with ``p_e`` its inspection probability (the lever times its local government's
enforcement effort, phase 13), ``F`` the fine, ``R_e`` its reputation, ``rho``
the money value of a full reputation, ``tau`` transparency (public naming) and
``S`` the compliance subsidy forgone by violating. With ``decision_noise`` > 0
the choice is a logit around the same threshold; with ``imitation_rate`` > 0 an
enterprise sometimes copies a random peer of its jurisdiction instead (herding).

Inspections are drawn (with ``risk.enabled`` they may instead be targeted by
an observed risk score, and violations build up hazards that break out as
incidents: :mod:`sim.phases.risk`); a caught violator pays ``F`` to its local government and
loses the share ``tau`` of its reputation, which recovers slowly otherwise.
Violations harm linked citizens (customers, neighbours) and, through pollution
that spills across borders, every citizen of the jurisdiction:

    h_i = h_v * violate_{e(i)} + h_s * ((1 - s_env) v_j + s_env mean_{k != j} v_k)

State contract (``READS`` / ``WRITES``, checked by ``tests/sim/test_phase_contracts.py``):

reads ``citizens.enterprise``, ``citizens.harm``, ``citizens.jurisdiction``,
``enterprises.active``, ``enterprises.contract_revenue``, ``enterprises.fine_paid``,
``enterprises.jurisdiction``, ``enterprises.profit``, ``enterprises.reputation``,
``enterprises.subsidy_received``, ``enterprises.violating``,
``enterprises.violation_gain``, ``governments.enforcement_effort``,
``governments.n_jurisdictions``, ``ledger``, ``levers``, ``params.compliance``;

writes ``enterprises.reputation``, ``enterprises.profit``, ``enterprises.fine_paid``,
``enterprises.subsidy_received``, ``enterprises.violating``, ``citizens.harm``,
``ledger``; and, for risk and incidents (:mod:`sim.phases.risk`, with ``risk.enabled``),
reads ``enterprises.hazard``, ``enterprises.incident``, ``enterprises.spell_start``,
``params.information``, ``params.risk``, ``risk_log`` and writes them (but the parameters).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import by_jurisdiction
from sim.phases import risk
from sim.state import split_by_level

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = [
    "READS",
    "WRITES",
    "comply",
    "deterrence",
    "direct_harm",
    "inspection_probabilities",
    "violation_rates",
]

READS: tuple[str, ...] = (
    "citizens.enterprise",
    "citizens.harm",
    "citizens.jurisdiction",
    "enterprises.active",
    "enterprises.contract_revenue",
    "enterprises.fine_paid",
    "enterprises.jurisdiction",
    "enterprises.profit",
    "enterprises.reputation",
    "enterprises.subsidy_received",
    "enterprises.violating",
    "enterprises.violation_gain",
    "governments.enforcement_effort",
    "governments.n_jurisdictions",
    "ledger",
    "levers",
    "params.compliance",
    *risk.READS,
)
WRITES: tuple[str, ...] = (
    "enterprises.reputation",
    "enterprises.profit",
    "enterprises.fine_paid",
    "enterprises.subsidy_received",
    "enterprises.violating",
    "citizens.harm",
    "ledger",
    *risk.WRITES,
)


def inspection_probabilities(model: GovernanceModel) -> np.ndarray:
    """Each enterprise's inspection probability: lever times local enforcement effort."""
    ent = model.enterprises
    effort = model.governments.enforcement_effort[ent.jurisdiction]
    inspection = model.lever_table.local("inspection_probability", ent.jurisdiction)
    return np.minimum(1.0, inspection * effort)


def deterrence(model: GovernanceModel) -> np.ndarray:
    """Expected cost of violating for each enterprise (the Becker threshold)."""
    comp = model.params.compliance
    ent = model.enterprises
    fine, transparency, subsidy = _local_levers(model)
    penalty = fine + comp.reputation_weight * transparency * ent.reputation
    return inspection_probabilities(model) * penalty + subsidy


def _local_levers(model: GovernanceModel) -> tuple[float | np.ndarray, ...]:
    """Fine, transparency and compliance subsidy where each enterprise is (pilot scope)."""
    table, where = model.lever_table, model.enterprises.jurisdiction
    return tuple(
        table.local(name, where) for name in ("fine", "transparency", "compliance_subsidy")
    )


def violation_rates(model: GovernanceModel) -> np.ndarray:
    """Share of each jurisdiction's enterprises that violate (0 where it has none)."""
    ent = model.enterprises
    n_j = model.governments.n_jurisdictions
    count = np.bincount(ent.jurisdiction, minlength=n_j)
    bad = np.bincount(ent.jurisdiction, weights=ent.violating, minlength=n_j)
    return np.divide(bad, count, out=np.zeros(n_j), where=count > 0)


def comply(model: GovernanceModel) -> None:
    """Choose, inspect, fine, subsidise, book profits and harm citizens."""
    ent = model.enterprises
    n = len(ent)
    if n == 0:
        return
    rng = model.rng
    comp = model.params.compliance
    fine, transparency, subsidy = _local_levers(model)
    n_j = model.governments.n_jurisdictions
    d = model.params.decentralization

    excess = ent.violation_gain - deterrence(model)
    if comp.decision_noise > 0:
        violate = rng.random(n) < 1.0 / (1.0 + np.exp(-excess / comp.decision_noise))
    else:
        violate = excess > 0
    if comp.imitation_rate > 0:
        peer = _random_peer(ent.jurisdiction, rng)
        copying = rng.random(n) < comp.imitation_rate
        violate = np.where(copying, ent.violating[peer], violate)
    ent.violating[:] = violate & ent.active  # potential firms out of the market (economy) do not

    probability = inspection_probabilities(model)
    inspected = rng.random(n) < probability
    risky = model.params.risk.enabled
    if risky:  # hazards build up; inspections may be targeted by risk (sim.phases.risk)
        risk.grow_hazards(model, violate)
        inspected = risk.target_inspections(model, inspected)
    caught = inspected & violate
    ent.fine_paid[:] = np.where(caught, fine, 0.0)
    fines = by_jurisdiction(ent.jurisdiction, ent.fine_paid, n_j)
    model.ledger.receive(np.concatenate([fines, [0.0]]))
    ent.subsidy_received[:] = np.where(violate, 0.0, subsidy)
    subsidies = by_jurisdiction(ent.jurisdiction, ent.subsidy_received, n_j)
    model.ledger.pay(split_by_level(subsidies, d), category="programmes")
    # enforcement effort costs what its (expected) inspections cost
    inspections = by_jurisdiction(
        ent.jurisdiction, probability * model.params.fiscal.inspection_cost, n_j
    )
    model.ledger.pay(split_by_level(inspections, d), category="enforcement")

    ent.reputation[:] = np.where(
        caught,
        ent.reputation * (1.0 - transparency),
        ent.reputation + comp.reputation_recovery * (1.0 - ent.reputation),
    )
    ent.profit[:] = (
        comp.base_profit
        + ent.violation_gain * violate
        + ent.contract_revenue
        - ent.fine_paid
        + ent.subsidy_received
    )
    harm_citizens(model)
    if risky:
        risk.settle_risks(model, inspected, caught)


def harm_citizens(model: GovernanceModel) -> None:
    """Harm from violations to linked citizens and, with spill-over, to all."""
    cit = model.citizens
    comp = model.params.compliance
    rates = violation_rates(model)
    env = model.params.services.spillover.get("environment", 0.0)
    n_j = rates.size
    others = (rates.sum() - rates) / (n_j - 1) if n_j > 1 else rates
    regional = comp.harm_spillover * ((1.0 - env) * rates + env * others)
    np.add(direct_harm(model), regional.take(cit.jurisdiction), out=cit.harm)


def direct_harm(model: GovernanceModel) -> np.ndarray:
    """Harm each citizen suffers from the enterprise it is linked to, if that one violates.

    (Also the direct part of harm in the environment phase, which adds the stock's harm.)
    """
    comp = model.params.compliance
    # harm each enterprise does to its linked citizens, after a 0 for "no enterprise"
    direct = np.concatenate([[0.0], comp.harm_per_violation * model.enterprises.violating])
    return direct.take(model.citizens.enterprise + 1)


def _random_peer(jurisdiction: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random enterprise of the same jurisdiction for each enterprise."""
    n_j = int(jurisdiction.max()) + 1
    order = np.argsort(jurisdiction, kind="stable")
    counts = np.bincount(jurisdiction, minlength=n_j)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    own = counts[jurisdiction]
    return order[
        starts[jurisdiction] + np.floor(rng.random(jurisdiction.size) * own).astype(np.int64)
    ]
