"""The budget rule of phase 3: how much each government spends, and on what first.

Need-based budgeting within fiscal rules. Each government first pays its
administration (:func:`sim.fiscal.administration_costs`) and sets aside what its
programmes can cost this step (participation rewards at the current number of
co-producers, compliance subsidies for every enterprise - the programme's full
exposure, since enterprises decide after the budget - and inspections at the
current inspection probabilities; co-financed by the two levels in the proportion
``decentralization``). It then targets the service money that meets its perceived
need at the service standard, given what a money unit delivered last step:

    level_j   = sum_d nbar_jd M_jd                                  (amount of need; nbar: need shares, M: demand multiplier)
    e_j       = sum_d output_jd / sum_d money_jd   (last step; 1, the nominal output per money unit, before any spending)
    T_j       = service_standard * N_j * level_j / e_j              money that meets the standard in j
    target_j  = d * T_j * (1 + w_s q^svc_j)                          local government j
    target_C  = (1 - d) * sum_j T_j                                 the centre

``q^svc_j`` is the share of j's citizens who complained about services last step
(:func:`sim.phases.adaptation.complaints_by_cause`) and ``w_s`` the satisfaction
weight of the officials' evaluation: officials judged on satisfaction answer
service complaints with money. Spending is bounded by a borrowing limit
(a debt brake; Kopits & Symansky 1998) and reserves above a ceiling are refunded
(a revenue limit; Colorado's Taxpayer's Bill of Rights, 1992):

    B_g       = clip(target_g, 0, reserves_g + L_g - A_g - P_g)      service budget
    refund_g  = max(0, reserves_g - A_g - P_g - B_g - K_g)

with ``A_g`` administration, ``P_g`` the programme set-aside, ``L_g`` the borrowing
limit and ``K_g`` the ceiling. A more efficient government (higher ``e_j``) thus
spends less for the same provision. The target is an assumption in the spirit of
expenditure-need assessments in fiscal equalisation (Boadway & Shah 2009): the
amount of need (pupils, patients) is observed in the budget year, its mix is
learned with lag (phase 2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import by_jurisdiction
from sim.fiscal import (
    administration_costs,
    borrowing_limits,
    reserve_ceilings,
    steady_state_reserves,
)
from sim.numeric import clip
from sim.phases.adaptation import evaluation_weights
from sim.phases.compliance import inspection_probabilities
from sim.phases.economy import economy_costs
from sim.phases.information import platform_running_costs
from sim.phases.unrest import policing_costs
from sim.state import split_by_level

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = [
    "committed_spending",
    "later_costs",
    "output_per_money",
    "service_targets",
    "set_budgets",
    "settle_initial_reserves",
]


def committed_spending(model: GovernanceModel) -> np.ndarray:
    """Per-government programme exposure of this step (length J + 1).

    Rewards at the current number of co-producers (phase 5 pays them on the same
    count), subsidies for every enterprise (the most phase 6 can pay) and
    inspections at the current probabilities (phase 6 pays exactly these).
    """
    table = model.lever_table  # each jurisdiction's own reward and subsidy (pilot scope)
    gov = model.governments
    n_j = gov.n_jurisdictions
    cit = model.citizens
    reward = table.local("participation_reward")
    per_j = reward * by_jurisdiction(cit.jurisdiction, cit.cooperate, n_j)
    ent = model.enterprises
    if len(ent):
        subsidy = table.local("compliance_subsidy")
        per_j = per_j + subsidy * np.bincount(ent.jurisdiction, minlength=n_j)
        inspect = inspection_probabilities(model) * model.params.fiscal.inspection_cost
        per_j = per_j + by_jurisdiction(ent.jurisdiction, inspect, n_j)
    return split_by_level(per_j, model.params.decentralization)


def later_costs(model: GovernanceModel, administration: np.ndarray) -> np.ndarray:
    """Costs paid after the budget is set, at last step's amounts (length J + 1).

    Policing (phase 11, exactly: it depends on the coercion lever only), contracting
    (phase 4) and answering complaints (phase 10: last step's administration beyond the
    fixed administration ``A_g``) are set aside like programmes, so that they cannot
    take reserves below the borrowing limit unless contracting or answers grow from
    one step to the next. A household rule's inspections and rewards (phase 14) are
    not: their categories are those of the programmes set aside above. With the
    economy on, last step's unemployment benefits and this step's promotion spending
    are set aside too (:func:`sim.phases.economy.economy_costs`). Coordination
    costs of inter-governmental cooperation (:mod:`sim.cooperation`) are set aside at
    last step's amount like contracting.
    """
    ledger = model.ledger
    later = ledger.previous_spending(("contracting", "coordination"))
    answers = ledger.previous_spending(("administration",)) - administration
    later += np.maximum(answers, 0.0)
    if model.params.mechanisms.unrest:
        later += split_by_level(policing_costs(model), model.params.decentralization)
    if model.economy is not None:  # benefits and promotion (sim.phases.economy)
        later += economy_costs(model)
    return later


def output_per_money(model: GovernanceModel) -> np.ndarray:
    """``e_j``: service output per money unit in each jurisdiction at the last delivery.

    Read before this step's delivery, so it is last step's (realised) figure;
    1 (the nominal output per money unit: no leakage, no shading) where nothing
    has been spent yet.
    """
    gov = model.governments
    money = gov.money.sum(axis=1)
    output = gov.output.sum(axis=1)
    prior = 1.0
    spent = money > 0
    return np.where(spent, output / np.where(spent, money, 1.0), prior)


def service_targets(model: GovernanceModel) -> np.ndarray:
    """Per-government service money that meets perceived need at the standard (J + 1)."""
    gov = model.governments
    params = model.params
    level = (model.jurisdiction_need * gov.demand_multiplier).sum(axis=1)
    efficiency = np.maximum(output_per_money(model), 1e-9)
    needed = params.services.service_standard * gov.population * level / efficiency
    d = params.decentralization
    _, w_s, _ = evaluation_weights(model)
    local = d * needed * (1.0 + w_s * gov.service_complaint_rate)
    return np.concatenate([local, [(1.0 - d) * needed.sum()]])


def set_budgets(model: GovernanceModel) -> np.ndarray:
    """Pay administration and refunds; return each government's service budget (J + 1)."""
    gov = model.governments
    params = model.params
    ledger = model.ledger
    admin = administration_costs(params, gov.population)
    ledger.pay(admin, category="administration")
    committed = committed_spending(model) + later_costs(model, admin)
    room = ledger.reserves + borrowing_limits(params, gov.population) - committed
    # obligations the limit cannot accommodate are still paid; record by how much
    gov.budget_shortfall[:] = np.maximum(-room, 0.0)
    budget = clip(service_targets(model), 0.0, np.maximum(room, 0.0))
    ceiling = reserve_ceilings(params, gov.population)
    refund = np.maximum(ledger.reserves - committed - budget - ceiling, 0.0)
    ledger.pay(refund, category="refunds")
    return budget


