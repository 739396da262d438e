"""Phase 7: the local economy - production, jobs, incomes, entry and exit, access costs.

Runs after enterprise compliance (phase 6), so that a firm's profit adds its
operating profit to what phase 6 booked (gains, contracts, fines, subsidies),
and before trust (phase 9), so that this step's incomes, take-up of services and
hardship are what citizens experience. Off unless ``mechanisms.economy``; with
the switch off ``model.economy`` is None and the phase does nothing. The
equations and their sources are in :mod:`sim.economy`; in short:

    L*_e = z_e (p_j tfp G_j^beta / omega_j)^(1/(1-alpha)),  E_j = min(N_j, sum L*),  L_e = L*_e E_j / sum L*
    y_e  = A_j z_e^(1-alpha) L_e^alpha,   W_j = alpha p_j sum y_e,   y_i = W_j k_i / sum_emp k  or  b
    pi_e = pi^6_e + (1-alpha) p_j y_e - c_j + S_j / n_j,   S_j = promotion_cost e^g_j N_j
    exit  w.p. exit_shock, or exit_rate if pi^hat_e < 0;   enter w.p. entry_rate if H pi^en_e > K_j
    x_jd *= q_j = min(1, 3 e^s_j)^theta        (then coverage and utility are scored again)
    K_j  = v^f_j firm_visit_cost,   a_j = v^c_j citizen_visit_cost,   coverage_i *= 1 / (1 + k a_j / y_i)
    H_i  += w_p max(0, 1 - y_i / z) + w_u u_i   (replacing last step's economic term)

Output ``enterprises.output`` is real output ``y_e`` (0 for inactive firms); a
pollution stock can read it.

State contract (``READS`` / ``WRITES``, checked by ``tests/sim/test_phase_contracts.py``):

reads ``citizens.coverage``, ``citizens.hardship``, ``citizens.income``,
``citizens.jurisdiction``, ``citizens.need``, ``citizens.service_utility``,
``derived``, ``economy``, ``enterprises.active``,
``enterprises.jurisdiction``, ``enterprises.output``, ``enterprises.profit``,
``governments.demand_factor``, ``governments.demand_multiplier``,
``governments.n_jurisdictions``, ``governments.need_drift``, ``governments.population``,
``governments.provision``, ``jurisdiction_need``, ``ledger``, ``levers``,
``params.mechanisms``,
``params.economy``;

writes ``citizens.coverage``, ``citizens.hardship``, ``citizens.income``,
``citizens.service_utility``, ``economy``, ``governments.provision``, ``enterprises.active``, ``enterprises.output``, ``enterprises.profit``,
``ledger``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import by_jurisdiction, mean_by_jurisdiction
from sim.economy import (
    EconomyState,
    attention_target,
    labour_demand,
    service_quality,
    take_up,
    visits,
)
from sim.phases.adaptation import evaluation_weights
from sim.phases.information import platform_capability
from sim.phases.services import score_citizens

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = [
    "READS",
    "WRITES",
    "access_costs",
    "economy_costs",
    "initialise_economy",
    "produce",
    "productive_services",
    "promotion_spending",
    "run_economy",
]

READS: tuple[str, ...] = (
    "citizens.coverage",
    "citizens.hardship",
    "citizens.income",
    "citizens.jurisdiction",
    "citizens.need",
    "citizens.service_utility",
    "derived",
    "economy",
    "enterprises.active",
    "enterprises.jurisdiction",
    "enterprises.output",
    "enterprises.profit",
    "governments.demand_factor",
    "governments.demand_multiplier",
    "governments.n_jurisdictions",
    "governments.need_drift",
    "governments.population",
    "governments.provision",
    "jurisdiction_need",
    "ledger",
    "levers",
    "params.economy",
    "params.mechanisms",
)
WRITES: tuple[str, ...] = (
    "citizens.coverage",
    "citizens.hardship",
    "citizens.income",
    "citizens.service_utility",
    "economy",
    "governments.provision",
    "enterprises.active",
    "enterprises.output",
    "enterprises.profit",
    "ledger",
)


def initialise_economy(model: GovernanceModel) -> EconomyState:
    """Draw the active firms and the hiring queue; fix skills, income levels, poverty line.

    Draws, in order: one uniform per enterprise (active iff below
    ``initial_active_share``), one permutation of the citizens (hiring queue).
    """
    p = model.params.economy
    rng = model.rng
    cit = model.citizens
    ent = model.enterprises
    gov = model.governments
    n_j = gov.n_jurisdictions
    missing = [d for d in p.productive_domains if d not in model.domain_index]
    if missing:
        raise ValueError(
            f"economy.productive_domains names {missing}, which are not in services.domains "
            f"{list(model.domain_index)}"
        )
    ent.active[:] = rng.random(len(ent)) < p.initial_active_share
    queue = rng.permutation(len(cit))
    # rank within jurisdiction in queue order
    order = queue[np.argsort(cit.jurisdiction[queue], kind="stable")]
    counts = np.bincount(cit.jurisdiction, minlength=n_j)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.empty(len(cit), dtype=np.int64)
    rank[order] = np.arange(len(cit)) - np.repeat(starts, counts)
    mean_j = mean_by_jurisdiction(cit.jurisdiction, cit.income, gov.population)
    mean_income = model.params.fiscal.mean_income
    level = mean_j / mean_income
    skill = cit.income / np.take(np.where(mean_j > 0, mean_j, 1.0), cit.jurisdiction)
    per_firm = len(cit) / max(len(ent), 1)
    capital = p.firm_size * per_firm * ent.capacity
    n = len(cit)
    attention = attention_target(evaluation_weights(model), n_j)
    state = EconomyState(
        rank=rank,
        skill=skill,
        level=level,
        capital=capital,
        attention=attention,
        enforcement_base=gov.enforcement_effort.copy(),
        poverty_line=float(p.poverty_line * np.median(cit.income)),
        employed=np.zeros(n, dtype=bool),
        benefit_paid=np.zeros(n),
        deprivation=np.zeros(n),
        take_up=np.ones(n),
        access_cost=np.zeros(n),
        expected_profit=np.zeros(len(ent)),
        initial_income=np.zeros(n_j),
        permit_cost=np.zeros(n_j),
        price=np.ones(n_j),
        wage_factor=np.ones(n_j),
        public_capital=np.ones(n_j),
        service_quality=np.ones(n_j),
    )
    model.economy = state
    return state


def productive_services(model: GovernanceModel) -> np.ndarray:
    """``s_j``: provision of the productive domains over what meets their need, floored at 0.05.

    ``s_j = sum_{d in P} x_jd / (standard * sum_{d in P} n_jd)`` with ``n_jd`` the
    jurisdiction's census need shares; 1 where the productive domains get exactly
    the standard (Barro 1990: public services as an input of production).
    """
    p = model.params.economy
    columns = [model.domain_index[d] for d in p.productive_domains]
    n_j = model.governments.n_jurisdictions
    if not columns:
        return np.ones(n_j)
    provided = model.governments.provision[:, columns].sum(axis=1)
    need = model.params.services.service_standard * model.jurisdiction_need[:, columns].sum(axis=1)
    ratio = np.divide(provided, need, out=np.ones(n_j), where=need > 0)
    return np.maximum(ratio, 0.05)


def economy_costs(model: GovernanceModel) -> np.ndarray:
    """Per government (J + 1), what the economy costs governments a step at current amounts.

    Unemployment benefits (a national scheme: the centre pays) and each local
    government's promotion spending; the budget rule sets them aside
    (:func:`sim.phases.budget.later_costs`) so that they do not push reserves
    below the borrowing limit.
    """
    n_j = model.governments.n_jurisdictions
    costs = np.zeros(n_j + 1)
    costs[n_j] = model.economy.benefit_paid.sum()
    costs[:n_j] = promotion_spending(model)
    return costs


def promotion_spending(model: GovernanceModel) -> np.ndarray:
    """``S_j = promotion_cost * e^g_j * N_j``, 0 where a jurisdiction has no active firm."""
    gov = model.governments
    ent = model.enterprises
    promotion = model.params.economy.promotion_cost * model.economy.attention[:, 0] * gov.population
    firms = np.bincount(ent.jurisdiction, weights=ent.active, minlength=gov.n_jurisdictions)
    return np.where(firms > 0, promotion, 0.0)


def access_costs(model: GovernanceModel) -> tuple[np.ndarray, np.ndarray]:
    """Per jurisdiction, a firm's cost of its entry permits and a citizen's cost per procedure."""
    p = model.params.economy
    n_j = model.governments.n_jurisdictions
    table = model.lever_table
    capability = np.broadcast_to(
        platform_capability(
            table.local("information_lag"),
            table.local("information_noise"),
            model.params.information.noise_reference,
        ),
        (n_j,),
    )
    attention = model.economy.attention
    firm = visits(p.permit_visits, capability, p.one_stop_cut, attention[:, 0])
    citizen = visits(p.citizen_visits, capability, p.one_stop_cut, attention[:, 1])
    return firm * p.firm_visit_cost, citizen * p.citizen_visit_cost


def produce(model: GovernanceModel, *, first: bool = False) -> None:
    """Hire, produce, pay wages, benefits and promotion subsidies; book profit; take-up, hardship.

    ``first`` marks the round that ends initialisation: it fixes each
    jurisdiction's reference income for the demand price and books no profit.
    """
    econ = model.economy
    p = model.params.economy
    cit = model.citizens
    ent = model.enterprises
    gov = model.governments
    n_j = gov.n_jurisdictions
    alpha = p.labour_share
    active = ent.active

    # service quality: provision loses what neglect of the service task costs (multitask)
    # (only on this step's delivery: with the services phase off nothing is scored again)
    delivered = model.params.mechanisms.services
    quality = service_quality(econ.attention[:, 1], p.service_attention_elasticity)
    econ.service_quality[:] = quality
    if delivered and np.any(quality < 1.0):
        gov.provision *= quality[:, None]
        score_citizens(model)
    # productive public capital accumulates productive services (Arrow & Kurz 1970)
    flow = productive_services(model)
    if first:
        econ.public_capital[:] = flow
    else:
        econ.public_capital += p.public_capital_depreciation * (flow - econ.public_capital)
    relative = p.tfp * econ.public_capital**p.public_service_elasticity
    if not first:
        income_j = mean_by_jurisdiction(cit.jurisdiction, cit.income, gov.population)
        ratio = np.divide(
            income_j, econ.initial_income, out=np.ones(n_j), where=econ.initial_income > 0
        )
        econ.price[:] = np.maximum(ratio, 1e-6) ** p.demand_elasticity
    price = econ.price
    where = ent.jurisdiction
    # the wage curve: local wages fall with local unemployment (Blanchflower & Oswald 1994)
    if not first:
        jobs = by_jurisdiction(cit.jurisdiction, econ.employed, n_j)
        population = gov.population
        unemployment = 1.0 - np.divide(jobs, population, out=np.zeros(n_j), where=population > 0)
        ratio = np.maximum(unemployment, 0.01) / p.natural_unemployment
        target = ratio ** (-p.wage_curve_elasticity)
        econ.wage_factor += p.wage_adjustment * (target - econ.wage_factor)
    wanted = labour_demand(
        econ.capital, price[where] / econ.wage_factor[where], relative[where], alpha
    )
    demand = by_jurisdiction(where, wanted * active, n_j)
    employment = np.minimum(gov.population, demand)
    rationing = np.divide(employment, demand, out=np.ones(n_j), where=demand > 0)
    labour = wanted * rationing[where] * active
    reservation = p.reservation_wage * model.params.fiscal.mean_income * econ.level
    scale = reservation / alpha * relative  # A_j
    ent.output[:] = scale[where] * econ.capital ** (1.0 - alpha) * labour**alpha
    revenue = price[where] * ent.output
    econ.previous_output = econ.output if not first else float(ent.output.sum())
    econ.output = float(ent.output.sum())

    # jobs and incomes
    employed = econ.rank < np.take(employment, cit.jurisdiction)
    econ.employed[:] = employed
    wage_bill = alpha * by_jurisdiction(where, revenue, n_j)
    skills = by_jurisdiction(cit.jurisdiction, econ.skill * employed, n_j)
    per_skill = np.divide(wage_bill, skills, out=np.zeros(n_j), where=skills > 0)
    benefit = p.benefit * econ.poverty_line
    econ.benefit_paid[:] = np.where(employed, 0.0, benefit)
    cit.income[:] = np.where(employed, np.take(per_skill, cit.jurisdiction) * econ.skill, benefit)
    # a national scheme: the centre pays benefits (it pools the risk across jurisdictions)
    model.ledger.pay(
        np.concatenate([np.zeros(n_j), [econ.benefit_paid.sum()]]), category="programmes"
    )
    if first:
        econ.initial_income[:] = mean_by_jurisdiction(cit.jurisdiction, cit.income, gov.population)

    # promotion subsidies, paid by each local government to its active firms
    paid = promotion_spending(model)
    firms = by_jurisdiction(where, active.astype(np.float64), n_j)
    per_firm = np.divide(paid, firms, out=np.zeros(n_j), where=firms > 0)
    model.ledger.pay(np.concatenate([paid, [0.0]]), category="programmes")
    per_capita_firms = len(cit) / max(len(ent), 1)
    fixed = p.operating_cost * reservation * per_capita_firms
    operating = (1.0 - alpha) * revenue - fixed[where] + per_firm[where]
    if first:
        econ.expected_profit[:] = np.where(active, ent.profit + operating, 0.0)
    else:
        ent.profit[:] = np.where(active, ent.profit + operating, 0.0)

    # access costs: take-up of services and (below) the cost of entry
    permit, procedure = access_costs(model)
    econ.permit_cost[:] = permit
    econ.access_cost[:] = np.take(procedure, cit.jurisdiction)
    econ.take_up[:] = take_up(econ.access_cost, cit.income, p.take_up_sensitivity)
    if delivered:
        cit.coverage *= econ.take_up

    # hardship: replace last step's economic term with this step's
    gap = np.maximum(0.0, 1.0 - cit.income / econ.poverty_line)
    deprivation = p.poverty_hardship * gap + p.unemployment_hardship * ~employed
    cit.hardship[:] = np.maximum(cit.hardship - econ.deprivation + deprivation, 0.0)
    econ.deprivation[:] = deprivation

    if not first:
        _entry_and_exit(model, wanted, rationing, scale, price, per_firm, fixed)


def _entry_and_exit(
    model: GovernanceModel,
    wanted: np.ndarray,
    rationing: np.ndarray,
    scale: np.ndarray,
    price: np.ndarray,
    per_firm: np.ndarray,
    fixed: np.ndarray,
) -> None:
    """Firms exit on expected losses or a death shock; potential firms enter when entry pays.

    Draws two uniforms per enterprise (exit, then entry), in enterprise order.
    """
    econ = model.economy
    p = model.params.economy
    ent = model.enterprises
    rng = model.rng
    n = len(ent)
    alpha = p.labour_share
    where = ent.jurisdiction
    active = ent.active.copy()
    econ.expected_profit[:] = np.where(
        active,
        (1.0 - p.profit_memory) * econ.expected_profit + p.profit_memory * ent.profit,
        econ.expected_profit,
    )
    exit_draw = rng.random(n)
    entry_draw = rng.random(n)
    losing = econ.expected_profit < 0.0
    leaving = active & (
        (exit_draw < p.exit_shock) | (losing & (exit_draw < p.exit_shock + p.exit_rate))
    )
    # an entrant hires at today's rationing and shares promotion with one more firm
    labour = wanted * rationing[where]
    output = scale[where] * econ.capital ** (1.0 - alpha) * labour**alpha
    firms = by_jurisdiction(where, active.astype(np.float64), model.governments.n_jurisdictions)
    share = np.divide(per_firm * firms, firms + 1.0)
    prospect = (
        model.params.compliance.base_profit
        + (1.0 - alpha) * price[where] * output
        - fixed[where]
        + share[where]
    )
    pays = p.payback_steps * prospect > econ.permit_cost[where]
    entering = ~active & pays & (entry_draw < p.entry_rate)
    ent.active[:] = (active & ~leaving) | entering
    econ.expected_profit[:] = np.where(entering, prospect, econ.expected_profit)
    econ.expected_profit[leaving] = 0.0
    # entrants bear the access cost of their permits this step
    ent.profit[:] = np.where(entering, -econ.permit_cost[where], ent.profit)
    econ.entrants = int(entering.sum())
    econ.exits = int(leaving.sum())


def run_economy(model: GovernanceModel) -> None:
    """One step of the economy (a no-op when ``model.economy`` is None)."""
    if getattr(model, "economy", None) is None:
        return
    produce(model)
