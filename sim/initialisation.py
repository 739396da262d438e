"""Initial populations: who lives where, needs what, earns what, and starts how.

All draws come from the run's generator, in a fixed order, so a seed fixes the
whole initial state.
"""

from __future__ import annotations

import numpy as np

from sim.aggregate import by_jurisdiction
from sim.cooperation import jurisdiction_weights, weighted_blocks
from sim.fiscal import initial_reserves
from sim.params import ModelParams
from sim.state import CitizenState, EnterpriseState, GovernmentState, SocialOrgState, split_by_level
from sim.structure import jurisdiction_need_shares

# graph generators whose node ids say nothing about where a citizen lives
UNORDERED_GRAPHS: tuple[str, ...] = ("barabasi_albert", "erdos_renyi")

__all__ = [
    "UNORDERED_GRAPHS",
    "block_jurisdictions",
    "initial_citizens",
    "initial_enterprises",
    "initial_governments",
    "initial_social_orgs",
    "need_profiles",
]


def block_jurisdictions(n: int, n_jurisdictions: int) -> np.ndarray:
    """Contiguous, equal-as-possible blocks of ids per jurisdiction.

    >>> block_jurisdictions(5, 2).tolist()
    [0, 0, 0, 1, 1]
    """
    return (np.arange(n) * n_jurisdictions // max(n, 1)).astype(np.int64)


def need_profiles(
    params: ModelParams, jurisdiction: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Jurisdiction and citizen need shares over domains.

    A jurisdiction's profile is ``(1 - h) * national + h * own`` with both drawn
    from a flat Dirichlet and ``h`` the preference heterogeneity; a citizen mixes
    its jurisdiction's profile with an own draw by the individual heterogeneity.
    Rows sum to one.

    Returns
    -------
    (jurisdiction_profiles, citizen_needs)
        Arrays of shape J x D and N x D.
    """
    n_dom = len(params.services.domains)
    alpha = np.ones(n_dom)
    national = rng.dirichlet(alpha * 4.0)
    own = rng.dirichlet(alpha, size=params.jurisdictions)
    h = params.services.preference_heterogeneity
    profiles = (1.0 - h) * national + h * own
    individual = rng.dirichlet(alpha * 2.0, size=jurisdiction.size)
    w = params.services.individual_heterogeneity
    needs = (1.0 - w) * profiles[jurisdiction] + w * individual
    return profiles, needs


def initial_citizens(
    params: ModelParams,
    social_org_jurisdiction: np.ndarray,
    enterprise_jurisdiction: np.ndarray,
    rng: np.random.Generator,
) -> tuple[CitizenState, np.ndarray]:
    """Citizens, their needs, incomes and affiliations; also returns J x D profiles."""
    n, n_j = params.citizens, params.jurisdictions
    weights = jurisdiction_weights(params.cooperation, n_j)  # a larger focal city, if set
    jurisdiction = block_jurisdictions(n, n_j) if weights is None else weighted_blocks(n, weights)
    if params.network.kind in UNORDERED_GRAPHS:
        # node ids carry no geography here (and in a Barabasi-Albert graph low ids are
        # the hubs), so jurisdictions are random, equal-sized sets of citizens
        jurisdiction = rng.permutation(jurisdiction)
    profiles, needs = need_profiles(params, jurisdiction, rng)
    fiscal = params.fiscal
    spread = fiscal.jurisdiction_income_spread
    # mean-one factors, so that mean_income is the expected income
    level = np.exp(rng.normal(-0.5 * spread**2, spread, n_j))
    sigma = fiscal.income_dispersion
    income = fiscal.mean_income * level[jurisdiction] * rng.lognormal(-0.5 * sigma**2, sigma, n)
    hardship = rng.random(n)
    risk_aversion = rng.random(n)
    enterprise = _affiliate(
        jurisdiction, enterprise_jurisdiction, 1.0 * params.network.enterprise_ties_per_citizen, rng
    )
    social_org = _affiliate(
        jurisdiction, social_org_jurisdiction, params.network.social_org_membership, rng
    )
    cooperate = rng.random(n) < params.coproduction.initial_cooperation
    trust = np.full(n, params.trust.initial_trust)
    satisfaction = np.full(n, params.trust.initial_satisfaction)
    state = CitizenState(
        jurisdiction=jurisdiction,
        need=needs,
        income=income,
        hardship=hardship,
        risk_aversion=risk_aversion,
        enterprise=enterprise,
        social_org=social_org,
        cooperate=cooperate,
        satisfaction=satisfaction,
        trust=trust,
    )
    return state, profiles


def _affiliate(
    citizen_jurisdiction: np.ndarray,
    org_jurisdiction: np.ndarray,
    probability: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Link each citizen, with a probability, to a random organisation of its jurisdiction.

    Returns the organisation's row, or -1 for none (also when the jurisdiction has none).
    """
    n = citizen_jurisdiction.size
    n_j = int(citizen_jurisdiction.max()) + 1 if n else 0
    joins = rng.random(n) < probability
    draws = rng.random(n)
    result = np.full(n, -1, dtype=np.int64)
    if org_jurisdiction.size == 0:
        return result
    order = np.argsort(org_jurisdiction, kind="stable")
    counts = np.bincount(org_jurisdiction, minlength=n_j)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    own = counts[citizen_jurisdiction]
    ok = joins & (own > 0)
    pick = starts[citizen_jurisdiction[ok]] + np.floor(draws[ok] * own[ok]).astype(np.int64)
    result[ok] = order[pick]
    return result


def initial_enterprises(params: ModelParams, rng: np.random.Generator) -> EnterpriseState:
    """Enterprises spread round-robin over jurisdictions, gains uniform on [low, high]."""
    n = params.enterprise_count
    comp = params.compliance
    jurisdiction = np.arange(n, dtype=np.int64) % params.jurisdictions
    weights = jurisdiction_weights(params.cooperation, params.jurisdictions)
    if weights is not None:  # a larger focal city has proportionally more enterprises
        jurisdiction = weighted_blocks(n, weights)
    gain = rng.uniform(comp.gain_low, comp.gain_high, n)
    capacity = rng.lognormal(0.0, 0.5, n)
    return EnterpriseState(
        jurisdiction=jurisdiction,
        violation_gain=gain,
        capacity=capacity,
        violating=np.zeros(n, dtype=bool),
        reputation=np.ones(n),
    )


def initial_social_orgs(params: ModelParams, rng: np.random.Generator) -> SocialOrgState:
    """Social organisations round-robin over jurisdictions, then over domains."""
    n = params.social_org_count
    n_j = params.jurisdictions
    jurisdiction = np.arange(n, dtype=np.int64) % n_j
    domain = (np.arange(n, dtype=np.int64) // n_j) % len(params.services.domains)
    weights = jurisdiction_weights(params.cooperation, n_j)
    if weights is not None:  # a larger focal city has proportionally more organisations
        jurisdiction = weighted_blocks(n, weights)
        first = np.searchsorted(jurisdiction, jurisdiction, side="left")
        domain = (np.arange(n, dtype=np.int64) - first) % len(params.services.domains)
    capacity = rng.lognormal(0.0, 0.5, n)
    return SocialOrgState(jurisdiction=jurisdiction, domain=domain, capacity=capacity)


def initial_governments(
    params: ModelParams, citizens: CitizenState, enterprise_jurisdiction: np.ndarray
) -> tuple[GovernmentState, np.ndarray]:
    """Governments perceiving the true initial demand; returns the state and initial reserves.

    With ``fiscal.initial_reserves_per_capita`` unset, reserves start at a first
    estimate of the fiscal steady state of the budget rule
    (:func:`sim.fiscal.initial_reserves`), on a tax base of citizens' income plus
    ``compliance.base_profit`` per enterprise; the model refines it after the
    step-0 round (:func:`sim.phases.budget.settle_initial_reserves`).
    """
    n_j = params.jurisdictions
    n_dom = len(params.services.domains)
    population = np.bincount(citizens.jurisdiction, minlength=n_j).astype(np.float64)
    true_share = jurisdiction_need_shares(citizens.jurisdiction, citizens.need, n_j)
    fiscal = params.fiscal
    if fiscal.initial_reserves_per_capita is None:
        base = by_jurisdiction(citizens.jurisdiction, citizens.income, n_j)
        profit = max(params.compliance.base_profit, 0.0)
        base = base + profit * np.bincount(enterprise_jurisdiction, minlength=n_j)
        reserves = initial_reserves(params, population, base)
    else:
        reserves = split_by_level(
            fiscal.initial_reserves_per_capita * population, params.decentralization
        )
    state = GovernmentState(
        n_jurisdictions=n_j,
        n_domains=n_dom,
        population=population,
        perceived_local=true_share.copy(),
        perceived_central=true_share.copy(),
    )
    return state, reserves
