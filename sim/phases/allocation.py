"""Phase 3: allocation of service budgets over jurisdictions and domains.

Each government first sets its service budget by the budget rule of
:mod:`sim.phases.budget`: administration and programme costs first, then the
money that meets its perceived need at the service standard, within a borrowing
limit, refunding reserves above a ceiling.

With citizens' welfare ``sum_d n_d log x_d`` (log utility), the budget shares that
maximise it are proportional to need, so allocation is proportional to
*perceived* need:

* a local government weights domain ``d`` by ``n_jd * (1 - s_d (1 - kappa_j)) *
  exp(tilt_jd)``: it discounts the share ``s_d`` of its provision that spills
  over to other jurisdictions unless inter-governmental cooperation ``kappa_j``
  makes it count (Oates 1972: local governments ignore spill-overs); ``tilt`` is
  what its performance evaluation rewards (phase 13);
* the centre splits its budget per capita over jurisdictions and, within each,
  over domains by ``c * national + (1 - c) * perceived_central_j`` with ``c`` the
  allocation centralisation (one size fits all at ``c = 1``).

``kappa_j = cooperation_lever * sum_k w_jk / (J - 1)``: the mean weight of j's
cooperation ties over all J - 1 possible partners (a missing tie counts as 0).
With a coalition (``cooperation.coalition``, :mod:`sim.cooperation`) only ties
between members count, over the ``|M| - 1`` possible partners, and
non-members have ``kappa_j = 0``.

**Joint committee** (``cooperation.pool_share`` ``pi`` > 0; :func:`sim.cooperation.pool_budgets`):
the members pool the share ``pi`` of their own money in the pooled domains (by
default those that spill over) and the committee spends the pool by need,
``N_j nhat_jd``; the members pay the coordination cost ``zeta`` times what they
put in (Ledger category ``coordination``):

    L'_jd = (1 - pi) L_jd + pi (sum_{k in M} L_kd) N_j nhat_jd / sum_{k in M} N_k nhat_kd

State contract (``READS`` / ``WRITES``, checked by ``tests/sim/test_phase_contracts.py``):

reads ``citizens.cooperate``, ``citizens.income``, ``citizens.jurisdiction``,
``citizens.tax_compliance``, ``enterprises.contract_revenue``,
``enterprises.jurisdiction``, ``enterprises.profit``, ``enterprises.violating``,
``enterprises.violation_gain``, ``governments.budget_shortfall``,
``governments.central``, ``governments.central_money``,
``governments.demand_multiplier``, ``governments.domain_tilt``,
``governments.enforcement_effort``, ``governments.money``,
``governments.n_jurisdictions``, ``governments.output``,
``governments.perceived_central``, ``governments.perceived_local``,
``governments.population``, ``governments.revenue_multiplier``,
``governments.service_budget``, ``governments.service_complaint_rate``,
``jurisdiction_need``, ``ledger``, ``levers``, ``org_ties.active``,
``org_ties.government``, ``org_ties.kind``, ``org_ties.of_kind``, ``org_ties.partner``,
``org_ties.weight``, ``params.cooperation``, ``spillover``;

writes ``governments.money``, ``governments.service_budget``,
``governments.budget_shortfall``, ``governments.central_money``, ``ledger``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.cooperation import member_mask, pool_budgets, pooled_domain_mask
from sim.network import OrgTies
from sim.phases.budget import committed_spending, set_budgets

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = [
    "READS",
    "WRITES",
    "allocate_budgets",
    "committed_spending",
    "cooperation_strength",
    "joint_committee",
]

READS: tuple[str, ...] = (
    "citizens.cooperate",
    "citizens.income",
    "citizens.jurisdiction",
    "citizens.tax_compliance",
    "enterprises.contract_revenue",
    "enterprises.jurisdiction",
    "enterprises.profit",
    "enterprises.violating",
    "enterprises.violation_gain",
    "governments.budget_shortfall",
    "governments.central",
    "governments.central_money",
    "governments.demand_multiplier",
    "governments.domain_tilt",
    "governments.enforcement_effort",
    "governments.money",
    "governments.n_jurisdictions",
    "governments.output",
    "governments.perceived_central",
    "governments.perceived_local",
    "governments.population",
    "governments.revenue_multiplier",
    "governments.service_budget",
    "governments.service_complaint_rate",
    "jurisdiction_need",
    "ledger",
    "levers",
    "org_ties.active",
    "org_ties.government",
    "org_ties.kind",
    "org_ties.of_kind",
    "org_ties.partner",
    "org_ties.weight",
    "params.cooperation",
    "spillover",
)
WRITES: tuple[str, ...] = (
    "governments.money",
    "governments.service_budget",
    "governments.budget_shortfall",
    "governments.central_money",
    "ledger",
)


def cooperation_strength(model: GovernanceModel) -> np.ndarray:
    """kappa_j: how much of spill-overs each local government takes into account."""
    n_j = model.governments.n_jurisdictions
    if n_j < 2:
        return np.zeros(n_j)
    ties = model.org_ties
    coop = ties.of_kind(OrgTies.COOPERATION)
    partner = np.where(ties.kind == OrgTies.COOPERATION, ties.partner, 0)
    coalition = model.params.cooperation.coalition
    if coalition is not None:  # only ties between members count
        members = member_mask(model.params.cooperation, n_j)
        coop = coop & members[ties.government] & members[partner]
    w = np.where(coop, ties.weight, 0.0)
    total = np.bincount(ties.government, weights=w, minlength=n_j)
    total += np.bincount(partner, weights=w, minlength=n_j)
    lever = model.lever_table.local("intergovernmental_cooperation")
    if coalition is None:
        return lever * total / (n_j - 1)
    return lever * total / max(len(coalition) - 1, 1)


def allocate_budgets(model: GovernanceModel) -> None:
    """Set each government's service budget and the J x D service money."""
    gov = model.governments
    levers = model.levers  # allocation_centralization is national (the centre's rule)
    budget = set_budgets(model)  # need-based budget within the fiscal rules (sim.phases.budget)
    gov.service_budget[:] = budget

    kappa = cooperation_strength(model)
    local_w = gov.perceived_local * (1.0 - model.spillover[None, :] * (1.0 - kappa[:, None]))
    local_w = local_w * np.exp(gov.domain_tilt)
    local_w = _normalise_rows(local_w)

    population = gov.population
    national = population @ gov.perceived_central / population.sum()
    c = levers.allocation_centralization
    central_w = _normalise_rows(c * national[None, :] + (1.0 - c) * gov.perceived_central)
    central_per_j = budget[gov.central] * population / population.sum()

    gov.central_money[:] = central_per_j[:, None] * central_w
    gov.money[:] = budget[: gov.central, None] * local_w + gov.central_money
    if model.params.cooperation.pool_share > 0:
        joint_committee(model)


def joint_committee(model: GovernanceModel) -> None:
    """Pool members' own money in the pooled domains, spend it by need, pay coordination."""
    gov = model.governments
    coop = model.params.cooperation
    n_j = gov.n_jurisdictions
    own = gov.money - gov.central_money
    pooled = pooled_domain_mask(coop, model.params.services.domains, model.spillover)
    need = gov.population[:, None] * gov.perceived_local
    own, put = pool_budgets(own, need, member_mask(coop, n_j), pooled, coop.pool_share)
    gov.money[:] = own + gov.central_money
    model.ledger.pay(
        np.concatenate([coop.pooling_cost_share * put, [0.0]]), category="coordination"
    )


def _normalise_rows(weights: np.ndarray) -> np.ndarray:
    totals = weights.sum(axis=1, keepdims=True)
    uniform = np.full(weights.shape, 1.0 / weights.shape[1])
    return np.where(totals > 0, weights / np.where(totals > 0, totals, 1.0), uniform)