def settle_initial_reserves(model: GovernanceModel) -> None:
    """Put reserves at the fiscal steady state seen from the step-0 round.

    Called once, after the step-0 allocation and delivery. Enterprises book the
    round's profit ``base_profit + gains of violators + s_j contract revenue`` (no
    fines or subsidies yet; only if the compliance phase, which books profit, is
    on), which step 1 taxes; ``s_j = T_j / money_j`` scales the round's contract
    revenue to the service money of the steady state (the round spent what the
    first estimate of reserves allowed). With this round's realised output
    per money unit and programme exposure, a step's revenue ``R_g`` (declared income
    ``tax_compliance x income`` plus positive profit, taxed, split by level) is set
    against what the government needs (administration, programmes, the round's
    contracting, the platform's running cost, policing and its service target), and
    reserves are set where the budget rule keeps them
    (:func:`sim.fiscal.steady_state_reserves`). Step 1 then starts in steady state.
    Revenue rises with spending by less than spending (tax on contract revenue), so
    judging ``R_g >= need_g`` at the target money classifies every government as it
    would be classified at its own steady-state spending.
    """
    gov = model.governments
    params = model.params
    n_j = gov.n_jurisdictions
    cit = model.citizens
    # citizens declare the share tax_compliance of income (decided in the step-0 round)
    base = by_jurisdiction(cit.jurisdiction, cit.income * cit.tax_compliance, n_j)
    targets = service_targets(model)
    ent = model.enterprises
    if len(ent):
        if params.mechanisms.compliance:
            # the steady-state round's profit, taxed at step 1 (no fines or subsidies
            # yet); contract revenue is the step-0 round's, scaled to the service money
            # of the steady state (the target: see below); without phase 6 nobody books
            # profit, and it stays 0
            money = gov.money.sum(axis=1)
            level = (model.jurisdiction_need * gov.demand_multiplier).sum(axis=1)
            steady_money = (
                params.services.service_standard
                * gov.population
                * level
                / np.maximum(output_per_money(model), 1e-9)
            )
            scale = np.divide(steady_money, money, out=np.ones(n_j), where=money > 0)
            ent.profit[:] = (
                params.compliance.base_profit
                + ent.violation_gain * ent.violating
                + ent.contract_revenue * scale[ent.jurisdiction]
            )
        base = base + by_jurisdiction(ent.jurisdiction, np.maximum(ent.profit, 0.0), n_j)
    taxed = params.fiscal.tax_rate * gov.revenue_multiplier * base
    revenue = split_by_level(taxed, params.decentralization)
    admin = administration_costs(params, gov.population)
    # contracting as in the step-0 round, the platform's running cost and policing
    # are paid every step like administration and programmes
    recurring = model.ledger.category("contracting").copy()
    if params.mechanisms.information:
        recurring += split_by_level(platform_running_costs(model), params.decentralization)
    if params.mechanisms.unrest:
        recurring += split_by_level(policing_costs(model), params.decentralization)
    if model.economy is not None:
        recurring += economy_costs(model)
    need = admin + committed_spending(model) + recurring + targets
    model.ledger.reserves[:] = steady_state_reserves(params, gov.population, revenue, need)
